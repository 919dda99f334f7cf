/* page_history.c — the history pages of every file kind, complete without JavaScript: the
 * list of versions (with "save version", compare and restore as plain forms), one version
 * drawn read-only by the kind's own renderer, and two versions compared side by side with
 * the changes listed (tables/columns/relationships and the migration SQL, words, nodes…). */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "handlers.h"
#include "history.h"
#include "http.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

/* HISTORY_PAGE_CSP: the application's policy plus style attributes, which a note's sanitized
 * HTML may carry (colour, alignment, table widths), as on the note page. */
#define HISTORY_PAGE_CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

/* open_or_page: the request's file; 0, or -1 after an error page. */
static int open_or_page(struct req *r, struct history_file *f)
{
    int rc = history_file_open(r, f);
    if (rc == HISTORY_NOT_FOUND)
        page_error(r, 404, "Page not found", "There is no such file.");
    else if (rc != HISTORY_OK)
        page_db_error(r);
    return rc == HISTORY_OK ? 0 : -1;
}

/* human_time: "2026-05-01 12:34 UTC" from an ISO time (NULL/short: "now"). */
static const char *human_time(struct req *r, const char *iso)
{
    if (!iso || strlen(iso) < 16)
        return "now";
    char *s = arena_printf(r->arena, "%.16s UTC", iso);
    s[10] = ' ';
    return s;
}

/* file_ctx: ctx.file = {kind, label, uid, title, url, history_url, api_url} (title: now). */
static void file_ctx(struct req *r, json_t *ctx, const struct history_file *f, const char *title)
{
    json_object_set_new(ctx, "file", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
        "kind", f->fk->kind, "label", f->fk->label, "uid", f->uid, "title", title,
        "url", arena_printf(r->arena, "%s%s", f->fk->url_prefix, f->uid),
        "history_url", arena_printf(r->arena, "%s%s/history", f->fk->url_prefix, f->uid),
        "version", (json_int_t)f->version));
    r->csp = HISTORY_PAGE_CSP;
}

/* current_title: the file's title now ("" when it cannot be read). */
static const char *current_title(struct req *r, const struct history_file *f)
{
    struct history_doc d;
    const char *name;
    return history_load(r, f, "current", &d, &name) == HISTORY_OK ? d.title : "";
}

