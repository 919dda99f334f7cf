/* svg_chart.c — dashboard widgets drawn by the server (see svg_chart.h): one drawing function
 * per chart kind over a shared frame (value axis with nice ticks, category or numeric x axis,
 * legend), a data table after every chart, and the table and counter widgets.  Every text
 * that came from a database leaves through html_escape (valid in SVG as in HTML); colours are
 * palette values only; numbers are printed with fixed formats, so output is deterministic. */
#include "buf.h"
#include "files.h"
#include "html.h"
#include "svg_chart.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ML 64                /* left margin: value labels */
#define MR 16
#define MT 16
#define MB 72                /* x labels and the legend */
#define PLOT_W (SVG_CHART_W - ML - MR)
#define PLOT_H (SVG_CHART_H - MT - MB)
#define SERIES_MAX 8
#define LABEL_MAX 16         /* characters of an axis label before "…" */
#define LEGEND_MAX 20
#define XLABELS_MAX 12       /* category labels written under the x axis */
#define TICKS_TARGET 5

struct axis {
    double lo, hi, step;
    int decimals;
};

struct chart {
    json_t *rows;
    const char *kind, *id;
    const char *title;
    const char *xname;
    const char *ynames[SERIES_MAX];
    const char *colors[SERIES_MAX];
    size_t x, y[SERIES_MAX], ny, n;   /* column indexes, series, rows drawn */
};

/* ---- values ---------------------------------------------------------------------------- */

/* num: a cell as a number (numbers, numeric text); NAN for NULL and anything else. */
static double num(json_t *v)
{
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        double d = strtod(s, &end);
        if (end != s && *end == '\0' && isfinite(d))
            return d;
    }
    return NAN;
}

static json_t *cell(const struct chart *c, size_t row, size_t col)
{
    return json_array_get(json_array_get(c->rows, row), col);
}

/* put_text: s escaped, cut after max characters (UTF-8 aware, 0: whole) with "…". */
static void put_text(struct buf *b, const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && max && ++chars > max)
            break;
    }
    html_escape(b, s, i);
    if (s[i])
        buf_puts(b, "\xE2\x80\xA6");
}

/* put_cell: a cell's text escaped (NULL as nothing). */
static void put_cell(struct buf *b, json_t *v, size_t max)
{
    if (json_is_string(v))
        put_text(b, json_string_value(v), max);
    else if (json_is_integer(v))
        buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        buf_printf(b, "%.15g", json_real_value(v));
    else if (json_is_boolean(v))
        buf_puts(b, json_is_true(v) ? "true" : "false");
    else if (!json_is_null(v) && v) {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (t)
            put_text(b, t, max);
        free(t);
    }
}

