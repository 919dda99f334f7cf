/* svg_erd.h — draw an ERD model as a standalone SVG (tables with header and column rows,
 * PK/nullable markers, crow's-foot ends by relationship kind, labels).  All text escaped;
 * output deterministic for the same model. */
#ifndef CARD_SVG_ERD_H
#define CARD_SVG_ERD_H
#include <jansson.h>
struct buf;

struct svg_erd_opts {
    int thumbnail;      /* 1: small, no column rows or labels, fixed max width */
    int max_width;      /* thumbnail width in px (0 = 240) */
    const char *id_prefix; /* prefix for ids inside the SVG (markers), so two SVGs on one page don't clash; NULL = "erd" */
};

/* svg_erd_render: append <svg …>…</svg> for model to out.  0, or -1 if malformed. */
int svg_erd_render(const json_t *model, const struct svg_erd_opts *opts, struct buf *out);
#endif
