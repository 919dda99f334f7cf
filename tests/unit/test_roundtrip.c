/* test_roundtrip.c — export a realistic model as SQL in each dialect, import it back with
 * ddl_import, and compare by names: tables, columns, primary keys, nullability, foreign
 * keys (and the junction table made for the many-to-many). */
#include "arena.h"
#include "buf.h"
#include "ddl_export.h"
#include "ddl_import.h"
#include "erd_doc.h"
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixture_shop.h"

static const json_t *find_entity(const json_t *model, const char *name)
{
    const json_t *ents = json_object_get(model, "entities");
    for (size_t i = 0; i < json_array_size(ents); i++)
        if (!strcasecmp(ddl_export_str(json_array_get(ents, i), "name"), name))
            return json_array_get(ents, i);
    return NULL;
}

/* fk_set: "parent.col>child.col" for every resolved one-to-x relationship, sorted lines. */
static char *fk_set(const json_t *model)
{
    struct erd_view v;
    ck_assert_int_eq(ddl_export_view_init(&v, model), 0);
    json_t *lines = json_array();
    for (size_t k = 0; k < v.nfk; k++) {
        const struct erd_fk *fk = &v.fks[k];
        if (fk->parent_col < 0 || fk->child_col < 0 || !strcmp(fk->type, "many-to-many"))
            continue;
        char line[512];
        snprintf(line, sizeof line, "%s.%s>%s.%s", ddl_export_str(ddl_export_entity(&v, fk->parent), "name"),
                 ddl_export_str(ddl_export_column(&v, fk->parent, fk->parent_col), "name"),
                 ddl_export_str(ddl_export_entity(&v, fk->child), "name"),
                 ddl_export_str(ddl_export_column(&v, fk->child, fk->child_col), "name"));
        for (char *p = line; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        size_t at = 0;
        while (at < json_array_size(lines) && strcmp(json_string_value(json_array_get(lines, at)), line) < 0)
            at++;
        json_array_insert_new(lines, at, json_string(line));
    }
    ddl_export_view_free(&v);
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < json_array_size(lines); i++)
        buf_printf(&out, "%s\n", json_string_value(json_array_get(lines, i)));
    json_decref(lines);
    char *s = strdup(buf_cstr(&out));
    buf_free(&out);
    return s;
}

static void compare_entity(const json_t *src, const json_t *got, const char *dialect)
{
    const char *name = ddl_export_str(src, "name");
    ck_assert_msg(got != NULL, "%s: table %s missing", dialect, name);
    const json_t *sc = json_object_get(src, "columns"), *gc = json_object_get(got, "columns");
    ck_assert_msg(json_array_size(sc) == json_array_size(gc), "%s: %s has %zu columns, expected %zu", dialect, name,
                  json_array_size(gc), json_array_size(sc));
    for (size_t j = 0; j < json_array_size(sc); j++) {
        const json_t *a = json_array_get(sc, j), *b = json_array_get(gc, j);
        const char *cn = ddl_export_str(a, "name");
        ck_assert_msg(!strcmp(cn, ddl_export_str(b, "name")), "%s: %s column %zu is %s, expected %s", dialect, name, j,
                      ddl_export_str(b, "name"), cn);
        ck_assert_msg(ddl_export_flag(a, "is_pk") == ddl_export_flag(b, "is_pk"), "%s: %s.%s pk", dialect, name, cn);
        int na = !json_is_false(json_object_get(a, "is_nullable")) && !ddl_export_flag(a, "is_pk");
        int nb = !json_is_false(json_object_get(b, "is_nullable")) && !ddl_export_flag(b, "is_pk");
        ck_assert_msg(na == nb, "%s: %s.%s nullable %d, expected %d", dialect, name, cn, nb, na);
        ck_assert_msg(ddl_export_flag(a, "is_unique") == ddl_export_flag(b, "is_unique"), "%s: %s.%s unique", dialect, name, cn);
    }
}

static void roundtrip(enum export_format f, enum ddl_dialect d, const char *dialect)
{
    json_t *src = load(SHOP);
    struct buf sql = BUF_INIT;
    struct ddl_error err;
    struct arena a;
    struct erd_doc doc;
    int skipped = 0;
    memset(&err, 0, sizeof err);
    arena_init(&a);
    ck_assert_int_eq(ddl_export(src, f, &sql), 0);
    int rc = ddl_import(&a, sql.data, sql.len, d, &doc, &skipped, &err);
    ck_assert_msg(rc == 0, "%s: import failed at %d:%d: %s\n%s", dialect, err.line, err.column, err.message, buf_cstr(&sql));
    /* The comparisons below read jansson models (the exporter's view), so the imported doc
     * crosses over here, once. */
    json_t *got = erd_doc_to_json(&doc);
    arena_free(&a);
    const json_t *ents = json_object_get(src, "entities");
    for (size_t i = 0; i < json_array_size(ents); i++)
        compare_entity(json_array_get(ents, i), find_entity(got, ddl_export_str(json_array_get(ents, i), "name")), dialect);
    ck_assert_msg(find_entity(got, "products_tags") != NULL, "%s: junction table missing", dialect);
    ck_assert_int_eq(json_array_size(json_object_get(got, "entities")), json_array_size(ents) + 1);
    char *want = fk_set(src), *have = fk_set(got);
    /* the junction's two keys come in addition to the model's own */
    struct buf expect = BUF_INIT;
    buf_puts(&expect, want);
    ck_assert_msg(strstr(have, "products.id>products_tags.products_id\n") && strstr(have, "tags.id>products_tags.tags_id\n"),
                  "%s: junction keys missing:\n%s", dialect, have);
    for (char *line = want; *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        ck_assert_msg(strstr(have, line) != NULL, "%s: relationship %s lost:\n%s", dialect, line, have);
        line = nl + 1;
    }
    /* one-to-one survives: team.lead_id is unique */
    const json_t *rels = json_object_get(got, "relationships");
    int one_to_one = 0;
    for (size_t k = 0; k < json_array_size(rels); k++)
        one_to_one += !strcmp(ddl_export_str(json_array_get(rels, k), "type"), "one-to-one");
    ck_assert_msg(one_to_one >= 1, "%s: one-to-one lost", dialect);
    /* enum values where the dialect keeps them */
    const json_t *status = json_array_get(json_object_get(find_entity(got, "order"), "columns"), 2);
    if (f != EXPORT_SQLITE)
        ck_assert_msg(json_array_size(json_object_get(status, "enum_values")) == 3, "%s: enum values lost", dialect);
    buf_free(&expect);
    free(want);
    free(have);
    buf_free(&sql);
    json_decref(src);
    json_decref(got);
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
