/* dbws_pg.c — the PostgreSQL driver of the database workspace (libpq): connects to the
 * address dbws_resolve chose (hostaddr=, host= kept for TLS), sets statement_timeout for the
 * session, runs a user's SQL in a transaction (READ ONLY for read-only connections) that is
 * always rolled back unless it succeeded on a read-write connection, reads rows one at a time
 * up to the row cap, and answers cancel requests with PQcancel. */
#include "arena.h"
#include "dbws.h"
#include <libpq-fe.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int pg_open(const struct dbws_conn *c, const char *ip, void **h, struct dbws_error *err)
{
    char port[16], timeout[16], options[128];
    snprintf(port, sizeof port, "%d", c->port > 0 ? c->port : 5432);
    snprintf(timeout, sizeof timeout, "%d", DBWS_CONNECT_TIMEOUT_S);
    snprintf(options, sizeof options, "-c statement_timeout=%d%s", c->timeout_ms,
             c->read_only ? " -c default_transaction_read_only=on" : "");
    const char *keys[] = {"host", "hostaddr", "port", "dbname", "user", "password", "sslmode",
                          "connect_timeout", "application_name", "options", NULL};
    const char *vals[] = {c->host, ip, port, c->database && *c->database ? c->database : "postgres",
                          c->user ? c->user : "", c->password ? c->password : "",
                          c->sslmode && *c->sslmode ? c->sslmode : "prefer", timeout,
                          "cardinality", options, NULL};
    PGconn *conn = PQconnectdbParams(keys, vals, 0);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        const char *m = conn ? PQerrorMessage(conn) : "out of memory";
        dbws_error_set(err, DBWS_ERR_CONNECT, "%.*s", (int)strcspn(m, "\n"), m);
        PQfinish(conn);
        return -1;
    }
    *h = conn;
    return 0;
}

static void pg_close(void *h)
{
    PQfinish(h);
}

static const char *pg_version(struct arena *a, void *h)
{
    const char *v = PQparameterStatus(h, "server_version");
    return arena_printf(a, "PostgreSQL %s", v ? v : "?");
}

/* sql_error: err from a failed result — primary message, position, timeout/cancel. */
static int sql_error(const PGresult *res, PGconn *conn, struct dbws_error *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
    int code = state && strcmp(state, "57014") == 0 ? DBWS_ERR_TIMEOUT : DBWS_ERR_SQL;
    if (!msg) {
        msg = PQerrorMessage(conn);
        code = DBWS_ERR_CONNECT;
    }
    dbws_error_set(err, code, "%.*s", (int)strcspn(msg, "\n"), msg);
    err->position = pos ? atoi(pos) : 0;
    return -1;
}

