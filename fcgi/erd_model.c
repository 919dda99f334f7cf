/* erd_model.c — ERD model helpers: fresh ids and the validator every model passes before it
 * is stored (see the JSON contract in erd_model.h). */
#include "erd_model.h"
#include "buf.h"
#include <math.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ID_RANDOM_CHARS 22

void erd_new_id(char out[ERD_ID_MAX], const char *prefix)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char rnd[ID_RANDOM_CHARS];
    size_t plen = prefix ? strlen(prefix) : 0;
    if (sodium_init() < 0)
        abort();
    if (plen > ERD_ID_MAX - 1 - ID_RANDOM_CHARS)
        plen = ERD_ID_MAX - 1 - ID_RANDOM_CHARS;
    memcpy(out, prefix ? prefix : "", plen);
    randombytes_buf(rnd, sizeof rnd);
    for (size_t i = 0; i < ID_RANDOM_CHARS; i++)
        out[plen + i] = alphabet[rnd[i] & 63];
    out[plen + ID_RANDOM_CHARS] = '\0';
}

/* ---- validation ---- */

enum id_kind { ID_ENTITY = 1, ID_COLUMN, ID_RELATIONSHIP };

struct id_slot {
    const char *id;       /* borrowed from the model */
    const json_t *entity; /* the entity an entity or column id belongs to */
    enum id_kind kind;
};

struct id_set { /* open-addressing hash set of every id in the model */
    struct id_slot *slots;
    size_t cap;
};

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* id_set_add: false when id is already present. */
static bool id_set_add(struct id_set *set, const char *id, enum id_kind kind, const json_t *entity)
{
    size_t i = hash_str(id) & (set->cap - 1);
    while (set->slots[i].id) {
        if (strcmp(set->slots[i].id, id) == 0)
            return false;
        i = (i + 1) & (set->cap - 1);
    }
    set->slots[i] = (struct id_slot){id, entity, kind};
    return true;
}

static const struct id_slot *id_set_get(const struct id_set *set, const char *id)
{
    size_t i = hash_str(id) & (set->cap - 1);
    while (set->slots[i].id) {
        if (strcmp(set->slots[i].id, id) == 0)
            return &set->slots[i];
        i = (i + 1) & (set->cap - 1);
    }
    return NULL;
}

struct vctx {
    struct buf *err;
    struct id_set ids;     /* every id in the model */
};

static int fail(struct vctx *v, const char *where, const char *msg)
{
    if (v->err)
        buf_printf(v->err, "%s: %s", where, msg);
    return -1;
}

/* check_string: a string field; required → must be present and non-empty. */
static int check_string(struct vctx *v, const char *where, const json_t *obj, const char *key,
                        bool required, size_t max)
{
    const json_t *j = json_object_get(obj, key);
    struct buf msg = BUF_INIT;
    int rc = 0;
    if (!j || json_is_null(j)) {
        if (required) {
            buf_printf(&msg, "%s is missing", key);
            rc = -1;
        }
    } else if (!json_is_string(j)) {
        buf_printf(&msg, "%s is not a string", key);
        rc = -1;
    } else if (required && json_string_length(j) == 0) {
        buf_printf(&msg, "%s is empty", key);
        rc = -1;
    } else if (json_string_length(j) > max) {
        buf_printf(&msg, "%s is longer than %zu bytes", key, max);
        rc = -1;
    }
    if (rc)
        fail(v, where, buf_cstr(&msg));
    buf_free(&msg);
    return rc;
}

static int check_bool(struct vctx *v, const char *where, const json_t *obj, const char *key)
{
    const json_t *j = json_object_get(obj, key);
    if (j && !json_is_boolean(j)) {
        struct buf msg = BUF_INIT;
        buf_printf(&msg, "%s is not a boolean", key);
        fail(v, where, buf_cstr(&msg));
        buf_free(&msg);
        return -1;
    }
    return 0;
}

static int check_number(struct vctx *v, const char *where, const json_t *obj, const char *key)
{
    const json_t *j = json_object_get(obj, key);
    if (j && !(json_is_number(j) && isfinite(json_number_value(j)))) {
        struct buf msg = BUF_INIT;
        buf_printf(&msg, "%s is not a finite number", key);
        fail(v, where, buf_cstr(&msg));
        buf_free(&msg);
        return -1;
    }
    return 0;
}

