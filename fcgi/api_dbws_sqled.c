/* api_dbws_sqled.c — the SQL editor's and table explorer's JSON API (issue 14), beside
 * api_dbws.c's connections and queries: the schema for completion (cached table metadata, else
 * the live catalog), saved queries with names and folders, "explain" per dialect, a table's
 * rows a page at a time (sort, filters, search: parameterized SQL from dbws_explore.c with
 * names checked against the live catalog), row edits applied in one transaction (refused on
 * read-only connections and tables without a primary key), and each user's explorer state
 * per table.  Row-level security keeps all of it the connection owner's. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "dbws_explore.h"
#include "dbws_store.h"
#include "erd_doc.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* body_json: the request body as a JSON object; NULL after answering 400. */
static json_t *body_json(struct req *r)
{
    json_t *j = json_loadb(r->body ? r->body : "", r->body_len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        resp_json_error(r, 400, "bad_request", "Send a JSON object.");
        return NULL;
    }
    arena_defer(r->arena, (void (*)(void *))json_decref, j);
    return j;
}

/* load: the connection named by the first path parameter; -1 after answering 404/500. */
static int load(struct req *r, struct dbws_conn *c)
{
    int rc = dbws_load(r, r->nparams > 0 ? r->params[0] : NULL, c);
    if (rc == DBWS_STORE_NOT_FOUND)
        resp_json_error(r, 404, "not_found", "There is no such connection.");
    else if (rc != DBWS_STORE_OK)
        page_db_error(r);
    return rc == DBWS_STORE_OK ? 0 : -1;
}

static const char *conn_id(struct req *r, const struct dbws_conn *c)
{
    return arena_printf(r->arena, "%lld", c->id);
}

static void answer_error(struct req *r, const struct dbws_error *err, int failed_at)
{
    static const char *const codes[] = {"sql", "policy", "connect", "sql", "timeout"};
    int k = -err->code;
    json_t *j = json_pack("{s:s, s:s, s:o}", "error", k >= 0 && k <= 4 ? codes[k] : "sql", "message",
                          err->message, "position", err->position > 0 ? json_integer(err->position) : json_null());
    if (failed_at >= 0)
        json_object_set_new(j, "failed_change", json_integer(failed_at));
    resp_json(r, 422, j);
}

/* ---- schema for completion ---------------------------------------------------------------- */

void api_dbws_schema(struct req *r)
{
    struct dbws_conn c;
    struct dbws_error err;
    struct erd_doc live;
    if (load(r, &c) != 0)
        return;
    const char *sql = "SELECT coalesce(json_agg(json_build_object('name', s.table_name, 'columns', "
        "(SELECT coalesce(json_agg(json_build_object('name', col->>'name', 'type', col->>'type', "
        "'is_pk', coalesce((col->>'is_pk')::boolean, false))), '[]') FROM jsonb_array_elements("
        "s.definition->'columns') col)) ORDER BY s.table_name), '[]')::text, count(*) "
        "FROM db_table_schema s WHERE s.account_id = $1::int";
    int refresh = req_query_bool(r, "refresh");
    PGresult *res = refresh ? NULL : db_query(r, sql, DB_ARGS(conn_id(r, &c)));
    if (!refresh && !res) {
        page_db_error(r);
        return;
    }
    const char *source = "cache";
    if (!res || atoi(db_val(res, 0, 1)) == 0) {   /* nothing cached yet: read the catalog */
        if (dbws_live_schema(r, &c, &live, &err) != 0) {
            answer_error(r, &err, -1);
            return;
        }
        source = "live";
        if (!(res = db_query(r, sql, DB_ARGS(conn_id(r, &c))))) {
            page_db_error(r);
            return;
        }
    }
    json_t *tables = json_loads(db_val(res, 0, 0), 0, NULL);
    resp_json(r, 200, json_pack("{s:o, s:s, s:s}", "tables", tables ? tables : json_array(), "source", source,
                                "dialect", dbws_type_name(c.type)));
}

/* ---- saved queries ------------------------------------------------------------------------ */

