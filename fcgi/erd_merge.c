/* erd_merge.c — the import's merge mode and fresh ids for an imported JSON model (erd_merge.h). */
#include "erd_merge.h"
#include "arena.h"
#include "erd_doc.h"
#include "erd_model.h"
#include "svg_erd.h"
#include <math.h>
#include <string.h>
#include <strings.h>

#define MERGE_GAP 160   /* px between the current tables and the added ones */

static const char *fresh(struct arena *a, const char *prefix)
{
    char id[ERD_ID_MAX];
    erd_new_id(id, prefix);
    return arena_strdup(a, id);
}

static long find_entity(const struct erd_doc *d, const char *id)
{
    for (size_t i = 0; id && i < d->nentities; i++)
        if (d->entities[i].id && strcmp(d->entities[i].id, id) == 0)
            return (long)i;
    return -1;
}

static long find_entity_named(const struct erd_doc *d, const char *name)
{
    for (size_t i = 0; name && i < d->nentities; i++)
        if (d->entities[i].name && strcasecmp(d->entities[i].name, name) == 0)
            return (long)i;
    return -1;
}

static long find_column(const struct erd_entity *e, const char *id)
{
    for (size_t j = 0; id && j < e->ncolumns; j++)
        if (e->columns[j].id && strcmp(e->columns[j].id, id) == 0)
            return (long)j;
    return -1;
}

static long find_column_named(const struct erd_entity *e, const char *name)
{
    for (size_t j = 0; name && j < e->ncolumns; j++)
        if (e->columns[j].name && strcasecmp(e->columns[j].name, name) == 0)
            return (long)j;
    return -1;
}

void erd_reid(struct arena *a, struct erd_doc *doc)
{
    /* the new entities, with new columns, kept beside the old ones for the relationships */
    struct erd_entity *old = arena_alloc(a, (doc->nentities + 1) * sizeof *old);
    memcpy(old, doc->entities, doc->nentities * sizeof *old);
    for (size_t i = 0; i < doc->nentities; i++) {
        struct erd_entity *e = &doc->entities[i];
        struct erd_column *cols = arena_alloc(a, (e->ncolumns + 1) * sizeof *cols);
        memcpy(cols, e->columns, e->ncolumns * sizeof *cols);
        for (size_t j = 0; j < e->ncolumns; j++)
            cols[j].id = fresh(a, "c_");
        e->columns = cols;
        e->id = fresh(a, "e_");
    }
    struct erd_doc before = *doc;
    before.entities = old;
    for (size_t k = 0; k < doc->nrelationships; k++) {
        struct erd_relationship *r = &doc->relationships[k];
        long s = find_entity(&before, r->source_entity_id), t = find_entity(&before, r->target_entity_id);
        long sc = s >= 0 ? find_column(&old[s], r->source_column_id) : -1;
        long tc = t >= 0 ? find_column(&old[t], r->target_column_id) : -1;
        r->id = fresh(a, "r_");
        r->source_entity_id = s >= 0 ? doc->entities[s].id : NULL;
        r->target_entity_id = t >= 0 ? doc->entities[t].id : NULL;
        r->source_column_id = sc >= 0 ? doc->entities[s].columns[sc].id : NULL;
        r->target_column_id = tc >= 0 ? doc->entities[t].columns[tc].id : NULL;
    }
}

/* merge_columns: the imported table's columns (ids of same-named current columns kept), then
 * the current table's columns the import does not name. */
static void merge_columns(struct arena *a, const struct erd_entity *cur, const struct erd_entity *imp,
                          struct erd_entity *out)
{
    struct erd_column *cols = arena_alloc(a, (cur->ncolumns + imp->ncolumns + 1) * sizeof *cols);
    size_t n = 0;
    for (size_t j = 0; j < imp->ncolumns; j++) {
        cols[n] = imp->columns[j];
        long m = find_column_named(cur, imp->columns[j].name);
        if (m >= 0)
            cols[n].id = cur->columns[m].id;
        n++;
    }
    for (size_t j = 0; j < cur->ncolumns; j++)
        if (find_column_named(imp, cur->columns[j].name) < 0)
            cols[n++] = cur->columns[j];
    out->columns = cols;
    out->ncolumns = n;
}

