/* test_dispatch.c — the request pipeline without a server: requests go in through
 * dispatch_request's raw_request seam, statements come out through struct db's fake_exec seam
 * and are recorded, so each test sees exactly what reached "the database": 404 vs 405, 413,
 * 415, the CSRF and origin checks, the transaction a route's flags ask for (none, a share
 * page's, a signed-in user's), commit on success and rollback otherwise, and a handler that
 * answers nothing becoming a 500, and R_READ routes reading on the replica (its statements are
 * recorded with a "replica: " prefix) after the session was checked on the primary. */
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "dispatch.h"
#include "http.h"
#include "route.h"
#include "view.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the fake database: records every statement, answers sessions for one token ---- */

#define MAX_STMTS 64
static char stmts[MAX_STMTS][256];
static int nstmts;
static int session_stale;       /* the session was last seen long ago (its row gets touched) */
static int replica_down;        /* every statement sent to the replica fails */

static PGresult *one_row(const char *const *vals, int ncols)
{
    PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc attrs[8];
    memset(attrs, 0, sizeof attrs);
    for (int i = 0; i < ncols; i++)
        attrs[i].name = (char *)"c", attrs[i].typid = 25, attrs[i].typlen = -1, attrs[i].format = 0;
    PQsetResultAttrs(res, ncols, attrs);
    for (int i = 0; i < ncols; i++)
        PQsetvalue(res, 0, i, (char *)vals[i], (int)strlen(vals[i]));
    return res;
}

static PGresult *fake_exec(void *ctx, const char *sql, const char *const *params, int nparams)
{
    if (nstmts < MAX_STMTS) {
        snprintf(stmts[nstmts], sizeof stmts[0], "%s%s%s%s", ctx ? (const char *)ctx : "", sql,
                 nparams ? " | " : "", nparams && params[nparams - 1] ? params[nparams - 1] : "");
        nstmts++;
    }
    if (strstr(sql, "FAIL") || (ctx && replica_down))
        return NULL;
    if (strstr(sql, "card_session_lookup")) {
        char now[32], seen[32];
        snprintf(now, sizeof now, "%lld", (long long)time(NULL));
        snprintf(seen, sizeof seen, "%lld", (long long)time(NULL) - (session_stale ? 3600 : 0));
        const char *row[] = {"user-1", "ada@example.com", "Ada", "f", now, seen};
        return one_row(row, 6);
    }
    return PQmakeEmptyPGresult(NULL, strncmp(sql, "SELECT", 6) == 0 ? PGRES_TUPLES_OK : PGRES_COMMAND_OK);
}

/* saw: index of the first recorded statement containing text, or -1. */
static int saw(const char *text)
{
    for (int i = 0; i < nstmts; i++)
        if (strstr(stmts[i], text))
            return i;
    return -1;
}

/* ---- test routes ---- */

static void h_read(struct req *r)
{
    if (!db_query(r, "SELECT 1", DB_NOARGS)) {
        page_db_error(r);
        return;
    }
    resp_text(r, 200, "text/plain", r->csrf ? r->csrf : "", r->csrf ? strlen(r->csrf) : 0);
}
static void h_write(struct req *r)
{
    if (!db_query(r, "INSERT INTO t VALUES (1)", DB_NOARGS)) {
        page_db_error(r);
        return;
    }
    resp_text(r, 200, "text/plain", "ok", 2);
}
static void h_write_then_refuse(struct req *r)
{
    db_query(r, "INSERT INTO t VALUES (2)", DB_NOARGS);
    page_error(r, 422, "Invalid", "no");
}
static void h_failed_statement(struct req *r)
{
    db_query(r, "UPDATE FAIL", DB_NOARGS);
    resp_text(r, 200, "text/plain", "ok", 2);
}
static void h_silent(struct req *r) { (void)r; }
static void h_plain(struct req *r) { resp_text(r, 200, "text/plain", "up", 2); }

static const struct route test_routes[] = {
    {"GET", "/api/read", h_read, 0},
    {"GET", "/api/private", h_read, R_LOGIN},
    {"POST", "/api/write", h_write, R_FORM},
    {"POST", "/api/refuse", h_write_then_refuse, R_FORM},
    {"POST", "/api/broken", h_failed_statement, R_FORM},
    {"PUT", "/api/doc", h_write, R_JSON_TEXT},
    {"GET", "/api/silent", h_silent, 0},
    {"GET", "/api/nodb", h_plain, R_NODB},
    {"GET", "/api/s/:token", h_read, R_SHARE},
    {"GET", "/api/export", h_read, R_LOGIN | R_READ},
    {"GET", "/api/rs/:token", h_read, R_SHARE | R_READ},
    {"GET", "/api/q/:uid", h_read, R_QUERY},
    {"POST", "/api/q/:uid/run", h_write, R_FORM | R_QUERY},
};

