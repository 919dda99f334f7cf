/* erd_store.c — load and save a whole ERD diagram as an erd_doc (see erd_store.h).
 *
 * Loading is four queries (diagram, entities, columns, relationships) in one round trip, whose
 * text values the doc points at directly.  Saving is a diff against what is stored: the optimistic-lock
 * UPDATE of the diagram row, then entities, columns and relationships diffed in C against
 * their stored rows (erd_save_rows.c), so only new, changed and gone rows are written.
 *
 * Columns are most of a diagram (5,000 in a 500-table one) and an autosave changes a table or
 * two, so only the columns of entities whose columns changed are even read: each entity row
 * keeps a digest of its columns as Cardinality last wrote them (entities.columns_digest,
 * sql/009), cleared by trigger when anyone else writes them. */
#include "erd_store.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "erd_model.h"
#include "erd_save_rows.h"
#include "http.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading ---------------------------------------------------------------------------- */

#define ERD_DIGEST_BYTES 16

static const char SQL_DIAGRAM[] =
    "SELECT d.id, d.uid, d.name, COALESCE(d.viewport_x, 0), COALESCE(d.viewport_y, 0), "
    "COALESCE(d.viewport_zoom, 1), COALESCE(d._version, 0) "
    "FROM diagrams d LEFT JOIN projects p ON p.id = d.project_id "
    "WHERE d.uid = $1 AND d.is_deleted IS NOT TRUE "
    "AND (p.id IS NULL OR p.is_deleted IS NOT TRUE)";

/* The children, by the diagram's uid (the diagram as SQL_DIAGRAM finds it), so that all four
 * go in one round trip.  Which diagrams a transaction may read (its user's, or the one its
 * share token names) is row-level security's rule (sql/005_rls.sql), not these statements'. */
#define DIAGRAM_ID "(SELECT d.id FROM diagrams d LEFT JOIN projects p ON p.id = d.project_id " \
    "WHERE d.uid = $1 AND d.is_deleted IS NOT TRUE AND (p.id IS NULL OR p.is_deleted IS NOT TRUE))"

static const char SQL_ENTITIES[] =
    "SELECT id, name, x, y, color, comment FROM entities "
    "WHERE diagram_id = " DIAGRAM_ID " ORDER BY created_at, id";

/* Unordered: load_columns deals them out to their entities and puts each entity's few in
 * (sort_order, id) order, which costs far less than PostgreSQL sorting them all. */
static const char SQL_COLUMNS[] =
    "SELECT c.entity_id, c.id, c.name, c.type, c.is_pk, c.is_nullable, c.is_unique, "
    "c.default_value, c.comment, c.enum_values, COALESCE(c.sort_order, 0) FROM columns c "
    "WHERE c.entity_id = ANY ((SELECT array_agg(e.id) FROM entities e "
    "WHERE e.diagram_id = " DIAGRAM_ID ")::text[])";

static const char SQL_RELATIONSHIPS[] =
    "SELECT id, source_entity_id, target_entity_id, source_column_id, target_column_id, "
    "source_handle, target_handle, COALESCE(type, 'one-to-many'), label, on_delete, on_update, "
    "constraint_name FROM relationships WHERE diagram_id = " DIAGRAM_ID " ORDER BY created_at, id";

static const char SQL_VERSION[] =
    "SELECT COALESCE(d._version, 0) FROM diagrams d LEFT JOIN projects p ON p.id = d.project_id "
    "WHERE d.uid = $1 AND d.is_deleted IS NOT TRUE "
    "AND (p.id IS NULL OR p.is_deleted IS NOT TRUE)";

/* text_or_null: the value, or NULL for SQL NULL. */
static const char *text_or_null(const PGresult *res, int row, int col)
{
    return db_isnull(res, row, col) ? NULL : db_val(res, row, col);
}

/* bool_or: the boolean, or def for SQL NULL. */
static bool bool_or(const PGresult *res, int row, int col, bool def)
{
    return db_isnull(res, row, col) ? def : db_bool(res, row, col);
}

/* load_header: a diagram row (id, uid, name, viewport x, y, zoom, _version — what both the
 * load and the save's UPDATE answer) into doc's header. */
static void load_header(const PGresult *d, struct erd_doc *doc)
{
    doc->uid = db_val(d, 0, 1);
    doc->name = db_val(d, 0, 2);
    for (int k = 0; k < ERD_VP_N; k++) {
        doc->viewport[k] = strtod(db_val(d, 0, 3 + k), NULL);
        doc->has_viewport[k] = true;
    }
    doc->version = db_int(d, 0, 6);
    doc->has_version = true;
}