/* same_join: whether r joins the same tables and columns as one of rels[0..n). */
static int same_join(const struct erd_relationship *rels, size_t n, const struct erd_relationship *r)
{
#define EQ(x, y) ((x) == (y) || ((x) && (y) && strcmp((x), (y)) == 0))
    for (size_t k = 0; k < n; k++)
        if (EQ(rels[k].source_entity_id, r->source_entity_id) && EQ(rels[k].target_entity_id, r->target_entity_id) &&
            EQ(rels[k].source_column_id, r->source_column_id) && EQ(rels[k].target_column_id, r->target_column_id))
            return 1;
    return 0;
#undef EQ
}

/* map_end: the merged entity / column ids of one imported relationship end. */
static void map_end(const struct erd_doc *imp, const struct erd_doc *out, const char *eid, const char *cid,
                    const char **oe, const char **oc)
{
    long i = find_entity(imp, eid);
    long m = i >= 0 ? find_entity_named(out, imp->entities[i].name) : -1;
    long j = i >= 0 ? find_column(&imp->entities[i], cid) : -1;
    long mc = m >= 0 && j >= 0 ? find_column_named(&out->entities[m], imp->entities[i].columns[j].name) : -1;
    *oe = m >= 0 ? out->entities[m].id : NULL;
    *oc = mc >= 0 ? out->entities[m].columns[mc].id : NULL;
}

void erd_merge(struct arena *a, const struct erd_doc *cur, const struct erd_doc *imp, struct erd_doc *out)
{
    *out = *cur;
    out->entities = arena_alloc(a, (cur->nentities + imp->nentities + 1) * sizeof *out->entities);
    memcpy(out->entities, cur->entities, cur->nentities * sizeof *out->entities);
    out->nentities = cur->nentities;
    double right = -INFINITY, top = INFINITY, new_left = INFINITY, new_top = INFINITY;
    for (size_t i = 0; i < cur->nentities; i++) {
        right = fmax(right, cur->entities[i].x + svg_erd_box_width(&cur->entities[i]));
        top = fmin(top, cur->entities[i].y);
    }
    for (size_t i = 0; i < imp->nentities; i++)
        if (find_entity_named(cur, imp->entities[i].name) < 0) {
            new_left = fmin(new_left, imp->entities[i].x);
            new_top = fmin(new_top, imp->entities[i].y);
        }
    double dx = cur->nentities ? right + MERGE_GAP - new_left : 0, dy = cur->nentities ? top - new_top : 0;
    for (size_t i = 0; i < imp->nentities; i++) {
        const struct erd_entity *ie = &imp->entities[i];
        long m = find_entity_named(cur, ie->name);
        if (m >= 0) {
            struct erd_entity *oe = &out->entities[m];
            merge_columns(a, &cur->entities[m], ie, oe);
            if (ie->comment)
                oe->comment = ie->comment;
        } else {
            struct erd_entity *oe = &out->entities[out->nentities++];
            *oe = *ie;
            oe->x = round(ie->x + dx);
            oe->y = round(ie->y + dy);
        }
    }
    out->relationships = arena_alloc(a, (cur->nrelationships + imp->nrelationships + 1) * sizeof *out->relationships);
    memcpy(out->relationships, cur->relationships, cur->nrelationships * sizeof *out->relationships);
    out->nrelationships = cur->nrelationships;
    for (size_t k = 0; k < imp->nrelationships; k++) {
        struct erd_relationship r = imp->relationships[k];
        map_end(imp, out, imp->relationships[k].source_entity_id, imp->relationships[k].source_column_id,
                &r.source_entity_id, &r.source_column_id);
        map_end(imp, out, imp->relationships[k].target_entity_id, imp->relationships[k].target_column_id,
                &r.target_entity_id, &r.target_column_id);
        if (r.source_entity_id && r.target_entity_id &&
            !same_join(out->relationships, out->nrelationships, &r))
            out->relationships[out->nrelationships++] = r;
    }
}
