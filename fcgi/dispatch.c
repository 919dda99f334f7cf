/* dispatch.c — the request pipeline shared by every route (see dispatch.h). */
#include "dispatch.h"
#include "app.h"
#include "auth.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "log.h"
#include "route.h"
#include "access.h"
#include "token.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct route *dispatch_routes;
enum dispatch_pool dispatch_pool = DISPATCH_ANY;
int dispatch_route_count;

static const char *param_or(const struct raw_request *raw, const char *name, const char *def)
{
    const char *v = raw->param(raw->ctx, name);
    return v ? v : def;
}

static void read_headers(struct req *r, const struct raw_request *raw)
{
    r->method = param_or(raw, "REQUEST_METHOD", "GET");
    r->path = param_or(raw, "DOCUMENT_URI", param_or(raw, "SCRIPT_NAME", "/"));
    r->query = param_or(raw, "QUERY_STRING", "");
    r->content_type = param_or(raw, "CONTENT_TYPE", "");
    r->cookie_header = param_or(raw, "HTTP_COOKIE", "");
    r->origin = raw->param(raw->ctx, "HTTP_ORIGIN");
    r->sec_fetch_site = raw->param(raw->ctx, "HTTP_SEC_FETCH_SITE");
    r->csrf_header = raw->param(raw->ctx, "HTTP_X_CSRF_TOKEN");
    r->accept = param_or(raw, "HTTP_ACCEPT", "");
    r->remote_addr = param_or(raw, "REMOTE_ADDR", "");
    r->host = param_or(raw, "HTTP_HOST", "");
    r->if_none_match = raw->param(raw->ctx, "HTTP_IF_NONE_MATCH");
    r->authorization = raw->param(raw->ctx, "HTTP_AUTHORIZATION");
    r->is_head = strcmp(r->method, "HEAD") == 0;
}

/* media_type_is: Content-Type's media type (before ';') equals want, case-insensitively. */
static int media_type_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int read_body(struct req *r, const struct raw_request *raw)
{
    const char *cl = raw->param(raw->ctx, "CONTENT_LENGTH");
    char *end;
    long long len = cl && *cl ? strtoll(cl, &end, 10) : 0;
    if (cl && *cl && (*end || len < 0)) {
        page_error(r, 400, "Bad request", "The request length is not a number.");
        return -1;
    }
    if ((unsigned long long)len > g_app.cfg.max_body) {
        page_error(r, 413, "Too large", "The request body is larger than %zu bytes.", g_app.cfg.max_body);
        return -1;
    }
    r->body = arena_alloc(r->arena, (size_t)len + 1);
    long got = 0;
    while (got < len) {
        long n = raw->read_body(raw->ctx, r->body + got, (long)(len - got));
        if (n <= 0)
            break;
        got += n;
    }
    r->body_len = (size_t)got;
    r->body[got] = '\0';
    if (got != len) {
        page_error(r, 400, "Bad request", "The request body ended early.");
        return -1;
    }
    return 0;
}

/* parse_body: by the route's flags; 0, or -1 with the error response filled. */
static int parse_body(struct req *r)
{
    unsigned f = r->route->flags;
    if (!(f & (R_JSON_TEXT | R_FORM | R_RAW | R_MULTIPART)))
        return 0;
    if (f & R_MULTIPART) {
        if (!media_type_is(r->content_type, "multipart/form-data")) {
            page_error(r, 415, "Unsupported media type", "Send the form as multipart/form-data.");
            return -1;
        }
        int rc = http_parse_multipart(r->arena, r->content_type, r->body, r->body_len, &r->form);
        if (rc != HTTP_OK) {
            page_error(r, rc == HTTP_ERR_TOO_LARGE ? 413 : 400, "Bad request", "The form data is malformed.");
            return -1;
        }
        return 0;
    }
    if (!http_utf8_valid(r->body, r->body_len) || memchr(r->body, '\0', r->body_len)) {
        page_error(r, 400, "Bad request", "The request body is not valid UTF-8 text.");
        return -1;
    }
    if ((f & R_JSON_TEXT) && !media_type_is(r->content_type, "application/json")) {
        page_error(r, 415, "Unsupported media type", "Send the body as application/json.");
        return -1;
    }
    if (f & R_FORM) {
        if (r->body_len && !media_type_is(r->content_type, "application/x-www-form-urlencoded")) {
            page_error(r, 415, "Unsupported media type", "Send the form as application/x-www-form-urlencoded.");
            return -1;
        }
        int rc = http_parse_urlencoded(r->arena, r->body, r->body_len, &r->form);
        if (rc != HTTP_OK) {
            page_error(r, rc == HTTP_ERR_TOO_LARGE ? 413 : 400, "Bad request", "The form data is malformed.");
            return -1;
        }
    }
    return 0;
}

