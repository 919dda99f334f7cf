/* page_dbws.c — a project's database workspace page (/projects/:uid/databases): the
 * project's connections with test and delete buttons, a form to add one, and for the
 * selected connection (?conn=) a plain query form whose results table the server draws, and
 * the connection's searchable history, and "Compare with a diagram": the changes, the migration
 * both ways (downloadable), and a form that runs it after an explicit confirm on read-write
 * PostgreSQL connections (its hidden field echoes the SHA-256 of the script shown, so a stale
 * page cannot run another script).  Every action is a form POST: no JavaScript needed; the
 * SQLite upload form alone needs it (static/js/dbws_upload.js: the server parses no multipart).
 * With a connection selected, the SQL editor island (editors/src/sqleditor.entry.js) mounts
 * on the page; CodeMirror and the virtualized grid position elements with style attributes,
 * so that page's policy adds style-src-attr 'unsafe-inline' (nothing else is loosened).
 * Whatever reads or writes the user's database (test, query, compare, migrate — and a new
 * connection's "test" box, by a 307 to the test route) is a query-worker route (R_QUERY). */
#include "app.h"
#include "arena.h"
#include "db.h"
#include "license.h"
#include "dbws_migrate.h"
#include "dbws_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* project_of: the user's live project uid as {uid, name}; NULL after answering 404. */
#define DBWS_PAGE_CSP APP_CSP "; style-src-attr 'unsafe-inline'"

static json_t *project_of(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    PGresult *p = uid_valid(uid) ? db_query(r, "SELECT uid, name FROM projects WHERE uid = $1 "
                                                "AND is_deleted IS NOT TRUE", DB_ARGS(uid)) : NULL;
    if (!p || PQntuples(p) == 0) {
        if (r->db->failed)
            page_db_error(r);
        else
            page_error(r, 404, "Page not found", "There is no such project.");
        return NULL;
    }
    /* license gate (sql/027_licenses): the organization's license must enable the workspace */
    if (!module_gate(r, uid, "database_workspace"))
        return NULL;
    return view_keep(r, json_pack("{s:s, s:s}", "uid", db_val(p, 0, 0), "name", db_val(p, 0, 1)));
}

/* connection_view: the list entry's fields the template needs besides the API's. */
static void connection_view(json_t *c, const char *project_uid)
{
    json_t *valid = json_object_get(c, "is_valid");
    json_object_set_new(c, "project_uid", json_string(project_uid));
    json_object_set_new(c, "is_invalid", json_boolean(json_is_false(valid)));
    json_object_set_new(c, "untested", json_boolean(json_is_null(valid) || !valid));
    json_object_set(c, "read_only", json_object_get(json_object_get(c, "options"), "read_only"));
}

/* result_view: a query's result as the template's table (each cell text or NULL). */
static json_t *result_view(const struct dbws_result *res, long row_limit)
{
    json_t *rows = json_array(), *row;
    size_t i;
    json_array_foreach(res->rows, i, row) {
        json_t *cells = json_array(), *v;
        size_t k;
        json_array_foreach(row, k, v) {
            char *text = json_is_string(v) ? strdup(json_string_value(v))
                       : json_is_null(v) ? strdup("") : json_dumps(v, JSON_ENCODE_ANY);
            json_array_append_new(cells, json_pack("{s:b, s:s}", "null", json_is_null(v), "text", text ? text : ""));
            free(text);
        }
        json_array_append_new(rows, json_pack("{s:o}", "cells", cells));
    }
    char duration[32];
    snprintf(duration, sizeof duration, "%.1f", res->duration_ms);
    return json_pack("{s:O, s:o, s:I, s:b, s:I, s:s}", "columns", res->columns, "rows", rows,
                     "row_count", (json_int_t)res->row_count, "truncated", res->truncated,
                     "row_limit", (json_int_t)row_limit, "duration", duration);
}

