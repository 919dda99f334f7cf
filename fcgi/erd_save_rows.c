/* erd_save_rows.c — entities, columns and relationships saved by a diff in C (see
 * erd_save_rows.h).
 *
 * The stored rows are read (entities' and relationships' in created_at, id order; entities'
 * come with the digests erd_store.c needs anyway; columns only for the entities being
 * rewritten); each incoming row is matched by id through the doc's index and compared field
 * by field (coordinates as numbers).  One statement per table then deletes the rows gone,
 * updates the changed ones and inserts the new ones — new ids may belong to another diagram
 * (ids are primary keys shared by every user), so inserts are ON CONFLICT DO NOTHING and the
 * statement answers the first id it could not insert.  Nothing to write, no statement. */
#include "erd_save_rows.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "erd_model.h"
#include "erd_store.h"
#include "http.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 12               /* id and the fields of the widest table */

static const char SQL_STORED_ENTITIES[] =
    "SELECT id, name, x, y, color, comment, created_at IS NULL, columns_digest FROM entities "
    "WHERE diagram_id = $1::int ORDER BY created_at, id";
enum { STORED_ENTITY_DIGEST = 7 };  /* the columns_digest column */

const PGresult *erd_save_read_entities(struct req *r, const char *diagram_id)
{
    return db_query_prepared(r, SQL_STORED_ENTITIES, DB_ARGS(diagram_id));
}

const char *erd_stored_entity_id(const PGresult *stored, int row)
{
    return db_val(stored, row, 0);
}

const char *erd_stored_entity_digest(const PGresult *stored, int row)
{
    return db_isnull(stored, row, STORED_ENTITY_DIGEST) ? NULL : db_val(stored, row, STORED_ENTITY_DIGEST);
}

static const char SQL_STORED_RELATIONSHIPS[] =
    "SELECT id, source_entity_id, target_entity_id, source_column_id, target_column_id, "
    "source_handle, target_handle, type, label, on_delete, on_update, constraint_name, "
    "created_at IS NULL FROM relationships WHERE diagram_id = $1::int ORDER BY created_at, id";

/* The entities and relationships statements: x — the rows to write (fields, is_new, ord:
 * their place in the model); start — when the kept rows stay in their stored order ($11 /
 * $16 false), just after the latest of them, else now; then delete the ids that are gone
 * ($10 / $15), update the kept rows (times rewritten only when reordering), insert the new
 * ones at start + ord ms, and answer an incoming id that could not be inserted (another
 * diagram owns it). */
static const char SQL_APPLY_ENTITIES[] =
    "WITH x AS (SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], "
    "$5::text[], $6::text[], $7::bool[], $8::int[]) "
    "AS u(id, name, x, y, color, comment, is_new, ord)), "
    "start AS (SELECT CASE WHEN $11::bool THEN LOCALTIMESTAMP(3) ELSE GREATEST(LOCALTIMESTAMP(3), "
    "(SELECT max(created_at) FROM entities WHERE diagram_id = $9::int AND id <> ALL ($10::text[])) "
    "+ interval '1 millisecond') END AS at), "
    "del AS (DELETE FROM entities t WHERE t.id = ANY ($10::text[]) AND t.diagram_id = $9::int), "
    "upd AS (UPDATE entities t SET (name, x, y, color, comment, created_at) = "
    "(x.name, x.x, x.y, x.color, x.comment, "
    "CASE WHEN $11::bool THEN start.at + x.ord * interval '1 millisecond' ELSE t.created_at END) "
    "FROM x, start WHERE t.id = ANY ((SELECT array_agg(id) FROM x WHERE NOT is_new)::text[]) "
    "AND t.id = x.id AND NOT x.is_new AND t.diagram_id = $9::int), "
    "ins AS (INSERT INTO entities (id, diagram_id, name, x, y, color, comment, created_at) "
    "SELECT x.id, $9::int, x.name, x.x, x.y, x.color, x.comment, "
    "start.at + x.ord * interval '1 millisecond' FROM x, start WHERE x.is_new "
    "ON CONFLICT (id) DO NOTHING RETURNING id) "
    "SELECT x.id FROM x WHERE x.is_new AND x.id NOT IN (SELECT id FROM ins) ORDER BY x.ord LIMIT 1";

