/* api_note.c — the note JSON API: read and save a note with optimistic locking (GET/PUT
 * /api/notes/:uid), download it as HTML or Markdown (GET …/export?format=html|md) and replace
 * its content from Markdown (POST …/import?version=N).  Every content that is stored passes
 * the sanitizer (note_html.h); every content that is sent does too (rows ERD Builder Pro wrote
 * were never sanitized by us).  Errors are JSON {error, message}; any status >= 400 makes the
 * dispatcher roll the transaction back, so a refused save writes nothing. */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "history.h"
#include "html.h"
#include "http.h"
#include "note_cache.h"
#include "note_html.h"
#include "note_md.h"
#include "saved_by.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* NOTE_CONTENT_MAX: the largest note content a save or import accepts, in bytes. */
#define NOTE_CONTENT_MAX (10u * 1024 * 1024)

#define NOTE_COLUMNS "uid, title, COALESCE(content, ''), _version, " \
    "to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), " SAVED_BY_SQL("")

static const char SQL_GET[] =
    "SELECT " NOTE_COLUMNS " FROM notes WHERE uid = $1 AND is_deleted IS NOT TRUE";
/* $1 uid, $2 title, $3 content, $4 base version: the trigger of sql/004 bumps _version. */
static const char SQL_SAVE[] =
    "UPDATE notes SET title = $2, content = $3 "
    "WHERE uid = $1 AND _version = $4::int AND is_deleted IS NOT TRUE "
    "RETURNING uid, title, _version, to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    SAVED_BY_SQL("");

static void not_found(struct req *r)
{
    resp_json_error(r, 404, "not_found", "There is no such note.");
}

/* note_uid: the :uid parameter, or NULL after answering 404. */
static const char *note_uid(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    if (!uid_valid(uid)) {
        not_found(r);
        return NULL;
    }
    return uid;
}

/* note_load: the note row (NOTE_COLUMNS), or NULL after answering 404/500/503. */
static PGresult *note_load(struct req *r, const char *uid)
{
    PGresult *res = db_query(r, SQL_GET, DB_ARGS(uid));
    if (!res)
        page_db_error(r);
    else if (PQntuples(res) != 1)
        not_found(r);
    return res && PQntuples(res) == 1 ? res : NULL;
}

/* note_json: the GET shape {uid, title, content, _version, updated_at, updated_by_name} of a loaded row, with
 * the content sanitized. */
static json_t *note_json(struct req *r, PGresult *res)
{
    struct buf *clean = buf_arena(r->arena);
    const char *content = db_val(res, 0, 2);
    note_cache_sanitize(r->arena, content, strlen(content), clean);
    json_t *j = json_pack("{s:s, s:s, s:s%, s:I, s:s}", "uid", db_val(res, 0, 0), "title",
                          db_val(res, 0, 1), "content", buf_cstr(clean), clean->len, "_version",
                          (json_int_t)db_int(res, 0, 3), "updated_at", db_val(res, 0, 4));
    saved_by_set(j, db_val(res, 0, 5));
    return j;
}

void api_note_get(struct req *r)
{
    const char *uid = note_uid(r);
    PGresult *res = uid ? note_load(r, uid) : NULL;
    if (res)
        resp_json(r, 200, note_json(r, res));
}

/* answer_stale: after an UPDATE that matched nothing: 404 when the note is not (or no longer)
 * the user's, else 409 with the current note. */
static void answer_stale(struct req *r, const char *uid)
{
    PGresult *cur = note_load(r, uid);
    if (!cur)
        return;
    resp_json(r, 409, json_pack("{s:s, s:s, s:o}", "error", "conflict", "message",
        "The note was changed elsewhere since you loaded it; nothing was saved.",
        "current", note_json(r, cur)));
}

/* save: store title and (sanitized) content over base; answers 200/404/409/5xx.  full: the
 * answer carries the content too (import), else the PUT shape. */
static void save(struct req *r, const char *uid, const char *title, const char *content,
                 size_t len, long long base, int full)
{
    if (!note_html_nesting_ok(content, len)) {
        resp_json_error(r, 422, "invalid", "content: elements nest more than %d deep",
                        NOTE_HTML_MAX_NESTING);
        return;
    }
    struct buf *clean = buf_arena(r->arena);
    note_html_sanitize(r->arena, content, len, clean);
    const char *version = arena_printf(r->arena, "%lld", base);
    PGresult *res = db_query(r, SQL_SAVE, DB_ARGS(uid, title, buf_cstr(clean), version));
    if (!res) {
        page_db_error(r);
        return;
    }
    if (PQntuples(res) != 1) {
        answer_stale(r, uid);
        return;
    }
    json_t *j = json_pack("{s:s, s:s, s:I, s:s}", "uid", db_val(res, 0, 0), "title",
                          db_val(res, 0, 1), "_version", (json_int_t)db_int(res, 0, 2),
                          "updated_at", db_val(res, 0, 3));
    saved_by_set(j, db_val(res, 0, 4));
    if (full)
        json_object_set_new(j, "content", json_stringn(buf_cstr(clean), clean->len));
    resp_json(r, 200, j);
}

