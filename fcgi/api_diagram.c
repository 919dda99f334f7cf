/* api_diagram.c — the diagram JSON API: read and save the whole model with optimistic
 * locking (GET/PUT /api/diagrams/:uid), import SQL DDL into it (POST …/import) and export it
 * as SQL, DBML, Mermaid, JSON or SVG (GET …/export).  Errors are JSON {error, message}; any
 * status >= 400 makes the dispatcher roll the transaction back. */
#include "arena.h"
#include "buf.h"
#include "ddl_export.h"
#include "ddl_import.h"
#include "erd_diff.h"
#include "erd_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "svg_erd.h"
#include "view.h"
#include <limits.h>
#include <string.h>
#include <strings.h>

#define SAFE_NAME_MAX 100

static void not_found(struct req *r)
{
    resp_json_error(r, 404, "not_found", "There is no such diagram.");
}

/* diagram_uid: the :uid parameter, or NULL after answering 404 when it cannot be one. */
static const char *diagram_uid(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    if (!uid_valid(uid)) {
        not_found(r);
        return NULL;
    }
    return uid;
}

/* load_or_answer: the user's diagram model, or NULL after answering 404/500/503. */
static json_t *load_or_answer(struct req *r, const char *uid)
{
    json_t *model = NULL;
    int rc = erd_store_load(r, uid, &model);
    if (rc == ERD_STORE_NOT_FOUND)
        not_found(r);
    else if (rc != ERD_STORE_OK)
        page_db_error(r);
    return model;
}

/* answer_save: the response for an erd_store_save result (steals saved). */
static void answer_save(struct req *r, int rc, json_t *saved)
{
    switch (rc) {
    case ERD_STORE_OK:
        resp_json(r, 200, saved);
        return;
    case ERD_STORE_INVALID:
        resp_json(r, 422, saved);
        return;
    case ERD_STORE_CONFLICT:
        resp_json(r, 409, json_pack("{s:s, s:s, s:o}", "error", "conflict", "message",
            "The diagram was changed elsewhere since you loaded it; nothing was saved. "
            "Reload it and apply your changes again.", "current", saved));
        return;
    case ERD_STORE_NOT_FOUND:
        json_decref(saved);
        not_found(r);
        return;
    default:
        json_decref(saved);
        page_db_error(r);
    }
}

void api_diagram_get(struct req *r)
{
    const char *uid = diagram_uid(r);
    const char *text = NULL;
    if (!uid)
        return;
    int rc = erd_store_load_text(r, uid, &text, NULL, NULL);
    if (rc == ERD_STORE_NOT_FOUND)
        not_found(r);
    else if (rc != ERD_STORE_OK)
        page_db_error(r);
    else
        resp_text(r, 200, "application/json; charset=utf-8", text, strlen(text));
}

/* base_version: the body's _version as an int; -1 after answering 422. */
static int base_version(struct req *r)
{
    const json_t *v = json_object_get(r->json, "_version");
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT_MAX) {
        resp_json_error(r, 422, "invalid", "_version: is missing or not a non-negative integer "
                        "(send the version you loaded)");
        return -1;
    }
    return (int)json_integer_value(v);
}

void api_diagram_put(struct req *r)
{
    const char *uid = diagram_uid(r);
    if (!uid)
        return;
    if (!json_is_object(r->json)) {
        resp_json_error(r, 422, "invalid", "model: is not an object");
        return;
    }
    int base = base_version(r);
    if (base < 0)
        return;
    json_t *saved = NULL;
    int rc = erd_store_save(r, uid, base, r->json, &saved);
    answer_save(r, rc, saved);
}

/* ---- import ----------------------------------------------------------------------------- */

/* sql_media_type: Content-Type starts with application/sql or text/plain. */
static int sql_media_type(const char *ct)
{
    return ct && (strncasecmp(ct, "application/sql", 15) == 0 || strncasecmp(ct, "text/plain", 10) == 0);
}

/* import_params: dialect and preview from the query; 0, or -1 after answering 415/422. */
static int import_params(struct req *r, enum ddl_dialect *dialect, int *preview)
{
    const char *name = req_query(r, "dialect");
    const char *p = req_query(r, "preview");
    if (!name || ddl_dialect_from_name(name, dialect) != 0) {
        resp_json_error(r, 422, "invalid", "dialect: use postgres, mysql or sqlite");
        return -1;
    }
    if (!sql_media_type(r->content_type)) {
        resp_json_error(r, 415, "unsupported_media_type",
                        "Send the SQL as application/sql or text/plain.");
        return -1;
    }
    *preview = p && (strcmp(p, "1") == 0 || strcmp(p, "true") == 0);
    return 0;
}

