/* svg_erd.c — an ERD model drawn as a standalone, deterministic SVG: one box per table
 * (coloured header, a row per column with PK/FK/nullable markers), relationships as cubic
 * curves between column rows with crow's-foot / one markers and a label.  Class names let
 * CSS theme it; inline presentation attributes make it look right without CSS.  All text
 * is XML-escaped; no scripts, no external references. */
#include "svg_erd.h"
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include "erd_model.h"
#include "erd_view.h"
#include "html.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_H 36.0
#define ROW_H 28.0
#define MIN_W 240.0
#define MAX_W 480.0
#define CHAR_W 7.2           /* ≈ width of one character at 13px */
#define PAD 40.0
#define MAX_TEXT 48          /* code points shown of a name or type */
#define COORD_MAX 1e6
#define FONT "ui-sans-serif, system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"
#define LINE_COLOR "#64748b"

struct box {
    double x, y, w, h;
};

/* ---- text ----------------------------------------------------------------------------- */

/* put_text: s for XML text or an attribute — without the characters XML forbids (C0 controls
 * but tab/newline/return, which become spaces; U+FFFE/U+FFFF), cut to max code points with
 * "…", and escaped — in one pass straight into out. */
static void put_text(struct buf *out, const char *s, size_t max)
{
    size_t cps = 0;
    for (const unsigned char *p = (const unsigned char *)s; s && *p; p++) {
        if (*p == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
            p += 2;
            continue;
        }
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            continue;
        if ((*p & 0xC0) != 0x80 && cps++ == max) {
            buf_puts(out, "\xE2\x80\xA6");
            return;
        }
        switch (*p) {
        case '&': buf_append(out, "&amp;", 5); break;
        case '<': buf_append(out, "&lt;", 4); break;
        case '>': buf_append(out, "&gt;", 4); break;
        case '"': buf_append(out, "&quot;", 6); break;
        case '\'': buf_append(out, "&#39;", 5); break;
        default: buf_putc(out, *p < 0x20 ? ' ' : (char)*p);
        }
    }
}

/* put_tenths: v as printf's "%.1f" writes it.  Most coordinates are far from a tie between
 * two tenths and small enough that v * 10 is exact to better than 1e-6, so the digits are
 * worked out here; near a tie, or for huge values, printf decides. */
static void put_tenths(struct buf *out, double v)
{
    double a = fabs(v), t = a * 10;
    if (!(a < 1e7) || fabs(t - floor(t) - 0.5) < 1e-6) {
        char num[48];
        int n = snprintf(num, sizeof num, "%.1f", v);
        buf_append(out, num, (size_t)n);
        return;
    }
    unsigned long long n = (unsigned long long)(t + 0.5);
    char num[32], *p = num + sizeof num;
    *--p = (char)('0' + n % 10);
    *--p = '.';
    n /= 10;
    do
        *--p = (char)('0' + n % 10);
    while ((n /= 10) > 0);
    if (signbit(v))
        *--p = '-';
    buf_append(out, p, (size_t)(num + sizeof num - p));
}

/* svgf: a tiny printf for the drawing's markup: "%.1f" takes a double (put_tenths), "%s" a
 * string written as it is (callers escape), "%%" a percent sign. */
static void svgf(struct buf *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *pct; (pct = strchr(fmt, '%')); ) {
        buf_append(out, fmt, (size_t)(pct - fmt));
        if (strncmp(pct, "%.1f", 4) == 0) {
            put_tenths(out, va_arg(ap, double));
            fmt = pct + 4;
        } else if (pct[1] == 's') {
            buf_puts(out, va_arg(ap, const char *));
            fmt = pct + 2;
        } else {
            buf_putc(out, '%');
            fmt = pct + (pct[1] == '%' ? 2 : 1);
        }
    }
    buf_puts(out, fmt);
    va_end(ap);
}

/* text_width: estimated pixels of s at 13px (code points × CHAR_W, capped like put_text). */
static double text_width(const char *s)
{
    size_t cps = 0;
    for (const unsigned char *p = (const unsigned char *)s; s && *p; p++)
        cps += (*p & 0xC0) != 0x80;
    return (double)(cps > MAX_TEXT ? MAX_TEXT + 1 : cps) * CHAR_W;
}

/* ---- geometry ------------------------------------------------------------------------- */

