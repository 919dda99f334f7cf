/* svg_draw.c — a drawing as SVG (see svg_draw.h).
 *
 * One pass for the bounds, one for the elements in document order (their z-order).  Numbers
 * are written by put_num (two decimals, trailing zeros dropped, clamped to ±1e7) rather than
 * printf, since a 5,000-element drawing is a few hundred thousand of them. */
#include "svg_draw.h"
#include "arena.h"
#include "buf.h"
#include "draw_doc.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define COORD_MAX 1e7
#define MARGIN 20.0
#define MAX_PATTERNS 64
#define DEFAULT_STROKE "#1e1e1e"
#define PI 3.14159265358979323846

/* ---- output helpers -------------------------------------------------------------------- */

/* put_num: v with at most two decimals ("12", "-3.5", "0.25"). */
static void put_num(struct buf *out, double v)
{
    if (!isfinite(v))
        v = 0;
    if (v > COORD_MAX)
        v = COORD_MAX;
    if (v < -COORD_MAX)
        v = -COORD_MAX;
    long long c = llround(v * 100);
    char tmp[32], *e = tmp + sizeof tmp, *s = e;
    bool neg = c < 0;
    unsigned long long u = neg ? (unsigned long long)(-c) : (unsigned long long)c;
    unsigned frac = (unsigned)(u % 100);
    u /= 100;
    if (frac) {
        if (frac % 10) {
            *--s = (char)('0' + frac % 10);
            *--s = (char)('0' + frac / 10);
        } else {
            *--s = (char)('0' + frac / 10);
        }
        *--s = '.';
    }
    do {
        *--s = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg)
        *--s = '-';
    buf_append(out, s, (size_t)(e - s));
}

/* put_attr_num: ` name="v"`. */
static void put_attr_num(struct buf *out, const char *name, double v)
{
    buf_putc(out, ' ');
    buf_puts(out, name);
    buf_append(out, "=\"", 2);
    put_num(out, v);
    buf_putc(out, '"');
}

static void put_pt(struct buf *out, double x, double y)
{
    put_num(out, x);
    buf_putc(out, ' ');
    put_num(out, y);
}

/* utf8_len: the length of the well-formed UTF-8 character XML allows at s, or 0 (a bad
 * byte, a surrogate, U+FFFE/U+FFFF). */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        unsigned cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
            return 0;
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        unsigned cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12);
        if (cp < 0x10000 || cp > 0x10FFFF)
            return 0;
        return 4;
    }
    return 0;
}

/* put_esc: s[0..n) escaped for XML text and attributes; characters XML cannot hold (controls
 * other than tab, broken UTF-8) are dropped. */
static void put_esc(struct buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str, *end = s + n;
    while (s < end) {
        unsigned char c = *s;
        switch (c) {
        case '&': buf_append(out, "&amp;", 5); s++; continue;
        case '<': buf_append(out, "&lt;", 4); s++; continue;
        case '>': buf_append(out, "&gt;", 4); s++; continue;
        case '"': buf_append(out, "&quot;", 6); s++; continue;
        case '\'': buf_append(out, "&#39;", 5); s++; continue;
        default: break;
        }
        if (c < 0x20 && c != '\t') {
            s++;
            continue;
        }
        size_t k = (size_t)(end - s) >= 4 ? utf8_len(s) : 0;
        if (!k && (size_t)(end - s) < 4) {   /* near the end: check on a padded copy */
            unsigned char tmp[4] = {0};
            memcpy(tmp, s, (size_t)(end - s));
            k = utf8_len(tmp);
            if (k > (size_t)(end - s))
                k = 0;
        }
        if (!k) {
            s++;
            continue;
        }
        buf_append(out, s, k);
        s += k;
    }
}

/* color_ok: a colour we pass through: #rgb, #rgba, #rrggbb, #rrggbbaa, or a word of 1–20
 * letters (named colours, "transparent"). */
