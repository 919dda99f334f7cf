/* stream.h — a response sent while it is produced (Server-Sent Events), for the stream worker's
 * long answers (AI chat): headers first, then each event written and flushed at once, with
 * nginx told not to buffer (X-Accel-Buffering: no).  Everything else buffers its whole
 * response (http.h); a streaming handler sets r->streamed and worker.c sends nothing more. */
#ifndef CARD_STREAM_H
#define CARD_STREAM_H
#include <stddef.h>
struct req;

#define STREAM_HEARTBEAT_SECONDS 15   /* a comment line after this long without an event */

/* stream_begin: send "200, text/event-stream" with the usual security headers and
 * Cache-Control: no-store, no Content-Length.  0, or -1 when the client is gone. */
int stream_begin(struct req *r);
/* stream_event: one event: "event: <name>", "id: <id>" when id is not NULL, "data: <data>"
 * (data must be one line: compact JSON), flushed.  0, or -1 when the write failed (the client
 * closed the tab, nginx closed the connection); later calls then fail at once. */
int stream_event(struct req *r, const char *name, const char *id, const char *data);
/* stream_heartbeat: an SSE comment when nothing was sent for STREAM_HEARTBEAT_SECONDS, so
 * proxies and the browser keep the connection.  0, or -1 when the client is gone. */
int stream_heartbeat(struct req *r);
/* stream_client_gone: 1 when the FastCGI connection was closed by nginx (the browser went
 * away) or a write failed; answers at once, without reading anything. */
int stream_client_gone(struct req *r);
/* stream_format: the bytes of one event into out (stream_event's wire form, for tests). */
struct buf;
void stream_format(struct buf *out, const char *name, const char *id, const char *data);
#endif
