/* page_file.c — plain pages for notes, drawings and flowcharts (their editors come later),
 * and moving any file to the trash or renaming it. */
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "svg_thumb.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

/* file_lookup: the user's live file named by the path, or NULL after answering. */
static PGresult *file_lookup(struct req *r, const struct file_kind **kind)
{
    const struct file_kind *fk = file_kind_by_path(r->path);
    const char *uid = r->params[0];
    if (!fk || !uid_valid(uid)) {
        page_error(r, 404, "Page not found", "There is no such file.");
        return NULL;
    }
    PGresult *res = db_query(r, fk->sql_get, DB_ARGS(uid));
    if (!res) {
        page_db_error(r);
        return NULL;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "Page not found", "There is no such file.");
        return NULL;
    }
    *kind = fk;
    return res;
}

void page_file_show(struct req *r)
{
    const struct file_kind *fk;
    PGresult *f = file_lookup(r, &fk);
    if (!f)
        return;
    double t = strtod(db_val(f, 0, 2), NULL);
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "file", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
        "kind", fk->kind, "kind_label", fk->label, "uid", db_val(f, 0, 0), "title", db_val(f, 0, 1),
        "url", arena_printf(r->arena, "%s%s", fk->url_prefix, db_val(f, 0, 0)),
        "rename_action", arena_printf(r->arena, "%s%s/rename", fk->url_prefix, db_val(f, 0, 0)),
        "updated_human", view_ago(r->arena, t)));
    json_object_set_new(ctx, "project", json_pack("{s:s, s:s}", "uid", db_val(f, 0, 3),
                                                  "name", db_val(f, 0, 4)));
    view_flash(r, ctx);
    view_render(r, 200, "file", ctx);
}

void page_file_delete(struct req *r)
{
    const struct file_kind *fk;
    PGresult *f = file_lookup(r, &fk);
    if (!f)
        return;
    if (!db_query(r, fk->sql_soft_delete, DB_ARGS(r->params[0]))) {
        page_db_error(r);
        return;
    }
    const char *project = db_val(f, 0, 3);
    resp_redirect(r, *project ? arena_printf(r->arena, "/projects/%s?done=file-deleted", project)
                              : "/dashboard?done=file-deleted");
}

void page_file_rename(struct req *r)
{
    const struct file_kind *fk;
    PGresult *f = file_lookup(r, &fk);
    if (!f)
        return;
    const char *title = arena_strtrim(r->arena, req_form(r, "title"));
    if (!*title || strlen(title) > FILE_NAME_MAX) {
        page_error(r, 422, "Invalid name", "Enter a name of 1 to 200 characters.");
        return;
    }
    if (!db_query(r, fk->sql_rename, DB_ARGS(r->params[0], title))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "%s%s?done=saved", fk->url_prefix, r->params[0]));
}

void page_file_thumb(struct req *r)
{
    const struct file_kind *fk;
    PGresult *f = file_lookup(r, &fk);
    if (!f)
        return;
    if (!fk->thumb) {
        page_error(r, 404, "Page not found", "This kind of file has no thumbnail.");
        return;
    }
    const char *version = db_val(f, 0, 5);
    const char *etag = arena_printf(r->arena, "\"v%s\"", version);
    const char *want = req_query(r, "v");
    resp_header(r, "ETag", etag);
    r->cache_control = want && strcmp(want, version) == 0 ? "private, max-age=31536000, immutable"
                                                          : "private, no-cache";
    if (r->if_none_match && strcmp(r->if_none_match, etag) == 0) {
        r->status = 304;
        return;
    }
    const char *svg = fk->thumb(r, r->params[0], version);
    if (!*svg)
        svg = SVG_THUMB_PLACEHOLDER;
    resp_text(r, 200, "image/svg+xml", svg, strlen(svg));
}
