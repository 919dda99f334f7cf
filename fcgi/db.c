/* db.c — connections, per-request transactions and parameterized queries (see db.h). */
#include "db.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void db_init(struct db *db, const char *conninfo)
{
    memset(db, 0, sizeof *db);
    db->conninfo = conninfo;
    db->slot = -1;
}

/* ---- the pool (stream worker) ---- */

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int n;
    struct db *slots;       /* conn, prepared and back-off of each shared connection */
    char *busy;
};

struct db_pool *db_pool_new(const char *conninfo, int n)
{
    struct db_pool *p = calloc(1, sizeof *p);
    if (!p || n < 1)
        abort();
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->n = n;
    p->slots = calloc((size_t)n, sizeof *p->slots);
    p->busy = calloc((size_t)n, 1);
    if (!p->slots || !p->busy)
        abort();
    for (int i = 0; i < n; i++)
        db_init(&p->slots[i], conninfo);
    return p;
}

void db_pool_attach(struct db *db, struct db_pool *pool)
{
    db->pool = pool;
    db->slot = -1;
}

/* move_conn: the connection's state from one db to the other (a slot and a thread's db). */
static void move_conn(struct db *to, struct db *from)
{
    to->conn = from->conn;
    memcpy(to->prepared, from->prepared, sizeof to->prepared);
    to->nprepared = from->nprepared;
    to->next_try_us = from->next_try_us;
    to->backoff_ms = from->backoff_ms;
    from->conn = NULL;
    from->nprepared = 0;
}

/* pool_take: hold a free slot, waiting for one. */
static void pool_take(struct db *db)
{
    struct db_pool *p = db->pool;
    pthread_mutex_lock(&p->lock);
    int i;
    for (;;) {
        for (i = 0; i < p->n && p->busy[i]; i++)
            ;
        if (i < p->n)
            break;
        pthread_cond_wait(&p->freed, &p->lock);
    }
    p->busy[i] = 1;
    pthread_mutex_unlock(&p->lock);
    db->slot = i;
    move_conn(db, &p->slots[i]);
}

void db_release(struct db *db)
{
    struct db_pool *p = db->pool;
    if (!p || db->slot < 0 || db->in_tx)
        return;
    db->released_down = !db->conn || PQstatus(db->conn) != CONNECTION_OK;
    move_conn(&p->slots[db->slot], db);
    pthread_mutex_lock(&p->lock);
    p->busy[db->slot] = 0;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
    db->slot = -1;
}

void db_close(struct db *db)
{
    if (db->conn)
        PQfinish(db->conn);
    db->conn = NULL;
    free(db->share_token);
    db->share_token = NULL;
}

static int db_connect(struct db *db)
{
    long long now = log_now_us();
    if (now < db->next_try_us)
        return -1;
    if (db->conn)
        PQfinish(db->conn);
    db->conn = PQconnectdb(db->conninfo);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        log_msg("db: connect failed: %s", PQerrorMessage(db->conn));
        PQfinish(db->conn);
        db->conn = NULL;
        db->backoff_ms = db->backoff_ms ? db->backoff_ms * 2 : 100;
        if (db->backoff_ms > 1000)
            db->backoff_ms = 1000;
        db->next_try_us = now + db->backoff_ms * 1000LL;
        return -1;
    }
    db->backoff_ms = 0;
    db->nprepared = 0;      /* a new session has no prepared statements */
    return 0;               /* no session settings here: db_begin sets them per transaction */
}

int db_ready(struct db *db)
{
    if (db->pool && db->slot < 0)
        pool_take(db);
    if (db->fake_exec || (db->conn && PQstatus(db->conn) == CONNECTION_OK))
        return 0;
    return db_connect(db);
}

int db_unavailable(const struct db *db)
{
    if (db->pool && db->slot < 0)
        return db->released_down;
    return !db->fake_exec && (!db->conn || PQstatus(db->conn) != CONNECTION_OK);
}

/* exec_plain: a statement without parameters outside the request's bookkeeping (transaction
 * control, session settings); 0 when it succeeded. */
static int exec_plain(struct db *db, const char *sql)
{
    PGresult *res = db->fake_exec ? db->fake_exec(db->fake_ctx, sql, NULL, 0) : PQexec(db->conn, sql);
    int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 0 : -1;
}

