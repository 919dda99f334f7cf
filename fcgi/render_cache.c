/* render_cache.c — the rendered-document cache (see render_cache.h): a fixed table of entries
 * under one mutex with a byte budget, replaced round-robin, like svg_cache.c. */
#include "render_cache.h"
#include "arena.h"
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 256

struct cache_slot {
    char *key;
    char *bytes;
    size_t len;
};

static struct cache_slot slots[CACHE_SLOTS];
static unsigned next_slot;
static size_t cached_bytes;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

const char *render_cache_digest(struct arena *a, const char *src, size_t n)
{
    unsigned char digest[16];
    char *hex = arena_alloc(a, 2 * sizeof digest + 1);
    crypto_generichash(digest, sizeof digest, (const unsigned char *)src, n, NULL, 0);
    sodium_bin2hex(hex, 2 * sizeof digest + 1, digest, sizeof digest);
    return hex;
}

const char *render_cache_key(struct arena *a, const char *what, const char *src, size_t n)
{
    return arena_printf(a, "%s:%s", what, render_cache_digest(a, src, n));
}

/* find: the slot holding key, or NULL (cache_lock held). */
static struct cache_slot *find(const char *key)
{
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].key && strcmp(slots[i].key, key) == 0)
            return &slots[i];
    return NULL;
}

const char *render_cache_get(struct arena *a, const char *key, size_t *len)
{
    char *out = NULL;
    pthread_mutex_lock(&cache_lock);
    struct cache_slot *s = find(key);
    if (s) {
        out = arena_alloc(a, s->len + 1);
        memcpy(out, s->bytes, s->len);
        out[s->len] = '\0';
        *len = s->len;
    }
    pthread_mutex_unlock(&cache_lock);
    return out;
}

static void slot_clear(struct cache_slot *s)
{
    cached_bytes -= s->len;
    free(s->key);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

void render_cache_put(const char *key, const char *bytes, size_t len)
{
    if (len > RENDER_CACHE_BUDGET / 4)
        return;
    char *k = strdup(key), *b = malloc(len ? len : 1);
    if (!k || !b) {
        free(k);
        free(b);
        return;
    }
    if (len)
        memcpy(b, bytes, len);      /* an empty render may come with a NULL pointer */
    pthread_mutex_lock(&cache_lock);
    if (find(key)) {
        pthread_mutex_unlock(&cache_lock);
        free(k);
        free(b);
        return;
    }
    struct cache_slot *s = &slots[next_slot++ % CACHE_SLOTS];
    slot_clear(s);
    for (unsigned i = 0; cached_bytes + len > RENDER_CACHE_BUDGET && i < CACHE_SLOTS; i++)
        slot_clear(&slots[(next_slot + i) % CACHE_SLOTS]);
    s->key = k;
    s->bytes = b;
    s->len = len;
    cached_bytes += len;
    pthread_mutex_unlock(&cache_lock);
}

size_t render_cache_bytes(void)
{
    pthread_mutex_lock(&cache_lock);
    size_t n = cached_bytes;
    pthread_mutex_unlock(&cache_lock);
    return n;
}