static const char SQL_APPLY_RELATIONSHIPS[] =
    "WITH x AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
    "$6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], "
    "$13::bool[], $14::int[]) AS u(id, source_entity_id, target_entity_id, source_column_id, "
    "target_column_id, source_handle, target_handle, type, label, on_delete, on_update, "
    "constraint_name, is_new, ord)), "
    "start AS (SELECT CASE WHEN $17::bool THEN LOCALTIMESTAMP(3) ELSE GREATEST(LOCALTIMESTAMP(3), "
    "(SELECT max(created_at) FROM relationships WHERE diagram_id = $15::int "
    "AND id <> ALL ($16::text[])) + interval '1 millisecond') END AS at), "
    "del AS (DELETE FROM relationships t WHERE t.id = ANY ($16::text[]) "
    "AND t.diagram_id = $15::int), "
    "upd AS (UPDATE relationships t SET (source_entity_id, target_entity_id, source_column_id, "
    "target_column_id, source_handle, target_handle, type, label, on_delete, on_update, "
    "constraint_name, created_at) = (x.source_entity_id, x.target_entity_id, x.source_column_id, "
    "x.target_column_id, x.source_handle, x.target_handle, x.type, x.label, x.on_delete, "
    "x.on_update, x.constraint_name, "
    "CASE WHEN $17::bool THEN start.at + x.ord * interval '1 millisecond' ELSE t.created_at END) "
    "FROM x, start WHERE t.id = ANY ((SELECT array_agg(id) FROM x WHERE NOT is_new)::text[]) "
    "AND t.id = x.id AND NOT x.is_new AND t.diagram_id = $15::int), "
    "ins AS (INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id, "
    "source_column_id, target_column_id, source_handle, target_handle, type, label, on_delete, "
    "on_update, constraint_name, created_at) SELECT x.id, $15::int, x.source_entity_id, "
    "x.target_entity_id, x.source_column_id, x.target_column_id, x.source_handle, "
    "x.target_handle, x.type, x.label, x.on_delete, x.on_update, x.constraint_name, "
    "start.at + x.ord * interval '1 millisecond' "
    "FROM x, start WHERE x.is_new ON CONFLICT (id) DO NOTHING RETURNING id) "
    "SELECT x.id FROM x WHERE x.is_new AND x.id NOT IN (SELECT id FROM ins) ORDER BY x.ord LIMIT 1";

/* Columns have an order field (sort_order) and no times: the stored rows are those of the
 * entities being rewritten, and the statement deletes, updates and inserts like the two
 * above. */
static const char SQL_STORED_COLUMNS[] =
    "SELECT id, entity_id, name, type, is_pk, is_nullable, is_unique, default_value, comment, "
    "enum_values, sort_order FROM columns WHERE entity_id = ANY ($1::text[])";

static const char SQL_APPLY_COLUMNS[] =
    "WITH x AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], "
    "$6::bool[], $7::bool[], $8::text[], $9::text[], $10::text[], $11::int[], $12::bool[], "
    "$13::int[]) AS u(id, entity_id, name, type, is_pk, is_nullable, is_unique, default_value, "
    "comment, enum_values, sort_order, is_new, ord)), "
    "del AS (DELETE FROM columns t WHERE t.id = ANY ($14::text[]) "
    "AND t.entity_id = ANY ($15::text[])), "
    "upd AS (UPDATE columns t SET (entity_id, name, type, is_pk, is_nullable, is_unique, "
    "default_value, comment, enum_values, sort_order) = (x.entity_id, x.name, x.type, x.is_pk, "
    "x.is_nullable, x.is_unique, x.default_value, x.comment, x.enum_values, x.sort_order) FROM x "
    "WHERE t.id = ANY ((SELECT array_agg(id) FROM x WHERE NOT is_new)::text[]) "
    "AND t.id = x.id AND NOT x.is_new), "
    "ins AS (INSERT INTO columns (id, entity_id, name, type, is_pk, is_nullable, is_unique, "
    "default_value, comment, enum_values, sort_order) SELECT x.id, x.entity_id, x.name, x.type, "
    "x.is_pk, x.is_nullable, x.is_unique, x.default_value, x.comment, x.enum_values, x.sort_order "
    "FROM x WHERE x.is_new ON CONFLICT (id) DO NOTHING RETURNING id) "
    "SELECT x.id FROM x WHERE x.is_new AND x.id NOT IN (SELECT id FROM ins) ORDER BY x.ord LIMIT 1";