/* origin_ok: unsafe requests must come from our own pages. */
static int origin_ok(struct req *r)
{
    if (r->sec_fetch_site && strcmp(r->sec_fetch_site, "cross-site") == 0)
        return 0;
    if (!r->origin || strcmp(r->origin, "null") == 0)
        return r->origin == NULL;
    const char *base = g_app.cfg.base_url;
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    if (strlen(r->origin) == n && strncasecmp(r->origin, base, n) == 0)
        return 1;
    /* Same host as the request (development on another port/host name). */
    const char *o = strstr(r->origin, "://");
    return o && r->host[0] && strcasecmp(o + 3, r->host) == 0;
}

static int csrf_ok(struct req *r)
{
    const char *sent = r->csrf_header ? r->csrf_header : req_form(r, "csrf_token");
    return sent && r->csrf && auth_token_equal(sent, r->csrf);
}

static void require_login(struct req *r)
{
    if (req_wants_json(r) || route_is_unsafe(r->method)) {
        page_error(r, 401, "Sign in required", "Sign in to continue.");
        return;
    }
    struct buf *to = buf_arena(r->arena);
    buf_puts(to, "/login?next=");
    html_url_arg(to, r->path);
    resp_redirect(r, buf_cstr(to));
}

/* answer_unavailable: the 503 a request gets when no database could take it; -1. */
static int answer_unavailable(struct req *r)
{
    page_error(r, 503, "Service unavailable", "The database is unavailable; try again in a moment.");
    return -1;
}

/* load_user: who is asking — the bearer token of an /api/ request that sends one (token.h),
 * else the session cookie.  0; -1 when the database failed; -2 after answering 401. */
static int load_user(struct req *r)
{
    if (token_wanted(r)) {
        int rc = token_load(r);
        return rc == TOKEN_OK ? 0 : rc == TOKEN_REFUSED ? -2 : -1;
    }
    return auth_load_session(r);
}

/* open_read: an R_READ route with a replica configured: the session is checked (and its
 * last-seen time written) on the primary and committed there; the handler's reads run in a
 * READ ONLY transaction on the replica, or on the primary when the replica is down. */
static int open_read(struct req *r)
{
    const char *token = NULL;
    if (r->route->flags & R_SHARE) {
        token = r->nparams > 0 ? r->params[0] : NULL;
    } else {
        db_want_tx(r, NULL);
        int rc = load_user(r);
        if (rc != 0) {
            db_finish(r, 0);
            return rc == -2 ? -1 : answer_unavailable(r);
        }
        if (db_finish(r, 1) != 0)
            return answer_unavailable(r);
        if ((r->route->flags & R_LOGIN) && !r->user)
            return 0;       /* run_route answers "sign in" without a query */
    }
    return db_begin_read(r, r->user ? r->user->id : NULL, token) == 0 ? 0 : answer_unavailable(r);
}

/* open_transaction: declare the request's transaction as the route's flags say — none
 * (R_NODB), a read on the replica (R_READ, when one is configured: open_read), a share page's
 * (R_SHARE: app.share_token = the path's token, never a session, so the page reads only what
 * the link shares), or the signed-in user's (the session is looked up, then app.user_id
 * set; or, for an /api/ request with a bearer token, the token's user).  0, or -1 after
 * answering 503 (or 401 for a refused token). */
static int open_transaction(struct req *r)
{
    unsigned f = r->route->flags;
    if (f & R_NODB)
        return 0;
    if ((f & R_READ) && r->read_db)
        return open_read(r);
    if (f & R_SHARE) {
        db_want_tx(r, r->nparams > 0 ? r->params[0] : NULL);
        return 0;
    }
    db_want_tx(r, NULL);
    if ((f & R_AUTH_LATE) && !token_wanted(r)) {
        struct db_step *lookup = arena_alloc(r->arena, sizeof *lookup);
        if (auth_session_step(r, lookup) == 0)
            r->auth_late = lookup;   /* the handler sends it; else no cookie: 401 (refused) */
        return 0;
    }
    int rc = load_user(r);
    if (rc == 0)
        return 0;
    db_finish(r, 0);
    return rc == -2 ? -1 : answer_unavailable(r);
}

/* close_transaction: COMMIT when the handler succeeded (status below 400, or it asked to keep
 * its writes), else ROLLBACK; a failed COMMIT replaces the answer with 500/503. */
static void close_transaction(struct req *r)
{
    if (r->route->flags & R_NODB)
        return;
    int ok = r->status < 400 || r->commit_on_error;
    if (db_finish(r, ok) == 0 || !ok)
        return;
    int down = db_unavailable(r->db);
    page_error(r, down ? 503 : 500, down ? "Service unavailable" : "Internal error",
               down ? "The database is unavailable; try again in a moment."
                    : "Something went wrong; nothing was saved.");
}

