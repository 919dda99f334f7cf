/* worker.h — a worker process: T threads serving FastCGI requests from its own socket. */
#ifndef CARD_WORKER_H
#define CARD_WORKER_H
/* The kinds of worker process (main.c forks CARD_WORKERS page workers, one of each other). */
enum worker_kind {
    WORKER_PAGE,     /* pages and short API calls; R_QUERY routes answer 421 */
    WORKER_STREAM,   /* AI answers streamed for minutes (named card-stream); R_QUERY: 421 */
    WORKER_QUERY,    /* statements on users' own databases (named card-query); others: 421 */
};
/* worker_run: serve on listen_fd with `threads` threads until SIGTERM (drains in-flight
 * requests), reload templates on SIGHUP.  The stream and query workers are named (tests and
 * ps tell them from page workers) and initialise libcurl (AI calls: chat, ai-sql).  Returns
 * the process exit status. */
int worker_run(int listen_fd, int threads, enum worker_kind kind);
#endif