/* put_id: id with everything but [A-Za-z0-9_-] dropped. */
static void put_id(struct buf *b, const char *id)
{
    for (const char *p = id ? id : ""; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
            buf_putc(b, *p);
}

/* ---- axes ------------------------------------------------------------------------------ */

/* nice_step: 1, 2 or 5 × 10^k, the smallest at least range / target. */
static double nice_step(double range, int target)
{
    double raw = range / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* axis_fit: ticks covering [lo, hi] (NAN/NAN: 0..1; a single value widened by one step). */
static void axis_fit(struct axis *ax, double lo, double hi)
{
    if (isnan(lo) || isnan(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi - lo < 1e-12) {
        double pad = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1;
        lo -= pad;
        hi += pad;
    }
    ax->step = nice_step(hi - lo, TICKS_TARGET);
    ax->lo = floor(lo / ax->step + 1e-9) * ax->step;
    ax->hi = ceil(hi / ax->step - 1e-9) * ax->step;
    ax->decimals = ax->step >= 1 ? 0 : (int)ceil(-log10(ax->step) - 1e-9);
}

static void put_tick(struct buf *b, const struct axis *ax, double v)
{
    if (fabs(v) < ax->step * 1e-6)
        v = 0;
    buf_printf(b, "%.*f", ax->decimals, v);
}

static double ypos(const struct axis *ax, double v)
{
    return MT + PLOT_H - (v - ax->lo) / (ax->hi - ax->lo) * PLOT_H;
}

static double xpos_num(const struct axis *ax, double v)
{
    return ML + (v - ax->lo) / (ax->hi - ax->lo) * PLOT_W;
}

/* xpos_cat: the middle of category i of n. */
static double xpos_cat(size_t i, size_t n)
{
    return ML + PLOT_W * (i + 0.5) / (double)n;
}

/* value_axis: the series' values (and 0 when with_zero) fitted. */
static void value_axis(const struct chart *c, struct axis *ax, int with_zero)
{
    double lo = with_zero ? 0 : NAN, hi = with_zero ? 0 : NAN;
    for (size_t s = 0; s < c->ny; s++)
        for (size_t i = 0; i < c->n; i++) {
            double v = num(cell(c, i, c->y[s]));
            if (isnan(v))
                continue;
            lo = isnan(lo) || v < lo ? v : lo;
            hi = isnan(hi) || v > hi ? v : hi;
        }
    axis_fit(ax, lo, hi);
}

/* draw_y_axis: grid lines and labels of the value axis. */
static void draw_y_axis(struct buf *b, const struct axis *ax)
{
    buf_puts(b, "<g class=\"axis axis-y\" font-size=\"11\" fill=\"#475569\" text-anchor=\"end\">");
    for (double v = ax->lo; v <= ax->hi + ax->step * 1e-6; v += ax->step) {
        double y = ypos(ax, v);
        buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e2e8f0\"/>", ML, y,
                   ML + PLOT_W, y);
        buf_printf(b, "<text x=\"%d\" y=\"%.1f\">", ML - 6, y + 4);
        put_tick(b, ax, v);
        buf_puts(b, "</text>");
    }
    buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#94a3b8\"/></g>", ML, MT, ML,
               MT + PLOT_H);
}

/* draw_x_categories: the category labels (every k-th when there are many). */
static void draw_x_categories(struct buf *b, const struct chart *c)
{
    size_t every = c->n > XLABELS_MAX ? (c->n + XLABELS_MAX - 1) / XLABELS_MAX : 1;
    buf_printf(b, "<g class=\"axis axis-x\" font-size=\"11\" fill=\"#475569\" text-anchor=\"middle\">"
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#94a3b8\"/>",
               ML, MT + PLOT_H, ML + PLOT_W, MT + PLOT_H);
    for (size_t i = 0; i < c->n; i += every) {
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\">", xpos_cat(i, c->n), MT + PLOT_H + 16);
        put_cell(b, cell(c, i, c->x), LABEL_MAX);
        buf_puts(b, "</text>");
    }
    buf_puts(b, "</g>");
}

static void draw_x_numeric(struct buf *b, const struct axis *ax)
{
    buf_printf(b, "<g class=\"axis axis-x\" font-size=\"11\" fill=\"#475569\" text-anchor=\"middle\">"
                  "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#94a3b8\"/>",
               ML, MT + PLOT_H, ML + PLOT_W, MT + PLOT_H);
    for (double v = ax->lo; v <= ax->hi + ax->step * 1e-6; v += ax->step) {
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\">", xpos_num(ax, v), MT + PLOT_H + 16);
        put_tick(b, ax, v);
        buf_puts(b, "</text>");
    }
    buf_puts(b, "</g>");
}

/* draw_legend: one swatch and name per entry, in a row under the axis. */
static void draw_legend(struct buf *b, size_t n, const char *const *names, const char *const *colors,
                        const struct chart *c, int from_rows)
{
    double x = ML;
    buf_printf(b, "<g class=\"legend\" font-size=\"12\" fill=\"#1e293b\">");
    for (size_t i = 0; i < n; i++) {
        const char *color = colors ? colors[i % SERIES_MAX] : palette_at(i);
        buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">",
                   x, SVG_CHART_H - 30, color, x + 14, SVG_CHART_H - 21);
        size_t start = b->len;
        if (from_rows)
            put_cell(b, cell(c, i, c->x), LEGEND_MAX);
        else
            put_text(b, names[i], LEGEND_MAX);
        size_t chars = 0;
        for (size_t k = start; k < b->len; k++)
            chars += ((unsigned char)b->data[k] & 0xC0) != 0x80;
        buf_puts(b, "</text>");
        x += 14 + 7.0 * (double)(chars > LEGEND_MAX ? LEGEND_MAX : chars) + 16;
        if (x > SVG_CHART_W - 60 && i + 1 < n) {
            buf_printf(b, "<text x=\"%.1f\" y=\"%d\">+%zu</text>", x, SVG_CHART_H - 21, n - i - 1);
            break;
        }
    }
    buf_puts(b, "</g>");
}

