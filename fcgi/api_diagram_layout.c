/* api_diagram_layout.c — POST /api/diagrams/:uid/layout: the editor's "Auto-layout" asks the
 * server for the same tidy layout imports get (erd_layout: Graphviz dot, the layered layout as
 * fallback) for the model it sends; the answer is {positions: {entity id: {x, y, color}}} and
 * nothing is stored (the editor applies the positions as one undoable change and saves). */
#include "app.h"
#include "buf.h"
#include "erd_doc.h"
#include "erd_layout.h"
#include "erd_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "view.h"

void api_diagram_layout(struct req *r)
{
    struct erd_doc doc;
    const char *version;
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    struct buf *err = buf_arena(r->arena);
    int rc = uid_valid(uid) ? erd_store_version(r, uid, &version) : ERD_STORE_NOT_FOUND;
    if (rc == ERD_STORE_NOT_FOUND) {
        resp_json_error(r, 404, "not_found", "There is no such diagram.");
        return;
    }
    if (rc != ERD_STORE_OK) {
        page_db_error(r);
        return;
    }
    int prc = erd_doc_parse(r->arena, r->body ? r->body : "", r->body_len, &doc, err);
    if (prc != ERD_PARSE_OK) {
        resp_json_error(r, prc == ERD_PARSE_SYNTAX ? 400 : 422, prc == ERD_PARSE_SYNTAX ? "bad_request" : "invalid",
                        "%s", buf_cstr(err));
        return;
    }
    erd_layout(&doc);
    json_t *pos = json_object();
    for (size_t i = 0; i < doc.nentities; i++) {
        const struct erd_entity *e = &doc.entities[i];
        if (e->id && !json_object_get(pos, e->id))
            json_object_set_new(pos, e->id, json_pack("{s:f, s:f, s:s}", "x", e->x, "y", e->y, "color",
                                                      e->color ? e->color : PALETTE_DEFAULT));
    }
    resp_json(r, 200, json_pack("{s:o}", "positions", pos));
}
