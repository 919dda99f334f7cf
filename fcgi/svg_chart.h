/* svg_chart.h — dashboard widgets drawn by the server: bar, line, area, pie and scatter charts
 * as SVG (nice axis ticks, a legend, the app palette's colours, every label escaped, the same
 * bytes for the same input), each followed by an accessible data table; counters (KPI) and
 * tables as HTML.  The input is a query result as dbws gives it ({"columns": [{"name",
 * "type"}], "rows": [[…]], "row_count", "truncated"}) and the widget's JSON config:
 *   {"kind": "bar"|"line"|"area"|"pie"|"scatter", "x": column, "y": column or [columns],
 *    "colors": ["#6366f1", …] (palette values only; others fall back), "title": text}
 * No request, no database: the page, the share page and the unit tests all call this. */
#ifndef CARD_SVG_CHART_H
#define CARD_SVG_CHART_H
#include <jansson.h>

struct buf;

enum {
    SVG_CHART_OK = 0,
    SVG_CHART_INVALID = -1,   /* unknown kind or type, or the config names missing columns */
};

#define SVG_CHART_W 640
#define SVG_CHART_H 320
#define SVG_CHART_TABLE_ROWS 200   /* rows shown in a table or a chart's data table */
#define SVG_CHART_POINTS 500       /* categories or points drawn in a chart */

/* svg_chart_kind_valid: kind is one of the five chart kinds. */
int svg_chart_kind_valid(const char *kind);
/* svg_chart_type_valid: type is a widget type: chart, table, counter or sql. */
int svg_chart_type_valid(const char *type);
/* svg_chart_svg: the chart alone as a standalone SVG document (exports).  id: a token unique
 * in the page, [A-Za-z0-9_-] (others are dropped), for the title/desc ids.  SVG_CHART_OK, or
 * SVG_CHART_INVALID with nothing written. */
int svg_chart_svg(struct buf *out, json_t *config, json_t *result, const char *id);
/* svg_chart_widget: a widget's body as HTML: a chart (<figure> with the SVG and its data
 * table), a table (type table or sql), or a counter (the first row's value of config "y", or
 * of the first column, with config "title" or the column name as its label).  On
 * SVG_CHART_INVALID a <p class="widget-error"> saying why is written instead. */
int svg_chart_widget(struct buf *out, const char *type, json_t *config, json_t *result, const char *id);
#endif