/* parse_sql: the body as a model, or NULL after answering 422. */
static json_t *parse_sql(struct req *r, enum ddl_dialect dialect, int *skipped)
{
    json_t *model = NULL;
    struct ddl_error err;
    memset(&err, 0, sizeof err);
    if (ddl_import(r->body, r->body_len, dialect, &model, skipped, &err) != 0) {
        resp_json(r, 422, json_pack("{s:s, s:s, s:i, s:i}", "error", "syntax", "message",
                                    err.message[0] ? err.message : "The SQL could not be read.",
                                    "line", err.line, "column", err.column));
        return NULL;
    }
    if (json_array_size(json_object_get(model, "entities")) == 0) {
        json_decref(model);
        resp_json_error(r, 422, "no_tables", "The SQL defines no tables; nothing was imported.");
        return NULL;
    }
    return model;
}

/* keep_identity: give the imported model the current diagram's name and viewport. */
static void keep_identity(json_t *imported, const json_t *current)
{
    json_object_set(imported, "name", json_object_get(current, "name"));
    json_object_set(imported, "viewport", json_object_get(current, "viewport"));
}

void api_diagram_import(struct req *r)
{
    enum ddl_dialect dialect;
    int preview = 0, skipped = 0;
    json_t *current = NULL, *imported = NULL, *diff = NULL, *saved = NULL;
    const char *uid = diagram_uid(r);
    if (!uid || import_params(r, &dialect, &preview) != 0)
        goto out;
    if (!(current = load_or_answer(r, uid)) || !(imported = parse_sql(r, dialect, &skipped)))
        goto out;
    keep_identity(imported, current);
    diff = erd_diff(current, imported, NULL);
    if (preview) {
        resp_json(r, 200, json_pack("{s:O, s:O, s:i}", "model", imported, "diff", diff, "skipped", skipped));
        goto out;
    }
    int base = (int)json_integer_value(json_object_get(current, "_version"));
    int rc = erd_store_save(r, uid, base, imported, &saved);
    if (rc == ERD_STORE_OK) {
        json_object_set_new(saved, "skipped", json_integer(skipped));
        json_object_set(saved, "diff", diff);
    }
    answer_save(r, rc, saved);
out:
    json_decref(current);
    json_decref(imported);
    json_decref(diff);
}

/* ---- export ----------------------------------------------------------------------------- */

/* safe_file_name: name reduced to [A-Za-z0-9._-] (runs of anything else become one '_',
 * no leading dot), at most SAFE_NAME_MAX bytes; "diagram" when nothing is left. */
static const char *safe_file_name(struct arena *a, const char *name)
{
    char *out = arena_alloc(a, SAFE_NAME_MAX + 1);
    size_t n = 0;
    for (const char *p = name ? name : ""; *p && n < SAFE_NAME_MAX; p++) {
        char c = *p;
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        if (!ok)
            c = '_';
        if ((c == '_' && n && out[n - 1] == '_') || ((c == '.' || c == '_') && n == 0))
            continue;
        out[n++] = c;
    }
    while (n && (out[n - 1] == '_' || out[n - 1] == '.'))
        n--;
    out[n] = '\0';
    return n ? out : "diagram";
}

/* with_charset: the content type, with "; charset=utf-8" added when it names none. */
static const char *with_charset(struct arena *a, const char *type)
{
    return strcasestr(type, "charset=") ? type : arena_printf(a, "%s; charset=utf-8", type);
}

/* render_export: the model in format (svg when is_svg) into out; its type and extension. */
static int render_export(const json_t *model, int is_svg, enum export_format f, struct buf *out,
                         const char **type, const char **ext)
{
    if (is_svg) {
        struct svg_erd_opts opts = {0, 0, "erd"};
        *type = "image/svg+xml; charset=utf-8";
        *ext = ".svg";
        return svg_erd_render(model, &opts, out);
    }
    *type = export_content_type(f);
    *ext = export_file_ext(f);
    return ddl_export(model, f, out);
}

void api_diagram_export(struct req *r)
{
    enum export_format f = EXPORT_JSON;
    const char *type = NULL, *ext = NULL;
    const char *uid = diagram_uid(r);
    const char *name = req_query(r, "format");
    json_t *model = NULL;
    if (!uid)
        goto out;
    int is_svg = name && strcmp(name, "svg") == 0;
    if (!is_svg && (!name || export_format_from_name(name, &f) != 0)) {
        resp_json_error(r, 422, "invalid",
                        "format: use postgres, mysql, sqlite, dbml, mermaid, json or svg");
        goto out;
    }
    if (!(model = load_or_answer(r, uid)))
        goto out;
    struct buf *body = buf_arena(r->arena);
    if (render_export(model, is_svg, f, body, &type, &ext) != 0) {
        resp_json_error(r, 500, "export_failed", "The diagram could not be exported.");
        goto out;
    }
    resp_text(r, 200, with_charset(r->arena, type), buf_cstr(body), body->len);
    resp_headerf(r, "Content-Disposition", "attachment; filename=\"%s%s\"",
                 safe_file_name(r->arena, json_string_value(json_object_get(model, "name"))), ext);
out:
    json_decref(model);
}
