/* http.h — one request and its response: parsing (query, form, cookies, JSON body),
 * buffered response with headers, status pages.  Handlers never print directly; they fill
 * r->status, headers and body, and worker.c sends it whole with Content-Length. */
#ifndef CARD_HTTP_H
#define CARD_HTTP_H
#include <jansson.h>
#include <stddef.h>
#include "arena.h"
#include "buf.h"

struct app;
struct db;
struct route;

struct kv {
    const char *key, *val;
    size_t val_len;
};

struct kvlist {
    struct kv *items;
    int n, cap;
};

struct user {
    const char *id, *email, *name;
    int is_super_admin;
};

#define HTTP_MAX_PATH_PARAMS 4

struct req {
    struct arena *arena;
    struct app *app;
    struct db *db;
    struct db *auth_db;               /* the sign-in role's connection (db_auth_query) */
    struct db *read_db;               /* the replica's connection (db_begin_read), or NULL */
    void *fcgx;                       /* FCGX_Request * (NULL in unit tests) */
    /* request */
    const char *method, *path, *query, *content_type, *cookie_header;
    const char *origin, *sec_fetch_site, *csrf_header, *accept, *remote_addr, *host;
    const char *if_none_match;
    const char *authorization;        /* the Authorization header, or NULL */
    char *body;
    size_t body_len;
    struct kvlist query_params, form, cookies;
    const char *params[HTTP_MAX_PATH_PARAMS];
    int nparams;
    int is_head;
    const struct route *route;
    /* session */
    struct user *user;
    const char *session_token_hash;   /* hex SHA-256 of the sid cookie, when signed in */
    const char *csrf;                 /* the token forms and scripts must send back */
    int bearer;                       /* signed in by a personal API token (token.h): no
                                         CSRF, no cookies */
    int bearer_read_only;             /* …whose scope is "read" */
    struct db_step *auth_late;        /* R_AUTH_LATE: the session lookup the handler sends with
                                         its first reads, until dispatch_auth_late; else NULL */
    /* response */
    int status;
    struct buf *resp_headers;         /* "Name: value\r\n" lines */
    struct buf *resp_body;
    const char *resp_type;
    int no_store;                     /* Cache-Control: no-store */
    const char *cache_control;        /* this Cache-Control instead (a signed-in user's image) */
    const char *csp;                  /* this Content-Security-Policy instead of APP_CSP (an
                                         editor page that needs more, a share page's embed) */
    int frameable;                    /* any site may frame it: no X-Frame-Options (a share
                                         link's embed; its CSP says frame-ancestors *) */
    int commit_on_error;              /* keep the transaction although status >= 400 */
    int streamed;                     /* the handler sent headers and body itself (stream.h) */
    void *stream_state;               /* stream.c's per-request state */
    long long start_us;
};

enum {
    HTTP_OK = 0,
    HTTP_ERR_TOO_LARGE = -2,
    HTTP_ERR_BAD_UTF8 = -3,
    HTTP_ERR_MALFORMED = -4,
};

/* http_url_decode: decode %XX and '+' (when plus_is_space) of s[0..n) into the arena.
 * Returns NULL on a malformed escape or an embedded NUL; *out_len gets the length. */
char *http_url_decode(struct arena *a, const char *s, size_t n, int plus_is_space, size_t *out_len);
/* http_parse_multipart: a multipart/form-data body (content_type gives the boundary) into
 * list: each part's name and its bytes (copied, NUL-terminated, val_len = their length); a part
 * without a filename must be UTF-8 text.  At most 32 parts.  0 or HTTP_ERR_*. */
int http_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t n,
                         struct kvlist *list);
/* http_parse_urlencoded: "a=1&b=2" into list (keys and values decoded).  0 or HTTP_ERR_*.
 * Invalid UTF-8 in a key or value → HTTP_ERR_BAD_UTF8; more than 256 pairs → TOO_LARGE. */
int http_parse_urlencoded(struct arena *a, const char *s, size_t n, struct kvlist *list);
/* http_parse_cookies: "a=1; b=2" into list (values not decoded; quotes stripped). */
int http_parse_cookies(struct arena *a, const char *s, struct kvlist *list);
/* http_utf8_valid: s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int http_utf8_valid(const char *s, size_t n);
/* kv_get: the value of the first pair named key, or NULL. */
const char *kv_get(const struct kvlist *list, const char *key);

/* Request accessors. */
const char *req_query(struct req *r, const char *key);
const char *req_form(struct req *r, const char *key);
const char *req_cookie(struct req *r, const char *key);
/* req_query_bool / req_form_bool: the parameter is "1", "true" or "on" (a ticked checkbox);
 * anything else, or absent, is false. */
int req_query_bool(struct req *r, const char *key);
int req_form_bool(struct req *r, const char *key);
/* req_query_int: the parameter as a whole number in [min, max] into *out: 0; absent: *out =
 * def and 0; not a number or out of range: -1 (*out = def). */
int req_query_int(struct req *r, const char *key, long long min, long long max, long long def,
                  long long *out);
/* req_wants_json: the client asked for JSON (Accept) or the path starts with /api/. */
int req_wants_json(const struct req *r);

/* Response. */
void resp_header(struct req *r, const char *name, const char *value);
void resp_headerf(struct req *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* http_safe_local_path: 1 when s is a same-origin path a browser cannot read as another origin,
 * else 0 (NULL too).  Every redirect target taken from the request goes through here.  s must be
 * printable ASCII (no control character, space, DEL or byte >= 0x80: browsers drop tabs and
 * newlines before parsing), contain no backslash (browsers read it as '/'), start with exactly
 * one '/' (so no scheme and no "//host"), and its path part (before '?' or '#') must still start
 * with one '/' and hold none of those bytes once percent-decoded (for a proxy that decodes). */
int http_safe_local_path(const char *s);
/* resp_redirect_post: 307 Temporary Redirect to path (the browser posts the same form there),
 * when http_safe_local_path(path), else 303 to "/". */
void resp_redirect_post(struct req *r, const char *path);
/* resp_redirect: 303 See Other to path when http_safe_local_path(path), else to "/". */
void resp_redirect(struct req *r, const char *path);
/* resp_json: status + JSON body (steals ref of j). */
void resp_json(struct req *r, int status, json_t *j);
/* resp_json_error: {"error": code, "message": msg}. */
void resp_json_error(struct req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* resp_text: status with a plain-text body. */
void resp_text(struct req *r, int status, const char *type, const char *body, size_t len);
/* http_status_text: "Not Found" for 404 … */
const char *http_status_text(int status);
/* http_serialize: the whole response (Status, headers, security headers, body) into out. */
void http_serialize(struct req *r, struct buf *out);
#endif
