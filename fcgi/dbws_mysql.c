/* dbws_mysql.c — the MySQL/MariaDB driver of the database workspace (libmariadb): connects to
 * the address dbws_resolve chose, bounds every statement with max_statement_time (MariaDB) or
 * max_execution_time (MySQL), runs read-only connections in START TRANSACTION READ ONLY, reads
 * rows as they stream up to the row cap, and cancels with KILL QUERY from a second session. */
#include "arena.h"
#include "dbws.h"
#include <mysql.h>
#include <mysqld_error.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MYSQL *connect_to(const struct dbws_conn *c, const char *ip, int multi, struct dbws_error *err)
{
    MYSQL *m = mysql_init(NULL);
    if (!m) {
        dbws_error_set(err, DBWS_ERR_CONNECT, "out of memory");
        return NULL;
    }
    unsigned int timeout = DBWS_CONNECT_TIMEOUT_S, rw = (unsigned)(c->timeout_ms / 1000 + 5);
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw);
    mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (c->sslmode && (strcmp(c->sslmode, "require") == 0 || strncmp(c->sslmode, "verify", 6) == 0)) {
        my_bool on = 1;
        mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
        if (strncmp(c->sslmode, "verify", 6) == 0)
            mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
    }
    if (!mysql_real_connect(m, ip, c->user ? c->user : "", c->password ? c->password : "",
                            c->database && *c->database ? c->database : NULL,
                            (unsigned)(c->port > 0 ? c->port : 3306), NULL,
                            multi ? CLIENT_MULTI_STATEMENTS : 0)) {
        dbws_error_set(err, DBWS_ERR_CONNECT, "%s", mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    return m;
}

static int my_exec(MYSQL *m, const char *sql, struct dbws_error *err)
{
    if (mysql_query(m, sql) == 0) {
        MYSQL_RES *r = mysql_store_result(m);
        mysql_free_result(r);
        return 0;
    }
    return dbws_error_set(err, DBWS_ERR_SQL, "%s", mysql_error(m));
}

/* A kept session: the connection and the settings its sign-in gave it, given again after
 * mysql_reset_connection (which returns session variables to the server's defaults). */
struct my_session {
    MYSQL *m;
    int timeout_ms, read_only;
};

#define SESSION(h) (((struct my_session *)(h))->m)

/* session_setup: the statement time bound and read-only default of a new or reset session. */
static int session_setup(MYSQL *m, int timeout_ms, int read_only, struct dbws_error *err)
{
    char sql[96];
    struct dbws_error ignored;
    /* MariaDB counts seconds (max_statement_time), MySQL milliseconds for SELECTs. */
    snprintf(sql, sizeof sql, "SET SESSION max_statement_time = %.3f", timeout_ms / 1000.0);
    if (my_exec(m, sql, &ignored) != 0) {
        snprintf(sql, sizeof sql, "SET SESSION max_execution_time = %d", timeout_ms);
        my_exec(m, sql, &ignored);
    }
    return read_only ? my_exec(m, "SET SESSION TRANSACTION READ ONLY", err) : 0;
}

static int my_open(const struct dbws_conn *c, const char *ip, void **h, struct dbws_error *err)
{
    struct my_session *s = malloc(sizeof *s);
    if (!s)
        return dbws_error_set(err, DBWS_ERR_CONNECT, "out of memory");
    *s = (struct my_session){connect_to(c, ip, 1, err), c->timeout_ms, c->read_only};
    if (!s->m || session_setup(s->m, s->timeout_ms, s->read_only, err) != 0) {
        if (s->m)
            mysql_close(s->m);
        free(s);
        return -1;
    }
    *h = s;
    return 0;
}

static void my_close(void *h)
{
    mysql_close(SESSION(h));
    free(h);
}

/* my_reset: an idle session back to its sign-in state (mysql_reset_connection: variables,
 * temporary tables, prepared statements, open transaction), then its settings again. */
static int my_reset(void *h)
{
    struct my_session *s = h;
    struct dbws_error ignored;
    if (mysql_reset_connection(s->m) != 0)
        return -1;
    return session_setup(s->m, s->timeout_ms, s->read_only, &ignored);
}

/* my_alive: an idle session has nothing to read; anything there (the server's end of the
 * connection) means it is not to be reused. */
static int my_alive(void *h)
{
    struct pollfd p = {.fd = (int)mysql_get_socket(SESSION(h)), .events = POLLIN};
    return p.fd >= 0 && poll(&p, 1, 0) == 0;
}

static const char *my_version(struct arena *a, void *h)
{
    const char *v = mysql_get_server_info(SESSION(h));
    return arena_printf(a, "%s %s", v && strstr(v, "MariaDB") ? "MariaDB" : "MySQL", v ? v : "?");
}

static const struct {
    enum enum_field_types t;
    const char *name;
} type_names[] = {
    {MYSQL_TYPE_TINY, "tinyint"}, {MYSQL_TYPE_SHORT, "smallint"}, {MYSQL_TYPE_LONG, "int"},
    {MYSQL_TYPE_INT24, "mediumint"}, {MYSQL_TYPE_LONGLONG, "bigint"}, {MYSQL_TYPE_FLOAT, "float"},
    {MYSQL_TYPE_DOUBLE, "double"}, {MYSQL_TYPE_DECIMAL, "decimal"}, {MYSQL_TYPE_NEWDECIMAL, "decimal"},
    {MYSQL_TYPE_DATE, "date"}, {MYSQL_TYPE_TIME, "time"}, {MYSQL_TYPE_DATETIME, "datetime"},
    {MYSQL_TYPE_TIMESTAMP, "timestamp"}, {MYSQL_TYPE_YEAR, "year"}, {MYSQL_TYPE_VARCHAR, "varchar"},
    {MYSQL_TYPE_VAR_STRING, "varchar"}, {MYSQL_TYPE_STRING, "char"}, {MYSQL_TYPE_BLOB, "text"},
    {MYSQL_TYPE_JSON, "json"}, {MYSQL_TYPE_ENUM, "enum"}, {MYSQL_TYPE_SET, "set"},
    {MYSQL_TYPE_BIT, "bit"}, {MYSQL_TYPE_NULL, "null"}, {MYSQL_TYPE_GEOMETRY, "geometry"},
};

static const char *type_name(enum enum_field_types t)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (type_names[i].t == t)
            return type_names[i].name;
    return "unknown";
}

