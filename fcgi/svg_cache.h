/* svg_cache.h — server-drawn diagram SVGs (thumbnails for lists, full drawings for the
 * editor page and the SVG export), cached in process memory by (diagram uid, _version):
 * an edited diagram simply misses, so nothing is ever served stale. */
#ifndef CARD_SVG_CACHE_H
#define CARD_SVG_CACHE_H
struct erd_doc;
struct req;

/* svg_cache_thumb: the thumbnail of the user's diagram uid at version (arena copy), or ""
 * when it is empty, too big to draw small, or cannot be loaded. */
const char *svg_cache_thumb(struct req *r, const char *uid, const char *version);
/* svg_cache_full: the full drawing of doc (a loaded diagram: uid and _version set), drawn on
 * a miss.  "" on failure. */
const char *svg_cache_full(struct req *r, const struct erd_doc *doc);
#endif
