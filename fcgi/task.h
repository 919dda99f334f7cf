/* task.h — background tasks (issue 12): long work (backups, restores) queued as a row of
 * `tasks` (sql/023_tasks.sql) by a request and run by the task runner process
 * (task_runner.c), which reports progress, a log of JSON lines and honours cancellation
 * between steps.
 *
 * The runner gives each task two connections, both as card_app with app.user_id set to the
 * task's owner (row-level security applies to the work as to a request): `work`, holding the
 * one transaction of the work itself (committed only when the task succeeds, so a failed,
 * cancelled or interrupted task leaves nothing behind), and `status`, on which each progress
 * step commits at once so the task's page sees it while the work runs. */
#ifndef CARD_TASK_H
#define CARD_TASK_H
#include "http.h"
#include <libpq-fe.h>

enum {
    TASK_OK = 0,
    TASK_FAILED = -1,      /* the work failed: t->error says why */
    TASK_CANCELLED = -2,   /* the owner cancelled it (checked at each step) */
    TASK_STOPPED = -3,     /* the runner is stopping (SIGTERM): queued again */
};

struct task_run {
    struct req work;       /* the work's request: its arena, connection, user (the owner) */
    struct req status;     /* progress and log, each committed at once */
    const char *uid, *owner, *kind;
    json_t *params;        /* the task's params (borrowed) */
    json_t *result;        /* set by the kind on success (stolen by the runner), or NULL */
    const char *error;     /* set by the kind on failure: one sentence for the owner */
};

/* task_step: record progress (0–100; -1 keeps it) and, when fmt is given, an "info" log line;
 * then answer TASK_OK, TASK_CANCELLED when the owner asked to cancel, TASK_STOPPED when the
 * runner is stopping, or TASK_FAILED (status connection lost: t->error set).  Kinds call it
 * between steps and return what it answers when it is not TASK_OK.  It pauses
 * CARD_TASK_STEP_MS first (tests watch progress move). */
int task_step(struct task_run *t, int progress, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* task_log_line: one line of a task's log, JSON {at, level, message} and a newline; malloc'd
 * (NULL when out of memory).  The runner and `cardinality import-ebp` both write with it. */
char *task_log_line(const char *level, const char *msg);
/* task_fail: set t->error (arena) and answer TASK_FAILED. */
int task_fail(struct task_run *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The kinds: each runs inside the work transaction and answers a TASK_* code. */
int backup_task_run(struct task_run *t);    /* params {project_uid} (backup.c) */
int restore_task_run(struct task_run *t);   /* the archive in tasks.input (backup.c) */
int import_task_run(struct task_run *t);    /* params {diagram_uid, dialect, mode, content_type},
                                              the SQL in tasks.input (import_task.c) */

/* task_create: queue a task of kind for the signed-in user, with params (JSON object, stolen)
 * and optional input bytes; the new task's uid (arena), or NULL after a database error. */
const char *task_create(struct req *r, const char *kind, json_t *params, const void *input,
                        size_t input_len);
/* TASK_COLUMNS: the columns task_json reads, in order (SELECT TASK_COLUMNS FROM tasks …). */
#define TASK_COLUMNS "uid, kind, status, progress, log, coalesce(result::text, ''), "            \
    "coalesce(error, ''), cancel_requested, to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), " \
    "coalesce(to_char(finished_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"
/* task_json: the API shape {uid, kind, status, progress, log, result, error, cancel_requested,
 * created_at, finished_at} of row `row` of a query selecting api_task.c's TASK_COLUMNS. */
json_t *task_json(PGresult *res, int row);
/* task_recent_json: the signed-in user's running and recent (last day) tasks, newest first, at
 * most 5, as the pages show them (page_task.c); [] when the query failed. */
json_t *task_recent_json(struct req *r);
/* task_log_json: the log text (JSON lines) as a JSON array (lines that do not parse are
 * skipped). */
json_t *task_log_json(const char *log);
/* db_hex_bytes: a bytea in PostgreSQL's hex output ("\x0a1b…") decoded into the arena;
 * NULL when malformed.  db_bytes_hex: bytes as a "\x…" text parameter for a bytea. */
char *db_hex_bytes(struct arena *a, const char *hex, size_t *len);
const char *db_bytes_hex(struct arena *a, const void *data, size_t len);
#endif