int db_sqlstate_is(const struct db *db, const char *state)
{
    return strcmp(db->sqlstate, state) == 0;
}

static void clear_result(void *p)
{
    PQclear(p);
}

void db_want_tx(struct req *r, const char *share_token)
{
    struct db *db = r->db;
    db->want_tx = 1;
    db->begin_user = NULL;
    db->failed = 0;
    db->sqlstate[0] = '\0';
    db->read_only = 0;
    free(db->share_token);
    db->share_token = share_token ? strdup(share_token) : NULL;
    if (share_token && !db->share_token)
        abort();
}

void db_want_user(struct req *r, const char *user_id)
{
    r->db->begin_user = user_id;
}

/* prepared_name: the name sql is prepared under on this connection (into name), preparing
 * it first; -1 when it cannot be prepared or the table of names is full. */
static int prepared_name(struct db *db, const char *sql, int nparams, char name[16])
{
    int i = 0;
    while (i < db->nprepared && db->prepared[i] != sql)
        i++;
    snprintf(name, 16, "card_%d", i);
    if (i < db->nprepared)
        return 0;
    if (i == DB_PREPARED_MAX)
        return -1;
    PGresult *res = PQprepare(db->conn, name, sql, nparams, NULL);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        log_msg("db: prepare: %s in: %.120s", PQresultErrorMessage(res), sql);
    PQclear(res);
    if (ok)
        db->prepared[db->nprepared++] = sql;
    return ok ? 0 : -1;
}

/* settle: keep a successful result in the request's arena and return it; otherwise log the
 * failure, mark the request failed with the failure's SQLSTATE and return NULL. */
static PGresult *settle_owned(struct req *r, PGresult *res, const char *sql, int owned);
static PGresult *settle(struct req *r, PGresult *res, const char *sql)
{
    return settle_owned(r, res, sql, 0);
}

/* settle_owned: settle, but with owned set a successful result is the caller's to PQclear. */
static PGresult *settle_owned(struct req *r, PGresult *res, const char *sql, int owned)
{
    struct db *db = r->db;
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (!owned)
            arena_defer(r->arena, clear_result, res);
        return res;
    }
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state ? state : "");
    db->failed = 1;
    if (!state || (strcmp(state, "23505") != 0))
        log_msg("db: %s [%s] in: %.120s", PQresultErrorMessage(res), db->sqlstate, sql);
    PQclear(res);
    return NULL;
}

/* run: execute sql (by name when prepared) in the request's transaction. */
static PGresult *run(struct req *r, const char *sql, const char *const *params, int nparams,
                     int prepared);

PGresult *db_query(struct req *r, const char *sql, const char *const *params, int nparams)
{
    return run(r, sql, params, nparams, 0);
}

PGresult *db_query_prepared(struct req *r, const char *sql, const char *const *params, int nparams)
{
    return run(r, sql, params, nparams, 1);
}

/* generic_plans: once per transaction, have prepared statements use their generic plan. */
static const char SQL_GENERIC_PLANS[] = "SET LOCAL plan_cache_mode = force_generic_plan";
static void generic_plans(struct db *db)
{
    if (db->generic_plans || !db->in_tx)
        return;
    db->generic_plans = exec_plain(db, SQL_GENERIC_PLANS) == 0;
}

/* execute: sql on the connection (by name when prepared), or on the test seam. */
static PGresult *execute(struct db *db, const char *sql, const char *const *params, int nparams,
                         int prepared)
{
    char name[16];
    if (db->fake_exec)
        return db->fake_exec(db->fake_ctx, sql, params, nparams);
    if (prepared && !db->unprepared && prepared_name(db, sql, nparams, name) == 0)
        return PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0);
    return PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

