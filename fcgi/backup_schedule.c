/* backup_schedule.c — scheduled automatic backups (issue 12): each user's schedule, one row of
 * backup_schedules (sql/030_backup_schedules.sql): off, daily or weekly; every project the user
 * owns, or one of them; how many automatic archives to keep (1–100, default 7); when the next
 * one is due.  The task runner queues due schedules as ordinary backup tasks owned by the user
 * (card_backup_schedule_enqueue, from its heartbeat: task_runner.c), and each such backup
 * deletes the automatic archives beyond the keep count (backup.c; manual ones never).
 *   GET  /api/backups/schedule → {frequency, project_uid, project_name, keep, next_run_at,
 *        last_run_at, last_backup: {uid, name, created_at, download_url} | null,
 *        last_task: {uid, status, error, url} | null}  (the defaults when nothing is saved)
 *   PUT  /api/backups/schedule {frequency: "off"|"daily"|"weekly", project_uid: uid|null,
 *        keep: 1–100 (default 7)} → 200, the same shape; 422 {error, message, field} for bad
 *        input, 404 for a project that is not the user's own; nothing is written unless all of
 *        it is valid.
 *   POST /backups/schedule — the /backups page's form (frequency, project, keep): 303 back to
 *        /backups?saved=schedule#schedule, or the page again (422) with the error by its field.
 * Choosing a frequency (or another one) plans the next run one period from now; saving the
 * same frequency again keeps the time already planned. */
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

#define SCHED_KEEP_DEFAULT 7
#define SCHED_KEEP_MAX 100
#define SCHED_UID_MAX 100

enum { SCHED_OK, SCHED_INVALID, SCHED_NOT_FOUND, SCHED_DB };