/* point_title: "x · series: value" as a tooltip of a mark. */
static void point_title(struct buf *b, const struct chart *c, size_t i, size_t s)
{
    buf_puts(b, "<title>");
    put_cell(b, cell(c, i, c->x), 0);
    buf_puts(b, " \xC2\xB7 ");
    put_text(b, c->ynames[s], 0);
    buf_puts(b, ": ");
    put_cell(b, cell(c, i, c->y[s]), 0);
    buf_puts(b, "</title>");
}

/* ---- the five kinds -------------------------------------------------------------------- */

static void draw_bar(struct buf *b, const struct chart *c)
{
    struct axis ax;
    value_axis(c, &ax, 1);
    draw_y_axis(b, &ax);
    double band = (double)PLOT_W / (double)(c->n ? c->n : 1), w = band * 0.8 / (double)c->ny;
    double y0 = ypos(&ax, 0);
    for (size_t s = 0; s < c->ny; s++) {
        buf_printf(b, "<g class=\"series\" fill=\"%s\">", c->colors[s]);
        for (size_t i = 0; i < c->n; i++) {
            double v = num(cell(c, i, c->y[s]));
            if (isnan(v))
                continue;
            double y = ypos(&ax, v);
            buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                       ML + band * (double)i + band * 0.1 + w * (double)s, y < y0 ? y : y0, w, fabs(y - y0));
            point_title(b, c, i, s);
            buf_puts(b, "</rect>");
        }
        buf_puts(b, "</g>");
    }
    draw_x_categories(b, c);
    draw_legend(b, c->ny, c->ynames, c->colors, c, 0);
}

/* draw_lines: line and area (filled down to the axis's zero, or its bottom). */
static void draw_lines(struct buf *b, const struct chart *c, int area)
{
    struct axis ax;
    value_axis(c, &ax, area);
    draw_y_axis(b, &ax);
    double base = ypos(&ax, ax.lo > 0 ? ax.lo : ax.hi < 0 ? ax.hi : 0);
    for (size_t s = 0; s < c->ny; s++) {
        buf_printf(b, "<g class=\"series\" stroke=\"%s\" fill=\"%s\">", c->colors[s], c->colors[s]);
        if (area) {
            buf_printf(b, "<path fill-opacity=\"0.25\" stroke=\"none\" d=\"M%.1f %.1f", xpos_cat(0, c->n), base);
            for (size_t i = 0; i < c->n; i++) {
                double v = num(cell(c, i, c->y[s]));
                buf_printf(b, " L%.1f %.1f", xpos_cat(i, c->n), isnan(v) ? base : ypos(&ax, v));
            }
            buf_printf(b, " L%.1f %.1f Z\"/>", xpos_cat(c->n - 1, c->n), base);
        }
        buf_puts(b, "<path fill=\"none\" stroke-width=\"2\" d=\"");
        int pen = 0;
        for (size_t i = 0; i < c->n; i++) {
            double v = num(cell(c, i, c->y[s]));
            if (isnan(v)) {
                pen = 0;
                continue;
            }
            buf_printf(b, "%s%.1f %.1f", pen ? " L" : (b->data[b->len - 1] == '"' ? "M" : " M"),
                       xpos_cat(i, c->n), ypos(&ax, v));
            pen = 1;
        }
        buf_puts(b, "\"/>");
        for (size_t i = 0; i < c->n; i++) {
            double v = num(cell(c, i, c->y[s]));
            if (isnan(v))
                continue;
            buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" stroke=\"none\">", xpos_cat(i, c->n), ypos(&ax, v));
            point_title(b, c, i, s);
            buf_puts(b, "</circle>");
        }
        buf_puts(b, "</g>");
    }
    draw_x_categories(b, c);
    draw_legend(b, c->ny, c->ynames, c->colors, c, 0);
}

static void draw_line(struct buf *b, const struct chart *c)
{
    draw_lines(b, c, 0);
}

static void draw_area(struct buf *b, const struct chart *c)
{
    draw_lines(b, c, 1);
}

