/* test_svg_chart.c — dashboard widgets drawn by the server: one golden file per chart kind
 * (tests/unit/golden/chart_<kind>.html from tests/unit/fixtures/chart_*.json; UPDATE_GOLDEN=1
 * rewrites them), nice ticks, hostile column names and values escaped everywhere, colours
 * only from the palette, the same bytes twice, counters, tables and refused configs. */
#include "buf.h"
#include "svg_chart.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *load(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    ck_assert_msg(j != NULL, "cannot read %s (run from the repository root): %s", path, e.text);
    return j;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* widget: the widget HTML of type/config over fixture, as a malloc'd string; *rc its code. */
static char *widget(const char *type, const char *config, const char *fixture, int *rc)
{
    json_t *cfg = json_loads(config, 0, NULL), *res = load(fixture);
    ck_assert(cfg != NULL);
    struct buf b = BUF_INIT;
    *rc = svg_chart_widget(&b, type, cfg, res, "w1");
    char *s = strdup(buf_cstr(&b));
    buf_free(&b);
    json_decref(cfg);
    json_decref(res);
    return s;
}

static void golden(const char *name, const char *html)
{
    char path[256];
    snprintf(path, sizeof path, "tests/unit/golden/chart_%s.html", name);
    if (getenv("UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        ck_assert(f != NULL);
        fputs(html, f);
        fclose(f);
    }
    char *want = slurp(path);
    ck_assert_msg(want != NULL, "missing golden file %s (UPDATE_GOLDEN=1 writes it)", path);
    ck_assert_str_eq(html, want);
    free(want);
}

/* The escaping every chart of chart_sales.json must show. */
static void escaped(const char *s)
{
    ck_assert_ptr_null(strstr(s, "<script"));
    ck_assert_ptr_null(strstr(s, "<b>"));
    ck_assert_ptr_null(strstr(s, "\"'"));
    ck_assert_ptr_nonnull(strstr(s, "&lt;script&gt;"));
}

static const struct {
    const char *kind, *config, *fixture;
} goldens[] = {
    {"bar", "{\"kind\":\"bar\",\"x\":\"genre\",\"y\":[\"tracks\",\"minutes <b>&\\\"'\"],\"title\":\"Tracks <by> genre\"}",
     "tests/unit/fixtures/chart_sales.json"},
    {"line", "{\"kind\":\"line\",\"x\":\"genre\",\"colors\":[\"#10b981\",\"red\\\" onload=\\\"x\"]}",
     "tests/unit/fixtures/chart_sales.json"},
    {"area", "{\"kind\":\"area\",\"x\":\"genre\",\"y\":\"tracks\"}", "tests/unit/fixtures/chart_sales.json"},
    {"pie", "{\"kind\":\"pie\",\"x\":\"genre\",\"y\":\"tracks\"}", "tests/unit/fixtures/chart_sales.json"},
    {"scatter", "{\"kind\":\"scatter\",\"x\":\"milliseconds\",\"y\":\"bytes\"}", "tests/unit/fixtures/chart_points.json"},
};

START_TEST(kinds_match_golden)
{
    int rc;
    char *html = widget("chart", goldens[_i].config, goldens[_i].fixture, &rc);
    ck_assert_int_eq(rc, SVG_CHART_OK);
    golden(goldens[_i].kind, html);
    char *again = widget("chart", goldens[_i].config, goldens[_i].fixture, &rc);
    ck_assert_str_eq(html, again);                       /* deterministic */
    ck_assert_uint_eq(count(html, "<svg xmlns=\"http://www.w3.org/2000/svg\""), 1);
    ck_assert_ptr_nonnull(strstr(html, "role=\"img\" font-family=\"system-ui, sans-serif\" aria-labelledby=\"w1-t w1-d\""));
    ck_assert_ptr_nonnull(strstr(html, "<details class=\"chart-data\"><summary>Data table</summary><table"));
    if (strstr(goldens[_i].fixture, "sales"))
        escaped(html);
    free(html);
    free(again);
}
END_TEST

START_TEST(bar_axis_series_and_legend)
{
    int rc;
    char *s = widget("chart", goldens[0].config, goldens[0].fixture, &rc);
    /* 0..6000 in steps of 2000 (5640.5 / 5 rounds up to the nice step 2000). */
    ck_assert_ptr_nonnull(strstr(s, ">0</text>"));
    ck_assert_ptr_nonnull(strstr(s, ">2000</text>"));
    ck_assert_ptr_null(strstr(s, ">1000</text>"));
    ck_assert_ptr_nonnull(strstr(s, ">6000</text>"));
    ck_assert_ptr_null(strstr(s, ">7000</text>"));
    /* Two series in the first two palette colours; the NULL value draws no bar. */
    ck_assert_ptr_nonnull(strstr(s, "<g class=\"series\" fill=\"#6366f1\">"));
    ck_assert_ptr_nonnull(strstr(s, "<g class=\"series\" fill=\"#8b5cf6\">"));
    ck_assert_uint_eq(count(s, "<rect x="), 6 + 5 + 2);  /* bars + legend swatches */
    ck_assert_ptr_nonnull(strstr(s, "<title id=\"w1-t\">Tracks &lt;by&gt; genre</title>"));
    ck_assert_ptr_nonnull(strstr(s, "minutes &lt;b&gt;&amp;&quot;&#39;"));
    /* Long labels are cut under the axis, whole in the data table. */
    ck_assert_ptr_nonnull(strstr(s, ">Alternative &amp; Pu\xE2\x80\xA6</text>"));
    ck_assert_ptr_nonnull(strstr(s, "<td>Alternative &amp; Punk — a very long genre name</td>"));
    ck_assert_ptr_nonnull(strstr(s, "<td class=\"null\">NULL</td>"));
    free(s);
}
END_TEST

START_TEST(colours_only_from_the_palette)
{
    int rc;
    char *s = widget("chart", goldens[1].config, goldens[1].fixture, &rc);
    ck_assert_ptr_nonnull(strstr(s, "stroke=\"#10b981\""));
    ck_assert_ptr_null(strstr(s, "onload"));
    ck_assert_ptr_null(strstr(s, "red"));
    ck_assert_ptr_nonnull(strstr(s, "stroke=\"#8b5cf6\""));   /* the refused colour's default */
    free(s);
}
END_TEST

START_TEST(scatter_numeric_axes_skip_text)
{
    int rc;
    char *s = widget("chart", goldens[4].config, goldens[4].fixture, &rc);
    ck_assert_uint_eq(count(s, "<circle "), 6);           /* "n/a" has no x */
    ck_assert_ptr_nonnull(strstr(s, ">400000</text>"));     /* x ticks: 0..400000 */
    ck_assert_ptr_nonnull(strstr(s, ">15000000</text>"));   /* y ticks: 0..15000000 by 5000000 */
    ck_assert_ptr_nonnull(strstr(s, "Showing 7 of 7+ rows."));
    free(s);
}
END_TEST

START_TEST(pie_slices_sum_to_the_circle)
{
    int rc;
    char *s = widget("chart", goldens[3].config, goldens[3].fixture, &rc);
    ck_assert_uint_eq(count(s, "<path fill="), 6);
    ck_assert_ptr_nonnull(strstr(s, "d=\"M320.0 132.0 L320.0 16.0 A116.0 116.0 0 0 1 "));  /* from twelve o'clock */
    free(s);
    json_t *cfg = json_loads("{\"kind\":\"pie\",\"y\":\"n\"}", 0, NULL);
    json_t *one = json_loads("{\"columns\":[{\"name\":\"k\"},{\"name\":\"n\"}],\"rows\":[[\"all\",5],[\"none\",0]]}", 0, NULL);
    struct buf b = BUF_INIT;
    ck_assert_int_eq(svg_chart_svg(&b, cfg, one, "p"), SVG_CHART_OK);
    ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "<circle cx=\"320.0\" cy=\"132.0\" r=\"116.0\""));
    buf_free(&b);
    json_decref(cfg);
    json_decref(one);
}
END_TEST

