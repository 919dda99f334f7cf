/* svg_draw.h — a drawing (draw_doc.h) as SVG, drawn on the server: the read-only view of the
 * drawing page (no JavaScript), the SVG and PNG exports, and the list thumbnail.
 *
 * Clean lines instead of Excalidraw's hand-drawn roughness: rectangles (rounded), ellipses,
 * diamonds, lines and arrows (curved when rounded, elbow arrows as polylines, every arrowhead
 * kind mapped to a chevron, triangle, bar, circle, diamond or crow's foot), freehand strokes
 * smoothed with quadratic curves through the midpoints, multi-line text in web-safe font
 * stacks, images from /attachments/… URLs only (anything else is an empty placeholder box),
 * frames as labelled rectangles; stroke and fill colours (hachure and cross-hatch as
 * patterns), stroke width and style, opacity and rotation.  Deleted elements are skipped.
 * Every string is XML-escaped, every colour checked, and the output depends only on the
 * document (golden files). */
#ifndef CARD_SVG_DRAW_H
#define CARD_SVG_DRAW_H
struct arena;
struct buf;
struct draw_doc;

struct svg_draw_opts {
    const char *id_prefix;   /* prefix of pattern ids ([A-Za-z0-9-]; "drw" when NULL), so two
                                drawings inlined in one page do not share ids */
};

/* svg_draw_render: append doc as a standalone SVG image (xmlns, viewBox fitted to the
 * elements with a margin, width and height in pixels, appState.viewBackgroundColor as the
 * background) to out.  Scratch memory from a.  Returns 0. */
int svg_draw_render(struct arena *a, const struct draw_doc *doc, const struct svg_draw_opts *opts,
                    struct buf *out);

#define SVG_DRAW_THUMB_WIDTH 240
#define SVG_DRAW_THUMB_MAX_BYTES 20000

/* svg_draw_thumb: append doc's thumbnail (at most SVG_DRAW_THUMB_MAX_BYTES): every element
 * as an outline box, or a few-point polyline for lines, arrows and strokes, in its stroke
 * colour, scaled to SVG_DRAW_THUMB_WIDTH with whole-number coordinates; elements past the
 * size limit are left out.  0, or -1 (out unchanged) for a drawing with nothing to draw. */
int svg_draw_thumb(struct arena *a, const struct draw_doc *doc, struct buf *out);
#endif
