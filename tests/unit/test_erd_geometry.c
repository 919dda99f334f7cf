/* test_erd_geometry.c — the box geometry the editor is given (erd_geometry.h) is the one the
 * server drawing uses: svg_erd_render draws a table with short texts ERD_BOX_MIN_W wide and
 * ERD_BOX_HEADER_H + n × ERD_BOX_ROW_H tall, and a table with a very long column ERD_BOX_MAX_W wide. */
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include "erd_geometry.h"
#include "svg_erd.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MODEL[] =
    "{\"name\":\"g\",\"entities\":["
    "{\"id\":\"e_a\",\"name\":\"a\",\"x\":0,\"y\":0,\"columns\":["
    "{\"id\":\"c1\",\"name\":\"id\",\"type\":\"int\"},{\"id\":\"c2\",\"name\":\"x\",\"type\":\"int\"},"
    "{\"id\":\"c3\",\"name\":\"y\",\"type\":\"int\"}]},"
    "{\"id\":\"e_b\",\"name\":\"b\",\"x\":600,\"y\":0,\"columns\":[{\"id\":\"c4\","
    "\"name\":\"a_column_name_far_longer_than_any_box_could_ever_hold_in_one_row\","
    "\"type\":\"character varying(255) with a type name as long as the column name\"}]}],"
    "\"relationships\":[]}";

/* box: the width and height attributes of the erd-box rect of entity id in svg. */
static void box(const char *svg, const char *id, double *w, double *h)
{
    char key[64];
    snprintf(key, sizeof key, "data-id=\"%s\"", id);
    const char *g = strstr(svg, key);
    ck_assert_ptr_nonnull(g);
    const char *r = strstr(g, "class=\"erd-box\"");
    ck_assert_ptr_nonnull(r);
    const char *pw = strstr(r, " width=\""), *ph = strstr(r, " height=\"");
    ck_assert_ptr_nonnull(pw);
    ck_assert_ptr_nonnull(ph);
    *w = strtod(pw + 8, NULL);
    *h = strtod(ph + 9, NULL);
}

START_TEST(server_boxes_match_the_shared_geometry)
{
    struct arena a;
    arena_init(&a);
    struct erd_doc doc;
    struct buf err = BUF_INIT, out = BUF_INIT;
    ck_assert_int_eq(erd_doc_parse(&a, MODEL, strlen(MODEL), &doc, &err), ERD_PARSE_OK);
    struct svg_erd_opts o = {.id_prefix = "g"};
    ck_assert_int_eq(svg_erd_render(&doc, &o, &out), 0);
    double w, h;
    box(buf_cstr(&out), "e_a", &w, &h);
    ck_assert_double_eq(w, ERD_BOX_MIN_W);
    ck_assert_double_eq(h, ERD_BOX_HEADER_H + 3 * ERD_BOX_ROW_H);
    box(buf_cstr(&out), "e_b", &w, &h);
    ck_assert_double_eq(w, ERD_BOX_MAX_W);
    ck_assert_double_eq(h, ERD_BOX_HEADER_H + ERD_BOX_ROW_H);
    buf_free(&out);
    buf_free(&err);
    arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erd_geometry");
    TCase *tc = tcase_create("geometry");
    tcase_add_test(tc, server_boxes_match_the_shared_geometry);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