static PGresult *run(struct req *r, const char *sql, const char *const *params, int nparams,
                     int prepared)
{
    struct db *db = r->db;
    if (db->want_tx && !db->in_tx && !db->fake_exec) {
        /* the request's first statement: BEGIN, its settings and it in one round trip */
        struct db_step step = {sql, params, nparams, prepared};
        PGresult *out;
        return db_pipeline(r, &step, 1, &out) == 0 ? out : NULL;
    }
    if (db->want_tx && !db->in_tx) {
        db->want_tx = 0;
        if (db_ready(db) != 0 || db_begin(r, db->begin_user, db->share_token) != 0) {
            db->failed = 1;
            return NULL;
        }
    }
    if (db->pool && db->slot < 0)
        db_ready(db);
    if (!db->conn && !db->fake_exec) {
        db->failed = 1;
        return NULL;
    }
    if (prepared)
        generic_plans(db);
    PGresult *res = execute(db, sql, params, nparams, prepared);
    return settle(r, res, sql);
}

static const char SQL_BEGIN_SETTINGS[] =
    "SELECT set_config('app.user_id', $1, true), set_config('app.share_token', $2, true), "
    "set_config('TimeZone', 'UTC', true)";

/* step_names: the statement names of the prepared steps (prepared now when new on this
 * connection: before pipeline mode, which allows no synchronous PQprepare); "" for the others. */
static char (*step_names(struct req *r, const struct db_step *steps, int n))[16]
{
    struct db *db = r->db;
    char (*names)[16] = arena_alloc(r->arena, (size_t)(n ? n : 1) * sizeof *names);
    for (int i = 0; i < n; i++) {
        names[i][0] = '\0';
        if (steps[i].prepared && !db->unprepared && db->conn &&
            prepared_name(db, steps[i].sql, steps[i].nparams, names[i]) != 0)
            names[i][0] = '\0';
    }
    return names;
}

static int send_step(PGconn *c, const struct db_step *st, const char *name)
{
    if (name[0])
        return PQsendQueryPrepared(c, name, st->nparams, st->params, NULL, NULL, 0);
    return PQsendQueryParams(c, st->sql, st->nparams, NULL, st->params, NULL, NULL, 0);
}

int db_pipeline(struct req *r, const struct db_step *steps, int n, PGresult **out)
{
    struct db *db = r->db;
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    int begin = db->want_tx && !db->in_tx;   /* BEGIN and its settings go first, in the pipeline */
    if (begin) {
        db->want_tx = 0;
        db->failed = 0;
        db->sqlstate[0] = '\0';
        if (db_ready(db) != 0) {
            db->failed = 1;
            return -1;
        }
    } else if (db->pool && db->slot < 0) {
        db_ready(db);
    }
    char (*names)[16] = db->fake_exec ? NULL : step_names(r, steps, n);
    char begin_name[16] = "";   /* the settings by name too: parsed once per connection */
    if (begin && !db->fake_exec && !db->unprepared && db->conn &&
        prepared_name(db, SQL_BEGIN_SETTINGS, 2, begin_name) != 0)
        begin_name[0] = '\0';
    if (db->fake_exec || !db->conn || PQenterPipelineMode(db->conn) != 1) {
        if (begin && db_begin(r, db->begin_user, db->share_token) != 0) {
            db->failed = 1;
            return -1;
        }
        for (int i = 0; i < n; i++)
            if (!(out[i] = run(r, steps[i].sql, steps[i].params, steps[i].nparams, 0)))
                return -1;
        return 0;
    }
    PGconn *c = db->conn;
    const char *settings[] = {db->begin_user ? db->begin_user : "", db->share_token ? db->share_token : ""};
    /* first what run() does before a statement: BEGIN and its settings, and before the
     * transaction's first prepared one, generic plans (planning a statement under row-level
     * security costs more than running it: the ERD children's, 2–5 ms) */
    struct db_step pre[3];
    char pre_names[3][16] = {"", "", ""};
    int first = 0;
    if (begin) {
        db->in_tx = 1;
        db->generic_plans = 0;
        pre[first++] = (struct db_step){db->read_only ? "BEGIN READ ONLY" : "BEGIN", NULL, 0, 0};
        snprintf(pre_names[first], sizeof pre_names[first], "%s", begin_name);
        pre[first++] = (struct db_step){SQL_BEGIN_SETTINGS, settings, 2, 1};
    }
    int any_prepared = 0;
    for (int i = 0; i < n; i++)
        any_prepared |= names[i][0] != '\0';
    if (any_prepared && !db->generic_plans) {
        pre[first++] = (struct db_step){SQL_GENERIC_PLANS, NULL, 0, 0};
        db->generic_plans = 1;
    }
    int ok = 1, sent = 0, total = n + first;
    while (ok && sent < first && send_step(c, &pre[sent], pre_names[sent]))
        sent++;
    ok = sent == first;
    while (ok && sent < total && send_step(c, &steps[sent - first], names[sent - first]))
        sent++;
    int synced = PQpipelineSync(c);   /* also after a failed send: the results end with it */
    if (sent < total || !synced) {
        ok = 0;
        snprintf(db->sqlstate, sizeof db->sqlstate, "%s", DB_SQLSTATE_CONNECTION);
        log_msg("db: pipeline: %s", PQerrorMessage(c));
    }
    /* each statement's result, then NULL; last the sync (also when sending stopped early) */
    for (int i = 0; i < sent; i++) {
        PGresult *res = PQgetResult(c), *end;
        while ((end = PQgetResult(c)))
            PQclear(end);
        const char *sql = i < first ? pre[i].sql : steps[i - first].sql;
        PGresult *kept = ok ? settle(r, res, sql) : (PQclear(res), NULL);
        ok = ok && kept;
        if (i >= first)
            out[i - first] = kept;
    }
    for (PGresult *res; synced && (res = PQgetResult(c));) {
        ExecStatusType st = PQresultStatus(res);
        PQclear(res);
        if (st == PGRES_PIPELINE_SYNC)
            break;
    }
    if (!PQexitPipelineMode(c))
        ok = 0;
    if (!ok && begin && PQstatus(c) != CONNECTION_OK && db_connect(db) == 0) {
        /* the server went away since this connection's last use: reconnect once, as db_begin */
        db->in_tx = 0;
        if (db_begin(r, db->begin_user, db->share_token) != 0) {
            db->failed = 1;
            return -1;
        }
        for (int i = 0; i < n; i++)
            if (!(out[i] = run(r, steps[i].sql, steps[i].params, steps[i].nparams, 0)))
                return -1;
        return 0;
    }
    if (!ok)
        db->failed = 1;
    return ok ? 0 : -1;
}