/* ---- requests ---- */

struct fake_req {
    const char *params[32];     /* name, value, name, value … NULL */
    const char *body;
};

static const char *param(void *ctx, const char *name)
{
    struct fake_req *f = ctx;
    for (int i = 0; f->params[i]; i += 2)
        if (strcmp(f->params[i], name) == 0)
            return f->params[i + 1];
    return NULL;
}

static long read_body(void *ctx, char *dst, long n)
{
    struct fake_req *f = ctx;
    long len = f->body ? (long)strlen(f->body) : 0;
    long k = len < n ? len : n;
    memcpy(dst, f->body, (size_t)k);
    f->body += k;
    return k;
}

static struct arena A;
static struct db DB, READ;
static int with_replica;        /* requests carry READ as their replica connection */
static struct req R;
#define SID "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"   /* 43 characters */

/* run: dispatch one request given as name/value pairs; the response is left in R. */
static void run(const char *body, const char *const *kv)
{
    static struct fake_req f;
    memset(&f, 0, sizeof f);
    for (int i = 0; kv[i]; i++)
        f.params[i] = kv[i];
    f.body = body;
    arena_reset(&A);
    memset(&R, 0, sizeof R);
    R.arena = &A;
    R.db = &DB;
    R.read_db = with_replica ? &READ : NULL;
    R.app = &g_app;
    R.resp_headers = buf_arena(&A);
    R.resp_body = buf_arena(&A);
    nstmts = 0;
    struct raw_request raw = {param, read_body, &f};
    dispatch_request(&R, &raw);
}
#define RUN(body, ...) run(body, (const char *const[]){__VA_ARGS__, NULL})

static void setup(void)
{
    arena_init(&A);
    db_init(&DB, "");
    DB.fake_exec = fake_exec;
    db_init(&READ, "");
    READ.fake_exec = fake_exec;
    READ.fake_ctx = (void *)"replica: ";
    with_replica = replica_down = 0;
    dispatch_routes = test_routes;
    dispatch_route_count = sizeof test_routes / sizeof test_routes[0];
    g_app.cfg.base_url = "http://cardinality.test";
    g_app.cfg.max_body = 1000;
    g_app.cfg.session_idle = 86400;
    g_app.cfg.session_absolute = 86400 * 14;
    memset(g_app.secret, 7, sizeof g_app.secret);
    session_stale = 0;
}

static void teardown(void)
{
    arena_free(&A);
    db_close(&DB);
    db_close(&READ);
    dispatch_routes = NULL;
    dispatch_pool = DISPATCH_ANY;
}

/* csrf_for_session: the token a signed-in page would carry (read back from /api/read). */
static char *csrf_for_session(void)
{
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/read", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    return strdup(buf_cstr(R.resp_body));
}

START_TEST(not_found_vs_bad_method)
{
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/nowhere");
    ck_assert_int_eq(R.status, 404);
    RUN(NULL, "REQUEST_METHOD", "DELETE", "DOCUMENT_URI", "/api/read");
    ck_assert_int_eq(R.status, 405);
    ck_assert_int_eq(nstmts, 0);
}
END_TEST

