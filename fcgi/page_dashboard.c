/* page_dashboard.c — the signed-in home: projects with counts, grouped (personal projects first,
 * then a section per team), and recently changed files. */
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "task.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

/* One pass over the user's files, grouped by project, instead of a correlated subquery per
 * project and kind.  Columns: uid, name, color, epoch(last change), then one count a kind. */
#define PROJECT_FILES_BRANCH(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                  \
    "SELECT project_id, " FILE_KIND_SQL_NAME(KIND) " AS kind, updated_at FROM " #TABLE         \
    " WHERE is_deleted IS NOT TRUE"
#define KIND_COUNT(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                            \
    "count(*) FILTER (WHERE kind = " FILE_KIND_SQL_NAME(KIND) ") AS n_" #KIND
#define KIND_COUNT_OUT(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB) "coalesce(a.n_" #KIND ", 0) AS c_" #KIND
#define KIND_COUNT_COL(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB) "c_" #KIND
#define PROJECT_COUNTS_COL 4
/* A team's group shows its DASHBOARD_TEAM_PROJECTS most recently changed projects and links
 * to the team's page for the rest: a member of ten teams of a hundred projects gets a page of
 * 120 cards, not 1,000 (personal projects are all shown, as before). */
#define DASHBOARD_TEAM_PROJECTS 12
#define STR_(x) #x
#define STR(x) STR_(x)

static const char sql_projects[] =
    "WITH f AS (" FILES_UNION(PROJECT_FILES_BRANCH) "),"
    " agg AS (SELECT project_id, " FILE_KINDS(KIND_COUNT, ", ") ", max(updated_at) AS last"
    "  FROM f GROUP BY project_id),"
    " ranked AS (SELECT p.uid, p.name, coalesce(p.color, '" PALETTE_DEFAULT "') AS color,"
    "  extract(epoch from greatest(p.updated_at, a.last)) AS changed, " FILE_KINDS(KIND_COUNT_OUT, ", ") ","
    "  p.team_id, t.uid AS team_uid, t.name AS team_name, o.name AS org_name,"
    "  count(*) OVER (PARTITION BY p.team_id) AS team_total,"
    "  row_number() OVER (PARTITION BY p.team_id ORDER BY greatest(p.updated_at, a.last) DESC NULLS LAST, p.id DESC) AS rn,"
    "  lower(t.name) AS team_sort, p.id AS pid"
    "  FROM projects p LEFT JOIN agg a ON a.project_id = p.id"
    "  LEFT JOIN teams t ON t.id = p.team_id LEFT JOIN organizations o ON o.id = t.org_id"
    "  WHERE p.is_deleted IS NOT TRUE)"
    " SELECT uid, name, color, changed, " FILE_KINDS(KIND_COUNT_COL, ", ") ","
    " team_id, team_uid, team_name, org_name, team_total FROM ranked"
    " WHERE team_id IS NULL OR rn <= " STR(DASHBOARD_TEAM_PROJECTS)
    " ORDER BY team_id IS NOT NULL, team_sort, team_id, changed DESC NULLS LAST, pid DESC";
/* the team columns after the counts: team id (NULL: personal), uid, name, organization name,
 * how many projects the team has */
#define PROJECT_TEAM_COL (PROJECT_COUNTS_COL + FILE_KIND_COUNT)

#define RECENT_BRANCH(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                         \
    "SELECT " FILE_KIND_SQL_NAME(KIND) " AS kind, uid, " #TITLE " AS title, updated_at,"       \
    " project_id, _version FROM " #TABLE " WHERE is_deleted IS NOT TRUE"

static const char sql_recent[] =
    "SELECT f.kind, f.uid, f.title, extract(epoch from f.updated_at), p.uid, p.name,"
    " coalesce(f._version, 0) FROM (" FILES_UNION(RECENT_BRANCH) ") f"
    " JOIN projects p ON p.id = f.project_id AND p.is_deleted IS NOT TRUE"
    " ORDER BY f.updated_at DESC NULLS LAST LIMIT 8";

/* The strings every project's counts repeat, made once per page and shared (json_object_set
 * takes a reference): a hundred projects would otherwise allocate 1,200 copies of them. */
struct kind_names {
    json_t *kind[FILE_KIND_COUNT], *plural[FILE_KIND_COUNT], *noun[FILE_KIND_COUNT];
};

static void kind_names_init(struct req *r, struct kind_names *kn)
{
    for (int k = 0; k < FILE_KIND_COUNT; k++) {
        kn->kind[k] = view_keep(r, json_string(file_kinds[k].kind));
        kn->plural[k] = view_keep(r, json_string(file_kinds[k].plural));
        kn->noun[k] = view_keep(r, json_string(file_kinds[k].table));
    }
}