static const char *change_label(const char *type)
{
    static const char *const labels[][2] = {
        {"insert", "Created"}, {"update", "Edited"}, {"version", "Saved version"},
        {"before_restore", "Before a restore"}, {"before_import", "Before an import"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(type, labels[i][0]) == 0)
            return labels[i][1];
    return type;
}

void page_history_list(struct req *r)
{
    struct history_file f;
    if (open_or_page(r, &f) != 0)
        return;
    PGresult *res = history_list(r, &f);
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *versions = history_versions_json(res), *v;
    size_t i;
    json_array_foreach(versions, i, v) {
        json_object_set_new(v, "when", json_string(human_time(r,
                                json_string_value(json_object_get(v, "created_at")))));
        json_object_set_new(v, "what", json_string(change_label(
                                json_string_value(json_object_get(v, "change_type")))));
    }
    json_t *ctx = view_ctx(r);
    file_ctx(r, ctx, &f, current_title(r, &f));
    json_object_set_new(ctx, "versions", versions);
    json_object_set_new(ctx, "has_versions", json_boolean(json_array_size(versions) > 0));
    view_flash(r, ctx);
    view_render(r, 200, "history", ctx);
}

void page_history_version(struct req *r)
{
    struct history_file f;
    struct history_doc d;
    const char *name, *which = r->nparams > 1 ? r->params[1] : NULL;
    if (open_or_page(r, &f) != 0)
        return;
    int rc = history_load(r, &f, which, &d, &name);
    if (rc != HISTORY_OK) {
        if (rc == HISTORY_NOT_FOUND)
            page_error(r, 404, "Page not found", "There is no such version.");
        else
            page_db_error(r);
        return;
    }
    struct buf *view = buf_arena(r->arena);
    f.ops->render(r, &d, view);
    json_t *ctx = view_ctx(r);
    file_ctx(r, ctx, &f, current_title(r, &f));
    json_object_set_new(ctx, "snapshot", json_pack("{s:s, s:s, s:o, s:s, s:I, s:s, s:s%}",
        "version", which, "title", d.title, "name", name ? json_string(name) : json_null(),
        "when", human_time(r, d.updated_at), "file_version", (json_int_t)d.version,
        "kind", f.fk->kind, "view", buf_cstr(view), view->len));
    view_render(r, 200, "history_version", ctx);
}

/* ---- compare -------------------------------------------------------------------------------- */

/* entry_text: one change as a line: "orders", "orders.total — type, nullable", "a (was b)". */
static const char *entry_text(struct req *r, const json_t *e)
{
    if (json_is_string(e))
        return json_string_value(e);
    const char *table = json_string_value(json_object_get(e, "table"));
    const char *column = json_string_value(json_object_get(e, "column"));
    const char *name = json_string_value(json_object_get(e, "name"));
    const char *label = json_string_value(json_object_get(e, "label"));
    const char *id = json_string_value(json_object_get(e, "id"));
    const char *was = json_string_value(json_object_get(e, "renamed_from"));
    struct buf *b = buf_arena(r->arena);
    if (table && column)
        buf_printf(b, "%s.%s", table, column);
    else if (name || (label && *label))
        buf_puts(b, name ? name : label);
    else if (id)
        buf_puts(b, id);
    else {
        char *s = json_dumps(e, JSON_COMPACT);
        buf_puts(b, s ? s : "");
        free(s);
    }
    if (was)
        buf_printf(b, " (was %s)", was);
    const json_t *what = json_object_get(e, "what"), *w;
    size_t i;
    json_array_foreach(what, i, w)
        if (json_is_string(w))
            buf_printf(b, "%s%s", i ? ", " : " — ", json_string_value(w));
    return buf_cstr(b);
}

/* group_json: {title, changes: [{how, text}]} of a {added, removed, changed} object. */
static json_t *group_json(struct req *r, const char *key, const json_t *g)
{
    static const char *const hows[] = {"added", "removed", "changed"};
    json_t *changes = json_array(), *e;
    size_t i;
    for (int h = 0; h < 3; h++)
        json_array_foreach(json_object_get(g, hows[h]), i, e)
            json_array_append_new(changes, json_pack("{s:s, s:s}", "how", hows[h], "text",
                                                     entry_text(r, e)));
    char *title = arena_strdup(r->arena, key);
    title[0] = (char)(title[0] >= 'a' && title[0] <= 'z' ? title[0] - 32 : title[0]);
    for (char *p = title; *p; p++)
        *p = *p == '_' ? ' ' : *p;
    return json_pack("{s:s, s:o, s:b}", "title", title, "changes", changes,
                     "empty", json_array_size(changes) == 0);
}

/* changes_ctx: the comparison as template data: groups, words (notes), sql, summary. */
static json_t *changes_ctx(struct req *r, const json_t *cmp)
{
    const json_t *diff = json_object_get(cmp, "diff"), *v;
    const json_t *src = json_is_object(diff) ? diff : cmp;
    json_t *groups = json_array();
    const char *key;
    json_object_foreach((json_t *)src, key, v)
        if (json_is_object(v) && json_is_array(json_object_get(v, "added")))
            json_array_append_new(groups, group_json(r, key, v));
    json_t *out = json_pack("{s:o}", "groups", groups);
    const json_t *words = json_object_get(cmp, "words"), *w;
    size_t i;
    if (json_array_size(words)) {
        json_t *runs = json_array();
        json_array_foreach(words, i, w) {
            const char *op = json_string_value(json_object_get(w, "op"));
            json_array_append_new(runs, json_pack("{s:O, s:b, s:b, s:b}", "text",
                json_object_get(w, "text"), "same", strcmp(op, "same") == 0,
                "added", strcmp(op, "added") == 0, "removed", strcmp(op, "removed") == 0));
        }
        json_object_set_new(out, "words", runs);
        json_object_set_new(out, "has_words", json_true());
    }
    const char *sql = json_string_value(json_object_get(cmp, "sql"));
    if (sql && *sql)
        json_object_set_new(out, "sql", json_string(sql));
    const char *summary = json_string_value(json_object_get(diff, "summary"));
    if (summary)
        json_object_set_new(out, "summary", json_string(summary));
    json_object_set(out, "title", json_object_get(cmp, "title"));
    return out;
}

/* side_json: {version, label, view} of one side of the comparison. */
static json_t *side_json(struct req *r, const struct history_file *f, const char *which,
                         const struct history_doc *d)
{
    struct buf *view = buf_arena(r->arena);
    f->ops->render(r, d, view);
    const char *label = strcmp(which, "current") == 0 ? "Current version"
        : arena_printf(r->arena, "Version %s · %s", which, human_time(r, d->updated_at));
    return json_pack("{s:s, s:s, s:s, s:s%}", "version", which, "label", label, "title",
                     d->title, "view", buf_cstr(view), view->len);
}

void page_history_compare(struct req *r)
{
    struct history_file f;
    struct history_doc a, b;
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    if (open_or_page(r, &f) != 0)
        return;
    json_t *cmp = history_compare_json(r, &f, from, to, &a, &b);
    if (!cmp)
        return;
    json_t *ctx = view_ctx(r);
    file_ctx(r, ctx, &f, current_title(r, &f));
    json_object_set_new(ctx, "from", side_json(r, &f, from, &a));
    json_object_set_new(ctx, "to", side_json(r, &f, to, &b));
    json_object_set_new(ctx, "changes", changes_ctx(r, cmp));
    view_render(r, 200, "history_compare", ctx);
}

/* ---- forms ---------------------------------------------------------------------------------- */

void page_history_save(struct req *r)
{
    struct history_file f;
    const char *name;
    if (open_or_page(r, &f) != 0)
        return;
    if (history_name_valid(r, req_form(r, "name"), &name) != 0) {
        page_error(r, 422, "Version not saved", "A version name has at most %d bytes.",
                   FILE_NAME_MAX);
        return;
    }
    int rc = history_snapshot(r, f.fk, f.uid, "version", name, 1, NULL);
    if (rc != HISTORY_OK)
        page_db_error(r);
    else
        resp_redirect(r, arena_printf(r->arena, "%s%s/history?done=version-saved",
                                      f.fk->url_prefix, f.uid));
}

void page_history_restore(struct req *r)
{
    struct history_file f;
    struct history_doc now;
    struct buf *err = buf_arena(r->arena);
    if (open_or_page(r, &f) != 0)
        return;
    const char *which = req_form(r, "version");
    int rc = which && strcmp(which, "current") != 0 ? history_restore(r, &f, which, &now, err)
                                                     : HISTORY_NOT_FOUND;
    if (rc == HISTORY_OK)
        resp_redirect(r, arena_printf(r->arena, "%s%s?done=version-restored", f.fk->url_prefix,
                                      f.uid));
    else if (rc == HISTORY_NOT_FOUND)
        page_error(r, 404, "Page not found", "There is no such version.");
    else if (rc == HISTORY_CONFLICT)
        page_error(r, 409, "Nothing restored", "The file was changed meanwhile; try again.");
    else if (rc == HISTORY_INVALID)
        page_error(r, 422, "Nothing restored", "%s", err->len ? buf_cstr(err)
                   : "This version cannot be restored.");
    else
        page_db_error(r);
}