/* exec_simple: one utility statement; 0 or -1 with err. */
static int exec_simple(PGconn *conn, const char *sql, struct dbws_error *err)
{
    PGresult *res = PQexec(conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        sql_error(res, conn, err);
    PQclear(res);
    return ok ? 0 : -1;
}

static int is_number_type(Oid t)
{
    return t == 21 || t == 23 || t == 700 || t == 701 || t == 26;  /* int2 int4 float4 float8 oid */
}

/* value: one field as JSON (numbers for small numeric types, booleans, text otherwise). */
static json_t *value(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return json_null();
    const char *s = PQgetvalue(res, row, col);
    Oid t = PQftype(res, col);
    if (t == 16)
        return json_boolean(s[0] == 't');
    if (is_number_type(t)) {
        char *end;
        double d = strtod(s, &end);
        if (*end == '\0' && isfinite(d))
            return (t == 700 || t == 701) ? json_real(d) : json_integer((json_int_t)d);
    }
    return dbws_json_text(s, (size_t)PQgetlength(res, row, col));
}

/* columns_of: [{"name","type"}] of a result, the type as its oid (and "typmod") until name_types. */
static json_t *columns_of(const PGresult *res)
{
    json_t *cols = json_array();
    for (int i = 0; i < PQnfields(res); i++)
        json_array_append_new(cols, json_pack("{s:o, s:I, s:I}", "name",
            dbws_json_text(PQfname(res, i), strlen(PQfname(res, i))), "type", (json_int_t)PQftype(res, i),
            "typmod", (json_int_t)PQfmod(res, i)));
    return cols;
}

/* name_types: replace each column's type oid and modifier by the server's name for the type
 * (format_type: "character varying(200)"), once the connection is idle again: one round trip. */
static void name_types(PGconn *conn, json_t *cols)
{
    size_t i, n = json_array_size(cols);
    json_t *col;
    if (n == 0)
        return;
    char *oids = malloc(n * 12 + 3), *mods = malloc(n * 12 + 3), *p = oids, *m = mods;
    if (!oids || !mods) {
        free(oids);
        free(mods);
        return;
    }
    *p++ = *m++ = '{';
    json_array_foreach(cols, i, col) {
        p += sprintf(p, "%s%lld", i ? "," : "", (long long)json_integer_value(json_object_get(col, "type")));
        m += sprintf(m, "%s%lld", i ? "," : "", (long long)json_integer_value(json_object_get(col, "typmod")));
    }
    strcpy(p, "}");
    strcpy(m, "}");
    const char *params[2] = {oids, mods};
    PGresult *t = PQexecParams(conn, "SELECT format_type(u.t, NULLIF(u.m, -1)) FROM unnest($1::oid[], $2::int[])"
                                     " WITH ORDINALITY AS u(t, m, i) ORDER BY u.i", 2, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(t) == PGRES_TUPLES_OK && (size_t)PQntuples(t) == n;
    json_array_foreach(cols, i, col) {
        json_object_set_new(col, "type", json_string(ok ? PQgetvalue(t, (int)i, 0) : "unknown"));
        json_object_del(col, "typmod");
    }
    PQclear(t);
    free(oids);
    free(mods);
}

/* wait_readable: until conn has input, the deadline passes or the slot is cancelled (then
 * PQcancel once).  0 when input may be read, -1 when the connection failed. */
static int wait_readable(PGconn *conn, const struct timespec *deadline, struct dbws_slot *slot,
                         int *cancel_sent)
{
    if (!PQisBusy(conn))    /* a whole row already buffered: no system call per row */
        return 0;
    for (;;) {
        if (PQconsumeInput(conn) == 0)
            return -1;
        if (!PQisBusy(conn))
            return 0;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int late = now.tv_sec > deadline->tv_sec ||
                   (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
        if (!*cancel_sent && (late || dbws_running_cancelled(slot))) {
            char msg[256];
            PGcancel *cn = PQgetCancel(conn);
            if (cn) {
                PQcancel(cn, msg, sizeof msg);
                PQfreeCancel(cn);
            }
            *cancel_sent = 1;
        }
        struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
        poll(&p, 1, 50);
    }
}

static int pg_run(struct arena *a, void *h, const struct dbws_conn *c, const char *sql,
                  struct dbws_slot *slot, struct dbws_result *out, struct dbws_error *err)
{
    (void)a;
    PGconn *conn = h;
    dbws_running_set_remote(slot, PQbackendPID(conn));
    if (exec_simple(conn, c->read_only ? "BEGIN READ ONLY" : "BEGIN", err) != 0)
        return -1;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += c->timeout_ms / 1000 + 2;   /* the server's timeout acts first */
    if (!PQsendQuery(conn, sql)) {
        sql_error(NULL, conn, err);
        return -1;
    }
    PQsetSingleRowMode(conn);
    int failed = 0, cancel_sent = 0, set_done = 1;
    PGresult *res;
    out->columns = json_array();
    out->rows = json_array();
    for (;;) {
        if (wait_readable(conn, &deadline, slot, &cancel_sent) != 0) {
            sql_error(NULL, conn, err);
            return -1;
        }
        if (!(res = PQgetResult(conn)))
            break;
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_SINGLE_TUPLE) {
            if (set_done) {         /* a new statement's rows: keep only the last statement's */
                json_decref(out->columns);
                json_array_clear(out->rows);
                out->columns = columns_of(res);
                out->row_count = 0;
                out->truncated = 0;
                set_done = 0;
            }
            if (out->row_count < c->row_limit) {
                json_t *row = json_array();
                for (int i = 0; i < PQnfields(res); i++)
                    json_array_append_new(row, value(res, 0, i));
                json_array_append_new(out->rows, row);
                out->row_count++;
            } else if (!out->truncated) {
                out->truncated = 1;
                char msg[256];
                PGcancel *cn = PQgetCancel(conn);   /* stop producing rows nobody will see */
                if (cn) {
                    PQcancel(cn, msg, sizeof msg);
                    PQfreeCancel(cn);
                }
                cancel_sent = 1;
            }
        } else if (st == PGRES_TUPLES_OK) {
            if (set_done && PQnfields(res) > 0) {   /* a statement with columns but no rows */
                json_decref(out->columns);
                json_array_clear(out->rows);
                out->columns = columns_of(res);
                out->row_count = 0;
                out->truncated = 0;
            }
            set_done = 1;
        } else if (st == PGRES_COMMAND_OK) {
            const char *n = PQcmdTuples(res);
            if (*n && json_array_size(out->rows) == 0)
                out->row_count = atoll(n);
            set_done = 1;
        } else if (!failed && !(out->truncated && cancel_sent)) {
            failed = 1;
            sql_error(res, conn, err);
            if (cancel_sent && err->code == DBWS_ERR_TIMEOUT && !dbws_running_cancelled(slot))
                snprintf(err->message, sizeof err->message, "The query ran longer than %d ms and was stopped.",
                         c->timeout_ms);
            else if (err->code == DBWS_ERR_TIMEOUT && dbws_running_cancelled(slot))
                snprintf(err->message, sizeof err->message, "The query was cancelled.");
            else if (err->code == DBWS_ERR_TIMEOUT)
                snprintf(err->message, sizeof err->message, "The query ran longer than %d ms and was stopped.",
                         c->timeout_ms);
        } else if (!failed) {
            set_done = 1;           /* the cancel that stopped a truncated result */
        }
        PQclear(res);
    }
    struct dbws_error ignored;
    if (failed || c->read_only || out->truncated)
        exec_simple(conn, "ROLLBACK", &ignored);
    else if (exec_simple(conn, "COMMIT", err) != 0)
        return -1;
    if (!failed)
        name_types(conn, out->columns);
    return failed ? -1 : 0;
}

static int pg_batch(struct arena *a, void *h, const struct dbws_conn *c, const struct dbws_stmt *s, int n,
                    int write, struct dbws_result *out, int *failed_at, struct dbws_error *err)
{
    (void)a;
    PGconn *conn = h;
    int rw = write && !c->read_only, failed = 0;
    *failed_at = -1;
    if (exec_simple(conn, rw ? "BEGIN" : "BEGIN READ ONLY", err) != 0)
        return -1;
    out->columns = json_array();
    out->rows = json_array();
    for (int i = 0; i < n && !failed; i++) {
        PGresult *res = PQexecParams(conn, s[i].sql, s[i].nparams, NULL, s[i].params, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK) {
            json_decref(out->columns);
            json_array_clear(out->rows);
            out->columns = columns_of(res);
            int rows = PQntuples(res);
            out->truncated = rows > c->row_limit;
            out->row_count = out->truncated ? c->row_limit : rows;
            for (int k = 0; k < out->row_count; k++) {
                json_t *row = json_array();
                for (int j = 0; j < PQnfields(res); j++)
                    json_array_append_new(row, value(res, k, j));
                json_array_append_new(out->rows, row);
            }
        } else if (st == PGRES_COMMAND_OK) {
            long long changed = atoll(PQcmdTuples(res));
            out->row_count += changed;
            failed = dbws_expect_one(&s[i], i, changed, err) != 0;
        } else {
            failed = 1;
            sql_error(res, conn, err);
        }
        if (failed)
            *failed_at = i;
        PQclear(res);
    }
    struct dbws_error ignored;
    if (failed || !rw)
        exec_simple(conn, "ROLLBACK", &ignored);
    else if (exec_simple(conn, "COMMIT", err) != 0)
        return -1;
    if (!failed)
        name_types(conn, out->columns);
    return failed ? -1 : 0;
}

static int pg_table(struct arena *a, void *h, const char *sql, const char ***cells, int *nrows,
                    int *ncols, struct dbws_error *err)
{
    PGresult *res = PQexec(h, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        sql_error(res, h, err);
        PQclear(res);
        return -1;
    }
    *nrows = PQntuples(res);
    *ncols = PQnfields(res);
    *cells = arena_alloc(a, ((size_t)*nrows * (size_t)*ncols + 1) * sizeof **cells);
    for (int r = 0; r < *nrows; r++)
        for (int k = 0; k < *ncols; k++)
            (*cells)[r * *ncols + k] = PQgetisnull(res, r, k) ? NULL : arena_strdup(a, PQgetvalue(res, r, k));
    PQclear(res);
    return 0;
}

/* The catalog: every ordinary or partitioned table outside the system schemas, named
 * without its schema when it lies in the first schema of the search path. */
#define PG_TABLES                                                                              \
    "WITH t AS (SELECT c.oid, CASE WHEN n.nspname = current_schema() THEN c.relname "           \
    "ELSE n.nspname || '.' || c.relname END AS name FROM pg_class c "                          \
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "             \
    "AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') "      \
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%') "
#define PG_ACTION(col)                                                                         \
    "CASE " col " WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' "  \
    "WHEN 'd' THEN 'SET DEFAULT' END"

/* pg_reset: an idle session's settings, temporary tables, prepared statements and listens back
 * to its sign-in state (DISCARD ALL; the statement timeout and read-only default given at sign-in
 * stay, as RESET returns to them). */
static int pg_reset(void *h)
{
    PGconn *conn = h;
    struct dbws_error ignored;
    if (PQstatus(conn) != CONNECTION_OK || PQtransactionStatus(conn) != PQTRANS_IDLE)
        return -1;
    return exec_simple(conn, "DISCARD ALL", &ignored);
}

/* pg_alive: an idle session has nothing to read; anything there (the server's termination
 * notice, its end of stream) means it is not to be reused. */
static int pg_alive(void *h)
{
    PGconn *conn = h;
    struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
    return PQstatus(conn) == CONNECTION_OK && p.fd >= 0 && poll(&p, 1, 0) == 0;
}

const struct dbws_driver dbws_pg_driver = {
    .reset = pg_reset,
    .alive = pg_alive,
    .name = "postgres",
    .default_port = 5432,
    .open = pg_open,
    .close = pg_close,
    .version = pg_version,
    .run = pg_run,
    .batch = pg_batch,
    .table = pg_table,
    .kill = NULL,
    .catalog = {
        PG_TABLES "SELECT t.name, obj_description(t.oid, 'pg_class') FROM t ORDER BY t.oid",
        PG_TABLES "SELECT t.name, a.attname, format_type(a.atttypid, a.atttypmod), "
        "CASE WHEN a.attnotnull THEN '1' ELSE '0' END, pg_get_expr(d.adbin, d.adrelid), "
        "col_description(t.oid, a.attnum), (SELECT string_agg(e.enumlabel, E'\\x1f' ORDER BY "
        "e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = a.atttypid) FROM t "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum ORDER BY t.oid, a.attnum",
        PG_TABLES "SELECT t.name, k.contype::text, k.conname, a.attname, u.ord FROM t "
        "JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype IN ('p', 'u') "
        "CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY u(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.attnum "
        "ORDER BY t.oid, k.conname, u.ord",
        PG_TABLES "SELECT k.conname || '.' || k.oid, t.name, a.attname, pt.name, pa.attname, "
        PG_ACTION("k.confdeltype") ", " PG_ACTION("k.confupdtype") ", u.ord FROM t "
        "JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f' "
        "JOIN t pt ON pt.oid = k.confrelid "
        "CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY u(ck, pk, ord) "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.ck "
        "JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.pk "
        "ORDER BY t.oid, k.conname, u.ord",
    },
};
