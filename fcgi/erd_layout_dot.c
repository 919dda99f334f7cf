/* erd_layout_dot.c — tidy placement of an imported ERD with Graphviz (libgvc/libcgraph, the
 * `dot` layout): every connected group of tables is laid out by dot as boxes of the editor's
 * own size (erd_geometry.h, svg_erd_box_width), left to right along its relationships, so boxes
 * never overlap, related tables sit near each other and dot keeps edge crossings few; the
 * groups (and the lone tables) are then packed in rows, largest first, about as wide as tall.
 * Each group of two or more tables gets its own palette colour (files.h), lone tables the
 * palette's slate.  Graphviz keeps global state, so calls are serialised by a mutex. */
#include "erd_layout.h"
#include "erd_doc.h"
#include "erd_geometry.h"
#include "files.h"
#include "svg_erd.h"
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOT_GAP 80          /* px between packed groups */
#define DOT_MARGIN 40       /* px from the origin to the first group */
#define DOT_MAX_TABLES 2000 /* above: dot would take too long; the caller falls back */
#define PT_PER_INCH 72.0

static pthread_mutex_t dot_lock = PTHREAD_MUTEX_INITIALIZER;
/* One Graphviz context for the process, made on first use under dot_lock and never freed:
 * gvFreeContext does not give back everything gvContext took (Graphviz 2.42/2.43). */
static GVC_t *dot_gvc;

struct box { double x, y, w, h; };
struct group { int first, n; double w, h; };   /* members: order[first … first+n) */

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

