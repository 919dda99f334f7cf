/* test_erd_layout_dot.c — the Graphviz layout of imports (erd_layout_dot.c) on the corpus
 * schemas (Northwind, Pagila, Chinook; DDL_CORPUS_DIR or SHARED_DIR/ddl-corpus): it succeeds,
 * no two boxes of the editor's size overlap, every table lies right of and below the margin,
 * each connected group of tables has one colour (lone tables slate), related
 * tables are closer to each other than the layered fallback puts them on average, and the
 * result is the same every time. */
#include "arena.h"
#include "ddl_import.h"
#include "erd_doc.h"
#include "erd_geometry.h"
#include "erd_layout.h"
#include "svg_erd.h"
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *corpus(const char *name, size_t *len)
{
    char dir[900], path[1024];
    const char *d = getenv("DDL_CORPUS_DIR");
    if (d)
        snprintf(dir, sizeof dir, "%s", d);
    else
        snprintf(dir, sizeof dir, "%s/ddl-corpus", getenv("SHARED_DIR") ? getenv("SHARED_DIR") : "../shared");
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "test data %s is missing (set DDL_CORPUS_DIR or SHARED_DIR)", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)n + 1);
    ck_assert(data && fread(data, 1, (size_t)n, f) == (size_t)n);
    data[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return data;
}

