/* flow_doc.c — reading and checking flowchart documents (React Flow {nodes, edges} as ERD
 * Builder Pro's FlowView saves them).  One reader serves both uses: strict for what a client
 * sends (the first problem becomes the 422 message, naming the item), lenient for what is
 * stored (anything that cannot be drawn is skipped).  Strings are copied into the arena, so
 * the JSON value can be released at once. */
#include "flow_doc.h"
#include "arena.h"
#include "buf.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char FLOW_DEFAULT_CHART[] =
    "{\"nodes\":["
    "{\"id\":\"1\",\"type\":\"custom\",\"data\":{\"label\":\"Start Setup\",\"shape\":\"oval\","
    "\"color\":\"#6366f1\"},\"position\":{\"x\":250,\"y\":50}},"
    "{\"id\":\"2\",\"type\":\"custom\",\"data\":{\"label\":\"Initialize App\",\"shape\":\"rectangle\","
    "\"color\":\"#8b5cf6\"},\"position\":{\"x\":250,\"y\":200}},"
    "{\"id\":\"3\",\"type\":\"custom\",\"data\":{\"label\":\"Database Connected?\",\"shape\":\"diamond\","
    "\"color\":\"#eab308\"},\"position\":{\"x\":250,\"y\":350}},"
    "{\"id\":\"4\",\"type\":\"custom\",\"data\":{\"label\":\"Fetch Data\",\"shape\":\"parallelogram\","
    "\"color\":\"#8b5cf6\"},\"position\":{\"x\":100,\"y\":550}},"
    "{\"id\":\"5\",\"type\":\"custom\",\"data\":{\"label\":\"Show Error\",\"shape\":\"rectangle\","
    "\"color\":\"#ef4444\"},\"position\":{\"x\":400,\"y\":550}},"
    "{\"id\":\"6\",\"type\":\"custom\",\"data\":{\"label\":\"End\",\"shape\":\"oval\","
    "\"color\":\"#6366f1\"},\"position\":{\"x\":250,\"y\":750}}"
    "],\"edges\":["
    "{\"id\":\"e1-2\",\"source\":\"1\",\"target\":\"2\",\"sourceHandle\":\"bottom\",\"targetHandle\":\"top\","
    "\"animated\":false,\"markerEnd\":{\"type\":\"arrowclosed\",\"color\":\"#b1b1b7\"},"
    "\"style\":{\"stroke\":\"#b1b1b7\"}},"
    "{\"id\":\"e2-3\",\"source\":\"2\",\"target\":\"3\",\"sourceHandle\":\"bottom\",\"targetHandle\":\"top\","
    "\"markerEnd\":{\"type\":\"arrowclosed\",\"color\":\"#b1b1b7\"},\"style\":{\"stroke\":\"#b1b1b7\"}},"
    "{\"id\":\"e3-4\",\"source\":\"3\",\"target\":\"4\",\"sourceHandle\":\"left\",\"targetHandle\":\"top\","
    "\"label\":\"Yes\",\"labelBgStyle\":{\"fill\":\"#1e1e24\"},\"labelStyle\":{\"fill\":\"#fff\"},"
    "\"markerEnd\":{\"type\":\"arrowclosed\",\"color\":\"#b1b1b7\"},\"style\":{\"stroke\":\"#b1b1b7\"}},"
    "{\"id\":\"e3-5\",\"source\":\"3\",\"target\":\"5\",\"sourceHandle\":\"right\",\"targetHandle\":\"top\","
    "\"label\":\"No\",\"labelBgStyle\":{\"fill\":\"#1e1e24\"},\"labelStyle\":{\"fill\":\"#fff\"},"
    "\"markerEnd\":{\"type\":\"arrowclosed\",\"color\":\"#b1b1b7\"},\"style\":{\"stroke\":\"#b1b1b7\"}},"
    "{\"id\":\"e4-6\",\"source\":\"4\",\"target\":\"6\",\"sourceHandle\":\"bottom\",\"targetHandle\":\"left\","
    "\"animated\":false,\"markerEnd\":{\"type\":\"arrowclosed\",\"color\":\"#b1b1b7\"},"
    "\"style\":{\"stroke\":\"#b1b1b7\"}},"
    "{\"id\":\"e5-6\",\"source\":\"5\",\"target\":\"6\",\"sourceHandle\":\"bottom\",\"targetHandle\":\"right\","
    "\"animated\":false,\"markerEnd\":{\"type\":\"arrowclosed\",\"color\":\"#b1b1b7\"},"
    "\"style\":{\"stroke\":\"#b1b1b7\"}}"
    "]}";

