/* dbws_sqlite.c — the SQLite driver of the database workspace: the uploaded file is opened by
 * SQLite itself from memory (sqlite3_deserialize; read-only connections read-only and with
 * PRAGMA query_only), a progress handler stops a statement past the timeout or when a cancel
 * is asked, and a read-write connection's changed file is handed back to be stored. */
#include "arena.h"
#include "dbws.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct lite {
    sqlite3 *db;
    const struct dbws_conn *conn;
    struct dbws_slot *slot;
    struct timespec start;
    int timeout_ms;
    int stopped_by_cancel;
};

/* progress: stop a statement past the timeout or once a cancel is asked (non-zero stops). */
static int progress(void *p)
{
    struct lite *l = p;
    if (dbws_running_cancelled(l->slot)) {
        l->stopped_by_cancel = 1;
        return 1;
    }
    return dbws_elapsed_ms(&l->start) > l->timeout_ms;
}

static int lite_open(const struct dbws_conn *c, const char *ip, void **h, struct dbws_error *err)
{
    (void)ip;
    if (!c->sqlite_bytes || c->sqlite_len == 0)
        return dbws_error_set(err, DBWS_ERR_CONNECT, "This connection has no SQLite file.");
    struct lite *l = calloc(1, sizeof *l);
    unsigned char *copy = sqlite3_malloc64(c->sqlite_len);
    if (!l || !copy || sqlite3_open_v2(":memory:", &l->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        if (l)
            sqlite3_close(l->db);
        free(l);
        sqlite3_free(copy);
        return dbws_error_set(err, DBWS_ERR_CONNECT, "SQLite could not open a database.");
    }
    memcpy(copy, c->sqlite_bytes, c->sqlite_len);
    unsigned flags = SQLITE_DESERIALIZE_FREEONCLOSE |
                     (c->read_only ? SQLITE_DESERIALIZE_READONLY : SQLITE_DESERIALIZE_RESIZEABLE);
    int rc = sqlite3_deserialize(l->db, "main", copy, (sqlite3_int64)c->sqlite_len,
                                 (sqlite3_int64)c->sqlite_len, flags);
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(l->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) != SQLITE_ROW)
        rc = SQLITE_NOTADB;
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        dbws_error_set(err, DBWS_ERR_CONNECT, "The file is not an SQLite database (%s).", sqlite3_errmsg(l->db));
        sqlite3_close(l->db);
        free(l);
        return -1;
    }
    if (c->read_only)
        sqlite3_exec(l->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
    sqlite3_db_config(l->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_limit(l->db, SQLITE_LIMIT_ATTACHED, 0);     /* no ATTACH of server files */
    l->conn = c;
    l->timeout_ms = c->timeout_ms;
    clock_gettime(CLOCK_MONOTONIC, &l->start);
    sqlite3_progress_handler(l->db, 1000, progress, l);
    *h = l;
    return 0;
}

static void lite_close(void *h)
{
    struct lite *l = h;
    if (!l)
        return;
    sqlite3_close(l->db);
    free(l);
}

static const char *lite_version(struct arena *a, void *h)
{
    (void)h;
    return arena_printf(a, "SQLite %s", sqlite3_libversion());
}

static json_t *lite_value(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: return json_null();
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
    default: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        return dbws_json_text(s ? s : "", (size_t)sqlite3_column_bytes(st, i));
    }
    }
}

/* lite_error: err from the database's last error, the position when SQLite knows it. */
static int lite_error(struct lite *l, const char *sql, const char *stmt_start, struct dbws_error *err)
{
    int code = sqlite3_errcode(l->db);
    if (code == SQLITE_INTERRUPT) {
        if (l->stopped_by_cancel)
            return dbws_error_set(err, DBWS_ERR_TIMEOUT, "The query was cancelled.");
        return dbws_error_set(err, DBWS_ERR_TIMEOUT, "The query ran longer than %d ms and was stopped.",
                              l->timeout_ms);
    }
    dbws_error_set(err, DBWS_ERR_SQL, "%s", sqlite3_errmsg(l->db));
    int off = sqlite3_error_offset(l->db);
    if (off >= 0)
        err->position = (int)(stmt_start - sql) + off + 1;
    return -1;
}