struct sched_in {
    const char *frequency;
    const char *project_uid;   /* NULL: every project the user owns */
    long long keep;            /* out of range when the input was not a whole number */
};

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define SHOWN(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')"

static int frequency_ok(const char *f)
{
    return f && (strcmp(f, "off") == 0 || strcmp(f, "daily") == 0 || strcmp(f, "weekly") == 0);
}

/* sched_save: check everything, then write the schedule; SCHED_OK, or another SCHED_* with
 * *field and *msg saying what is wrong (nothing written). */
static int sched_save(struct req *r, const struct sched_in *in, const char **field, const char **msg)
{
    if (!frequency_ok(in->frequency)) {
        *field = "frequency";
        *msg = "Choose how often: off, daily or weekly.";
        return SCHED_INVALID;
    }
    if (in->keep < 1 || in->keep > SCHED_KEEP_MAX) {
        *field = "keep";
        *msg = "Keep must be a whole number of backups from 1 to 100.";
        return SCHED_INVALID;
    }
    *field = "project_uid";
    *msg = "There is no such project of yours.";
    if (in->project_uid) {
        if (strlen(in->project_uid) > SCHED_UID_MAX)
            return SCHED_NOT_FOUND;
        PGresult *p = db_query(r, "SELECT 1 FROM projects WHERE uid = $1 AND user_id = $2 "
                                  "AND is_deleted IS NOT TRUE", DB_ARGS(in->project_uid, r->user->id));
        if (!p)
            return SCHED_DB;
        if (PQntuples(p) != 1)
            return SCHED_NOT_FOUND;
    }
    PGresult *res = db_query(r,
        "INSERT INTO backup_schedules AS s (user_id, frequency, project_uid, keep, next_run_at) "
        "VALUES ($1, $2, $3, $4::int, CASE $2 WHEN 'daily' THEN now() + interval '1 day' "
        "WHEN 'weekly' THEN now() + interval '7 days' END) "
        "ON CONFLICT (user_id) DO UPDATE SET frequency = EXCLUDED.frequency, "
        "project_uid = EXCLUDED.project_uid, keep = EXCLUDED.keep, updated_at = now(), "
        "next_run_at = CASE WHEN EXCLUDED.frequency = 'off' THEN NULL "
        "WHEN s.frequency = EXCLUDED.frequency AND s.next_run_at IS NOT NULL THEN s.next_run_at "
        "ELSE EXCLUDED.next_run_at END RETURNING 1",
        DB_ARGS(r->user->id, in->frequency, in->project_uid, arena_printf(r->arena, "%lld", in->keep)));
    return res && PQntuples(res) == 1 ? SCHED_OK : SCHED_DB;
}

/* backup_schedule_json: the user's schedule in the API shape, plus (when shown is set) the
 * times as the page prints them; NULL after a database error. */
static json_t *schedule_json(struct req *r, int shown)
{
    PGresult *s = db_query(r,
        "SELECT s.frequency, coalesce(s.project_uid, ''), s.keep, coalesce(" ISO("s.next_run_at") ", ''), "
        "coalesce(" ISO("s.last_run_at") ", ''), coalesce(s.last_task_uid, ''), coalesce(p.name, ''), "
        "coalesce(" SHOWN("s.next_run_at") ", ''), coalesce(" SHOWN("s.last_run_at") ", '') "
        "FROM backup_schedules s LEFT JOIN projects p ON p.uid = s.project_uid AND p.user_id = s.user_id "
        "AND p.is_deleted IS NOT TRUE WHERE s.user_id = $1", DB_ARGS(r->user->id));
    PGresult *b = s ? db_query(r,
        "SELECT uid, name, coalesce(to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
        "coalesce(to_char(created_at, 'YYYY-MM-DD HH24:MI'), '') FROM backups "
        "WHERE user_id = $1 AND automatic AND data IS NOT NULL ORDER BY created_at DESC, uid DESC LIMIT 1",
        DB_ARGS(r->user->id)) : NULL;
    if (!b)
        return NULL;
    int has = PQntuples(s) == 1;
    const char *task_uid = has ? db_val(s, 0, 5) : "";
    PGresult *t = *task_uid ? db_query(r, "SELECT uid, status, coalesce(error, '') FROM tasks WHERE uid = $1",
                                       DB_ARGS(task_uid)) : NULL;
    if (*task_uid && !t)
        return NULL;
    const char *puid = has ? db_val(s, 0, 1) : "";
    const char *next = has ? db_val(s, 0, 3) : "", *last = has ? db_val(s, 0, 4) : "";
    json_t *j = json_pack("{s:s, s:o, s:o, s:I, s:o, s:o}",
        "frequency", has ? db_val(s, 0, 0) : "off",
        "project_uid", *puid ? json_string(puid) : json_null(),
        "project_name", *puid && *db_val(s, 0, 6) ? json_string(db_val(s, 0, 6)) : json_null(),
        "keep", (json_int_t)(has ? db_int(s, 0, 2) : SCHED_KEEP_DEFAULT),
        "next_run_at", *next ? json_string(next) : json_null(),
        "last_run_at", *last ? json_string(last) : json_null());
    json_t *lb = json_null();
    if (PQntuples(b) == 1) {
        lb = json_pack("{s:s, s:s, s:s, s:s}", "uid", db_val(b, 0, 0), "name", db_val(b, 0, 1),
                       "created_at", db_val(b, 0, 2),
                       "download_url", arena_printf(r->arena, "/api/backups/%s/download", db_val(b, 0, 0)));
        if (shown)
            json_object_set_new(lb, "created_shown", json_string(db_val(b, 0, 3)));
    }
    json_object_set_new(j, "last_backup", lb);
    json_t *lt = json_null();
    if (t && PQntuples(t) == 1) {
        const char *err = db_val(t, 0, 2);
        lt = json_pack("{s:s, s:s, s:o, s:s}", "uid", db_val(t, 0, 0), "status", db_val(t, 0, 1),
                       "error", *err ? json_string(err) : json_null(),
                       "url", arena_printf(r->arena, "/tasks/%s", db_val(t, 0, 0)));
    }
    json_object_set_new(j, "last_task", lt);
    if (shown && has) {
        json_object_set_new(j, "next_shown", json_string(db_val(s, 0, 7)));
        json_object_set_new(j, "last_shown", json_string(db_val(s, 0, 8)));
    }
    return j;
}

json_t *backup_schedule_view(struct req *r, const char *frequency, const char *project, const char *keep,
                             json_t *errors)
{
    json_t *j = schedule_json(r, 1);
    PGresult *p = j ? db_query(r, "SELECT uid, name FROM projects WHERE user_id = $1 AND is_deleted IS NOT TRUE "
                                  "ORDER BY lower(name), id LIMIT 500", DB_ARGS(r->user->id)) : NULL;
    if (!p) {
        json_decref(j);
        return NULL;
    }
    /* The form shows what was sent when it is shown again with errors, else what is saved. */
    const char *saved_project = json_string_value(json_object_get(j, "project_uid"));
    const char *f = frequency ? frequency : json_string_value(json_object_get(j, "frequency"));
    const char *pu = project ? project : saved_project ? saved_project : "";
    const char *k = keep ? keep : arena_printf(r->arena, "%lld",
                                               (long long)json_integer_value(json_object_get(j, "keep")));
    json_object_set_new(j, "freq_off", json_boolean(strcmp(f, "off") == 0));
    json_object_set_new(j, "freq_daily", json_boolean(strcmp(f, "daily") == 0));
    json_object_set_new(j, "freq_weekly", json_boolean(strcmp(f, "weekly") == 0));
    json_object_set_new(j, "enabled", json_boolean(strcmp(json_string_value(json_object_get(j, "frequency")),
                                                          "off") != 0));
    json_object_set_new(j, "keep_value", json_string(k));
    json_object_set_new(j, "all_selected", json_boolean(*pu == '\0'));
    json_object_set_new(j, "project_missing", json_boolean(saved_project &&
                                                           json_is_null(json_object_get(j, "project_name"))));
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(p); i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "uid", db_val(p, i, 0), "name", db_val(p, i, 1),
                                              "selected", strcmp(pu, db_val(p, i, 0)) == 0));
    json_object_set_new(j, "projects", list);
    json_object_set_new(j, "errors", errors ? json_incref(errors) : json_object());
    json_object_set_new(j, "saved", json_boolean(!errors && req_query(r, "saved") &&
                                                 strcmp(req_query(r, "saved"), "schedule") == 0));
    return j;
}

