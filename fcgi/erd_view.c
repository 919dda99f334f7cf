/* erd_view.c — relationships of an erd_doc resolved to entity and column indexes (see
 * erd_view.h). */
#include "erd_view.h"
#include "arena.h"
#include "strmap.h"
#include <string.h>
#include <strings.h>

const char *erd_short_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot[1] ? dot + 1 : name;
}

const struct erd_column *erd_view_column(const struct erd_view *v, size_t i, long j)
{
    return j < 0 ? NULL : &v->doc->entities[i].columns[j];
}

const struct erd_relationship *erd_view_rel(const struct erd_view *v, const struct erd_fk *fk)
{
    return &v->doc->relationships[fk->rel];
}

bool erd_fk_is_m2m(const struct erd_fk *fk)
{
    return strcmp(fk->type, "many-to-many") == 0;
}

static long column_by_id(const struct erd_entity *e, const char *id)
{
    for (size_t j = 0; id && j < e->ncolumns; j++)
        if (e->columns[j].id && strcmp(e->columns[j].id, id) == 0)
            return (long)j;
    return -1;
}

/* sole_pk: index of e's only primary-key column, or -1 (none, or composite). */
static long sole_pk(const struct erd_entity *e)
{
    long found = -1;
    for (size_t j = 0; j < e->ncolumns; j++) {
        if (!e->columns[j].is_pk)
            continue;
        if (found >= 0)
            return -1;
        found = (long)j;
    }
    return found;
}

/* parent_id_column: the child's column named <parent>_id (case-insensitive), or -1. */
static long parent_id_column(const struct erd_entity *child, const struct erd_entity *parent)
{
    const char *name = erd_short_name(parent->name ? parent->name : "");
    size_t n = strlen(name);
    for (size_t j = 0; j < child->ncolumns; j++) {
        const char *c = child->columns[j].name;
        if (c && strncasecmp(c, name, n) == 0 && strcasecmp(c + n, "_id") == 0)
            return (long)j;
    }
    return -1;
}

static const char *relationship_type(const char *t)
{
    static const char *const kinds[] = {"one-to-one", "one-to-many", "many-to-many"};
    for (size_t i = 0; t && i < 3; i++)
        if (strcmp(t, kinds[i]) == 0)
            return kinds[i];
    return "one-to-many";
}

/* resolve: fk for relationship k between entities p and c. */
static struct erd_fk resolve(const struct erd_doc *doc, size_t k, size_t p, size_t c)
{
    const struct erd_relationship *r = &doc->relationships[k];
    const struct erd_entity *pe = &doc->entities[p], *ce = &doc->entities[c];
    struct erd_fk fk = {k, p, c, column_by_id(pe, r->target_column_id),
                        column_by_id(ce, r->source_column_id), relationship_type(r->type)};
    if (fk.parent_col < 0)
        fk.parent_col = sole_pk(pe);
    if (fk.child_col < 0)
        fk.child_col = erd_fk_is_m2m(&fk) ? sole_pk(ce) : parent_id_column(ce, pe);
    return fk;
}

/* all_named: every entity and column has a name. */
static bool all_named(const struct erd_doc *doc)
{
    for (size_t i = 0; i < doc->nentities; i++) {
        if (!doc->entities[i].name)
            return false;
        for (size_t j = 0; j < doc->entities[i].ncolumns; j++)
            if (!doc->entities[i].columns[j].name)
                return false;
    }
    return true;
}

int erd_view_init(struct arena *a, struct erd_view *v, const struct erd_doc *doc)
{
    struct strmap ids;
    strmap_init(&ids, a, doc->nentities);
    for (size_t i = 0; i < doc->nentities; i++)
        if (doc->entities[i].id)
            strmap_put(&ids, doc->entities[i].id, (long)i);
    v->doc = doc;
    v->nfk = 0;
    v->fks = arena_alloc(a, (doc->nrelationships + 1) * sizeof *v->fks);
    for (size_t k = 0; k < doc->nrelationships; k++) {
        long p = strmap_get(&ids, doc->relationships[k].target_entity_id);
        long c = strmap_get(&ids, doc->relationships[k].source_entity_id);
        if (p >= 0 && c >= 0)
            v->fks[v->nfk++] = resolve(doc, k, (size_t)p, (size_t)c);
    }
    return all_named(doc) ? ERD_VIEW_OK : ERD_VIEW_UNNAMED;
}
