/* db.h — one PostgreSQL connection per worker thread, the per-request transaction that
 * carries the signed-in user into row-level security, and the one way to query
 * (PQexecParams with $n placeholders; results are freed when the request's arena resets).
 * A second, lazily opened connection per thread, as the sign-in role card_auth, runs the few
 * statements that see password hashes or create sessions (db_auth_query): the runtime role
 * may not (sql/011_auth_boundary.sql).  A third, when CARD_READ_DATABASE_URL names a streaming
 * replica, runs the read-only transactions of R_READ routes (db_begin_read).
 * Every session setting a request relies on is transaction-local (set_config(…, true) in
 * db_begin, SET LOCAL), so the connections may sit behind pgbouncer in transaction mode; there,
 * named prepared statements are turned off (unprepared, CARD_DB_PREPARED=0). */
#ifndef CARD_DB_H
#define CARD_DB_H
#include <libpq-fe.h>

struct req;
struct db_pool;

#define DB_PREPARED_MAX 64
#define DB_SQLSTATE_CONNECTION "08006"  /* recorded when a connection could not be had */

struct db {
    PGconn *conn;
    const char *conninfo;
    long long next_try_us;  /* back-off after a failed (re)connect */
    int backoff_ms;
    int in_tx;
    int want_tx;            /* begin a transaction at the first query of this request */
    int failed;             /* a query in this request failed */
    char sqlstate[6];       /* of the last failure */
    const char *prepared[DB_PREPARED_MAX]; /* statements prepared on conn, named card_<index> */
    int nprepared;
    int generic_plans;      /* this transaction runs prepared statements with generic plans */
    int unprepared;         /* never prepare named statements (CARD_DB_PREPARED=0: a pooler in
                               transaction mode hands each transaction another server session) */
    int read_only;          /* the next transaction begins READ ONLY (db_begin_read) */
    char *share_token;      /* app.share_token of the wanted transaction (malloc'd), or NULL */
    const char *begin_user; /* app.user_id of the wanted transaction (db_want_user), or NULL */
    /* Tests only: when set, every statement goes to fake_exec instead of a server; it answers
     * a PGresult (PQmakeEmptyPGresult…) the caller frees, or NULL for a failure. */
    PGresult *(*fake_exec)(void *ctx, const char *sql, const char *const *params, int nparams);
    void *fake_ctx;
    /* Pooled (the stream worker): conn, prepared and the back-off belong to a slot of pool,
     * taken at the first query of a transaction and given back when it ends (db_finish). */
    struct db_pool *pool;
    int slot;               /* the slot held, or -1 */
    int released_down;      /* the slot's connection was unusable when given back */
    /* db_pipeline_send's statements whose results db_pipeline_collect has still to read */
    const struct db_step *pipe_steps;
    PGresult **pipe_out;
    int pipe_n, pipe_got, pipe_sep, pipe_ok, pipe_pending;
};

/* db_pool_new: n connections to conninfo shared by threads (opened at their first use), for
 * threads that spend most of a request without the database (an AI answer streaming): each
 * holds one only for a transaction, so 50 open answers need not be 50 server sessions.
 * A thread waits when all n are in use. */
struct db_pool *db_pool_new(const char *conninfo, int n);
/* db_pool_attach: db (db_init'ed with the same conninfo) takes its connections from pool. */
void db_pool_attach(struct db *db, struct db_pool *pool);
/* db_release: give a pooled connection back unless a transaction is open (db_finish does;
 * the worker also calls it after each request).  Nothing for an unpooled db. */
void db_release(struct db *db);

/* db_init: remember conninfo; connects lazily. */
void db_init(struct db *db, const char *conninfo);
void db_close(struct db *db);
/* db_ready: a usable connection, reconnecting (with back-off) when it is gone.  0 or -1. */
int db_ready(struct db *db);

/* db_want_tx: this request runs in one transaction, begun lazily by its first query (a
 * page that needs no data, like the login form, costs no round trip at all) with
 * app.share_token set to share_token (NULL: none; the token is copied).  dispatch.c is its
 * one caller: the route's flags decide. */
void db_want_tx(struct req *r, const char *share_token);
/* db_want_user: the transaction db_want_tx asked for begins with app.user_id = user_id (which
 * must outlive it) instead of none: one statement fewer than db_set_user after it. */
void db_want_user(struct req *r, const char *user_id);
/* db_begin: BEGIN, then set_config('app.user_id', user_id, true) and, when share_token
 * is given, app.share_token, and TimeZone 'UTC' — all transaction-local.  0 or -1. */
int db_begin(struct req *r, const char *user_id, const char *share_token);
/* db_begin_read: begin a READ ONLY transaction for user_id / share_token (as db_begin) on the
 * replica (r->read_db) and make it the request's connection (r->db); when there is no replica
 * or it cannot begin one (down, restarting), on the primary instead.  The replica may lag
 * behind the primary: only for reads that may show slightly old data (share pages, exports),
 * never a user's own editor.  0, or -1 when neither server could begin (nothing left open). */
int db_begin_read(struct req *r, const char *user_id, const char *share_token);
/* db_set_user: switch app.user_id inside the open transaction (after login/signup). */
int db_set_user(struct req *r, const char *user_id);
/* db_finish: COMMIT when ok and nothing failed, else ROLLBACK.  0 when committed. */
int db_finish(struct req *r, int ok);