static void draw_scatter(struct buf *b, const struct chart *c)
{
    struct axis ay, ax;
    value_axis(c, &ay, 0);
    double lo = NAN, hi = NAN;
    for (size_t i = 0; i < c->n; i++) {
        double v = num(cell(c, i, c->x));
        if (isnan(v))
            continue;
        lo = isnan(lo) || v < lo ? v : lo;
        hi = isnan(hi) || v > hi ? v : hi;
    }
    axis_fit(&ax, lo, hi);
    draw_y_axis(b, &ay);
    for (size_t s = 0; s < c->ny; s++) {
        buf_printf(b, "<g class=\"series\" fill=\"%s\" fill-opacity=\"0.8\">", c->colors[s]);
        for (size_t i = 0; i < c->n; i++) {
            double x = num(cell(c, i, c->x)), y = num(cell(c, i, c->y[s]));
            if (isnan(x) || isnan(y))
                continue;
            buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\">", xpos_num(&ax, x), ypos(&ay, y));
            point_title(b, c, i, s);
            buf_puts(b, "</circle>");
        }
        buf_puts(b, "</g>");
    }
    draw_x_numeric(b, &ax);
    draw_legend(b, c->ny, c->ynames, c->colors, c, 0);
}

/* draw_pie: the first series' positive values as slices, clockwise from twelve o'clock; one
 * palette colour per slice. */
static void draw_pie(struct buf *b, const struct chart *c)
{
    double total = 0;
    for (size_t i = 0; i < c->n; i++) {
        double v = num(cell(c, i, c->y[0]));
        total += isnan(v) || v <= 0 ? 0 : v;
    }
    double cx = SVG_CHART_W / 2.0, cy = MT + PLOT_H / 2.0, r = PLOT_H / 2.0, a = -M_PI / 2;
    const char *slice_colors[SERIES_MAX];
    for (size_t k = 0; k < SERIES_MAX; k++)
        slice_colors[k] = palette_at(k);
    buf_puts(b, "<g class=\"slices\" stroke=\"#ffffff\" stroke-width=\"1\">");
    for (size_t i = 0; total > 0 && i < c->n; i++) {
        double v = num(cell(c, i, c->y[0]));
        if (isnan(v) || v <= 0)
            continue;
        const char *color = slice_colors[i % SERIES_MAX];
        double sweep = v / total * 2 * M_PI;
        if (sweep >= 2 * M_PI - 1e-9)
            buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\">", cx, cy, r, color);
        else
            buf_printf(b, "<path fill=\"%s\" d=\"M%.1f %.1f L%.1f %.1f A%.1f %.1f 0 %d 1 %.1f %.1f Z\">", color, cx,
                       cy, cx + r * cos(a), cy + r * sin(a), r, r, sweep > M_PI ? 1 : 0, cx + r * cos(a + sweep),
                       cy + r * sin(a + sweep));
        point_title(b, c, i, 0);
        buf_puts(b, sweep >= 2 * M_PI - 1e-9 ? "</circle>" : "</path>");
        a += sweep;
    }
    buf_puts(b, "</g>");
    draw_legend(b, c->n, NULL, slice_colors, c, 1);
}

static const struct {
    const char *name, *label;
    void (*draw)(struct buf *b, const struct chart *c);
} kinds[] = {
    {"bar", "Bar chart", draw_bar},
    {"line", "Line chart", draw_line},
    {"area", "Area chart", draw_area},
    {"pie", "Pie chart", draw_pie},
    {"scatter", "Scatter plot", draw_scatter},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static int kind_index(const char *kind)
{
    for (size_t i = 0; kind && i < NKINDS; i++)
        if (strcmp(kinds[i].name, kind) == 0)
            return (int)i;
    return -1;
}

int svg_chart_kind_valid(const char *kind)
{
    return kind_index(kind) >= 0;
}

int svg_chart_type_valid(const char *type)
{
    static const char *const types[] = {"chart", "table", "counter", "sql"};
    for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i], type) == 0)
            return 1;
    return 0;
}

/* ---- columns --------------------------------------------------------------------------- */

/* column: the index of the column named name, or -1. */
static long column(json_t *columns, const char *name)
{
    for (size_t i = 0; name && i < json_array_size(columns); i++) {
        const char *n = json_string_value(json_object_get(json_array_get(columns, i), "name"));
        if (n && strcmp(n, name) == 0)
            return (long)i;
    }
    return -1;
}

static const char *column_name(json_t *columns, size_t i)
{
    const char *n = json_string_value(json_object_get(json_array_get(columns, i), "name"));
    return n ? n : "";
}

/* numeric_column: the first non-NULL value of column i is a number. */
static int numeric_column(json_t *rows, size_t i)
{
    for (size_t r = 0; r < json_array_size(rows); r++) {
        json_t *v = json_array_get(json_array_get(rows, r), i);
        if (!json_is_null(v))
            return !isnan(num(v));
    }
    return 0;
}