static int is_number(enum enum_field_types t)
{
    return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_LONG ||
           t == MYSQL_TYPE_INT24 || t == MYSQL_TYPE_FLOAT || t == MYSQL_TYPE_DOUBLE;
}

/* read_rows: the rows of one result set as they stream, up to the row cap (the rest read and
 * dropped: the protocol has no way to stop a result part-way but killing the query). */
static int read_rows(MYSQL *m, MYSQL_RES *rs, const struct dbws_conn *c, struct dbws_result *out)
{
    unsigned n = mysql_num_fields(rs);
    MYSQL_FIELD *f = mysql_fetch_fields(rs);
    json_decref(out->columns);
    json_array_clear(out->rows);
    out->columns = json_array();
    out->row_count = 0;
    out->truncated = 0;
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(out->columns, json_pack("{s:o, s:s}", "name",
            dbws_json_text(f[i].name, f[i].name_length), "type", type_name(f[i].type)));
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(rs))) {
        if (out->row_count >= c->row_limit) {
            out->truncated = 1;
            continue;
        }
        unsigned long *len = mysql_fetch_lengths(rs);
        json_t *jr = json_array();
        for (unsigned i = 0; i < n; i++) {
            json_t *v;
            if (!row[i])
                v = json_null();
            else if (is_number(f[i].type) && !(f[i].flags & UNSIGNED_FLAG && f[i].type == MYSQL_TYPE_LONGLONG))
                v = f[i].type == MYSQL_TYPE_FLOAT || f[i].type == MYSQL_TYPE_DOUBLE
                    ? json_real(strtod(row[i], NULL)) : json_integer(strtoll(row[i], NULL, 10));
            else
                v = dbws_json_text(row[i], len[i]);
            json_array_append_new(jr, v);
        }
        json_array_append_new(out->rows, jr);
        out->row_count++;
    }
    return mysql_errno(m) ? -1 : 0;
}