START_TEST(body_limits_and_types)
{
    char *csrf = csrf_for_session();
    RUN("x", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_LENGTH", "5000",
        "CONTENT_TYPE", "application/x-www-form-urlencoded", "HTTP_COOKIE", "sid=" SID,
        "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 413);
    RUN("{}", "REQUEST_METHOD", "PUT", "DOCUMENT_URI", "/api/doc", "CONTENT_LENGTH", "2",
        "CONTENT_TYPE", "text/plain", "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 415);
    RUN("a=%ff", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_LENGTH", "5",
        "CONTENT_TYPE", "application/x-www-form-urlencoded", "HTTP_COOKIE", "sid=" SID,
        "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 400);
    ck_assert_int_eq(saw("INSERT"), -1);
    free(csrf);
}
END_TEST

START_TEST(csrf_and_origin)
{
    char *csrf = csrf_for_session();
    const char *form = "application/x-www-form-urlencoded";
    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 403);                       /* no token */
    ck_assert_int_eq(saw("INSERT"), -1);
    ck_assert_int_ne(saw("ROLLBACK"), -1);
    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", "forged-token");
    ck_assert_int_eq(R.status, 403);
    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", csrf, "HTTP_ORIGIN", "https://evil.example");
    ck_assert_int_eq(R.status, 403);
    ck_assert_int_eq(nstmts, 0);                           /* refused before any statement */
    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", csrf, "HTTP_SEC_FETCH_SITE", "cross-site");
    ck_assert_int_eq(R.status, 403);
    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", csrf, "HTTP_ORIGIN", "http://cardinality.test");
    ck_assert_int_eq(R.status, 200);
    free(csrf);
}
END_TEST

START_TEST(commit_on_success_rollback_otherwise)
{
    char *csrf = csrf_for_session();
    const char *form = "application/x-www-form-urlencoded";
    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/write", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_eq(saw("BEGIN"), 0);
    /* the lookup sets the user itself (one round trip): no separate set_config after it */
    ck_assert_int_ne(saw("set_config('app.user_id', user_id, true) FROM card_session_lookup"), -1);
    ck_assert_int_eq(saw("set_config('app.user_id', $1, true) | user-1"), -1);
    ck_assert_int_gt(saw("COMMIT"), saw("INSERT"));
    ck_assert_int_eq(saw("ROLLBACK"), -1);

    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/refuse", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 422);
    ck_assert_int_gt(saw("ROLLBACK"), saw("INSERT"));
    ck_assert_int_eq(saw("COMMIT"), -1);

    /* A statement that failed rolls the request back even though the handler said 200. */
    RUN("", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/broken", "CONTENT_TYPE", form,
        "HTTP_COOKIE", "sid=" SID, "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 500);
    ck_assert_int_ne(saw("ROLLBACK"), -1);
    ck_assert_int_eq(saw("COMMIT"), -1);
    free(csrf);
}
END_TEST

START_TEST(transaction_follows_flags)
{
    /* R_NODB: not one statement. */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/nodb", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_eq(nstmts, 0);
    /* No cookie, no query: no round trip at all (the lazy start). */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/silent");
    ck_assert_int_eq(nstmts, 0);
    /* R_SHARE: the token from the path, no session looked up even with a cookie. */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/s/tok_123", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_eq(saw("card_session_lookup"), -1);
    ck_assert_int_ne(saw("app.share_token', $2, true), set_config('TimeZone', 'UTC', true) | tok_123"), -1);
    ck_assert_ptr_null(R.user);
    /* Login routes: 401 for API clients without a session, and nothing written. */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/private");
    ck_assert_int_eq(R.status, 401);
    /* A signed-in read commits; the session's share token stays empty. */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/private", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_ne(saw("app.share_token', $2, true), set_config('TimeZone', 'UTC', true) | "), -1);
    ck_assert_int_eq(saw("tok_123"), -1);
    ck_assert_str_eq(R.user->id, "user-1");
    /* Every setting is transaction-local (is_local = true): gone at COMMIT, so a pooler in
     * transaction mode can hand the server session to someone else. */
    ck_assert_int_eq(saw("SELECT set_config('app.user_id', $1, true), set_config('app.share_token', $2, true)"), 1);
}
END_TEST

START_TEST(silent_handler_is_500)
{
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/silent");
    ck_assert_int_eq(R.status, 500);
    ck_assert_ptr_nonnull(strstr(buf_cstr(R.resp_body), "\"error\""));
}
END_TEST

/* GET requests write nothing but the session's last-seen time (at most once a minute). */
START_TEST(get_writes_only_last_seen)
{
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/private", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(saw("UPDATE"), -1);
    session_stale = 1;
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/private", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_ne(saw("UPDATE sessions SET last_seen_at"), -1);
}
END_TEST

/* on_replica: the first statement containing text went to the replica (1), the primary (0),
 * or nowhere (-1). */
static int on_replica(const char *text)
{
    int i = saw(text);
    return i < 0 ? -1 : strncmp(stmts[i], "replica: ", 9) == 0;
}

START_TEST(read_routes_use_the_replica)
{
    /* Without a replica an R_READ route is an ordinary signed-in transaction. */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/export", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_eq(on_replica("SELECT 1"), 0);
    ck_assert_int_eq(saw("READ ONLY"), -1);
    ck_assert_int_eq(saw("COMMIT"), nstmts - 1);

    /* With one: the session is looked up and touched on the primary and committed there;
     * the handler reads in a READ ONLY transaction on the replica as the session's user. */
    with_replica = 1;
    session_stale = 1;
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/export", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_eq(on_replica("card_session_lookup"), 0);
    ck_assert_int_eq(on_replica("UPDATE sessions SET last_seen_at"), 0);
    ck_assert_int_eq(on_replica("COMMIT"), 0);
    ck_assert_int_gt(saw("replica: BEGIN READ ONLY"), saw("COMMIT"));
    ck_assert_int_gt(saw("replica: SELECT set_config('app.user_id', $1, true), set_config('app.share_token', $2, true)"),
                     saw("replica: BEGIN READ ONLY"));
    ck_assert_int_eq(on_replica("SELECT 1"), 1);
    ck_assert_int_eq(on_replica("set_config('TimeZone', 'UTC', true)"), 0);  /* per transaction, both */
    ck_assert_int_eq(strcmp(stmts[nstmts - 1], "replica: COMMIT"), 0);
    ck_assert_ptr_eq(R.db, &READ);

    /* Signed out: "sign in" without touching the replica. */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/export");
    ck_assert_int_eq(R.status, 401);
    ck_assert_int_eq(nstmts, 0);

    /* A share page on the replica: the path's token, no session even with a cookie. */
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/rs/tok_9", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_eq(saw("card_session_lookup"), -1);
    ck_assert_int_eq(on_replica("app.share_token', $2, true), set_config('TimeZone', 'UTC', true) | tok_9"), 1);
    ck_assert_int_eq(on_replica("SELECT 1"), 1);

    /* The replica is down: the same reads run READ ONLY on the primary. */
    replica_down = 1;
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/export", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_eq(on_replica("BEGIN READ ONLY"), 1);         /* tried first … */
    ck_assert_int_eq(on_replica("SELECT 1"), 0);                /* … read on the primary */
    ck_assert_int_gt(saw("SELECT 1"), saw("replica: BEGIN READ ONLY"));
    ck_assert_str_eq(stmts[nstmts - 1], "COMMIT");
    ck_assert_ptr_eq(R.db, &DB);
    ck_assert_int_eq(READ.in_tx, 0);
}
END_TEST

/* The pools: a page worker answers an R_QUERY route 421 and the query worker every other
 * route, before any statement or handler runs; a process that serves every route (DISPATCH_ANY,
 * the unit tests' default) runs both. */
START_TEST(misdirected_pool_is_421)
{
    char *csrf = csrf_for_session();
    dispatch_pool = DISPATCH_PAGES;
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/q/abc", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 421);
    ck_assert_int_eq(nstmts, 0);
    ck_assert_ptr_nonnull(strstr(buf_cstr(R.resp_body), "query worker"));
    RUN("a=1", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/q/abc/run", "CONTENT_LENGTH", "3",
        "CONTENT_TYPE", "application/x-www-form-urlencoded", "HTTP_COOKIE", "sid=" SID,
        "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 421);
    ck_assert_int_eq(nstmts, 0);
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/read", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/nowhere");
    ck_assert_int_eq(R.status, 404);

    dispatch_pool = DISPATCH_QUERY;
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/read", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 421);
    ck_assert_int_eq(nstmts, 0);
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/nodb");
    ck_assert_int_eq(R.status, 421);
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/q/abc", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    RUN("a=1", "REQUEST_METHOD", "POST", "DOCUMENT_URI", "/api/q/abc/run", "CONTENT_LENGTH", "3",
        "CONTENT_TYPE", "application/x-www-form-urlencoded", "HTTP_COOKIE", "sid=" SID,
        "HTTP_X_CSRF_TOKEN", csrf);
    ck_assert_int_eq(R.status, 200);
    ck_assert_int_ge(saw("INSERT"), 0);

    dispatch_pool = DISPATCH_ANY;
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/q/abc", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    RUN(NULL, "REQUEST_METHOD", "GET", "DOCUMENT_URI", "/api/read", "HTTP_COOKIE", "sid=" SID);
    ck_assert_int_eq(R.status, 200);
    free(csrf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dispatch");
    TCase *tc = tcase_create("pipeline");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, not_found_vs_bad_method);
    tcase_add_test(tc, body_limits_and_types);
    tcase_add_test(tc, csrf_and_origin);
    tcase_add_test(tc, commit_on_success_rollback_otherwise);
    tcase_add_test(tc, transaction_follows_flags);
    tcase_add_test(tc, silent_handler_is_500);
    tcase_add_test(tc, get_writes_only_last_seen);
    tcase_add_test(tc, read_routes_use_the_replica);
    tcase_add_test(tc, misdirected_pool_is_421);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