/* pipe_done: the end of db_pipeline_send's pipeline: a COMMIT as its last statement ended the
 * transaction (the pooled connection goes back); a failure rolls it back. */
static int pipe_done(struct req *r)
{
    struct db *db = r->db;
    db->pipe_pending = 0;
    if (db->conn && PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF && !PQexitPipelineMode(db->conn))
        db->pipe_ok = 0;
    if (!db->pipe_ok) {
        db->failed = 1;
        db_finish(r, 0);
        return -1;
    }
    if (db->pipe_n && strcmp(db->pipe_steps[db->pipe_n - 1].sql, "COMMIT") == 0) {
        db->in_tx = 0;
        db_release(db);
    }
    return 1;
}

int db_pipeline_send(struct req *r, const struct db_step *steps, int n, PGresult **out)
{
    struct db *db = r->db;
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    db->pipe_steps = steps;
    db->pipe_out = out;
    db->pipe_n = n;
    db->pipe_got = db->pipe_sep = 0;
    db->pipe_ok = 1;
    db->pipe_pending = 1;
    if (!db->in_tx || (!db->fake_exec && !db->conn)) {
        db->pipe_ok = 0;
        db->pipe_pending = 0;
        db->failed = 1;
        return -1;
    }
    char (*names)[16] = db->fake_exec ? NULL : step_names(r, steps, n);
    if (db->fake_exec || PQenterPipelineMode(db->conn) != 1) {
        for (int i = 0; i < n && db->pipe_ok; i++)
            db->pipe_ok = (out[i] = run(r, steps[i].sql, steps[i].params, steps[i].nparams, 0)) != NULL;
        db->pipe_got = n;
        if (db->pipe_ok && n && strcmp(steps[n - 1].sql, "COMMIT") == 0)
            db->in_tx = 0;   /* run() does not track it */
        return db->pipe_ok ? 0 : -1;
    }
    PGconn *c = db->conn;
    int sent = 0;
    while (sent < n && send_step(c, &steps[sent], names[sent]))
        sent++;
    int synced = PQpipelineSync(c);
    if (sent < n || !synced) {
        snprintf(db->sqlstate, sizeof db->sqlstate, "%s", DB_SQLSTATE_CONNECTION);
        log_msg("db: pipeline: %s", PQerrorMessage(c));
        db->pipe_ok = 0;
        db->pipe_n = sent;
        if (!synced) {
            db->pipe_pending = 0;
            PQexitPipelineMode(c);
            db->failed = 1;
            db_finish(r, 0);
            return -1;
        }
    }
    return 0;
}