/* diagrams_view: the project's live diagrams as [{uid, name, chosen}] for the compare form. */
static json_t *diagrams_view(struct req *r, const char *project_uid, const char *chosen)
{
    PGresult *res = db_query(r, "SELECT d.uid, d.name FROM diagrams d JOIN projects p ON p.id = d.project_id "
                                "WHERE p.uid = $1 AND d.is_deleted IS NOT TRUE ORDER BY lower(d.name), d.uid LIMIT 500",
                             DB_ARGS(project_uid));
    json_t *list = json_array();
    for (int i = 0; res && i < PQntuples(res); i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "uid", db_val(res, i, 0), "name",
                                              db_val(res, i, 1), "chosen",
                                              chosen && strcmp(chosen, db_val(res, i, 0)) == 0));
    return list;
}

/* compare_view: diagram duid vs. connection c for the template: {compare: {…}} or
 * {compare_error}. */
static json_t *compare_view(struct req *r, const struct dbws_conn *c, const char *duid)
{
    struct dbws_compare cmp;
    struct dbws_error err;
    int rc = dbws_compare(r, c, duid, &cmp, &err);
    if (rc == DBWS_CMP_NO_DIAGRAM)
        return json_pack("{s:s}", "compare_error", "There is no such diagram in your projects.");
    if (rc == DBWS_CMP_LIVE)
        return json_pack("{s:s}", "compare_error", arena_printf(r->arena, "The database could not be read: %s",
                                                                 err.message));
    if (rc == DBWS_CMP_UNNAMED)
        return json_pack("{s:s}", "compare_error", "A table or column without a name cannot be compared.");
    if (rc != DBWS_CMP_OK)
        return json_pack("{s:s}", "compare_error", "The comparison failed; try again.");
    int allowed = dbws_migrate_allowed(c);
    const char *note = allowed == DBWS_MIG_READ_ONLY
        ? "This connection is read-only: download the migration and run it elsewhere."
        : "The migration is PostgreSQL; this connection is not: download it and adapt it.";
    return json_pack("{s:{s:s, s:s, s:s, s:O, s:O, s:b, s:s, s:s, s:s, s:b, s:s}}", "compare", "conn_uid", c->uid,
                     "diagram_uid", cmp.diagram_uid, "diagram_name", cmp.diagram_name, "changes", cmp.changes,
                     "summary", cmp.summary, "empty", cmp.empty, "forward", cmp.forward, "reverse", cmp.reverse,
                     "sha", cmp.forward_sha, "can_apply", allowed == DBWS_MIG_OK, "apply_note", note);
}

/* render: the page for project, with conn_uid selected (NULL: the query string's), extra
 * keys (message, result, error, sql, form) merged in. */
static void render(struct req *r, int status, json_t *project, const char *conn_uid, json_t *extra)
{
    const char *puid = json_string_value(json_object_get(project, "uid"));
    json_t *list = dbws_list_json(r, puid);
    if (!list) {
        json_decref(extra);
        page_db_error(r);
        return;
    }
    if (!conn_uid)
        conn_uid = req_query(r, "conn");
    json_t *selected = NULL, *c;
    size_t i;
    json_array_foreach(list, i, c) {
        connection_view(c, puid);
        if (conn_uid && strcmp(json_string_value(json_object_get(c, "uid")), conn_uid) == 0)
            selected = c;
    }
    json_t *ctx = view_ctx(r);
    json_object_set(ctx, "project", project);
    json_object_set_new(ctx, "connections", list);
    size_t upload_max = g_app.cfg.max_body < DBWS_SQLITE_MAX ? g_app.cfg.max_body : DBWS_SQLITE_MAX;
    json_object_set_new(ctx, "sqlite_max_bytes", json_integer((json_int_t)upload_max));
    json_object_set_new(ctx, "sqlite_max_mb", json_integer((json_int_t)(upload_max >> 20)));
    if (selected) {
        struct dbws_conn conn;
        const char *q = req_query(r, "q");
        json_t *sel = json_deep_copy(selected);
        if (dbws_load(r, conn_uid, &conn) == DBWS_STORE_OK) {
            json_t *h = dbws_history_json(r, &conn, q);
            json_object_set_new(sel, "history", h ? h : json_array());
        }
        json_object_set_new(sel, "q", json_string(q ? q : ""));
        /* only the query worker's routes compare (they read the user's database): they pass
         * the diagram as compare_uid */
        const char *duid = extra ? json_string_value(json_object_get(extra, "compare_uid")) : NULL;
        json_t *diagrams = diagrams_view(r, puid, duid);
        json_object_set_new(sel, "has_diagrams", json_boolean(json_array_size(diagrams) > 0));
        json_object_set_new(sel, "diagrams", diagrams);
        if (duid && *duid && dbws_load(r, conn_uid, &conn) == DBWS_STORE_OK) {
            json_t *cv = compare_view(r, &conn, duid);
            json_object_update(sel, cv);
            json_decref(cv);
        }
        if (extra)
            json_object_update(sel, extra);
        json_object_set_new(ctx, "selected", sel);
        r->csp = DBWS_PAGE_CSP;   /* the SQL editor island writes style attributes */
    } else if (extra) {
        json_object_update(ctx, extra);
    }
    json_t *msg = extra ? json_object_get(extra, "message") : NULL;
    if (msg)
        json_object_set(ctx, "message", msg);
    json_decref(extra);
    view_render(r, status, "databases", ctx);
}