/* entity_index: the index of the entity with id, or -1 (first of duplicates wins). */
static int entity_index(const struct erd_doc *doc, const char *id)
{
    for (size_t i = 0; id && i < doc->nentities; i++)
        if (doc->entities[i].id && strcmp(doc->entities[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* find / unite: union-find over entity indexes. */
static int find(int *parent, int i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

static void unite(int *parent, int a, int b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a != b)
        parent[a < b ? b : a] = a < b ? a : b;
}

/* ends: each relationship's entity indexes into src/dst (-1 when unknown or a self loop): the
 * referenced table (the relationship's target) first, so dot ranks it before the table that
 * holds the foreign key (its source, ERD Builder Pro's convention). */
static void ends(const struct erd_doc *doc, int *src, int *dst)
{
    for (size_t k = 0; k < doc->nrelationships; k++) {
        src[k] = entity_index(doc, doc->relationships[k].target_entity_id);
        dst[k] = entity_index(doc, doc->relationships[k].source_entity_id);
        if (src[k] < 0 || dst[k] < 0 || src[k] == dst[k])
            src[k] = dst[k] = -1;
    }
}

/* set_num: attribute name of object obj (declared on the graph's kind) as a number. */
static void set_num(void *obj, const char *name, double v)
{
    char text[32];
    snprintf(text, sizeof text, "%.4f", v);
    agsafeset(obj, (char *)name, text, "");
}

/* dot_group: lay out group gr with dot; members' positions (relative to the group's top left)
 * into pos, its size into gr; 0, or -1 when Graphviz failed. */
static int dot_group(GVC_t *gvc, const struct erd_doc *doc, const int *order, const int *src,
                     const int *dst, const int *slot, struct group *gr, struct box *pos)
{
    Agraph_t *g = agopen("erd", Agdirected, NULL);
    if (!g)
        return -1;
    agattr(g, AGRAPH, "rankdir", "LR");
    agattr(g, AGRAPH, "nodesep", "0.6");
    agattr(g, AGRAPH, "ranksep", "1.4");
    agattr(g, AGRAPH, "nslimit", "4");
    agattr(g, AGRAPH, "mclimit", "0.5");
    agattr(g, AGNODE, "shape", "box");
    agattr(g, AGNODE, "fixedsize", "true");
    agattr(g, AGNODE, "label", "");
    agattr(g, AGNODE, "width", "1");
    agattr(g, AGNODE, "height", "1");
    Agnode_t **nodes = xcalloc((size_t)gr->n, sizeof *nodes);
    for (int m = 0; m < gr->n; m++) {
        char name[24];
        snprintf(name, sizeof name, "n%d", m);
        nodes[m] = agnode(g, name, 1);
        set_num(nodes[m], "width", pos[order[gr->first + m]].w / PT_PER_INCH);
        set_num(nodes[m], "height", pos[order[gr->first + m]].h / PT_PER_INCH);
    }
    for (size_t k = 0; k < doc->nrelationships; k++)
        if (src[k] >= 0 && slot[src[k]] < gr->n && order[gr->first + slot[src[k]]] == src[k])
            agedge(g, nodes[slot[src[k]]], nodes[slot[dst[k]]], NULL, 1);
    int rc = gvLayout(gvc, g, "dot") == 0 ? 0 : -1;
    if (rc == 0) {
        boxf bb = GD_bb(g);
        for (int m = 0; m < gr->n; m++) {
            struct box *b = &pos[order[gr->first + m]];
            b->x = ND_coord(nodes[m]).x - bb.LL.x - b->w / 2;
            b->y = bb.UR.y - ND_coord(nodes[m]).y - b->h / 2;
        }
        gr->w = bb.UR.x - bb.LL.x;
        gr->h = bb.UR.y - bb.LL.y;
        gvFreeLayout(gvc, g);
    }
    agclose(g);
    free(nodes);
    return rc;
}

static _Thread_local const struct group *sort_groups;

/* by_size: larger groups first (more tables, then taller), then by first member. */
static int by_size(const void *a, const void *b)
{
    const struct group *x = &sort_groups[*(const int *)a], *y = &sort_groups[*(const int *)b];
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    if (x->h != y->h)
        return x->h > y->h ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* pack: place the groups in rows (largest first) no wider than about the square root of
 * their total area × 1.4, moving each group's members by the group's offset. */
static void pack(struct erd_doc *doc, struct group *groups, int ngroups, const int *order,
                 const struct box *pos)
{
    double area = 0, widest = 0;
    for (int i = 0; i < ngroups; i++) {
        area += (groups[i].w + DOT_GAP) * (groups[i].h + DOT_GAP);
        widest = fmax(widest, groups[i].w);
    }
    double limit = fmax(widest, sqrt(area) * 1.4);
    int *sorted = xcalloc((size_t)ngroups, sizeof *sorted);
    for (int i = 0; i < ngroups; i++)
        sorted[i] = i;
    sort_groups = groups;
    qsort(sorted, (size_t)ngroups, sizeof *sorted, by_size);
    double x = DOT_MARGIN, y = DOT_MARGIN, row_h = 0;
    for (int s = 0; s < ngroups; s++) {
        const struct group *gr = &groups[sorted[s]];
        if (x > DOT_MARGIN && x + gr->w > DOT_MARGIN + limit) {
            x = DOT_MARGIN;
            y += row_h + DOT_GAP;
            row_h = 0;
        }
        for (int m = 0; m < gr->n; m++) {
            int e = order[gr->first + m];
            doc->entities[e].x = round(x + pos[e].x);
            doc->entities[e].y = round(y + pos[e].y);
        }
        x += gr->w + DOT_GAP;
        row_h = fmax(row_h, gr->h);
    }
    free(sorted);
}

/* colour_groups: a palette colour per group of two or more tables, in entity order, cycling
 * through the first PALETTE_GROUPS colours; lone tables get the last one (slate, "unrelated"). */
#define PALETTE_GROUPS 7
static void colour_groups(struct erd_doc *doc, const struct group *groups, int ngroups,
                          const int *order)
{
    size_t next = 0;
    for (int i = 0; i < ngroups; i++) {
        const char *c = groups[i].n > 1 ? palette_color(next++ % PALETTE_GROUPS) : palette_color(PALETTE_GROUPS);
        for (int m = 0; m < groups[i].n; m++)
            doc->entities[order[groups[i].first + m]].color = c;
    }
}

/* layout_groups: the groups (connected components) in entity order, members listed in order. */
static int layout_groups(const struct erd_doc *doc, const int *src, const int *dst, int *order,
                         int *slot, struct group *groups)
{
    int n = (int)doc->nentities, ngroups = 0, at = 0;
    int *parent = xcalloc((size_t)n, sizeof *parent), *gid = xcalloc((size_t)n, sizeof *gid);
    for (int i = 0; i < n; i++)
        parent[i] = i;
    for (size_t k = 0; k < doc->nrelationships; k++)
        if (src[k] >= 0)
            unite(parent, src[k], dst[k]);
    for (int i = 0; i < n; i++)
        if (find(parent, i) == i)
            gid[i] = ngroups++;
    for (int gi = 0; gi < ngroups; gi++) {
        groups[gi].first = at;
        for (int i = 0; i < n; i++)
            if (gid[find(parent, i)] == gi) {
                slot[i] = at - groups[gi].first;
                order[at++] = i;
            }
        groups[gi].n = at - groups[gi].first;
    }
    free(parent);
    free(gid);
    return ngroups;
}

int erd_layout_dot(struct erd_doc *doc)
{
    int n = (int)doc->nentities, rc = 0;
    if (n == 0)
        return 0;
    if (n > DOT_MAX_TABLES)
        return -1;
    size_t nr = doc->nrelationships;
    int *src = xcalloc(nr, sizeof *src), *dst = xcalloc(nr, sizeof *dst);
    int *order = xcalloc((size_t)n, sizeof *order), *slot = xcalloc((size_t)n, sizeof *slot);
    struct group *groups = xcalloc((size_t)n, sizeof *groups);
    struct box *pos = xcalloc((size_t)n, sizeof *pos);
    ends(doc, src, dst);
    int ngroups = layout_groups(doc, src, dst, order, slot, groups);
    for (int i = 0; i < n; i++) {
        pos[i].w = svg_erd_box_width(&doc->entities[i]);
        pos[i].h = ERD_BOX_HEADER_H + ERD_BOX_ROW_H * (double)doc->entities[i].ncolumns;
    }
    pthread_mutex_lock(&dot_lock);
    if (!dot_gvc)
        dot_gvc = gvContext();
    GVC_t *gvc = dot_gvc;
    for (int gi = 0; gvc && rc == 0 && gi < ngroups; gi++) {
        struct group *gr = &groups[gi];
        if (gr->n == 1) {
            gr->w = pos[order[gr->first]].w;
            gr->h = pos[order[gr->first]].h;
            continue;
        }
        rc = dot_group(gvc, doc, order, src, dst, slot, gr, pos);
    }
    if (!gvc)
        rc = -1;
    pthread_mutex_unlock(&dot_lock);
    if (rc == 0) {
        pack(doc, groups, ngroups, order, pos);
        colour_groups(doc, groups, ngroups, order);
    }
    free(src); free(dst); free(order); free(slot); free(groups); free(pos);
    return rc;
}