int db_pipeline_collect(struct req *r, int wait)
{
    struct db *db = r->db;
    if (!db->pipe_pending)
        return db->pipe_ok ? 1 : -1;
    if (db->fake_exec || !db->conn || PQpipelineStatus(db->conn) == PQ_PIPELINE_OFF) {
        db->pipe_pending = 0;
        if (!db->pipe_ok) {
            db->failed = 1;
            db_finish(r, 0);
            return -1;
        }
        if (!db->in_tx)
            db_release(db);
        return 1;
    }
    PGconn *c = db->conn;
    for (int nulls = 0;;) {
        if (!wait && (!PQconsumeInput(c) || PQisBusy(c))) {
            if (PQstatus(c) == CONNECTION_OK)
                return 0;
            wait = 1;   /* gone: PQgetResult answers the failure without blocking */
        }
        PGresult *res = PQgetResult(c);
        nulls = res ? 0 : nulls + 1;
        if (!res && (PQstatus(c) != CONNECTION_OK || nulls > 2)) {   /* nothing more will come */
            db->pipe_ok = 0;
            return pipe_done(r);
        }
        if (db->pipe_got < db->pipe_n) {
            if (db->pipe_sep) {           /* the NULL after each statement's result */
                if (res) {
                    PQclear(res);
                    continue;
                }
                db->pipe_sep = 0;
                db->pipe_got++;
                continue;
            }
            if (!res)
                continue;
            const char *sql = db->pipe_steps[db->pipe_got].sql;
            PGresult *kept = db->pipe_ok ? settle(r, res, sql) : (PQclear(res), NULL);
            db->pipe_ok = db->pipe_ok && kept;
            db->pipe_out[db->pipe_got] = kept;
            db->pipe_sep = 1;
            continue;
        }
        if (!res)
            continue;
        ExecStatusType st = PQresultStatus(res);
        PQclear(res);
        if (st == PGRES_PIPELINE_SYNC)
            return pipe_done(r);
    }
}

PGresult *db_query_bin(struct req *r, const char *sql, const char *const *params, const int *lengths,
                       int nparams, int flags)
{
    struct db *db = r->db;
    if (db->want_tx && !db->in_tx) {
        db->want_tx = 0;
        if (db_ready(db) != 0 || db_begin(r, NULL, db->share_token) != 0) {
            db->failed = 1;
            return NULL;
        }
    }
    if (db->fake_exec)
        return settle_owned(r, db->fake_exec(db->fake_ctx, sql, params, nparams), sql, flags & DB_OWNED);
    if (!db->conn || nparams > 16) {
        db->failed = 1;
        return NULL;
    }
    int formats[16];
    for (int i = 0; i < nparams; i++)
        formats[i] = lengths && lengths[i] >= 0;
    PGresult *res = PQexecParams(db->conn, sql, nparams, NULL, params, lengths, formats,
                                 (flags & DB_BINARY_RESULT) ? 1 : 0);
    return settle_owned(r, res, sql, flags & DB_OWNED);
}

PGresult *db_auth_query(struct req *r, const char *sql, const char *const *params, int nparams)
{
    struct db *auth = r->auth_db;
    PGresult *res = NULL;
    if (auth && db_ready(auth) == 0) {
        res = PQexecParams(auth->conn, sql, nparams, NULL, params, NULL, NULL, 0);
        /* The server went away since this connection's last use: reconnect once. */
        if (PQstatus(auth->conn) != CONNECTION_OK && db_connect(auth) == 0) {
            PQclear(res);
            res = PQexecParams(auth->conn, sql, nparams, NULL, params, NULL, NULL, 0);
        }
    }
    if (!res || !auth->conn || PQstatus(auth->conn) != CONNECTION_OK) {
        PQclear(res);
        snprintf(r->db->sqlstate, sizeof r->db->sqlstate, "%s", DB_SQLSTATE_CONNECTION);
        r->db->failed = 1;
        return NULL;
    }
    return settle(r, res, sql);
}