void page_dbws_show(struct req *r)
{
    json_t *project = project_of(r);
    const char *conn = req_query(r, "conn"), *duid = req_query(r, "compare");
    if (project && conn && duid && uid_valid(conn) && uid_valid(duid))   /* an older link */
        resp_redirect(r, arena_printf(r->arena, "/projects/%s/databases/%s/compare?compare=%s",
                                      json_string_value(json_object_get(project, "uid")), conn, duid));
    else if (project)
        render(r, 200, project, NULL, NULL);
}

void page_dbws_create(struct req *r)
{
    json_t *project = project_of(r);
    if (!project)
        return;
    const char *port = req_form(r, "port");
    struct dbws_fields f = {
        .name = arena_strtrim(r->arena, req_form(r, "name")), .type = req_form(r, "type"),
        .host = arena_strtrim(r->arena, req_form(r, "host")), .database = req_form(r, "database"),
        .user = req_form(r, "user"), .password = req_form(r, "password"),
        .project_uid = json_string_value(json_object_get(project, "uid")),
        .port = port && *port ? strtoll(port, NULL, 10) : 0, .read_only = req_form_bool(r, "read_only"),
    };
    const char *uid = NULL, *msg = NULL;
    int rc = dbws_create(r, &f, &uid, &msg);
    if (rc == DBWS_STORE_INVALID) {
        render(r, 422, project, NULL, json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "form_error", msg,
            "form", "name", f.name ? f.name : "", "host", f.host ? f.host : "", "port", port ? port : "",
            "database", f.database ? f.database : "", "user", f.user ? f.user : ""));
        return;
    }
    if (rc != DBWS_STORE_OK) {
        page_db_error(r);
        return;
    }
    if (req_form_bool(r, "test")) {   /* the test connects: the query worker's route does it */
        resp_redirect_post(r, arena_printf(r->arena, "/projects/%s/databases/%s/test",
                                           json_string_value(json_object_get(project, "uid")), uid));
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "/projects/%s/databases?conn=%s",
                                  json_string_value(json_object_get(project, "uid")), uid));
}

/* load_posted: the connection named by the second path parameter; -1 after answering 404. */
static int load_posted(struct req *r, struct dbws_conn *c)
{
    int rc = dbws_load(r, r->nparams > 1 ? r->params[1] : NULL, c);
    if (rc == DBWS_STORE_NOT_FOUND)
        page_error(r, 404, "Page not found", "There is no such connection.");
    else if (rc != DBWS_STORE_OK)
        page_db_error(r);
    return rc == DBWS_STORE_OK ? 0 : -1;
}

void page_dbws_test(struct req *r)
{
    struct dbws_conn c;
    struct dbws_error err;
    const char *version = NULL;
    json_t *project = project_of(r);
    if (!project || load_posted(r, &c) != 0)
        return;
    int rc = dbws_test(r, &c, &version, &err);
    json_t *msg = rc == 0
        ? json_pack("{s:s, s:s}", "kind", "success", "text", arena_printf(r->arena, "%s: connected (%s).", c.name, version))
        : json_pack("{s:s, s:s}", "kind", "danger", "text", arena_printf(r->arena, "%s: %s", c.name, err.message));
    render(r, 200, project, c.uid, json_pack("{s:o}", "message", msg));
}