static double coord(double v)
{
    return isfinite(v) ? fmax(-COORD_MAX, fmin(COORD_MAX, v)) : 0;
}

static const char *col_type(const struct erd_column *c)
{
    return c->type ? c->type : "";
}

static struct box measure(const struct erd_entity *e)
{
    struct box b = {coord(e->x), coord(e->y), MIN_W, HEADER_H + ROW_H * (double)e->ncolumns};
    b.w = fmax(b.w, 24 + text_width(e->name) * 15.0 / 13.0);
    for (size_t j = 0; j < e->ncolumns; j++) {
        const struct erd_column *c = &e->columns[j];
        b.w = fmax(b.w, 42 + text_width(c->name) + 20 + text_width(col_type(c)) + 28);
    }
    b.w = fmin(b.w, MAX_W);
    return b;
}

/* view_box: the bounding box of all tables plus padding (a fixed box when there are none). */
static struct box view_box(const struct box *boxes, size_t n)
{
    if (!n)
        return (struct box){0, 0, 320, 160};
    double x0 = boxes[0].x, y0 = boxes[0].y, x1 = x0 + boxes[0].w, y1 = y0 + boxes[0].h;
    for (size_t i = 1; i < n; i++) {
        x0 = fmin(x0, boxes[i].x);
        y0 = fmin(y0, boxes[i].y);
        x1 = fmax(x1, boxes[i].x + boxes[i].w);
        y1 = fmax(y1, boxes[i].y + boxes[i].h);
    }
    return (struct box){x0 - PAD, y0 - PAD, x1 - x0 + 2 * PAD, y1 - y0 + 2 * PAD};
}

/* ---- pieces --------------------------------------------------------------------------- */

static int valid_color(const char *c)
{
    size_t n = c ? strlen(c) : 0;
    if (!(n == 4 || n == 7 || n == 9) || c[0] != '#')
        return 0;
    return strspn(c + 1, "0123456789abcdefABCDEF") == n - 1;
}

