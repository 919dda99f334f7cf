/* task_runner.c — the task runner process (task_runner.h) and the runner side of task.h:
 * claiming, progress, log, cancellation, the end state of each task, heartbeats, the
 * reaping of tasks whose runner died, and (each heartbeat) the queueing of due scheduled
 * backups (backup_schedule.c). */
#include "task_runner.h"
#include "app.h"
#include "db.h"
#include "log.h"
#include "task.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNNER_IDLE_MS 300        /* pause between two claims when the queue is empty */
#define RUNNER_HEARTBEAT_S 5
#define RUNNER_MAX_THREADS 16
#define RUNNER_SCHEDULE_BATCH "100" /* due backup schedules enqueued per heartbeat at most */

static volatile sig_atomic_t g_stop;
static char g_runner[128];        /* "host:pid" */
static char g_host[64];

static const char SQL_STEP[] =
    "UPDATE tasks SET progress = CASE WHEN $2::int < 0 THEN progress ELSE $2::int END, "
    "log = log || $3, updated_at = now(), heartbeat = now() "
    "WHERE uid = $1 RETURNING cancel_requested";
static const char SQL_END[] =
    "UPDATE tasks SET status = $2, progress = CASE WHEN $2 = 'succeeded' THEN 100 ELSE progress END, "
    "result = $3::jsonb, error = $4, log = log || $5, finished_at = now(), updated_at = now(), "
    "input = CASE WHEN $2 = 'succeeded' THEN NULL ELSE input END "
    "WHERE uid = $1 AND status = 'running'";
static const char SQL_REQUEUE[] =
    "UPDATE tasks SET status = 'queued', progress = 0, runner = NULL, started_at = NULL, "
    "log = log || $2, updated_at = now() WHERE uid = $1 AND status = 'running'";

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !g_stop)
        ;
}

/* log_line: task_log_line's line as arena text ("{}" when out of memory). */
static const char *log_line(struct arena *a, const char *level, const char *msg)
{
    char *text = task_log_line(level, msg);
    const char *line = arena_printf(a, "%s", text ? text : "{}\n");
    free(text);
    return line;
}

/* status_exec: one statement as the owner on the status connection, committed at once. */
static PGresult *status_exec(struct task_run *t, const char *sql, const char *const *params, int n)
{
    struct req *s = &t->status;
    if (db_ready(s->db) != 0 || db_begin(s, t->owner, NULL) != 0) {
        db_finish(s, 0);
        return NULL;
    }
    PGresult *res = db_query(s, sql, params, n);
    return db_finish(s, res != NULL) == 0 ? res : NULL;
}

int task_fail(struct task_run *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t->error = arena_vprintf(t->work.arena, fmt, ap);
    va_end(ap);
    return TASK_FAILED;
}

int task_step(struct task_run *t, int progress, const char *fmt, ...)
{
    if (g_app.cfg.task_step_ms > 0)
        sleep_ms(g_app.cfg.task_step_ms);
    if (g_stop)
        return TASK_STOPPED;
    const char *line = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        const char *msg = arena_vprintf(t->status.arena, fmt, ap);
        va_end(ap);
        line = log_line(t->status.arena, "info", msg);
    }
    if (progress > 100)
        progress = 100;
    const char *pct = arena_printf(t->status.arena, "%d", progress);
    PGresult *res = status_exec(t, SQL_STEP, DB_ARGS(t->uid, pct, line));
    if (!res || PQntuples(res) != 1)
        return task_fail(t, "the task's progress could not be recorded (database unavailable)");
    return db_bool(res, 0, 0) ? TASK_CANCELLED : TASK_OK;
}

static void req_setup(struct req *r, struct arena *a, struct db *db, struct db *auth_db)
{
    memset(r, 0, sizeof *r);
    r->arena = a;
    r->app = &g_app;
    r->db = db;
    r->auth_db = auth_db;
    r->method = "GET";
    r->path = "/";
    r->query = "";
    r->content_type = "";
    r->cookie_header = "";
    r->accept = "application/json";
    r->remote_addr = "";
    r->host = "";
    r->resp_headers = buf_arena(a);
    r->resp_body = buf_arena(a);
    r->status = 500;
}

