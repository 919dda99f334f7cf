/* page_diagram.c — the ERD editor page: the diagram drawn on the server as inline SVG (so it
 * reads without JavaScript) plus the model as JSON and the drawing's box geometry for the
 * editor script to enhance it with. A big diagram is not drawn into the page at all: its
 * <noscript> shows the SVG export as an image (templates/diagram.mustache), so readers without
 * JavaScript still see it while the editor's page skips drawing (up to a second at 1,000
 * tables, and never cached above 4 MB), 2–3 MB of markup and the parser's time on it. */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "erd_geometry.h"
#include "erd_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "saved_by.h"
#include "share.h"
#include "svg_cache.h"
#include "view.h"
#include <string.h>

/* Above this many tables the page links the drawing (for readers without JavaScript) instead
 * of inlining it. */
enum { PAGE_DIAGRAM_NOSCRIPT_TABLES = 60 };

static const char SQL_PROJECT[] =
    "SELECT p.uid, p.name FROM diagrams d JOIN projects p ON p.id = d.project_id "
    "WHERE d.uid = $1";

/* project_json: {uid, name, url} of the diagram's project, or NULL when it has none. */
static json_t *project_json(struct req *r, const char *uid, int *db_failed)
{
    PGresult *res = db_query(r, SQL_PROJECT, DB_ARGS(uid));
    *db_failed = res == NULL;
    if (!res || PQntuples(res) != 1)
        return NULL;
    return json_pack("{s:s, s:s, s:s}", "uid", db_val(res, 0, 0), "name", db_val(res, 0, 1), "url",
                     arena_printf(r->arena, "/projects/%s", db_val(res, 0, 0)));
}

void page_diagram_show(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    struct erd_doc doc;
    json_t *project = NULL;
    int db_failed = 0;
    int rc = uid_valid(uid) ? erd_store_load(r, uid, &doc) : ERD_STORE_NOT_FOUND;
    if (rc == ERD_STORE_NOT_FOUND) {
        page_error(r, 404, "Page not found", "There is no such diagram.");
        return;
    }
    if (rc != ERD_STORE_OK || (project = project_json(r, uid, &db_failed), db_failed)) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "diagram", json_pack("{s:s, s:s, s:I, s:s, s:s}",
        "uid", uid, "name", doc.name, "version", (json_int_t)doc.version,
        "url", arena_printf(r->arena, "/diagrams/%s", uid),
        "api_url", arena_printf(r->arena, "/api/diagrams/%s", uid)));
    if (project)
        json_object_set_new(ctx, "project", project);
    const char *by = "";
    double at = 0;
    if (saved_by_load(r, "diagrams", uid, &by, &at) != 0) {
        page_db_error(r);
        return;
    }
    json_object_set_new(ctx, "saved_by", saved_by_ctx(r, by, at));
    struct share_state st;
    if (share_get(r, file_kind_by_name("diagram"), uid, &st) != 0) {
        page_db_error(r);
        return;
    }
    json_t *share = share_state_json(r, file_kind_by_name("diagram"), uid, &st);
    json_object_set_new(share, "next", json_sprintf("/diagrams/%s", uid));
    json_object_set_new(ctx, "share", share);
    json_object_set_new(ctx, "box", json_pack("{s:i, s:i, s:i, s:i}", "header_h", ERD_BOX_HEADER_H,
        "row_h", ERD_BOX_ROW_H, "min_w", ERD_BOX_MIN_W, "max_w", ERD_BOX_MAX_W));
    /* The drawing, and the model for the editor escaped for a <script> element: both UTF-8
     * by construction (from the database's text), so jansson need not check megabytes. */
    struct buf *model = buf_arena(r->arena);
    erd_doc_write_json(&doc, model);
    if (doc.nentities > PAGE_DIAGRAM_NOSCRIPT_TABLES) {
        json_object_set_new(ctx, "svg_linked", json_pack("{s:I}", "tables", (json_int_t)doc.nentities));
    } else {
        const char *svg = svg_cache_full(r, &doc, buf_cstr(model));
        json_object_set_new(ctx, "svg", json_stringn_nocheck(svg, strlen(svg)));
    }
    const char *script = view_script_text(r->arena, buf_cstr(model));
    json_object_set_new(ctx, "model_json", json_stringn_nocheck(script, strlen(script)));
    view_flash(r, ctx);
    view_render(r, 200, "diagram", ctx);
}
