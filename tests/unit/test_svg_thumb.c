/* test_svg_thumb.c — list thumbnails: boxes and lines only, at most SVG_THUMB_MAX_BYTES for
 * any diagram (lines dropped first, then no thumbnail at all), colours never written as given
 * unless they are colours, deterministic. */
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include "svg_thumb.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* chain: n tables of cols columns on a 25-wide grid, each related to the one before; every
 * third table gets colour c (the rest none). */
static struct erd_doc chain(struct arena *a, size_t n, size_t cols, const char *c)
{
    struct erd_doc d;
    memset(&d, 0, sizeof d);
    d.nentities = n;
    d.entities = arena_alloc(a, (n + 1) * sizeof *d.entities);
    d.relationships = arena_alloc(a, (n + 1) * sizeof *d.relationships);
    for (size_t i = 0; i < n; i++) {
        struct erd_entity *e = &d.entities[i];
        e->id = arena_printf(a, "e_%zu", i);
        e->name = arena_printf(a, "table_%zu", i);
        e->x = (double)(i % 25) * 300;
        e->y = (double)(i / 25) * 400;
        e->color = i % 3 == 0 ? c : NULL;
        e->ncolumns = cols;
        e->columns = arena_alloc(a, (cols + 1) * sizeof *e->columns);
        if (i) {
            struct erd_relationship *r = &d.relationships[d.nrelationships++];
            r->id = arena_printf(a, "r_%zu", i);
            r->source_entity_id = d.entities[i - 1].id;
            r->target_entity_id = e->id;
            r->type = "one-to-many";
        }
    }
    return d;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

START_TEST(small_diagram)
{
    struct arena a;
    struct buf out = BUF_INIT, again = BUF_INIT;
    arena_init(&a);
    struct erd_doc d = chain(&a, 3, 2, "#ec4899");
    ck_assert_int_eq(svg_thumb_render(&a, &d, &out), 0);
    const char *s = buf_cstr(&out);
    ck_assert(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 ", 56) == 0);
    ck_assert_uint_eq(count(s, "z"), 3);                 /* three boxes */
    ck_assert_uint_eq(count(s, "L"), 2);                 /* two lines */
    ck_assert_ptr_nonnull(strstr(s, "fill=\"#ec4899\""));
    ck_assert_ptr_nonnull(strstr(s, "fill=\"#6366f1\""));   /* tables with no colour */
    ck_assert_ptr_null(strstr(s, "<text"));              /* no names, no columns */
    ck_assert_ptr_null(strstr(s, "table_"));
    ck_assert_int_eq(svg_thumb_render(&a, &d, &again), 0);
    ck_assert_str_eq(s, buf_cstr(&again));                /* deterministic */
    buf_free(&out);
    buf_free(&again);
    arena_free(&a);
}
END_TEST

START_TEST(hostile_colour_and_empty)
{
    struct arena a;
    struct buf out = BUF_INIT;
    arena_init(&a);
    struct erd_doc d = chain(&a, 2, 1, "red\" onload=\"alert(1)");
    ck_assert_int_eq(svg_thumb_render(&a, &d, &out), 0);
    ck_assert_ptr_null(strstr(buf_cstr(&out), "onload"));
    ck_assert_ptr_null(strstr(buf_cstr(&out), "alert"));
    buf_reset(&out);
    struct erd_doc empty = chain(&a, 0, 0, NULL);
    ck_assert_int_eq(svg_thumb_render(&a, &empty, &out), -1);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_ptr_nonnull(strstr(SVG_THUMB_PLACEHOLDER, "<svg"));
    buf_free(&out);
    arena_free(&a);
}
END_TEST

/* 500 tables fit with their lines; 1,000 keep their boxes only; 5,000 get none — and no
 * thumbnail is ever over the limit. */
START_TEST(size_is_bounded)
{
    static const struct { size_t n; int rc; int lines; } cases[] = {
        {500, 0, 1}, {1000, 0, 0}, {5000, -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct arena a;
        struct buf out = BUF_INIT;
        arena_init(&a);
        struct erd_doc d = chain(&a, cases[i].n, 10, "#10b981");
        ck_assert_int_eq(svg_thumb_render(&a, &d, &out), cases[i].rc);
        ck_assert_msg(out.len <= SVG_THUMB_MAX_BYTES, "%zu tables: %zu bytes", cases[i].n, out.len);
        if (cases[i].rc == 0)
            ck_assert_uint_eq(count(buf_cstr(&out), "L") > 0, cases[i].lines);
        printf("svg_thumb: %zu tables → %zu bytes\n", cases[i].n, out.len);
        buf_free(&out);
        arena_free(&a);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("svg_thumb");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, small_diagram);
    tcase_add_test(tc, hostile_colour_and_empty);
    tcase_add_test(tc, size_is_bounded);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
