/* test_roundtrip.c — export a realistic model as SQL in each dialect, import it back with
 * ddl_import, and compare by names: tables, columns, primary keys, nullability, foreign
 * keys (exactly the model's own plus the junction table's two for the many-to-many). */
#include "arena.h"
#include "buf.h"
#include "ddl_export.h"
#include "ddl_import.h"
#include "erd_doc.h"
#include "erd_view.h"
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixture_doc.h"
#include "fixture_shop.h"

static const struct erd_entity *find_entity(const struct erd_doc *doc, const char *name)
{
    for (size_t i = 0; i < doc->nentities; i++)
        if (!strcasecmp(doc->entities[i].name, name))
            return &doc->entities[i];
    return NULL;
}

static int by_text(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* sorted_lines: text's lines in byte order, each ending in '\n' (a new string). */
static char *sorted_lines(const char *text)
{
    char *copy = strdup(text), *lines[256];
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        ck_assert_uint_lt(n, 256);
        lines[n++] = l;
    }
    qsort(lines, n, sizeof *lines, by_text);
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&out, "%s\n", lines[i]);
    char *s = strdup(buf_cstr(&out));
    buf_free(&out);
    free(copy);
    return s;
}

/* fk_set: "parent.col>child.col" (lower case) for every resolved one-to-x relationship,
 * sorted lines. */
static char *fk_set(const struct erd_doc *doc)
{
    struct arena a;
    struct erd_view v;
    struct buf lines = BUF_INIT;
    arena_init(&a);
    ck_assert_int_eq(erd_view_init(&a, &v, doc), ERD_VIEW_OK);
    for (size_t k = 0; k < v.nfk; k++) {
        const struct erd_fk *fk = &v.fks[k];
        if (fk->parent_col < 0 || fk->child_col < 0 || erd_fk_is_m2m(fk))
            continue;
        size_t start = lines.len;
        buf_printf(&lines, "%s.%s>%s.%s\n", doc->entities[fk->parent].name,
                   erd_view_column(&v, fk->parent, fk->parent_col)->name, doc->entities[fk->child].name,
                   erd_view_column(&v, fk->child, fk->child_col)->name);
        for (size_t i = start; i < lines.len; i++)
            lines.data[i] = (char)(lines.data[i] >= 'A' && lines.data[i] <= 'Z' ? lines.data[i] + 32 : lines.data[i]);
    }
    char *s = sorted_lines(buf_cstr(&lines));
    buf_free(&lines);
    arena_free(&a);
    return s;
}

static void compare_entity(const struct erd_entity *src, const struct erd_entity *got, const char *dialect)
{
    const char *name = src->name;
    ck_assert_msg(got != NULL, "%s: table %s missing", dialect, name);
    ck_assert_msg(src->ncolumns == got->ncolumns, "%s: %s has %zu columns, expected %zu", dialect, name,
                  got->ncolumns, src->ncolumns);
    for (size_t j = 0; j < src->ncolumns; j++) {
        const struct erd_column *a = &src->columns[j], *b = &got->columns[j];
        const char *cn = a->name;
        ck_assert_msg(!strcmp(cn, b->name), "%s: %s column %zu is %s, expected %s", dialect, name, j, b->name, cn);
        ck_assert_msg(a->is_pk == b->is_pk, "%s: %s.%s pk", dialect, name, cn);
        int na = a->is_nullable && !a->is_pk, nb = b->is_nullable && !b->is_pk;
        ck_assert_msg(na == nb, "%s: %s.%s nullable %d, expected %d", dialect, name, cn, nb, na);
        ck_assert_msg(a->is_unique == b->is_unique, "%s: %s.%s unique", dialect, name, cn);
    }
}

static void roundtrip(enum export_format f, enum ddl_dialect d, const char *dialect)
{
    struct arena a;
    struct erd_doc src, got;
    struct buf sql = BUF_INIT;
    struct ddl_error err;
    int skipped = 0;
    memset(&err, 0, sizeof err);
    arena_init(&a);
    src = fixture_doc(&a, SHOP);
    ck_assert_int_eq(ddl_export(&src, f, &sql), 0);
    int rc = ddl_import(&a, sql.data, sql.len, d, &got, &skipped, &err);
    ck_assert_msg(rc == 0, "%s: import failed at %d:%d: %s\n%s", dialect, err.line, err.column, err.message, buf_cstr(&sql));
    for (size_t i = 0; i < src.nentities; i++)
        compare_entity(&src.entities[i], find_entity(&got, src.entities[i].name), dialect);
    ck_assert_msg(find_entity(&got, "products_tags") != NULL, "%s: junction table missing", dialect);
    ck_assert_uint_eq(got.nentities, src.nentities + 1);
    /* the foreign keys are the model's own plus the junction's two */
    char *want = fk_set(&src), *have = fk_set(&got);
    struct buf expect = BUF_INIT;
    buf_puts(&expect, want);
    buf_puts(&expect, "products.id>products_tags.products_id\ntags.id>products_tags.tags_id\n");
    char *expect_sorted = sorted_lines(buf_cstr(&expect));
    ck_assert_msg(!strcmp(have, expect_sorted), "%s: foreign keys\n%s\nexpected\n%s", dialect, have, expect_sorted);
    /* one-to-one survives: team.lead_id is unique */
    int one_to_one = 0;
    for (size_t k = 0; k < got.nrelationships; k++)
        one_to_one += !strcmp(got.relationships[k].type, "one-to-one");
    ck_assert_msg(one_to_one >= 1, "%s: one-to-one lost", dialect);
    /* enum values where the dialect keeps them */
    const struct erd_column *status = &find_entity(&got, "order")->columns[2];
    if (f != EXPORT_SQLITE)
        ck_assert_msg(status->n_enum == 3, "%s: enum values lost", dialect);
    buf_free(&expect);
    free(expect_sorted);
    free(want);
    free(have);
    buf_free(&sql);
    arena_free(&a);
}

START_TEST(postgres)
{
    roundtrip(EXPORT_POSTGRES, DDL_POSTGRES, "postgres");
}
END_TEST

START_TEST(mysql)
{
    roundtrip(EXPORT_MYSQL, DDL_MYSQL, "mysql");
}
END_TEST

START_TEST(sqlite)
{
    roundtrip(EXPORT_SQLITE, DDL_SQLITE, "sqlite");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("roundtrip");
    TCase *tc = tcase_create("roundtrip");
    tcase_add_test(tc, postgres);
    tcase_add_test(tc, mysql);
    tcase_add_test(tc, sqlite);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
