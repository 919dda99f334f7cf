/* page_drawing.c — the drawing page (GET /drawings/:uid) and the drawing thumbnail.
 *
 * The page carries the drawing drawn on the server as inline SVG in #drawing-view (it reads
 * without JavaScript), the API document in #drawing-doc for the Excalidraw island that
 * static/build/drawing.js mounts in #drawing-editor, and the export links.
 *
 * Excalidraw needs more than the default Content-Security-Policy, on this page only
 * (DRAWING_CSP): the app's policy plus style-src-attr 'unsafe-inline' — its "export as SVG"
 * parses markup carrying style="…" attributes.  Measured in Chromium over loading, drawing,
 * text, image upload and reload, and the exports: nothing else is needed (Excalidraw's fonts
 * come from our own copy; pasted images are data: URLs, which img-src allows).
 * Scripts stay 'self' only (no 'unsafe-eval', no inline script: #drawing-doc is JSON data,
 * not run), frames, objects and <base> stay off. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "draw_doc.h"
#include "drawing_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "saved_by.h"
#include "svg_draw.h"
#include "view.h"
#include <string.h>

#define DRAWING_CSP APP_CSP "; style-src-attr 'unsafe-inline'"

void page_drawing_show(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    struct drawing_row row;
    int rc = uid_valid(uid) ? drawing_load(r, uid, &row) : DRAWING_NOT_FOUND;
    if (rc == DRAWING_NOT_FOUND) {
        page_error(r, 404, "Page not found", "There is no such drawing.");
        return;
    }
    if (rc != DRAWING_OK) {
        page_db_error(r);
        return;
    }
    struct buf *svg = buf_arena(r->arena);
    drawing_svg(r, &row, "dv", svg);
    struct buf *doc = buf_arena(r->arena);
    drawing_json(r, &row, doc);
    const char *script = view_script_text(r->arena, buf_cstr(doc));
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "drawing", json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b}",
        "uid", row.uid, "title", row.title, "version", (json_int_t)row.version,
        "url", arena_printf(r->arena, "/drawings/%s", row.uid),
        "rename_action", arena_printf(r->arena, "/drawings/%s/rename", row.uid),
        "api_url", arena_printf(r->arena, "/api/drawings/%s", row.uid),
        "updated_human", view_ago(r->arena, row.updated), "unreadable", row.unreadable));
    json_object_set_new(ctx, "saved_by", saved_by_ctx(r, row.saved_by, row.updated));
    if (*row.project_uid)
        json_object_set_new(ctx, "project", json_pack("{s:s, s:s}", "uid", row.project_uid,
                                                      "name", row.project_name));
    json_object_set_new(ctx, "svg", json_stringn_nocheck(svg->data, svg->len));
    json_object_set_new(ctx, "doc_json", json_stringn_nocheck(script, strlen(script)));
    view_flash(r, ctx);
    r->csp = DRAWING_CSP;
    view_render(r, 200, "drawing", ctx);
}

const char *drawing_thumb(struct req *r, const char *uid, const char *version)
{
    (void)version;
    struct drawing_row row;
    if (drawing_load(r, uid, &row) != DRAWING_OK)
        return "";
    struct buf *out = buf_arena(r->arena);
    return svg_draw_thumb(r->arena, drawing_doc(r, &row), out) == 0 ? buf_cstr(out) : "";
}