void api_dbws_saved_list(struct req *r)
{
    struct dbws_conn c;
    if (load(r, &c) != 0)
        return;
    PGresult *res = db_query(r,
        "SELECT coalesce(json_agg(json_build_object('uid', uid, 'name', name, 'folder', folder, 'sql', sql_text, "
        "'updated_at', updated_at) ORDER BY coalesce(folder, ''), lower(name)), '[]')::text "
        "FROM db_saved_queries WHERE account_id = $1::int", DB_ARGS(conn_id(r, &c)));
    if (!res) {
        page_db_error(r);
        return;
    }
    resp_json(r, 200, json_pack("{s:o}", "saved_queries", json_loads(db_val(res, 0, 0), 0, NULL)));
}

/* POST {"name", "folder", "sql"} → 201 {"uid"}; with "uid" of one of them → 200 (replaced). */
void api_dbws_saved_save(struct req *r)
{
    struct dbws_conn c;
    json_t *b = body_json(r);
    if (!b || load(r, &c) != 0)
        return;
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *folder = json_string_value(json_object_get(b, "folder"));
    const char *sql = json_string_value(json_object_get(b, "sql"));
    const char *uid = json_string_value(json_object_get(b, "uid"));
    if (!name || !*name || strlen(name) > 200) {
        resp_json_error(r, 422, "invalid", "name: give a name of 1 to 200 characters");
        return;
    }
    if (!sql || !*sql) {
        resp_json_error(r, 422, "invalid", "sql: enter the query to save");
        return;
    }
    if (folder && (!*folder || strlen(folder) > 200))
        folder = NULL;
    PGresult *res = uid
        ? db_query(r, "UPDATE db_saved_queries SET name = $3, folder = $4, sql_text = $5, updated_at = now() "
                      "WHERE account_id = $1::int AND uid = $2 RETURNING uid",
                   DB_ARGS(conn_id(r, &c), uid, name, folder, sql))
        : db_query(r, "INSERT INTO db_saved_queries (account_id, name, folder, sql_text) "
                      "VALUES ($1::int, $2, $3, $4) RETURNING uid",
                   DB_ARGS(conn_id(r, &c), name, folder, sql));
    if (!res)
        page_db_error(r);
    else if (PQntuples(res) == 0)
        resp_json_error(r, 404, "not_found", "There is no such saved query.");
    else
        resp_json(r, uid ? 200 : 201, json_pack("{s:s}", "uid", db_val(res, 0, 0)));
}

void api_dbws_saved_delete(struct req *r)
{
    struct dbws_conn c;
    if (load(r, &c) != 0)
        return;
    PGresult *res = db_query(r, "DELETE FROM db_saved_queries WHERE account_id = $1::int AND uid = $2 RETURNING id",
                             DB_ARGS(conn_id(r, &c), r->nparams > 1 ? r->params[1] : ""));
    if (!res)
        page_db_error(r);
    else if (PQntuples(res) == 0)
        resp_json_error(r, 404, "not_found", "There is no such saved query.");
    else
        resp_text(r, 204, "text/plain", "", 0);
}

/* ---- explain ------------------------------------------------------------------------------ */

/* POST {"sql"} → 200 {"plan": "…text…", "columns", "rows"}: EXPLAIN (PostgreSQL, MySQL) or
 * EXPLAIN QUERY PLAN (SQLite) of one statement, sent as one prepared statement in a read-only
 * transaction so nothing after it can run. */