static const char *const SHAPE_NAMES[FLOW_SHAPE_COUNT] = {
    "rectangle", "oval", "diamond", "parallelogram", "database", "document", "cloud", "circle",
};
static const char *const SIDE_NAMES[] = {"top", "right", "bottom", "left"};

enum flow_shape flow_shape_from_name(const char *name)
{
    for (int i = 0; name && i < FLOW_SHAPE_COUNT; i++)
        if (strcmp(name, SHAPE_NAMES[i]) == 0)
            return (enum flow_shape)i;
    return FLOW_RECTANGLE;
}

const char *flow_shape_name(enum flow_shape s)
{
    return s < FLOW_SHAPE_COUNT ? SHAPE_NAMES[s] : SHAPE_NAMES[FLOW_RECTANGLE];
}

int flow_color_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if ((n != 4 && n != 7) || s[0] != '#')
        return 0;
    return strspn(s + 1, "0123456789abcdefABCDEF") == n - 1;
}

/* ---- the reader --------------------------------------------------------------------- */

struct reader {
    struct arena *a;
    int strict;
    struct buf *err;
    const char *item;         /* "nodes[3]" — the item being read, for messages */
};

/* bad: record the first problem (strict only) as "<item>: <message>"; always -1. */
__attribute__((format(printf, 2, 3)))
static int bad(struct reader *rd, const char *fmt, ...)
{
    if (!rd->strict || !rd->err || rd->err->len)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    buf_printf(rd->err, "%s: ", rd->item);
    buf_vprintf(rd->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* opt_string: field key of obj as an arena string into *out (def when absent or null);
 * -1 (reported) when it is another type or longer than max bytes. */
static int opt_string(struct reader *rd, const json_t *obj, const char *key, const char *path,
                      size_t max, const char *def, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return bad(rd, "%s is not a string", path);
    if (json_string_length(v) > max)
        return bad(rd, "%s is longer than %zu bytes", path, max);
    if (memchr(json_string_value(v), '\0', json_string_length(v)))
        return bad(rd, "%s contains a NUL character", path);
    *out = arena_strndup(rd->a, json_string_value(v), json_string_length(v));
    return 0;
}

/* opt_object: field key of obj when it is an object (NULL when absent or null); -1 when
 * it is something else. */
static int opt_object(struct reader *rd, const json_t *obj, const char *key, const char *path,
                      const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return bad(rd, "%s is not an object", path);
    *out = v;
    return 0;
}

/* number: field key of obj as a number within [lo, hi]; required says whether absence is a
 * problem (else *out keeps its value). */
static int number(struct reader *rd, const json_t *obj, const char *key, const char *path,
                  double lo, double hi, int required, double *out)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;
    if (!v || json_is_null(v))
        return required ? bad(rd, "%s is missing", path) : 0;
    if (!json_is_number(v))
        return bad(rd, "%s is not a number", path);
    double d = json_number_value(v);
    if (d < lo || d > hi) {
        if (rd->strict)
            return bad(rd, "%s is out of range (%g to %g)", path, lo, hi);
        d = d < lo ? lo : hi;
    }
    *out = d;
    return 0;
}

/* checked_color: s when it is a colour we may write into SVG, else NULL. */
static const char *checked_color(const char *s)
{
    return flow_color_valid(s) ? s : NULL;
}

/* node_size: measured {width, height}, else width/height, into n->w/h (0 when neither). */
static int node_size(struct reader *rd, const json_t *j, struct flow_node *n)
{
    const json_t *measured;
    if (opt_object(rd, j, "measured", "measured", &measured) ||
        number(rd, j, "width", "width", 0, FLOW_SIZE_MAX, 0, &n->w) ||
        number(rd, j, "height", "height", 0, FLOW_SIZE_MAX, 0, &n->h) ||
        number(rd, measured, "width", "measured.width", 0, FLOW_SIZE_MAX, 0, &n->w) ||
        number(rd, measured, "height", "measured.height", 0, FLOW_SIZE_MAX, 0, &n->h))
        return -1;
    return 0;
}

/* read_node: one element of "nodes". */
static int read_node(struct reader *rd, const json_t *j, struct flow_node *n)
{
    const json_t *pos, *data;
    const char *shape = NULL, *color = NULL, *type = NULL;
    memset(n, 0, sizeof *n);
    if (!json_is_object(j))
        return bad(rd, "is not an object");
    if (opt_string(rd, j, "id", "id", FLOW_MAX_ID, NULL, &n->id))
        return -1;
    if (!n->id || !*n->id)
        return bad(rd, "id is missing or empty");
    if (opt_string(rd, j, "type", "type", 100, NULL, &type) ||
        opt_object(rd, j, "position", "position", &pos))
        return -1;
    if (!pos)
        return bad(rd, "position is missing");
    if (number(rd, pos, "x", "position.x", -FLOW_COORD_MAX, FLOW_COORD_MAX, 1, &n->x) ||
        number(rd, pos, "y", "position.y", -FLOW_COORD_MAX, FLOW_COORD_MAX, 1, &n->y) ||
        node_size(rd, j, n) || opt_object(rd, j, "data", "data", &data) ||
        opt_string(rd, data, "label", "data.label", FLOW_MAX_LABEL, "", &n->label) ||
        opt_string(rd, data, "shape", "data.shape", 100, NULL, &shape) ||
        opt_string(rd, data, "color", "data.color", 100, NULL, &color))
        return -1;
    n->shape = flow_shape_from_name(shape);
    n->color = checked_color(color);
    return 0;
}

/* marker: markerStart/markerEnd — absent, null or false: none; a string (a marker id) or an
 * object: an arrow ({type:"arrow"} open, anything else closed) with an optional colour. */
static int marker(struct reader *rd, const json_t *j, const char *key, enum flow_marker *m,
                  const char **color)
{
    const json_t *v = json_object_get(j, key);
    const char *type = NULL, *c = NULL;
    *m = FLOW_MARKER_NONE;
    *color = NULL;
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_string(v)) {
        *m = FLOW_MARKER_CLOSED;
        return 0;
    }
    if (!json_is_object(v))
        return bad(rd, "%s is not an object", key);
    if (opt_string(rd, v, "type", key, 100, NULL, &type) ||
        opt_string(rd, v, "color", key, 100, NULL, &c))
        return -1;
    *m = type && strcmp(type, "arrow") == 0 ? FLOW_MARKER_OPEN : FLOW_MARKER_CLOSED;
    *color = checked_color(c);
    return 0;
}