/* safe_prefix: id prefix limited to [A-Za-z0-9_-] ("erd" when nothing is left). */
static void safe_prefix(struct buf *out, const char *p)
{
    for (; p && *p && out->len < 32; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
            buf_putc(out, *p);
    if (!out->len)
        buf_puts(out, "erd");
}

/* Crow's-foot ends: "start" markers sit where a path leaves a box, "end" where it enters. */
static const struct {
    const char *name, *d;
} markers[] = {
    {"one-start", "M8 -7 L8 7 M13 -7 L13 7"},
    {"one-end", "M-8 -7 L-8 7 M-13 -7 L-13 7"},
    {"many-start", "M0 -7 L13 0 L0 7 M0 0 L13 0 M17 -7 L17 7"},
    {"many-end", "M0 -7 L-13 0 L0 7 M0 0 L-13 0 M-17 -7 L-17 7"},
};

static void defs(struct buf *out, const char *prefix)
{
    buf_puts(out, "<defs>");
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        svgf(out,
                   "<marker id=\"%s-%s\" viewBox=\"-20 -10 40 20\" refX=\"0\" refY=\"0\" markerWidth=\"40\" "
                   "markerHeight=\"20\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">"
                   "<path d=\"%s\" fill=\"none\" stroke=\"" LINE_COLOR "\" stroke-width=\"1.5\"/></marker>",
                   prefix, markers[i].name, markers[i].d);
    buf_puts(out, "</defs>\n");
}

static void column_row(struct buf *out, const struct erd_column *c, double w, size_t j, int is_fk)
{
    double y = HEADER_H + ROW_H * (double)j;
    int pk = c->is_pk, nullable = c->is_nullable && !pk;
    buf_puts(out, "<g class=\"erd-col");
    buf_puts(out, pk ? " erd-col-pk" : "");
    buf_puts(out, is_fk ? " erd-col-fk" : "");
    buf_puts(out, "\" data-id=\"");
    html_txt(out, c->id);
    svgf(out, "\"><rect class=\"erd-row\" x=\"0.0\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
               y, w, ROW_H, j % 2 ? "#f8fafc" : "#ffffff");
    if (pk)
        svgf(out, "<text class=\"erd-pk\" x=\"6.0\" y=\"%.1f\" font-size=\"10\" font-weight=\"700\" fill=\"#b45309\">PK</text>", y + 18);
    else if (c->is_unique)
        svgf(out, "<text class=\"erd-uq\" x=\"6.0\" y=\"%.1f\" font-size=\"10\" font-weight=\"700\" fill=\"#7c3aed\">U</text>", y + 18);
    if (is_fk)
        svgf(out, "<text class=\"erd-fk\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\" font-weight=\"700\" fill=\"#2563eb\">FK</text>",
                   pk || c->is_unique ? 22.0 : 6.0, y + 18);
    svgf(out, "<text class=\"erd-name\" x=\"42.0\" y=\"%.1f\" font-size=\"13\" fill=\"#0f172a\">", y + 18);
    put_text(out, c->name, MAX_TEXT);
    svgf(out, "</text><text class=\"erd-type\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#64748b\" text-anchor=\"end\">",
               w - 26, y + 18);
    put_text(out, col_type(c), MAX_TEXT);
    buf_puts(out, "</text>");
    if (nullable)
        svgf(out, "<text class=\"erd-null\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#94a3b8\" text-anchor=\"middle\">?</text>",
                   w - 12, y + 18);
    buf_puts(out, "</g>");
}

static void table(struct buf *out, const struct erd_entity *e, const struct box *b,
                  const unsigned char *fk_cols)
{
    const char *color = e->color;
    buf_puts(out, "<g class=\"erd-table\" data-id=\"");
    html_txt(out, e->id);
    svgf(out, "\" transform=\"translate(%.1f,%.1f)\">", b->x, b->y);
    svgf(out, "<rect class=\"erd-box\" x=\"0.0\" y=\"0.0\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" fill=\"#ffffff\" "
                    "stroke=\"#cbd5e1\" stroke-width=\"1\"/>", b->w, b->h);
    svgf(out, "<rect class=\"erd-header\" x=\"0.0\" y=\"0.0\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" fill=\"%s\"/>",
               b->w, HEADER_H, valid_color(color) ? color : ERD_DEFAULT_COLOR);
    buf_puts(out, "<text class=\"erd-title\" x=\"12.0\" y=\"23.0\" font-size=\"15\" font-weight=\"600\" fill=\"#ffffff\">");
    put_text(out, e->name, MAX_TEXT);
    buf_puts(out, "</text>");
    for (size_t j = 0; j < e->ncolumns; j++)
        column_row(out, &e->columns[j], b->w, j, fk_cols[j]);
    buf_puts(out, "</g>\n");
}

/* anchor_y: the middle of column col's row in box b, or of the header when col < 0. */
static double anchor_y(const struct box *b, long col)
{
    return b->y + (col < 0 ? HEADER_H / 2 : HEADER_H + ROW_H * (double)col + ROW_H / 2);
}

struct curve {
    double x0, y0, x1, y1, x2, y2, x3, y3;
};

/* route: a cubic from box p (at py) to box c (at cy), leaving and entering on the nearer sides
 * (both on the right when the boxes overlap horizontally, e.g. a self-reference). */
static struct curve route(const struct box *p, double py, const struct box *c, double cy)
{
    double sx, tx, s, t;
    if (p->x + p->w + 20 <= c->x) {
        sx = p->x + p->w, tx = c->x, s = 1, t = -1;
    } else if (c->x + c->w + 20 <= p->x) {
        sx = p->x, tx = c->x + c->w, s = -1, t = 1;
    } else {
        sx = p->x + p->w, tx = c->x + c->w, s = 1, t = 1;
    }
    double d = fmax(40, fabs(tx - sx) / 2);
    return (struct curve){sx, py, sx + s * d, py, tx + t * d, cy, tx, cy};
}

static int is_many_end(const char *type, int parent_end)
{
    return !strcmp(type, "many-to-many") || (!parent_end && !strcmp(type, "one-to-many"));
}

/* relationship: the edge of fk drawn as ERD Builder Pro draws it, from its source (the child,
 * holding the key: the "many" end of one-to-many) to its target (the referenced parent), with
 * its label — the text ERD Builder Pro shows on the edge ("1:N") — at the middle. */

static void relationship(struct buf *out, struct buf *labels, const struct erd_doc *doc, const struct erd_fk *fk,
                         const struct box *boxes, const char *prefix)
{
    const struct box *p = &boxes[fk->parent], *c = &boxes[fk->child];
    struct curve k = route(c, anchor_y(c, fk->child_col), p, anchor_y(p, fk->parent_col));
    const struct erd_relationship *r = &doc->relationships[fk->rel];
    const char *label = r->label;
    buf_puts(out, "<path class=\"erd-rel\" data-id=\"");
    html_txt(out, r->id);
    svgf(out, "\" d=\"M%.1f %.1f C%.1f %.1f, %.1f %.1f, %.1f %.1f\" fill=\"none\" stroke=\"" LINE_COLOR "\" stroke-width=\"1.5\"",
               k.x0, k.y0, k.x1, k.y1, k.x2, k.y2, k.x3, k.y3);
    svgf(out, " marker-start=\"url(#%s-%s-start)\" marker-end=\"url(#%s-%s-end)\"", prefix,
               is_many_end(fk->type, 0) ? "many" : "one", prefix, is_many_end(fk->type, 1) ? "many" : "one");
    buf_puts(out, "/>\n");
    if (!label || !*label)
        return;
    svgf(labels, "<text class=\"erd-rel-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#334155\" "
                       "text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\">",
               (k.x0 + 3 * k.x1 + 3 * k.x2 + k.x3) / 8, (k.y0 + 3 * k.y1 + 3 * k.y2 + k.y3) / 8 - 4);
    put_text(labels, label, 80);
    buf_puts(labels, "</text>\n");
}

/* fk_flags: per entity, a flag per column set when it references another table. */
static unsigned char **fk_flags(struct arena *a, const struct erd_view *v)
{
    const struct erd_doc *doc = v->doc;
    unsigned char **f = arena_alloc(a, (doc->nentities + 1) * sizeof *f);
    for (size_t i = 0; i < doc->nentities; i++)
        f[i] = arena_alloc(a, doc->entities[i].ncolumns + 1);
    for (size_t k = 0; k < v->nfk; k++)
        if (v->fks[k].child_col >= 0 && !erd_fk_is_m2m(&v->fks[k]))
            f[v->fks[k].child][v->fks[k].child_col] = 1;
    return f;
}

static void open_svg(struct buf *out, const struct erd_doc *doc, const struct box *vb)
{
    const char *name = doc->name ? doc->name : "Diagram";
    svgf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"erd-svg\" viewBox=\"%.1f %.1f %.1f %.1f\" "
                    "width=\"%.1f\" height=\"%.1f\" role=\"img\" aria-label=\"",
               vb->x, vb->y, vb->w, vb->h, vb->w, vb->h);
    put_text(out, name, 200);
    buf_puts(out, "\" font-family=\"" FONT "\" font-size=\"13\">\n<title>");
    put_text(out, name, 200);
    buf_puts(out, "</title>\n");
}