/* run_kind: the kind's function by name. */
static int run_kind(struct task_run *t)
{
    static const struct {
        const char *kind;
        int (*run)(struct task_run *);
    } kinds[] = {
        {"backup", backup_task_run},
        {"restore", restore_task_run},
        {"import", import_task_run},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, t->kind) == 0)
            return kinds[i].run(t);
    return task_fail(t, "unknown task kind %s", t->kind);
}

/* run_task: the claimed task: the work in one transaction, then its end state. */
static void run_task(struct task_run *t)
{
    struct req *w = &t->work;
    int rc;
    if (db_ready(w->db) != 0 || db_begin(w, t->owner, NULL) != 0)
        rc = task_fail(t, "the database was unavailable");
    else
        rc = run_kind(t);
    if (rc == TASK_OK && db_finish(w, 1) != 0)
        rc = task_fail(t, "the work could not be committed (database error); nothing was kept");
    else if (rc != TASK_OK)
        db_finish(w, 0);
    struct arena *a = t->status.arena;
    if (rc == TASK_STOPPED) {
        status_exec(t, SQL_REQUEUE, DB_ARGS(t->uid, log_line(a, "warning",
                    "Interrupted by a server stop before it finished; nothing was kept. Queued again.")));
        return;
    }
    const char *status = rc == TASK_OK ? "succeeded" : rc == TASK_CANCELLED ? "cancelled" : "failed";
    const char *msg = rc == TASK_OK ? "Done."
                    : rc == TASK_CANCELLED ? "Cancelled; nothing was kept."
                    : arena_printf(a, "Failed: %s. Nothing was kept.", t->error ? t->error : "unknown error");
    char *result = t->result ? json_dumps(t->result, JSON_COMPACT) : NULL;
    const char *res_arg = result ? arena_strdup(a, result) : NULL;
    free(result);
    json_decref(t->result);
    t->result = NULL;
    if (!status_exec(t, SQL_END, DB_ARGS(t->uid, status, res_arg,
                                          rc == TASK_FAILED ? t->error : NULL,
                                          log_line(a, rc == TASK_FAILED ? "error" : "info", msg))))
        log_msg("tasks: could not record the end of task %s", t->uid);
    /* A restore from a chunked upload (api_upload.c): the upload and its parts go once the
     * task ended, whichever way (it is not retried; a stopped task is queued again and keeps
     * them). */
    const char *upload = json_string_value(json_object_get(t->params, "upload_uid"));
    if (upload && strcmp(t->kind, "restore") == 0 &&
        !status_exec(t, "DELETE FROM restore_uploads WHERE uid = $1", DB_ARGS(upload)))
        log_msg("tasks: could not delete the upload %s of task %s", upload, t->uid);
    log_msg("tasks: %s %s %s%s%s", t->kind, t->uid, status, t->error ? ": " : "",
            t->error ? t->error : "");
}

static const char SQL_CLAIM[] = "SELECT uid, user_id, kind, params::text FROM card_task_claim($1)";

static void *thread_main(void *arg)
{
    (void)arg;
    struct arena wa, sa;
    struct db wdb, sdb, adb;
    arena_init(&wa);
    arena_init(&sa);
    db_init(&wdb, g_app.cfg.database_url);
    db_init(&sdb, g_app.cfg.database_url);
    db_init(&adb, g_app.cfg.auth_url);
    wdb.unprepared = sdb.unprepared = 1;
    while (!g_stop) {
        struct task_run t;
        memset(&t, 0, sizeof t);
        req_setup(&t.work, &wa, &wdb, &adb);
        req_setup(&t.status, &sa, &sdb, &adb);
        PGresult *res = db_ready(&sdb) == 0 ? db_query(&t.status, SQL_CLAIM, DB_ARGS(g_runner)) : NULL;
        if (!res || PQntuples(res) != 1) {
            arena_reset(&wa);
            arena_reset(&sa);
            sleep_ms(RUNNER_IDLE_MS);
            continue;
        }
        t.uid = db_val(res, 0, 0);
        t.owner = db_val(res, 0, 1);
        t.kind = db_val(res, 0, 2);
        t.params = json_loads(db_val(res, 0, 3), 0, NULL);
        struct user *u = arena_alloc(&wa, sizeof *u);
        memset(u, 0, sizeof *u);
        u->id = t.owner;
        u->email = u->name = "";
        t.work.user = u;
        log_msg("tasks: %s %s started", t.kind, t.uid);
        run_task(&t);
        json_decref(t.params);
        arena_reset(&wa);
        arena_reset(&sa);
    }
    db_close(&wdb);
    db_close(&sdb);
    db_close(&adb);
    arena_free(&wa);
    arena_free(&sa);
    return NULL;
}

