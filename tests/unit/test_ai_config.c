/* test_ai_config.c — the arithmetic under AI accounting and limits (ai_config.c): exact cost
 * from token counts and prices per million tokens, price validation, and the sliding-window
 * maths that turns recent usage into "over the limit, retry in N seconds". */
#include "ai_config.h"
#include "arena.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(cost_exact)
{
    char out[32];
    /* 1,000,000 input tokens at $2.50/M and 500,000 output tokens at $10/M = 2.5 + 5 */
    ck_assert_int_eq(ai_cost_text(1000000, 500000, "2.5", "10", out), 0);
    ck_assert_str_eq(out, "7.50000000");
    /* 1 token at $0.15/M = $0.00000015; 3 at $0.6/M = $0.0000018 */
    ck_assert_int_eq(ai_cost_text(1, 3, "0.15", "0.6", out), 0);
    ck_assert_str_eq(out, "0.00000195");
    /* PostgreSQL's numeric(15,6) text, 6 places */
    ck_assert_int_eq(ai_cost_text(1234, 5678, "0.075000", "0.300000", out), 0);
    ck_assert_str_eq(out, "0.00179595");     /* 92.55e-6 + 1703.4e-6 */
}
END_TEST

START_TEST(cost_rounding_and_edges)
{
    char out[32];
    /* 1 token at $0.000001/M = 1e-12 $: rounds to 0; 5,000 such tokens = 5e-9: half up to 1e-8 */
    ck_assert_int_eq(ai_cost_text(1, 0, "0.000001", "0", out), 0);
    ck_assert_str_eq(out, "0.00000000");
    ck_assert_int_eq(ai_cost_text(5000, 0, "0.000001", NULL, out), 0);
    ck_assert_str_eq(out, "0.00000001");
    ck_assert_int_eq(ai_cost_text(4999, 0, "0.000001", "", out), 0);
    ck_assert_str_eq(out, "0.00000000");
    /* no prices: free */
    ck_assert_int_eq(ai_cost_text(123456, 654321, NULL, NULL, out), 0);
    ck_assert_str_eq(out, "0.00000000");
    /* large counts do not overflow: 10^12 tokens at $999,999,999.999999/M */
    ck_assert_int_eq(ai_cost_text(1000000000000LL, 0, "999999999.999999", "0", out), 0);
    ck_assert_str_eq(out, "999999999999999.00000000");
    /* refused: negative counts, too many decimals, junk */
    ck_assert_int_eq(ai_cost_text(-1, 0, "1", "1", out), -1);
    ck_assert_str_eq(out, "0.00000000");
    ck_assert_int_eq(ai_cost_text(1, 1, "0.0000001", "1", out), -1);
    ck_assert_int_eq(ai_cost_text(1, 1, "1", "-1", out), -1);
    ck_assert_int_eq(ai_cost_text(1, 1, "1e3", "1", out), -1);
    ck_assert_int_eq(ai_cost_text(1, 1, "1.", "1", out), -1);
}
END_TEST

START_TEST(prices)
{
    ck_assert(ai_price_valid("0"));
    ck_assert(ai_price_valid("2.5"));
    ck_assert(ai_price_valid(".5"));
    ck_assert(ai_price_valid("123456789.123456"));
    ck_assert(!ai_price_valid(""));
    ck_assert(!ai_price_valid(NULL));
    ck_assert(!ai_price_valid("."));
    ck_assert(!ai_price_valid("1234567890"));
    ck_assert(!ai_price_valid("1.1234567"));
    ck_assert(!ai_price_valid(" 1"));
    ck_assert(!ai_price_valid("1,5"));
    ck_assert(!ai_price_valid("NaN"));
}
END_TEST

START_TEST(window_requests)
{
    const double now = 100000;
    /* 3 requests 50, 40 and 10 minutes ago; limit 3 per hour: blocked until the oldest (50 min
     * ago) leaves the window, 10 minutes from now */
    struct ai_usage_point p[] = {{now - 3000, 10}, {now - 2400, 20}, {now - 600, 30}};
    ck_assert_int_eq(ai_window_retry(p, 3, now, 3600, 3, 0), 600);
    /* limit 4: room for one more */
    ck_assert_int_eq(ai_window_retry(p, 3, now, 3600, 4, 0), 0);
    /* limit 2: two must leave; the second oldest leaves in 20 minutes */
    ck_assert_int_eq(ai_window_retry(p, 3, now, 3600, 2, 0), 1200);
    /* no limit */
    ck_assert_int_eq(ai_window_retry(p, 3, now, 3600, -1, 0), 0);
    /* points older than the window do not count */
    struct ai_usage_point old[] = {{now - 7200, 1}, {now - 3600, 1}, {now - 10, 1}};
    ck_assert_int_eq(ai_window_retry(old, 3, now, 3600, 2, 0), 0);
    ck_assert_int_eq(ai_window_retry(old, 3, now, 3600, 1, 0), 3590);
    /* limit 0: nothing can leave far enough; wait a whole window */
    ck_assert_int_eq(ai_window_retry(NULL, 0, now, 86400, 0, 0), 86400);
    /* a point leaving within the second still answers at least 1 */
    struct ai_usage_point edge[] = {{now - 3599.9, 1}};
    ck_assert_int_eq(ai_window_retry(edge, 1, now, 3600, 1, 0), 1);
}
END_TEST

START_TEST(window_tokens)
{
    const double now = 500000;
    struct ai_usage_point p[] = {{now - 80000, 600}, {now - 40000, 300}, {now - 100, 200}};
    /* 1,100 tokens today against 1,000: the oldest (600) leaving brings it to 500 */
    ck_assert_int_eq(ai_window_retry(p, 3, now, 86400, 1000, 1), 6400);
    /* against 400: 500 is still too many; after the second leaves, 200 < 400 */
    ck_assert_int_eq(ai_window_retry(p, 3, now, 86400, 400, 1), 46400);
    /* against 1,101: fine */
    ck_assert_int_eq(ai_window_retry(p, 3, now, 86400, 1101, 1), 0);
    /* exactly at the limit is over it (the next request would pass it) */
    ck_assert_int_eq(ai_window_retry(p, 3, now, 86400, 1100, 1), 6400);
}
END_TEST

START_TEST(key_ad)
{
    struct arena a;
    arena_init(&a);
    ck_assert_str_eq(ai_key_ad(&a, "42"), "user_ai_configs:42:api_key");
    arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ai_config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cost_exact);
    tcase_add_test(tc, cost_rounding_and_edges);
    tcase_add_test(tc, prices);
    tcase_add_test(tc, window_requests);
    tcase_add_test(tc, window_tokens);
    tcase_add_test(tc, key_ad);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
