/* png.h — PNG images of our own SVG drawings (exports), rendered on the server with librsvg
 * and cairo: no headless browser. */
#ifndef CARD_PNG_H
#define CARD_PNG_H
#include <stddef.h>
struct buf;

#define PNG_MAX_PIXELS (40u * 1000u * 1000u)   /* width × height × scale² a PNG may have */

enum { PNG_OK = 0, PNG_ERR_SVG = -1, PNG_ERR_TOO_BIG = -2, PNG_ERR_RENDER = -3 };

/* png_from_svg: append the PNG of svg[0..len) at scale (1 = its own pixel size; 2 for a
 * high-density image) to out, on a white background when opaque is set (else transparent).
 * The SVG is ours (no external references are fetched: librsvg loads none for data given in
 * memory without a base file).  PNG_OK, or PNG_ERR_SVG (unreadable or without a size),
 * PNG_ERR_TOO_BIG (past PNG_MAX_PIXELS), PNG_ERR_RENDER. */
int png_from_svg(const char *svg, size_t len, double scale, int opaque, struct buf *out);
#endif
