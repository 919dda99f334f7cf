/* svg_thumb.h — a diagram's thumbnail for lists (dashboard, project page): its tables as boxes
 * and its relationships as lines, nothing else, scaled into a picture SVG_THUMB_WIDTH units
 * wide with whole-number coordinates, so it stays small enough to send as its own cacheable
 * image (at most SVG_THUMB_MAX_BYTES). */
#ifndef CARD_SVG_THUMB_H
#define CARD_SVG_THUMB_H
struct arena;
struct erd_doc;
struct buf;

#define SVG_THUMB_WIDTH 240
#define SVG_THUMB_MAX_BYTES 20000

/* svg_thumb_render: append doc's thumbnail to out.  Lines are left out when boxes and lines
 * together would pass SVG_THUMB_MAX_BYTES.  0, or -1 (out unchanged) for a diagram with no
 * table or one whose boxes alone would pass the limit.  Scratch memory comes from a. */
int svg_thumb_render(struct arena *a, const struct erd_doc *doc, struct buf *out);

/* svg_thumb_placeholder: the picture for a diagram that has no thumbnail (an empty frame). */
extern const char SVG_THUMB_PLACEHOLDER[];
#endif
