/* thumb.c — the diagram thumbnail cache (see thumb.h): a fixed table of recent thumbnails,
 * one mutex, entries replaced round-robin.  Keys include the version, so an edited diagram
 * simply misses; stale entries age out. */
#include "thumb.h"
#include "erd_store.h"
#include "http.h"
#include "svg_erd.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define THUMB_SLOTS 512
#define THUMB_MAX_ENTITIES 2000   /* bigger diagrams get the kind icon instead */

struct thumb_slot {
    char *key;   /* "uid@version" */
    char *svg;
};

static struct thumb_slot slots[THUMB_SLOTS];
static unsigned next_slot;
static pthread_mutex_t thumb_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *cache_get(struct req *r, const char *key)
{
    const char *out = NULL;
    pthread_mutex_lock(&thumb_lock);
    for (int i = 0; i < THUMB_SLOTS && !out; i++)
        if (slots[i].key && strcmp(slots[i].key, key) == 0)
            out = arena_strdup(r->arena, slots[i].svg);
    pthread_mutex_unlock(&thumb_lock);
    return out;
}

static void cache_put(const char *key, const char *svg)
{
    pthread_mutex_lock(&thumb_lock);
    struct thumb_slot *s = &slots[next_slot++ % THUMB_SLOTS];
    free(s->key);
    free(s->svg);
    s->key = strdup(key);
    s->svg = strdup(svg);
    pthread_mutex_unlock(&thumb_lock);
}

static const char *render(struct req *r, const char *uid)
{
    json_t *model = NULL;
    if (erd_store_load(r, uid, &model) != 0 || !model)
        return "";
    const char *out = "";
    size_t n = json_array_size(json_object_get(model, "entities"));
    if (n > 0 && n <= THUMB_MAX_ENTITIES) {
        struct buf *svg = buf_arena(r->arena);
        struct svg_erd_opts opts = {.thumbnail = 1, .max_width = 240,
                                    .id_prefix = arena_printf(r->arena, "t%.8s", uid)};
        if (svg_erd_render(model, &opts, svg) == 0)
            out = buf_cstr(svg);
    }
    json_decref(model);
    return out;
}

const char *thumb_diagram(struct req *r, const char *uid, const char *version)
{
    const char *key = arena_printf(r->arena, "%s@%s", uid, version);
    const char *svg = cache_get(r, key);
    if (svg)
        return svg;
    svg = render(r, uid);
    cache_put(key, svg);
    return svg;
}
