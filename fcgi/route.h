/* route.h — the one route table: {method, pattern, handler, flags}.  Flags are enforced in
 * one place (dispatch.c) before any handler runs. */
#ifndef CARD_ROUTE_H
#define CARD_ROUTE_H
struct req;

typedef void (*route_handler)(struct req *r);

enum route_flags {
    R_LOGIN = 1 << 0,   /* needs a signed-in user (pages redirect to /login, APIs 401) */
    R_FORM = 1 << 2,    /* body is application/x-www-form-urlencoded; parsed into r->form */
    R_RAW = 1 << 3,     /* body kept raw (r->body) e.g. application/sql */
    R_NODB = 1 << 4,    /* runs without a database transaction (/healthz) */
    R_JSON_TEXT = 1 << 5, /* body must be application/json, kept as text for the handler's own
                             parser (erd_doc_parse, or json_loadb for small bodies) */
    R_SHARE = 1 << 6,   /* a public share page: the first path parameter is the share token,
                           the transaction reads with app.share_token set and no session is
                           looked up (never a signed-in user's rights) */
    R_BINARY = 1 << 7,  /* body kept raw and may be any bytes (an uploaded image): the UTF-8
                           check of R_RAW/R_FORM/R_JSON_TEXT is not applied */
    R_READ = 1 << 8,    /* proven read-only (GET) and content with slightly old data: after the
                           session is checked (and touched) on the primary, the handler's
                           queries run in a READ ONLY transaction on the replica
                           (CARD_READ_DATABASE_URL), or on the primary when there is none or it
                           is down.  Share pages and exports; never a user's own editor reads,
                           which must see the save they just made. */
    R_QUERY = 1 << 9,   /* talks to a user's own database (the database workspace, dashboard
                           refresh): served by the query worker only (CARD_QUERY_SOCKET; nginx
                           sends these URLs to its upstream cardinality_query), so a slow
                           statement never holds a page worker's thread.  A page or stream
                           worker answers such a route 421, and the query worker answers 421
                           to every other route (dispatch.c), so the split cannot drift. */
    R_MULTIPART = 1 << 10, /* body is multipart/form-data (a plain form with a file, no script):
                             its parts go into r->form (a file's bytes as val/val_len; text fields
                             must be UTF-8), so csrf_token is checked as for R_FORM */
    R_AUTH_LATE = 1 << 11, /* with R_LOGIN, a session cookie's request: the handler sends the
                             session lookup (r->auth_late) as the first statement of its first
                             round trip and, before it acts on anything read or writes, calls
                             dispatch_auth_late, which checks sign-in and CSRF as every other
                             route's are checked before its handler (one round trip less: the
                             AI chat's time to first token).  Bearer tokens are looked up first,
                             as for any route. */
};

struct route {
    const char *method;   /* "GET", "POST", "PUT", "DELETE" (GET also answers HEAD) */
    const char *pattern;  /* "/projects/:uid/files" */
    route_handler handler;
    unsigned flags;
};

enum route_match { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* route_table / route_count: the application's routes (routes.c). */
extern const struct route route_table[];
extern const int route_count;

/* route_find: match method+path against table[0..n); on FOUND fill params (pointers into
 * the arena-copied segments) and *nparams.  BAD_METHOD when the path matches another method. */
enum route_match route_find(const struct route *table, int n, const char *method, const char *path,
                            struct req *r, const struct route **found);
/* route_is_unsafe: methods that change state (everything but GET/HEAD/OPTIONS). */
int route_is_unsafe(const char *method);
#endif
