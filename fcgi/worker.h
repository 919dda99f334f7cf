/* worker.h — a worker process: T threads serving FastCGI requests from its own socket. */
#ifndef CARD_WORKER_H
#define CARD_WORKER_H
/* worker_run: serve on listen_fd until SIGTERM (drains in-flight requests), reload
 * templates on SIGHUP.  Returns the process exit status. */
int worker_run(int listen_fd);
#endif