static bool color_ok(const char *c)
{
    if (!c || !*c)
        return false;
    size_t n = strlen(c);
    if (c[0] == '#') {
        if (n != 4 && n != 5 && n != 7 && n != 9)
            return false;
        for (size_t i = 1; i < n; i++)
            if (!((c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' && c[i] <= 'f') ||
                  (c[i] >= 'A' && c[i] <= 'F')))
                return false;
        return true;
    }
    if (n > 20)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z')))
            return false;
    return true;
}

static bool is_transparent(const char *c)
{
    return !color_ok(c) || strcmp(c, "transparent") == 0;
}

static const char *stroke_of(const struct draw_el *e)
{
    return color_ok(e->stroke) ? e->stroke : DEFAULT_STROKE;
}

static bool str_is(const char *s, const char *v)
{
    return s && strcmp(s, v) == 0;
}

/* ---- the renderer's state -------------------------------------------------------------- */

struct pattern {
    const char *color;
    bool cross;
};

struct ctx {
    struct arena *a;
    struct buf *out;
    const struct draw_doc *doc;
    const char *prefix;
    struct pattern patterns[MAX_PATTERNS];
    int npatterns;
    const struct draw_file **files;   /* sorted by id for lookups */
};

static int file_cmp(const void *x, const void *y)
{
    const struct draw_file *a = *(const struct draw_file *const *)x;
    const struct draw_file *b = *(const struct draw_file *const *)y;
    return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

static const struct draw_file *file_by_id(const struct ctx *c, const char *id)
{
    if (!id || !c->doc->nfiles)
        return NULL;
    struct draw_file key = {.id = id};
    const struct draw_file *kp = &key;
    const struct draw_file **hit = bsearch(&kp, c->files, c->doc->nfiles, sizeof *c->files,
                                           file_cmp);
    return hit ? *hit : NULL;
}

/* pattern_id: the index of the hatch pattern for (color, cross), added when new; -1 when the
 * table is full. */
static int pattern_id(struct ctx *c, const char *color, bool cross)
{
    for (int i = 0; i < c->npatterns; i++)
        if (c->patterns[i].cross == cross && strcmp(c->patterns[i].color, color) == 0)
            return i;
    if (c->npatterns == MAX_PATTERNS)
        return -1;
    c->patterns[c->npatterns] = (struct pattern){color, cross};
    return c->npatterns++;
}

/* put_fill: ` fill="…"` for the element's background and fill style. */
static void put_fill(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    if (is_transparent(e->bg)) {
        buf_puts(out, " fill=\"none\"");
        return;
    }
    if (!e->fill_style || str_is(e->fill_style, "solid")) {
        buf_printf(out, " fill=\"%s\"", e->bg);
        return;
    }
    int id = pattern_id(c, e->bg, str_is(e->fill_style, "cross-hatch"));
    if (id < 0)
        buf_printf(out, " fill=\"%s\" fill-opacity=\"0.35\"", e->bg);
    else
        buf_printf(out, " fill=\"url(#%s-p%d)\"", c->prefix, id);
}

static double stroke_width(const struct draw_el *e)
{
    double w = e->stroke_width;
    return w < 0 ? 0 : w > 100 ? 100 : w;
}

/* put_stroke: stroke colour, width and dashes. */
static void put_stroke(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    double w = stroke_width(e);
    buf_printf(out, " stroke=\"%s\"", stroke_of(e));
    put_attr_num(out, "stroke-width", w);
    if (str_is(e->stroke_style, "dashed")) {
        buf_puts(out, " stroke-dasharray=\"8 ");
        put_num(out, 8 + w);
        buf_putc(out, '"');
    } else if (str_is(e->stroke_style, "dotted")) {
        buf_puts(out, " stroke-dasharray=\"1.5 ");
        put_num(out, 6 + w);
        buf_puts(out, "\" stroke-linecap=\"round\"");
    }
}

/* ---- geometry -------------------------------------------------------------------------- */

struct box {
    double x0, y0, x1, y1;
};

static bool has_points(const struct draw_el *e)
{
    return e->type == DT_LINE || e->type == DT_ARROW || e->type == DT_FREEDRAW;
}

static bool drawable(const struct draw_el *e)
{
    return !e->deleted && e->type != DT_UNKNOWN && e->type != DT_SELECTION;
}

/* local_box: the element's box before rotation (points' bounds for lines and strokes). */
static struct box local_box(const struct draw_el *e)
{
    if (has_points(e) && e->npts) {
        struct box b = {e->pts[0], e->pts[1], e->pts[0], e->pts[1]};
        for (size_t i = 1; i < e->npts; i++) {
            double px = e->pts[2 * i], py = e->pts[2 * i + 1];
            b.x0 = fmin(b.x0, px);
            b.x1 = fmax(b.x1, px);
            b.y0 = fmin(b.y0, py);
            b.y1 = fmax(b.y1, py);
        }
        return (struct box){e->x + b.x0, e->y + b.y0, e->x + b.x1, e->y + b.y1};
    }
    double w = fabs(e->w), h = fabs(e->h);
    return (struct box){e->x, e->y, e->x + w, e->y + h};
}

/* rotated_box: the bounds of the element's box turned by its angle about its centre. */
static struct box rotated_box(const struct draw_el *e)
{
    struct box b = local_box(e);
    if (fabs(e->angle) < 1e-9)
        return b;
    double cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
    double hw = (b.x1 - b.x0) / 2, hh = (b.y1 - b.y0) / 2;
    double cs = fabs(cos(e->angle)), sn = fabs(sin(e->angle));
    double ew = hw * cs + hh * sn, eh = hw * sn + hh * cs;
    return (struct box){cx - ew, cy - eh, cx + ew, cy + eh};
}

static double clampd(double v, double lo, double hi)
{
    return !isfinite(v) ? lo : v < lo ? lo : v > hi ? hi : v;
}

/* drawing_bounds: the bounds of every drawn element; false when there is none. */
static bool drawing_bounds(const struct draw_doc *doc, struct box *out)
{
    bool any = false;
    for (size_t i = 0; i < doc->nels; i++) {
        const struct draw_el *e = &doc->els[i];
        if (!drawable(e))
            continue;
        struct box b = rotated_box(e);
        double pad = stroke_width(e) / 2 + (e->type == DT_ARROW ? 15 : 0);
        b.x0 -= pad;
        b.y0 -= pad + ((e->type == DT_FRAME || e->type == DT_MAGICFRAME) ? 24 : 0);
        b.x1 += pad;
        b.y1 += pad;
        if (!any)
            *out = b;
        else {
            out->x0 = fmin(out->x0, b.x0);
            out->y0 = fmin(out->y0, b.y0);
            out->x1 = fmax(out->x1, b.x1);
            out->y1 = fmax(out->y1, b.y1);
        }
        any = true;
    }
    if (any) {
        out->x0 = clampd(out->x0, -COORD_MAX, COORD_MAX);
        out->y0 = clampd(out->y0, -COORD_MAX, COORD_MAX);
        out->x1 = clampd(out->x1, -COORD_MAX, COORD_MAX);
        out->y1 = clampd(out->y1, -COORD_MAX, COORD_MAX);
    }
    return any;
}

/* ---- elements -------------------------------------------------------------------------- */

/* corner_radius: Excalidraw's rounding of a w×h box for roundness type t. */
static double corner_radius(double w, double h, int t)
{
    double m = fmin(fabs(w), fabs(h));
    if (t == 3)
        return m <= 32 / 0.25 ? m * 0.25 : 32;
    return m * 0.25;
}

static void draw_rect(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    buf_puts(out, "<rect");
    put_attr_num(out, "x", e->x);
    put_attr_num(out, "y", e->y);
    put_attr_num(out, "width", fabs(e->w));
    put_attr_num(out, "height", fabs(e->h));
    if (e->roundness)
        put_attr_num(out, "rx", corner_radius(e->w, e->h, e->roundness));
    put_fill(c, e);
    put_stroke(c, e);
    buf_puts(out, "/>");
}

static void draw_ellipse(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    buf_puts(out, "<ellipse");
    put_attr_num(out, "cx", e->x + fabs(e->w) / 2);
    put_attr_num(out, "cy", e->y + fabs(e->h) / 2);
    put_attr_num(out, "rx", fabs(e->w) / 2);
    put_attr_num(out, "ry", fabs(e->h) / 2);
    put_fill(c, e);
    put_stroke(c, e);
    buf_puts(out, "/>");
}

static void draw_diamond(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    double w = fabs(e->w), h = fabs(e->h);
    buf_puts(out, "<polygon points=\"");
    put_pt(out, e->x + w / 2, e->y);
    buf_putc(out, ' ');
    put_pt(out, e->x + w, e->y + h / 2);
    buf_putc(out, ' ');
    put_pt(out, e->x + w / 2, e->y + h);
    buf_putc(out, ' ');
    put_pt(out, e->x, e->y + h / 2);
    buf_putc(out, '"');
    if (e->roundness)
        buf_puts(out, " stroke-linejoin=\"round\"");
    put_fill(c, e);
    put_stroke(c, e);
    buf_puts(out, "/>");
}

/* Arrowheads: Excalidraw's kinds mapped onto a few shapes. */
enum head_shape { H_NONE, H_CHEVRON, H_TRIANGLE, H_BAR, H_CIRCLE, H_DIAMOND, H_CROWFOOT };
static const struct {
    const char *name;
    enum head_shape shape;
    bool filled, bar;
    double size;
} heads[] = {
    {"arrow", H_CHEVRON, false, false, 25}, {"triangle", H_TRIANGLE, true, false, 15},
    {"triangle_outline", H_TRIANGLE, false, false, 15}, {"bar", H_BAR, false, false, 15},
    {"dot", H_CIRCLE, true, false, 15}, {"circle", H_CIRCLE, true, false, 15},
    {"circle_outline", H_CIRCLE, false, false, 15}, {"diamond", H_DIAMOND, true, false, 12},
    {"diamond_outline", H_DIAMOND, false, false, 12}, {"crowfoot_one", H_BAR, false, false, 20},
    {"crowfoot_many", H_CROWFOOT, false, false, 20},
    {"crowfoot_one_or_many", H_CROWFOOT, false, true, 20},
};

/* draw_head: arrowhead `name` at (tx, ty) pointing along (dx, dy) from the point before it. */
static void draw_head(struct ctx *c, const struct draw_el *e, const char *name, double tx,
                      double ty, double dx, double dy)
{
    if (!name)
        return;
    int k = 0;   /* unknown kinds: a chevron */
    for (int i = 0; i < (int)(sizeof heads / sizeof heads[0]); i++)
        if (strcmp(heads[i].name, name) == 0)
            k = i;
    double len = hypot(dx, dy);
    if (len < 1e-9)
        return;
    double ux = dx / len, uy = dy / len, px = -uy, py = ux;
    double s = fmin(heads[k].size + stroke_width(e) * 2, len * 0.75 + 4);
    struct buf *out = c->out;
    const char *col = stroke_of(e);
    double bx = tx - ux * s, by = ty - uy * s;
    buf_puts(out, "<path d=\"");
    switch (heads[k].shape) {
    case H_CHEVRON: {
        double w = s * 0.42;   /* tan(~23°) */
        buf_putc(out, 'M');
        put_pt(out, bx + px * w, by + py * w);
        buf_putc(out, 'L');
        put_pt(out, tx, ty);
        buf_putc(out, 'L');
        put_pt(out, bx - px * w, by - py * w);
        break;
    }
    case H_TRIANGLE: {
        double w = s * 0.5;
        buf_putc(out, 'M');
        put_pt(out, tx, ty);
        buf_putc(out, 'L');
        put_pt(out, bx + px * w, by + py * w);
        buf_putc(out, 'L');
        put_pt(out, bx - px * w, by - py * w);
        buf_putc(out, 'Z');
        break;
    }
    case H_BAR: {
        double w = s * 0.5, mx = tx - ux * s * 0.3, my = ty - uy * s * 0.3;
        buf_putc(out, 'M');
        put_pt(out, mx + px * w, my + py * w);
        buf_putc(out, 'L');
        put_pt(out, mx - px * w, my - py * w);
        break;
    }
    case H_CIRCLE: {
        double r = s * 0.4, cx = tx - ux * r, cy = ty - uy * r;
        buf_putc(out, 'M');
        put_pt(out, cx - r, cy);
        buf_puts(out, "a");
        put_pt(out, r, r);
        buf_puts(out, " 0 1 0 ");
        put_pt(out, 2 * r, 0);
        buf_puts(out, "a");
        put_pt(out, r, r);
        buf_puts(out, " 0 1 0 ");
        put_pt(out, -2 * r, 0);
        buf_putc(out, 'Z');
        break;
    }
    case H_DIAMOND: {
        double w = s * 0.35, mx = tx - ux * s / 2, my = ty - uy * s / 2;
        buf_putc(out, 'M');
        put_pt(out, tx, ty);
        buf_putc(out, 'L');
        put_pt(out, mx + px * w, my + py * w);
        buf_putc(out, 'L');
        put_pt(out, bx, by);
        buf_putc(out, 'L');
        put_pt(out, mx - px * w, my - py * w);
        buf_putc(out, 'Z');
        break;
    }
    case H_CROWFOOT: {
        double w = s * 0.5;
        buf_putc(out, 'M');
        put_pt(out, tx + px * w, ty + py * w);
        buf_putc(out, 'L');
        put_pt(out, bx, by);
        buf_putc(out, 'L');
        put_pt(out, tx - px * w, ty - py * w);
        buf_putc(out, 'M');
        put_pt(out, bx, by);
        buf_putc(out, 'L');
        put_pt(out, tx, ty);
        if (heads[k].bar) {
            double mx = tx - ux * s * 1.3, my = ty - uy * s * 1.3;
            buf_putc(out, 'M');
            put_pt(out, mx + px * w, my + py * w);
            buf_putc(out, 'L');
            put_pt(out, mx - px * w, my - py * w);
        }
        break;
    }
    case H_NONE:
        break;
    }
    buf_printf(out, "\" fill=\"%s\" stroke=\"%s\"", heads[k].filled ? col : "none", col);
    put_attr_num(out, "stroke-width", stroke_width(e));
    buf_puts(out, " stroke-linejoin=\"round\" stroke-linecap=\"round\"/>");
}

/* put_smooth: the points as quadratic curves through their midpoints, each point the control
 * of the curve around it (M p0 L m01 Q p1 m12 … L pn): smooth, symmetric, exact at the ends. */
static void put_smooth(struct buf *out, const struct draw_el *e)
{
    size_t n = e->npts;
    const double *p = e->pts;
    buf_putc(out, 'M');
    put_pt(out, e->x + p[0], e->y + p[1]);
    buf_putc(out, 'L');
    put_pt(out, e->x + (p[0] + p[2]) / 2, e->y + (p[1] + p[3]) / 2);
    for (size_t i = 1; i + 1 < n; i++) {
        buf_putc(out, 'Q');
        put_pt(out, e->x + p[2 * i], e->y + p[2 * i + 1]);
        buf_putc(out, ' ');
        put_pt(out, e->x + (p[2 * i] + p[2 * i + 2]) / 2, e->y + (p[2 * i + 1] + p[2 * i + 3]) / 2);
    }
    buf_putc(out, 'L');
    put_pt(out, e->x + p[2 * n - 2], e->y + p[2 * n - 1]);
}

static void put_polyline(struct buf *out, const struct draw_el *e)
{
    for (size_t i = 0; i < e->npts; i++) {
        buf_putc(out, i ? 'L' : 'M');
        put_pt(out, e->x + e->pts[2 * i], e->y + e->pts[2 * i + 1]);
    }
}

static void draw_line(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    size_t n = e->npts;
    if (n < 2)
        return;
    const double *p = e->pts;
    bool closed = e->type == DT_LINE && n > 2 && fabs(p[0] - p[2 * n - 2]) < 1e-6 &&
                  fabs(p[1] - p[2 * n - 1]) < 1e-6;
    buf_puts(out, "<path d=\"");
    if (e->roundness && !e->elbowed && n > 2)
        put_smooth(out, e);
    else
        put_polyline(out, e);
    buf_putc(out, '"');
    if (closed)
        put_fill(c, e);
    else
        buf_puts(out, " fill=\"none\"");
    put_stroke(c, e);
    buf_puts(out, " stroke-linejoin=\"round\"/>");
    if (e->type != DT_ARROW)
        return;
    draw_head(c, e, e->start_head, e->x + p[0], e->y + p[1], p[0] - p[2], p[1] - p[3]);
    draw_head(c, e, e->end_head, e->x + p[2 * n - 2], e->y + p[2 * n - 1],
              p[2 * n - 2] - p[2 * n - 4], p[2 * n - 1] - p[2 * n - 3]);
}

static void draw_freedraw(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    double w = stroke_width(e) * 2 + 1;
    if (e->npts == 0)
        return;
    /* Thin the points: drop those within half a unit of the last one kept. */
    struct draw_el thin = *e;
    thin.pts = arena_alloc(c->a, e->npts * 2 * sizeof *thin.pts);
    thin.npts = 0;
    for (size_t i = 0; i < e->npts; i++) {
        double px = e->pts[2 * i], py = e->pts[2 * i + 1];
        if (thin.npts && i + 1 < e->npts &&
            hypot(px - thin.pts[2 * thin.npts - 2], py - thin.pts[2 * thin.npts - 1]) < 0.5)
            continue;
        thin.pts[2 * thin.npts] = px;
        thin.pts[2 * thin.npts + 1] = py;
        thin.npts++;
    }
    if (thin.npts == 1) {
        buf_puts(out, "<circle");
        put_attr_num(out, "cx", e->x + thin.pts[0]);
        put_attr_num(out, "cy", e->y + thin.pts[1]);
        put_attr_num(out, "r", w / 2);
        buf_printf(out, " fill=\"%s\"/>", stroke_of(e));
        return;
    }
    buf_puts(out, "<path d=\"");
    if (thin.npts > 2)
        put_smooth(out, &thin);
    else
        put_polyline(out, &thin);
    buf_printf(out, "\" fill=\"none\" stroke=\"%s\"", stroke_of(e));
    put_attr_num(out, "stroke-width", w);
    buf_puts(out, " stroke-linecap=\"round\" stroke-linejoin=\"round\"/>");
}

/* Font families by Excalidraw's number, as web-safe stacks. */
static const char *font_stack(int family)
{
    switch (family) {
    case 1: case 5: return "Virgil, Excalifont, &#39;Comic Sans MS&#39;, cursive";
    case 2: case 6: return "Helvetica, Nunito, Arial, sans-serif";
    case 3: case 8: return "Cascadia, &#39;Comic Shanns&#39;, Menlo, Consolas, monospace";
    case 7: return "&#39;Lilita One&#39;, Impact, fantasy";
    case 9: return "&#39;Liberation Sans&#39;, Arial, sans-serif";
    default: return "&#39;Comic Sans MS&#39;, cursive";
    }
}

static void draw_text(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    if (!e->text || !*e->text)
        return;
    double fs = clampd(e->font_size, 1, 1000);
    double lh = fs * clampd(e->line_height, 0.5, 5);
    size_t nlines = 1;
    for (const char *s = e->text; *s; s++)
        nlines += *s == '\n';
    const char *anchor = "start";
    double ax = e->x;
    if (str_is(e->text_align, "center")) {
        anchor = "middle";
        ax = e->x + fabs(e->w) / 2;
    } else if (str_is(e->text_align, "right")) {
        anchor = "end";
        ax = e->x + fabs(e->w);
    }
    double block = lh * (double)nlines, top = e->y, h = fabs(e->h);
    if (h > block && str_is(e->valign, "middle"))
        top += (h - block) / 2;
    else if (h > block && str_is(e->valign, "bottom"))
        top += h - block;
    buf_printf(out, "<text font-family=\"%s\"", font_stack(e->font_family));
    put_attr_num(out, "font-size", fs);
    buf_printf(out, " fill=\"%s\" text-anchor=\"%s\" xml:space=\"preserve\">", stroke_of(e), anchor);
    const char *line = e->text;
    for (size_t i = 0; i < nlines; i++) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        buf_puts(out, "<tspan");
        put_attr_num(out, "x", ax);
        put_attr_num(out, "y", top + lh * (double)i + lh / 2 + fs * 0.35);
        buf_putc(out, '>');
        put_esc(out, line, len);
        buf_puts(out, "</tspan>");
        line = nl ? nl + 1 : line + len;
    }
    buf_puts(out, "</text>");
}

static void draw_image(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    const struct draw_file *f = file_by_id(c, e->file_id);
    if (f && draw_attachment_url(f->data_url)) {
        buf_puts(out, "<image");
        put_attr_num(out, "x", e->x);
        put_attr_num(out, "y", e->y);
        put_attr_num(out, "width", fabs(e->w));
        put_attr_num(out, "height", fabs(e->h));
        buf_puts(out, " preserveAspectRatio=\"none\" href=\"");
        put_esc(out, f->data_url, strlen(f->data_url));
        buf_puts(out, "\"/>");
        return;
    }
    buf_puts(out, "<rect");   /* not ours to link: an empty placeholder */
    put_attr_num(out, "x", e->x);
    put_attr_num(out, "y", e->y);
    put_attr_num(out, "width", fabs(e->w));
    put_attr_num(out, "height", fabs(e->h));
    buf_puts(out, " fill=\"#e9ecef\" stroke=\"#adb5bd\" stroke-dasharray=\"4 4\"/>");
}

static void draw_frame(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    buf_puts(out, "<rect");
    put_attr_num(out, "x", e->x);
    put_attr_num(out, "y", e->y);
    put_attr_num(out, "width", fabs(e->w));
    put_attr_num(out, "height", fabs(e->h));
    buf_puts(out, " rx=\"8\" fill=\"none\" stroke=\"#bbbbbb\" stroke-width=\"1\"/>");
    buf_puts(out, "<text font-family=\"Helvetica, Arial, sans-serif\" font-size=\"14\" "
                  "fill=\"#888888\"");
    put_attr_num(out, "x", e->x);
    put_attr_num(out, "y", e->y - 8);
    buf_putc(out, '>');
    const char *name = e->name ? e->name : e->type == DT_MAGICFRAME ? "AI Frame" : "Frame";
    put_esc(out, name, strlen(name));
    buf_puts(out, "</text>");
}

static void draw_element(struct ctx *c, const struct draw_el *e)
{
    switch (e->type) {
    case DT_RECTANGLE: case DT_EMBEDDABLE: case DT_IFRAME: draw_rect(c, e); break;
    case DT_ELLIPSE: draw_ellipse(c, e); break;
    case DT_DIAMOND: draw_diamond(c, e); break;
    case DT_LINE: case DT_ARROW: draw_line(c, e); break;
    case DT_FREEDRAW: draw_freedraw(c, e); break;
    case DT_TEXT: draw_text(c, e); break;
    case DT_IMAGE: draw_image(c, e); break;
    case DT_FRAME: case DT_MAGICFRAME: draw_frame(c, e); break;
    case DT_UNKNOWN: case DT_SELECTION: break;
    }
}

/* draw_wrapped: the element inside a group when it is turned or see-through. */
static void draw_wrapped(struct ctx *c, const struct draw_el *e)
{
    struct buf *out = c->out;
    double op = clampd(e->opacity, 0, 100);
    bool turn = isfinite(e->angle) && fabs(e->angle) >= 1e-9, fade = op < 100;
    if (turn || fade) {
        buf_puts(out, "<g");
        if (turn) {
            struct box b = local_box(e);
            buf_puts(out, " transform=\"rotate(");
            put_num(out, fmod(e->angle, 2 * PI) * 180 / PI);
            buf_putc(out, ' ');
            put_pt(out, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
            buf_puts(out, ")\"");
        }
        if (fade)
            put_attr_num(out, "opacity", op / 100);
        buf_putc(out, '>');
    }
    draw_element(c, e);
    if (turn || fade)
        buf_puts(out, "</g>");
}

static void put_patterns(struct ctx *c)
{
    struct buf *out = c->out;
    if (!c->npatterns)
        return;
    buf_puts(out, "<defs>");
    for (int i = 0; i < c->npatterns; i++) {
        const struct pattern *p = &c->patterns[i];
        buf_printf(out, "<pattern id=\"%s-p%d\" patternUnits=\"userSpaceOnUse\" width=\"10\" "
                   "height=\"10\" patternTransform=\"rotate(-45)\"><path d=\"M0 5H10%s\" "
                   "stroke=\"%s\" stroke-width=\"1.5\"/></pattern>",
                   c->prefix, i, p->cross ? "M5 0V10" : "", p->color);
    }
    buf_puts(out, "</defs>");
}

/* prefix_ok: [A-Za-z0-9-]{1,32}. */
static bool prefix_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!n || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

int svg_draw_render(struct arena *a, const struct draw_doc *doc, const struct svg_draw_opts *opts,
                    struct buf *out)
{
    struct ctx *c = arena_alloc(a, sizeof *c);
    c->a = a;
    c->out = out;
    c->doc = doc;
    c->prefix = opts && prefix_ok(opts->id_prefix) ? opts->id_prefix : "drw";
    c->files = arena_alloc(a, (doc->nfiles + 1) * sizeof *c->files);
    for (size_t i = 0; i < doc->nfiles; i++)
        c->files[i] = &doc->files[i];
    qsort(c->files, doc->nfiles, sizeof *c->files, file_cmp);

    struct box b;
    if (!drawing_bounds(doc, &b))
        b = (struct box){MARGIN, MARGIN, 200 - MARGIN, 100 - MARGIN};
    double x = floor(b.x0 - MARGIN), y = floor(b.y0 - MARGIN);
    double w = ceil(b.x1 + MARGIN - x), h = ceil(b.y1 + MARGIN - y);
    buf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"drawing-svg\" viewBox=\"");
    put_pt(out, x, y);
    buf_putc(out, ' ');
    put_pt(out, w, h);
    buf_putc(out, '"');
    put_attr_num(out, "width", w);
    put_attr_num(out, "height", h);
    buf_puts(out, " role=\"img\" aria-label=\"Drawing\">");
    if (!is_transparent(doc->view_bg)) {
        buf_puts(out, "<rect");
        put_attr_num(out, "x", x);
        put_attr_num(out, "y", y);
        put_attr_num(out, "width", w);
        put_attr_num(out, "height", h);
        buf_printf(out, " fill=\"%s\"/>", doc->view_bg);
    }
    for (size_t i = 0; i < doc->nels; i++)
        if (drawable(&doc->els[i]))
            draw_wrapped(c, &doc->els[i]);
    put_patterns(c);
    buf_puts(out, "</svg>");
    return 0;
}

/* ---- thumbnail ------------------------------------------------------------------------- */

/* tl: a thumbnail coordinate as a whole number. */
static long tl(double v)
{
    return lround(clampd(v, -COORD_MAX, COORD_MAX));
}

int svg_draw_thumb(struct arena *a, const struct draw_doc *doc, struct buf *out)
{
    (void)a;
    struct box b;
    if (!drawing_bounds(doc, &b))
        return -1;
    double bw = fmax(b.x1 - b.x0, 1), bh = fmax(b.y1 - b.y0, 1);
    double scale = fmin((SVG_DRAW_THUMB_WIDTH - 8) / bw, 300.0 / bh);
    int W = SVG_DRAW_THUMB_WIDTH, H = (int)ceil(bh * scale) + 8;
    size_t start = out->len;
    buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" fill=\"none\" stroke-width=\"1\">", W, H, W, H);
    double ox = 4 - b.x0 * scale, oy = 4 - b.y0 * scale;
    for (size_t i = 0; i < doc->nels; i++) {
        const struct draw_el *e = &doc->els[i];
        if (!drawable(e))
            continue;
        if (out->len - start > SVG_DRAW_THUMB_MAX_BYTES - 400)
            break;
        const char *col = stroke_of(e);
        if (has_points(e) && e->npts >= 2) {
            size_t step = e->npts > 8 ? (e->npts + 7) / 8 : 1;
            buf_puts(out, "<polyline points=\"");
            for (size_t k = 0; k < e->npts; k += step)
                buf_printf(out, "%s%ld,%ld", k ? " " : "", tl(ox + (e->x + e->pts[2 * k]) * scale),
                           tl(oy + (e->y + e->pts[2 * k + 1]) * scale));
            buf_printf(out, " %ld,%ld\" stroke=\"%s\"/>",
                       tl(ox + (e->x + e->pts[2 * e->npts - 2]) * scale),
                       tl(oy + (e->y + e->pts[2 * e->npts - 1]) * scale), col);
            continue;
        }
        struct box r = rotated_box(e);
        long x0 = tl(ox + r.x0 * scale), y0 = tl(oy + r.y0 * scale);
        long w = tl((r.x1 - r.x0) * scale), h = tl((r.y1 - r.y0) * scale);
        if (e->type == DT_TEXT)
            buf_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"%s\" "
                       "fill-opacity=\"0.3\" stroke=\"none\"/>", x0, y0, w < 1 ? 1 : w, h < 1 ? 1 : h, col);
        else if (e->type == DT_ELLIPSE)
            buf_printf(out, "<ellipse cx=\"%ld\" cy=\"%ld\" rx=\"%ld\" ry=\"%ld\" stroke=\"%s\"/>",
                       x0 + w / 2, y0 + h / 2, w / 2, h / 2, col);
        else
            buf_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" stroke=\"%s\"/>",
                       x0, y0, w, h, col);
    }
    buf_puts(out, "</svg>");
    return 0;
}