/* my_error: err from the session's last error (timeout and cancel told apart by slot). */
static int my_error(MYSQL *m, const struct dbws_conn *c, struct dbws_slot *slot, struct dbws_error *err)
{
    unsigned no = mysql_errno(m);
    if (no == ER_QUERY_INTERRUPTED || no == 1969 /* ER_STATEMENT_TIMEOUT */ || no == 3024) {
        if (dbws_running_cancelled(slot))
            return dbws_error_set(err, DBWS_ERR_TIMEOUT, "The query was cancelled.");
        return dbws_error_set(err, DBWS_ERR_TIMEOUT, "The query ran longer than %d ms and was stopped.",
                              c->timeout_ms);
    }
    return dbws_error_set(err, DBWS_ERR_SQL, "%s", mysql_error(m));
}

static int my_run(struct arena *a, void *h, const struct dbws_conn *c, const char *sql,
                  struct dbws_slot *slot, struct dbws_result *out, struct dbws_error *err)
{
    (void)a;
    MYSQL *m = SESSION(h);
    struct dbws_error ignored;
    dbws_running_set_remote(slot, (long long)mysql_thread_id(m));
    if (my_exec(m, c->read_only ? "START TRANSACTION READ ONLY" : "START TRANSACTION", err) != 0)
        return -1;
    out->columns = json_array();
    out->rows = json_array();
    int failed = 0;
    if (mysql_real_query(m, sql, strlen(sql)) != 0) {
        failed = my_error(m, c, slot, err);
    } else {
        for (;;) {
            MYSQL_RES *rs = mysql_use_result(m);
            if (rs) {
                if (read_rows(m, rs, c, out) != 0)
                    failed = my_error(m, c, slot, err);
                mysql_free_result(rs);
            } else if (mysql_field_count(m) == 0 && json_array_size(out->rows) == 0) {
                out->row_count = (long long)mysql_affected_rows(m);
            } else if (mysql_errno(m)) {
                failed = my_error(m, c, slot, err);
            }
            int next = failed ? -1 : mysql_next_result(m);
            if (next > 0)
                failed = my_error(m, c, slot, err);
            if (next != 0)
                break;
        }
    }
    if (failed || c->read_only)
        my_exec(m, "ROLLBACK", &ignored);
    else if (my_exec(m, "COMMIT", err) != 0)
        return -1;
    return failed ? -1 : 0;
}