/* A table saved this way: its incoming rows as text (v[0] the id), which of them compare as
 * numbers, and its statement. */
struct row_table {
    const char *apply_sql;
    int kind;                   /* ERD_ID_ENTITY or ERD_ID_RELATIONSHIP */
    int nvalues;                /* id + fields */
    unsigned numeric;           /* bit k: v[k] is a float8 */
    size_t (*count)(const struct erd_doc *doc);
    void (*values)(const struct erd_doc *doc, size_t i, const char **v, char num[2][32]);
};

static size_t entity_count(const struct erd_doc *doc)
{
    return doc->nentities;
}

static void entity_values(const struct erd_doc *doc, size_t i, const char **v, char num[2][32])
{
    const struct erd_entity *e = &doc->entities[i];
    snprintf(num[0], 32, "%.17g", e->x);
    snprintf(num[1], 32, "%.17g", e->y);
    const char *values[] = {e->id, e->name, num[0], num[1], e->color ? e->color : ERD_DEFAULT_COLOR,
                            e->comment};
    memcpy(v, values, sizeof values);
}

static size_t relationship_count(const struct erd_doc *doc)
{
    return doc->nrelationships;
}

static void relationship_values(const struct erd_doc *doc, size_t k, const char **v, char num[2][32])
{
    const struct erd_relationship *x = &doc->relationships[k];
    (void)num;
    const char *values[] = {x->id, x->source_entity_id, x->target_entity_id,
                            x->source_column_id, x->target_column_id, x->source_handle,
                            x->target_handle, x->type, x->label, x->on_delete, x->on_update,
                            x->constraint_name};
    memcpy(v, values, sizeof values);
}

static const struct row_table entities_table = {
    SQL_APPLY_ENTITIES, ERD_ID_ENTITY, 6, 1u << 2 | 1u << 3, entity_count, entity_values};
static const struct row_table relationships_table = {
    SQL_APPLY_RELATIONSHIPS, ERD_ID_RELATIONSHIP, 12, 0, relationship_count, relationship_values};

/* differs: incoming v against stored row s (same column order after the id). */
static bool differs(const struct row_table *t, const char **v, const PGresult *stored, int s)
{
    for (int k = 1; k < t->nvalues; k++) {
        const char *sv = db_isnull(stored, s, k) ? NULL : db_val(stored, s, k);
        if (!sv || !v[k]) {
            if (sv != v[k])
                return true;
        } else if (t->numeric & (1u << k) ? strtod(sv, NULL) != strtod(v[k], NULL)
                                           : strcmp(sv, v[k]) != 0) {
            return true;
        }
    }
    return false;
}

/* The plan for one table: match[i] = the stored row of incoming row i (-1: new); gone = the
 * stored ids no longer in the model; reorder = kept rows out of their stored order, or a new
 * row before a kept one, or a kept row without a time. */
struct row_plan {
    long *match;
    struct buf gone;
    bool reorder;
};