/* refused: the checks every handler runs behind (token scope, CSRF, sign-in); 1 after
 * answering, else 0. */
static int refused(struct req *r)
{
    if (route_is_unsafe(r->method) && r->bearer && r->bearer_read_only) {
        page_error(r, 403, "Forbidden", "This token's scope is read: it cannot change anything.");
    } else if (route_is_unsafe(r->method) && !r->bearer && !csrf_ok(r)) {
        page_error(r, 403, "Forbidden", "The form expired or came from another site. Reload the page and try again.");
    } else if ((r->route->flags & R_LOGIN) && !r->user) {
        require_login(r);
    } else {
        return 0;
    }
    return 1;
}

int dispatch_auth_late(struct req *r, PGresult *lookup)
{
    r->auth_late = NULL;
    if (auth_session_from(r, lookup) != 0) {
        page_db_error(r);
        return -1;
    }
    return refused(r) ? -1 : 0;
}

int dispatch_auth_now(struct req *r)
{
    if (!r->auth_late)
        return 0;
    PGresult *res;
    return dispatch_auth_late(r, db_pipeline(r, r->auth_late, 1, &res) == 0 ? res : NULL);
}

/* run_route: everything after routing, inside the transaction when the route needs one. */
static void run_route(struct req *r)
{
    const struct route *rt = r->route;
    if (open_transaction(r) != 0)
        return;
    if (!r->auth_late && refused(r)) {
        /* answered */
    } else {
        rt->handler(r);
        if (r->auth_late) {   /* a handler of R_AUTH_LATE that never asked: refuse, not serve */
            r->auth_late = NULL;
            page_error(r, 500, "Internal error", "Something went wrong; nothing was saved.");
        }
        if (route_is_unsafe(r->method))
            access_refine(r);
        if (r->status == 500 && r->resp_body->len == 0)    /* the handler answered nothing */
            page_error(r, 500, "Internal error", "Something went wrong; nothing was saved.");
    }
    if (r->user)
        r->no_store = 1;
    close_transaction(r);
}

void dispatch_request(struct req *r, const struct raw_request *raw)
{
    r->status = 500;    /* until a handler answers */
    r->start_us = log_now_us();
    read_headers(r, raw);
    if (r->path[0] != '/' || !http_utf8_valid(r->path, strlen(r->path)) ||
        http_parse_urlencoded(r->arena, r->query, strlen(r->query), &r->query_params) != HTTP_OK) {
        page_error(r, 400, "Bad request", "The address is malformed.");
        return;
    }
    http_parse_cookies(r->arena, r->cookie_header, &r->cookies);
    const struct route *table = dispatch_routes ? dispatch_routes : route_table;
    int n = dispatch_routes ? dispatch_route_count : route_count;
    switch (route_find(table, n, r->method, r->path, r, &r->route)) {
    case ROUTE_NOT_FOUND:
        page_error(r, 404, "Page not found", "There is nothing at this address.");
        return;
    case ROUTE_BAD_METHOD:
        page_error(r, 405, "Method not allowed", "This address does not accept %s.", r->method);
        return;
    case ROUTE_FOUND:
        break;
    }
    /* nginx sends R_QUERY routes to the query worker and nothing else there (route.h): a
     * request on the wrong pool is a configuration error, answered before any work. */
    if (dispatch_pool != DISPATCH_ANY &&
        ((r->route->flags & R_QUERY) != 0) != (dispatch_pool == DISPATCH_QUERY)) {
        page_error(r, 421, "Misdirected request",
                   dispatch_pool == DISPATCH_QUERY ? "The query worker serves only database queries."
                                                   : "Database queries are served by the query worker.");
        return;
    }
    /* A bearer token is never sent by a browser on its own: no origin to check. */
    if (route_is_unsafe(r->method) && !token_wanted(r) && !origin_ok(r)) {
        page_error(r, 403, "Forbidden", "Cross-site requests are refused.");
        return;
    }
    if (read_body(r, raw) != 0 || parse_body(r) != 0)
        return;
    run_route(r);
}

void dispatch_log(const struct req *r)
{
    const char *path = r->path ? r->path : "-";
    if (strncmp(path, "/s/", 3) == 0)
        path = "/s/[token]";
    else if (strncmp(path, "/invite/", 8) == 0)
        path = "/invite/[token]";
    else if (strncmp(path, "/reset-password/", 16) == 0)
        path = "/reset-password/[token]";
    log_msg("%s %s %d %.1fms user=%s", r->method ? r->method : "-", path, r->status,
            (double)(log_now_us() - r->start_us) / 1000.0, r->user ? r->user->id : "-");
}
