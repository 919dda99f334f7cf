/* erd_layout.c — automatic placement of an ERD's tables.
 *
 * Tables linked by relationships are layered by dependency: parents (referenced tables) in
 * the left columns, children to their right (longest-path layering; cycles are broken by
 * forcing the waiting table with the fewest unplaced parents).  Inside a layer tables are
 * ordered by a few barycenter sweeps to reduce crossings; a layer taller than
 * LAYER_MAX_ROWS tables wraps into several columns.  Tables without any relationship go in a
 * compact grid below.  Box size: 240 wide, 36 + 28 per column tall, 80 px gaps.
 * Everything is O((V + E) log V) per sweep and deterministic. */
#include "erd_layout.h"
#include "erd_doc.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BOX_W 240
#define BOX_HEADER 36
#define BOX_ROW 28
#define GAP 80
#define MARGIN 40
#define LAYER_MAX_ROWS 12
#define SWEEPS 4

struct node {
    int layer, order, waiting; /* waiting: parents not yet layered */
    double key;
    bool linked;
    int height;
};

struct graph {
    int n, nedges;
    int *from, *to;            /* edges parent → child */
    int *out_start, *out_list; /* children by parent (CSR) */
    int *in_start, *in_list;   /* parents by child */
    struct node *nodes;
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

/* ---- entity id → index ---- */

struct id_map {
    const char **ids;
    int *index;
    size_t cap;
};

static size_t hash_id(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void id_map_init(struct id_map *m, const struct erd_doc *doc)
{
    size_t n = doc->nentities;
    m->cap = 16;
    while (m->cap < 2 * n + 2)
        m->cap *= 2;
    m->ids = xcalloc(m->cap, sizeof *m->ids);
    m->index = xcalloc(m->cap, sizeof *m->index);
    for (size_t i = 0; i < n; i++) {
        const char *id = doc->entities[i].id;
        if (!id)
            continue;
        size_t h = hash_id(id) & (m->cap - 1);
        while (m->ids[h] && strcmp(m->ids[h], id) != 0)
            h = (h + 1) & (m->cap - 1);
        if (!m->ids[h]) {
            m->ids[h] = id;
            m->index[h] = (int)i;
        }
    }
}

static int id_map_get(const struct id_map *m, const char *id)
{
    if (!id)
        return -1;
    size_t h = hash_id(id) & (m->cap - 1);
    while (m->ids[h]) {
        if (strcmp(m->ids[h], id) == 0)
            return m->index[h];
        h = (h + 1) & (m->cap - 1);
    }
    return -1;
}

static void id_map_free(struct id_map *m)
{
    free(m->ids);
    free(m->index);
}

/* ---- graph ---- */

static void build_csr(int n, int m, const int *key, const int *val, int **start, int **list)
{
    *start = xcalloc((size_t)n + 1, sizeof **start);
    *list = xcalloc((size_t)m, sizeof **list);
    for (int i = 0; i < m; i++)
        (*start)[key[i] + 1]++;
    for (int i = 0; i < n; i++)
        (*start)[i + 1] += (*start)[i];
    int *fill = xcalloc((size_t)n, sizeof *fill);
    for (int i = 0; i < m; i++)
        (*list)[(*start)[key[i]] + fill[key[i]]++] = val[i];
    free(fill);
}

static void graph_build(struct graph *g, const struct erd_doc *doc)
{
    struct id_map map;
    g->n = (int)doc->nentities;
    g->nodes = xcalloc((size_t)g->n, sizeof *g->nodes);
    g->from = xcalloc(doc->nrelationships, sizeof *g->from);
    g->to = xcalloc(doc->nrelationships, sizeof *g->to);
    g->nedges = 0;
    id_map_init(&map, doc);
    for (size_t i = 0; i < doc->nrelationships; i++) {
        const struct erd_relationship *r = &doc->relationships[i];
        int p = id_map_get(&map, r->target_entity_id);     /* the referenced table */
        int c = id_map_get(&map, r->source_entity_id);     /* the one holding the key */
        if (p < 0 || c < 0 || p == c)
            continue;
        g->from[g->nedges] = p;
        g->to[g->nedges] = c;
        g->nedges++;
        g->nodes[p].linked = g->nodes[c].linked = true;
    }
    id_map_free(&map);
    build_csr(g->n, g->nedges, g->from, g->to, &g->out_start, &g->out_list);
    build_csr(g->n, g->nedges, g->to, g->from, &g->in_start, &g->in_list);
    for (int i = 0; i < g->n; i++)
        g->nodes[i].height = BOX_HEADER + BOX_ROW * (int)doc->entities[i].ncolumns;
}

static void graph_free(struct graph *g)
{
    free(g->from);
    free(g->to);
    free(g->out_start);
    free(g->out_list);
    free(g->in_start);
    free(g->in_list);
    free(g->nodes);
}

/* assign_layers: longest path from the roots over a Kahn order; a cycle is broken by taking
 * the unplaced linked table with the fewest waiting parents (lowest index on ties). */
static int assign_layers(struct graph *g)
{
    int *queue = xcalloc((size_t)g->n, sizeof *queue);
    bool *done = xcalloc((size_t)g->n, sizeof *done);
    int head = 0, tail = 0, placed = 0, linked = 0, maxlayer = 0;
    for (int i = 0; i < g->n; i++) {
        g->nodes[i].waiting = g->in_start[i + 1] - g->in_start[i];
        if (g->nodes[i].linked) {
            linked++;
            if (g->nodes[i].waiting == 0)
                queue[tail++] = i;
        }
    }
    while (placed < linked) {
        if (head == tail) {
            int best = -1;
            for (int i = 0; i < g->n; i++)
                if (g->nodes[i].linked && !done[i] &&
                    (best < 0 || g->nodes[i].waiting < g->nodes[best].waiting))
                    best = i;
            g->nodes[best].waiting = 0;
            queue[tail++] = best;
        }
        int v = queue[head++];
        if (done[v])
            continue;
        done[v] = true;
        placed++;
        if (g->nodes[v].layer > maxlayer)
            maxlayer = g->nodes[v].layer;
        for (int k = g->out_start[v]; k < g->out_start[v + 1]; k++) {
            int c = g->out_list[k];
            if (done[c])
                continue;
            if (g->nodes[c].layer < g->nodes[v].layer + 1)
                g->nodes[c].layer = g->nodes[v].layer + 1;
            if (--g->nodes[c].waiting == 0)
                queue[tail++] = c;
        }
    }
    free(queue);
    free(done);
    return maxlayer + 1;
}

static _Thread_local struct graph *sort_graph; /* qsort has no context argument */

static int by_layer_key(const void *a, const void *b)
{
    const struct node *x = &sort_graph->nodes[*(const int *)a];
    const struct node *y = &sort_graph->nodes[*(const int *)b];
    if (x->layer != y->layer)
        return x->layer < y->layer ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return *(const int *)a < *(const int *)b ? -1 : *(const int *)a > *(const int *)b;
}

/* barycenter_key: mean order of the neighbours (parents when down, children when up);
 * a table without such neighbours keeps its place. */
static double barycenter_key(const struct graph *g, int v, bool down)
{
    const int *start = down ? g->in_start : g->out_start;
    const int *list = down ? g->in_list : g->out_list;
    int n = start[v + 1] - start[v];
    if (n == 0)
        return g->nodes[v].order;
    double sum = 0;
    for (int k = start[v]; k < start[v + 1]; k++)
        sum += g->nodes[list[k]].order;
    return sum / n;
}

/* order_layers: sorted (linked) node list by layer, then barycenter sweeps. */
static void order_layers(struct graph *g, int *sorted, int nsorted)
{
    sort_graph = g;
    for (int i = 0; i < nsorted; i++)
        g->nodes[sorted[i]].key = sorted[i];
    qsort(sorted, (size_t)nsorted, sizeof *sorted, by_layer_key);
    for (int sweep = 0; sweep < SWEEPS; sweep++) {
        for (int i = 0, pos = 0; i < nsorted; i++, pos++) {
            if (i > 0 && g->nodes[sorted[i]].layer != g->nodes[sorted[i - 1]].layer)
                pos = 0;
            g->nodes[sorted[i]].order = pos;
        }
        for (int i = 0; i < nsorted; i++)
            g->nodes[sorted[i]].key = barycenter_key(g, sorted[i], sweep % 2 == 0);
        qsort(sorted, (size_t)nsorted, sizeof *sorted, by_layer_key);
    }
    sort_graph = NULL;
}

static void set_xy(struct erd_doc *doc, int i, int x, int y)
{
    doc->entities[i].x = x;
    doc->entities[i].y = y;
}

/* place_layers: returns the bottom edge of what was placed. */
static int place_layers(struct graph *g, struct erd_doc *doc, const int *sorted, int nsorted)
{
    int x = MARGIN, bottom = MARGIN, i = 0;
    while (i < nsorted) {
        int layer = g->nodes[sorted[i]].layer, rows = 0, y = MARGIN;
        for (; i < nsorted && g->nodes[sorted[i]].layer == layer; i++) {
            if (rows == LAYER_MAX_ROWS) {
                x += BOX_W + GAP;
                y = MARGIN;
                rows = 0;
            }
            set_xy(doc, sorted[i], x, y);
            y += g->nodes[sorted[i]].height + GAP;
            rows++;
            if (y > bottom)
                bottom = y;
        }
        x += BOX_W + GAP;
    }
    return bottom;
}

/* place_grid: unlinked tables in rows of ceil(sqrt(n)) starting at top. */
static void place_grid(struct graph *g, struct erd_doc *doc, int top)
{
    int n = 0;
    for (int i = 0; i < g->n; i++)
        n += !g->nodes[i].linked;
    int per_row = (int)ceil(sqrt((double)n));
    int col = 0, y = top, row_h = 0;
    for (int i = 0; i < g->n; i++) {
        if (g->nodes[i].linked)
            continue;
        set_xy(doc, i, MARGIN + col * (BOX_W + GAP), y);
        if (g->nodes[i].height > row_h)
            row_h = g->nodes[i].height;
        if (++col == per_row) {
            col = 0;
            y += row_h + GAP;
            row_h = 0;
        }
    }
}

void erd_layout(struct erd_doc *doc)
{
    if (doc->nentities > 0 && erd_layout_dot(doc) != 0)
        erd_layout_layered(doc);
}

void erd_layout_layered(struct erd_doc *doc)
{
    struct graph g;
    if (doc->nentities == 0)
        return;
    graph_build(&g, doc);
    assign_layers(&g);
    int *sorted = xcalloc((size_t)g.n, sizeof *sorted);
    int nsorted = 0;
    for (int i = 0; i < g.n; i++)
        if (g.nodes[i].linked)
            sorted[nsorted++] = i;
    order_layers(&g, sorted, nsorted);
    int bottom = nsorted ? place_layers(&g, doc, sorted, nsorted) : MARGIN;
    place_grid(&g, doc, bottom);
    free(sorted);
    graph_free(&g);
}
