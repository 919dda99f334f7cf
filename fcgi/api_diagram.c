/* api_diagram.c — the diagram JSON API: read and save the whole model with optimistic
 * locking (GET/PUT /api/diagrams/:uid), import SQL DDL, DBML or our JSON into it, replacing
 * it or merging by table name (POST …/import?dialect=…&mode=replace|merge) and export it
 * as SQL, DBML, Mermaid, JSON or SVG (GET …/export).  A large import can go to the task runner
 * (…/import?async=1 → 202 {task_uid}; import_task.c runs this same handler).  Errors are JSON {error, message}; any
 * status >= 400 makes the dispatcher roll the transaction back. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "ddl_export.h"
#include "ddl_import.h"
#include "erd_diff.h"
#include "erd_doc.h"
#include "erd_merge.h"
#include "erd_store.h"
#include "files.h"
#include "handlers.h"
#include "history.h"
#include "saved_by.h"
#include "http.h"
#include "svg_erd.h"
#include "task.h"
#include "view.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


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

/* load_or_answer: the user's diagram into *doc; 0, or -1 after answering 404/500/503. */
static int load_or_answer(struct req *r, const char *uid, struct erd_doc *doc)
{
    int rc = erd_store_load(r, uid, doc);
    if (rc == ERD_STORE_NOT_FOUND)
        not_found(r);
    else if (rc != ERD_STORE_OK)
        page_db_error(r);
    return rc == ERD_STORE_OK ? 0 : -1;
}

/* resp_model: 200 with the doc as model JSON. */
static void resp_model(struct req *r, const struct erd_doc *doc)
{
    struct buf *out = buf_arena(r->arena);
    erd_doc_write_json(doc, out);
    resp_text(r, 200, "application/json; charset=utf-8", buf_cstr(out), out->len);
}

/* doc_column_count: the columns of every entity. */
static size_t doc_column_count(const struct erd_doc *doc)
{
    size_t n = 0;
    for (size_t i = 0; i < doc->nentities; i++)
        n += doc->entities[i].ncolumns;
    return n;
}

/* resp_saved: the saved diagram's header and counts — the editor already has the model, so
 * a save of a 1 MB diagram answers a few hundred bytes (GET reads it back whole). */
static void resp_saved(struct req *r, const struct erd_store_saved *s, const struct erd_doc *doc)
{
    const struct erd_doc *h = &s->header;
    const char *by = "";
    double at = 0;
    if (saved_by_load(r, "diagrams", h->uid, &by, &at) != 0) {
        page_db_error(r);
        return;
    }
    json_t *j = json_pack("{s:s, s:s, s:I, s:{s:f, s:f, s:f}, s:{s:I, s:I, s:I, s:I}}",
        "uid", h->uid, "name", h->name, "_version", (json_int_t)h->version, "viewport",
        "x", h->viewport[ERD_VP_X], "y", h->viewport[ERD_VP_Y], "zoom", h->viewport[ERD_VP_ZOOM],
        "saved", "entities", (json_int_t)doc->nentities, "columns", (json_int_t)doc_column_count(doc),
        "relationships", (json_int_t)doc->nrelationships,
        "tables_rewritten", (json_int_t)s->tables_rewritten);
    json_object_set_new(j, "updated_at", json_string(view_iso(r->arena, at)));
    saved_by_set(j, by);
    resp_json(r, 200, j);
}

/* resp_conflict: 409 with the stored model, written as GET writes it, and who saved it when
 * (updated_by_name, updated_at: the model has no such members). */
static void resp_conflict(struct req *r, const struct erd_doc *current)
{
    const char *by = "";
    double at = 0;
    if (saved_by_load(r, "diagrams", current->uid ? current->uid : "", &by, &at) != 0) {
        page_db_error(r);
        return;
    }
    struct buf *out = buf_arena(r->arena);
    buf_puts(out, "{\"error\":\"conflict\",\"message\":\"The diagram was changed elsewhere since "
                  "you loaded it; nothing was saved. Reload it and apply your changes again.\","
                  "\"current\":");
    erd_doc_write_json(current, out);
    saved_by_append(out, by);
    buf_printf(out, ",\"updated_at\":\"%s\"}", view_iso(r->arena, at));
    resp_text(r, 409, "application/json; charset=utf-8", buf_cstr(out), out->len);
}

/* answer_failed_save: the response for a save that did not succeed. */
static void answer_failed_save(struct req *r, int rc, const struct erd_doc *current,
                               const struct buf *err)
{
    if (rc == ERD_STORE_INVALID)
        resp_json_error(r, 422, "invalid", "%s", buf_cstr(err));
    else if (rc == ERD_STORE_CONFLICT)
        resp_conflict(r, current);
    else if (rc == ERD_STORE_NOT_FOUND)
        not_found(r);
    else
        page_db_error(r);
}

