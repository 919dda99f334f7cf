/* render_cache.h — rendered documents (sanitized note HTML and its read-only view, drawing and
 * flowchart SVG) cached in process memory, keyed by a digest of the stored text they were
 * rendered from: a hit is never stale, whoever changed the file and whether or not _version
 * moved, and the same text gives the same bytes (the renderers are deterministic). */
#ifndef CARD_RENDER_CACHE_H
#define CARD_RENDER_CACHE_H
#include <stddef.h>
struct arena;

#define RENDER_CACHE_BUDGET (8u << 20)   /* bytes kept per worker process (RSS at rest < 32 MB) */

/* render_cache_key: "<what>:" and a BLAKE2b digest of src[0..n), in arena a.  what names the
 * rendering ("note-clean", "draw-svg" …) so one text cached two ways keeps both. */
const char *render_cache_key(struct arena *a, const char *what, const char *src, size_t n);

/* render_cache_digest: the hex BLAKE2b digest of src[0..n) alone, in arena a, for callers
 * that build several keys from one text. */
const char *render_cache_digest(struct arena *a, const char *src, size_t n);

/* render_cache_get: a copy in arena a of the bytes kept under key (NUL-terminated, length in
 * *len), or NULL on a miss. */
const char *render_cache_get(struct arena *a, const char *key, size_t *len);

/* render_cache_put: keep bytes[0..len) under key, evicting round-robin to stay within
 * RENDER_CACHE_BUDGET; larger than a quarter of it, or already kept (threads that missed
 * together), keeps nothing. */
void render_cache_put(const char *key, const char *bytes, size_t len);

/* render_cache_bytes: bytes the cache holds now (tests). */
size_t render_cache_bytes(void);
#endif
