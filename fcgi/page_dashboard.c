/* page_dashboard.c — the signed-in home: projects with counts and recently changed files. */
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "svg_cache.h"
#include "view.h"
#include <stdlib.h>

/* One pass over the user's files, grouped by project, instead of eight correlated
 * subqueries per project row. */
static const char sql_projects[] =
    "WITH f AS ("
    " SELECT project_id, 1 AS d, 0 AS n, 0 AS w, 0 AS fc, updated_at FROM diagrams"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE"
    " UNION ALL SELECT project_id, 0, 1, 0, 0, updated_at FROM notes"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE"
    " UNION ALL SELECT project_id, 0, 0, 1, 0, updated_at FROM drawings"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE"
    " UNION ALL SELECT project_id, 0, 0, 0, 1, updated_at FROM flowcharts"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE),"
    " agg AS (SELECT project_id, sum(d) AS d, sum(n) AS n, sum(w) AS w, sum(fc) AS fc,"
    "  max(updated_at) AS last FROM f GROUP BY project_id)"
    " SELECT p.uid, p.name, coalesce(p.color, '#6366f1'),"
    " coalesce(a.d, 0), coalesce(a.n, 0), coalesce(a.w, 0), coalesce(a.fc, 0),"
    " extract(epoch from greatest(p.updated_at, a.last))"
    " FROM projects p LEFT JOIN agg a ON a.project_id = p.id"
    " WHERE p.user_id = $1 AND p.is_deleted IS NOT TRUE"
    " ORDER BY 8 DESC NULLS LAST, p.id DESC";

static const char sql_recent[] =
    "SELECT f.kind, f.uid, f.title, extract(epoch from f.updated_at), p.uid, p.name,"
    " coalesce(f._version, 0) FROM ("
    " SELECT 'diagram' AS kind, uid, name AS title, updated_at, project_id, _version FROM diagrams"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE"
    " UNION ALL SELECT 'note', uid, title, updated_at, project_id, _version FROM notes"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE"
    " UNION ALL SELECT 'drawing', uid, title, updated_at, project_id, _version FROM drawings"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE"
    " UNION ALL SELECT 'flowchart', uid, title, updated_at, project_id, _version FROM flowcharts"
    "  WHERE user_id = $1 AND is_deleted IS NOT TRUE) f"
    " JOIN projects p ON p.id = f.project_id AND p.is_deleted IS NOT TRUE"
    " ORDER BY f.updated_at DESC NULLS LAST LIMIT 8";

static json_t *project_rows(struct req *r, PGresult *res)
{
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        double t = strtod(db_val(res, i, 7), NULL);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s}",
            "uid", db_val(res, i, 0), "name", db_val(res, i, 1), "color", db_val(res, i, 2),
            "color_class", palette_class(db_val(res, i, 2)),
            "diagrams", db_int(res, i, 3), "notes", db_int(res, i, 4),
            "drawings", db_int(res, i, 5), "flowcharts", db_int(res, i, 6),
            "updated_human", view_ago(r->arena, t), "updated_iso", view_iso(r->arena, t)));
    }
    return a;
}

static json_t *recent_rows(struct req *r, PGresult *res)
{
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        const struct file_kind *k = file_kind_by_name(db_val(res, i, 0));
        double t = strtod(db_val(res, i, 3), NULL);
        const char *thumb = k == &file_kinds[0] ? svg_cache_thumb(r, db_val(res, i, 1), db_val(res, i, 6)) : "";
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
            "thumb_svg", thumb,
            "kind", k->kind, "kind_label", k->label, "uid", db_val(res, i, 1),
            "title", db_val(res, i, 2),
            "url", arena_printf(r->arena, "%s%s", k->url_prefix, db_val(res, i, 1)),
            "project_uid", db_val(res, i, 4), "project_name", db_val(res, i, 5),
            "updated_human", view_ago(r->arena, t), "updated_iso", view_iso(r->arena, t)));
    }
    return a;
}

/* dashboard_render: the page, with errors/new_project for a failed create form. */
void dashboard_render(struct req *r, int status, const char *name, const char *color, json_t *errors);

void dashboard_render(struct req *r, int status, const char *name, const char *color, json_t *errors)
{
    PGresult *projects = db_query(r, sql_projects, DB_ARGS(r->user->id));
    PGresult *recent = projects ? db_query(r, sql_recent, DB_ARGS(r->user->id)) : NULL;
    if (!recent) {
        json_decref(errors);
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "nav_dashboard", json_true());
    json_object_set_new(ctx, "has_projects", json_boolean(PQntuples(projects) > 0));
    json_object_set_new(ctx, "projects", project_rows(r, projects));
    json_object_set_new(ctx, "has_recent", json_boolean(PQntuples(recent) > 0));
    json_object_set_new(ctx, "recent", recent_rows(r, recent));
    json_object_set_new(ctx, "colors", palette_json(color));
    json_object_set_new(ctx, "new_project", json_pack("{s:s}", "name", name ? name : ""));
    json_object_set_new(ctx, "errors", errors ? errors : json_object());
    view_flash(r, ctx);
    view_render(r, status, "dashboard", ctx);
}

void page_dashboard(struct req *r)
{
    dashboard_render(r, 200, "", NULL, NULL);
}
