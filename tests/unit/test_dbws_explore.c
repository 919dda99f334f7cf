/* test_dbws_explore.c — the table explorer's SQL without servers (dbws_explore.c): identifiers
 * quoted per dialect (quotes doubled, a PostgreSQL schema split off), placeholders per dialect
 * with every value a parameter, LIKE wildcards in values escaped, names not in the catalog
 * entity refused, edits keyed by the whole primary key and refused without one; and, through
 * the SQLite driver's batch, that a failing change leaves the database as it was. */
#include "arena.h"
#include "dbws.h"
#include "dbws_explore.h"
#include "erd_doc.h"
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

static struct erd_column cols[] = {
    {.id = "c1", .name = "id", .type = "int", .is_pk = true},
    {.id = "c2", .name = "na\"me`", .type = "text", .is_nullable = true},
};
static struct erd_entity artist = {.id = "e1", .name = "art\"ist", .columns = cols, .ncolumns = 2};
static struct erd_column nk_cols[] = {{.id = "c1", .name = "a", .type = "int", .is_nullable = true}};
static struct erd_entity nokey = {.id = "e2", .name = "nokey", .columns = nk_cols, .ncolumns = 1};

START_TEST(quoting)
{
    ck_assert_str_eq(dbws_quote_ident(&A, DBWS_POSTGRES, "a\"b", 0), "\"a\"\"b\"");
    ck_assert_str_eq(dbws_quote_ident(&A, DBWS_MYSQL, "a`b", 0), "`a``b`");
    ck_assert_str_eq(dbws_quote_ident(&A, DBWS_SQLITE, "a\"b", 1), "\"a\"\"b\"");
    ck_assert_str_eq(dbws_quote_ident(&A, DBWS_POSTGRES, "sales.orders", 1), "\"sales\".\"orders\"");
    ck_assert_str_eq(dbws_quote_ident(&A, DBWS_POSTGRES, "sales.orders", 0), "\"sales.orders\"");
}
END_TEST

START_TEST(read_statements)
{
    const char *v1[] = {"x' OR '1'='1"}, *v2[] = {"50%_off!"}, *v3[] = {"1", "2"};
    struct dbws_filter f[] = {{"na\"me`", "=", v1, 1}, {"na\"me`", "contains", v2, 1}, {"id", "in", v3, 2},
                              {"na\"me`", "is_null", NULL, 0}};
    struct dbws_explore_q q = {.sort = "na\"me`", .desc = 1, .filters = f, .nfilters = 4, .search = "a",
                               .page = 3, .page_size = 10};
    struct dbws_stmt count, page;
    const char *msg = NULL;
    ck_assert_int_eq(dbws_explore_read(&A, DBWS_POSTGRES, &artist, &q, &count, &page, &msg), 0);
    ck_assert_str_eq(count.sql, "SELECT count(*) FROM \"art\"\"ist\" WHERE \"na\"\"me`\" = $1 AND "
        "CAST(\"na\"\"me`\" AS text) ILIKE $2 ESCAPE '!' AND \"id\" IN ($3, $4) AND \"na\"\"me`\" IS NULL AND "
        "(CAST(\"id\" AS text) ILIKE $5 ESCAPE '!' OR CAST(\"na\"\"me`\" AS text) ILIKE $6 ESCAPE '!')");
    ck_assert_int_eq(count.nparams, 6);
    ck_assert_str_eq(count.params[0], "x' OR '1'='1");
    ck_assert_str_eq(count.params[1], "%50!%!_off!!%");
    ck_assert_ptr_null(strstr(page.sql, "OR '1'"));
    ck_assert_ptr_nonnull(strstr(page.sql, "ORDER BY \"na\"\"me`\" DESC, \"id\" LIMIT 10 OFFSET 20"));
    ck_assert_int_eq(dbws_explore_read(&A, DBWS_MYSQL, &artist, &q, &count, &page, &msg), 0);
    ck_assert_ptr_nonnull(strstr(count.sql, "`na\"me``` = ? AND CAST(`na\"me``` AS CHAR) LIKE ? ESCAPE '!'"));
    ck_assert_ptr_null(strstr(count.sql, "$"));
    /* Names not in the entity, and unknown operators, are refused. */
    struct dbws_filter bad[] = {{"id; DROP TABLE x", "=", v1, 1}};
    struct dbws_explore_q qb = {.filters = bad, .nfilters = 1};
    ck_assert_int_eq(dbws_explore_read(&A, DBWS_SQLITE, &artist, &qb, &count, &page, &msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "no column"));
    struct dbws_filter badop[] = {{"id", "= 1 OR 1 =", v1, 1}};
    qb.filters = badop;
    ck_assert_int_eq(dbws_explore_read(&A, DBWS_SQLITE, &artist, &qb, &count, &page, &msg), -1);
    struct dbws_explore_q qs = {.sort = "id DESC; --"};
    ck_assert_int_eq(dbws_explore_read(&A, DBWS_SQLITE, &artist, &qs, &count, &page, &msg), -1);
}
END_TEST

