/* test_dbws.c — the database workspace without servers: the outbound policy on resolved
 * addresses (default classes, CARD_DB_ALLOW_LOOPBACK, CARD_DB_NETWORKS, unix sockets, the
 * own database), the SQLite driver (row cap, read-only, timeout, a changed file handed back)
 * and the catalog reader (a schema read from SQLite built like the DDL import of it), and
 * the cross-process registry of running queries. */
#include "arena.h"
#include "dbws.h"
#include "ddl_import.h"
#include "erd_doc.h"
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static struct arena A;
static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

static int allowed(const char *host, int port, const struct dbws_own_db *own, struct dbws_error *err)
{
    char ip[64];
    return dbws_resolve(host, port, own, ip, err) == 0;
}

START_TEST(policy_default)
{
    unsetenv("CARD_DB_NETWORKS");
    unsetenv("CARD_DB_ALLOW_LOOPBACK");
    struct dbws_error err;
    ck_assert(allowed("10.1.2.3", 5432, NULL, &err));
    ck_assert(allowed("192.168.1.20", 3306, NULL, &err));
    ck_assert(allowed("8.8.8.8", 5432, NULL, &err));
    ck_assert(!allowed("127.0.0.1", 5432, NULL, &err));
    ck_assert_int_eq(err.code, DBWS_ERR_POLICY);
    ck_assert(strstr(err.message, "loopback"));
    ck_assert(!allowed("::1", 5432, NULL, &err));
    ck_assert(!allowed("169.254.169.254", 80, NULL, &err));
    ck_assert(strstr(err.message, "link-local"));
    ck_assert(!allowed("224.0.0.1", 5432, NULL, &err));
    ck_assert(!allowed("0.0.0.0", 5432, NULL, &err));
    ck_assert(!allowed("/var/run/postgresql", 5432, NULL, &err));
    ck_assert(strstr(err.message, "Unix sockets"));
    ck_assert(!allowed("", 5432, NULL, &err));
    /* Cardinality's own database: its address and port, not another port there */
    struct dbws_own_db own = {"10.0.0.5", 5432};
    ck_assert(!allowed("10.0.0.5", 5432, &own, &err));
    ck_assert(strstr(err.message, "own database"));
    ck_assert(allowed("10.0.0.5", 5433, &own, &err));
}
END_TEST

START_TEST(policy_loopback_and_own_socket)
{
    unsetenv("CARD_DB_NETWORKS");
    setenv("CARD_DB_ALLOW_LOOPBACK", "1", 1);
    struct dbws_error err;
    ck_assert(allowed("127.0.0.1", 5433, NULL, &err));
    ck_assert(!allowed("169.254.169.254", 80, NULL, &err));
    /* the own database behind a unix socket listens on this machine at its port */
    struct dbws_own_db own = {"/srv/card/pg/sock", 5432};
    ck_assert(!allowed("127.0.0.1", 5432, &own, &err));
    ck_assert(allowed("127.0.0.1", 5433, &own, &err));
}
END_TEST

START_TEST(policy_networks)
{
    setenv("CARD_DB_NETWORKS", "10.1.0.0/16", 1);
    unsetenv("CARD_DB_ALLOW_LOOPBACK");
    struct dbws_error err;
    ck_assert(allowed("10.1.9.9", 5432, NULL, &err));
    ck_assert(!allowed("10.2.0.1", 5432, NULL, &err));
    ck_assert(!allowed("8.8.8.8", 5432, NULL, &err));
}
END_TEST

START_TEST(policy_bad_networks)
{
    setenv("CARD_DB_NETWORKS", "not-a-network", 1);
    struct dbws_error err;
    ck_assert(!allowed("10.1.9.9", 5432, NULL, &err));
    ck_assert(strstr(err.message, "CARD_DB_NETWORKS"));
}
END_TEST

/* sqlite_file: a database made from sql, as file bytes (malloc'd). */
static unsigned char *sqlite_file(const char *sql, size_t *n)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_int64 len = 0;
    unsigned char *bytes = sqlite3_serialize(db, "main", &len, 0);
    unsigned char *copy = malloc((size_t)len);
    memcpy(copy, bytes, (size_t)len);
    sqlite3_free(bytes);
    sqlite3_close(db);
    *n = (size_t)len;
    return copy;
}

static const char shop[] =
    "CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT DEFAULT 'x');"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id) "
    "ON DELETE CASCADE, total REAL);"
    "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 500) "
    "INSERT INTO customer (id, email) SELECT i, 'c' || i || '@x' FROM g;";

static struct dbws_conn lite_conn(const unsigned char *bytes, size_t n, int read_only)
{
    struct dbws_conn c;
    memset(&c, 0, sizeof c);
    c.uid = "u1";
    c.type = DBWS_SQLITE;
    c.sqlite_bytes = bytes;
    c.sqlite_len = n;
    c.read_only = read_only;
    c.timeout_ms = 500;
    c.row_limit = 100;
    return c;
}

static int run(const struct dbws_conn *c, const char *sql, struct dbws_result *res, struct dbws_error *err)
{
    const struct dbws_driver *d = dbws_driver_for(DBWS_SQLITE);
    void *h = NULL;
    memset(res, 0, sizeof *res);
    ck_assert_int_eq(d->open(c, "", &h, err), 0);
    int rc = d->run(&A, h, c, sql, NULL, res, err);
    d->close(h);
    return rc;
}

static void result_free(struct dbws_result *res)
{
    json_decref(res->columns);
    json_decref(res->rows);
    free(res->sqlite_after);
}

