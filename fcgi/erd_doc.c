/* erd_doc.c — the id index of an erd_doc and the check every document passes before it is
 * stored (see erd_doc.h; the JSON side is erd_doc_json.c). */
#include "erd_doc.h"
#include "arena.h"
#include "buf.h"
#include "erd_model.h"
#include <stdio.h>
#include <math.h>
#include <string.h>

/* ---- the id index ------------------------------------------------------------------------ */

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* index_init: room for n ids at most half full. */
static void index_init(struct arena *a, struct erd_index *idx, size_t n)
{
    idx->cap = 16;
    while (idx->cap < 2 * n + 2)
        idx->cap *= 2;
    idx->slots = arena_alloc(a, idx->cap * sizeof *idx->slots);
}

/* index_add: false when id is already there. */
static bool index_add(struct erd_index *idx, struct erd_index_slot s)
{
    size_t i = hash_str(s.id) & (idx->cap - 1);
    while (idx->slots[i].id) {
        if (strcmp(idx->slots[i].id, s.id) == 0)
            return false;
        i = (i + 1) & (idx->cap - 1);
    }
    idx->slots[i] = s;
    return true;
}

const struct erd_index_slot *erd_index_find(const struct erd_index *idx, const char *id)
{
    if (!id || !idx->cap)
        return NULL;
    size_t i = hash_str(id) & (idx->cap - 1);
    while (idx->slots[i].id) {
        if (strcmp(idx->slots[i].id, id) == 0)
            return &idx->slots[i];
        i = (i + 1) & (idx->cap - 1);
    }
    return NULL;
}

/* id_count: entities + columns + relationships. */
static size_t id_count(const struct erd_doc *doc)
{
    size_t n = doc->nentities + doc->nrelationships;
    for (size_t i = 0; i < doc->nentities; i++)
        n += doc->entities[i].ncolumns;
    return n;
}

int erd_index_build(struct arena *a, const struct erd_doc *doc, struct erd_index *idx,
                    struct erd_index_slot *dup_at)
{
    index_init(a, idx, id_count(doc));
    for (size_t i = 0; i < doc->nentities; i++) {
        const struct erd_entity *e = &doc->entities[i];
        struct erd_index_slot s = {e->id, (long)i, -1, ERD_ID_ENTITY};
        for (size_t j = 0; s.id; j++) {
            if (!index_add(idx, s)) {
                *dup_at = s;
                return -1;
            }
            s = (struct erd_index_slot){j < e->ncolumns ? e->columns[j].id : NULL, (long)i,
                                        (long)j, ERD_ID_COLUMN};
        }
    }
    for (size_t k = 0; k < doc->nrelationships; k++) {
        struct erd_index_slot s = {doc->relationships[k].id, (long)k, -1, ERD_ID_RELATIONSHIP};
        if (s.id && !index_add(idx, s)) {
            *dup_at = s;
            return -1;
        }
    }
    return 0;
}

/* ---- the check ---------------------------------------------------------------------------- */

struct check {
    struct erd_index ids;
    struct buf *err;
    char where[64];     /* "entities[3].columns[2]" */
};

static int fail(struct check *c, const char *fmt, const char *a1, const char *a2, const char *a3)
{
    buf_printf(c->err, "%s: ", c->where);
    buf_printf(c->err, fmt, a1, a2, a3);
    return -1;
}

/* text: an optional string within max bytes; required ones must also be present and
 * non-empty. */
static int text(struct check *c, const char *key, const char *s, bool required, size_t max)
{
    char lim[24];
    if (!s)
        return required ? fail(c, "%s is missing", key, NULL, NULL) : 0;
    if (required && !*s)
        return fail(c, "%s is empty", key, NULL, NULL);
    if (strlen(s) > max) {
        snprintf(lim, sizeof lim, "%zu", max);
        return fail(c, "%s is longer than %s bytes", key, lim, NULL);
    }
    return 0;
}

/* id: a present id within ERD_ID_MAX bytes, unique in the document so far. */
static int id(struct check *c, struct erd_index_slot s)
{
    if (text(c, "id", s.id, true, ERD_ID_MAX))
        return -1;
    return index_add(&c->ids, s) ? 0 : fail(c, "id '%s' is not unique", s.id, NULL, NULL);
}

static int column(struct check *c, const struct erd_column *col, struct erd_index_slot s)
{
    if (id(c, s) || text(c, "name", col->name, true, ERD_MAX_NAME) ||
        text(c, "type", col->type, true, ERD_MAX_TYPE) ||
        text(c, "default", col->default_value, false, ERD_MAX_TEXT) ||
        text(c, "comment", col->comment, false, ERD_MAX_TEXT))
        return -1;
    for (size_t k = 0; k < col->n_enum; k++)
        if (strchr(col->enum_values[k], ','))
            return fail(c, "enum value '%s' contains a comma", col->enum_values[k], NULL, NULL);
    return 0;
}

