/* page_trash.c — deleted projects and files: list, restore, delete forever. */
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

static const char sql_trash_projects[] =
    "SELECT uid, name, coalesce(color, '" PALETTE_DEFAULT "'), extract(epoch from deleted_at) FROM projects"
    " WHERE is_deleted IS TRUE ORDER BY deleted_at DESC NULLS LAST";

#define TRASH_BRANCH(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                          \
    "SELECT " FILE_KIND_SQL_NAME(KIND) " AS kind, uid, " #TITLE " AS title, deleted_at,"       \
    " project_id FROM " #TABLE " WHERE is_deleted IS TRUE"

static const char sql_trash_files[] =
    "SELECT f.kind, f.uid, f.title, extract(epoch from f.deleted_at), coalesce(p.name, '') FROM ("
    FILES_UNION(TRASH_BRANCH) ") f LEFT JOIN projects p ON p.id = f.project_id"
    " ORDER BY f.deleted_at DESC NULLS LAST";

void page_trash(struct req *r)
{
    PGresult *ps = db_query(r, sql_trash_projects, DB_NOARGS);
    PGresult *fs = ps ? db_query(r, sql_trash_files, DB_NOARGS) : NULL;
    if (!fs) {
        page_db_error(r);
        return;
    }
    json_t *projects = json_array(), *files = json_array();
    for (int i = 0; i < PQntuples(ps); i++)
        json_array_append_new(projects, json_pack("{s:s, s:s, s:s, s:s}", "uid", db_val(ps, i, 0),
            "name", db_val(ps, i, 1), "color_class", palette_class(db_val(ps, i, 2)),
            "deleted_human", view_ago(r->arena, strtod(db_val(ps, i, 3), NULL))));
    for (int i = 0; i < PQntuples(fs); i++) {
        const struct file_kind *fk = file_kind_by_name(db_val(fs, i, 0));
        json_array_append_new(files, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", fk->kind,
            "kind_label", fk->label, "uid", db_val(fs, i, 1), "title", db_val(fs, i, 2),
            "project_name", db_val(fs, i, 4),
            "deleted_human", view_ago(r->arena, strtod(db_val(fs, i, 3), NULL))));
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "nav_trash", json_true());
    json_object_set_new(ctx, "empty", json_boolean(PQntuples(ps) + PQntuples(fs) == 0));
    json_object_set_new(ctx, "projects", projects);
    json_object_set_new(ctx, "files", files);
    view_flash(r, ctx);
    view_render(r, 200, "trash", ctx);
}

/* trash_apply: run the restore or purge statement for form fields type + uid; 404 when
 * nothing of the user's matched. */
static void trash_apply(struct req *r, int purge)
{
    const char *type = req_form(r, "type"), *uid = req_form(r, "uid");
    const struct file_kind *fk = file_kind_by_name(type);
    int is_project = type && strcmp(type, "project") == 0;
    if ((!fk && !is_project) || !uid_valid(uid)) {
        page_error(r, 404, "Not found", "There is no such item in the trash.");
        return;
    }
    if (purge && !req_form_bool(r, "confirm")) {
        page_error(r, 422, "Please confirm", "Tick “I understand this cannot be undone” to delete forever.");
        return;
    }
    PGresult *res;
    if (is_project && purge) {
        /* The project's files go with it (their FK would otherwise just be cleared). */
        for (int k = 0; k < FILE_KIND_COUNT; k++)
            if (!db_query(r, file_kinds[k].sql_purge_project, DB_ARGS(uid))) {
                page_db_error(r);
                return;
            }
        res = db_query(r, "DELETE FROM projects WHERE uid = $1 AND is_deleted IS TRUE RETURNING uid",
                       DB_ARGS(uid));
    } else if (is_project) {
        res = db_query(r, "UPDATE projects SET is_deleted = false, deleted_at = NULL "
                          "WHERE uid = $1 AND is_deleted IS TRUE RETURNING uid", DB_ARGS(uid));
    } else {
        res = db_query(r, purge ? fk->sql_purge : fk->sql_restore, DB_ARGS(uid));
    }
    if (!res) {
        page_db_error(r);
        return;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "Not found", "There is no such item in the trash.");
        return;
    }
    resp_redirect(r, purge ? "/trash?done=purged" : "/trash?done=restored");
}

void page_trash_restore(struct req *r)
{
    trash_apply(r, 0);
}

void page_trash_purge(struct req *r)
{
    trash_apply(r, 1);
}
