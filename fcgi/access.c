/* access.c — 403 for rows the user can read but not write (see access.h). */
#include "access.h"
#include "db.h"
#include "files.h"
#include "http.h"
#include "view.h"
#include <string.h>

#define WRITABLE_SQL(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB) \
    "SELECT app_can_write_file(user_id, project_id) FROM " #TABLE " WHERE uid = $1",
static const char *const sql_file_writable[FILE_KIND_COUNT] = {FILE_KINDS(WRITABLE_SQL, )};
static const char sql_project_writable[] = "SELECT app_can_write_project(id) FROM projects WHERE uid = $1";

/* target_sql: the statement telling whether the row the path names is writable, or NULL. */
static const char *target_sql(const char *path)
{
    const char *p = strncmp(path, "/api/", 5) == 0 ? path + 4 : path;
    if (strncmp(p, "/projects/", 10) == 0)
        return sql_project_writable;
    const struct file_kind *fk = file_kind_by_path(p);
    return fk ? sql_file_writable[fk - file_kinds] : NULL;
}

static void forbid(struct req *r)
{
    page_error(r, 403, "Forbidden", "You can read this but not change it: ask a team admin for the editor role.");
}

void access_refine(struct req *r)
{
    if (r->db && r->db->failed && db_sqlstate_is(r->db, "42501")) {
        forbid(r);
        return;
    }
    if ((r->status != 404 && r->status != 409) || r->nparams < 1 || !uid_valid(r->params[0]))
        return;
    const char *sql = target_sql(r->path);
    if (!sql || !r->user)
        return;
    PGresult *res = db_query(r, sql, DB_ARGS(r->params[0]));
    if (res && PQntuples(res) == 1 && !db_bool(res, 0, 0))
        forbid(r);
}