static int changes(enum dbws_type t, const struct erd_entity *e, const char *json, struct dbws_stmt **out, int *n,
                   const char **msg)
{
    json_t *j = json_loads(json, 0, NULL);
    int rc = dbws_explore_changes(&A, t, e, j, out, n, msg);
    json_decref(j);
    return rc;
}

START_TEST(change_statements)
{
    struct dbws_stmt *s;
    int n;
    const char *msg;
    ck_assert_int_eq(changes(DBWS_POSTGRES, &artist, "[{\"op\":\"update\",\"key\":{\"id\":5},\"values\":{\"na\\\"me`\":null}},"
        "{\"op\":\"insert\",\"values\":{\"id\":6,\"na\\\"me`\":\"'); DROP TABLE x; --\"}},{\"op\":\"delete\",\"key\":{\"id\":7}}]",
        &s, &n, &msg), 0);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(s[0].sql, "UPDATE \"art\"\"ist\" SET \"na\"\"me`\" = $1 WHERE \"id\" = $2");
    ck_assert_ptr_null(s[0].params[0]);
    ck_assert_str_eq(s[0].params[1], "5");
    ck_assert_str_eq(s[1].sql, "INSERT INTO \"art\"\"ist\" (\"id\", \"na\"\"me`\") VALUES ($1, $2)");
    ck_assert_str_eq(s[1].params[1], "'); DROP TABLE x; --");
    ck_assert_str_eq(s[2].sql, "DELETE FROM \"art\"\"ist\" WHERE \"id\" = $1");
    ck_assert(s[0].expect_one && s[1].expect_one && s[2].expect_one);
    ck_assert_int_eq(changes(DBWS_MYSQL, &artist, "[{\"op\":\"insert\",\"values\":{}}]", &s, &n, &msg), 0);
    ck_assert_str_eq(s[0].sql, "INSERT INTO `art\"ist` () VALUES ()");
    /* A key that is not the whole primary key, unknown columns, no key at all. */
    ck_assert_int_eq(changes(DBWS_SQLITE, &artist, "[{\"op\":\"delete\",\"key\":{\"na\\\"me`\":\"x\"}}]", &s, &n, &msg), -1);
    ck_assert_int_eq(changes(DBWS_SQLITE, &artist, "[{\"op\":\"delete\",\"key\":{\"id\":1,\"na\\\"me`\":\"x\"}}]", &s, &n, &msg), -1);
    ck_assert_int_eq(changes(DBWS_SQLITE, &artist, "[{\"op\":\"update\",\"key\":{\"id\":1},\"values\":{\"x\":1}}]", &s, &n, &msg), -1);
    ck_assert_int_eq(changes(DBWS_SQLITE, &artist, "[{\"op\":\"drop\"}]", &s, &n, &msg), -1);
    ck_assert_int_eq(changes(DBWS_SQLITE, &nokey, "[{\"op\":\"delete\",\"key\":{\"a\":1}}]", &s, &n, &msg), -1);
    ck_assert_ptr_nonnull(strstr(msg, "no primary key"));
}
END_TEST

