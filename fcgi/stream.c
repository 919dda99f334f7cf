/* stream.c — Server-Sent Events written straight to the FastCGI connection (see stream.h). */
#include "stream.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include <fcgiapp.h>
#include <poll.h>
#include <string.h>

/* per-request stream state lives in the request: the last write time and a failure flag */
struct stream_state {
    long long last_us;
    int failed;
};

static struct stream_state *state(struct req *r)
{
    if (!r->stream_state) {
        r->stream_state = arena_alloc(r->arena, sizeof(struct stream_state));
        memset(r->stream_state, 0, sizeof(struct stream_state));
    }
    return r->stream_state;
}

/* put: write and flush s[0..n); 0, or -1 (and failed for good) when the peer is gone. */
static int put(struct req *r, const char *s, size_t n)
{
    struct stream_state *st = state(r);
    FCGX_Request *fr = r->fcgx;
    if (st->failed || !fr)
        return -1;
    if (FCGX_PutStr(s, (int)n, fr->out) != (int)n || FCGX_FFlush(fr->out) != 0) {
        st->failed = 1;
        return -1;
    }
    st->last_us = log_now_us();
    return 0;
}

int stream_begin(struct req *r)
{
    r->status = 200;
    r->resp_type = "text/event-stream; charset=utf-8";
    r->no_store = 1;
    r->streamed = 1;
    resp_header(r, "X-Accel-Buffering", "no");
    buf_reset(r->resp_body);
    struct buf *out = buf_arena(r->arena);
    http_serialize(r, out);
    return put(r, out->data, out->len);
}

void stream_format(struct buf *out, const char *name, const char *id, const char *data)
{
    buf_printf(out, "event: %s\n", name);
    if (id)
        buf_printf(out, "id: %s\n", id);
    buf_puts(out, "data: ");
    buf_puts(out, data);
    buf_puts(out, "\n\n");
}

int stream_event(struct req *r, const char *name, const char *id, const char *data)
{
    struct buf *out = buf_arena(r->arena);
    stream_format(out, name, id, data);
    return put(r, out->data, out->len);
}

int stream_heartbeat(struct req *r)
{
    struct stream_state *st = state(r);
    if (st->failed)
        return -1;
    if (log_now_us() - st->last_us < STREAM_HEARTBEAT_SECONDS * 1000000LL)
        return 0;
    static const char beat[] = ": keep-alive\n\n";
    return put(r, beat, sizeof beat - 1);
}

int stream_client_gone(struct req *r)
{
    struct stream_state *st = state(r);
    FCGX_Request *fr = r->fcgx;
    if (st->failed)
        return 1;
    if (!fr || fr->ipcFd < 0)
        return 0;
    /* nginx sends nothing after the request body; a hang-up is how it says the browser left */
    struct pollfd p = {.fd = fr->ipcFd, .events = POLLRDHUP};
    if (poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
        st->failed = 1;
        return 1;
    }
    return 0;
}
