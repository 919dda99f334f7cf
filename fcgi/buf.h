/* buf.h — the growable byte string used for every response, query text and rendering.
 *
 * A buf owns heap memory (so it can grow past any arena chunk); data is always
 * NUL-terminated after the first append, len excludes the NUL.  Allocation failure
 * aborts.  buf_arena() ties a buf's lifetime to an arena (freed on reset). */
#ifndef CARD_BUF_H
#define CARD_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct arena;

struct buf {
    char *data;
    size_t len, cap;
};

#define BUF_INIT {NULL, 0, 0}

void buf_init(struct buf *b);
/* buf_arena: a new empty buf allocated in the arena and freed when it resets. */
struct buf *buf_arena(struct arena *a);
void buf_free(struct buf *b);
/* buf_reset: len = 0, memory kept. */
void buf_reset(struct buf *b);
/* buf_reserve: room for n more bytes plus the NUL. */
void buf_reserve(struct buf *b, size_t n);

/* buf_append / buf_puts / buf_putc: inline, since responses are built a byte or a run at a
 * time (a 500-table diagram is a million of them); growing is buf_reserve's. */
static inline void buf_append(struct buf *b, const void *data, size_t n)
{
    if (b->cap - b->len <= n)
        buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

static inline void buf_putc(struct buf *b, char c)
{
    if (b->cap - b->len <= 1)
        buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* buf_cstr: the contents as a C string ("" when empty; never NULL). */
const char *buf_cstr(const struct buf *b);
/* buf_truncate: shorten to len bytes (no-op when already shorter). */
void buf_truncate(struct buf *b, size_t len);
#endif
