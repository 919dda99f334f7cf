/* page_task.c — the pages of background tasks: a task's progress page (/tasks/{uid}: a
 * progress bar, the log and a cancel button; static/js/task.js polls GET /api/tasks/{uid}
 * every second, and without JavaScript the page refreshes itself every 2 s while the task
 * runs), /backups (your backups to download, your tasks, the automatic backup schedule's form
 * (backup_schedule.c) and the restore upload), and the
 * "Back up" form of a project page. */
#include "app.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "task.h"
#include "view.h"
#include <string.h>


/* task_title: what the pages call a task of kind. */
static const char *task_title(const char *kind)
{
    static const struct {
        const char *kind, *title;
    } titles[] = {{"backup", "Backup"}, {"restore", "Restore"}, {"import", "Diagram import"},
                  {"import-ebp", "Import from ERD Builder Pro"}};
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (strcmp(titles[i].kind, kind) == 0)
            return titles[i].title;
    return kind;
}

/* task_view: the template's view of a task (its API shape plus flags). */
static json_t *task_view(struct req *r, PGresult *res, int row)
{
    json_t *j = task_json(res, row);
    const char *status = db_val(res, row, 2);
    int live = strcmp(status, "queued") == 0 || strcmp(status, "running") == 0;
    json_object_set_new(j, "live", json_boolean(live));
    json_object_set_new(j, "failed", json_boolean(strcmp(status, "failed") == 0));
    json_object_set_new(j, "title", json_string(task_title(db_val(res, row, 1))));
    json_t *result = json_object_get(j, "result");
    const char *dl = json_string_value(json_object_get(result, "download_url"));
    const char *project = json_string_value(json_object_get(result, "project_url"));
    if (dl)
        json_object_set_new(j, "download_url", json_string(dl));
    if (project)
        json_object_set_new(j, "project_url", json_string(project));
    json_object_set_new(j, "api_url", json_string(arena_printf(r->arena, "/api/tasks/%s", db_val(res, row, 0))));
    return j;
}

void page_task_show(struct req *r)
{
    PGresult *res = db_query(r, "SELECT " TASK_COLUMNS " FROM tasks WHERE uid = $1", DB_ARGS(r->params[0]));
    if (!res) {
        page_db_error(r);
        return;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "Not found", "There is no such task.");
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "task", task_view(r, res, 0));
    view_render(r, 200, "task", ctx);
}

void page_task_cancel(struct req *r)
{
    if (task_cancel(r, r->params[0]) == 0)
        resp_redirect(r, arena_printf(r->arena, "/tasks/%s", r->params[0]));
}

void page_project_backup(struct req *r)
{
    const char *uid = backup_queue(r, r->params[0]);
    if (uid)
        resp_redirect(r, arena_printf(r->arena, "/tasks/%s", uid));
}

void page_backup_all(struct req *r)
{
    const char *uid = backup_queue(r, NULL);
    if (uid)
        resp_redirect(r, arena_printf(r->arena, "/tasks/%s", uid));
}

static void render(struct req *r, int status, json_t *schedule, const char *restore_error);

/* POST /backups/restore: the restore form without JavaScript (multipart/form-data, R_MULTIPART:
 * the archive's bytes in the "archive" field), for archives up to CARD_MAX_BODY; larger ones
 * need the script's chunked upload (api_upload.c).  → the task page, or /backups again with
 * the reason (422). */
void page_backup_restore(struct req *r)
{
    const struct kv *file = NULL;
    for (int i = 0; i < r->form.n; i++)
        if (strcmp(r->form.items[i].key, "archive") == 0)
            file = &r->form.items[i];
    if (!file || file->val_len == 0) {
        json_t *schedule = backup_schedule_view(r, NULL, NULL, NULL, NULL);
        if (!schedule) {
            page_db_error(r);
            return;
        }
        render(r, 422, schedule, "Choose a backup archive (.tar.gz) to restore.");
        return;
    }
    const char *uid = task_create(r, "restore", json_pack("{s:I}", "size", (json_int_t)file->val_len),
                                  file->val, file->val_len);
    if (!uid) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "/tasks/%s", uid));
}

void page_backups(struct req *r)
{
    json_t *schedule = backup_schedule_view(r, NULL, NULL, NULL, NULL);
    if (!schedule) {
        page_db_error(r);
        return;
    }
    backups_render(r, 200, schedule);
}

void backups_render(struct req *r, int status, json_t *schedule)
{
    render(r, status, schedule, NULL);
}

/* render: the /backups page; restore_error: the restore form's message, or NULL. */
static void render(struct req *r, int status, json_t *schedule, const char *restore_error)
{
    view_keep(r, schedule);
    PGresult *tasks = db_query(r, "SELECT " TASK_COLUMNS " FROM tasks ORDER BY created_at DESC LIMIT 50",
                               DB_NOARGS);
    PGresult *backups = tasks ? db_query(r,
        "SELECT uid, name, coalesce(file_size, 0), to_char(created_at, 'YYYY-MM-DD HH24:MI') "
        "FROM backups WHERE data IS NOT NULL ORDER BY created_at DESC LIMIT 100", DB_NOARGS) : NULL;
    /* (automatic archives carry "Automatic: " in their name) */
    if (!backups) {
        page_db_error(r);
        return;
    }
    json_t *tl = json_array(), *bl = json_array();
    for (int i = 0; i < PQntuples(tasks); i++)
        json_array_append_new(tl, task_view(r, tasks, i));
    for (int i = 0; i < PQntuples(backups); i++)
        json_array_append_new(bl, json_pack("{s:s, s:s, s:I, s:s}", "uid", db_val(backups, i, 0),
            "name", db_val(backups, i, 1), "size", (json_int_t)db_int(backups, i, 2),
            "created", db_val(backups, i, 3)));
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "nav_backups", json_true());
    json_object_set_new(ctx, "tasks", tl);
    json_object_set_new(ctx, "backups", bl);
    json_object_set(ctx, "schedule", schedule);
    json_object_set_new(ctx, "restore_form_mb", json_integer((json_int_t)(g_app.cfg.max_body >> 20)));
    json_object_set_new(ctx, "restore_max_mb", json_integer((json_int_t)(g_app.cfg.max_restore >> 20)));
    if (restore_error)
        json_object_set_new(ctx, "restore_error", json_string(restore_error));
    view_render(r, status, "backups", ctx);
}

json_t *task_recent_json(struct req *r)
{
    PGresult *res = db_query(r, "SELECT " TASK_COLUMNS " FROM tasks WHERE status IN ('queued', 'running') "
                                "OR created_at > now() - interval '1 day' ORDER BY created_at DESC LIMIT 5",
                             DB_NOARGS);
    json_t *list = json_array();
    for (int i = 0; res && i < PQntuples(res); i++)
        json_array_append_new(list, task_view(r, res, i));
    return list;
}
