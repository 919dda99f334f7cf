/* svg_flow.c — a flowchart (flow_doc.h) drawn as SVG: nodes in their shapes (one table row a
 * shape: its size limits, its label padding, its outline), edges routed like React Flow's
 * smoothstep edges (20-unit gaps out of the handles, orthogonal segments, rounded bends),
 * arrowheads drawn as paths (no <marker>, so every renderer agrees), labels wrapped and
 * escaped.  Numbers are written with at most two decimals, so output is deterministic. */
#include "svg_flow.h"
#include "arena.h"
#include "buf.h"
#include "flow_doc.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "ui-sans-serif, system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"
#define NODE_COLOR "#6366f1"      /* a node without a colour (ERD Builder Pro's first) */
#define EDGE_COLOR "#b1b1b7"      /* React Flow's default edge stroke */
#define TEXT_COLOR "#1e293b"
#define LABEL_BG "#ffffff"
#define FONT_SIZE 14.0
#define LINE_H 20.0
#define CHAR_W 7.8                /* ≈ one character at 14px semibold */
#define EDGE_FONT 12.0
#define EDGE_CHAR_W 6.8
#define EDGE_LABEL_MAX 60         /* code points of an edge label shown */
#define MAX_LINES 8               /* lines of a node label shown */
#define GAP 20.0                  /* smoothstep offset out of a handle */
#define BEND 5.0                  /* smoothstep border radius */
#define ARROW_LEN 10.0
#define ARROW_HALF 5.0
#define PAD 40.0

/* ---- numbers and text ------------------------------------------------------------------ */

/* put_num: v with at most two decimals and no trailing zeros ("12", "12.5", "-0.25"). */
static void put_num(struct buf *out, double v)
{
    char s[64];
    if (!isfinite(v))
        v = 0;
    v = round(v * 100) / 100;
    if (v == 0)
        v = 0;                    /* no "-0" */
    int n = snprintf(s, sizeof s, "%.2f", v);
    while (n > 0 && s[n - 1] == '0')
        n--;
    if (n > 0 && s[n - 1] == '.')
        n--;
    buf_append(out, s, (size_t)n);
}

static void put_xy(struct buf *out, double x, double y)
{
    put_num(out, x);
    buf_putc(out, ',');
    put_num(out, y);
}

/* put_attr_num: ` name="v"`. */
static void put_attr_num(struct buf *out, const char *name, double v)
{
    buf_putc(out, ' ');
    buf_puts(out, name);
    buf_puts(out, "=\"");
    put_num(out, v);
    buf_putc(out, '"');
}

/* put_text: bytes s[0..n) as XML text — characters XML forbids dropped (C0 controls become
 * spaces, U+FFFE/U+FFFF go), markup characters escaped. */