static void plan_rows(struct arena *a, const struct row_table *t, const struct erd_doc *doc,
                      const struct erd_index *idx, const PGresult *stored, struct row_plan *p)
{
    size_t n = t->count(doc);
    long last = -1;
    bool seen_new = false;
    p->match = arena_alloc(a, (n + 1) * sizeof *p->match);
    for (size_t i = 0; i < n; i++)
        p->match[i] = -1;
    for (int s = 0; s < PQntuples(stored); s++) {
        const struct erd_index_slot *slot = erd_index_find(idx, db_val(stored, s, 0));
        if (slot && slot->kind == t->kind)
            p->match[slot->entity] = s;
        else
            db_array_text(&p->gone, db_val(stored, s, 0));
    }
    for (size_t i = 0; i < n && !p->reorder; i++) {
        long s = p->match[i];
        if (s < 0) {
            seen_new = true;
            continue;
        }
        p->reorder = seen_new || s < last || db_bool(stored, (int)s, t->nvalues);
        last = s;
    }
}

/* run_apply: a table's statement with its na arrays (closed here) and the ntail parameters
 * after them.  ERD_STORE_OK, _INVALID (*taken: an id another diagram has) or _DB. */
static int run_apply(struct req *r, const char *sql, struct buf *arrs, int na,
                     const char *const *tail, int ntail, const char **taken)
{
    const char *params[MAX_FIELDS + 8];
    for (int k = 0; k < na; k++)
        params[k] = db_array_close(&arrs[k]);
    for (int k = 0; k < ntail; k++)
        params[na + k] = tail[k];
    PGresult *res = db_query_prepared(r, sql, params, na + ntail);
    if (!res)
        return ERD_STORE_DB;
    if (!PQntuples(res))
        return ERD_STORE_OK;
    *taken = db_val(res, 0, 0);
    return ERD_STORE_INVALID;
}

/* add_row: incoming row v (new or not, at place ord) to the arrays of t. */
static void add_row(const struct row_table *t, struct buf *arrs, const char **v, bool is_new,
                    size_t ord)
{
    for (int k = 0; k < t->nvalues; k++)
        db_array_text(&arrs[k], v[k]);
    db_array_text(&arrs[t->nvalues], is_new ? "t" : "f");
    buf_printf(&arrs[t->nvalues + 1], "%c%zu", arrs[t->nvalues + 1].len ? ',' : '{', ord);
}

static void free_arrays(struct buf *arrs, int n)
{
    for (int k = 0; k < n; k++)
        buf_free(&arrs[k]);
}

/* save_rows: plan, then write what differs.  ERD_STORE_OK, _INVALID (*taken) or _DB. */
static int save_rows(struct req *r, const struct row_table *t, const char *diagram_id,
                     const struct erd_doc *doc, const struct erd_index *idx,
                     const PGresult *stored, const char **taken)
{
    struct row_plan p = {0};
    struct buf arrs[MAX_FIELDS + 2] = {0};      /* values, is_new, ord */
    const char *v[MAX_FIELDS];
    char num[2][32];
    size_t n = t->count(doc), nwrite = 0;
    int rc = ERD_STORE_OK;
    plan_rows(r->arena, t, doc, idx, stored, &p);
    for (size_t i = 0; i < n; i++) {
        t->values(doc, i, v, num);
        if (!p.reorder && p.match[i] >= 0 && !differs(t, v, stored, (int)p.match[i]))
            continue;
        add_row(t, arrs, v, p.match[i] < 0, i);
        nwrite++;
    }
    if (nwrite || p.gone.len) {
        const char *tail[] = {diagram_id, db_array_close(&p.gone), p.reorder ? "t" : "f"};
        rc = run_apply(r, t->apply_sql, arrs, t->nvalues + 2, tail, 3, taken);
    }
    free_arrays(arrs, t->nvalues + 2);
    buf_free(&p.gone);
    return rc;
}

int erd_save_entities(struct req *r, const char *diagram_id, const struct erd_doc *doc,
                      const struct erd_index *idx, const PGresult *stored, const char **taken)
{
    return save_rows(r, &entities_table, diagram_id, doc, idx, stored, taken);
}

int erd_save_relationships(struct req *r, const char *diagram_id, const struct erd_doc *doc,
                           const struct erd_index *idx, const char **taken)
{
    PGresult *stored = db_query_prepared(r, SQL_STORED_RELATIONSHIPS, DB_ARGS(diagram_id));
    if (!stored)
        return ERD_STORE_DB;
    return save_rows(r, &relationships_table, diagram_id, doc, idx, stored, taken);
}