/* sqlite_file: a small database's bytes (malloc). */
static unsigned char *sqlite_file(size_t *len)
{
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db, "CREATE TABLE \"art\"\"ist\" (id INTEGER PRIMARY KEY, \"na\"\"me`\" TEXT);"
                     "INSERT INTO \"art\"\"ist\" VALUES (1, 'one'), (2, 'two');", NULL, NULL, NULL);
    sqlite3_int64 n = 0;
    unsigned char *b = sqlite3_serialize(db, "main", &n, 0), *out = malloc((size_t)n);
    memcpy(out, b, (size_t)n);
    sqlite3_free(b);
    sqlite3_close(db);
    *len = (size_t)n;
    return out;
}

START_TEST(sqlite_batch_one_transaction)
{
    size_t len;
    unsigned char *bytes = sqlite_file(&len);
    struct dbws_conn c = {.type = DBWS_SQLITE, .timeout_ms = 5000, .row_limit = 100, .sqlite_bytes = bytes, .sqlite_len = len};
    const struct dbws_driver *d = dbws_driver_for(DBWS_SQLITE);
    struct dbws_error err;
    void *h;
    ck_assert_int_eq(d->open(&c, "", &h, &err), 0);
    struct dbws_stmt *s;
    int n, failed_at;
    const char *msg;
    /* The second change matches no row: the first is rolled back, no file handed back. */
    ck_assert_int_eq(changes(DBWS_SQLITE, &artist, "[{\"op\":\"update\",\"key\":{\"id\":1},\"values\":{\"na\\\"me`\":\"uno\"}},"
        "{\"op\":\"delete\",\"key\":{\"id\":99}}]", &s, &n, &msg), 0);
    struct dbws_result res = {0};
    ck_assert_int_eq(d->batch(&A, h, &c, s, n, 1, &res, &failed_at, &err), -1);
    ck_assert_int_eq(failed_at, 1);
    ck_assert_ptr_null(res.sqlite_after);
    json_decref(res.columns);
    json_decref(res.rows);
    const char *v[] = {"one"};
    struct dbws_filter f[] = {{"na\"me`", "=", v, 1}};
    struct dbws_explore_q q = {.filters = f, .nfilters = 1};
    struct dbws_stmt count, page;
    ck_assert_int_eq(dbws_explore_read(&A, DBWS_SQLITE, &artist, &q, &count, &page, &msg), 0);
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(d->batch(&A, h, &c, &page, 1, 0, &res, &failed_at, &err), 0);
    ck_assert_int_eq(json_array_size(res.rows), 1);   /* still 'one' */
    json_decref(res.columns);
    json_decref(res.rows);
    /* A write sent as a read is refused. */
    struct dbws_stmt w = {.sql = "DELETE FROM \"art\"\"ist\""};
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(d->batch(&A, h, &c, &w, 1, 0, &res, &failed_at, &err), -1);
    json_decref(res.columns);
    json_decref(res.rows);
    /* Both changes succeed: committed, the file handed back. */
    ck_assert_int_eq(changes(DBWS_SQLITE, &artist, "[{\"op\":\"update\",\"key\":{\"id\":1},\"values\":{\"na\\\"me`\":\"uno\"}},"
        "{\"op\":\"delete\",\"key\":{\"id\":2}}]", &s, &n, &msg), 0);
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(d->batch(&A, h, &c, s, n, 1, &res, &failed_at, &err), 0);
    ck_assert_int_eq(res.row_count, 2);
    ck_assert_ptr_nonnull(res.sqlite_after);
    free(res.sqlite_after);
    json_decref(res.columns);
    json_decref(res.rows);
    d->close(h);
    free(bytes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dbws_explore");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, quoting);
    tcase_add_test(tc, read_statements);
    tcase_add_test(tc, change_statements);
    tcase_add_test(tc, sqlite_batch_one_transaction);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