static void load_entities(struct arena *a, const PGresult *res, struct erd_doc *doc)
{
    doc->nentities = (size_t)PQntuples(res);
    doc->entities = arena_alloc(a, (doc->nentities + 1) * sizeof *doc->entities);
    for (size_t i = 0; i < doc->nentities; i++) {
        struct erd_entity *e = &doc->entities[i];
        int row = (int)i;
        e->id = db_val(res, row, 0);
        e->name = db_val(res, row, 1);
        e->x = strtod(db_val(res, row, 2), NULL);
        e->y = strtod(db_val(res, row, 3), NULL);
        e->color = db_isnull(res, row, 4) ? ERD_DEFAULT_COLOR : db_val(res, row, 4);
        e->comment = text_or_null(res, row, 5);
    }
}

/* enum_split: "a, b,c" → 3 values, each trimmed of spaces and tabs; "" or NULL → none.
 * ERD Builder Pro joins them with ", "; Cardinality's first saves used ",". */
static void enum_split(struct arena *a, const char *s, struct erd_column *c)
{
    size_t n = 1;
    if (!s || !*s)
        return;
    for (const char *p = s; (p = strchr(p, ',')); p++)
        n++;
    c->enum_values = arena_alloc(a, n * sizeof *c->enum_values);
    for (;;) {
        const char *comma = strchr(s, ',');
        const char *end = comma ? comma : s + strlen(s);
        while (s < end && (*s == ' ' || *s == '\t'))
            s++;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        c->enum_values[c->n_enum++] = arena_strndup(a, s, (size_t)(end - s));
        if (!comma)
            break;
        s = comma + 1;
    }
}

static void column_from_row(struct arena *a, const PGresult *res, int row, struct erd_column *c)
{
    c->id = db_val(res, row, 1);
    c->name = db_val(res, row, 2);
    c->type = db_val(res, row, 3);
    c->is_pk = bool_or(res, row, 4, false);
    c->is_nullable = bool_or(res, row, 5, true);
    c->is_unique = bool_or(res, row, 6, false);
    c->default_value = text_or_null(res, row, 7);
    c->comment = text_or_null(res, row, 8);
    enum_split(a, text_or_null(res, row, 9), c);
}

/* column_row_order: rows of one entity in (sort_order, id) order, as ERD Builder Pro reads. */
struct column_row {
    const PGresult *res;
    int row;
    long sort_order;
};

static int column_row_order(const void *pa, const void *pb)
{
    const struct column_row *a = pa, *b = pb;
    if (a->sort_order != b->sort_order)
        return a->sort_order < b->sort_order ? -1 : 1;
    return strcmp(db_val(a->res, a->row, 1), db_val(b->res, b->row, 1));
}

/* load_columns: deal the column rows out to their entities (count, then fill), each entity's
 * in order. */
static void load_columns(struct arena *a, const PGresult *res, struct erd_doc *doc)
{
    struct erd_index idx;
    struct erd_index_slot dup;
    int n = PQntuples(res);
    long *owner = arena_alloc(a, ((size_t)n + 1) * sizeof *owner);
    size_t *start = arena_alloc(a, (doc->nentities + 1) * sizeof *start);
    struct column_row *rows = arena_alloc(a, ((size_t)n + 1) * sizeof *rows);
    erd_index_build(a, doc, &idx, &dup); /* entity ids are the primary key: no duplicates */
    for (int row = 0; row < n; row++) {
        const struct erd_index_slot *s = erd_index_find(&idx, db_val(res, row, 0));
        owner[row] = s ? s->entity : -1;
        if (s)
            doc->entities[s->entity].ncolumns++;
    }
    for (size_t i = 0, at = 0; i < doc->nentities; i++) {
        struct erd_entity *e = &doc->entities[i];
        e->columns = arena_alloc(a, (e->ncolumns + 1) * sizeof *e->columns);
        start[i] = at;
        at += e->ncolumns;
        e->ncolumns = 0;
    }
    for (int row = 0; row < n; row++) {
        if (owner[row] < 0)
            continue;
        struct erd_entity *e = &doc->entities[owner[row]];
        rows[start[owner[row]] + e->ncolumns++] = (struct column_row){res, row, db_int(res, row, 10)};
    }
    for (size_t i = 0; i < doc->nentities; i++) {
        struct erd_entity *e = &doc->entities[i];
        qsort(rows + start[i], e->ncolumns, sizeof *rows, column_row_order);
        for (size_t j = 0; j < e->ncolumns; j++)
            column_from_row(a, res, rows[start[i] + j].row, &e->columns[j]);
    }
}