static int entity(struct check *c, const struct erd_entity *e, size_t i)
{
    snprintf(c->where, sizeof c->where, "entities[%zu]", i);
    if (id(c, (struct erd_index_slot){e->id, (long)i, -1, ERD_ID_ENTITY}) ||
        text(c, "name", e->name, true, ERD_MAX_NAME) ||
        text(c, "comment", e->comment, false, ERD_MAX_TEXT) ||
        text(c, "color", e->color, false, ERD_MAX_NAME))
        return -1;
    if (!isfinite(e->x) || !isfinite(e->y))
        return fail(c, "%s is not a finite number", isfinite(e->x) ? "y" : "x", NULL, NULL);
    if (e->ncolumns > ERD_MAX_COLUMNS)
        return fail(c, "too many columns", NULL, NULL, NULL);
    for (size_t j = 0; j < e->ncolumns; j++) {
        snprintf(c->where, sizeof c->where, "entities[%zu].columns[%zu]", i, j);
        if (column(c, &e->columns[j], (struct erd_index_slot){e->columns[j].id, (long)i, (long)j,
                                                                ERD_ID_COLUMN}))
            return -1;
    }
    return 0;
}

/* endpoint: entity_id names an entity; column_id, when given, one of its columns. */
static int endpoint(struct check *c, const char *side, const char *entity_id,
                    const char *column_id, const char *handle)
{
    char ekey[24], ckey[24], hkey[24];
    snprintf(ekey, sizeof ekey, "%s_entity_id", side);
    snprintf(ckey, sizeof ckey, "%s_column_id", side);
    snprintf(hkey, sizeof hkey, "%s_handle", side);
    if (text(c, ekey, entity_id, true, ERD_ID_MAX) || text(c, ckey, column_id, false, ERD_ID_MAX) ||
        text(c, hkey, handle, false, ERD_MAX_NAME))
        return -1;
    const struct erd_index_slot *es = erd_index_find(&c->ids, entity_id);
    if (!es || es->kind != ERD_ID_ENTITY)
        return fail(c, "%s '%s' does not exist", ekey, entity_id, NULL);
    const struct erd_index_slot *cs = erd_index_find(&c->ids, column_id);
    if (column_id && (!cs || cs->kind != ERD_ID_COLUMN || cs->entity != es->entity)) {
        buf_printf(c->err, "%s: %s '%s' is not a column of %s '%s'", c->where, ckey, column_id,
                   ekey, entity_id);
        return -1;
    }
    return 0;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static const char *const rel_types[] = {"one-to-one", "one-to-many", "many-to-many", NULL};
static const char *const fk_actions[] = {"CASCADE", "SET NULL", "RESTRICT", "NO ACTION",
                                         "SET DEFAULT", NULL};

static int relationship(struct check *c, const struct erd_relationship *r, size_t k)
{
    snprintf(c->where, sizeof c->where, "relationships[%zu]", k);
    if (id(c, (struct erd_index_slot){r->id, (long)k, -1, ERD_ID_RELATIONSHIP}) ||
        endpoint(c, "source", r->source_entity_id, r->source_column_id, r->source_handle) ||
        endpoint(c, "target", r->target_entity_id, r->target_column_id, r->target_handle) ||
        text(c, "type", r->type, true, ERD_MAX_NAME) ||
        text(c, "label", r->label, false, ERD_MAX_TEXT) ||
        text(c, "constraint_name", r->constraint_name, false, ERD_MAX_NAME))
        return -1;
    if (r->on_delete && !in_list(r->on_delete, fk_actions))
        return fail(c, "on_delete is not a referential action", NULL, NULL, NULL);
    if (r->on_update && !in_list(r->on_update, fk_actions))
        return fail(c, "on_update is not a referential action", NULL, NULL, NULL);
    if (!in_list(r->type, rel_types))
        return fail(c, "type is not one-to-one, one-to-many or many-to-many", NULL, NULL, NULL);
    return 0;
}

/* header: the name (1 to ERD_MAX_DIAGRAM_NAME bytes when given), counts and the viewport. */
static int header(struct check *c, const struct erd_doc *doc)
{
    snprintf(c->where, sizeof c->where, "model");
    if (doc->name && (!*doc->name || strlen(doc->name) > ERD_MAX_DIAGRAM_NAME)) {
        buf_puts(c->err, "name: must be a string of 1 to " ERD_STR(ERD_MAX_DIAGRAM_NAME) " bytes");
        return -1;
    }
    if (doc->nentities > ERD_MAX_ENTITIES)
        return fail(c, "too many entities", NULL, NULL, NULL);
    if (doc->nrelationships > ERD_MAX_RELATIONSHIPS)
        return fail(c, "too many relationships", NULL, NULL, NULL);
    static const char *const vp_keys[ERD_VP_N] = {"x", "y", "zoom"};
    snprintf(c->where, sizeof c->where, "viewport");
    for (int k = 0; k < ERD_VP_N; k++)
        if (doc->has_viewport[k] && !isfinite(doc->viewport[k]))
            return fail(c, "%s is not a finite number", vp_keys[k], NULL, NULL);
    if (doc->has_viewport[ERD_VP_ZOOM] &&
        !(doc->viewport[ERD_VP_ZOOM] >= ERD_ZOOM_MIN && doc->viewport[ERD_VP_ZOOM] <= ERD_ZOOM_MAX))
        return fail(c, "zoom must be between 0.01 and 10", NULL, NULL, NULL);
    return 0;
}

int erd_doc_check(struct arena *a, const struct erd_doc *doc, struct buf *err)
{
    struct check c = {.err = err};
    if (header(&c, doc))
        return -1;
    index_init(a, &c.ids, id_count(doc));
    for (size_t i = 0; i < doc->nentities; i++)
        if (entity(&c, &doc->entities[i], i))
            return -1;
    for (size_t k = 0; k < doc->nrelationships; k++)
        if (relationship(&c, &doc->relationships[k], k))
            return -1;
    return 0;
}
