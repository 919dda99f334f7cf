/* api_dbws.c — the database workspace's JSON API (issue 14): connections (create, list, show
 * without the password, delete, test), queries with their history and cancel, schema import
 * into a diagram (the diagram-vs-database comparison and its migration: api_dbws_migrate.c).
 * Writes carry X-CSRF-Token (dispatch.c); row-level security keeps every connection its
 * owner's (another user's is 404). */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "dbws_store.h"
#include "license.h"
#include "erd_doc.h"
#include "erd_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void not_found(struct req *r)
{
    resp_json_error(r, 404, "not_found", "There is no such connection.");
}

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
        not_found(r);
    else if (rc != DBWS_STORE_OK)
        page_db_error(r);
    return rc == DBWS_STORE_OK ? 0 : -1;
}

static const char *error_code(int code)
{
    switch (code) {
    case DBWS_ERR_POLICY: return "policy";
    case DBWS_ERR_CONNECT: return "connect";
    case DBWS_ERR_TIMEOUT: return "timeout";
    default: return "sql";
    }
}

/* answer_error: 422 {"error", "message", "position"} (position null when unknown). */
static void answer_error(struct req *r, const struct dbws_error *err)
{
    resp_json(r, 422, json_pack("{s:s, s:s, s:o}", "error", error_code(err->code), "message", err->message,
                                "position", err->position > 0 ? json_integer(err->position) : json_null()));
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void api_dbws_create(struct req *r)
{
    json_t *b = body_json(r);
    if (!b)
        return;
    if (!module_gate(r, jstr(b, "project_uid"), "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    json_t *opts = json_object_get(b, "options");
    struct dbws_fields f = {
        .name = jstr(b, "name"), .type = jstr(b, "type"), .host = jstr(b, "host"),
        .database = jstr(b, "database"), .user = jstr(b, "user"), .password = jstr(b, "password"),
        .sslmode = jstr(opts, "sslmode"), .project_uid = jstr(b, "project_uid"),
        .port = json_integer_value(json_object_get(b, "port")),
        .read_only = json_is_true(json_object_get(opts, "read_only")),
        .timeout_ms = json_integer_value(json_object_get(opts, "statement_timeout_ms")),
        .row_limit = json_integer_value(json_object_get(opts, "row_limit")),
    };
    const char *b64 = jstr(b, "sqlite_base64");
    if (b64) {
        size_t cap = strlen(b64), n = 0;
        unsigned char *bytes = arena_alloc(r->arena, cap + 1);
        if (sodium_base642bin(bytes, cap, b64, strlen(b64), " \n\r", &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
            resp_json_error(r, 422, "invalid", "sqlite_base64: is not base64");
            return;
        }
        f.sqlite_bytes = bytes;
        f.sqlite_len = n;
    }
    const char *uid = NULL, *msg = NULL;
    int rc = dbws_create(r, &f, &uid, &msg);
    if (rc == DBWS_STORE_OK)
        resp_json(r, 201, json_pack("{s:s}", "uid", uid));
    else if (rc == DBWS_STORE_INVALID)
        resp_json_error(r, 422, "invalid", "%s", msg);
    else if (rc == DBWS_STORE_NOT_FOUND)
        resp_json_error(r, 422, "invalid", "project_uid: there is no such project");
    else
        page_db_error(r);
}

/* POST /api/connections/sqlite?name=&project_uid=&read_only=1 with the SQLite file as the raw
 * body (any Content-Type; the server parses no multipart forms): the databases page's upload
 * form (static/js/dbws_upload.js).  Limited by CARD_MAX_BODY (413 before this runs); a file that
 * is not an SQLite 3 database is refused 422 by dbws_create. */
void api_dbws_sqlite_upload(struct req *r)
{
    const char *project_uid = req_query(r, "project_uid");
    if (!module_gate(r, project_uid, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    const char *name = req_query(r, "name");
    struct dbws_fields f = {
        .name = name ? arena_strtrim(r->arena, name) : NULL, .type = "sqlite", .project_uid = project_uid,
        .read_only = req_query_bool(r, "read_only"), .sqlite_bytes = (const unsigned char *)r->body,
        .sqlite_len = r->body ? r->body_len : 0,
    };
    const char *uid = NULL, *msg = NULL;
    int rc = dbws_create(r, &f, &uid, &msg);
    if (rc == DBWS_STORE_OK)
        resp_json(r, 201, json_pack("{s:s}", "uid", uid));
    else if (rc == DBWS_STORE_INVALID)
        resp_json_error(r, 422, "invalid", "%s", msg);
    else if (rc == DBWS_STORE_NOT_FOUND)
        resp_json_error(r, 422, "invalid", "project_uid: there is no such project");
    else
        page_db_error(r);
}

void api_dbws_list(struct req *r)
{
    if (!module_gate(r, req_query(r, "project_uid"), "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    json_t *list = dbws_list_json(r, req_query(r, "project_uid"));
    if (list)
        resp_json(r, 200, json_pack("{s:o}", "connections", list));
    else
        page_db_error(r);
}

void api_dbws_get(struct req *r)
{
    if (!module_gate_connection(r, r->nparams ? r->params[0] : NULL, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    json_t *c = dbws_public_json(r, r->nparams ? r->params[0] : NULL);
    if (c)
        resp_json(r, 200, c);
    else if (r->db->failed)
        page_db_error(r);
    else
        not_found(r);
}

void api_dbws_delete(struct req *r)
{
    if (!module_gate_connection(r, r->nparams ? r->params[0] : NULL, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    int rc = dbws_delete(r, r->nparams ? r->params[0] : NULL);
    if (rc == DBWS_STORE_OK)
        resp_text(r, 204, "text/plain", "", 0);
    else if (rc == DBWS_STORE_NOT_FOUND)
        not_found(r);
    else
        page_db_error(r);
}

void api_dbws_test(struct req *r)
{
    if (!module_gate_connection(r, r->nparams ? r->params[0] : NULL, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    struct dbws_conn c;
    struct dbws_error err;
    const char *version = NULL;
    if (load(r, &c) != 0)
        return;
    if (dbws_test(r, &c, &version, &err) == 0)
        resp_json(r, 200, json_pack("{s:b, s:s}", "ok", 1, "server_version", version));
    else
        resp_json(r, 200, json_pack("{s:b, s:s, s:s}", "ok", 0, "error", error_code(err.code),
                                    "message", err.message));
}

void api_dbws_query(struct req *r)
{
    if (!module_gate_connection(r, r->nparams ? r->params[0] : NULL, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    struct dbws_conn c;
    struct dbws_error err;
    struct dbws_result res;
    json_t *b = body_json(r);
    if (!b || load(r, &c) != 0)
        return;
    const char *sql = jstr(b, "sql");
    if (!sql || !*sql) {
        resp_json_error(r, 422, "invalid", "sql: enter a statement");
        return;
    }
    if (dbws_query(r, &c, sql, &res, &err) != 0) {
        answer_error(r, &err);
        return;
    }
    resp_json(r, 200, json_pack("{s:O, s:O, s:I, s:b, s:f, s:I}", "columns", res.columns, "rows", res.rows,
                                "row_count", (json_int_t)res.row_count, "truncated", res.truncated,
                                "duration_ms", res.duration_ms, "row_limit", (json_int_t)c.row_limit));
}

void api_dbws_cancel(struct req *r)
{
    if (!module_gate_connection(r, r->nparams ? r->params[0] : NULL, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    struct dbws_conn c;
    if (load(r, &c) == 0)
        resp_json(r, 200, json_pack("{s:i}", "cancelled", dbws_cancel(r, &c)));
}

void api_dbws_history(struct req *r)
{
    if (!module_gate_connection(r, r->nparams ? r->params[0] : NULL, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    struct dbws_conn c;
    if (load(r, &c) != 0)
        return;
    json_t *h = dbws_history_json(r, &c, req_query(r, "q"));
    if (h)
        resp_json(r, 200, json_pack("{s:o}", "history", h));
    else
        page_db_error(r);
}

/* load_diagram: the user's diagram uid; -1 after answering 404/422/500. */
static int load_diagram(struct req *r, const char *uid, struct erd_doc *doc)
{
    if (!uid || !uid_valid(uid)) {
        resp_json_error(r, 422, "invalid", "diagram_uid: name one of your diagrams");
        return -1;
    }
    int rc = erd_store_load(r, uid, doc);
    if (rc == ERD_STORE_NOT_FOUND)
        resp_json_error(r, 404, "not_found", "There is no such diagram.");
    else if (rc != ERD_STORE_OK)
        page_db_error(r);
    return rc == ERD_STORE_OK ? 0 : -1;
}

void api_dbws_import_schema(struct req *r)
{
    if (!module_gate_connection(r, r->nparams ? r->params[0] : NULL, "database_workspace"))
        return;     /* license gate (sql/027_licenses) */
    struct dbws_conn c;
    struct dbws_error err;
    struct erd_doc cur, live, saved_doc;
    struct erd_store_saved saved;
    json_t *b = body_json(r);
    if (!b || load(r, &c) != 0)
        return;
    const char *duid = jstr(b, "diagram_uid");
    if (load_diagram(r, duid, &cur) != 0)
        return;
    if (dbws_live_schema(r, &c, &live, &err) != 0) {
        answer_error(r, &err);
        return;
    }
    live.uid = cur.uid;
    live.name = cur.name;
    live.version = cur.version;
    live.has_version = cur.has_version;
    memcpy(live.viewport, cur.viewport, sizeof live.viewport);
    memcpy(live.has_viewport, cur.has_viewport, sizeof live.has_viewport);
    struct buf *msg = buf_arena(r->arena);
    int rc = erd_store_save(r, duid, (int)cur.version, &live, &saved, &saved_doc, msg);
    if (rc == ERD_STORE_INVALID) {
        resp_json_error(r, 422, "invalid", "%s", buf_cstr(msg));
        return;
    }
    if (rc != ERD_STORE_OK || erd_store_load(r, duid, &saved_doc) != ERD_STORE_OK) {
        page_db_error(r);
        return;
    }
    struct buf *out = buf_arena(r->arena);
    erd_doc_write_json(&saved_doc, out);
    resp_text(r, 200, "application/json; charset=utf-8", buf_cstr(out), out->len);
}