static int lite_run(struct arena *a, void *h, const struct dbws_conn *c, const char *sql,
                    struct dbws_slot *slot, struct dbws_result *out, struct dbws_error *err)
{
    (void)a;
    struct lite *l = h;
    l->slot = slot;
    clock_gettime(CLOCK_MONOTONIC, &l->start);
    out->columns = json_array();
    out->rows = json_array();
    const char *p = sql;
    int failed = 0, changes_before = sqlite3_total_changes(l->db);
    if (!c->read_only)
        sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL);
    while (!failed && *p) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(l->db, p, -1, &st, &tail) != SQLITE_OK) {
            failed = lite_error(l, sql, p, err);
            break;
        }
        if (!st) {                  /* only whitespace or a comment left */
            p = tail;
            continue;
        }
        int ncols = sqlite3_column_count(st), rc;
        if (ncols > 0) {
            json_decref(out->columns);
            json_array_clear(out->rows);
            out->columns = json_array();
            out->row_count = 0;
            out->truncated = 0;
            for (int i = 0; i < ncols; i++) {
                const char *n = sqlite3_column_name(st, i), *t = sqlite3_column_decltype(st, i);
                json_array_append_new(out->columns, json_pack("{s:o, s:s}", "name",
                    dbws_json_text(n ? n : "", n ? strlen(n) : 0), "type", t ? t : ""));
            }
        }
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (out->row_count >= c->row_limit) {
                out->truncated = 1;
                break;
            }
            json_t *row = json_array();
            for (int i = 0; i < ncols; i++)
                json_array_append_new(row, lite_value(st, i));
            json_array_append_new(out->rows, row);
            out->row_count++;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            failed = lite_error(l, sql, p, err);
        else if (ncols == 0 && json_array_size(out->rows) == 0)
            out->row_count = sqlite3_changes(l->db);
        sqlite3_finalize(st);
        p = tail;
    }
    if (!c->read_only)
        sqlite3_exec(l->db, failed ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
    if (!failed && !c->read_only && sqlite3_total_changes(l->db) != changes_before) {
        sqlite3_int64 n = 0;
        unsigned char *bytes = sqlite3_serialize(l->db, "main", &n, 0);
        if (bytes && n > 0 && n <= DBWS_SQLITE_MAX) {
            out->sqlite_after = malloc((size_t)n);
            if (out->sqlite_after) {
                memcpy(out->sqlite_after, bytes, (size_t)n);
                out->sqlite_after_len = (size_t)n;
            }
        }
        sqlite3_free(bytes);
    }
    return failed ? -1 : 0;
}

/* keep_file: a changed read-write database's file into out->sqlite_after (to be stored). */
static void keep_file(struct lite *l, struct dbws_result *out)
{
    sqlite3_int64 n = 0;
    unsigned char *bytes = sqlite3_serialize(l->db, "main", &n, 0);
    if (bytes && n > 0 && n <= DBWS_SQLITE_MAX) {
        out->sqlite_after = malloc((size_t)n);
        if (out->sqlite_after) {
            memcpy(out->sqlite_after, bytes, (size_t)n);
            out->sqlite_after_len = (size_t)n;
        }
    }
    sqlite3_free(bytes);
}