void api_diagram_get(struct req *r)
{
    struct erd_doc doc;
    const char *uid = diagram_uid(r);
    if (uid && load_or_answer(r, uid, &doc) == 0)
        resp_model(r, &doc);
}

/* base_version: the document's _version as an int; -1 after answering 422. */
static int base_version(struct req *r, const struct erd_doc *doc)
{
    if (!doc->has_version || doc->version < 0 || doc->version > INT_MAX) {
        resp_json_error(r, 422, "invalid", "_version: is missing or not a non-negative integer "
                        "(send the version you loaded)");
        return -1;
    }
    return (int)doc->version;
}

/* parse_or_answer: the request body as a doc; 0, or -1 after answering 400/422. */
static int parse_or_answer(struct req *r, struct erd_doc *doc)
{
    struct buf *err = buf_arena(r->arena);
    int rc = erd_doc_parse(r->arena, r->body ? r->body : "", r->body_len, doc, err);
    if (rc == ERD_PARSE_SYNTAX)
        resp_json_error(r, 400, "bad_request", "%s", buf_cstr(err));
    else if (rc != ERD_PARSE_OK)
        resp_json_error(r, 422, "invalid", "%s", buf_cstr(err));
    return rc == ERD_PARSE_OK ? 0 : -1;
}

void api_diagram_put(struct req *r)
{
    struct erd_doc doc, current;
    struct erd_store_saved saved;
    struct buf *err = buf_arena(r->arena);
    const char *uid = diagram_uid(r);
    if (!uid || parse_or_answer(r, &doc) != 0)
        return;
    int base = base_version(r, &doc);
    if (base < 0)
        return;
    int rc = erd_store_save(r, uid, base, &doc, &saved, &current, err);
    if (rc == ERD_STORE_OK && history_after_save(r, &file_kinds[FILE_KIND_diagram], uid) != 0)
        page_db_error(r);
    else if (rc == ERD_STORE_OK)
        resp_saved(r, &saved, &doc);
    else
        answer_failed_save(r, rc, &current, err);
}

/* ---- import ----------------------------------------------------------------------------- */

/* sql_media_type: Content-Type starts with application/sql or text/plain (or, for our JSON,
 * application/json). */
static int sql_media_type(const char *ct, int json)
{
    return ct && (strncasecmp(ct, "application/sql", 15) == 0 || strncasecmp(ct, "text/plain", 10) == 0 ||
                  (json && strncasecmp(ct, "application/json", 16) == 0));
}

/* What an import reads and does with it (query: dialect, mode, preview). */
struct import_params {
    enum ddl_dialect dialect;
    int json;       /* dialect=json: our model JSON (the json export) */
    int merge;      /* mode=merge: add to the diagram (erd_merge) instead of replacing it */
    int preview;
};

/* import_params: the query's choices; 0, or -1 after answering 415/422. */
static int import_params(struct req *r, struct import_params *p)
{
    const char *name = req_query(r, "dialect"), *mode = req_query(r, "mode");
    memset(p, 0, sizeof *p);
    p->json = name && strcasecmp(name, "json") == 0;
    if (!name || (!p->json && ddl_dialect_from_name(name, &p->dialect) != 0)) {
        resp_json_error(r, 422, "invalid", "dialect: use postgres, mysql, sqlite, dbml or json");
        return -1;
    }
    if (mode && strcmp(mode, "merge") != 0 && strcmp(mode, "replace") != 0) {
        resp_json_error(r, 422, "invalid", "mode: use merge or replace");
        return -1;
    }
    p->merge = mode && strcmp(mode, "merge") == 0;
    if (!sql_media_type(r->content_type, p->json)) {
        resp_json_error(r, 415, "unsupported_media_type",
                        "Send the SQL as application/sql or text/plain.");
        return -1;
    }
    p->preview = req_query_bool(r, "preview");
    return 0;
}

/* parse_json: the body as our model JSON with fresh ids; 0, or -1 after answering 422. */
static int parse_json(struct req *r, struct erd_doc *doc)
{
    struct buf *err = buf_arena(r->arena);
    if (erd_doc_parse(r->arena, r->body ? r->body : "", r->body_len, doc, err) != ERD_PARSE_OK) {
        resp_json(r, 422, json_pack("{s:s, s:s}", "error", "syntax", "message", buf_cstr(err)));
        return -1;
    }
    if (doc->nentities == 0) {
        resp_json_error(r, 422, "no_tables", "The JSON holds no tables; nothing was imported.");
        return -1;
    }
    erd_reid(r->arena, doc);
    return 0;
}

