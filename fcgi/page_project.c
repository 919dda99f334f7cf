/* page_project.c — create, show, rename/recolor and delete a project; create its files. */
#include "db.h"
#include "files.h"
#include "share.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include "team.h"
#include <stdlib.h>
#include <string.h>


/* name_error: NULL when name is acceptable for a project or file title. */
static const char *name_error(const char *name)
{
    if (!name || !*name)
        return "Enter a name.";
    if (strlen(name) > FILE_NAME_MAX)
        return "Use at most 200 characters.";
    return NULL;
}

void page_project_create(struct req *r)
{
    char *name = arena_strtrim(r->arena, req_form(r, "name"));
    const char *color = req_form(r, "color");
    const char *err = name_error(name);
    if (!palette_valid(color))
        color = PALETTE_DEFAULT;
    if (err) {
        dashboard_render(r, 422, name, color, view_field_error(r, "name", err));
        return;
    }
    PGresult *res = db_query(r,
        "INSERT INTO projects (uid, name, user_id, color, created_at, updated_at) "
        "VALUES (gen_random_uuid()::text, $1, $2, $3, now(), now()) RETURNING uid",
        DB_ARGS(name, r->user->id, color));
    if (!res) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "/projects/%s", db_val(res, 0, 0)));
}

static const char sql_project[] =
    "SELECT id, uid, name, coalesce(color, '" PALETTE_DEFAULT "'), extract(epoch from updated_at) "
    "FROM projects WHERE uid = $1 AND is_deleted IS NOT TRUE";

/* project_lookup: id, uid, name, color, epoch(updated_at) of the user's live project, or NULL
 * after answering 404 (or the database error). */
static PGresult *project_lookup(struct req *r, const char *uid)
{
    if (!uid_valid(uid)) {
        page_error(r, 404, "Page not found", "There is no such project.");
        return NULL;
    }
    PGresult *res = db_query_prepared(r, sql_project, DB_ARGS(uid));
    if (!res) {
        page_db_error(r);
        return NULL;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "Page not found", "There is no such project.");
        return NULL;
    }
    return res;
}

#define PROJECT_FILES_BRANCH(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                  \
    "SELECT " FILE_KIND_SQL_NAME(KIND) " AS kind, uid, " #TITLE " AS title, updated_at, _version," \
    " is_public, share_token, expiry_date FROM " #TABLE " WHERE project_id = $1 AND is_deleted IS NOT TRUE"

static const char sql_project_files[] =
    "SELECT kind, uid, title, extract(epoch from updated_at), coalesce(_version, 0), "
    SHARE_STATE_SQL(f) " FROM ("
    FILES_UNION(PROJECT_FILES_BRANCH) ") f ORDER BY updated_at DESC NULLS LAST";

static json_t *kinds_json(struct req *r, PGresult *files, const char *project_uid)
{
    json_t *kinds = json_array();
    for (int k = 0; k < FILE_KIND_COUNT; k++) {
        const struct file_kind *fk = &file_kinds[k];
        json_t *list = json_array();
        for (int i = 0; i < PQntuples(files); i++) {
            if (strcmp(db_val(files, i, 0), fk->kind) != 0)
                continue;
            double t = strtod(db_val(files, i, 3), NULL);
            const char *uid = db_val(files, i, 1);
            struct share_state st;
            share_state_read(r, files, i, 5, &st);
            json_t *share = share_state_json(r, fk, uid, &st);
            json_object_set_new(share, "next", json_sprintf("/projects/%s", project_uid));
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:o}",
                "uid", uid, "title", db_val(files, i, 2),
                "url", arena_printf(r->arena, "%s%s", fk->url_prefix, uid),
                "updated_human", view_ago(r->arena, t), "updated_iso", view_iso(r->arena, t),
                "thumb_url", file_thumb_url(r->arena, fk, uid, db_val(files, i, 4)), "share", share));
        }
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:s, s:o, s:b}", "kind", fk->kind,
            "label", fk->plural, "singular_label", fk->label, "files", list,
            "has_files", json_array_size(list) > 0));
    }
    return kinds;
}

static void project_render(struct req *r, int status, PGresult *p, const char *name, const char *color,
                           json_t *errors, const char *kind, const char *title)
{
    /* Prepared: planning the union under row-level security cost more than running it. */
    PGresult *files = db_query_prepared(r, sql_project_files, DB_ARGS(db_val(p, 0, 0)));
    if (!files) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    double t = strtod(db_val(p, 0, 4), NULL);
    json_object_set_new(ctx, "project", json_pack("{s:s, s:s, s:s, s:s, s:s}",
        "uid", db_val(p, 0, 1), "name", name, "color", color, "color_class", palette_class(color),
        "updated_human", view_ago(r->arena, t)));
    json_object_set_new(ctx, "kinds", kinds_json(r, files, db_val(p, 0, 1)));
    json_object_set_new(ctx, "colors", palette_json(color));
    json_object_set_new(ctx, "errors", errors ? json_incref(errors) : json_object());
    json_object_set_new(ctx, "new_file", json_pack("{s:s}", "title", title ? title : ""));
    json_object_set_new(ctx, "file_kinds", file_kinds_json(kind));
    json_t *teams = project_team_json(r, db_val(p, 0, 1));
    json_object_set_new(ctx, "has_teams", json_boolean(json_array_size(teams) > 0));
    json_object_set_new(ctx, "teams", teams);
    view_flash(r, ctx);
    view_render(r, status, "project", ctx);
}

void page_project_show(struct req *r)
{
    PGresult *p = project_lookup(r, r->params[0]);
    if (p)
        project_render(r, 200, p, db_val(p, 0, 2), db_val(p, 0, 3), NULL, NULL, NULL);
}

void page_project_update(struct req *r)
{
    PGresult *p = project_lookup(r, r->params[0]);
    if (!p)
        return;
    char *name = arena_strtrim(r->arena, req_form(r, "name"));
    const char *color = req_form(r, "color");
    if (!palette_valid(color))
        color = db_val(p, 0, 3);
    const char *err = name_error(name);
    if (err) {
        project_render(r, 422, p, db_val(p, 0, 2), color, view_field_error(r, "name", err), NULL, NULL);
        return;
    }
    if (!db_query(r, "UPDATE projects SET name = $1, color = $2 WHERE id = $3",
                  DB_ARGS(name, color, db_val(p, 0, 0)))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "/projects/%s?done=saved", db_val(p, 0, 1)));
}

void page_project_delete(struct req *r)
{
    PGresult *p = project_lookup(r, r->params[0]);
    if (!p)
        return;
    if (!db_query(r, "UPDATE projects SET is_deleted = true, deleted_at = now() WHERE id = $1",
                  DB_ARGS(db_val(p, 0, 0)))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, "/dashboard?done=project-deleted");
}

void page_project_file_create(struct req *r)
{
    PGresult *p = project_lookup(r, r->params[0]);
    if (!p)
        return;
    const char *kind = req_form(r, "kind");
    const struct file_kind *fk = file_kind_by_name(kind);
    char *title = arena_strtrim(r->arena, req_form(r, "title"));
    const char *err = fk ? name_error(title) : "Choose what kind of file to create.";
    if (err) {
        project_render(r, 422, p, db_val(p, 0, 2), db_val(p, 0, 3), view_field_error(r, "title", err),
                       kind, title);
        return;
    }
    PGresult *res = db_query(r, fk->sql_insert, DB_ARGS(title, r->user->id, db_val(p, 0, 0)));
    if (!res) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "%s%s", fk->url_prefix, db_val(res, 0, 0)));
}