static int check_id(struct vctx *v, const char *where, const json_t *obj, enum id_kind kind,
                    const json_t *entity)
{
    if (check_string(v, where, obj, "id", true, ERD_ID_MAX))
        return -1;
    const char *id = json_string_value(json_object_get(obj, "id"));
    if (!id_set_add(&v->ids, id, kind, entity)) {
        struct buf msg = BUF_INIT;
        buf_printf(&msg, "id '%s' is not unique", id);
        fail(v, where, buf_cstr(&msg));
        buf_free(&msg);
        return -1;
    }
    return 0;
}

static int check_enum_values(struct vctx *v, const char *where, const json_t *col)
{
    const json_t *ev = json_object_get(col, "enum_values");
    if (!ev || json_is_null(ev))
        return 0;
    if (!json_is_array(ev))
        return fail(v, where, "enum_values is not an array");
    for (size_t i = 0; i < json_array_size(ev); i++)
        if (!json_is_string(json_array_get(ev, i)))
            return fail(v, where, "enum_values holds a value that is not a string");
    return 0;
}

static int check_column(struct vctx *v, const char *where, const json_t *col,
                        const json_t *entity)
{
    if (!json_is_object(col))
        return fail(v, where, "is not an object");
    if (check_id(v, where, col, ID_COLUMN, entity) || check_string(v, where, col, "name", true, ERD_MAX_NAME) ||
        check_string(v, where, col, "type", true, ERD_MAX_TYPE) ||
        check_string(v, where, col, "default", false, ERD_MAX_TEXT) ||
        check_string(v, where, col, "comment", false, ERD_MAX_TEXT) ||
        check_bool(v, where, col, "is_pk") || check_bool(v, where, col, "is_nullable") ||
        check_bool(v, where, col, "is_unique") || check_enum_values(v, where, col))
        return -1;
    return 0;
}

static int check_entity(struct vctx *v, size_t index, const json_t *e)
{
    struct buf where = BUF_INIT;
    int rc = -1;
    buf_printf(&where, "entities[%zu]", index);
    if (!json_is_object(e)) {
        fail(v, buf_cstr(&where), "is not an object");
        goto out;
    }
    if (check_id(v, buf_cstr(&where), e, ID_ENTITY, e) ||
        check_string(v, buf_cstr(&where), e, "name", true, ERD_MAX_NAME) ||
        check_string(v, buf_cstr(&where), e, "comment", false, ERD_MAX_TEXT) ||
        check_string(v, buf_cstr(&where), e, "color", false, ERD_MAX_NAME) ||
        check_number(v, buf_cstr(&where), e, "x") || check_number(v, buf_cstr(&where), e, "y"))
        goto out;
    const json_t *cols = json_object_get(e, "columns");
    if (cols && !json_is_array(cols)) {
        fail(v, buf_cstr(&where), "columns is not an array");
        goto out;
    }
    if (json_array_size(cols) > ERD_MAX_COLUMNS) {
        fail(v, buf_cstr(&where), "too many columns");
        goto out;
    }
    size_t base = where.len;
    for (size_t i = 0; i < json_array_size(cols); i++) {
        buf_truncate(&where, base);
        buf_printf(&where, ".columns[%zu]", i);
        if (check_column(v, buf_cstr(&where), json_array_get(cols, i), e))
            goto out;
    }
    rc = 0;
out:
    buf_free(&where);
    return rc;
}

/* check_endpoint: <side>_entity_id names an entity; <side>_column_id (optional) one of its
 * columns. */
static int check_endpoint(struct vctx *v, const char *where, const json_t *r, const char *side)
{
    char ekey[32], ckey[32];
    struct buf msg = BUF_INIT;
    int rc = -1;
    snprintf(ekey, sizeof ekey, "%s_entity_id", side);
    snprintf(ckey, sizeof ckey, "%s_column_id", side);
    if (check_string(v, where, r, ekey, true, ERD_ID_MAX) ||
        check_string(v, where, r, ckey, false, ERD_ID_MAX) ||
        check_string(v, where, r, side[0] == 's' ? "source_handle" : "target_handle", false,
                     ERD_MAX_NAME))
        goto out;
    const char *eid = json_string_value(json_object_get(r, ekey));
    const struct id_slot *es = id_set_get(&v->ids, eid);
    if (!es || es->kind != ID_ENTITY) {
        buf_printf(&msg, "%s '%s' does not exist", ekey, eid);
        fail(v, where, buf_cstr(&msg));
        goto out;
    }
    const json_t *cj = json_object_get(r, ckey);
    const struct id_slot *cs = json_is_string(cj) ? id_set_get(&v->ids, json_string_value(cj)) : NULL;
    if (json_is_string(cj) && (!cs || cs->kind != ID_COLUMN || cs->entity != es->entity)) {
        buf_printf(&msg, "%s '%s' is not a column of %s '%s'", ckey, json_string_value(cj),
                   ekey, eid);
        fail(v, where, buf_cstr(&msg));
        goto out;
    }
    rc = 0;
out:
    buf_free(&msg);
    return rc;
}

