/* test_dashboard.c — the parts of dashboard_store.c that need no database: the refresh floor
 * read from CARD_DASHBOARD_REFRESH_FLOOR (bad values fall back to 60 s, never 0 by accident),
 * and a widget's body drawn from its cached result, its error (escaped) or nothing yet. */
#include "buf.h"
#include "dashboard_store.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(refresh_floor_from_the_environment)
{
    static const struct { const char *value; long want; } cases[] = {
        {NULL, 60}, {"", 60}, {"5", 5}, {"0", 0}, {"3600", 3600}, {"-3", 60}, {"abc", 60}, {"10s", 60},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].value)
            setenv("CARD_DASHBOARD_REFRESH_FLOOR", cases[i].value, 1);
        else
            unsetenv("CARD_DASHBOARD_REFRESH_FLOOR");
        ck_assert_msg(dashboard_refresh_floor() == cases[i].want, "case %zu", i);
    }
    unsetenv("CARD_DASHBOARD_REFRESH_FLOOR");
}
END_TEST

static char *html(const char *widget_json)
{
    json_t *w = json_loads(widget_json, 0, NULL);
    ck_assert(w != NULL);
    struct buf b = BUF_INIT;
    dashboard_widget_html(&b, w);
    char *s = strdup(buf_cstr(&b));
    buf_free(&b);
    json_decref(w);
    return s;
}

START_TEST(widget_body_from_the_cache)
{
    char *s = html("{\"uid\":\"u1\",\"type\":\"chart\",\"title\":\"<T>\",\"config\":{\"kind\":\"bar\"},\"result\":null,\"error\":null}");
    ck_assert_str_eq(s, "<p class=\"widget-empty\">Not run yet: refresh the dashboard.</p>");
    free(s);
    s = html("{\"uid\":\"u1\",\"type\":\"chart\",\"title\":\"t\",\"config\":{},\"result\":null,\"error\":\"relation \\\"<x>\\\" does not exist\"}");
    ck_assert_str_eq(s, "<p class=\"widget-error\">relation &quot;&lt;x&gt;&quot; does not exist</p>");
    free(s);
    /* The chart's title is the widget's unless the config names one; ids come from the uid. */
    s = html("{\"uid\":\"u1\",\"type\":\"chart\",\"title\":\"<T>\",\"config\":{\"kind\":\"bar\"},\"error\":null,"
             "\"result\":{\"columns\":[{\"name\":\"k\"},{\"name\":\"n\"}],\"rows\":[[\"a\",1]],\"row_count\":1}}");
    ck_assert_ptr_nonnull(strstr(s, "<title id=\"w-u1-t\">&lt;T&gt;</title>"));
    ck_assert_ptr_nonnull(strstr(s, "<caption>&lt;T&gt;</caption>"));
    free(s);
    s = html("{\"uid\":\"u1\",\"type\":\"counter\",\"title\":\"n\",\"config\":{},\"error\":null,"
             "\"result\":{\"columns\":[{\"name\":\"n\"}],\"rows\":[[3503]]}}");
    ck_assert_ptr_nonnull(strstr(s, "<span class=\"kpi-value\">3503</span>"));
    free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dashboard");
    TCase *tc = tcase_create("store");
    tcase_add_test(tc, refresh_floor_from_the_environment);
    tcase_add_test(tc, widget_body_from_the_cache);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