/* parse_sql: the body as a model in the request arena; 0, or -1 after answering 422. */
static int parse_sql(struct req *r, enum ddl_dialect dialect, int seconds, struct erd_doc *doc,
                     int *skipped)
{
    struct ddl_error err;
    memset(&err, 0, sizeof err);
    if (ddl_import_timed(r->arena, r->body, r->body_len, dialect, seconds, doc,
                         skipped, &err) != 0) {
        resp_json(r, 422, json_pack("{s:s, s:s, s:i, s:i}", "error", "syntax", "message",
                                    err.message[0] ? err.message : "The SQL could not be read.",
                                    "line", err.line, "column", err.column));
        return -1;
    }
    if (doc->nentities == 0) {
        resp_json_error(r, 422, "no_tables", "The SQL defines no tables; nothing was imported.");
        return -1;
    }
    return 0;
}

/* keep_identity: the imported model takes the current diagram's uid, name, version and
 * viewport (the save keeps the stored name when it is NULL). */
static void keep_identity(struct erd_doc *imported, const struct erd_doc *current)
{
    imported->uid = current->uid;
    imported->name = current->name;
    imported->version = current->version;
    imported->has_version = current->has_version;
    memcpy(imported->viewport, current->viewport, sizeof imported->viewport);
    memcpy(imported->has_viewport, current->has_viewport, sizeof imported->has_viewport);
}

/* resp_preview: 200 with {model, diff, skipped, migration_sql} — the model as the import would
 * store it, and the PostgreSQL script from the current model to it (erd_diff.h). */