static void load_relationships(struct arena *a, const PGresult *res, struct erd_doc *doc)
{
    doc->nrelationships = (size_t)PQntuples(res);
    doc->relationships = arena_alloc(a, (doc->nrelationships + 1) * sizeof *doc->relationships);
    for (size_t k = 0; k < doc->nrelationships; k++) {
        struct erd_relationship *x = &doc->relationships[k];
        int row = (int)k;
        x->id = db_val(res, row, 0);
        x->source_entity_id = text_or_null(res, row, 1);
        x->target_entity_id = text_or_null(res, row, 2);
        x->source_column_id = text_or_null(res, row, 3);
        x->target_column_id = text_or_null(res, row, 4);
        x->source_handle = text_or_null(res, row, 5);
        x->target_handle = text_or_null(res, row, 6);
        x->type = db_val(res, row, 7);
        x->label = text_or_null(res, row, 8);
        x->on_delete = text_or_null(res, row, 9);
        x->on_update = text_or_null(res, row, 10);
        x->constraint_name = text_or_null(res, row, 11);
    }
}

int erd_store_load_steps(const char *const *uid, struct db_step *st)
{
    static const char *const sql[ERD_STORE_LOAD_STEPS] = {SQL_DIAGRAM, SQL_ENTITIES, SQL_COLUMNS,
                                                          SQL_RELATIONSHIPS};
    for (int i = 0; i < ERD_STORE_LOAD_STEPS; i++)
        st[i] = (struct db_step){sql[i], uid, 1, 1};
    return ERD_STORE_LOAD_STEPS;
}

int erd_store_load_from(struct req *r, PGresult *const out[ERD_STORE_LOAD_STEPS], struct erd_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    if (PQntuples(out[0]) != 1)
        return ERD_STORE_NOT_FOUND;
    load_header(out[0], doc);
    load_entities(r->arena, out[1], doc);
    load_columns(r->arena, out[2], doc);
    load_relationships(r->arena, out[3], doc);
    return ERD_STORE_OK;
}

int erd_store_load(struct req *r, const char *uid, struct erd_doc *doc)
{
    const char **arg = arena_alloc(r->arena, sizeof *arg);
    *arg = uid;
    struct db_step st[ERD_STORE_LOAD_STEPS];
    PGresult *out[ERD_STORE_LOAD_STEPS];
    erd_store_load_steps(arg, st);
    if (db_pipeline(r, st, ERD_STORE_LOAD_STEPS, out) != 0) {
        memset(doc, 0, sizeof *doc);
        return ERD_STORE_DB;
    }
    return erd_store_load_from(r, out, doc);
}

int erd_store_version(struct req *r, const char *uid, const char **version)
{
    PGresult *res = db_query_prepared(r, SQL_VERSION, DB_ARGS(uid));
    if (!res)
        return ERD_STORE_DB;
    if (PQntuples(res) != 1)
        return ERD_STORE_NOT_FOUND;
    *version = db_val(res, 0, 0);
    return ERD_STORE_OK;
}

/* ---- saving ----------------------------------------------------------------------------- */


/* The optimistic-lock UPDATE; it answers what the saved model's header needs. */
static const char SQL_UPDATE_DIAGRAM[] =
    "UPDATE diagrams SET name = COALESCE($2, name), "
    "viewport_x = COALESCE($3::float8, viewport_x), viewport_y = COALESCE($4::float8, viewport_y), "
    "viewport_zoom = COALESCE($5::float8, viewport_zoom) "
    "WHERE uid = $1 AND is_deleted IS NOT TRUE "
    "AND COALESCE(_version, 0) = $6::int "
    "AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = diagrams.project_id AND p.is_deleted IS TRUE) "
    "RETURNING id, uid, name, COALESCE(viewport_x, 0), COALESCE(viewport_y, 0), "
    "COALESCE(viewport_zoom, 1), COALESCE(_version, 0)";

static const char SQL_SET_DIGESTS[] =
    "UPDATE entities e SET columns_digest = u.digest "
    "FROM unnest($1::text[], $2::text[]) AS u(id, digest) "
    "WHERE e.id = u.id AND e.diagram_id = $3::int";

/* Which entities' columns go to the database (rewrite[i]), their ids and new digests as
 * array literals. */