/* chart_setup: c from config and result (x: the named or first column; y: the named columns
 * or every numeric column but x).  0, or -1 with *why. */
static int chart_setup(struct chart *c, json_t *config, json_t *result, const char **why)
{
    memset(c, 0, sizeof *c);
    json_t *columns = json_object_get(result, "columns");
    c->rows = json_object_get(result, "rows");
    c->kind = json_string_value(json_object_get(config, "kind"));
    c->title = json_string_value(json_object_get(config, "title"));
    if (kind_index(c->kind) < 0)
        return *why = "The chart kind must be bar, line, area, pie or scatter.", -1;
    if (json_array_size(columns) < 2)
        return *why = "A chart needs a result of at least two columns.", -1;
    const char *xn = json_string_value(json_object_get(config, "x"));
    long x = xn && *xn ? column(columns, xn) : 0;
    if (x < 0)
        return *why = "The chart's x column is not in the result.", -1;
    c->x = (size_t)x;
    c->xname = column_name(columns, c->x);
    json_t *y = json_object_get(config, "y");
    if (json_is_string(y) && *json_string_value(y)) {
        long i = column(columns, json_string_value(y));
        if (i < 0)
            return *why = "The chart's y column is not in the result.", -1;
        c->y[c->ny++] = (size_t)i;
    } else if (json_array_size(y)) {
        for (size_t k = 0; k < json_array_size(y) && c->ny < SERIES_MAX; k++) {
            long i = column(columns, json_string_value(json_array_get(y, k)));
            if (i < 0)
                return *why = "A y column of the chart is not in the result.", -1;
            c->y[c->ny++] = (size_t)i;
        }
    } else {
        for (size_t i = 0; i < json_array_size(columns) && c->ny < SERIES_MAX; i++)
            if (i != c->x && numeric_column(c->rows, i))
                c->y[c->ny++] = i;
    }
    if (c->ny == 0)
        return *why = "The result has no numeric column to draw.", -1;
    json_t *colors = json_object_get(config, "colors");
    for (size_t s = 0; s < c->ny; s++) {
        const char *col = json_string_value(json_array_get(colors, s));
        c->colors[s] = palette_valid(col) ? col : palette_at(s);
        c->ynames[s] = column_name(columns, c->y[s]);
    }
    c->n = json_array_size(c->rows);
    if (c->n > SVG_CHART_POINTS)
        c->n = SVG_CHART_POINTS;
    return 0;
}

/* put_svg: the chart c as SVG (xmlns included, so it stands alone). */
static void put_svg(struct buf *b, const struct chart *c)
{
    int k = kind_index(c->kind);
    buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 %d %d\" "
                  "width=\"%d\" height=\"%d\" role=\"img\" font-family=\"system-ui, sans-serif\" aria-labelledby=\"",
               SVG_CHART_W, SVG_CHART_H, SVG_CHART_W, SVG_CHART_H);
    put_id(b, c->id);
    buf_puts(b, "-t ");
    put_id(b, c->id);
    buf_puts(b, "-d\"><title id=\"");
    put_id(b, c->id);
    buf_puts(b, "-t\">");
    put_text(b, c->title && *c->title ? c->title : kinds[k].label, 0);
    buf_puts(b, "</title><desc id=\"");
    put_id(b, c->id);
    buf_printf(b, "-d\">%s of ", kinds[k].label);
    for (size_t s = 0; s < c->ny; s++) {
        buf_puts(b, s ? ", " : "");
        put_text(b, c->ynames[s], 0);
    }
    buf_puts(b, " by ");
    put_text(b, c->xname, 0);
    buf_printf(b, ", %zu rows.</desc>", c->n);
    kinds[k].draw(b, c);
    buf_puts(b, "</svg>");
}

int svg_chart_svg(struct buf *out, json_t *config, json_t *result, const char *id)
{
    struct chart c;
    const char *why;
    if (chart_setup(&c, config, result, &why) != 0)
        return SVG_CHART_INVALID;
    c.id = id;
    put_svg(out, &c);
    return SVG_CHART_OK;
}

/* ---- tables and counters ----------------------------------------------------------------- */

/* put_table: the result's columns cols (all when NULL) as an HTML table of at most
 * SVG_CHART_TABLE_ROWS rows; NULL shown distinctly; caption when given. */
