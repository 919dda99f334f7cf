/* page_dbws.c — a project's database workspace page (/projects/:uid/databases): the
 * project's connections with test and delete buttons, a form to add one, and for the
 * selected connection (?conn=) a plain query form whose results table the server draws, and
 * the connection's searchable history.  Every action is a form POST: no JavaScript needed.
 * With a connection selected, the SQL editor island (editors/src/sqleditor.entry.js) mounts
 * on the page; CodeMirror and the virtualized grid position elements with style attributes,
 * so that page's policy adds style-src-attr 'unsafe-inline' (nothing else is loosened). */
#include "app.h"
#include "arena.h"
#include "db.h"
#include "license.h"
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
    if (selected) {
        struct dbws_conn conn;
        const char *q = req_query(r, "q");
        json_t *sel = json_deep_copy(selected);
        if (dbws_load(r, conn_uid, &conn) == DBWS_STORE_OK) {
            json_t *h = dbws_history_json(r, &conn, q);
            json_object_set_new(sel, "history", h ? h : json_array());
        }
        json_object_set_new(sel, "q", json_string(q ? q : ""));
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
    if (project)
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
    if (req_form_bool(r, "test")) {
        struct dbws_conn c;
        struct dbws_error err;
        const char *version;
        if (dbws_load(r, uid, &c) == DBWS_STORE_OK)
            dbws_test(r, &c, &version, &err);
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