/* dead_runners: the runners named in running tasks that were processes of this host which no
 * longer exist, as a PostgreSQL array literal. */
static const char *dead_runners(struct req *r)
{
    PGresult *res = db_query(r, "SELECT card_task_runners()", DB_NOARGS);
    struct buf *arr = buf_arena(r->arena);
    size_t hl = strlen(g_host);
    for (int i = 0; res && i < PQntuples(res); i++) {
        const char *name = db_val(res, i, 0);
        if (strncmp(name, g_host, hl) != 0 || name[hl] != ':' || strcmp(name, g_runner) == 0)
            continue;
        char *end;
        long pid = strtol(name + hl + 1, &end, 10);
        if (*end || pid <= 0 || !(kill((pid_t)pid, 0) != 0 && errno == ESRCH))
            continue;
        db_array_text(arr, name);
    }
    return db_array_close(arr);
}

static void *heartbeat_main(void *arg)
{
    (void)arg;
    struct arena a;
    struct db db;
    arena_init(&a);
    db_init(&db, g_app.cfg.database_url);
    db.unprepared = 1;
    for (int tick = 0; !g_stop; tick++) {
        struct req r;
        req_setup(&r, &a, &db, NULL);
        if (db_ready(&db) == 0) {
            db_query(&r, "SELECT card_task_heartbeat($1)", DB_ARGS(g_runner));
            PGresult *res = db_query(&r, "SELECT card_task_reap($1::text[])", DB_ARGS(dead_runners(&r)));
            if (res && db_int(res, 0, 0) > 0)
                log_msg("tasks: %lld task(s) of a dead runner marked failed", db_int(res, 0, 0));
            /* Scheduled automatic backups that are due become ordinary queued backup tasks
             * (sql/030: each slot once, whichever runner gets there first). */
            res = db_query(&r, "SELECT user_id, task_uid FROM card_backup_schedule_enqueue($1::int)",
                           DB_ARGS(RUNNER_SCHEDULE_BATCH));
            for (int i = 0; res && i < PQntuples(res); i++)
                log_msg("tasks: scheduled backup %s queued", db_val(res, i, 1));
            /* Chunked restore uploads never restored are deleted after 24 h (sql/034). */
            res = db_query(&r, "SELECT card_restore_uploads_purge()", DB_NOARGS);
            if (res && db_int(res, 0, 0) > 0)
                log_msg("tasks: %lld expired restore upload(s) deleted", db_int(res, 0, 0));
        }
        arena_reset(&a);
        for (int i = 0; i < RUNNER_HEARTBEAT_S * 10 && !g_stop; i++)
            sleep_ms(100);
    }
    db_close(&db);
    arena_free(&a);
    return NULL;
}

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

int task_runner_main(void)
{
    prctl(PR_SET_NAME, "card-tasks");   /* told apart from the workers (ps, pgrep -x cardinality) */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    if (gethostname(g_host, sizeof g_host) != 0)
        snprintf(g_host, sizeof g_host, "localhost");
    g_host[sizeof g_host - 1] = '\0';
    snprintf(g_runner, sizeof g_runner, "%s:%d", g_host, (int)getpid());
    int n = g_app.cfg.tasks < RUNNER_MAX_THREADS ? g_app.cfg.tasks : RUNNER_MAX_THREADS;
    pthread_t hb, tids[RUNNER_MAX_THREADS];
    if (pthread_create(&hb, NULL, heartbeat_main, NULL) != 0)
        return 1;
    int started = 0;
    for (; started < n; started++)
        if (pthread_create(&tids[started], NULL, thread_main, NULL) != 0)
            break;
    log_msg("tasks: runner %s with %d thread(s)", g_runner, started);
    pthread_join(hb, NULL);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    return 0;
}