static void put_text(struct buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    for (; p < end; p++) {
        if (*p == 0xEF && end - p >= 3 && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
            p += 2;
            continue;
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

/* cp_len: the bytes of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t cp_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return i;
    return n;
}

/* ---- label lines ----------------------------------------------------------------------- */

struct line {
    const char *s;
    size_t len, cps;
    int cut;                      /* the label goes on past this, the last line shown */
};

struct lines {
    struct line l[MAX_LINES];
    int n;
    size_t widest;                /* code points of the widest line */
};

/* push_line: add s[0..len) (cps code points, trailing spaces dropped); 0, or -1 when full. */
static int push_line(struct lines *ls, const char *s, size_t len, size_t cps)
{
    while (len && s[len - 1] == ' ')
        len--, cps--;
    if (ls->n == MAX_LINES) {
        ls->l[MAX_LINES - 1].cut = 1;
        return -1;
    }
    ls->l[ls->n++] = (struct line){s, len, cps, 0};
    if (cps > ls->widest)
        ls->widest = cps;
    return 0;
}

/* wrap: label into lines of at most width code points — at newlines, then between words,
 * a word longer than a line broken where it must be. */
static void wrap(const char *label, size_t width, struct lines *ls)
{
    const char *p = label, *start = label, *space = NULL;
    size_t cps = 0, cps_at_space = 0;
    memset(ls, 0, sizeof *ls);
    if (width < 1)
        width = 1;
    while (*p) {
        if (*p == '\n' || *p == '\r') {
            if (push_line(ls, start, (size_t)(p - start), cps) != 0)
                return;
            p += (*p == '\r' && p[1] == '\n') ? 2 : 1;
            start = p, space = NULL, cps = 0;
            continue;
        }
        if (cps == width) {
            const char *brk = space && space > start ? space : p;
            size_t n = space && space > start ? cps_at_space : cps;
            if (push_line(ls, start, (size_t)(brk - start), n) != 0)
                return;
            start = brk == space ? space + 1 : brk;
            cps = cps - n - (brk == space ? 1 : 0);
            space = NULL;
            continue;
        }
        if (*p == ' ')
            space = p, cps_at_space = cps;
        p += cp_len(p);
        cps++;
    }
    if (p > start || ls->n == 0)
        push_line(ls, start, (size_t)(p - start), cps);
}

/* ---- shapes ---------------------------------------------------------------------------- */

struct box {
    double x, y, w, h;
};

/* shape_spec: a shape's size limits and label padding (ERD Builder Pro's node classes), and
 * its outline: a path over a 100×100 box ("H"/"V" take one number) plus an optional second
 * path drawn over it (a cylinder's lid). */
struct shape_spec {
    double min_w, max_w, min_h, pad_x, pad_top, pad_bottom;
    int square;
    const char *outline, *overlay;
};

static const struct shape_spec SHAPES[FLOW_SHAPE_COUNT] = {
    [FLOW_RECTANGLE] = {140, 240, 80, 32, 16, 16, 0, NULL, NULL},
    [FLOW_OVAL] = {140, 240, 80, 40, 16, 16, 0, NULL, NULL},
    [FLOW_DIAMOND] = {130, 300, 130, 60, 36, 36, 0, "M 50 0 L 100 50 L 50 100 L 0 50 Z", NULL},
    [FLOW_PARALLELOGRAM] = {160, 240, 80, 48, 16, 16, 0, "M 20 0 L 100 0 L 80 100 L 0 100 Z", NULL},
    [FLOW_DATABASE] = {140, 220, 100, 24, 40, 24, 0,
                       "M 0 12 V 88 C 0 104 100 104 100 88 V 12 Z",
                       "M 0 12 C 0 -4 100 -4 100 12 C 100 28 0 28 0 12 Z"},
    [FLOW_DOCUMENT] = {140, 220, 90, 32, 16, 40, 0,
                       "M 0 0 H 100 V 86 C 76 72 52 100 26 93 C 16 90 8 89 0 91 Z", NULL},
    [FLOW_CLOUD] = {160, 240, 90, 40, 24, 24, 0,
                    "M 25 86 C 8 86 1 66 15 57 C 7 38 25 21 42 29 C 48 11 74 9 81 28 "
                    "C 97 25 105 48 92 60 C 103 72 93 90 78 86 Z", NULL},
    [FLOW_CIRCLE] = {110, 240, 110, 16, 16, 16, 1, NULL, NULL},
};

/* put_scaled_path: template (a path over a 100×100 box) scaled onto b, as path data. */
static void put_scaled_path(struct buf *out, const struct box *b, const char *template)
{
    char axis = 'x', cmd = 'M';
    for (const char *p = template; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        if ((*p >= 'A' && *p <= 'Z')) {
            cmd = *p++;
            buf_putc(out, cmd);
            axis = cmd == 'V' ? 'y' : 'x';
            continue;
        }
        char *end;
        double v = strtod(p, &end);
        if (end == p)
            break;
        p = end;
        if (out->data[out->len - 1] != cmd)
            buf_putc(out, ' ');
        put_num(out, axis == 'x' ? b->x + b->w * v / 100 : b->y + b->h * v / 100);
        if (cmd != 'H' && cmd != 'V')
            axis = axis == 'x' ? 'y' : 'x';
    }
}

/* node_box: where node n is drawn and its label lines — its stored size when it has one,
 * else sized to its label within the shape's limits. */
static void node_box(const struct flow_node *n, struct box *b, struct lines *ls)
{
    const struct shape_spec *s = &SHAPES[n->shape < FLOW_SHAPE_COUNT ? n->shape : 0];
    double w = n->w > 0 ? n->w : s->max_w;
    wrap(n->label ? n->label : "", (size_t)fmax(1, floor((w - 2 * s->pad_x) / CHAR_W)), ls);
    double text_w = (double)ls->widest * CHAR_W, text_h = ls->n * LINE_H;
    b->x = n->x;
    b->y = n->y;
    b->w = n->w > 0 ? n->w : fmin(s->max_w, fmax(s->min_w, text_w + 2 * s->pad_x));
    b->h = n->h > 0 ? n->h : fmax(s->min_h, text_h + s->pad_top + s->pad_bottom);
    if (s->square && !(n->w > 0 && n->h > 0))
        b->w = b->h = fmax(b->w, b->h);
}

/* put_paint: fill and stroke of a node in colour c. */
static void put_paint(struct buf *out, const char *c, const char *fill_opacity)
{
    buf_printf(out, " fill=\"%s\" fill-opacity=\"%s\" stroke=\"%s\" stroke-width=\"2\" "
                    "stroke-linejoin=\"round\"/>", c, fill_opacity, c);
}

/* put_outline: the node's shape. */
static void put_outline(struct buf *out, const struct flow_node *n, const struct box *b)
{
    const struct shape_spec *s = &SHAPES[n->shape];
    const char *c = n->color ? n->color : NODE_COLOR;
    if (s->outline) {
        buf_puts(out, "<path d=\"");
        put_scaled_path(out, b, s->outline);
        buf_putc(out, '"');
        put_paint(out, c, "0.13");
        if (s->overlay) {
            buf_puts(out, "<path d=\"");
            put_scaled_path(out, b, s->overlay);
            buf_putc(out, '"');
            put_paint(out, c, "0.21");
        }
    } else if (n->shape == FLOW_CIRCLE) {
        buf_puts(out, "<ellipse");
        put_attr_num(out, "cx", b->x + b->w / 2);
        put_attr_num(out, "cy", b->y + b->h / 2);
        put_attr_num(out, "rx", b->w / 2);
        put_attr_num(out, "ry", b->h / 2);
        put_paint(out, c, "0.13");
    } else {
        double r = n->shape == FLOW_OVAL ? fmin(50, fmin(b->w, b->h) / 2) : 6;
        buf_puts(out, "<rect");
        put_attr_num(out, "x", b->x);
        put_attr_num(out, "y", b->y);
        put_attr_num(out, "width", b->w);
        put_attr_num(out, "height", b->h);
        put_attr_num(out, "rx", r);
        put_paint(out, c, "0.13");
    }
}

/* put_label: the label's lines centred in the shape's text area. */
static void put_label(struct buf *out, const struct flow_node *n, const struct box *b,
                      const struct lines *ls)
{
    const struct shape_spec *s = &SHAPES[n->shape];
    if (ls->n == 0 || (ls->n == 1 && ls->l[0].len == 0))
        return;
    double cx = b->x + b->w / 2;
    double area_top = b->y + s->pad_top, area_h = b->h - s->pad_top - s->pad_bottom;
    double top = area_top + (area_h - ls->n * LINE_H) / 2;
    buf_puts(out, "<text class=\"flow-label\" text-anchor=\"middle\" font-size=\"14\" "
                  "font-weight=\"600\" fill=\"" TEXT_COLOR "\">");
    for (int i = 0; i < ls->n; i++) {
        buf_puts(out, "<tspan");
        put_attr_num(out, "x", cx);
        put_attr_num(out, "y", top + i * LINE_H + 15);
        buf_putc(out, '>');
        put_text(out, ls->l[i].s, ls->l[i].len);
        if (ls->l[i].cut)
            buf_puts(out, "\xE2\x80\xA6");
        buf_puts(out, "</tspan>");
    }
    buf_puts(out, "</text>");
}

/* ---- edges: React Flow's smoothstep routing -------------------------------------------- */

struct pt {
    double x, y;
};

static const struct pt SIDE_DIR[4] = {{0, -1}, {1, 0}, {0, 1}, {-1, 0}};

/* handle_point: the middle of side s of box b. */
static struct pt handle_point(const struct box *b, enum flow_side s)
{
    switch (s) {
    case FLOW_TOP: return (struct pt){b->x + b->w / 2, b->y};
    case FLOW_RIGHT: return (struct pt){b->x + b->w, b->y + b->h / 2};
    case FLOW_LEFT: return (struct pt){b->x, b->y + b->h / 2};
    default: return (struct pt){b->x + b->w / 2, b->y + b->h};
    }
}

static double coord(struct pt p, int use_x)
{
    return use_x ? p.x : p.y;
}

struct route {
    struct pt p[8];
    int n;
    struct pt label;
};

/* corner_point: the one corner of an edge whose handles do not face each other (React Flow's
 * sourceTarget / targetSource choice), and the gap offsets that keep two handles on the same
 * side from folding back over each other when they are closer than GAP. */
static struct pt corner_point(struct pt src, struct pt tgt, struct pt sg, struct pt tg,
                              enum flow_side ss, enum flow_side ts, int use_x, double cur,
                              struct pt gap_off[2])
{
    struct pt sd = SIDE_DIR[ss], td = SIDE_DIR[ts];
    struct pt source_target = {sg.x, tg.y}, target_source = {tg.x, sg.y};
    double sdir = use_x ? sd.x : sd.y;
    struct pt corner = use_x ? (sdir == cur ? target_source : source_target)
                             : (sdir == cur ? source_target : target_source);
    if (ss == ts) {
        double diff = fabs(coord(src, use_x) - coord(tgt, use_x));
        if (diff <= GAP) {
            double g = fmin(GAP - 1, GAP - diff);
            int k = sdir == cur ? 0 : 1;
            struct pt gap = k == 0 ? sg : tg, end = k == 0 ? src : tgt;
            double v = (coord(gap, use_x) > coord(end, use_x) ? -1 : 1) * g;
            if (use_x)
                gap_off[k].x = v;
            else
                gap_off[k].y = v;
        }
        return corner;
    }
    double tdir_opp = use_x ? td.y : td.x;
    double so = coord(sg, !use_x), to = coord(tg, !use_x);
    int same = sdir == tdir_opp;
    int flip = (sdir == 1 && ((!same && so > to) || (same && so < to))) ||
               (sdir != 1 && ((!same && so < to) || (same && so > to)));
    return flip ? (use_x ? source_target : target_source) : corner;
}

/* smoothstep: the points of an edge from src (side ss) to tgt (side ts) and its label spot,
 * as React Flow's getSmoothStepPath places them. */
static void smoothstep(struct pt src, enum flow_side ss, struct pt tgt, enum flow_side ts,
                       struct route *r)
{
    struct pt sd = SIDE_DIR[ss], td = SIDE_DIR[ts];
    struct pt sg = {src.x + sd.x * GAP, src.y + sd.y * GAP};
    struct pt tg = {tgt.x + td.x * GAP, tgt.y + td.y * GAP};
    int use_x = ss == FLOW_LEFT || ss == FLOW_RIGHT;
    double cur = use_x ? (sg.x < tg.x ? 1 : -1) : (sg.y < tg.y ? 1 : -1);
    struct pt gap_off[2] = {{0, 0}, {0, 0}}, mid[2];
    int nmid;
    double cx = (src.x + tgt.x) / 2, cy = (src.y + tgt.y) / 2;
    if ((use_x ? sd.x * td.x : sd.y * td.y) == -1) {
        struct pt vsplit[2] = {{cx, sg.y}, {cx, tg.y}}, hsplit[2] = {{sg.x, cy}, {tg.x, cy}};
        int src_along = (use_x ? sd.x : sd.y) == cur;
        const struct pt *pick = (use_x == src_along) ? vsplit : hsplit;
        mid[0] = pick[0], mid[1] = pick[1], nmid = 2;
    } else {
        mid[0] = corner_point(src, tgt, sg, tg, ss, ts, use_x, cur, gap_off);
        nmid = 1;
        struct pt sgp = {sg.x + gap_off[0].x, sg.y + gap_off[0].y};
        struct pt tgp = {tg.x + gap_off[1].x, tg.y + gap_off[1].y};
        double max_x = fmax(fabs(sgp.x - mid[0].x), fabs(tgp.x - mid[0].x));
        double max_y = fmax(fabs(sgp.y - mid[0].y), fabs(tgp.y - mid[0].y));
        if (max_x >= max_y)
            cx = (sgp.x + tgp.x) / 2, cy = mid[0].y;
        else
            cx = mid[0].x, cy = (sgp.y + tgp.y) / 2;
    }
    r->n = 0;
    r->p[r->n++] = src;
    r->p[r->n++] = (struct pt){sg.x + gap_off[0].x, sg.y + gap_off[0].y};
    for (int i = 0; i < nmid; i++)
        r->p[r->n++] = mid[i];
    r->p[r->n++] = (struct pt){tg.x + gap_off[1].x, tg.y + gap_off[1].y};
    r->p[r->n++] = tgt;
    r->label = (struct pt){cx, cy};
}

static double dist(struct pt a, struct pt b)
{
    return hypot(b.x - a.x, b.y - a.y);
}

/* put_bend: the corner at b between a and c, rounded with a quadratic curve. */
static void put_bend(struct buf *out, struct pt a, struct pt b, struct pt c)
{
    double size = fmin(fmin(dist(a, b) / 2, dist(b, c) / 2), BEND);
    buf_putc(out, 'L');
    if ((a.x == b.x && b.x == c.x) || (a.y == b.y && b.y == c.y) || size <= 0) {
        put_xy(out, b.x, b.y);
        return;
    }
    if (a.y == b.y) {
        double xd = a.x < c.x ? -1 : 1, yd = a.y < c.y ? 1 : -1;
        put_xy(out, b.x + size * xd, b.y);
        buf_putc(out, 'Q');
        put_xy(out, b.x, b.y);
        buf_putc(out, ' ');
        put_xy(out, b.x, b.y + size * yd);
    } else {
        double xd = a.x < c.x ? 1 : -1, yd = a.y < c.y ? -1 : 1;
        put_xy(out, b.x, b.y + size * yd);
        buf_putc(out, 'Q');
        put_xy(out, b.x, b.y);
        buf_putc(out, ' ');
        put_xy(out, b.x + size * xd, b.y);
    }
}

/* put_arrow: an arrowhead with its tip at tip pointing along dir. */
static void put_arrow(struct buf *out, struct pt tip, struct pt dir, enum flow_marker m,
                      const char *color)
{
    struct pt back = {tip.x - dir.x * ARROW_LEN, tip.y - dir.y * ARROW_LEN};
    struct pt perp = {-dir.y * ARROW_HALF, dir.x * ARROW_HALF};
    buf_puts(out, "<path d=\"M");
    put_xy(out, back.x + perp.x, back.y + perp.y);
    buf_putc(out, 'L');
    put_xy(out, tip.x, tip.y);
    buf_putc(out, 'L');
    put_xy(out, back.x - perp.x, back.y - perp.y);
    if (m == FLOW_MARKER_CLOSED)
        buf_printf(out, "Z\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1\" "
                        "stroke-linejoin=\"round\"/>", color, color);
    else
        buf_printf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                        "stroke-linecap=\"round\" stroke-linejoin=\"round\"/>", color);
}

/* label_cut: the bytes and code points of an edge label shown (at most EDGE_LABEL_MAX). */
static size_t label_cut(const char *s, size_t *cps, int *cut)
{
    size_t n = 0;
    *cps = 0;
    *cut = 0;
    while (s[n]) {
        if (*cps == EDGE_LABEL_MAX) {
            *cut = 1;
            break;
        }
        n += cp_len(s + n);
        (*cps)++;
    }
    return n;
}

/* put_edge_label: the label on a rounded background at p. */
static void put_edge_label(struct buf *out, const struct flow_edge *e, struct pt p)
{
    size_t cps;
    int cut;
    size_t n = label_cut(e->label, &cps, &cut);
    double w = (double)(cps + (size_t)cut) * EDGE_CHAR_W + 8, h = EDGE_FONT + 8;
    buf_puts(out, "<rect class=\"flow-edge-label-bg\"");
    put_attr_num(out, "x", p.x - w / 2);
    put_attr_num(out, "y", p.y - h / 2);
    put_attr_num(out, "width", w);
    put_attr_num(out, "height", h);
    buf_printf(out, " rx=\"3\" fill=\"%s\"/>", e->label_bg ? e->label_bg : LABEL_BG);
    buf_puts(out, "<text class=\"flow-edge-label\" text-anchor=\"middle\" font-size=\"12\"");
    put_attr_num(out, "x", p.x);
    put_attr_num(out, "y", p.y + 4);
    buf_printf(out, " fill=\"%s\">", e->label_fg ? e->label_fg : TEXT_COLOR);
    put_text(out, e->label, n);
    if (cut)
        buf_puts(out, "\xE2\x80\xA6");
    buf_puts(out, "</text>");
}

/* edge_route: the route of e between its nodes' boxes. */
static void edge_route(const struct flow_edge *e, const struct box *boxes, struct route *r)
{
    struct pt s = handle_point(&boxes[e->source], e->source_side);
    struct pt t = handle_point(&boxes[e->target], e->target_side);
    smoothstep(s, e->source_side, t, e->target_side, r);
}

/* put_edge: one edge — its path, arrowheads and label. */
static void put_edge(struct buf *out, const struct flow_edge *e, const struct box *boxes)
{
    struct route r;
    const char *stroke = e->stroke ? e->stroke : EDGE_COLOR;
    edge_route(e, boxes, &r);
    buf_puts(out, "<g class=\"flow-edge\"><path d=\"M");
    put_xy(out, r.p[0].x, r.p[0].y);
    for (int i = 1; i < r.n - 1; i++)
        put_bend(out, r.p[i - 1], r.p[i], r.p[i + 1]);
    buf_putc(out, 'L');
    put_xy(out, r.p[r.n - 1].x, r.p[r.n - 1].y);
    buf_printf(out, "\" fill=\"none\" stroke=\"%s\"", stroke);
    put_attr_num(out, "stroke-width", e->stroke_width > 0 ? fmin(e->stroke_width, 20) : 1.5);
    if (e->dashed)
        buf_puts(out, " stroke-dasharray=\"5,5\"");
    buf_puts(out, "/>");
    if (e->marker_end) {
        struct pt d = SIDE_DIR[e->target_side];
        put_arrow(out, r.p[r.n - 1], (struct pt){-d.x, -d.y}, e->marker_end,
                  e->marker_end_color ? e->marker_end_color : stroke);
    }
    if (e->marker_start) {
        struct pt d = SIDE_DIR[e->source_side];
        put_arrow(out, r.p[0], (struct pt){-d.x, -d.y}, e->marker_start,
                  e->marker_start_color ? e->marker_start_color : stroke);
    }
    if (e->label && *e->label)
        put_edge_label(out, e, r.label);
    buf_puts(out, "</g>");
}

/* ---- the picture ----------------------------------------------------------------------- */

struct bounds {
    double x0, y0, x1, y1;
    int any;
};

static void grow(struct bounds *bd, double x, double y)
{
    if (!bd->any || x < bd->x0) bd->x0 = x;
    if (!bd->any || y < bd->y0) bd->y0 = y;
    if (!bd->any || x > bd->x1) bd->x1 = x;
    if (!bd->any || y > bd->y1) bd->y1 = y;
    bd->any = 1;
}

/* layout: every node's box (and label lines when ls is given), and the bounds of nodes and
 * edge routes. */
static struct box *layout(struct arena *a, const struct flow_doc *doc, struct lines *ls,
                          struct bounds *bd)
{
    struct box *boxes = arena_alloc(a, (doc->nnodes + 1) * sizeof *boxes);
    struct lines scratch;
    memset(bd, 0, sizeof *bd);
    for (size_t i = 0; i < doc->nnodes; i++) {
        node_box(&doc->nodes[i], &boxes[i], ls ? &ls[i] : &scratch);
        grow(bd, boxes[i].x, boxes[i].y);
        grow(bd, boxes[i].x + boxes[i].w, boxes[i].y + boxes[i].h);
    }
    for (size_t i = 0; i < doc->nedges; i++) {
        struct route r;
        edge_route(&doc->edges[i], boxes, &r);
        for (int k = 0; k < r.n; k++)
            grow(bd, r.p[k].x, r.p[k].y);
        if (doc->edges[i].label && *doc->edges[i].label) {
            size_t cps;
            int cut;
            label_cut(doc->edges[i].label, &cps, &cut);
            double half = ((double)(cps + (size_t)cut) * EDGE_CHAR_W + 8) / 2;
            grow(bd, r.label.x - half, r.label.y - EDGE_FONT);
            grow(bd, r.label.x + half, r.label.y + EDGE_FONT);
        }
    }
    return boxes;
}

void svg_flow_render(struct arena *a, const struct flow_doc *doc, struct buf *out)
{
    struct bounds bd;
    struct lines *ls = arena_alloc(a, (doc->nnodes + 1) * sizeof *ls);
    struct box *boxes = layout(a, doc, ls, &bd);
    if (!bd.any)
        bd = (struct bounds){0, 0, 200, 100, 1};
    double x = bd.x0 - PAD, y = bd.y0 - PAD, w = bd.x1 - bd.x0 + 2 * PAD, h = bd.y1 - bd.y0 + 2 * PAD;
    buf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow-svg\" viewBox=\"");
    put_num(out, x);
    buf_putc(out, ' ');
    put_num(out, y);
    buf_putc(out, ' ');
    put_num(out, w);
    buf_putc(out, ' ');
    put_num(out, h);
    buf_putc(out, '"');
    put_attr_num(out, "width", w);
    put_attr_num(out, "height", h);
    buf_puts(out, " font-family=\"" FONT "\" role=\"img\" aria-label=\"Flowchart\">"
                  "<g class=\"flow-edges\">");
    for (size_t i = 0; i < doc->nedges; i++)
        put_edge(out, &doc->edges[i], boxes);
    buf_puts(out, "</g><g class=\"flow-nodes\">");
    for (size_t i = 0; i < doc->nnodes; i++) {
        const struct flow_node *n = &doc->nodes[i];
        buf_printf(out, "<g class=\"flow-node flow-%s\">", flow_shape_name(n->shape));
        put_outline(out, n, &boxes[i]);
        put_label(out, n, &boxes[i], &ls[i]);
        buf_puts(out, "</g>");
    }
    buf_puts(out, "</g></svg>");
}

/* ---- thumbnails ------------------------------------------------------------------------ */

struct thumb {
    double x0, y0, scale;
};

static long tx(const struct thumb *t, double x)
{
    return lround((x - t->x0) * t->scale);
}

static long ty(const struct thumb *t, double y)
{
    return lround((y - t->y0) * t->scale);
}

/* colored: a node index and its colour, sorted to draw one path a colour. */
struct colored {
    const char *color;
    size_t index;
};

static int colored_cmp(const void *x, const void *y)
{
    const struct colored *a = x, *b = y;
    int c = strcmp(a->color, b->color);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* put_thumb_boxes: a path of boxes per colour. */
static void put_thumb_boxes(struct arena *a, const struct flow_doc *doc, const struct box *boxes,
                            const struct thumb *t, struct buf *out)
{
    struct colored *order = arena_alloc(a, (doc->nnodes + 1) * sizeof *order);
    for (size_t i = 0; i < doc->nnodes; i++)
        order[i] = (struct colored){doc->nodes[i].color ? doc->nodes[i].color : NODE_COLOR, i};
    qsort(order, doc->nnodes, sizeof *order, colored_cmp);
    const char *open = NULL;
    for (size_t k = 0; k < doc->nnodes; k++) {
        const char *c = order[k].color;
        const struct box *b = &boxes[order[k].index];
        if (!open || strcmp(open, c) != 0) {
            if (open)
                buf_puts(out, "\"/>");
            buf_printf(out, "<path fill=\"%s\" fill-opacity=\"0.3\" stroke=\"%s\" d=\"", c, c);
            open = c;
        }
        long x = tx(t, b->x), y = ty(t, b->y);
        long w = tx(t, b->x + b->w) - x, h = ty(t, b->y + b->h) - y;
        w = w > 0 ? w : 1;
        h = h > 0 ? h : 1;
        buf_printf(out, "M%ld %ldh%ldv%ldh%ldz", x, y, w, h, -w);
    }
    if (open)
        buf_puts(out, "\"/>");
}

/* put_thumb_lines: every edge as one polyline along its route, in one path. */
static void put_thumb_lines(const struct flow_doc *doc, const struct box *boxes,
                            const struct thumb *t, struct buf *out)
{
    if (doc->nedges == 0)
        return;
    buf_puts(out, "<path fill=\"none\" stroke=\"" EDGE_COLOR "\" d=\"");
    for (size_t i = 0; i < doc->nedges; i++) {
        struct route r;
        edge_route(&doc->edges[i], boxes, &r);
        long px = LONG_MIN, py = LONG_MIN;
        for (int k = 0; k < r.n; k++) {
            long x = tx(t, r.p[k].x), y = ty(t, r.p[k].y);
            if (x == px && y == py)
                continue;
            buf_printf(out, "%c%ld %ld", k == 0 ? 'M' : 'L', x, y);
            px = x, py = y;
        }
    }
    buf_puts(out, "\"/>");
}

int svg_flow_thumb_render(struct arena *a, const struct flow_doc *doc, struct buf *out)
{
    struct bounds bd;
    if (doc->nnodes == 0)
        return -1;
    struct box *boxes = layout(a, doc, NULL, &bd);
    double bw = fmax(1, bd.x1 - bd.x0), bh = fmax(1, bd.y1 - bd.y0);
    struct thumb t = {bd.x0, bd.y0, fmin((SVG_FLOW_THUMB_WIDTH - 8) / bw, 232.0 / bh)};
    t.x0 -= 4 / t.scale;
    t.y0 -= 4 / t.scale;
    long w = lround(bw * t.scale) + 8, h = lround(bh * t.scale) + 8;
    struct buf *lines = buf_arena(a), *shapes = buf_arena(a);
    put_thumb_boxes(a, doc, boxes, &t, shapes);
    put_thumb_lines(doc, boxes, &t, lines);
    char head[200];
    int head_len = snprintf(head, sizeof head, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                            "viewBox=\"0 0 %ld %ld\" width=\"%ld\" height=\"%ld\">", w, h, w, h);
    size_t fixed = (size_t)head_len + shapes->len + 6;   /* 6: "</svg>" */
    if (fixed > SVG_FLOW_THUMB_MAX_BYTES)
        return -1;
    buf_append(out, head, (size_t)head_len);
    if (fixed + lines->len <= SVG_FLOW_THUMB_MAX_BYTES)
        buf_append(out, lines->data ? lines->data : "", lines->len);
    buf_append(out, shapes->data ? shapes->data : "", shapes->len);
    buf_puts(out, "</svg>");
    return 0;
}
