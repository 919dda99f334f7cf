/* intake.h — a worker's front door: one thread accepts FastCGI connections and hands the
 * request threads only those whose request head (BEGIN_REQUEST and every PARAMS record) has
 * arrived, so a peer that sends half a request and stalls never holds a thread. */
#ifndef CARD_INTAKE_H
#define CARD_INTAKE_H

#define INTAKE_HEAD_SECONDS 10   /* a connection must send its whole head within this */
#define INTAKE_IO_SECONDS 10     /* each read or write on a handed-over connection, at most */

/* intake_start: start the accept thread on listen_fd (made non-blocking) for `threads`
 * request threads.  Returns 0, or -1 when a thread or descriptor cannot be created. */
int intake_start(int listen_fd, int threads);

/* intake_next: block until a connection has sent its whole request head and return it
 * (blocking mode, reads and writes time out after INTAKE_IO_SECONDS; the caller closes it).
 * Returns -1 once intake_stop has been called and no such connection is left. */
int intake_next(void);

/* intake_stop: stop accepting, close connections still sending their head, let waiting
 * request threads drain the connections already complete, and join the accept thread. */
void intake_stop(void);

#endif
