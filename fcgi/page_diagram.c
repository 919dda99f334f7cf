/* page_diagram.c — the ERD editor page: the diagram drawn on the server as inline SVG (so it
 * reads without JavaScript) plus the model as JSON for the editor script to enhance. */
#include "buf.h"
#include "db.h"
#include "erd_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "svg_erd.h"
#include "view.h"

static const char SQL_PROJECT[] =
    "SELECT p.uid, p.name FROM diagrams d JOIN projects p ON p.id = d.project_id "
    "WHERE d.uid = $1 AND d.user_id = $2";

/* project_json: {uid, name, url} of the diagram's project, or NULL when it has none. */
static json_t *project_json(struct req *r, const char *uid, int *db_failed)
{
    PGresult *res = db_query(r, SQL_PROJECT, DB_ARGS(uid, r->user->id));
    *db_failed = res == NULL;
    if (!res || PQntuples(res) != 1)
        return NULL;
    return json_pack("{s:s, s:s, s:s}", "uid", db_val(res, 0, 0), "name", db_val(res, 0, 1), "url",
                     arena_printf(r->arena, "/projects/%s", db_val(res, 0, 0)));
}

/* svg_text: the server-side drawing ("" when the model cannot be drawn). */
static const char *svg_text(struct req *r, const json_t *model)
{
    struct svg_erd_opts opts = {0, 0, "erd"};
    struct buf *svg = buf_arena(r->arena);
    if (svg_erd_render(model, &opts, svg) != 0)
        return "";
    return buf_cstr(svg);
}

void page_diagram_show(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    json_t *model = NULL, *project = NULL;
    int db_failed = 0;
    int rc = uid_valid(uid) ? erd_store_load(r, uid, &model) : ERD_STORE_NOT_FOUND;
    if (rc == ERD_STORE_NOT_FOUND) {
        page_error(r, 404, "Page not found", "There is no such diagram.");
        goto out;
    }
    if (rc != ERD_STORE_OK || (project = project_json(r, uid, &db_failed), db_failed)) {
        page_db_error(r);
        goto out;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "diagram", json_pack("{s:s, s:O, s:O, s:s, s:s}",
        "uid", uid, "name", json_object_get(model, "name"), "version", json_object_get(model, "_version"),
        "url", arena_printf(r->arena, "/diagrams/%s", uid),
        "api_url", arena_printf(r->arena, "/api/diagrams/%s", uid)));
    if (project)
        json_object_set(ctx, "project", project);
    json_object_set_new(ctx, "svg", json_string(svg_text(r, model)));
    json_object_set_new(ctx, "model_json", json_string(view_script_json(r->arena, model)));
    view_flash(r, ctx);
    view_render(r, 200, "diagram", ctx);
out:
    json_decref(project);
    json_decref(model);
}