void api_dbws_explain(struct req *r)
{
    struct dbws_conn c;
    struct dbws_error err;
    struct dbws_result res = {0};
    json_t *b = body_json(r);
    if (!b || load(r, &c) != 0)
        return;
    const char *sql = json_string_value(json_object_get(b, "sql"));
    if (!sql || !*sql) {
        resp_json_error(r, 422, "invalid", "sql: enter a statement");
        return;
    }
    size_t n = strlen(sql);
    while (n > 0 && (sql[n - 1] == ';' || sql[n - 1] == ' ' || sql[n - 1] == '\n' || sql[n - 1] == '\t' ||
                     sql[n - 1] == '\r'))
        n--;
    struct dbws_stmt st = {.sql = arena_printf(r->arena, "%s %.*s",
                                               c.type == DBWS_SQLITE ? "EXPLAIN QUERY PLAN" : "EXPLAIN", (int)n, sql)};
    const struct dbws_driver *d = dbws_driver_for(c.type);
    void *h = NULL;
    char ip[64];
    int failed_at = -1;
    if (dbws_open(r, &c, &h, ip, &err) != 0) {
        answer_error(r, &err, -1);
        return;
    }
    int rc = d->batch(r->arena, h, &c, &st, 1, 0, &res, &failed_at, &err);
    d->close(h);
    free(res.sqlite_after);
    if (res.columns)
        arena_defer(r->arena, (void (*)(void *))json_decref, res.columns);
    if (res.rows)
        arena_defer(r->arena, (void (*)(void *))json_decref, res.rows);
    if (rc != 0) {
        err.position = err.position > 0 ? err.position - (int)(strlen(st.sql) - n) : 0;
        answer_error(r, &err, -1);
        return;
    }
    struct buf *plan = buf_arena(r->arena);   /* the plan as lines of text, every column joined */
    size_t i, k;
    json_t *row, *v;
    json_array_foreach(res.rows, i, row) {
        json_array_foreach(row, k, v) {
            if (k)
                buf_puts(plan, c.type == DBWS_POSTGRES ? "" : " | ");
            if (json_is_string(v))
                buf_puts(plan, json_string_value(v));
            else if (json_is_integer(v))
                buf_printf(plan, "%lld", (long long)json_integer_value(v));
            else if (!json_is_null(v))
                buf_puts(plan, "?");
        }
        buf_putc(plan, '\n');
    }
    resp_json(r, 200, json_pack("{s:s, s:O, s:O, s:s}", "plan", buf_cstr(plan), "columns", res.columns,
                                "rows", res.rows, "dialect", dbws_type_name(c.type)));
}

/* ---- table explorer ----------------------------------------------------------------------- */

/* open_table: a session on c and table (the second path parameter, decoded) as the live
 * catalog describes it.  0, or -1 after answering (404 no such table, 422 connect failure). */
static int open_table(struct req *r, const struct dbws_conn *c, void **h, const struct erd_entity **e)
{
    struct dbws_error err;
    struct erd_doc doc;
    char ip[64];
    const char *raw = r->nparams > 1 ? r->params[1] : "";
    const char *table = http_url_decode(r->arena, raw, strlen(raw), 0, NULL);
    const struct dbws_driver *d = dbws_driver_for(c->type);
    if (dbws_open(r, c, h, ip, &err) != 0) {
        answer_error(r, &err, -1);
        return -1;
    }
    if (dbws_schema_read(r->arena, d, *h, &doc, &err) != 0) {
        d->close(*h);
        answer_error(r, &err, -1);
        return -1;
    }
    for (size_t i = 0; i < doc.nentities; i++)
        if (table && strcmp(doc.entities[i].name, table) == 0) {
            *e = &doc.entities[i];
            return 0;
        }
    d->close(*h);
    resp_json_error(r, 404, "not_found", "This connection has no table %s.", table ? table : "");
    return -1;
}

/* filters_from: ?filters=[{"column", "op", "value" | "values": […]}] as dbws_filters. */
static int filters_from(struct req *r, const char *text, struct dbws_explore_q *q)
{
    if (!text || !*text)
        return 0;
    json_t *list = json_loads(text, 0, NULL), *f;
    if (!json_is_array(list) || json_array_size(list) > 64) {
        json_decref(list);
        return -1;
    }
    arena_defer(r->arena, (void (*)(void *))json_decref, list);
    struct dbws_filter *out = arena_alloc(r->arena, (json_array_size(list) + 1) * sizeof *out);
    size_t i;
    json_array_foreach(list, i, f) {
        json_t *values = json_object_get(f, "values"), *one = json_object_get(f, "value"), *v;
        size_t nv = json_is_array(values) ? json_array_size(values) : (one && !json_is_null(one) ? 1 : 0), k;
        const char **vals = arena_alloc(r->arena, (nv + 1) * sizeof *vals);
        if (json_is_array(values)) {
            json_array_foreach(values, k, v) {
                vals[k] = json_is_string(v) ? json_string_value(v)
                        : json_is_integer(v) ? arena_printf(r->arena, "%lld", (long long)json_integer_value(v))
                        : json_is_real(v) ? arena_printf(r->arena, "%.17g", json_real_value(v)) : NULL;
            }
        } else if (nv) {
            vals[0] = json_is_string(one) ? json_string_value(one)
                    : json_is_integer(one) ? arena_printf(r->arena, "%lld", (long long)json_integer_value(one))
                    : json_is_real(one) ? arena_printf(r->arena, "%.17g", json_real_value(one)) : NULL;
        }
        out[i] = (struct dbws_filter){.column = json_string_value(json_object_get(f, "column")),
                                      .op = json_string_value(json_object_get(f, "op")),
                                      .values = vals, .nvalues = (int)nv};
    }
    q->filters = out;
    q->nfilters = (int)json_array_size(list);
    return 0;
}