void page_dbws_query(struct req *r)
{
    struct dbws_conn c;
    struct dbws_error err;
    struct dbws_result res;
    json_t *project = project_of(r);
    if (!project || load_posted(r, &c) != 0)
        return;
    const char *sql = req_form(r, "sql");
    if (!sql || !*sql) {
        render(r, 422, project, c.uid, json_pack("{s:s, s:{s:s, s:i}}", "sql", "", "error", "message",
                                                 "Enter a statement.", "position", 0));
        return;
    }
    if (dbws_query(r, &c, sql, &res, &err) != 0) {
        render(r, 422, project, c.uid, json_pack("{s:s, s:{s:s, s:i}}", "sql", sql, "error", "message",
                                                 err.message, "position", err.position));
        return;
    }
    render(r, 200, project, c.uid, json_pack("{s:s, s:o}", "sql", sql, "result", result_view(&res, c.row_limit)));
}

void page_dbws_delete(struct req *r)
{
    json_t *project = project_of(r);
    if (!project)
        return;
    int rc = dbws_delete(r, r->nparams > 1 ? r->params[1] : NULL);
    if (rc == DBWS_STORE_DB) {
        page_db_error(r);
        return;
    }
    if (rc == DBWS_STORE_NOT_FOUND) {
        page_error(r, 404, "Page not found", "There is no such connection.");
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "/projects/%s/databases",
                                  json_string_value(json_object_get(project, "uid"))));
}

/* POST …/databases/:conn/migrate (diagram_uid, confirm = the SHA-256 shown, reviewed = the
 * ticked box): run the migration, then show the comparison again with the outcome. */
void page_dbws_migrate(struct req *r)
{
    struct dbws_conn c;
    struct dbws_compare cmp;
    struct dbws_error err;
    json_t *project = project_of(r);
    if (!project || load_posted(r, &c) != 0)
        return;
    const char *duid = req_form(r, "diagram_uid");
    if (!req_form_bool(r, "reviewed")) {
        render(r, 422, project, c.uid, json_pack("{s:s, s:{s:b, s:s}}", "compare_uid", duid ? duid : "",
                                                 "migrate_result", "ok", 0, "text",
                                                 "Tick the box to confirm that you reviewed the migration."));
        return;
    }
    int rc = dbws_compare(r, &c, duid, &cmp, &err);
    if (rc != DBWS_CMP_OK) {
        render(r, 422, project, c.uid, json_pack("{s:s}", "compare_uid", duid ? duid : ""));
        return;
    }
    double ms = 0;
    rc = dbws_migrate(r, &c, &cmp, req_form(r, "confirm"), &ms, &err);
    const char *text;
    int status = 422, line = 0, col = 0;
    switch (rc) {
    case DBWS_MIG_OK:
        status = 200;
        text = arena_printf(r->arena, "The migration ran in %.1f ms: the database now matches the diagram.", ms);
        break;
    case DBWS_MIG_READ_ONLY: text = "This connection is read-only: the migration was not run."; break;
    case DBWS_MIG_DIALECT: text = "The migration is PostgreSQL; this connection is not: it was not run."; break;
    case DBWS_MIG_EMPTY: text = "Nothing to run: the database already matches the diagram."; break;
    case DBWS_MIG_STALE:
        status = 409;
        text = "The database or the diagram changed since the migration was shown: review it again below.";
        break;
    default:
        dbws_position_line(cmp.forward, err.position, &line, &col);
        text = line ? arena_printf(r->arena, "The migration failed at line %d, column %d: %s. Nothing was changed.",
                                   line, col, err.message)
                    : arena_printf(r->arena, "The migration failed: %s. Nothing was changed.", err.message);
    }
    render(r, status, project, c.uid, json_pack("{s:s, s:{s:b, s:s}}", "compare_uid", duid,
                                                "migrate_result", "ok", rc == DBWS_MIG_OK, "text", text));
}

/* GET …/databases/:conn/compare?compare=<diagram uid> (query worker): the page with the
 * comparison of the live database and the diagram, and the migration both ways. */
void page_dbws_compare(struct req *r)
{
    struct dbws_conn c;
    json_t *project = project_of(r);
    const char *duid = req_query(r, "compare");
    if (project && load_posted(r, &c) == 0)
        render(r, 200, project, c.uid, duid && *duid ? json_pack("{s:s}", "compare_uid", duid) : NULL);
}
