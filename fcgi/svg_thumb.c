/* svg_thumb.c — diagram thumbnails (see svg_thumb.h): one <path> of lines between related
 * tables' centres, then one <path> of boxes per table colour, every number a small integer. */
#include "svg_thumb.h"
#include "buf.h"
#include "erd_doc.h"
#include "erd_geometry.h"
#include "erd_model.h"
#include <math.h>
#include <string.h>

#define PAD 24.0                 /* around the drawing, in diagram units */
#define MAX_COLORS 12            /* distinct fills; more tables share the default */

const char SVG_THUMB_PLACEHOLDER[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 150\" width=\"240\" height=\"150\">"
    "<rect x=\"80\" y=\"45\" width=\"80\" height=\"60\" rx=\"6\" fill=\"none\" stroke=\"#94a3b8\" "
    "stroke-width=\"2\" stroke-dasharray=\"6 5\"/></svg>";

struct frame {
    double min_x, min_y, scale;
    int width, height;
};

static double box_height(const struct erd_entity *e)
{
    return ERD_BOX_HEADER_H + ERD_BOX_ROW_H * (double)e->ncolumns;
}

/* frame_of: the scale and size that fit every box into SVG_THUMB_WIDTH units across. */
static struct frame frame_of(const struct erd_doc *doc)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < doc->nentities; i++) {
        const struct erd_entity *e = &doc->entities[i];
        x0 = fmin(x0, e->x), y0 = fmin(y0, e->y);
        x1 = fmax(x1, e->x + ERD_BOX_MIN_W), y1 = fmax(y1, e->y + box_height(e));
    }
    struct frame f = {x0 - PAD, y0 - PAD, 0, SVG_THUMB_WIDTH, 0};
    f.scale = SVG_THUMB_WIDTH / (x1 - x0 + 2 * PAD);
    f.height = (int)ceil((y1 - y0 + 2 * PAD) * f.scale);
    if (f.height < 1)
        f.height = 1;
    return f;
}

static long sx(const struct frame *f, double x) { return lround((x - f->min_x) * f->scale); }
static long sy(const struct frame *f, double y) { return lround((y - f->min_y) * f->scale); }

/* safe_color: #rgb / #rrggbb / #rrggbbaa as given, anything else the default. */
static const char *safe_color(const char *c)
{
    size_t n = c ? strlen(c) : 0;
    if ((n == 4 || n == 7 || n == 9) && c[0] == '#' && strspn(c + 1, "0123456789abcdefABCDEF") == n - 1)
        return c;
    return ERD_DEFAULT_COLOR;
}

/* entity_at: the entity an id names, or NULL. */
static const struct erd_entity *entity_at(const struct erd_doc *doc, const struct erd_index *idx,
                                          const char *id)
{
    const struct erd_index_slot *s = id ? erd_index_find(idx, id) : NULL;
    return s && s->kind == ERD_ID_ENTITY ? &doc->entities[s->entity] : NULL;
}

/* lines: one path from centre to centre for each relationship between two tables (out is
 * left empty when there is none). */
static void lines(struct arena *a, const struct erd_doc *doc, const struct frame *f, struct buf *out)
{
    struct erd_index idx;
    struct erd_index_slot dup;
    erd_index_build(a, doc, &idx, &dup);     /* a stored diagram's ids are unique */
    buf_puts(out, "<path fill=\"none\" stroke=\"#94a3b8\" stroke-width=\"1\" d=\"");
    int any = 0;
    for (size_t k = 0; k < doc->nrelationships; k++) {
        const struct erd_entity *p = entity_at(doc, &idx, doc->relationships[k].source_entity_id);
        const struct erd_entity *q = entity_at(doc, &idx, doc->relationships[k].target_entity_id);
        if (!p || !q || p == q)
            continue;
        buf_printf(out, "M%ld %ldL%ld %ld", sx(f, p->x + ERD_BOX_MIN_W / 2.0), sy(f, p->y + box_height(p) / 2),
                   sx(f, q->x + ERD_BOX_MIN_W / 2.0), sy(f, q->y + box_height(q) / 2));
        any = 1;
    }
    if (any)
        buf_puts(out, "\"/>");
    else
        buf_reset(out);
}

static void boxes(const struct erd_doc *doc, const struct frame *f, struct buf *out)
{
    const char *colors[MAX_COLORS];
    size_t ncolors = 0;
    for (size_t i = 0; i < doc->nentities; i++) {
        const char *c = safe_color(doc->entities[i].color);
        size_t k = 0;
        while (k < ncolors && strcmp(colors[k], c) != 0)
            k++;
        if (k == ncolors && ncolors < MAX_COLORS)
            colors[ncolors++] = c;
    }
    for (size_t k = 0; k < ncolors; k++) {
        buf_printf(out, "<path fill=\"%s\" fill-opacity=\".22\" stroke=\"%s\" stroke-width=\"1.5\" d=\"",
                   colors[k], colors[k]);
        for (size_t i = 0; i < doc->nentities; i++) {
            const struct erd_entity *e = &doc->entities[i];
            const char *c = safe_color(e->color);
            size_t own = 0;
            while (own < ncolors && strcmp(colors[own], c) != 0)
                own++;
            if ((own == ncolors ? 0 : own) != k)
                continue;
            long w = lround(ERD_BOX_MIN_W * f->scale), h = lround(box_height(e) * f->scale);
            buf_printf(out, "M%ld %ldh%ldv%ldh%ldz", sx(f, e->x), sy(f, e->y), w ? w : 1, h ? h : 1, -(w ? w : 1));
        }
        buf_puts(out, "\"/>");
    }
}

int svg_thumb_render(struct arena *a, const struct erd_doc *doc, struct buf *out)
{
    if (doc->nentities == 0)
        return -1;
    struct frame f = frame_of(doc);
    struct buf svg = BUF_INIT, body = BUF_INIT;
    boxes(doc, &f, &body);
    lines(a, doc, &f, &svg);
    int rc = -1;
    if (svg.len + body.len + 200 > SVG_THUMB_MAX_BYTES)
        buf_reset(&svg);                           /* boxes only */
    if (svg.len + body.len + 200 <= SVG_THUMB_MAX_BYTES) {
        buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                        "height=\"%d\">", f.width, f.height, f.width, f.height);
        buf_append(out, svg.data ? svg.data : "", svg.len);
        buf_append(out, body.data, body.len);
        buf_puts(out, "</svg>");
        rc = 0;
    }
    buf_free(&svg);
    buf_free(&body);
    return rc;
}
