/* arena.c — the per-request allocator described in arena.h. */
#include "arena.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#define ARENA_CHUNK_MIN (64 * 1024)
#define ARENA_ALIGN 16

struct arena_chunk {
    struct arena_chunk *next;
    size_t size, used;
    _Alignas(ARENA_ALIGN) unsigned char mem[];
};

struct arena_cleanup {
    struct arena_cleanup *next;
    void (*fn)(void *);
    void *ptr;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("fatal: out of memory\n", stderr);
        abort();
    }
    return p;
}

void arena_init(struct arena *a)
{
    memset(a, 0, sizeof *a);
}

static struct arena_chunk *chunk_new(size_t need)
{
    size_t size = need > ARENA_CHUNK_MIN ? need : ARENA_CHUNK_MIN;
    if (size > SIZE_MAX - sizeof(struct arena_chunk)) {
        fputs("fatal: arena request too large\n", stderr);
        abort();
    }
    struct arena_chunk *c = xmalloc(sizeof *c + size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t want = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (want < n) { /* overflow */
        fputs("fatal: arena request too large\n", stderr);
        abort();
    }
    if (want == 0)
        want = ARENA_ALIGN;
    struct arena_chunk *c = a->chunks;
    if (!c || c->size - c->used < want) {
        c = chunk_new(want);
        c->next = a->chunks;
        a->chunks = c;
    }
    void *p = c->mem + c->used;
    c->used += want;
    a->used_total += want;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (s && n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, s ? strlen(s) : 0);
}

char *arena_strtrim(struct arena *a, const char *s)
{
    if (!s)
        return arena_strdup(a, "");
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    if (!fmt)
        return arena_strdup(a, "");
    va_list ap2;
    va_copy(ap2, ap);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *ptr)
{
    struct arena_cleanup *c = arena_alloc(a, sizeof *c);
    c->fn = fn;
    c->ptr = ptr;
    c->next = a->cleanups;
    a->cleanups = c;
}

static void run_cleanups(struct arena *a)
{
    /* A cleanup may not allocate from this arena: list is detached first. */
    struct arena_cleanup *c = a->cleanups;
    a->cleanups = NULL;
    for (; c; c = c->next)
        c->fn(c->ptr);
}

void arena_reset(struct arena *a)
{
    run_cleanups(a);
    struct arena_chunk *keep = NULL, *c = a->chunks;
    while (c) {
        struct arena_chunk *next = c->next;
        if (!next && c->size == ARENA_CHUNK_MIN) { /* the oldest, standard-size chunk */
            keep = c;
            keep->used = 0;
        } else {
            free(c);
        }
        c = next;
    }
    a->chunks = keep;
    a->used_total = 0;
}

void arena_free(struct arena *a)
{
    run_cleanups(a);
    struct arena_chunk *c = a->chunks;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->chunks = NULL;
    a->used_total = 0;
}
