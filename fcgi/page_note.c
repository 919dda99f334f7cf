/* page_note.c — the note page: the note drawn by the server as sanitized HTML (the read-only
 * view, complete without JavaScript), a table of contents from its headings, the word count,
 * export links and an import-Markdown form that posts a textarea (no multipart, no script),
 * plus the mount point and the document for the TipTap editor (static/build/note.js), which
 * replaces the view when it loads.  Also the note thumbnail for lists: its first lines. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "html.h"
#include "http.h"
#include "note_cache.h"
#include "note_html.h"
#include "saved_by.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

/* NOTE_PAGE_CSP: the application's policy, plus style attributes: the sanitizer keeps only
 * colour, text-align and table widths with checked values, and TipTap writes the same styles
 * in the editor.  Nothing else is loosened (no inline <style>, no inline script). */
#define NOTE_PAGE_CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

static const char SQL_NOTE[] =
    "SELECT n.uid, n.title, COALESCE(n.content, ''), n._version, "
    "to_char(n.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "extract(epoch FROM n.updated_at), p.uid, p.name, " SAVED_BY_SQL("n.") " "
    "FROM notes n LEFT JOIN projects p ON p.id = n.project_id "
    "WHERE n.uid = $1 AND n.is_deleted IS NOT TRUE";

/* toc_json: [{level, id, text}] of the headings. */
static json_t *toc_json(const struct note_html_info *info)
{
    json_t *toc = json_array();
    for (size_t i = 0; i < info->ntoc; i++)
        json_array_append_new(toc, json_pack("{s:i, s:s, s:s}", "level", info->toc[i].level,
                                             "id", info->toc[i].id, "text", info->toc[i].text));
    return toc;
}

/* doc_script: the GET API document for the editor, escaped for a <script> element. */
static const char *doc_script(struct req *r, PGresult *f, const struct buf *clean)
{
    json_t *doc = view_keep(r, json_pack("{s:s, s:s, s:s%, s:I, s:s}", "uid", db_val(f, 0, 0),
        "title", db_val(f, 0, 1), "content", buf_cstr(clean), clean->len,
        "_version", (json_int_t)db_int(f, 0, 3), "updated_at", db_val(f, 0, 4)));
    saved_by_set(doc, db_val(f, 0, 8));
    return view_script_json(r->arena, doc);
}

void page_note_show(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    PGresult *f = uid_valid(uid) ? db_query(r, SQL_NOTE, DB_ARGS(uid)) : NULL;
    if (uid_valid(uid) && !f) {
        page_db_error(r);
        return;
    }
    if (!f || PQntuples(f) != 1) {
        page_error(r, 404, "Page not found", "There is no such note.");
        return;
    }
    const char *content = db_val(f, 0, 2);
    struct buf *view = buf_arena(r->arena), *clean = buf_arena(r->arena);
    struct note_html_info info = {0};
    note_cache_page(r->arena, content, strlen(content), view, &info, clean);
    const char *script = doc_script(r, f, clean);
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "note", json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:b}",
        "uid", uid, "title", db_val(f, 0, 1), "version", (json_int_t)db_int(f, 0, 3),
        "url", arena_printf(r->arena, "/notes/%s", uid),
        "rename_action", arena_printf(r->arena, "/notes/%s/rename", uid),
        "api_url", arena_printf(r->arena, "/api/notes/%s", uid),
        "updated_human", view_ago(r->arena, strtod(db_val(f, 0, 5), NULL)),
        "words", (json_int_t)info.words, "empty", view->len == 0));
    json_object_set_new(ctx, "saved_by", saved_by_ctx(r, db_val(f, 0, 8),
                                                      strtod(db_val(f, 0, 5), NULL)));
    if (!db_isnull(f, 0, 6))
        json_object_set_new(ctx, "project", json_pack("{s:s, s:s}", "uid", db_val(f, 0, 6),
                                                      "name", db_val(f, 0, 7)));
    if (info.ntoc) {
        json_object_set_new(ctx, "toc", toc_json(&info));
        json_object_set_new(ctx, "has_toc", json_true());
    }
    json_object_set_new(ctx, "view_html", json_stringn_nocheck(buf_cstr(view), view->len));
    json_object_set_new(ctx, "doc_json", json_stringn_nocheck(script, strlen(script)));
    r->csp = NOTE_PAGE_CSP;
    view_flash(r, ctx);
    view_render(r, 200, "note", ctx);
}

/* page_note_import: POST /notes/:uid/import — the form's textarea "markdown" replaces the
 * content when "version" is still current; back to the note, or an error page. */
void page_note_import(struct req *r)
{
    const char *uid = r->params[0], *md = req_form(r, "markdown"), *v = req_form(r, "version");
    char *end = NULL;
    long long base = v && *v ? strtoll(v, &end, 10) : -1;
    if (!uid_valid(uid)) {
        page_error(r, 404, "Page not found", "There is no such note.");
        return;
    }
    if (!md || base < 0 || (end && *end)) {
        page_error(r, 422, "Nothing imported", "Paste the Markdown into the form and send it again.");
        return;
    }
    note_import_markdown(r, uid, md, strlen(md), base);
    if (r->status == 200)
        resp_redirect(r, arena_printf(r->arena, "/notes/%s?done=saved", uid));
    else if (r->status == 409)
        page_error(r, 409, "Nothing imported", "The note was changed since this page was loaded; "
                   "reload it and import again.");
    else if (r->status == 404)
        page_error(r, 404, "Page not found", "There is no such note.");
    else if (r->status == 413)
        page_error(r, 413, "Too large", "A note holds at most 10 MB.");
}

/* ---- thumbnail ---------------------------------------------------------------------------- */

#define THUMB_LINES 7
#define THUMB_CHARS 34

/* thumb_line: append one line of text (at most THUMB_CHARS characters) as a <text> element. */
static void thumb_line(struct buf *svg, const char *s, size_t n, int row)
{
    size_t chars = 0, i = 0;
    while (i < n && chars < THUMB_CHARS) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
            i++;
        chars++;
    }
    buf_printf(svg, "<text x=\"12\" y=\"%d\"%s>", 24 + row * 18,
               row == 0 ? " font-weight=\"700\"" : "");
    html_escape(svg, s, i);
    buf_puts(svg, i < n ? "…</text>" : "</text>");
}

static const char SQL_THUMB[] =
    "SELECT COALESCE(content, '') FROM notes WHERE uid = $1 AND is_deleted IS NOT TRUE";

const char *note_thumb(struct req *r, const char *uid, const char *version)
{
    (void)version;
    PGresult *res = db_query(r, SQL_THUMB, DB_ARGS(uid));
    if (!res || PQntuples(res) != 1)
        return "";
    const char *content = db_val(res, 0, 0);
    struct note_html_info info = {.text_max = 600};
    struct buf *scratch = buf_arena(r->arena), *svg = buf_arena(r->arena);
    note_html_view(r->arena, content, strlen(content), scratch, &info);
    buf_puts(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 150\" width=\"240\" "
                  "height=\"150\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#374151\">"
                  "<rect width=\"240\" height=\"150\" fill=\"#ffffff\"/>");
    const char *p = info.text;
    for (int row = 0; *p && row < THUMB_LINES;) {
        size_t n = strcspn(p, "\n");
        if (p[strspn(p, " \t")] != '\n' && n > strspn(p, " \t"))
            thumb_line(svg, p, n, row++);
        p += n + (p[n] == '\n');
    }
    buf_puts(svg, "</svg>");
    return buf_cstr(svg);
}