/* kind_counts: [{kind, plural, noun, n}] from row i's count columns. */
static json_t *kind_counts(const struct kind_names *kn, PGresult *res, int i)
{
    json_t *a = json_array();
    for (int k = 0; k < FILE_KIND_COUNT; k++) {
        json_t *c = json_object();
        json_object_set(c, "kind", kn->kind[k]);
        json_object_set(c, "plural", kn->plural[k]);
        json_object_set(c, "noun", kn->noun[k]);
        json_object_set_new(c, "n", json_integer(db_int(res, i, PROJECT_COUNTS_COL + k)));
        json_array_append_new(a, c);
    }
    return a;
}

/* project_groups: [{personal, team_uid, team_name, org_name, projects: [...]}] — the rows come
 * ordered personal first, then team by team, so a group ends where the team id changes. */
static json_t *project_groups(struct req *r, PGresult *res)
{
    struct kind_names kn;
    kind_names_init(r, &kn);
    json_t *groups = json_array();
    json_t *a = NULL;
    const char *cur = NULL;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *team = PQgetisnull(res, i, PROJECT_TEAM_COL) ? "" : db_val(res, i, PROJECT_TEAM_COL);
        if (!a || strcmp(cur, team) != 0) {
            int personal = team[0] == '\0';
            const char *name = db_val(res, i, PROJECT_TEAM_COL + 2);
            a = json_array();
            long long total = db_int(res, i, PROJECT_TEAM_COL + 4);
            json_array_append_new(groups, json_pack("{s:b, s:s, s:s, s:s, s:o, s:I, s:b}", "personal", personal,
                "team_uid", db_val(res, i, PROJECT_TEAM_COL + 1),
                "team_name", personal ? "Personal" : name[0] ? name : "Team",
                "org_name", db_val(res, i, PROJECT_TEAM_COL + 3), "projects", a,
                "total", (json_int_t)total, "more", !personal && total > DASHBOARD_TEAM_PROJECTS));
            cur = team;
        }
        double t = strtod(db_val(res, i, 3), NULL);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s}",
            "uid", db_val(res, i, 0), "name", db_val(res, i, 1), "color", db_val(res, i, 2),
            "color_class", palette_class(db_val(res, i, 2)), "counts", kind_counts(&kn, res, i),
            "updated_human", view_ago(r->arena, t), "updated_iso", view_iso(r->arena, t)));
    }
    return groups;
}

static json_t *recent_rows(struct req *r, PGresult *res)
{
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        const struct file_kind *k = file_kind_by_name(db_val(res, i, 0));
        double t = strtod(db_val(res, i, 3), NULL);
        json_array_append_new(a, json_pack("{s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
            "thumb_url", file_thumb_url(r->arena, k, db_val(res, i, 1), db_val(res, i, 6)),
            "kind", k->kind, "kind_label", k->label, "uid", db_val(res, i, 1),
            "title", db_val(res, i, 2),
            "url", arena_printf(r->arena, "%s%s", k->url_prefix, db_val(res, i, 1)),
            "project_uid", db_val(res, i, 4), "project_name", db_val(res, i, 5),
            "updated_human", view_ago(r->arena, t), "updated_iso", view_iso(r->arena, t)));
    }
    return a;
}

void dashboard_render(struct req *r, int status, const char *name, const char *color, json_t *errors)
{
    /* Prepared: planning these unions under row-level security cost more than running them. */
    PGresult *projects = db_query_prepared(r, sql_projects, DB_NOARGS);
    PGresult *recent = projects ? db_query_prepared(r, sql_recent, DB_NOARGS) : NULL;
    if (!recent) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "nav_dashboard", json_true());
    json_object_set_new(ctx, "has_projects", json_boolean(PQntuples(projects) > 0));
    json_object_set_new(ctx, "groups", project_groups(r, projects));
    json_object_set_new(ctx, "has_recent", json_boolean(PQntuples(recent) > 0));
    json_object_set_new(ctx, "recent", recent_rows(r, recent));
    json_t *tasks = task_recent_json(r);   /* page_task.c: running and recent background tasks */
    json_object_set_new(ctx, "has_tasks", json_boolean(json_array_size(tasks) > 0));
    json_object_set_new(ctx, "tasks", tasks);
    json_object_set_new(ctx, "colors", palette_json(color));
    json_object_set_new(ctx, "new_project", json_pack("{s:s}", "name", name ? name : ""));
    json_object_set_new(ctx, "errors", errors ? json_incref(errors) : json_object());
    view_flash(r, ctx);
    view_render(r, status, "dashboard", ctx);
}

void page_dashboard(struct req *r)
{
    dashboard_render(r, 200, "", NULL, NULL);
}