/* side: sourceHandle/targetHandle — "top", "right", "bottom", "left"; absent, null or
 * another handle name: def. */
static int side(struct reader *rd, const json_t *j, const char *key, enum flow_side def,
                enum flow_side *out)
{
    const char *name;
    *out = def;
    if (opt_string(rd, j, key, key, FLOW_MAX_ID, NULL, &name))
        return -1;
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, SIDE_NAMES[i]) == 0)
            *out = (enum flow_side)i;
    return 0;
}

/* edge_style: style {stroke, strokeWidth, strokeDasharray}, animated, label colours. */
static int edge_style(struct reader *rd, const json_t *j, struct flow_edge *e)
{
    const json_t *style, *bg, *fg, *dash, *animated = json_object_get(j, "animated");
    const char *stroke = NULL, *bg_fill = NULL, *fg_fill = NULL;
    if (opt_object(rd, j, "style", "style", &style) ||
        opt_string(rd, style, "stroke", "style.stroke", 100, NULL, &stroke) ||
        number(rd, style, "strokeWidth", "style.strokeWidth", 0, 100, 0, &e->stroke_width) ||
        opt_object(rd, j, "labelBgStyle", "labelBgStyle", &bg) ||
        opt_string(rd, bg, "fill", "labelBgStyle.fill", 100, NULL, &bg_fill) ||
        opt_object(rd, j, "labelStyle", "labelStyle", &fg) ||
        opt_string(rd, fg, "fill", "labelStyle.fill", 100, NULL, &fg_fill))
        return -1;
    if (animated && !json_is_boolean(animated) && !json_is_null(animated))
        return bad(rd, "animated is not true or false");
    dash = style ? json_object_get(style, "strokeDasharray") : NULL;
    e->dashed = json_is_true(animated) || (json_is_string(dash) && json_string_length(dash) > 0) ||
                (json_is_number(dash) && json_number_value(dash) > 0);
    e->stroke = checked_color(stroke);
    e->label_bg = checked_color(bg_fill);
    e->label_fg = checked_color(fg_fill);
    return 0;
}