void api_backup_schedule_get(struct req *r)
{
    json_t *j = schedule_json(r, 0);
    if (!j) {
        page_db_error(r);
        return;
    }
    resp_json(r, 200, j);
}

static void invalid(struct req *r, const char *field, const char *msg)
{
    resp_json(r, 422, json_pack("{s:s, s:s, s:s}", "error", "invalid", "message", msg, "field", field));
}

void api_backup_schedule_put(struct req *r)
{
    json_t *b = view_keep(r, json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL));
    if (!json_is_object(b)) {
        invalid(r, "body", "Send a JSON object {\"frequency\": \"off\"|\"daily\"|\"weekly\", "
                           "\"project_uid\": \"…\"|null, \"keep\": 1-100}.");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        if (strcmp(key, "frequency") != 0 && strcmp(key, "project_uid") != 0 && strcmp(key, "keep") != 0) {
            invalid(r, "body", arena_printf(r->arena, "Unknown field \"%.40s\": send frequency, project_uid "
                                                      "and keep.", key));
            return;
        }
    }
    json_t *f = json_object_get(b, "frequency"), *p = json_object_get(b, "project_uid");
    json_t *k = json_object_get(b, "keep");
    struct sched_in in = {json_string_value(f), NULL, SCHED_KEEP_DEFAULT};
    if (p && !json_is_null(p)) {
        if (!json_is_string(p)) {
            invalid(r, "project_uid", "project_uid must be a project's uid, or null for all your projects.");
            return;
        }
        in.project_uid = json_string_value(p);
    }
    if (k) {
        json_int_t n = json_is_integer(k) ? json_integer_value(k) : 0;
        in.keep = n >= 1 && n <= SCHED_KEEP_MAX ? (long long)n : 0;
    }
    const char *field = NULL, *msg = NULL;
    switch (sched_save(r, &in, &field, &msg)) {
    case SCHED_OK:
        break;
    case SCHED_INVALID:
        invalid(r, field, msg);
        return;
    case SCHED_NOT_FOUND:
        resp_json(r, 404, json_pack("{s:s, s:s, s:s}", "error", "not_found", "message", msg, "field", field));
        return;
    default:
        page_db_error(r);
        return;
    }
    api_backup_schedule_get(r);
}

/* form_keep: the form's keep field as a number, or 0 when it is not 1 to 3 digits. */
static long long form_keep(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 3 || strspn(s, "0123456789") != n)
        return 0;
    return strtoll(s, NULL, 10);
}

void page_backup_schedule(struct req *r)
{
    const char *f = req_form(r, "frequency"), *p = req_form(r, "project"), *k = req_form(r, "keep");
    struct sched_in in = {f, p && *p ? p : NULL, form_keep(k)};
    const char *field = NULL, *msg = NULL;
    int rc = sched_save(r, &in, &field, &msg);
    if (rc == SCHED_OK) {
        resp_redirect(r, "/backups?saved=schedule#schedule");
        return;
    }
    if (rc == SCHED_DB) {
        page_db_error(r);
        return;
    }
    json_t *errors = view_field_error(r, strcmp(field, "project_uid") == 0 ? "project" : field, msg);
    json_t *view = backup_schedule_view(r, frequency_ok(f) ? f : "off", p ? p : "", k ? k : "", errors);
    if (!view) {
        page_db_error(r);
        return;
    }
    backups_render(r, 422, view);
}