static json_t *entity_columns(const struct erd_entity *e)
{
    json_t *cols = json_array();
    for (size_t i = 0; i < e->ncolumns; i++)
        json_array_append_new(cols, json_pack("{s:s, s:s, s:b, s:b}", "name", e->columns[i].name, "type",
                                              e->columns[i].type ? e->columns[i].type : "", "is_pk",
                                              e->columns[i].is_pk, "is_nullable", e->columns[i].is_nullable));
    return cols;
}

static int has_key(const struct erd_entity *e)
{
    for (size_t i = 0; i < e->ncolumns; i++)
        if (e->columns[i].is_pk)
            return 1;
    return 0;
}

/* GET …/tables/{table}/rows?page=&page_size=&sort=&dir=asc|desc&q=&filters=[…] */
void api_dbws_rows(struct req *r)
{
    struct dbws_conn c;
    struct dbws_error err;
    struct dbws_explore_q q = {0};
    const struct erd_entity *e = NULL;
    void *h = NULL;
    if (load(r, &c) != 0)
        return;
    q.sort = req_query(r, "sort");
    q.sort = q.sort && *q.sort ? q.sort : NULL;
    q.desc = req_query(r, "dir") && strcmp(req_query(r, "dir"), "desc") == 0;
    q.search = req_query(r, "q");
    long long pageno, size;
    if (req_query_int(r, "page", 1, 1000000000, 1, &pageno) != 0 ||
        req_query_int(r, "page_size", 1, DBWS_PAGE_SIZE_MAX, DBWS_PAGE_SIZE_DEFAULT, &size) != 0) {
        resp_json_error(r, 422, "invalid", "page, page_size: whole numbers (page_size up to %d)", DBWS_PAGE_SIZE_MAX);
        return;
    }
    q.page = (long)pageno;
    q.page_size = (long)size;
    if (filters_from(r, req_query(r, "filters"), &q) != 0) {
        resp_json_error(r, 422, "invalid", "filters: give a JSON list of {column, op, value}");
        return;
    }
    if (open_table(r, &c, &h, &e) != 0)
        return;
    const struct dbws_driver *d = dbws_driver_for(c.type);
    struct dbws_stmt count, page;
    const char *msg = NULL;
    if (dbws_explore_read(r->arena, c.type, e, &q, &count, &page, &msg) != 0) {
        d->close(h);
        resp_json_error(r, 422, "invalid", "%s", msg);
        return;
    }
    struct dbws_result total = {0}, rows = {0};
    struct timespec start;
    int failed_at = -1;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = d->batch(r->arena, h, &c, &count, 1, 0, &total, &failed_at, &err);
    if (rc == 0)
        rc = d->batch(r->arena, h, &c, &page, 1, 0, &rows, &failed_at, &err);
    d->close(h);
    json_t *all = json_array_get(json_array_get(total.rows, 0), 0);
    long long n = json_is_integer(all) ? json_integer_value(all) : all ? atoll(json_string_value(all) ? json_string_value(all) : "0") : 0;
    json_decref(total.columns);
    json_decref(total.rows);
    free(total.sqlite_after);
    free(rows.sqlite_after);
    if (rows.columns)
        arena_defer(r->arena, (void (*)(void *))json_decref, rows.columns);
    if (rows.rows)
        arena_defer(r->arena, (void (*)(void *))json_decref, rows.rows);
    if (rc != 0) {
        answer_error(r, &err, -1);
        return;
    }
    resp_json(r, 200, json_pack("{s:s, s:o, s:O, s:I, s:I, s:I, s:b, s:b, s:f, s:o}",
        "table", e->name, "columns", entity_columns(e), "rows", rows.rows, "total", (json_int_t)n,
        "page", (json_int_t)q.page, "page_size", (json_int_t)q.page_size,
        "editable", !c.read_only && has_key(e), "read_only", c.read_only, "duration_ms", dbws_elapsed_ms(&start),
        "sql", dbws_explore_stmt_json(&page)));
}

/* POST …/tables/{table}/rows/apply {"changes": […], "preview": bool} → 200 {"statements":
 * [{"sql", "params"}], "applied": bool, "row_count"}; a failing change rolls back them all
 * (422 with "failed_change"). */