/* stmt_rows: a prepared statement's result rows (every value fetched as text) into out. */
static int stmt_rows(MYSQL_STMT *st, MYSQL_RES *meta, const struct dbws_conn *c, struct dbws_result *out)
{
    my_bool update_max = 1;
    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
    if (mysql_stmt_store_result(st) != 0)
        return -1;
    unsigned n = mysql_num_fields(meta);
    MYSQL_FIELD *f = mysql_fetch_fields(meta);
    MYSQL_BIND *b = calloc(n + 1, sizeof *b);
    unsigned long *len = calloc(n + 1, sizeof *len);
    my_bool *isnull = calloc(n + 1, sizeof *isnull);
    int rc = b && len && isnull ? 0 : -1;
    json_decref(out->columns);
    json_array_clear(out->rows);
    out->columns = json_array();
    out->row_count = 0;
    out->truncated = 0;
    for (unsigned i = 0; rc == 0 && i < n; i++) {
        json_array_append_new(out->columns, json_pack("{s:o, s:s}", "name",
            dbws_json_text(f[i].name, f[i].name_length), "type", type_name(f[i].type)));
        b[i].buffer_type = MYSQL_TYPE_STRING;
        b[i].buffer_length = f[i].max_length + 1;
        b[i].buffer = malloc(b[i].buffer_length);
        b[i].length = &len[i];
        b[i].is_null = &isnull[i];
        if (!b[i].buffer)
            rc = -1;
    }
    if (rc == 0 && mysql_stmt_bind_result(st, b) != 0)
        rc = -1;
    int fr;
    while (rc == 0 && ((fr = mysql_stmt_fetch(st)) == 0 || fr == MYSQL_DATA_TRUNCATED)) {
        if (out->row_count >= c->row_limit) {
            out->truncated = 1;
            break;
        }
        json_t *row = json_array();
        for (unsigned i = 0; i < n; i++) {
            const char *v = b[i].buffer;
            json_t *j;
            if (isnull[i])
                j = json_null();
            else if (is_number(f[i].type))
                j = f[i].type == MYSQL_TYPE_FLOAT || f[i].type == MYSQL_TYPE_DOUBLE
                    ? json_real(strtod(v, NULL)) : json_integer(strtoll(v, NULL, 10));
            else
                j = dbws_json_text(v, len[i] < b[i].buffer_length ? len[i] : b[i].buffer_length - 1);
            json_array_append_new(row, j);
        }
        json_array_append_new(out->rows, row);
        out->row_count++;
    }
    for (unsigned i = 0; b && i < n; i++)
        free(b[i].buffer);
    free(b);
    free(len);
    free(isnull);
    return rc;
}

static int my_batch(struct arena *a, void *h, const struct dbws_conn *c, const struct dbws_stmt *s, int n,
                    int write, struct dbws_result *out, int *failed_at, struct dbws_error *err)
{
    (void)a;
    MYSQL *m = SESSION(h);
    struct dbws_error ignored;
    int rw = write && !c->read_only, failed = 0;
    *failed_at = -1;
    if (my_exec(m, rw ? "START TRANSACTION" : "START TRANSACTION READ ONLY", err) != 0)
        return -1;
    out->columns = json_array();
    out->rows = json_array();
    for (int i = 0; i < n && !failed; i++) {
        MYSQL_STMT *st = mysql_stmt_init(m);
        MYSQL_BIND *pb = calloc((size_t)s[i].nparams + 1, sizeof *pb);
        unsigned long *plen = calloc((size_t)s[i].nparams + 1, sizeof *plen);
        if (!st || !pb || !plen) {
            failed = dbws_error_set(err, DBWS_ERR_SQL, "out of memory");
        } else if (mysql_stmt_prepare(st, s[i].sql, strlen(s[i].sql)) != 0) {
            failed = dbws_error_set(err, DBWS_ERR_SQL, "%s", mysql_stmt_error(st));
        } else {
            for (int p = 0; p < s[i].nparams; p++) {
                pb[p].buffer_type = s[i].params[p] ? MYSQL_TYPE_STRING : MYSQL_TYPE_NULL;
                pb[p].buffer = (void *)s[i].params[p];
                plen[p] = s[i].params[p] ? strlen(s[i].params[p]) : 0;
                pb[p].buffer_length = plen[p];
                pb[p].length = &plen[p];
            }
            MYSQL_RES *meta = NULL;
            if (mysql_stmt_bind_param(st, pb) != 0 || mysql_stmt_execute(st) != 0) {
                failed = my_error(m, c, NULL, err);
                if (!mysql_errno(m))
                    dbws_error_set(err, DBWS_ERR_SQL, "%s", mysql_stmt_error(st));
            } else if ((meta = mysql_stmt_result_metadata(st))) {
                if (stmt_rows(st, meta, c, out) != 0)
                    failed = dbws_error_set(err, DBWS_ERR_SQL, "%s", mysql_stmt_error(st));
                mysql_free_result(meta);
            } else {
                long long changed = (long long)mysql_stmt_affected_rows(st);
                out->row_count += changed;
                failed = dbws_expect_one(&s[i], i, changed, err) != 0;
            }
        }
        if (failed)
            *failed_at = i;
        if (st)
            mysql_stmt_close(st);
        free(pb);
        free(plen);
    }
    if (failed || !rw)
        my_exec(m, "ROLLBACK", &ignored);
    else if (my_exec(m, "COMMIT", err) != 0)
        return -1;
    return failed ? -1 : 0;
}

