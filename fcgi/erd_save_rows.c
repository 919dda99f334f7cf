/* erd_save_rows.c — entities and relationships saved by a diff in C (see erd_save_rows.h).
 *
 * The stored rows are read in created_at, id order (entities' come with the digests
 * erd_store.c needs anyway); each incoming row is matched by id through the doc's index and
 * compared field by field (coordinates as numbers).  One statement per table then deletes
 * the rows gone, updates the changed ones and inserts the new ones — new ids may belong to
 * another diagram (ids are primary keys shared by every user), so inserts are ON CONFLICT
 * DO NOTHING and the statement answers the first id it could not insert.  Nothing to write,
 * no statement. */
#include "erd_save_rows.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "erd_store.h"
#include "http.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_COLOR "#6366f1"
#define MAX_FIELDS 11               /* id and the fields of the widest table */

const char ERD_SQL_STORED_ENTITIES[] =
    "SELECT id, name, x, y, color, comment, created_at IS NULL, columns_digest FROM entities "
    "WHERE diagram_id = $1::int ORDER BY created_at, id";

static const char SQL_STORED_RELATIONSHIPS[] =
    "SELECT id, source_entity_id, target_entity_id, source_column_id, target_column_id, "
    "source_handle, target_handle, type, label, on_delete, on_update, created_at IS NULL "
    "FROM relationships WHERE diagram_id = $1::int ORDER BY created_at, id";

/* APPLY(T, X, FIELDS, D, GONE, REORDER): x — the rows to write (fields, is_new, ord: their
 * place in the model); start — when kept rows stay put, just after the latest of them, else
 * now; then delete the ids in GONE, update the kept rows (times rewritten only when
 * REORDER), insert the new ones at start + ord ms, and answer an id that could not be. */
#define MS(ORD) " + " ORD " * interval '1 millisecond'"
#define APPLY(T, X, FIELDS, D, GONE, REORDER)                                                   \
    "WITH x AS (SELECT * FROM " X "), "                                                         \
    "start AS (SELECT CASE WHEN " REORDER " THEN LOCALTIMESTAMP(3) ELSE GREATEST("              \
    "LOCALTIMESTAMP(3), (SELECT max(created_at) FROM " T " WHERE diagram_id = " D               \
    " AND id <> ALL (" GONE ")) + interval '1 millisecond') END AS at), "                       \
    "del AS (DELETE FROM " T " t WHERE t.id = ANY (" GONE ") AND t.diagram_id = " D "), "      \
    "upd AS (UPDATE " T " t SET (" FIELDS("") ", created_at) = (" FIELDS("x.") ", CASE WHEN "  \
    REORDER " THEN start.at" MS("x.ord") " ELSE t.created_at END) FROM x, start "              \
    "WHERE t.id = ANY ((SELECT array_agg(id) FROM x WHERE NOT is_new)::text[]) "                \
    "AND t.id = x.id AND NOT x.is_new AND t.diagram_id = " D "), "                              \
    "ins AS (INSERT INTO " T " (id, diagram_id, " FIELDS("") ", created_at) SELECT x.id, " D   \
    ", " FIELDS("x.") ", start.at" MS("x.ord") " FROM x, start WHERE x.is_new "                \
    "ON CONFLICT (id) DO NOTHING RETURNING id) "                                                \
    "SELECT x.id FROM x WHERE x.is_new AND x.id NOT IN (SELECT id FROM ins) ORDER BY x.ord LIMIT 1"

#define ENT_FIELDS(P) P "name, " P "x, " P "y, " P "color, " P "comment"
static const char SQL_APPLY_ENTITIES[] = APPLY("entities",
    "unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::text[], $6::text[], "
    "$7::bool[], $8::int[]) AS u(id, name, x, y, color, comment, is_new, ord)",
    ENT_FIELDS, "$9::int", "$10::text[]", "$11::bool");

#define REL_FIELDS(P) \
    P "source_entity_id, " P "target_entity_id, " P "source_column_id, " P "target_column_id, " \
    P "source_handle, " P "target_handle, " P "type, " P "label, " P "on_delete, " P "on_update"
