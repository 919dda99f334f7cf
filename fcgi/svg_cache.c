/* svg_cache.c — the diagram SVG cache (see svg_cache.h): a fixed table of entries under one
 * mutex with a byte budget, replaced round-robin.  Keys: "t:uid@version" for thumbnails,
 * "f:" and a BLAKE2b digest of the model JSON for full drawings. */
#include "svg_cache.h"
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include "erd_store.h"
#include "http.h"
#include "svg_erd.h"
#include "svg_thumb.h"
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 512
#define CACHE_BUDGET (16u << 20)     /* bytes of SVG kept per worker process: a worker at rest
                                        stays under 32 MB (make bench); a 500-table drawing is 2.4 MB */

struct cache_slot {
    char *key;      /* "t:uid@version" or "f:" + digest */
    char *svg;
    size_t len;
};

static struct cache_slot slots[CACHE_SLOTS];
static unsigned next_slot;
static size_t cached_bytes;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *cache_get(struct req *r, const char *key)
{
    const char *out = NULL;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS && !out; i++)
        if (slots[i].key && strcmp(slots[i].key, key) == 0)
            out = arena_strndup(r->arena, slots[i].svg, slots[i].len);
    pthread_mutex_unlock(&cache_lock);
    return out;
}

static void slot_clear(struct cache_slot *s)
{
    cached_bytes -= s->len;
    free(s->key);
    free(s->svg);
    memset(s, 0, sizeof *s);
}

/* cached: key has a slot (cache_lock held). */
static int cached(const char *key)
{
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (slots[i].key && strcmp(slots[i].key, key) == 0)
            return 1;
    return 0;
}

/* cache_put: keep svg under key, evicting round-robin until it fits the budget.  Threads that
 * missed the same key together each drew it; the first to finish stores it, the rest keep
 * nothing (a copy each would fill the budget with one diagram). */
static void cache_put(const char *key, const char *svg)
{
    size_t len = strlen(svg);
    if (len > CACHE_BUDGET / 4)
        return;
    pthread_mutex_lock(&cache_lock);
    if (cached(key)) {
        pthread_mutex_unlock(&cache_lock);
        return;
    }
    struct cache_slot *s = &slots[next_slot++ % CACHE_SLOTS];
    slot_clear(s);
    for (unsigned i = 0; cached_bytes + len > CACHE_BUDGET && i < CACHE_SLOTS; i++)
        slot_clear(&slots[(next_slot + i) % CACHE_SLOTS]);
    s->key = strdup(key);
    s->svg = strdup(svg);
    s->len = len;
    cached_bytes += len;
    pthread_mutex_unlock(&cache_lock);
}

static const char *render_full(struct req *r, const struct erd_doc *doc)
{
    if (doc->nentities == 0)
        return "";
    struct buf *svg = buf_arena(r->arena);
    struct svg_erd_opts opts = {.id_prefix = "erd"};
    return svg_erd_render(doc, &opts, svg) == 0 ? buf_cstr(svg) : "";
}

static const char *render_thumb(struct req *r, const struct erd_doc *doc)
{
    struct buf *svg = buf_arena(r->arena);
    return svg_thumb_render(r->arena, doc, svg) == 0 ? buf_cstr(svg) : "";
}

const char *svg_cache_thumb(struct req *r, const char *uid, const char *version)
{
    const char *key = arena_printf(r->arena, "t:%s@%s", uid, version);
    const char *svg = cache_get(r, key);
    struct erd_doc doc;
    if (svg)
        return svg;
    if (erd_store_load(r, uid, &doc) != ERD_STORE_OK)
        return "";
    svg = render_thumb(r, &doc);
    cache_put(key, svg);
    return svg;
}

const char *svg_cache_full(struct req *r, const struct erd_doc *doc, const char *model_json)
{
    unsigned char digest[16];
    char hex[2 * sizeof digest + 1];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)model_json,
                       strlen(model_json), NULL, 0);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    const char *key = arena_printf(r->arena, "f:%s", hex);
    const char *svg = cache_get(r, key);
    if (svg)
        return svg;
    svg = render_full(r, doc);
    cache_put(key, svg);
    return svg;
}

size_t svg_cache_bytes(void)
{
    pthread_mutex_lock(&cache_lock);
    size_t n = cached_bytes;
    pthread_mutex_unlock(&cache_lock);
    return n;
}
