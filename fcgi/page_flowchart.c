/* page_flowchart.c — the flowchart page: the chart drawn on the server as inline SVG (a
 * read-only view that needs no JavaScript), the API document for the React Flow editor
 * island (static/build/flowchart.js) that mounts over it, and export links. */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "files.h"
#include "flow_doc.h"
#include "flow_store.h"
#include "handlers.h"
#include "http.h"
#include "saved_by.h"
#include "svg_flow.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

/* header_or_answer: the file's header row (files.h sql_get: uid, title, updated epoch,
 * project uid, project name, _version), or NULL after answering 404/500. */
static PGresult *header_or_answer(struct req *r, const char *uid)
{
    PGresult *res = uid_valid(uid) ? db_query(r, file_kinds[FILE_KIND_flowchart].sql_get,
                                              DB_ARGS(uid)) : NULL;
    if (uid_valid(uid) && !res)
        page_db_error(r);
    else if (!res || PQntuples(res) != 1) {
        page_error(r, 404, "Page not found", "There is no such flowchart.");
        res = NULL;
    }
    return res;
}

void page_flowchart_show(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    struct flow_row row;
    struct flow_doc doc;
    PGresult *h = header_or_answer(r, uid);
    if (!h)
        return;
    int rc = flow_store_load(r, uid, &row);
    if (rc != FLOW_STORE_OK) {
        if (rc == FLOW_STORE_NOT_FOUND)
            page_error(r, 404, "Page not found", "There is no such flowchart.");
        else
            page_db_error(r);
        return;
    }
    struct buf *svg = buf_arena(r->arena);
    size_t nnodes, nedges;
    if (flow_store_svg(r, &row, svg, &nnodes, &nedges) != 0) {
        memset(&doc, 0, sizeof doc);
        svg_flow_render(r->arena, &doc, svg);
    }
    const char *script = view_script_text(r->arena, flow_store_row_json(r, &row));
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "flowchart", json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:i, s:i}",
        "uid", row.uid, "title", row.title, "version", (json_int_t)row.version,
        "updated_human", view_ago(r->arena, strtod(db_val(h, 0, 2), NULL)),
        "api_url", arena_printf(r->arena, "/api/flowcharts/%s", row.uid),
        "rename_action", arena_printf(r->arena, "/flowcharts/%s/rename", row.uid),
        "nodes", (int)nnodes, "edges", (int)nedges));
    json_object_set_new(ctx, "saved_by", saved_by_ctx(r, row.saved_by,
                                                      strtod(db_val(h, 0, 2), NULL)));
    if (*db_val(h, 0, 3))
        json_object_set_new(ctx, "project", json_pack("{s:s, s:s}", "uid", db_val(h, 0, 3),
                                                      "name", db_val(h, 0, 4)));
    json_object_set_new(ctx, "svg", json_stringn_nocheck(buf_cstr(svg), svg->len));
    json_object_set_new(ctx, "doc_json", json_stringn_nocheck(script, strlen(script)));
    view_flash(r, ctx);
    view_render(r, 200, "flowchart", ctx);
}
