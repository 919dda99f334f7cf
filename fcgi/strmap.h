/* strmap.h — a map from strings to non-negative numbers in an arena, for the exporters and
 * the diff: ids to indexes, and names already used (so generated names can be made unique).
 * The first value put for a key is kept. */
#ifndef CARD_STRMAP_H
#define CARD_STRMAP_H
#include <stdbool.h>
#include <stddef.h>
struct arena;
struct buf;

struct strmap_slot {
    const char *key;
    long value;
};

struct strmap {
    struct arena *a;
    struct strmap_slot *slots;  /* open addressing, cap a power of two, at most half full */
    size_t cap, n;
};

/* strmap_init: an empty map allocating in a (room for about n keys before it grows). */
void strmap_init(struct strmap *m, struct arena *a, size_t n);
/* strmap_get: key's value, or -1 when key is absent or NULL. */
long strmap_get(const struct strmap *m, const char *key);
/* strmap_put: add key (copied into the arena) with value; false, and the map unchanged,
 * when key is already there. */
bool strmap_put(struct strmap *m, const char *key, long value);
/* strmap_unique: make name (a buf) unused in m by appending _2, _3…, then add it. */
void strmap_unique(struct strmap *m, struct buf *name);
#endif