/* node_ref: a node id and its index, sorted by id to find duplicates and endpoints. */
struct node_ref {
    const char *id;
    size_t index;
};

static int ref_cmp(const void *x, const void *y)
{
    const struct node_ref *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

static int ref_find_cmp(const void *key, const void *y)
{
    return strcmp(key, ((const struct node_ref *)y)->id);
}

/* endpoint: the index of the node named by field key; -1 (reported) when it names none. */
static int endpoint(struct reader *rd, const json_t *j, const char *key,
                    const struct node_ref *refs, size_t n, size_t *out)
{
    const char *id;
    if (opt_string(rd, j, key, key, FLOW_MAX_ID, NULL, &id))
        return -1;
    if (!id)
        return bad(rd, "%s is missing", key);
    const struct node_ref *r = bsearch(id, refs, n, sizeof *refs, ref_find_cmp);
    if (!r)
        return bad(rd, "%s names no node (\"%.60s\")", key, id);
    *out = r->index;
    return 0;
}

/* read_edge: one element of "edges". */
static int read_edge(struct reader *rd, const json_t *j, const struct node_ref *refs, size_t n,
                     struct flow_edge *e)
{
    const json_t *label;
    const char *type;
    memset(e, 0, sizeof *e);
    if (!json_is_object(j))
        return bad(rd, "is not an object");
    if (opt_string(rd, j, "id", "id", FLOW_MAX_ID, NULL, &e->id))
        return -1;
    if (!e->id || !*e->id)
        return bad(rd, "id is missing or empty");
    label = json_object_get(j, "label");
    if (json_is_number(label))
        e->label = arena_printf(rd->a, "%g", json_number_value(label));
    else if (opt_string(rd, j, "label", "label", FLOW_MAX_LABEL, "", &e->label))
        return -1;
    if (opt_string(rd, j, "type", "type", 100, NULL, &type) ||
        endpoint(rd, j, "source", refs, n, &e->source) ||
        endpoint(rd, j, "target", refs, n, &e->target) ||
        side(rd, j, "sourceHandle", FLOW_BOTTOM, &e->source_side) ||
        side(rd, j, "targetHandle", FLOW_TOP, &e->target_side) ||
        marker(rd, j, "markerStart", &e->marker_start, &e->marker_start_color) ||
        marker(rd, j, "markerEnd", &e->marker_end, &e->marker_end_color) || edge_style(rd, j, e))
        return -1;
    return 0;
}

/* list: data[key] as an array of at most max items; NULL (reported when strict) otherwise. */
static const json_t *list(struct reader *rd, const json_t *data, const char *key, size_t max)
{
    const json_t *v = json_object_get(data, key);
    rd->item = key;
    if (!v) {
        bad(rd, "is missing");
        return NULL;
    }
    if (!json_is_array(v)) {
        bad(rd, "is not an array");
        return NULL;
    }
    if (json_array_size(v) > max) {
        bad(rd, "has %zu items; at most %zu are allowed", json_array_size(v), max);
        return rd->strict ? NULL : v;
    }
    return v;
}

/* read_nodes: every node, then the sorted id index (duplicates refused when strict). */
static int read_nodes(struct reader *rd, const json_t *arr, struct flow_doc *doc,
                      struct node_ref **refs_out)
{
    size_t total = json_array_size(arr);
    if (total > FLOW_MAX_NODES)
        total = FLOW_MAX_NODES;
    doc->nodes = arena_alloc(rd->a, (total + 1) * sizeof *doc->nodes);
    struct node_ref *refs = arena_alloc(rd->a, (total + 1) * sizeof *refs);
    for (size_t i = 0; i < total; i++) {
        rd->item = arena_printf(rd->a, "nodes[%zu]", i);
        struct flow_node *n = &doc->nodes[doc->nnodes];
        if (read_node(rd, json_array_get(arr, i), n) == 0) {
            refs[doc->nnodes] = (struct node_ref){n->id, doc->nnodes};
            doc->nnodes++;
        } else if (rd->strict)
            return -1;
    }
    qsort(refs, doc->nnodes, sizeof *refs, ref_cmp);
    for (size_t i = 1; rd->strict && i < doc->nnodes; i++)
        if (strcmp(refs[i].id, refs[i - 1].id) == 0) {
            rd->item = arena_printf(rd->a, "nodes[%zu]", refs[i].index);
            return bad(rd, "id \"%.60s\" is used by another node (nodes[%zu])", refs[i].id,
                       refs[i - 1].index);
        }
    *refs_out = refs;
    return 0;
}

/* edge_ids_unique: no two edges share an id (strict only). */
static int edge_ids_unique(struct reader *rd, const struct flow_doc *doc)
{
    struct node_ref *refs = arena_alloc(rd->a, (doc->nedges + 1) * sizeof *refs);
    for (size_t i = 0; i < doc->nedges; i++)
        refs[i] = (struct node_ref){doc->edges[i].id, i};
    qsort(refs, doc->nedges, sizeof *refs, ref_cmp);
    for (size_t i = 1; i < doc->nedges; i++)
        if (strcmp(refs[i].id, refs[i - 1].id) == 0) {
            rd->item = arena_printf(rd->a, "edges[%zu]", refs[i].index);
            return bad(rd, "id \"%.60s\" is used by another edge (edges[%zu])", refs[i].id,
                       refs[i - 1].index);
        }
    return 0;
}

int flow_doc_read(struct arena *a, const json_t *data, int strict, struct flow_doc *doc,
                  struct buf *err)
{
    struct reader rd = {a, strict, err, "data"};
    struct node_ref *refs = NULL;
    memset(doc, 0, sizeof *doc);
    if (!json_is_object(data)) {
        rd.strict = 1;
        return bad(&rd, "is not an object with nodes and edges"), FLOW_ERR_INVALID;
    }
    const json_t *nodes = list(&rd, data, "nodes", FLOW_MAX_NODES);
    if (!nodes && strict)
        return FLOW_ERR_INVALID;
    const json_t *edges = list(&rd, data, "edges", FLOW_MAX_EDGES);
    if (!edges && strict)
        return FLOW_ERR_INVALID;
    if (read_nodes(&rd, nodes, doc, &refs) != 0)
        return FLOW_ERR_INVALID;
    size_t total = json_array_size(edges);
    if (total > FLOW_MAX_EDGES)
        total = FLOW_MAX_EDGES;
    doc->edges = arena_alloc(a, (total + 1) * sizeof *doc->edges);
    for (size_t i = 0; i < total; i++) {
        rd.item = arena_printf(a, "edges[%zu]", i);
        if (read_edge(&rd, json_array_get(edges, i), refs, doc->nnodes, &doc->edges[doc->nedges]) == 0)
            doc->nedges++;
        else if (strict)
            return FLOW_ERR_INVALID;
    }
    if (strict && edge_ids_unique(&rd, doc) != 0)
        return FLOW_ERR_INVALID;
    return FLOW_OK;
}

int flow_doc_parse(struct arena *a, const char *text, size_t len, int strict,
                   struct flow_doc *doc, struct buf *err)
{
    json_error_t je;
    memset(doc, 0, sizeof *doc);
    json_t *data = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!data) {
        if (err)
            buf_printf(err, "data: not JSON (%s at line %d, column %d)", je.text, je.line, je.column);
        return FLOW_ERR_SYNTAX;
    }
    int rc = flow_doc_read(a, data, strict, doc, err);
    json_decref(data);
    return rc;
}

/* nonempty_array: data[key] is an array with at least one item. */
static int nonempty_array(const json_t *data, const char *key)
{
    const json_t *v = json_object_get(data, key);
    return json_is_array(v) && json_array_size(v) > 0;
}

int flow_doc_is_empty_text(const char *text, size_t len)
{
    json_t *data = text ? json_loadb(text, len, 0, NULL) : NULL;
    int empty = !json_is_object(data) ||
                (!nonempty_array(data, "nodes") && !nonempty_array(data, "edges"));
    json_decref(data);
    return empty;
}
