/* png.c — SVG to PNG through librsvg and cairo (see png.h). */
#include "png.h"
#include "buf.h"
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <math.h>

/* Under LeakSanitizer (make asan, the fuzz build): fontconfig, which librsvg loads to lay out
 * the text of a drawing, keeps its configuration and font cache for the life of the process
 * and frees them only in FcFini, which nothing calls; those blocks are not leaks of ours.
 * (LSan reads this hook when it is linked in; elsewhere it is an unused function.) */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static cairo_status_t append_png(void *closure, const unsigned char *data, unsigned int length)
{
    buf_append(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* svg_size: the SVG's own size in pixels (width/height attributes, else its viewBox). */
static int svg_size(RsvgHandle *h, double *w, double *hgt)
{
    if (rsvg_handle_get_intrinsic_size_in_pixels(h, w, hgt) && *w > 0 && *hgt > 0)
        return 0;
    gboolean has_w, has_h, has_vb;
    RsvgLength lw, lh;
    RsvgRectangle vb;
    rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
    if (!has_vb || vb.width <= 0 || vb.height <= 0)
        return -1;
    *w = vb.width, *hgt = vb.height;
    return 0;
}

int png_from_svg(const char *svg, size_t len, double scale, int opaque, struct buf *out)
{
    GError *error = NULL;
    int rc = PNG_ERR_SVG;
    cairo_surface_t *surface = NULL;
    cairo_t *cr = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &error);
    double w, hgt;
    if (!h || svg_size(h, &w, &hgt) != 0 || !(scale > 0) || !isfinite(scale))
        goto out;
    double pw = ceil(w * scale), ph = ceil(hgt * scale);
    rc = PNG_ERR_TOO_BIG;
    if (pw < 1 || ph < 1 || pw * ph > PNG_MAX_PIXELS)
        goto out;
    rc = PNG_ERR_RENDER;
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)pw, (int)ph);
    cr = cairo_create(surface);
    if (opaque) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    RsvgRectangle viewport = {0, 0, pw, ph};
    if (!rsvg_handle_render_document(h, cr, &viewport, &error))
        goto out;
    cairo_surface_flush(surface);
    if (cairo_surface_write_to_png_stream(surface, append_png, out) == CAIRO_STATUS_SUCCESS)
        rc = PNG_OK;
out:
    if (error)
        g_error_free(error);
    if (cr)
        cairo_destroy(cr);
    if (surface)
        cairo_surface_destroy(surface);
    if (h)
        g_object_unref(h);
    return rc;
}
