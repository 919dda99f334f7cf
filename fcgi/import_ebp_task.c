/* import_ebp_task.c — `cardinality import-ebp` shown as a background task (issue 12): the run
 * is recorded as a `tasks` row of kind "import-ebp" owned by the instance's first super admin,
 * on a connection of its own (each update commits at once, so /tasks/{uid} shows progress while
 * the copy's one transaction is still open).  Each kind copied is a log line and a step of
 * progress; the heartbeat is renewed at most once a second while rows are copied (so the task
 * runner's reaper never takes the run for dead), and the owner's cancel stops the copy, which
 * then keeps nothing.  Recording is best effort: without a super admin (a brand-new instance)
 * or when the row cannot be written, the import runs as before, only printing its lines. */
#include "import_ebp.h"
#include "task.h"
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char SQL_OWNER[] =
    "SELECT id, email FROM public.users WHERE is_super_admin ORDER BY created_at, id LIMIT 1";
static const char SQL_CREATE[] =
    "INSERT INTO public.tasks (user_id, kind, status, params, runner, heartbeat, started_at) "
    "VALUES ($1, 'import-ebp', 'running', jsonb_build_object('source', $2::text), $3, now(), now()) "
    "RETURNING uid";
static const char SQL_STEP[] =
    "UPDATE public.tasks SET heartbeat = now(), updated_at = now(), "
    "progress = CASE WHEN $2::int < 0 THEN progress ELSE $2::int END, log = log || coalesce($3, '') "
    "WHERE uid = $1 RETURNING cancel_requested";
static const char SQL_END[] =
    "UPDATE public.tasks SET status = $2, progress = CASE WHEN $2 = 'succeeded' THEN 100 ELSE progress END, "
    "result = $3::jsonb, error = $4, log = log || $5, finished_at = now(), updated_at = now(), heartbeat = now() "
    "WHERE uid = $1";

/* exec_row: a statement answering one row, or NULL (the result to PQclear). */
static PGresult *exec_row(PGconn *c, const char *sql, int n, const char *const *v)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        return res;
    PQclear(res);
    return NULL;
}

void ebp_task_start(struct ebp_task *t, const char *target_url, const char *source)
{
    memset(t, 0, sizeof *t);
    t->conn = PQconnectdb(target_url);
    PGresult *owner = PQstatus(t->conn) == CONNECTION_OK ? exec_row(t->conn, SQL_OWNER, 0, NULL) : NULL;
    if (!owner) {
        fprintf(stderr, "import-ebp: no super admin yet, so the run is not shown as a task\n");
        PQfinish(t->conn);
        t->conn = NULL;
        return;
    }
    char host[64] = "localhost", runner[96];
    gethostname(host, sizeof host - 1);
    snprintf(runner, sizeof runner, "%s:%ld", host, (long)getpid());
    const char *v[] = {PQgetvalue(owner, 0, 0), source, runner};
    PGresult *row = exec_row(t->conn, SQL_CREATE, 3, v);
    if (row) {
        snprintf(t->uid, sizeof t->uid, "%s", PQgetvalue(row, 0, 0));
        fprintf(stderr, "import-ebp: shown as task %s to %s (/tasks/%s)\n", t->uid, PQgetvalue(owner, 0, 1), t->uid);
    } else {
        fprintf(stderr, "import-ebp: the run could not be recorded as a task: %s", PQerrorMessage(t->conn));
        PQfinish(t->conn);
        t->conn = NULL;
    }
    PQclear(row);
    PQclear(owner);
}

int ebp_task_step(struct ebp_task *t, int progress, const char *msg)
{
    if (!t->conn)
        return 0;
    char pct[16];
    snprintf(pct, sizeof pct, "%d", progress);
    char *line = msg ? task_log_line("info", msg) : NULL;
    const char *v[] = {t->uid, pct, line};
    PGresult *res = exec_row(t->conn, SQL_STEP, 3, v);
    free(line);
    t->last_beat = time(NULL);
    int cancel = res && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    if (cancel)
        t->cancelled = 1;
    return cancel;
}

int ebp_task_beat(struct ebp_task *t)
{
    if (!t->conn || time(NULL) == t->last_beat)
        return t->cancelled;
    return ebp_task_step(t, -1, NULL);
}

void ebp_task_end(struct ebp_task *t, int ok, const char *summary)
{
    if (!t->conn)
        return;
    const char *status = ok ? "succeeded" : t->cancelled ? "cancelled" : "failed";
    const char *msg = ok ? summary : t->cancelled ? "Cancelled; nothing was copied." : "Failed; nothing was copied.";
    json_t *res = ok ? json_pack("{s:s}", "summary", summary) : NULL;
    char *result = res ? json_dumps(res, JSON_COMPACT) : NULL;
    json_decref(res);
    char *line = task_log_line(ok ? "info" : "error", msg);
    const char *v[] = {t->uid, status, result, ok || t->cancelled ? NULL : summary, line};
    PQclear(PQexecParams(t->conn, SQL_END, 5, NULL, v, NULL, NULL, 0));
    free(result);
    free(line);
    PQfinish(t->conn);
    t->conn = NULL;
}