struct rows {
    struct buf rewrite_ids, digests;
    char (*digest)[2 * ERD_DIGEST_BYTES + 1];
    bool *rewrite;
    size_t nrewrite;
};

/* digest_field: s into the digest input, length-prefixed (NULL distinct from ""). */
static void digest_field(struct buf *in, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    buf_putc(in, s ? 's' : 'n');
    buf_append(in, &n, sizeof n);
    buf_append(in, s ? s : "", n);
}

/* columns_digest: hex BLAKE2b-128 of entity e's id and columns, in order, every field. */
static void columns_digest(const struct erd_entity *e, struct buf *in, char *hex)
{
    unsigned char bin[ERD_DIGEST_BYTES];
    buf_reset(in);
    buf_puts(in, "columns/2");      /* the encoding's version */
    digest_field(in, e->id);
    for (size_t j = 0; j < e->ncolumns; j++) {
        const struct erd_column *c = &e->columns[j];
        const char *fields[] = {c->id, c->name, c->type, c->default_value, c->comment};
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            digest_field(in, fields[k]);
        const char flags[3] = {c->is_pk ? 'p' : '-', c->is_nullable ? 'n' : '-', c->is_unique ? 'u' : '-'};
        buf_append(in, flags, sizeof flags);
        buf_append(in, &c->n_enum, sizeof c->n_enum);
        for (size_t k = 0; k < c->n_enum; k++)
            digest_field(in, c->enum_values[k]);
    }
    crypto_generichash(bin, sizeof bin, (const unsigned char *)in->data, in->len, NULL, 0);
    sodium_bin2hex(hex, 2 * ERD_DIGEST_BYTES + 1, bin, sizeof bin);
}

/* plan_rewrites: rows->rewrite[i] for every entity whose stored digest is missing or
 * differs; their ids and digests listed. */
static void plan_rewrites(const struct erd_doc *doc, const struct erd_index *idx,
                          const PGresult *stored, struct rows *rows)
{
    for (size_t i = 0; i < doc->nentities; i++)
        rows->rewrite[i] = true;
    for (int row = 0; row < PQntuples(stored); row++) {
        const struct erd_index_slot *s = erd_index_find(idx, erd_stored_entity_id(stored, row));
        const char *digest = erd_stored_entity_digest(stored, row);
        if (s && s->kind == ERD_ID_ENTITY && digest && strcmp(digest, rows->digest[s->entity]) == 0)
            rows->rewrite[s->entity] = false;
    }
    for (size_t i = 0; i < doc->nentities; i++) {
        if (!rows->rewrite[i])
            continue;
        rows->nrewrite++;
        db_array_text(&rows->rewrite_ids, doc->entities[i].id);
        db_array_text(&rows->digests, rows->digest[i]);
    }
}

/* digest_all: every entity's columns digest. */
static void digest_all(struct arena *a, const struct erd_doc *doc, struct rows *rows)
{
    struct buf scratch = BUF_INIT;
    rows->digest = arena_alloc(a, (doc->nentities + 1) * sizeof *rows->digest);
    rows->rewrite = arena_alloc(a, (doc->nentities + 1) * sizeof *rows->rewrite);
    for (size_t i = 0; i < doc->nentities; i++)
        columns_digest(&doc->entities[i], &scratch, rows->digest[i]);
    buf_free(&scratch);
}

static void rows_free(struct rows *rows)
{
    buf_free(&rows->rewrite_ids);
    buf_free(&rows->digests);
}

/* num_param: viewport part k as SQL text, or NULL (keep the stored value). */
static const char *num_param(struct req *r, const struct erd_doc *doc, int k)
{
    return doc->has_viewport[k] ? arena_printf(r->arena, "%.17g", doc->viewport[k]) : NULL;
}

/* update_diagram: the optimistic-lock UPDATE.  0 with *diagram = its one row (id, uid, name,
 * viewport x, y, zoom, _version); NOT_FOUND/CONFLICT (with *current loaded on CONFLICT); DB. */
static int update_diagram(struct req *r, const char *uid, int base_version,
                          const struct erd_doc *doc, const PGresult **diagram,
                          struct erd_doc *current)
{
    PGresult *res = db_query_prepared(r, SQL_UPDATE_DIAGRAM,
        DB_ARGS(uid, doc->name, num_param(r, doc, ERD_VP_X),
                num_param(r, doc, ERD_VP_Y), num_param(r, doc, ERD_VP_ZOOM),
                arena_printf(r->arena, "%d", base_version)));
    if (!res)
        return ERD_STORE_DB;
    if (PQntuples(res) == 1) {
        *diagram = res;
        return ERD_STORE_OK;
    }
    /* No row: either there is no such diagram, or it moved past base_version. */
    int rc = erd_store_load(r, uid, current);
    return rc == ERD_STORE_OK ? ERD_STORE_CONFLICT : rc;
}