static int lite_batch(struct arena *a, void *h, const struct dbws_conn *c, const struct dbws_stmt *s, int n,
                      int write, struct dbws_result *out, int *failed_at, struct dbws_error *err)
{
    (void)a;
    struct lite *l = h;
    int rw = write && !c->read_only, failed = 0, changes_before = sqlite3_total_changes(l->db);
    l->slot = NULL;
    clock_gettime(CLOCK_MONOTONIC, &l->start);
    *failed_at = -1;
    out->columns = json_array();
    out->rows = json_array();
    sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < n && !failed; i++) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(l->db, s[i].sql, -1, &st, &tail) != SQLITE_OK) {
            failed = lite_error(l, s[i].sql, s[i].sql, err);
        } else if (!st) {
            failed = dbws_error_set(err, DBWS_ERR_SQL, "The statement is empty.");
        } else if (tail && tail[strspn(tail, " \t\r\n;")]) {
            failed = dbws_error_set(err, DBWS_ERR_SQL, "Send one statement at a time.");
        } else if (!rw && !sqlite3_stmt_readonly(st)) {
            failed = dbws_error_set(err, DBWS_ERR_SQL, "This statement would change the database.");
        }
        for (int p = 0; !failed && p < s[i].nparams; p++)
            if (s[i].params[p])
                sqlite3_bind_text(st, p + 1, s[i].params[p], -1, SQLITE_TRANSIENT);
        int ncols = st ? sqlite3_column_count(st) : 0, rc = SQLITE_DONE;
        if (!failed && ncols > 0) {
            json_decref(out->columns);
            json_array_clear(out->rows);
            out->columns = json_array();
            out->row_count = 0;
            out->truncated = 0;
            for (int k = 0; k < ncols; k++) {
                const char *nm = sqlite3_column_name(st, k), *t = sqlite3_column_decltype(st, k);
                json_array_append_new(out->columns, json_pack("{s:o, s:s}", "name",
                    dbws_json_text(nm ? nm : "", nm ? strlen(nm) : 0), "type", t ? t : ""));
            }
        }
        while (!failed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (out->row_count >= c->row_limit) {
                out->truncated = 1;
                break;
            }
            json_t *row = json_array();
            for (int k = 0; k < ncols; k++)
                json_array_append_new(row, lite_value(st, k));
            json_array_append_new(out->rows, row);
            out->row_count++;
        }
        if (!failed && rc != SQLITE_ROW && rc != SQLITE_DONE)
            failed = lite_error(l, s[i].sql, s[i].sql, err);
        else if (!failed && ncols == 0) {
            out->row_count += sqlite3_changes(l->db);
            failed = dbws_expect_one(&s[i], i, sqlite3_changes(l->db), err) != 0;
        }
        sqlite3_finalize(st);
        if (failed)
            *failed_at = i;
    }
    sqlite3_exec(l->db, failed || !rw ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
    if (!failed && rw && sqlite3_total_changes(l->db) != changes_before)
        keep_file(l, out);
    return failed ? -1 : 0;
}

static int lite_table(struct arena *a, void *h, const char *sql, const char ***cells, int *nrows,
                      int *ncols, struct dbws_error *err)
{
    struct lite *l = h;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
        return lite_error(l, sql, sql, err);
    *ncols = sqlite3_column_count(st);
    size_t cap = 64, n = 0;
    const char **out = arena_alloc(a, cap * sizeof *out);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n + (size_t)*ncols > cap) {
            const char **bigger = arena_alloc(a, 2 * (cap + (size_t)*ncols) * sizeof *out);
            memcpy(bigger, out, n * sizeof *out);
            out = bigger;
            cap = 2 * (cap + (size_t)*ncols);
        }
        for (int k = 0; k < *ncols; k++) {
            const char *s = (const char *)sqlite3_column_text(st, k);
            out[n++] = s ? arena_strdup(a, s) : NULL;
        }
    }
    if (rc != SQLITE_DONE) {
        lite_error(l, sql, sql, err);
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    *cells = out;
    *nrows = *ncols ? (int)(n / (size_t)*ncols) : 0;
    return 0;
}

#define LITE_TABLES "FROM sqlite_schema m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"

const struct dbws_driver dbws_sqlite_driver = {
    .name = "sqlite",
    .default_port = 0,
    .open = lite_open,
    .close = lite_close,
    .version = lite_version,
    .run = lite_run,
    .batch = lite_batch,
    .table = lite_table,
    .kill = NULL,
    .catalog = {
        "SELECT m.name, NULL " LITE_TABLES " ORDER BY m.rowid",
        "SELECT m.name, p.name, p.type, CASE WHEN p.\"notnull\" THEN '1' ELSE '0' END, p.dflt_value, "
        "NULL, NULL FROM sqlite_schema m JOIN pragma_table_info(m.name) p "
        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.rowid, p.cid",
        "SELECT m.name, 'p', 'primary', p.name, p.pk FROM sqlite_schema m "
        "JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' AND p.pk > 0 UNION ALL "
        "SELECT m.name, 'u', il.name, ii.name, ii.seqno FROM sqlite_schema m "
        "JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii "
        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND il.\"unique\" "
        "AND il.origin = 'u' ORDER BY 1, 3, 5",
        "SELECT m.name || '.' || f.id, m.name, f.\"from\", f.\"table\", f.\"to\", "
        "NULLIF(f.on_delete, 'NO ACTION'), NULLIF(f.on_update, 'NO ACTION'), f.seq "
        "FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.rowid, f.id, f.seq",
    },
};
