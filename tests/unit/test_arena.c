/* test_arena.c — the per-request arena: many small allocations, big ones, reset, and the
 * cleanups registered with arena_defer running exactly once. */
#include "arena.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

START_TEST(arena_many)
{
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 10000; i++) {
            char *p = arena_printf(&A, "item-%d", i);
            ck_assert_str_eq(p, arena_printf(&A, "item-%d", i));
        }
        void *big = arena_alloc(&A, 1 << 20);   /* larger than a chunk */
        memset(big, 1, 1 << 20);
        arena_reset(&A);
        ck_assert_uint_eq(A.used_total, 0);
    }
}
END_TEST

static int cleaned;
static void count_cleanup(void *p) { cleaned += *(int *)p; }

START_TEST(arena_cleanups)
{
    int one = 1, ten = 10;
    cleaned = 0;
    arena_defer(&A, count_cleanup, &one);
    arena_defer(&A, count_cleanup, &ten);
    arena_reset(&A);
    ck_assert_int_eq(cleaned, 11);
    arena_reset(&A);
    ck_assert_int_eq(cleaned, 11);   /* ran once */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, arena_many);
    tcase_add_test(tc, arena_cleanups);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