/* item_path: where id sits in doc ("entities[2].columns[0]", "relationships[1]"), or table
 * when it cannot be found. */
static void item_path(const struct erd_doc *doc, const char *id, const char *table,
                      struct buf *out)
{
    for (size_t i = 0; i < doc->nentities; i++) {
        const struct erd_entity *e = &doc->entities[i];
        if (strcmp(e->id, id) == 0)
            return (void)buf_printf(out, "entities[%zu]", i);
        for (size_t j = 0; j < e->ncolumns; j++)
            if (strcmp(e->columns[j].id, id) == 0)
                return (void)buf_printf(out, "entities[%zu].columns[%zu]", i, j);
    }
    for (size_t k = 0; k < doc->nrelationships; k++)
        if (strcmp(doc->relationships[k].id, id) == 0)
            return (void)buf_printf(out, "relationships[%zu]", k);
    buf_puts(out, table);
}

/* taken_message: an incoming id that belongs to another diagram, named by its place. */
static void taken_message(const struct erd_doc *doc, const char *id, const char *table,
                          struct buf *err)
{
    item_path(doc, id, table, err);
    buf_printf(err, ": id '%s' is already used by another diagram; use a new id", id);
}

/* save_columns: the columns of the entities to rewrite, then their new digests (after the
 * columns statement, whose triggers clear the digests of the entities it touched). */
static int save_columns(struct req *r, const char *diagram_id, const struct erd_doc *doc,
                        const struct erd_index *idx, struct rows *rows, const char **taken)
{
    if (!rows->nrewrite)
        return ERD_STORE_OK;
    const char *ids = db_array_close(&rows->rewrite_ids);
    int rc = erd_save_columns(r, doc, idx, rows->rewrite, ids, taken);
    if (rc != ERD_STORE_OK)
        return rc;
    return db_query_prepared(r, SQL_SET_DIGESTS, DB_ARGS(ids, db_array_close(&rows->digests),
                             diagram_id)) ? ERD_STORE_OK : ERD_STORE_DB;
}

/* save_children: entities, the columns that changed, relationships — in that order, so an
 * entity is in place before anything refers to it, and deleting one cascades (at the end of
 * its statement) to its columns and relationships, which later statements insert again if
 * they are still in the model. */
static int save_children(struct req *r, const char *diagram_id, const struct erd_doc *doc,
                         struct rows *rows, struct buf *err)
{
    struct erd_index idx;
    struct erd_index_slot dup;
    const char *taken = NULL, *table = "entities";
    const PGresult *stored = erd_save_read_entities(r, diagram_id);
    if (!stored)
        return ERD_STORE_DB;
    erd_index_build(r->arena, doc, &idx, &dup); /* checked: no duplicates */
    plan_rewrites(doc, &idx, stored, rows);
    int rc = erd_save_entities(r, diagram_id, doc, &idx, stored, &taken);
    if (rc == ERD_STORE_OK && (table = "columns"))
        rc = save_columns(r, diagram_id, doc, &idx, rows, &taken);
    if (rc == ERD_STORE_OK && (table = "relationships"))
        rc = erd_save_relationships(r, diagram_id, doc, &idx, &taken);
    if (rc == ERD_STORE_INVALID)
        taken_message(doc, taken, table, err);
    return rc;
}

int erd_store_save(struct req *r, const char *uid, int base_version, const struct erd_doc *doc,
                   struct erd_store_saved *saved, struct erd_doc *current, struct buf *err)
{
    struct rows rows;
    const PGresult *d = NULL;
    memset(&rows, 0, sizeof rows);
    memset(saved, 0, sizeof *saved);
    memset(current, 0, sizeof *current);
    if (erd_doc_check(r->arena, doc, err) != 0)
        return ERD_STORE_INVALID;
    digest_all(r->arena, doc, &rows);
    int rc = update_diagram(r, uid, base_version, doc, &d, current);
    if (rc == ERD_STORE_OK)
        rc = save_children(r, db_val(d, 0, 0), doc, &rows, err);
    if (rc == ERD_STORE_OK) {
        load_header(d, &saved->header);
        saved->tables_rewritten = rows.nrewrite;
    }
    rows_free(&rows);
    return rc;
}
