/* sse.c — incremental Server-Sent Events reader (see sse.h; WHATWG "event stream
 * interpretation", without retry and id, which providers do not use). */
#include "sse.h"
#include <string.h>

void sse_init(struct sse_parser *p)
{
    memset(p, 0, sizeof *p);
    buf_init(&p->line);
    buf_init(&p->data);
}

void sse_free(struct sse_parser *p)
{
    buf_free(&p->line);
    buf_free(&p->data);
}

size_t sse_pending(const struct sse_parser *p)
{
    return p->line.len + p->data.len;
}

/* field: the value of "name:" in line (one leading space dropped), or NULL. */
static const char *field(const char *line, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(line, name, n) != 0 || line[n] != ':')
        return NULL;
    return line[n + 1] == ' ' ? line + n + 2 : line + n + 1;
}

/* line_done: one complete line (without its end) in p->line. */
static int line_done(struct sse_parser *p, sse_event_fn fn, void *ctx)
{
    const char *line = buf_cstr(&p->line);
    const char *v;
    int rc = SSE_OK;
    if (p->line.len == 0) {
        if (p->has_data && fn(ctx, p->event[0] ? p->event : "message", buf_cstr(&p->data), p->data.len))
            rc = SSE_STOP;
        buf_reset(&p->data);
        p->has_data = 0;
        p->event[0] = '\0';
    } else if ((v = field(line, "data"))) {
        if (p->has_data)
            buf_putc(&p->data, '\n');
        buf_puts(&p->data, v);
        p->has_data = 1;
        if (p->data.len > SSE_MAX_EVENT)
            rc = SSE_ERR_TOO_LONG;
    } else if ((v = field(line, "event"))) {
        size_t n = strlen(v);
        if (n >= sizeof p->event)
            n = sizeof p->event - 1;
        memcpy(p->event, v, n);
        p->event[n] = '\0';
    }   /* comments (":…") and other fields are ignored */
    buf_reset(&p->line);
    return rc;
}

int sse_feed(struct sse_parser *p, const char *s, size_t n, sse_event_fn fn, void *ctx)
{
    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t take = nl ? (size_t)(nl - s) : n;
        buf_append(&p->line, s, take);
        if (p->line.len > SSE_MAX_EVENT)
            return SSE_ERR_TOO_LONG;
        if (!nl)
            return SSE_OK;
        if (p->line.len && p->line.data[p->line.len - 1] == '\r')
            buf_truncate(&p->line, p->line.len - 1);
        int rc = line_done(p, fn, ctx);
        if (rc != SSE_OK)
            return rc;
        s += take + 1;
        n -= take + 1;
    }
    return SSE_OK;
}