static void resp_preview(struct req *r, const struct erd_doc *cur, const struct erd_doc *doc,
                         int skipped, const json_t *diff)
{
    struct buf *out = buf_arena(r->arena), *sql = buf_arena(r->arena);
    char *diff_text = json_dumps(diff, JSON_COMPACT);
    json_decref(erd_diff(cur, doc, sql));
    json_t *sql_json = json_stringn(buf_cstr(sql), sql->len);
    char *sql_text = json_dumps(sql_json, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(sql_json);
    buf_puts(out, "{\"model\":");
    erd_doc_write_json(doc, out);
    buf_printf(out, ",\"diff\":%s,\"skipped\":%d,\"migration_sql\":%s}", diff_text ? diff_text : "null",
               skipped, sql_text ? sql_text : "\"\"");
    free(sql_text);
    free(diff_text);
    resp_text(r, 200, "application/json; charset=utf-8", buf_cstr(out), out->len);
}

/* resp_imported: 200 with the stored model (header from the save, children from the import),
 * plus skipped and the diff the import made. */
static void resp_imported(struct req *r, const struct erd_store_saved *s, struct erd_doc *doc,
                          int skipped, const json_t *diff)
{
    struct buf *out = buf_arena(r->arena);
    char *diff_text = json_dumps(diff, JSON_COMPACT);
    doc->uid = s->header.uid;
    doc->name = s->header.name;
    doc->version = s->header.version;
    doc->has_version = true;
    erd_doc_write_json(doc, out);
    buf_truncate(out, out->len - 1);   /* the closing brace */
    buf_printf(out, ",\"skipped\":%d,\"diff\":%s}", skipped, diff_text ? diff_text : "null");
    free(diff_text);
    resp_text(r, 200, "application/json; charset=utf-8", buf_cstr(out), out->len);
}

/* save_import: store the imported model as the diagram's next version and answer. */
static void save_import(struct req *r, const char *uid, const struct erd_doc *current,
                        struct erd_doc *imported, int skipped, const json_t *diff)
{
    struct erd_doc latest;
    struct erd_store_saved saved;
    struct buf *err = buf_arena(r->arena);
    int rc = erd_store_save(r, uid, (int)current->version, imported, &saved, &latest, err);
    if (rc == ERD_STORE_OK)
        resp_imported(r, &saved, imported, skipped, diff);
    else
        answer_failed_save(r, rc, &latest, err);
}

/* queue_import: 202 {task_uid} after queueing the body as an "import" task (import_task.c);
 * the request was already checked (dialect, mode, media type, the diagram readable). */
static void queue_import(struct req *r, const char *uid, const struct import_params *p)
{
    if (p->preview) {
        resp_json_error(r, 422, "invalid", "A preview runs at once; leave out async=1.");
        return;
    }
    if (!r->body_len) {
        resp_json_error(r, 422, "no_tables", "The SQL is empty; nothing was imported.");
        return;
    }
    json_t *params = json_pack("{s:s, s:s, s:s, s:s}", "diagram_uid", uid, "dialect",
                               req_query(r, "dialect"), "mode", p->merge ? "merge" : "replace",
                               "content_type", r->content_type);
    const char *task = task_create(r, "import", params, r->body, r->body_len);
    if (!task) {
        page_db_error(r);
        return;
    }
    resp_json(r, 202, json_pack("{s:s}", "task_uid", task));
}

void api_diagram_import_run(struct req *r, int seconds)
{
    struct import_params p;
    struct erd_doc cur, imported;
    int skipped = 0;
    const char *uid = diagram_uid(r);
    if (!uid || import_params(r, &p) != 0 || load_or_answer(r, uid, &cur) != 0)
        return;
    if (req_query_bool(r, "async")) {
        queue_import(r, uid, &p);
        return;
    }
    if ((p.json ? parse_json(r, &imported) : parse_sql(r, p.dialect, seconds, &imported, &skipped)) != 0)
        return;
    keep_identity(&imported, &cur);
    if (p.merge) {
        struct erd_doc merged;
        erd_merge(r->arena, &cur, &imported, &merged);
        imported = merged;
    }
    json_t *diff = erd_diff(&cur, &imported, NULL);
    int preview = p.preview;
    if (preview)
        resp_preview(r, &cur, &imported, skipped, diff);
    else if (history_snapshot(r, &file_kinds[FILE_KIND_diagram], uid, "before_import", NULL, 0, NULL) != 0)
        page_db_error(r);
    else
        save_import(r, uid, &cur, &imported, skipped, diff);
    json_decref(diff);
}

void api_diagram_import(struct req *r)
{
    api_diagram_import_run(r, r->app->cfg.import_seconds);
}

/* ---- export ----------------------------------------------------------------------------- */


/* with_charset: the content type, with "; charset=utf-8" added when it names none. */
static const char *with_charset(struct arena *a, const char *type)
{
    return strcasestr(type, "charset=") ? type : arena_printf(a, "%s; charset=utf-8", type);
}

/* render_export: the model in format (svg when is_svg) into out; its type and extension. */
static int render_export(const struct erd_doc *doc, int is_svg, enum export_format f,
                         struct buf *out, const char **type, const char **ext)
{
    *type = is_svg ? "image/svg+xml; charset=utf-8" : export_content_type(f);
    *ext = is_svg ? ".svg" : export_file_ext(f);
    if (is_svg) {
        struct svg_erd_opts opts = {.id_prefix = "erd"};
        return svg_erd_render(doc, &opts, out);
    }
    return ddl_export(doc, f, out);
}

static int name_cmp(const void *a, const void *b)
{
    return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* duplicate_table: a table name used twice (letter case ignored, as MySQL and SQLite
 * compare them), or NULL. */
static const char *duplicate_table(struct arena *a, const struct erd_doc *doc)
{
    const char **names = arena_alloc(a, (doc->nentities + 1) * sizeof *names);
    for (size_t i = 0; i < doc->nentities; i++)
        names[i] = doc->entities[i].name ? doc->entities[i].name : "";
    qsort(names, doc->nentities, sizeof *names, name_cmp);
    for (size_t i = 1; i < doc->nentities; i++)
        if (strcasecmp(names[i - 1], names[i]) == 0)
            return names[i];
    return NULL;
}

void api_diagram_export(struct req *r)
{
    enum export_format f = EXPORT_JSON;
    const char *type = NULL, *ext = NULL;
    const char *uid = diagram_uid(r);
    const char *name = req_query(r, "format");
    struct erd_doc doc;
    if (!uid)
        return;
    int is_svg = name && strcmp(name, "svg") == 0;
    if (!is_svg && (!name || export_format_from_name(name, &f) != 0)) {
        resp_json_error(r, 422, "invalid",
                        "format: use postgres, mysql, sqlite, dbml, mermaid, json or svg");
        return;
    }
    if (load_or_answer(r, uid, &doc) != 0)
        return;
    const char *dup = is_svg || f == EXPORT_JSON ? NULL : duplicate_table(r->arena, &doc);
    if (dup) {
        resp_json_error(r, 422, "duplicate_table", "Two tables are named \"%s\"; rename one "
                        "before exporting (the script would define it twice).", dup);
        return;
    }
    struct buf *body = buf_arena(r->arena);
    if (render_export(&doc, is_svg, f, body, &type, &ext) != 0) {
        resp_json_error(r, 500, "export_failed", "The diagram could not be exported.");
        return;
    }
    resp_text(r, 200, with_charset(r->arena, type), buf_cstr(body), body->len);
    resp_headerf(r, "Content-Disposition", "attachment; filename=\"%s%s\"",
                 file_download_name(r->arena, doc.name, "diagram"), ext);
}
