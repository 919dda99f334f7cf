/* test_share.c — share links: the token's shape, the expiry times a user may type, and the
 * public renderer slots of the file-kind registry. */
#include "files.h"
#include "share.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(token_shape)
{
    ck_assert(share_token_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-_"));
    ck_assert(!share_token_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-"));    /* 42 */
    ck_assert(!share_token_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-_A")); /* 44 */
    ck_assert(!share_token_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO._"));
    ck_assert(!share_token_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO/_"));
    ck_assert(!share_token_valid("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO+_"));
    ck_assert(!share_token_valid(""));
    ck_assert(!share_token_valid(NULL));
}
END_TEST

START_TEST(time_parse)
{
    static const struct { const char *in; double want; } ok[] = {
        {"2026-12-31T23:59:00Z", 1798761540},
        {"2026-12-31T23:59Z", 1798761540},
        {"2026-12-31t23:59z", 1798761540},
        {"2026-12-31 23:59Z", 1798761540},
        {"2026-12-31T23:59:00.999Z", 1798761540},
        {"2027-01-01T01:59+02:00", 1798761540},
        {"2026-12-31T18:59-0500", 1798761540},
        {"2024-02-29T00:00:00Z", 1709164800},
        {"1970-01-01T00:00Z", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double t = -1;
        ck_assert_msg(share_time_parse(ok[i].in, &t) == 0, "%s refused", ok[i].in);
        ck_assert_msg(t == ok[i].want, "%s → %.0f", ok[i].in, t);
    }
    static const char *const bad[] = {
        "2026-12-31T23:59",           /* no zone: whose 23:59? */
        "2026-12-31", "2026-12-31T23:59:00", "2026-12-31T23:59:00+2", "2026-12-31T23:59:00+02:00x",
        "2026-13-01T00:00Z", "2026-02-29T00:00Z", "2026-12-32T00:00Z", "2026-12-31T24:00Z",
        "2026-12-31T23:60Z", "2026-12-31T23:59:60Z", "1969-12-31T23:59Z", "2026-12-31T23:59.5Z",
        "2026-12-31T23:59:00.Z", "26-12-31T23:59Z", "2026/12/31T23:59Z", "tomorrow", "", " 2026-12-31T23:59Z",
        "2026-12-31T23:59+15:00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double t;
        ck_assert_msg(share_time_parse(bad[i], &t) != 0, "%s accepted", bad[i]);
    }
    double t;
    ck_assert_int_ne(share_time_parse(NULL, &t), 0);
}
END_TEST

/* The diagram kind has its public renderer; a renderer asked with no output only says which
 * formats it offers (diagram: page, svg, sql — not markdown). */
START_TEST(renderer_slots)
{
    const struct file_kind *d = file_kind_by_name("diagram");
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_eq(d->publish, share_diagram_render);
    ck_assert_int_eq(d->publish(NULL, NULL, SHARE_PAGE, NULL), 0);
    ck_assert_int_eq(d->publish(NULL, NULL, SHARE_SVG, NULL), 0);
    ck_assert_int_eq(d->publish(NULL, NULL, SHARE_SQL, NULL), 0);
    ck_assert_int_eq(d->publish(NULL, NULL, SHARE_MD, NULL), SHARE_NO_FORMAT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("share");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, token_shape);
    tcase_add_test(tc, time_parse);
    tcase_add_test(tc, renderer_slots);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
