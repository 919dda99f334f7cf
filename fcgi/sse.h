/* sse.h — an incremental reader of Server-Sent Events (what AI providers stream): bytes go in
 * as the network delivers them, cut anywhere (mid-line, mid-UTF-8 character), and whole events
 * come out, so a multi-byte character split across two reads reaches the parser in one piece. */
#ifndef CARD_SSE_H
#define CARD_SSE_H
#include "buf.h"
#include <stddef.h>

#define SSE_MAX_EVENT (4u << 20)   /* a longer line or event is malformed */

enum { SSE_OK = 0, SSE_ERR_TOO_LONG = -1, SSE_STOP = -2 };

/* on_event: one event's name ("message" when none was given) and data (its data: lines
 * joined by '\n', NUL-terminated); answer 0 to go on, anything else to stop feeding. */
typedef int (*sse_event_fn)(void *ctx, const char *event, const char *data, size_t len);

struct sse_parser {
    struct buf line, data;   /* malloc'd: sse_free releases them */
    char event[32];
    int has_data;
};

void sse_init(struct sse_parser *p);
void sse_free(struct sse_parser *p);
/* sse_feed: consume s[0..n), calling fn for each event completed (blank line).  SSE_OK;
 * SSE_ERR_TOO_LONG when a line or event passes SSE_MAX_EVENT; SSE_STOP when fn stopped. */
int sse_feed(struct sse_parser *p, const char *s, size_t n, sse_event_fn fn, void *ctx);
/* sse_pending: bytes of an event begun but not finished (a stream cut mid-event). */
size_t sse_pending(const struct sse_parser *p);
#endif