static int my_table(struct arena *a, void *h, const char *sql, const char ***cells, int *nrows,
                    int *ncols, struct dbws_error *err)
{
    MYSQL *m = SESSION(h);
    if (mysql_query(m, sql) != 0)
        return dbws_error_set(err, DBWS_ERR_SQL, "%s", mysql_error(m));
    MYSQL_RES *rs = mysql_store_result(m);
    if (!rs)
        return dbws_error_set(err, DBWS_ERR_SQL, "%s", mysql_error(m));
    *nrows = (int)mysql_num_rows(rs);
    *ncols = (int)mysql_num_fields(rs);
    *cells = arena_alloc(a, ((size_t)*nrows * (size_t)*ncols + 1) * sizeof **cells);
    MYSQL_ROW row;
    for (int r = 0; (row = mysql_fetch_row(rs)); r++) {
        unsigned long *len = mysql_fetch_lengths(rs);
        for (int k = 0; k < *ncols; k++)
            (*cells)[r * *ncols + k] = row[k] ? arena_strndup(a, row[k], len[k]) : NULL;
    }
    mysql_free_result(rs);
    return 0;
}

static int my_kill(const struct dbws_conn *c, const char *ip, long long remote_id)
{
    struct dbws_error err;
    MYSQL *m = connect_to(c, ip, 0, &err);
    if (!m)
        return -1;
    char sql[64];
    snprintf(sql, sizeof sql, "KILL QUERY %lld", remote_id);
    int rc = my_exec(m, sql, &err);
    mysql_close(m);
    return rc;
}

/* MariaDB lists "NULL" as the default of a nullable column without one (10.2.7+); the
 * schema reader drops that. */
const struct dbws_driver dbws_mysql_driver = {
    .name = "mysql",
    .default_port = 3306,
    .open = my_open,
    .close = my_close,
    .version = my_version,
    .run = my_run,
    .batch = my_batch,
    .table = my_table,
    .kill = my_kill,
    .reset = my_reset,
    .alive = my_alive,
    .catalog = {
        "SELECT TABLE_NAME, NULLIF(TABLE_COMMENT, '') FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IF(IS_NULLABLE = 'NO', '1', '0'), "
        "NULLIF(COLUMN_DEFAULT, 'NULL'), NULLIF(COLUMN_COMMENT, ''), NULL "
        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
        "ORDER BY TABLE_NAME, ORDINAL_POSITION",
        "SELECT tc.TABLE_NAME, IF(tc.CONSTRAINT_TYPE = 'PRIMARY KEY', 'p', 'u'), tc.CONSTRAINT_NAME, "
        "k.COLUMN_NAME, k.ORDINAL_POSITION FROM information_schema.TABLE_CONSTRAINTS tc "
        "JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
        "AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
        "WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE') "
        "ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION",
        "SELECT CONCAT(k.TABLE_NAME, '.', k.CONSTRAINT_NAME), k.TABLE_NAME, k.COLUMN_NAME, "
        "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, NULLIF(r.DELETE_RULE, 'NO ACTION'), "
        "NULLIF(r.UPDATE_RULE, 'NO ACTION'), k.ORDINAL_POSITION "
        "FROM information_schema.KEY_COLUMN_USAGE k "
        "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
        "AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
        "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    },
};
