/* test_svg_cache.c — the diagram SVG cache keeps one copy of a drawing however many threads
 * missed it at once (each draws it, the first to finish stores it), and a hit answers the same
 * bytes as the drawing. */
#include "arena.h"
#include "erd_doc.h"
#include "http.h"
#include "svg_cache.h"
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RACERS 8

/* grid: n tables of 8 columns, large enough that drawing it takes a while. */
static struct erd_doc grid(struct arena *a, size_t n)
{
    struct erd_doc d;
    memset(&d, 0, sizeof d);
    d.nentities = n;
    d.entities = arena_alloc(a, (n + 1) * sizeof *d.entities);
    for (size_t i = 0; i < n; i++) {
        struct erd_entity *e = &d.entities[i];
        e->id = arena_printf(a, "e_%zu", i);
        e->name = arena_printf(a, "table_%zu", i);
        e->x = (double)(i % 25) * 300;
        e->y = (double)(i / 25) * 400;
        e->ncolumns = 8;
        e->columns = arena_alloc(a, 9 * sizeof *e->columns);
        for (size_t c = 0; c < 8; c++) {
            e->columns[c].id = arena_printf(a, "c_%zu_%zu", i, c);
            e->columns[c].name = arena_printf(a, "col_%zu", c);
            e->columns[c].type = "varchar(160)";
        }
    }
    return d;
}

static struct erd_doc shared_doc;
static const char *shared_key;
static pthread_barrier_t start;
static size_t drawn_len[RACERS];

static void *racer(void *arg)
{
    size_t i = (size_t)arg;
    struct arena a;
    arena_init(&a);
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = &a;
    pthread_barrier_wait(&start);
    drawn_len[i] = strlen(svg_cache_full(&r, &shared_doc, shared_key));
    arena_free(&a);
    return NULL;
}

START_TEST(concurrent_misses_store_one_copy)
{
    struct arena a;
    arena_init(&a);
    shared_doc = grid(&a, 400);
    /* Rounds under new keys: whether the racers overlap is up to the scheduler, so race
     * several times (before the fix, most rounds stored two to eight copies). */
    for (int round = 0; round < 5; round++) {
        shared_key = arena_printf(&a, "{\"model\":\"racers %d\"}", round);
        size_t before = svg_cache_bytes();
        pthread_t t[RACERS];
        pthread_barrier_init(&start, NULL, RACERS);
        for (size_t i = 0; i < RACERS; i++)
            ck_assert_int_eq(pthread_create(&t[i], NULL, racer, (void *)i), 0);
        for (size_t i = 0; i < RACERS; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&start);
        ck_assert_uint_gt(drawn_len[0], 100000);
        for (size_t i = 1; i < RACERS; i++)
            ck_assert_uint_eq(drawn_len[i], drawn_len[0]);
        ck_assert_uint_eq(svg_cache_bytes() - before, drawn_len[0]);
    }
    arena_free(&a);
}
END_TEST

START_TEST(hit_answers_the_drawing)
{
    struct arena a;
    arena_init(&a);
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = &a;
    struct erd_doc d = grid(&a, 3);
    char *first = arena_strdup(&a, svg_cache_full(&r, &d, "{\"model\":\"three\"}"));
    size_t held = svg_cache_bytes();
    const char *again = svg_cache_full(&r, &d, "{\"model\":\"three\"}");
    ck_assert_str_eq(again, first);
    ck_assert_ptr_ne(strstr(first, "table_2"), NULL);
    ck_assert_uint_eq(svg_cache_bytes(), held);
    arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("svg_cache");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, concurrent_misses_store_one_copy);
    tcase_add_test(tc, hit_answers_the_drawing);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
