/* api_history.c — the history JSON API of every file kind (history.h): list the versions,
 * read one in the shape GET /api/<kind>s/:uid answers, save a named version, restore one
 * (after snapshotting the current state, so the restore can be undone) and compare two.
 * Errors are JSON {error, message}; another user's file is a 404 like a missing one. */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "handlers.h"
#include "history.h"
#include "http.h"
#include "view.h"
#include <string.h>

/* answer_rc: the error response for a failed history call. */
static void answer_rc(struct req *r, int rc, const struct buf *err)
{
    if (rc == HISTORY_NOT_FOUND)
        resp_json_error(r, 404, "not_found", "There is no such file or version.");
    else if (rc == HISTORY_CONFLICT)
        resp_json_error(r, 409, "conflict", "The file was changed meanwhile; nothing was restored.");
    else if (rc == HISTORY_INVALID)
        resp_json_error(r, 422, "invalid", "%s", err && err->len ? buf_cstr(err)
                        : "This version cannot be restored.");
    else
        page_db_error(r);
}

/* open_or_answer: the request's file; 0, or -1 after answering. */
static int open_or_answer(struct req *r, struct history_file *f)
{
    int rc = history_file_open(r, f);
    if (rc != HISTORY_OK)
        answer_rc(r, rc, NULL);
    return rc == HISTORY_OK ? 0 : -1;
}

/* history_versions_json: the list as [{version, file_version, created_at, user_name, name,
 * change_type, size, size_change, named}] (also used by the page). */
json_t *history_versions_json(PGresult *res)
{
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *v = json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:I, s:o, s:b}",
            "version", (json_int_t)db_int(res, i, 0), "file_version", (json_int_t)db_int(res, i, 1),
            "created_at", db_val(res, i, 2), "user_name", db_val(res, i, 3),
            "name", db_isnull(res, i, 4) ? json_null() : json_string(db_val(res, i, 4)),
            "change_type", db_val(res, i, 5), "size", (json_int_t)db_int(res, i, 6),
            "size_change", db_isnull(res, i, 7) ? json_null() : json_integer(db_int(res, i, 7)),
            "named", db_bool(res, i, 8));
        json_array_append_new(a, v);
    }
    return a;
}

void api_history_list(struct req *r)
{
    struct history_file f;
    if (open_or_answer(r, &f) != 0)
        return;
    PGresult *res = history_list(r, &f);
    if (!res)
        page_db_error(r);
    else
        resp_json(r, 200, history_versions_json(res));
}

void api_history_version(struct req *r)
{
    struct history_file f;
    struct history_doc d;
    const char *name;
    if (open_or_answer(r, &f) != 0)
        return;
    int rc = history_load(r, &f, r->nparams > 1 ? r->params[1] : NULL, &d, &name);
    if (rc != HISTORY_OK) {
        answer_rc(r, rc, NULL);
        return;
    }
    const char *json = f.ops->doc_json(r, f.uid, &d);
    resp_text(r, 200, "application/json; charset=utf-8", json, strlen(json));
}

/* body_object: the JSON body as an object (arena-owned), or NULL after answering 400. */
static json_t *body_object(struct req *r)
{
    json_t *body = view_keep(r, json_loadb(r->body ? r->body : "", r->body_len, 0, NULL));
    if (!json_is_object(body))
        resp_json_error(r, 400, "bad_request", "The body is not a JSON object.");
    return json_is_object(body) ? body : NULL;
}

void api_history_save(struct req *r)
{
    struct history_file f;
    const char *name;
    long long id;
    json_t *body = body_object(r);
    if (!body || open_or_answer(r, &f) != 0)
        return;
    const json_t *n = json_object_get(body, "name");
    if ((n && !json_is_null(n) && !json_is_string(n)) ||
        history_name_valid(r, json_string_value(n), &name) != 0) {
        resp_json_error(r, 422, "invalid", "name: up to %d bytes of text, or null", FILE_NAME_MAX);
        return;
    }
    int rc = history_snapshot(r, f.fk, f.uid, "version", name, 1, &id);
    if (rc != HISTORY_OK)
        answer_rc(r, rc, NULL);
    else
        resp_json(r, 201, json_pack("{s:I, s:o, s:I}", "version", (json_int_t)id, "name",
                                    name ? json_string(name) : json_null(), "file_version",
                                    (json_int_t)f.version));
}

void api_history_restore(struct req *r)
{
    struct history_file f;
    struct history_doc now;
    struct buf *err = buf_arena(r->arena);
    json_t *body = body_object(r);
    if (!body || open_or_answer(r, &f) != 0)
        return;
    const json_t *v = json_object_get(body, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 2147483647) {
        resp_json_error(r, 422, "invalid", "version: send the version to restore (a whole number)");
        return;
    }
    const char *which = arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
    int rc = history_restore(r, &f, which, &now, err);
    if (rc != HISTORY_OK) {
        answer_rc(r, rc, err);
        return;
    }
    const char *json = f.ops->doc_json(r, f.uid, &now);
    resp_text(r, 200, "application/json; charset=utf-8", json, strlen(json));
}

/* history_compare_json: versions from and to of f compared ({from, to, title?, …the kind's
 * comparison}), or NULL after answering 404/422/5xx with JSON or a page (page_error).  Also
 * the two states, for the page. */
json_t *history_compare_json(struct req *r, const struct history_file *f, const char *from,
                             const char *to, struct history_doc *a, struct history_doc *b)
{
    const char *na, *nb;
    if (!from || !to) {
        page_error(r, 422, "Nothing to compare", "Choose two versions (from and to).");
        return NULL;
    }
    int rc = history_load(r, f, from, a, &na);
    if (rc == HISTORY_OK)
        rc = history_load(r, f, to, b, &nb);
    if (rc != HISTORY_OK) {
        if (rc == HISTORY_NOT_FOUND)
            page_error(r, 404, "Page not found", "There is no such version.");
        else
            page_db_error(r);
        return NULL;
    }
    json_t *j = f->ops->compare(r, a, b);
    json_object_set_new(j, "from", json_string(from));
    json_object_set_new(j, "to", json_string(to));
    if (strcmp(a->title, b->title) != 0)
        json_object_set_new(j, "title", json_pack("{s:s, s:s}", "from", a->title, "to", b->title));
    return view_keep(r, j);
}

void api_history_compare(struct req *r)
{
    struct history_file f;
    struct history_doc a, b;
    if (open_or_answer(r, &f) != 0)
        return;
    json_t *j = history_compare_json(r, &f, req_query(r, "from"), req_query(r, "to"), &a, &b);
    if (j)
        resp_json(r, 200, json_incref(j));
}
