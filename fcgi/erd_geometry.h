/* erd_geometry.h — the size of a table box in an ERD drawing, one set for the server-drawn SVG
 * (svg_erd.c) and the browser editor, which page_diagram.c hands these values to (data-box-*
 * on the editor root): a box is ERD_BOX_HEADER_H + ERD_BOX_ROW_H × columns tall and, by the
 * length of its texts, ERD_BOX_MIN_W to ERD_BOX_MAX_W wide.  tests/unit/test_erd_geometry.c
 * checks svg_erd.c draws boxes of exactly these sizes. */
#ifndef CARD_ERD_GEOMETRY_H
#define CARD_ERD_GEOMETRY_H
#define ERD_BOX_HEADER_H 36
#define ERD_BOX_ROW_H 28
#define ERD_BOX_MIN_W 240
#define ERD_BOX_MAX_W 480
#endif