static const char SQL_APPLY_RELATIONSHIPS[] = APPLY("relationships",
    "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
    "$8::text[], $9::text[], $10::text[], $11::text[], $12::bool[], $13::int[]) "
    "AS u(id, source_entity_id, target_entity_id, source_column_id, target_column_id, "
    "source_handle, target_handle, type, label, on_delete, on_update, is_new, ord)",
    REL_FIELDS, "$14::int", "$15::text[]", "$16::bool");

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
    const char *values[] = {e->id, e->name, num[0], num[1], e->color ? e->color : DEFAULT_COLOR,
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
                            x->target_handle, x->type, x->label, x->on_delete, x->on_update};
    memcpy(v, values, sizeof values);
}

static const struct row_table entities_table = {
    SQL_APPLY_ENTITIES, ERD_ID_ENTITY, 6, 1u << 2 | 1u << 3, entity_count, entity_values};
static const struct row_table relationships_table = {
    SQL_APPLY_RELATIONSHIPS, ERD_ID_RELATIONSHIP, 11, 0, relationship_count, relationship_values};

/* arr_text: append s (NULL: SQL NULL) to the array literal b as a quoted element. */
static void arr_text(struct buf *b, const char *s)
{
    buf_putc(b, b->len ? ',' : '{');
    if (!s) {
        buf_append(b, "NULL", 4);
        return;
    }
    buf_putc(b, '"');
    for (size_t n; *s; s += n) {
        n = strcspn(s, "\"\\");
        buf_append(b, s, n);
        if (s[n]) {
            buf_putc(b, '\\');
            buf_putc(b, s[n]);
            n++;
        }
    }
    buf_putc(b, '"');
}

static const char *arr_close(struct buf *b)
{
    buf_puts(b, b->len ? "}" : "{}");
    return buf_cstr(b);
}

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
            arr_text(&p->gone, db_val(stored, s, 0));
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

/* save_rows: plan, then write what differs.  ERD_STORE_OK, _INVALID (*taken) or _DB. */
static int save_rows(struct req *r, const struct row_table *t, const char *diagram_id,
                     const struct erd_doc *doc, const struct erd_index *idx,
                     const PGresult *stored, const char **taken)
{
    struct row_plan p = {0};
    struct buf arrs[MAX_FIELDS + 2] = {0};      /* values, is_new, ord */
    const char *params[MAX_FIELDS + 5], *v[MAX_FIELDS];
    char num[2][32];
    size_t n = t->count(doc), nwrite = 0;
    int rc = ERD_STORE_OK, na = t->nvalues + 2;
    plan_rows(r->arena, t, doc, idx, stored, &p);
    for (size_t i = 0; i < n; i++) {
        t->values(doc, i, v, num);
        if (!p.reorder && p.match[i] >= 0 && !differs(t, v, stored, (int)p.match[i]))
            continue;
        for (int k = 0; k < t->nvalues; k++)
            arr_text(&arrs[k], v[k]);
        arr_text(&arrs[t->nvalues], p.match[i] < 0 ? "t" : "f");
        buf_printf(&arrs[t->nvalues + 1], "%c%zu", nwrite++ ? ',' : '{', i);
    }
    if (nwrite || p.gone.len) {
        for (int k = 0; k < na; k++)
            params[k] = arr_close(&arrs[k]);
        params[na] = diagram_id;
        params[na + 1] = arr_close(&p.gone);
        params[na + 2] = p.reorder ? "t" : "f";
        PGresult *res = db_query_prepared(r, t->apply_sql, params, na + 3);
        rc = !res ? ERD_STORE_DB : PQntuples(res) ? ERD_STORE_INVALID : ERD_STORE_OK;
        if (rc == ERD_STORE_INVALID)
            *taken = db_val(res, 0, 0);
    }
    for (int k = 0; k < na; k++)
        buf_free(&arrs[k]);
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
