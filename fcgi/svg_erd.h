/* svg_erd.h — draw an ERD model as a standalone SVG (tables with header and column rows,
 * PK/nullable markers, crow's-foot ends by relationship kind, labels).  All text escaped;
 * output deterministic for the same model.  (List thumbnails: svg_thumb.h.) */
#ifndef CARD_SVG_ERD_H
#define CARD_SVG_ERD_H
struct buf;
struct erd_doc;

struct svg_erd_opts {
    const char *id_prefix; /* prefix for ids inside the SVG (markers), so two SVGs on one page don't clash; NULL = "erd" */
};

/* svg_erd_render: append <svg …>…</svg> for doc to out.  0. */
int svg_erd_render(const struct erd_doc *doc, const struct svg_erd_opts *opts, struct buf *out);
/* svg_erd_box_width: the width this drawing gives entity e's box (ERD_BOX_MIN_W … _MAX_W by
 * its texts; the height is ERD_BOX_HEADER_H + ERD_BOX_ROW_H per column). */
struct erd_entity;
double svg_erd_box_width(const struct erd_entity *e);
#endif
