/* svg_cache.h — server-drawn diagram SVGs (thumbnails for lists, full drawings for the
 * editor page), cached in process memory: thumbnails by (diagram uid, _version), which the
 * lists already have without loading the diagram; full drawings by the content they draw. */
#ifndef CARD_SVG_CACHE_H
#define CARD_SVG_CACHE_H
#include <stddef.h>
struct erd_doc;
struct req;

/* svg_cache_thumb: the thumbnail (svg_thumb.h) of diagram uid at version, or "" when it is
 * empty, too big to draw small, or cannot be loaded.  The caller has already looked the
 * diagram up in this transaction (so row-level security has said the user may see it). */
const char *svg_cache_thumb(struct req *r, const char *uid, const char *version);
/* svg_cache_full: the full drawing of doc, whose model JSON (erd_doc_write_json) is
 * model_json, drawn on a miss.  Keyed by a digest of that JSON, so a drawing is never stale,
 * whoever changed the diagram and whether or not _version moved.  "" on failure. */
const char *svg_cache_full(struct req *r, const struct erd_doc *doc, const char *model_json);
/* svg_cache_bytes: bytes of SVG the cache holds now (tests, the bench). */
size_t svg_cache_bytes(void);
#endif