START_TEST(counter_and_table)
{
    int rc;
    char *s = widget("counter", "{\"y\":\"tracks\",\"title\":\"<i>Tracks</i>\"}", "tests/unit/fixtures/chart_sales.json", &rc);
    ck_assert_int_eq(rc, SVG_CHART_OK);
    ck_assert_str_eq(s, "<div class=\"kpi\"><span class=\"kpi-value\">1297</span><span class=\"kpi-label\">"
                        "&lt;i&gt;Tracks&lt;/i&gt;</span></div>");
    free(s);
    s = widget("table", "{}", "tests/unit/fixtures/chart_sales.json", &rc);
    ck_assert_int_eq(rc, SVG_CHART_OK);
    ck_assert_uint_eq(count(s, "<tr>"), 7);
    ck_assert_ptr_nonnull(strstr(s, "<th scope=\"col\">minutes &lt;b&gt;&amp;&quot;&#39;</th>"));
    ck_assert_ptr_nonnull(strstr(s, "<td class=\"num\">5640.5</td>"));
    escaped(s);
    free(s);
    s = widget("sql", "{}", "tests/unit/fixtures/chart_sales.json", &rc);
    ck_assert_ptr_nonnull(strstr(s, "<td>Jazz &amp; &quot;Blues&quot;</td>"));
    free(s);
}
END_TEST

START_TEST(refused_configs)
{
    static const char *const bad[] = {
        "{\"kind\":\"donut\"}", "{\"kind\":\"bar\",\"x\":\"nope\"}", "{\"kind\":\"bar\",\"y\":\"nope\"}",
        "{\"kind\":\"bar\",\"y\":[\"tracks\",\"<img src=x>\"]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc;
        char *s = widget("chart", bad[i], "tests/unit/fixtures/chart_sales.json", &rc);
        ck_assert_int_eq(rc, SVG_CHART_INVALID);
        ck_assert_ptr_nonnull(strstr(s, "<p class=\"widget-error\">"));
        ck_assert_ptr_null(strstr(s, "<svg"));
        ck_assert_ptr_null(strstr(s, "<img"));
        free(s);
    }
    int rc;
    char *s = widget("gauge", "{}", "tests/unit/fixtures/chart_sales.json", &rc);
    ck_assert_int_eq(rc, SVG_CHART_INVALID);
    free(s);
    ck_assert(svg_chart_kind_valid("scatter") && !svg_chart_kind_valid("Bar") && !svg_chart_kind_valid(NULL));
    ck_assert(svg_chart_type_valid("sql") && !svg_chart_type_valid("kpi"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("svg_chart");
    TCase *tc = tcase_create("charts");
    tcase_add_loop_test(tc, kinds_match_golden, 0, (int)(sizeof goldens / sizeof goldens[0]));
    tcase_add_test(tc, bar_axis_series_and_legend);
    tcase_add_test(tc, colours_only_from_the_palette);
    tcase_add_test(tc, scatter_numeric_axes_skip_text);
    tcase_add_test(tc, pie_slices_sum_to_the_circle);
    tcase_add_test(tc, counter_and_table);
    tcase_add_test(tc, refused_configs);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