static const char *const rel_types[] = {"one-to-one", "one-to-many", "many-to-many"};
static const char *const fk_actions[] = {"CASCADE", "SET NULL", "RESTRICT", "NO ACTION",
                                         "SET DEFAULT"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static int check_action(struct vctx *v, const char *where, const json_t *r, const char *key)
{
    const json_t *j = json_object_get(r, key);
    if (!j || json_is_null(j))
        return 0;
    if (!json_is_string(j) || !in_list(json_string_value(j), fk_actions, 5)) {
        struct buf msg = BUF_INIT;
        buf_printf(&msg, "%s is not a referential action", key);
        fail(v, where, buf_cstr(&msg));
        buf_free(&msg);
        return -1;
    }
    return 0;
}

static int check_relationship(struct vctx *v, size_t index, const json_t *r)
{
    struct buf where = BUF_INIT;
    int rc = -1;
    buf_printf(&where, "relationships[%zu]", index);
    const char *w = buf_cstr(&where);
    if (!json_is_object(r)) {
        fail(v, w, "is not an object");
        goto out;
    }
    if (check_id(v, w, r, ID_RELATIONSHIP, NULL) || check_endpoint(v, w, r, "source") ||
        check_endpoint(v, w, r, "target") || check_string(v, w, r, "type", true, ERD_MAX_NAME) ||
        check_string(v, w, r, "label", false, ERD_MAX_TEXT) || check_action(v, w, r, "on_delete") ||
        check_action(v, w, r, "on_update"))
        goto out;
    if (!in_list(json_string_value(json_object_get(r, "type")), rel_types, 3)) {
        fail(v, w, "type is not one-to-one, one-to-many or many-to-many");
        goto out;
    }
    rc = 0;
out:
    buf_free(&where);
    return rc;
}

static int check_viewport(struct vctx *v, const json_t *model)
{
    const json_t *vp = json_object_get(model, "viewport");
    if (!vp || json_is_null(vp))
        return 0;
    if (!json_is_object(vp))
        return fail(v, "viewport", "is not an object");
    return check_number(v, "viewport", vp, "x") || check_number(v, "viewport", vp, "y") ||
                   check_number(v, "viewport", vp, "zoom")
               ? -1
               : 0;
}

/* count_ids: entities + columns + relationships, to size the id set. */
static size_t count_ids(const json_t *entities, const json_t *rels)
{
    size_t n = json_array_size(entities) + json_array_size(rels);
    for (size_t i = 0; i < json_array_size(entities); i++)
        n += json_array_size(json_object_get(json_array_get(entities, i), "columns"));
    return n;
}

int erd_validate(const json_t *model, struct buf *err)
{
    struct vctx v = {err, {NULL, 0}};
    int rc = -1;
    if (!json_is_object(model))
        return fail(&v, "model", "is not an object");
    const json_t *entities = json_object_get(model, "entities");
    const json_t *rels = json_object_get(model, "relationships");
    if (!json_is_array(entities))
        return fail(&v, "model", "entities is missing or not an array");
    if (!json_is_array(rels))
        return fail(&v, "model", "relationships is missing or not an array");
    if (json_array_size(entities) > ERD_MAX_ENTITIES)
        return fail(&v, "model", "too many entities");
    if (json_array_size(rels) > ERD_MAX_RELATIONSHIPS)
        return fail(&v, "model", "too many relationships");
    if (check_viewport(&v, model))
        return -1;
    /* entities ≤ 10k × columns ≤ 1k each: bounded; a table at least twice the count */
    size_t n = count_ids(entities, rels);
    v.ids.cap = 16;
    while (v.ids.cap < 2 * n + 2)
        v.ids.cap *= 2;
    v.ids.slots = calloc(v.ids.cap, sizeof *v.ids.slots);
    if (!v.ids.slots)
        abort();
    for (size_t i = 0; i < json_array_size(entities); i++)
        if (check_entity(&v, i, json_array_get(entities, i)))
            goto out;
    for (size_t i = 0; i < json_array_size(rels); i++)
        if (check_relationship(&v, i, json_array_get(rels, i)))
            goto out;
    rc = 0;
out:
    free(v.ids.slots);
    return rc;
}
