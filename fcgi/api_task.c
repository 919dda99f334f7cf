/* api_task.c — background tasks and backups over HTTP (issue 12): a task's state and
 * cancellation, queueing a project's backup or a restore, downloading a finished backup.
 * Row-level security makes another user's task or backup a 404. */
#include "handlers.h"
#include "db.h"
#include "http.h"
#include "task.h"
#include "view.h"
#include <string.h>


/* task_load: the task row (TASK_COLUMNS), or NULL after answering 404/5xx. */
static PGresult *task_load(struct req *r, const char *uid)
{
    PGresult *res = db_query(r, "SELECT " TASK_COLUMNS " FROM tasks WHERE uid = $1", DB_ARGS(uid));
    if (!res) {
        page_db_error(r);
        return NULL;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "Not found", "There is no such task.");
        return NULL;
    }
    return res;
}

/* task_json: the API shape {uid, kind, status, progress, log, result, error, created_at,
 * finished_at, cancel_requested}. */
json_t *task_json(PGresult *res, int row)
{
    const char *result = db_val(res, row, 5), *error = db_val(res, row, 6);
    const char *finished = db_val(res, row, 9);
    return json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:b, s:s, s:o}",
                     "uid", db_val(res, row, 0), "kind", db_val(res, row, 1),
                     "status", db_val(res, row, 2), "progress", (int)db_int(res, row, 3),
                     "log", task_log_json(db_val(res, row, 4)),
                     "result", *result ? json_loads(result, 0, NULL) : json_null(),
                     "error", *error ? json_string(error) : json_null(),
                     "cancel_requested", db_bool(res, row, 7),
                     "created_at", db_val(res, row, 8),
                     "finished_at", *finished ? json_string(finished) : json_null());
}

void api_task_get(struct req *r)
{
    PGresult *res = task_load(r, r->params[0]);
    if (res)
        resp_json(r, 200, task_json(res, 0));
}

int task_cancel(struct req *r, const char *uid)
{
    PGresult *res = db_query(r,
        "UPDATE tasks SET cancel_requested = true, updated_at = now(), "
        "status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, "
        "finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END, "
        "log = log || CASE WHEN status IN ('queued', 'running') THEN json_build_object('at', "
        "to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'level', 'info', 'message', "
        "'Cancel requested.')::text || E'\\n' ELSE '' END "
        "WHERE uid = $1 RETURNING uid", DB_ARGS(uid));
    if (!res) {
        page_db_error(r);
        return -1;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "Not found", "There is no such task.");
        return -1;
    }
    return 0;
}

void api_task_cancel(struct req *r)
{
    if (task_cancel(r, r->params[0]) != 0)
        return;
    PGresult *res = task_load(r, r->params[0]);
    if (res)
        resp_json(r, 200, task_json(res, 0));
}

const char *backup_queue(struct req *r, const char *project_uid)
{
    if (!project_uid) {
        const char *uid = task_create(r, "backup", json_pack("{s:b}", "all", 1), NULL, 0);
        if (!uid)
            page_db_error(r);
        return uid;
    }
    PGresult *p = db_query(r, "SELECT uid FROM projects WHERE uid = $1 AND is_deleted IS NOT TRUE",
                           DB_ARGS(project_uid));
    if (!p) {
        page_db_error(r);
        return NULL;
    }
    if (PQntuples(p) != 1) {
        page_error(r, 404, "Not found", "There is no such project.");
        return NULL;
    }
    const char *uid = task_create(r, "backup", json_pack("{s:s}", "project_uid", project_uid), NULL, 0);
    if (!uid)
        page_db_error(r);
    return uid;
}

void api_project_backup(struct req *r)
{
    const char *uid = backup_queue(r, r->params[0]);
    if (uid)
        resp_json(r, 202, json_pack("{s:s, s:s}", "task_uid", uid, "url",
                                    arena_printf(r->arena, "/tasks/%s", uid)));
}

void api_backup_all(struct req *r)
{
    const char *uid = backup_queue(r, NULL);
    if (uid)
        resp_json(r, 202, json_pack("{s:s, s:s}", "task_uid", uid, "url",
                                    arena_printf(r->arena, "/tasks/%s", uid)));
}

void api_backup_restore(struct req *r)
{
    if (r->body_len == 0) {
        resp_json_error(r, 422, "invalid", "Send the backup archive (.tar.gz) as the request body.");
        return;
    }
    const char *uid = task_create(r, "restore", json_pack("{s:I}", "size", (json_int_t)r->body_len),
                                  r->body, r->body_len);
    if (!uid) {
        page_db_error(r);
        return;
    }
    resp_json(r, 202, json_pack("{s:s, s:s}", "task_uid", uid, "url",
                                arena_printf(r->arena, "/tasks/%s", uid)));
}

void api_backup_download(struct req *r)
{
    /* In binary: the archive's bytes, not hex text twice their size. */
    PGresult *res = db_query_bin(r, "SELECT data FROM backups WHERE uid = $1 AND data IS NOT NULL",
                                 (const char *const[]){r->params[0]}, NULL, 1, DB_BINARY_RESULT);
    if (!res) {
        page_db_error(r);
        return;
    }
    size_t len = PQntuples(res) == 1 ? (size_t)PQgetlength(res, 0, 0) : 0;
    const char *bytes = PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : NULL;
    if (!bytes) {
        page_error(r, 404, "Not found", "There is no such backup.");
        return;
    }
    resp_header(r, "Content-Disposition",
                arena_printf(r->arena, "attachment; filename=\"cardinality-backup-%s.tar.gz\"",
                             r->params[0]));
    resp_text(r, 200, "application/gzip", bytes, len);
}