void api_dbws_rows_apply(struct req *r)
{
    struct dbws_conn c;
    struct dbws_error err;
    const struct erd_entity *e = NULL;
    void *h = NULL;
    json_t *b = body_json(r);
    if (!b || load(r, &c) != 0)
        return;
    if (c.read_only) {
        resp_json_error(r, 422, "read_only", "This connection is read-only: rows cannot be changed through it.");
        return;
    }
    if (open_table(r, &c, &h, &e) != 0)
        return;
    const struct dbws_driver *d = dbws_driver_for(c.type);
    struct dbws_stmt *stmts = NULL;
    int n = 0;
    const char *msg = NULL;
    if (dbws_explore_changes(r->arena, c.type, e, json_object_get(b, "changes"), &stmts, &n, &msg) != 0) {
        d->close(h);
        resp_json_error(r, 422, has_key(e) ? "invalid" : "no_key", "%s", msg);
        return;
    }
    json_t *shown = json_array();
    struct buf *text = buf_arena(r->arena);
    for (int i = 0; i < n; i++) {
        json_array_append_new(shown, dbws_explore_stmt_json(&stmts[i]));
        buf_printf(text, "%s;\n", stmts[i].sql);
    }
    if (json_is_true(json_object_get(b, "preview"))) {
        d->close(h);
        resp_json(r, 200, json_pack("{s:o, s:b}", "statements", shown, "applied", 0));
        return;
    }
    struct dbws_result res = {0};
    struct timespec start;
    int failed_at = -1;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = d->batch(r->arena, h, &c, stmts, n, 1, &res, &failed_at, &err);
    d->close(h);
    json_decref(res.columns);
    json_decref(res.rows);
    dbws_history_add(r, &c, buf_cstr(text), rc == 0 ? res.row_count : -1, dbws_elapsed_ms(&start),
                     rc == 0 ? NULL : err.message);
    if (rc == 0)
        dbws_store_sqlite(r, &c, &res);
    free(res.sqlite_after);
    if (rc != 0) {
        json_decref(shown);
        answer_error(r, &err, failed_at);
        return;
    }
    resp_json(r, 200, json_pack("{s:o, s:b, s:I}", "statements", shown, "applied", 1, "row_count",
                                (json_int_t)res.row_count));
}

/* ---- explorer state ----------------------------------------------------------------------- */

static const char *table_param(struct req *r)
{
    const char *raw = r->nparams > 1 ? r->params[1] : "";
    return http_url_decode(r->arena, raw, strlen(raw), 0, NULL);
}

void api_dbws_state_get(struct req *r)
{
    struct dbws_conn c;
    if (load(r, &c) != 0)
        return;
    PGresult *res = db_query(r, "SELECT state::text FROM db_explorer_states WHERE account_id = $1::int "
                                "AND user_id = $2 AND table_name = $3",
                             DB_ARGS(conn_id(r, &c), r->user->id, table_param(r)));
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *state = PQntuples(res) ? json_loads(db_val(res, 0, 0), 0, NULL) : NULL;
    resp_json(r, 200, json_pack("{s:o}", "state", state ? state : json_object()));
}

/* PUT {"state": {…}}: sort, dir, filters, q, hidden, order, page_size — kept as given (≤ 64 KB). */
void api_dbws_state_put(struct req *r)
{
    struct dbws_conn c;
    json_t *b = body_json(r);
    if (!b || load(r, &c) != 0)
        return;
    json_t *state = json_object_get(b, "state");
    if (!json_is_object(state)) {
        resp_json_error(r, 422, "invalid", "state: give an object");
        return;
    }
    char *text = json_dumps(state, JSON_COMPACT);
    if (!text || strlen(text) > 65536) {
        free(text);
        resp_json_error(r, 413, "too_large", "state: at most 64 KB");
        return;
    }
    arena_defer(r->arena, free, text);
    PGresult *res = db_query(r, "INSERT INTO db_explorer_states (account_id, user_id, table_name, state) "
                                "VALUES ($1::int, $2, $3, $4::jsonb) ON CONFLICT (account_id, user_id, table_name) "
                                "DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
                             DB_ARGS(conn_id(r, &c), r->user->id, table_param(r), text));
    if (!res)
        page_db_error(r);
    else
        resp_json(r, 200, json_pack("{s:O}", "state", state));
}
