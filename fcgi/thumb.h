/* thumb.h — small SVG thumbnails of diagrams for the dashboard and project pages, cached
 * in process memory by (diagram uid, _version) so a page of thumbnails costs no model loads
 * until a diagram changes. */
#ifndef CARD_THUMB_H
#define CARD_THUMB_H
struct req;

/* thumb_diagram: the thumbnail SVG of the user's diagram uid at version (arena copy), or ""
 * when it is empty or cannot be loaded. */
const char *thumb_diagram(struct req *r, const char *uid, const char *version);
#endif