int db_begin(struct req *r, const char *user_id, const char *share_token)
{
    struct db *db = r->db;
    db->failed = 0;
    db->sqlstate[0] = '\0';
    const char *begin = db->read_only ? "BEGIN READ ONLY" : "BEGIN";
    if (!db_query(r, begin, DB_NOARGS)) {
        /* The server went away since this connection's last use: reconnect once. */
        if (db->fake_exec || (db->conn && PQstatus(db->conn) == CONNECTION_OK) || db_connect(db) != 0)
            return -1;
        db->failed = 0;
        if (!db_query(r, begin, DB_NOARGS))
            return -1;
    }
    db->in_tx = 1;
    db->generic_plans = 0;
    if (!db_query(r, "SELECT set_config('app.user_id', $1, true), set_config('app.share_token', $2, true), "
                     "set_config('TimeZone', 'UTC', true)",
                  DB_ARGS(user_id ? user_id : "", share_token ? share_token : "")))
        return -1;
    return 0;
}

/* begin_read_on: a READ ONLY transaction on db as the request's connection; on failure nothing
 * stays open and r->db is what it was. */
static int begin_read_on(struct req *r, struct db *db, const char *user_id, const char *share_token)
{
    struct db *before = r->db;
    r->db = db;
    db->want_tx = 0;
    db->read_only = 1;
    if (db_ready(db) == 0 && db_begin(r, user_id, share_token) == 0)
        return 0;
    db_finish(r, 0);
    r->db = before;
    return -1;
}

int db_begin_read(struct req *r, const char *user_id, const char *share_token)
{
    if (r->read_db && begin_read_on(r, r->read_db, user_id, share_token) == 0)
        return 0;
    return begin_read_on(r, r->db, user_id, share_token);
}

int db_try(struct req *r)
{
    return db_query(r, "SAVEPOINT card_try", DB_NOARGS) ? 0 : -1;
}

int db_try_undo(struct req *r)
{
    char state[sizeof r->db->sqlstate];
    memcpy(state, r->db->sqlstate, sizeof state);
    r->db->failed = 0;
    if (!db_query(r, "ROLLBACK TO SAVEPOINT card_try", DB_NOARGS))
        return -1;
    memcpy(r->db->sqlstate, state, sizeof state);
    return 0;
}

int db_set_user(struct req *r, const char *user_id)
{
    return db_query(r, "SELECT set_config('app.user_id', $1, true)", DB_ARGS(user_id)) ? 0 : -1;
}

int db_finish(struct req *r, int ok)
{
    struct db *db = r->db;
    db->want_tx = 0;
    db->read_only = 0;
    if (!db->in_tx) {
        db_release(db);
        return ok ? 0 : -1;
    }
    db->in_tx = 0;
    if (!db->conn && !db->fake_exec) {
        db_release(db);
        return -1;
    }
    int commit = ok && !db->failed;
    int rc = exec_plain(db, commit ? "COMMIT" : "ROLLBACK");
    db_release(db);
    return commit && rc == 0 ? 0 : -1;
}

const char *db_val(const PGresult *res, int row, int col)
{
    return PQgetvalue(res, row, col);
}

int db_isnull(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col);
}

int db_bool(const PGresult *res, int row, int col)
{
    return PQgetvalue(res, row, col)[0] == 't';
}

long long db_int(const PGresult *res, int row, int col)
{
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

void db_array_text(struct buf *b, const char *s)
{
    buf_putc(b, b->len ? ',' : '{');
    if (!s) {
        buf_append(b, "NULL", 4);
        return;
    }
    buf_putc(b, '"');
    for (size_t n; *s; s += n) {
        n = strcspn(s, "\"\\");
        buf_append(b, s, n);
        if (s[n]) {
            buf_putc(b, '\\');
            buf_putc(b, s[n]);
            n++;
        }
    }
    buf_putc(b, '"');
}

const char *db_array_close(struct buf *b)
{
    buf_puts(b, b->len ? "}" : "{}");
    return buf_cstr(b);
}