/* db_query: run sql with params (NULL entries are SQL NULL).  Returns the result (owned by
 * the request arena) when it is COMMAND_OK or TUPLES_OK; NULL on error, after logging the
 * error and setting db->failed and db->sqlstate. */
PGresult *db_query(struct req *r, const char *sql, const char *const *params, int nparams);
/* db_query_prepared: the same, for a statement run often enough that parsing and planning
 * it each time shows (a diagram's load and save): prepared once per connection under a name
 * and executed by name, with a generic plan (plan_cache_mode is set for the rest of the
 * transaction: the diagram statements' row-level security makes each plan cost up to 15 ms,
 * and PostgreSQL would otherwise re-plan them for their first five runs on every
 * connection).  sql must be a string with static storage (it is the cache key).  With
 * db->unprepared set it runs as an unnamed statement (PQexecParams) with the same results:
 * the generic plan setting still holds for the transaction. */
PGresult *db_query_prepared(struct req *r, const char *sql, const char *const *params, int nparams);
/* db_pipeline: n statements (struct db_step) in the request's transaction in one round trip
 * (libpq pipeline mode), each its own statement (it sees what the ones before it wrote): for a
 * latency-bound path with several small writes (an AI turn before its provider call).
 * out[i] gets each result as db_query would (owned by the arena; NULL when it, or one before
 * it, failed).  0 when all succeeded, else -1 (db->failed, sqlstate of the first failure).
 * Without pipelining (the test seam) they run one by one. */
struct db_step {
    const char *sql;
    const char *const *params;
    int nparams;
    int prepared;   /* run by name, prepared once per connection (sql: static storage, the key) */
};
#define DB_STEP(sql_, ...) {(sql_), DB_ARGS(__VA_ARGS__), 0}
#define DB_STEP_PREPARED(sql_, ...) {(sql_), DB_ARGS(__VA_ARGS__), 1}
int db_pipeline(struct req *r, const struct db_step *steps, int n, PGresult **out);
/* db_pipeline_send / db_pipeline_collect: the same, split so that the round trip overlaps other
 * work (an AI turn's writes while the provider thinks).  send puts the n statements on the wire
 * inside the open transaction (the last may be COMMIT: then the transaction ends, and a pooled
 * connection is given back, when collect has read it) and answers 0, or -1 (db->failed).
 * collect reads what has arrived into out[] (as db_pipeline; steps and out must live until it
 * answers non-zero): with wait 0 it never blocks and answers 0 while results are still due;
 * 1 when all arrived and succeeded, -1 when one failed (the transaction is rolled back then).
 * No other statement may run on the connection in between.  Without pipelining (the test seam)
 * send runs them one by one and collect only answers. */
int db_pipeline_send(struct req *r, const struct db_step *steps, int n, PGresult **out);
int db_pipeline_collect(struct req *r, int wait);
/* db_query_bin: db_query for bytes (bytea) without their hex text (twice the size): a
 * parameter i with lengths[i] >= 0 is sent as those raw bytes (binary format: only for a
 * bytea), the others (-1) as text; at most 16 parameters.  flags: DB_BINARY_RESULT gives every
 * column of the result in binary format (select only bytea and text columns: a bytea is its
 * bytes, PQgetvalue with PQgetlength); DB_OWNED leaves the result to the caller to PQclear
 * (to free a large one before the request ends) instead of the arena. */
enum { DB_BINARY_RESULT = 1, DB_OWNED = 2 };
PGresult *db_query_bin(struct req *r, const char *sql, const char *const *params, const int *lengths,
                       int nparams, int flags);
/* db_auth_query: the same, on the sign-in role's connection (r->auth_db, connected at first
 * use), outside the request's transaction: each statement commits on its own. Only for the
 * sign-in functions of sql/006 and 011 (card_signup, card_login_lookup, card_session_create,
 * card_password_set). A failure counts as a failure of the request (r->db->failed, its
 * SQLSTATE in r->db->sqlstate; DB_SQLSTATE_CONNECTION when there is no connection), so the
 * request's transaction rolls back as after any failed query. */
PGresult *db_auth_query(struct req *r, const char *sql, const char *const *params, int nparams);
#define DB_ARGS(...) (const char *const[]){__VA_ARGS__}, \
    (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define DB_NOARGS NULL, 0

/* db_try / db_try_undo: a savepoint around a statement whose failure is an answer (a field
 * error shown on the re-rendered form): db_try sets it (0 or -1); after the statement failed,
 * db_try_undo rolls back to it and clears the request's failure (its SQLSTATE stays readable by
 * db_sqlstate_is), so the transaction can go on.  0 or -1. */
int db_try(struct req *r);
int db_try_undo(struct req *r);

/* db_array_text: append s (NULL: SQL NULL) to b, a PostgreSQL array literal being built
 * ("{" first), as one quoted element; db_array_close: close it ("{}" when empty) and answer
 * the text, for an array parameter ($1::text[]). */
struct buf;
void db_array_text(struct buf *b, const char *s);
const char *db_array_close(struct buf *b);

/* db_val: row/col as a string ("" for NULL); db_isnull; db_bool ('t'); db_int. */
const char *db_val(const PGresult *res, int row, int col);
int db_isnull(const PGresult *res, int row, int col);
int db_bool(const PGresult *res, int row, int col);
long long db_int(const PGresult *res, int row, int col);
/* db_unavailable: the connection is gone (answer 503). */
int db_unavailable(const struct db *db);
/* db_sqlstate_is: last failure had this SQLSTATE ("23505" …). */
int db_sqlstate_is(const struct db *db, const char *state);
#endif
