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

/* dispatch_request: fill r from raw, run the route, leave the response in r. */
void dispatch_request(struct req *r, const struct raw_request *raw);
/* dispatch_log: the access-log line for r (never cookies, tokens or bodies). */
void dispatch_log(const struct req *r);
#endif