static int index_of(const struct erd_doc *d, const char *id)
{
    for (size_t i = 0; i < d->nentities; i++)
        if (strcmp(d->entities[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* overlaps: pairs of boxes (editor geometry) that intersect. */
static int overlaps(const struct erd_doc *d)
{
    int n = 0;
    for (size_t i = 0; i < d->nentities; i++)
        for (size_t j = i + 1; j < d->nentities; j++) {
            const struct erd_entity *a = &d->entities[i], *b = &d->entities[j];
            double aw = svg_erd_box_width(a), ah = ERD_BOX_HEADER_H + ERD_BOX_ROW_H * (double)a->ncolumns;
            double bw = svg_erd_box_width(b), bh = ERD_BOX_HEADER_H + ERD_BOX_ROW_H * (double)b->ncolumns;
            n += a->x < b->x + bw && b->x < a->x + aw && a->y < b->y + bh && b->y < a->y + ah;
        }
    return n;
}

/* mean_link: the average distance between the centres of related tables. */
static double mean_link(const struct erd_doc *d)
{
    double sum = 0;
    int n = 0;
    for (size_t k = 0; k < d->nrelationships; k++) {
        int a = index_of(d, d->relationships[k].source_entity_id), b = index_of(d, d->relationships[k].target_entity_id);
        if (a < 0 || b < 0 || a == b)
            continue;
        const struct erd_entity *p = &d->entities[a], *q = &d->entities[b];
        sum += hypot(p->x + svg_erd_box_width(p) / 2 - q->x - svg_erd_box_width(q) / 2,
                     p->y + ERD_BOX_ROW_H * (double)p->ncolumns / 2 - q->y - ERD_BOX_ROW_H * (double)q->ncolumns / 2);
        n++;
    }
    return n ? sum / n : 0;
}

static void check_schema(const char *file, enum ddl_dialect dialect)
{
    struct arena a;
    struct erd_doc doc;
    struct ddl_error err;
    int skipped = 0;
    size_t len;
    char *sql = corpus(file, &len);
    arena_init(&a);
    ck_assert_msg(ddl_import(&a, sql, len, dialect, &doc, &skipped, &err) == 0, "%s: %s", file, err.message);
    ck_assert_int_eq(erd_layout_dot(&doc), 0);
    ck_assert_msg(overlaps(&doc) == 0, "%s: %d overlapping pairs", file, overlaps(&doc));
    double *x = calloc(doc.nentities, sizeof *x), *y = calloc(doc.nentities, sizeof *y);
    const char **colour = calloc(doc.nentities, sizeof *colour);
    for (size_t i = 0; i < doc.nentities; i++) {
        x[i] = doc.entities[i].x;
        y[i] = doc.entities[i].y;
        colour[i] = doc.entities[i].color;
        ck_assert_msg(x[i] >= 40 && y[i] >= 40, "%s: %s at %g,%g", file, doc.entities[i].name, x[i], y[i]);
    }
    /* one colour per connected group; the groups of Pagila and Northwind are few, so distinct */
    int distinct = 0;
    for (size_t k = 0; k < doc.nrelationships; k++) {
        int s = index_of(&doc, doc.relationships[k].source_entity_id), t = index_of(&doc, doc.relationships[k].target_entity_id);
        if (s >= 0 && t >= 0)
            ck_assert_msg(strcmp(colour[s], colour[t]) == 0, "%s: related tables %s and %s coloured apart",
                          file, doc.entities[s].name, doc.entities[t].name);
    }
    for (size_t i = 0; i < doc.nentities; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(colour[i], colour[j]) == 0;
        distinct += !seen;
    }
    /* Northwind has lone tables (slate) beside its related group */
    ck_assert_int_ge(distinct, strstr(file, "northwind") ? 2 : 1);
    /* the same again */
    ck_assert_int_eq(erd_layout_dot(&doc), 0);
    for (size_t i = 0; i < doc.nentities; i++)
        ck_assert_msg(doc.entities[i].x == x[i] && doc.entities[i].y == y[i], "%s: not deterministic", file);
    /* related tables nearer than the layered fallback puts them */
    double dot_link = mean_link(&doc);
    erd_layout_layered(&doc);
    double layered_link = mean_link(&doc);
    printf("%s: %zu tables, %d colours, mean related distance %.0f px (layered %.0f px)\n", file,
           doc.nentities, distinct, dot_link, layered_link);
    ck_assert_msg(dot_link <= layered_link * 1.05, "%s: related tables %.0f px apart (layered: %.0f)",
                  file, dot_link, layered_link);
    free(x);
    free(y);
    free(colour);
    free(sql);
    arena_free(&a);
}

START_TEST(northwind) { check_schema("northwind.postgres.sql", DDL_POSTGRES); }
END_TEST

START_TEST(pagila) { check_schema("pagila-schema.postgres.sql", DDL_POSTGRES); }
END_TEST

START_TEST(chinook) { check_schema("chinook.postgresql.sql", DDL_POSTGRES); }
END_TEST

/* A doc with no relationships: lone tables packed in rows, about as wide as tall, no overlap. */
START_TEST(lone_tables_packed)
{
    static struct erd_entity ents[30];
    static struct erd_column cols[7] = {{.id = "c0", .name = "id", .type = "bigint"}, {.id = "c1", .name = "name", .type = "text"},
        {.id = "c2", .name = "a", .type = "int"}, {.id = "c3", .name = "b", .type = "int"}, {.id = "c4", .name = "c", .type = "int"},
        {.id = "c5", .name = "d", .type = "int"}, {.id = "c6", .name = "e", .type = "int"}};
    static char ids[30][16];
    struct erd_doc doc;
    memset(&doc, 0, sizeof doc);
    for (int i = 0; i < 30; i++) {
        snprintf(ids[i], sizeof ids[i], "e%d", i);
        ents[i] = (struct erd_entity){.id = ids[i], .name = ids[i], .color = "#6366f1", .columns = cols, .ncolumns = (size_t)(i % 7)};
    }
    doc.entities = ents;
    doc.nentities = 30;
    ck_assert_int_eq(erd_layout_dot(&doc), 0);
    ck_assert_int_eq(overlaps(&doc), 0);
    double right = 0, bottom = 0;
    for (int i = 0; i < 30; i++) {
        right = fmax(right, ents[i].x + svg_erd_box_width(&ents[i]));
        bottom = fmax(bottom, ents[i].y + ERD_BOX_HEADER_H + ERD_BOX_ROW_H * (double)ents[i].ncolumns);
        ck_assert_str_eq(ents[i].color, "#64748b");   /* lone tables: slate */
    }
    ck_assert_msg(right < 3 * bottom && bottom < 3 * right, "packed %g × %g", right, bottom);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erd_layout_dot");
    TCase *tc = tcase_create("dot");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, northwind);
    tcase_add_test(tc, pagila);
    tcase_add_test(tc, chinook);
    tcase_add_test(tc, lone_tables_packed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