/* ---- columns ------------------------------------------------------------------------------ */

static const struct row_table columns_table = {SQL_APPLY_COLUMNS, ERD_ID_COLUMN, 11, 0, NULL, NULL};

/* column_values: column j of entity e as stored text (enum values joined with ", " as ERD
 * Builder Pro stores them, NULL when none). */
static void column_values(struct arena *a, const struct erd_entity *e, size_t j, const char **v)
{
    const struct erd_column *c = &e->columns[j];
    const char *enums = NULL;
    if (c->n_enum) {
        struct buf joined = BUF_INIT;
        for (size_t k = 0; k < c->n_enum; k++) {
            if (k)
                buf_puts(&joined, ", ");
            buf_puts(&joined, c->enum_values[k]);
        }
        enums = arena_strndup(a, joined.data, joined.len);
        buf_free(&joined);
    }
    const char *values[] = {c->id, e->id, c->name, c->type, c->is_pk ? "t" : "f",
                            c->is_nullable ? "t" : "f", c->is_unique ? "t" : "f",
                            c->default_value, c->comment, enums, arena_printf(a, "%zu", j)};
    memcpy(v, values, sizeof values);
}

/* match_columns: for each stored row, the place of its column among the incoming ones
 * (offset[entity] + column) when its entity is being rewritten; the rows no longer in the
 * model into gone.  A column the model has under an entity not being rewritten is left be. */
static long *match_columns(struct arena *a, const struct erd_index *idx, const bool *rewrite,
                           const size_t *offset, size_t n, const PGresult *stored,
                           struct buf *gone)
{
    long *match = arena_alloc(a, (n + 1) * sizeof *match);
    for (size_t i = 0; i < n; i++)
        match[i] = -1;
    for (int s = 0; s < PQntuples(stored); s++) {
        const struct erd_index_slot *slot = erd_index_find(idx, db_val(stored, s, 0));
        if (!slot || slot->kind != ERD_ID_COLUMN)
            db_array_text(gone, db_val(stored, s, 0));
        else if (rewrite[slot->entity])
            match[offset[slot->entity] + (size_t)slot->column] = s;
    }
    return match;
}

int erd_save_columns(struct req *r, const struct erd_doc *doc, const struct erd_index *idx,
                     const bool *rewrite, const char *rewrite_ids, const char **taken)
{
    struct buf arrs[MAX_FIELDS + 2] = {0}, gone = BUF_INIT;
    const char *v[MAX_FIELDS];
    size_t *offset = arena_alloc(r->arena, (doc->nentities + 1) * sizeof *offset), n = 0;
    size_t nwrite = 0;
    int rc = ERD_STORE_OK;
    PGresult *stored = db_query_prepared(r, SQL_STORED_COLUMNS, DB_ARGS(rewrite_ids));
    if (!stored)
        return ERD_STORE_DB;
    for (size_t i = 0; i < doc->nentities; i++) {
        offset[i] = n;
        n += doc->entities[i].ncolumns;
    }
    long *match = match_columns(r->arena, idx, rewrite, offset, n, stored, &gone);
    for (size_t i = 0; i < doc->nentities; i++) {
        for (size_t j = 0; rewrite[i] && j < doc->entities[i].ncolumns; j++) {
            long s = match[offset[i] + j];
            column_values(r->arena, &doc->entities[i], j, v);
            if (s >= 0 && !differs(&columns_table, v, stored, (int)s))
                continue;
            add_row(&columns_table, arrs, v, s < 0, offset[i] + j);
            nwrite++;
        }
    }
    if (nwrite || gone.len) {
        const char *tail[] = {db_array_close(&gone), rewrite_ids};
        rc = run_apply(r, SQL_APPLY_COLUMNS, arrs, columns_table.nvalues + 2, tail, 2, taken);
    }
    free_arrays(arrs, columns_table.nvalues + 2);
    buf_free(&gone);
    return rc;
}
