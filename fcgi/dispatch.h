/* dispatch.h — one request through the pipeline: parse → route → body limits and types →
 * transaction + session → CSRF and origin checks → handler → commit → response. */
#ifndef CARD_DISPATCH_H
#define CARD_DISPATCH_H
struct req;
struct kvlist;

/* The request's raw CGI-style parameters, as FastCGI delivers them. */
struct raw_request {
    const char *(*param)(void *ctx, const char *name);   /* NULL when absent */
    long (*read_body)(void *ctx, char *dst, long n);     /* bytes read, <0 on error */
    void *ctx;
};

/* dispatch_routes / dispatch_route_count: the table dispatch_request routes through; NULL
 * (the default) means routes.c's route_table.  Unit tests put their own table here. */
struct route;
extern const struct route *dispatch_routes;
extern int dispatch_route_count;

/* dispatch_pool: which routes this process serves (worker.c sets it; unit tests may).
 * DISPATCH_ANY (the default) serves every route; DISPATCH_PAGES (page and stream workers)
 * answers R_QUERY routes 421 Misdirected Request; DISPATCH_QUERY (the query worker) answers
 * 421 to every route that is not R_QUERY. */
enum dispatch_pool { DISPATCH_ANY, DISPATCH_PAGES, DISPATCH_QUERY };
extern enum dispatch_pool dispatch_pool;

/* dispatch_request: fill r from raw, run the route, leave the response in r.  The status
 * starts at 500 and becomes whatever a handler answers; a handler that answers nothing is a
 * 500 page.  The route's flags decide the transaction (see route.h): it commits when the
 * answer is below 400 (or the handler set commit_on_error) and rolls back otherwise. */
void dispatch_request(struct req *r, const struct raw_request *raw);
/* dispatch_auth_late: an R_AUTH_LATE handler's sign-in (route.h): lookup is the result of
 * r->auth_late's statement (NULL: the database failed).  Then the checks every other route
 * has before its handler: CSRF, sign-in.  0: go on, as the signed-in user; -1 after answering
 * (401, 403, 500/503), and the handler must answer nothing more. */
typedef struct pg_result PGresult;
int dispatch_auth_late(struct req *r, PGresult *lookup);
/* dispatch_auth_now: the same with the lookup alone, when the handler must answer before its
 * first reads (a malformed request); 0 at once when the sign-in is done already. */
int dispatch_auth_now(struct req *r);
/* dispatch_log: the access-log line for r (never cookies, tokens or bodies). */
void dispatch_log(const struct req *r);
#endif
