/* svg_flow.h — flowcharts drawn as standalone, deterministic SVG on the server (read-only
 * view, exports, PNG, thumbnails): React Flow nodes in ERD Builder Pro's eight shapes with
 * wrapped labels and their colours, edges routed orthogonally the way React Flow's
 * smoothstep edges are, dashed or solid, arrowheads at either end, labels on a background.
 * Every string is XML-escaped; only checked colours are written; no scripts, no styles, no
 * external references. */
#ifndef CARD_SVG_FLOW_H
#define CARD_SVG_FLOW_H
struct arena;
struct buf;
struct flow_doc;

#define SVG_FLOW_THUMB_WIDTH 240
#define SVG_FLOW_THUMB_MAX_BYTES 20000

/* svg_flow_render: append the SVG of doc to out (an empty picture for no nodes).  Scratch
 * memory comes from a.  The same doc always gives the same bytes. */
void svg_flow_render(struct arena *a, const struct flow_doc *doc, struct buf *out);

/* svg_flow_thumb_render: append doc's thumbnail (nodes as boxes in their colours, edges as
 * plain lines, whole-number coordinates, at most SVG_FLOW_THUMB_WIDTH wide) to out.  Lines
 * are left out when boxes and lines together would pass SVG_FLOW_THUMB_MAX_BYTES.  0, or -1
 * (out unchanged) with no node or when the boxes alone would pass the limit. */
int svg_flow_thumb_render(struct arena *a, const struct flow_doc *doc, struct buf *out);

#endif