START_TEST(sqlite_driver)
{
    size_t n;
    unsigned char *bytes = sqlite_file(shop, &n);
    struct dbws_conn ro = lite_conn(bytes, n, 1), rw = lite_conn(bytes, n, 0);
    struct dbws_result res;
    struct dbws_error err;
    ck_assert_int_eq(run(&ro, "SELECT id, email, name FROM customer ORDER BY id", &res, &err), 0);
    ck_assert_int_eq(res.row_count, 100);
    ck_assert(res.truncated);
    ck_assert_int_eq(json_array_size(res.rows), 100);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(res.columns, 1), "name")), "email");
    ck_assert(json_is_null(json_array_get(json_array_get(res.rows, 0), 2)) == 0);
    result_free(&res);
    /* read-only: a write fails and leaves no file to store */
    ck_assert_int_eq(run(&ro, "DELETE FROM customer", &res, &err), -1);
    ck_assert_int_eq(err.code, DBWS_ERR_SQL);
    ck_assert_ptr_null(res.sqlite_after);
    result_free(&res);
    /* an error's position */
    ck_assert_int_eq(run(&ro, "SELECT nosuch FROM customer", &res, &err), -1);
    ck_assert_int_eq(err.position, 8);
    result_free(&res);
    /* timeout through the progress handler */
    ck_assert_int_eq(run(&ro, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                              "SELECT count(*) FROM c", &res, &err), -1);
    ck_assert_int_eq(err.code, DBWS_ERR_TIMEOUT);
    result_free(&res);
    /* read-write: the changed file comes back */
    ck_assert_int_eq(run(&rw, "DELETE FROM customer WHERE id > 10", &res, &err), 0);
    ck_assert_int_eq(res.row_count, 490);
    ck_assert_ptr_nonnull(res.sqlite_after);
    struct dbws_conn after = lite_conn(res.sqlite_after, res.sqlite_after_len, 1);
    struct dbws_result res2;
    ck_assert_int_eq(run(&after, "SELECT count(*) FROM customer", &res2, &err), 0);
    ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(res2.rows, 0), 0)), 10);
    result_free(&res2);
    result_free(&res);
    /* not a database */
    struct dbws_conn junk = lite_conn((const unsigned char *)"hello world, not sqlite", 23, 1);
    void *h = NULL;
    ck_assert_int_eq(dbws_driver_for(DBWS_SQLITE)->open(&junk, "", &h, &err), -1);
    ck_assert_int_eq(err.code, DBWS_ERR_CONNECT);
    free(bytes);
}
END_TEST

START_TEST(schema_like_ddl_import)
{
    size_t n;
    unsigned char *bytes = sqlite_file(shop, &n);
    struct dbws_conn c = lite_conn(bytes, n, 1);
    const struct dbws_driver *d = dbws_driver_for(DBWS_SQLITE);
    void *h = NULL;
    struct dbws_error err;
    struct erd_doc live, ddl;
    ck_assert_int_eq(d->open(&c, "", &h, &err), 0);
    ck_assert_int_eq(dbws_schema_read(&A, d, h, &live, &err), 0);
    d->close(h);
    int skipped;
    struct ddl_error derr;
    ck_assert_int_eq(ddl_import(&A, shop, strlen(shop), DDL_SQLITE, &ddl, &skipped, &derr), 0);
    ck_assert_uint_eq(live.nentities, ddl.nentities);
    ck_assert_uint_eq(live.nrelationships, 1);
    ck_assert_uint_eq(ddl.nrelationships, 1);
    for (size_t i = 0; i < live.nentities; i++) {
        ck_assert_str_eq(live.entities[i].name, ddl.entities[i].name);
        ck_assert_uint_eq(live.entities[i].ncolumns, ddl.entities[i].ncolumns);
        ck_assert_double_eq(live.entities[i].x, ddl.entities[i].x);
        ck_assert_double_eq(live.entities[i].y, ddl.entities[i].y);
        for (size_t k = 0; k < live.entities[i].ncolumns; k++) {
            const struct erd_column *a = &live.entities[i].columns[k], *b = &ddl.entities[i].columns[k];
            ck_assert_str_eq(a->name, b->name);
            ck_assert_int_eq(a->is_pk, b->is_pk);
            ck_assert_int_eq(a->is_nullable, b->is_nullable);
            ck_assert_int_eq(a->is_unique, b->is_unique);
        }
    }
    ck_assert_str_eq(live.relationships[0].on_delete, "CASCADE");
    free(bytes);
}
END_TEST

START_TEST(running_registry)
{
    struct dbws_slot *a = dbws_running_claim("conn1", "alice"), *b = dbws_running_claim("conn1", "bob");
    ck_assert_ptr_nonnull(a);
    dbws_running_set_remote(a, 4242);
    long long ids[4];
    ck_assert_int_eq(dbws_running_cancel("conn1", "alice", ids, 4), 1);
    ck_assert_int_eq(ids[0], 4242);
    ck_assert(dbws_running_cancelled(a));
    ck_assert(!dbws_running_cancelled(b));
    dbws_running_release(a);
    ck_assert_int_eq(dbws_running_cancel("conn1", "alice", ids, 4), 0);
    dbws_running_release(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dbws");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, policy_default);
    tcase_add_test(tc, policy_loopback_and_own_socket);
    tcase_add_test(tc, policy_networks);
    tcase_add_test(tc, policy_bad_networks);
    tcase_add_test(tc, sqlite_driver);
    tcase_add_test(tc, schema_like_ddl_import);
    tcase_add_test(tc, running_registry);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
