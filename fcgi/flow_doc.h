/* flow_doc.h — flowchart documents in ERD Builder Pro's stored format: React Flow's
 * {"nodes":[…],"edges":[…]} with custom nodes (data {label, shape, color}) and smoothstep
 * edges.  The reader checks a document a client sends (422 naming the item) and reads
 * what is stored leniently for drawing.  It never writes JSON back: the server stores the
 * text the client sent, so fields we do not draw are kept byte for byte. */
#ifndef CARD_FLOW_DOC_H
#define CARD_FLOW_DOC_H
#include <jansson.h>
#include <stddef.h>
struct arena;
struct buf;

#define FLOW_MAX_NODES 5000
#define FLOW_MAX_EDGES 20000
#define FLOW_MAX_LABEL 10000          /* bytes of a node or edge label */
#define FLOW_MAX_ID 255               /* bytes of a node or edge id */
#define FLOW_COORD_MAX 1000000.0      /* |x|, |y| of a position */
#define FLOW_SIZE_MAX 10000.0         /* width or height of a node */
#define FLOW_MAX_BYTES (10u * 1024u * 1024u)   /* a stored document (413 past it) */

/* The eight shapes, in ERD Builder Pro's palette order; unknown names draw as rectangles. */
enum flow_shape {
    FLOW_RECTANGLE, FLOW_OVAL, FLOW_DIAMOND, FLOW_PARALLELOGRAM, FLOW_DATABASE,
    FLOW_DOCUMENT, FLOW_CLOUD, FLOW_CIRCLE, FLOW_SHAPE_COUNT
};
/* Handle sides (React Flow positions). */
enum flow_side { FLOW_TOP, FLOW_RIGHT, FLOW_BOTTOM, FLOW_LEFT };
/* Arrow heads (React Flow MarkerType). */
enum flow_marker { FLOW_MARKER_NONE, FLOW_MARKER_CLOSED, FLOW_MARKER_OPEN };

struct flow_node {
    const char *id;
    const char *label;        /* "" when none */
    enum flow_shape shape;
    const char *color;        /* a checked "#rgb"/"#rrggbb" colour, or NULL */
    double x, y;              /* top-left corner */
    double w, h;              /* measured / width,height when given, else 0 (renderer sizes) */
};

struct flow_edge {
    const char *id;
    size_t source, target;    /* node indices */
    enum flow_side source_side, target_side;
    const char *label;        /* "" when none */
    const char *stroke;       /* checked colour or NULL */
    double stroke_width;      /* 0: default */
    int dashed;
    enum flow_marker marker_start, marker_end;
    const char *marker_start_color, *marker_end_color;  /* checked colour or NULL */
    const char *label_bg, *label_fg;                    /* checked colour or NULL */
};

struct flow_doc {
    struct flow_node *nodes;
    size_t nnodes;
    struct flow_edge *edges;
    size_t nedges;
};

enum {
    FLOW_OK = 0,
    FLOW_ERR_SYNTAX = -1,     /* not JSON */
    FLOW_ERR_INVALID = -2,    /* JSON, but not a flowchart (message names the item) */
};

/* flow_doc_read: read data (a parsed JSON value) into doc, strings copied into a.  strict:
 * every problem is FLOW_ERR_INVALID with a message naming the item in err ("nodes[3]:
 * position.x is not a number"): shape, duplicate ids, edges to missing nodes, limits.  Not
 * strict (drawing what is stored, whoever wrote it): items that cannot be drawn are left
 * out and only a value that is not an object fails. */
int flow_doc_read(struct arena *a, const json_t *data, int strict, struct flow_doc *doc,
                  struct buf *err);
/* flow_doc_parse: the same from JSON text (duplicate keys rejected); FLOW_ERR_SYNTAX when
 * it is not JSON. */
int flow_doc_parse(struct arena *a, const char *text, size_t len, int strict,
                   struct flow_doc *doc, struct buf *err);
/* flow_doc_is_empty_text: text is not a readable JSON object or has neither nodes nor edges
 * — what ERD Builder Pro replaces with its default chart when it opens a flowchart. */
int flow_doc_is_empty_text(const char *text, size_t len);

/* flow_shape_from_name: "diamond" → FLOW_DIAMOND; unknown or NULL → FLOW_RECTANGLE.
 * flow_shape_name: the reverse. */
enum flow_shape flow_shape_from_name(const char *name);
const char *flow_shape_name(enum flow_shape s);
/* flow_color_valid: s is "#rgb" or "#rrggbb" (hex digits). */
int flow_color_valid(const char *s);

/* FLOW_DEFAULT_CHART: ERD Builder Pro's default chart (flowchartConstants.ts's initial nodes
 * and edges) as JSON text, answered for a flowchart that has none yet. */
extern const char FLOW_DEFAULT_CHART[];
#endif