static void put_table(struct buf *b, json_t *result, const size_t *cols, size_t ncols, const char *caption)
{
    json_t *columns = json_object_get(result, "columns"), *rows = json_object_get(result, "rows");
    size_t all = json_array_size(columns), n = json_array_size(rows);
    if (!cols)
        ncols = all;
    buf_puts(b, "<table class=\"widget-table\">");
    if (caption) {
        buf_puts(b, "<caption>");
        put_text(b, caption, 0);
        buf_puts(b, "</caption>");
    }
    buf_puts(b, "<thead><tr>");
    for (size_t k = 0; k < ncols; k++) {
        buf_puts(b, "<th scope=\"col\">");
        put_text(b, column_name(columns, cols ? cols[k] : k), 0);
        buf_puts(b, "</th>");
    }
    buf_puts(b, "</tr></thead><tbody>");
    for (size_t i = 0; i < n && i < SVG_CHART_TABLE_ROWS; i++) {
        buf_puts(b, "<tr>");
        for (size_t k = 0; k < ncols; k++) {
            json_t *v = json_array_get(json_array_get(rows, i), cols ? cols[k] : k);
            if (json_is_null(v) || !v)
                buf_puts(b, "<td class=\"null\">NULL</td>");
            else {
                buf_puts(b, json_is_number(v) ? "<td class=\"num\">" : "<td>");
                put_cell(b, v, 0);
                buf_puts(b, "</td>");
            }
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table>");
    long long total = json_integer_value(json_object_get(result, "row_count"));
    if (n > SVG_CHART_TABLE_ROWS || json_is_true(json_object_get(result, "truncated")))
        buf_printf(b, "<p class=\"widget-note\">Showing %d of %lld%s rows.</p>",
                   n < SVG_CHART_TABLE_ROWS ? (int)n : SVG_CHART_TABLE_ROWS, total > (long long)n ? total : (long long)n,
                   json_is_true(json_object_get(result, "truncated")) ? "+" : "");
}

static int put_counter(struct buf *b, json_t *config, json_t *result)
{
    json_t *columns = json_object_get(result, "columns");
    const char *yn = json_string_value(json_object_get(config, "y"));
    long col = yn && *yn ? column(columns, yn) : (json_array_size(columns) ? 0 : -1);
    if (col < 0) {
        buf_puts(b, "<p class=\"widget-error\">The counter's column is not in the result.</p>");
        return SVG_CHART_INVALID;
    }
    const char *title = json_string_value(json_object_get(config, "title"));
    json_t *v = json_array_get(json_array_get(json_object_get(result, "rows"), 0), (size_t)col);
    buf_puts(b, "<div class=\"kpi\"><span class=\"kpi-value\">");
    if (json_is_null(v) || !v)
        buf_puts(b, "\xE2\x80\x94");
    else
        put_cell(b, v, 0);
    buf_puts(b, "</span><span class=\"kpi-label\">");
    put_text(b, title && *title ? title : column_name(columns, (size_t)col), 0);
    buf_puts(b, "</span></div>");
    return SVG_CHART_OK;
}

int svg_chart_widget(struct buf *out, const char *type, json_t *config, json_t *result, const char *id)
{
    if (!svg_chart_type_valid(type)) {
        buf_puts(out, "<p class=\"widget-error\">Unknown widget type.</p>");
        return SVG_CHART_INVALID;
    }
    if (strcmp(type, "table") == 0 || strcmp(type, "sql") == 0) {
        put_table(out, result, NULL, 0, NULL);
        return SVG_CHART_OK;
    }
    if (strcmp(type, "counter") == 0)
        return put_counter(out, config, result);
    struct chart c;
    const char *why = NULL;
    if (chart_setup(&c, config, result, &why) != 0) {
        buf_puts(out, "<p class=\"widget-error\">");
        html_txt(out, why);
        buf_puts(out, "</p>");
        return SVG_CHART_INVALID;
    }
    c.id = id;
    buf_printf(out, "<figure class=\"chart chart-%s\">", kinds[kind_index(c.kind)].name);
    put_svg(out, &c);
    size_t cols[SERIES_MAX + 1];
    cols[0] = c.x;
    memcpy(cols + 1, c.y, c.ny * sizeof c.y[0]);
    buf_puts(out, "<details class=\"chart-data\"><summary>Data table</summary>");
    put_table(out, result, cols, c.ny + 1, c.title && *c.title ? c.title : NULL);
    buf_puts(out, "</details></figure>");
    return SVG_CHART_OK;
}
