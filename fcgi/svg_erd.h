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
#endif