int svg_erd_render(const struct erd_doc *doc, const struct svg_erd_opts *opts, struct buf *out)
{
    struct arena a;
    struct buf prefix = BUF_INIT, labels = BUF_INIT;
    arena_init(&a);
    safe_prefix(&prefix, opts ? opts->id_prefix : NULL);
    struct box *boxes = arena_alloc(&a, (doc->nentities + 1) * sizeof *boxes);
    struct erd_view v;
    for (size_t i = 0; i < doc->nentities; i++)
        boxes[i] = measure(&doc->entities[i]);
    erd_view_init(&a, &v, doc);      /* unnamed items are drawn too */
    struct box vb = view_box(boxes, doc->nentities);
    unsigned char **flags = fk_flags(&a, &v);
    open_svg(out, doc, &vb);
    defs(out, buf_cstr(&prefix));
    buf_puts(out, "<g class=\"erd-rels\">\n");
    for (size_t k = 0; k < v.nfk; k++)
        relationship(out, &labels, doc, &v.fks[k], boxes, buf_cstr(&prefix));
    buf_puts(out, "</g>\n<g class=\"erd-tables\">\n");
    for (size_t i = 0; i < doc->nentities; i++)
        table(out, &doc->entities[i], &boxes[i], flags[i]);
    buf_puts(out, "</g>\n<g class=\"erd-labels\">\n");
    buf_append(out, buf_cstr(&labels), labels.len);
    buf_puts(out, "</g>\n</svg>\n");
    buf_free(&prefix);
    buf_free(&labels);
    arena_free(&a);
    return 0;
}

double svg_erd_box_width(const struct erd_entity *e)
{
    return measure(e).w;
}