/* title_or_answer: the trimmed title (1–FILE_NAME_MAX bytes), or NULL after answering 422. */
static const char *title_or_answer(struct req *r, const char *title)
{
    const char *t = title ? arena_strtrim(r->arena, title) : NULL;
    if (!t || !*t || strlen(t) > FILE_NAME_MAX) {
        resp_json_error(r, 422, "invalid", "title: enter 1 to %d bytes of text", FILE_NAME_MAX);
        return NULL;
    }
    return t;
}

void api_note_put(struct req *r)
{
    const char *uid = note_uid(r);
    if (!uid)
        return;
    if (r->body_len > NOTE_CONTENT_MAX + 64 * 1024) {
        resp_json_error(r, 413, "too_large", "A note holds at most 10 MB.");
        return;
    }
    json_error_t jerr;
    json_t *doc = view_keep(r, json_loadb(r->body ? r->body : "", r->body_len, 0, &jerr));
    if (!json_is_object(doc)) {
        resp_json_error(r, 400, "bad_request", "The body is not a JSON object.");
        return;
    }
    json_t *content = json_object_get(doc, "content"), *version = json_object_get(doc, "_version");
    if (!json_is_string(content)) {
        resp_json_error(r, 422, "invalid", "content: must be a string of HTML");
        return;
    }
    if (json_string_length(content) > NOTE_CONTENT_MAX) {
        resp_json_error(r, 413, "too_large", "A note holds at most 10 MB.");
        return;
    }
    if (!json_is_integer(version) || json_integer_value(version) < 0 ||
        json_integer_value(version) > 2147483647) {
        resp_json_error(r, 422, "invalid", "_version: send the version you loaded (a whole number)");
        return;
    }
    const char *title = title_or_answer(r, json_string_value(json_object_get(doc, "title")));
    if (title)
        save(r, uid, title, json_string_value(content), json_string_length(content),
             json_integer_value(version), 0);
}

/* ---- export ------------------------------------------------------------------------------ */


static void export_html(struct req *r, const char *title, const char *content, struct buf *out)
{
    buf_puts(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
    html_txt(out, title);
    buf_puts(out, "</title></head>\n<body>\n");
    note_html_sanitize(r->arena, content, strlen(content), out);
    buf_puts(out, "\n</body></html>\n");
}

void api_note_export(struct req *r)
{
    const char *uid = note_uid(r), *format = req_query(r, "format");
    if (!uid)
        return;
    int md = format && strcmp(format, "md") == 0;
    if (format && !md && strcmp(format, "html") != 0) {
        resp_json_error(r, 422, "invalid", "format: use html or md");
        return;
    }
    PGresult *res = note_load(r, uid);
    if (!res)
        return;
    struct buf *out = buf_arena(r->arena);
    const char *title = db_val(res, 0, 1), *content = db_val(res, 0, 2);
    if (md)
        note_md_export(r->arena, content, strlen(content), out);
    else
        export_html(r, title, content, out);
    resp_headerf(r, "Content-Disposition", "attachment; filename=\"%s.%s\"",
                 file_download_name(r->arena, title, "note"), md ? "md" : "html");
    r->no_store = 1;
    resp_text(r, 200, md ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8",
              buf_cstr(out), out->len);
}

/* ---- import ------------------------------------------------------------------------------ */

static int markdown_type(const char *ct)
{
    return ct && (strncasecmp(ct, "text/markdown", 13) == 0 || strncasecmp(ct, "text/plain", 10) == 0);
}

/* note_import_markdown: replace note uid's content by Markdown md[0..n) over base version
 * (shared by the API and the no-JavaScript form of page_note.c). */
void note_import_markdown(struct req *r, const char *uid, const char *md, size_t n, long long base)
{
    PGresult *cur = note_load(r, uid);
    if (!cur)
        return;
    if (history_snapshot(r, &file_kinds[FILE_KIND_note], uid, "before_import", NULL, 0, NULL) != 0) {
        page_db_error(r);
        return;
    }
    struct buf *html = buf_arena(r->arena);
    note_md_import(r->arena, md, n, html);
    if (html->len > NOTE_CONTENT_MAX) {
        resp_json_error(r, 413, "too_large", "A note holds at most 10 MB.");
        return;
    }
    save(r, uid, db_val(cur, 0, 1), buf_cstr(html), html->len, base, 1);
}

void api_note_import(struct req *r)
{
    long long base;
    const char *uid = note_uid(r);
    if (!uid)
        return;
    if (!markdown_type(r->content_type)) {
        resp_json_error(r, 415, "unsupported_media_type", "Send the Markdown as text/markdown.");
        return;
    }
    if (r->body_len > NOTE_CONTENT_MAX) {
        resp_json_error(r, 413, "too_large", "A note holds at most 10 MB.");
        return;
    }
    if (req_query_int(r, "version", 0, 2147483647, -1, &base) != 0 || base < 0) {
        resp_json_error(r, 422, "invalid", "version: send ?version= with the version you loaded");
        return;
    }
    note_import_markdown(r, uid, r->body, r->body_len, base);
}
