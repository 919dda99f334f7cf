/* strmap.c — string → number map in an arena (see strmap.h). */
#include "strmap.h"
#include "arena.h"
#include "buf.h"
#include <string.h>

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

void strmap_init(struct strmap *m, struct arena *a, size_t n)
{
    m->a = a;
    m->n = 0;
    m->cap = 16;
    while (m->cap < 2 * n + 2)
        m->cap *= 2;
    m->slots = arena_alloc(a, m->cap * sizeof *m->slots);
}

/* slot_of: where key is, or the empty slot where it would go. */
static struct strmap_slot *slot_of(const struct strmap *m, const char *key)
{
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

long strmap_get(const struct strmap *m, const char *key)
{
    if (!key)
        return -1;
    const struct strmap_slot *s = slot_of(m, key);
    return s->key ? s->value : -1;
}

/* grow: twice the room, every key placed again. */
static void grow(struct strmap *m)
{
    struct strmap old = *m;
    m->cap *= 2;
    m->slots = arena_alloc(m->a, m->cap * sizeof *m->slots);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            *slot_of(m, old.slots[i].key) = old.slots[i];
}

bool strmap_put(struct strmap *m, const char *key, long value)
{
    struct strmap_slot *s = slot_of(m, key);
    if (s->key)
        return false;
    *s = (struct strmap_slot){arena_strdup(m->a, key), value};
    if (++m->n * 2 > m->cap)
        grow(m);
    return true;
}

void strmap_unique(struct strmap *m, struct buf *name)
{
    size_t base = name->len;
    for (int n = 2; strmap_get(m, buf_cstr(name)) >= 0; n++) {
        buf_truncate(name, base);
        buf_printf(name, "_%d", n);
    }
    strmap_put(m, buf_cstr(name), 0);
}
