/* arena.h — per-request memory: bump allocation in chunks, cleanups run on reset.
 *
 * Every allocation a request makes comes from its arena and is released at once by
 * arena_reset().  Resources that are not memory (PGresult, json_t, curl handles, heap
 * buffers) register a cleanup with arena_defer(); cleanups run in reverse order.
 * Allocation failure aborts the process (the master restarts the worker). */
#ifndef CARD_ARENA_H
#define CARD_ARENA_H
#include <stddef.h>
#include <stdarg.h>

struct arena_chunk;
struct arena_cleanup;

struct arena {
    struct arena_chunk *chunks;     /* newest first */
    struct arena_cleanup *cleanups; /* newest first */
    size_t used_total;              /* bytes handed out since the last reset */
};

/* arena_init: an empty arena; nothing is allocated until the first request. */
void arena_init(struct arena *a);
/* arena_alloc: n zeroed bytes aligned for any type, valid until the next reset. */
void *arena_alloc(struct arena *a, size_t n);
/* arena_strndup / arena_strdup: NUL-terminated copies (s may be NULL → "" ). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* arena_strtrim: a copy of s without leading and trailing white space (NULL → ""). */
char *arena_strtrim(struct arena *a, const char *s);
/* arena_printf: a formatted string in the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
/* arena_defer: run fn(ptr) at the next reset (or free); later registrations run first. */
void arena_defer(struct arena *a, void (*fn)(void *), void *ptr);
/* arena_reset: run cleanups, keep the first chunk for reuse, free the rest. */
void arena_reset(struct arena *a);
/* arena_free: run cleanups and release everything. */
void arena_free(struct arena *a);
#endif
