/* worker.h — a worker process: T threads serving FastCGI requests from its own socket. */
#ifndef CARD_WORKER_H
#define CARD_WORKER_H
/* worker_run: serve on listen_fd with `threads` threads until SIGTERM (drains in-flight
 * requests), reload templates on SIGHUP.  stream: this is the stream worker (AI answers; named
 * card-stream, libcurl initialised).  Returns the process exit status. */
int worker_run(int listen_fd, int threads, int stream);
#endif
