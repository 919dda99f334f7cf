/* erd_store.c — load and save a whole ERD diagram (see erd_store.h).
 *
 * Loading is four queries (diagram, entities, columns, relationships) assembled in C.
 * Saving is one optimistic-lock UPDATE of the diagram row, two DELETEs (columns go with their
 * entities by cascade) and three bulk INSERT … SELECT FROM json_to_recordset($1::json), so a
 * diagram of any size costs the same number of round trips.  Entities and relationships have
 * no order column in ERD Builder Pro's schema: their order is kept through created_at (one
 * millisecond apart within a save), which is also how rows written one by one sort. */
#include "erd_store.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "erd_model.h"
#include "http.h"
#include <stdlib.h>
#include <string.h>

#define DIAGRAM_NAME_MAX 200

/* ---- loading ---------------------------------------------------------------------------- */

static const char SQL_DIAGRAM[] =
    "SELECT d.id, d.uid, d.name, COALESCE(d.viewport_x, 0), COALESCE(d.viewport_y, 0), "
    "COALESCE(d.viewport_zoom, 1), COALESCE(d._version, 0) "
    "FROM diagrams d LEFT JOIN projects p ON p.id = d.project_id "
    "WHERE d.uid = $1 AND d.user_id = $2 AND d.is_deleted IS NOT TRUE "
    "AND (p.id IS NULL OR p.is_deleted IS NOT TRUE)";

/* The children: scoped by the diagram id found above and, again, by its owner. */
#define OWNED_BY_USER " AND EXISTS (SELECT 1 FROM diagrams d WHERE d.id = $1 AND d.user_id = $2)"

static const char SQL_ENTITIES[] =
    "SELECT id, name, x, y, color, comment FROM entities "
    "WHERE diagram_id = $1" OWNED_BY_USER " ORDER BY created_at, id";

static const char SQL_COLUMNS[] =
    "SELECT c.entity_id, c.id, c.name, c.type, c.is_pk, c.is_nullable, c.is_unique, "
    "c.default_value, c.comment, c.enum_values "
    "FROM columns c JOIN entities e ON e.id = c.entity_id "
    "WHERE e.diagram_id = $1" OWNED_BY_USER " ORDER BY c.entity_id, c.sort_order, c.id";

static const char SQL_RELATIONSHIPS[] =
    "SELECT id, source_entity_id, target_entity_id, source_column_id, target_column_id, "
    "source_handle, target_handle, type, label, on_delete, on_update FROM relationships "
    "WHERE diagram_id = $1" OWNED_BY_USER " ORDER BY created_at, id";

/* text_or_null: column col of row as a JSON string, or null when SQL NULL. */
static json_t *text_or_null(const PGresult *res, int row, int col)
{
    return db_isnull(res, row, col) ? json_null() : json_string(db_val(res, row, col));
}

/* bool_or: the boolean, or def when SQL NULL. */
static json_t *bool_or(const PGresult *res, int row, int col, int def)
{
    return json_boolean(db_isnull(res, row, col) ? def : db_bool(res, row, col));
}

/* enum_array: "a,b,c" → ["a","b","c"]; NULL or "" → []. */
static json_t *enum_array(const PGresult *res, int row, int col)
{
    json_t *arr = json_array();
    const char *s = db_val(res, row, col);
    if (*s == '\0')
        return arr;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        json_array_append_new(arr, json_stringn(s, n));
        if (!comma)
            break;
        s = comma + 1;
    }
    return arr;
}

/* entities_json: the entity rows, each with an empty "columns" array registered in index
 * (entity id → that array, borrowed through the index's own references). */
static json_t *entities_json(const PGresult *res, json_t *index)
{
    json_t *arr = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *cols = json_array();
        json_object_set_new(index, db_val(res, i, 0), cols);
        json_t *e = json_pack("{s:s, s:s, s:f, s:f, s:o, s:o, s:o}",
            "id", db_val(res, i, 0), "name", db_val(res, i, 1),
            "x", strtod(db_val(res, i, 2), NULL), "y", strtod(db_val(res, i, 3), NULL),
            "color", db_isnull(res, i, 4) ? json_string("#6366f1") : json_string(db_val(res, i, 4)),
            "comment", text_or_null(res, i, 5), "columns", json_incref(cols));
        json_array_append_new(arr, e);
    }
    return arr;
}

/* columns_into: append each column row to its entity's array (rows of unknown entities,
 * impossible through the join, are ignored). */
static void columns_into(const PGresult *res, json_t *index)
{
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *cols = json_object_get(index, db_val(res, i, 0));
        if (!cols)
            continue;
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
            "id", db_val(res, i, 1), "name", db_val(res, i, 2), "type", db_val(res, i, 3),
            "is_pk", bool_or(res, i, 4, 0), "is_nullable", bool_or(res, i, 5, 1),
            "is_unique", bool_or(res, i, 6, 0), "default", text_or_null(res, i, 7),
            "comment", text_or_null(res, i, 8), "enum_values", enum_array(res, i, 9)));
    }
}

static json_t *relationships_json(const PGresult *res)
{
    json_t *arr = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o}",
            "id", db_val(res, i, 0), "source_entity_id", text_or_null(res, i, 1),
            "target_entity_id", text_or_null(res, i, 2), "source_column_id", text_or_null(res, i, 3),
            "target_column_id", text_or_null(res, i, 4), "source_handle", text_or_null(res, i, 5),
            "target_handle", text_or_null(res, i, 6),
            "type", db_isnull(res, i, 7) ? "one-to-many" : db_val(res, i, 7),
            "label", text_or_null(res, i, 8), "on_delete", text_or_null(res, i, 9),
            "on_update", text_or_null(res, i, 10)));
    }
    return arr;
}

int erd_store_load(struct req *r, const char *uid, json_t **model)
{
    json_t *m = NULL, *index = NULL;
    int rc = ERD_STORE_DB;
    *model = NULL;
    PGresult *d = db_query(r, SQL_DIAGRAM, DB_ARGS(uid, r->user->id));
    if (!d)
        goto out;
    if (PQntuples(d) != 1) {
        rc = ERD_STORE_NOT_FOUND;
        goto out;
    }
    const char *id = db_val(d, 0, 0);
    PGresult *ents = db_query(r, SQL_ENTITIES, DB_ARGS(id, r->user->id));
    PGresult *cols = ents ? db_query(r, SQL_COLUMNS, DB_ARGS(id, r->user->id)) : NULL;
    PGresult *rels = cols ? db_query(r, SQL_RELATIONSHIPS, DB_ARGS(id, r->user->id)) : NULL;
    if (!rels)
        goto out;
    index = json_object();
    m = json_pack("{s:s, s:s, s:I, s:{s:f, s:f, s:f}}", "uid", db_val(d, 0, 1),
                  "name", db_val(d, 0, 2), "_version", (json_int_t)db_int(d, 0, 6), "viewport",
                  "x", strtod(db_val(d, 0, 3), NULL), "y", strtod(db_val(d, 0, 4), NULL),
                  "zoom", strtod(db_val(d, 0, 5), NULL));
    json_object_set_new(m, "entities", entities_json(ents, index));
    columns_into(cols, index);
    json_object_set_new(m, "relationships", relationships_json(rels));
    *model = m;
    m = NULL;
    rc = ERD_STORE_OK;
out:
    json_decref(index);
    json_decref(m);
    return rc;
}

/* ---- saving ----------------------------------------------------------------------------- */

static const char SQL_UPDATE_DIAGRAM[] =
    "UPDATE diagrams SET name = COALESCE($3, name), "
    "viewport_x = COALESCE($4::float8, viewport_x), viewport_y = COALESCE($5::float8, viewport_y), "
    "viewport_zoom = COALESCE($6::float8, viewport_zoom) "
    "WHERE uid = $1 AND user_id = $2 AND is_deleted IS NOT TRUE "
    "AND COALESCE(_version, 0) = $7::int "
    "AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = diagrams.project_id AND p.is_deleted IS TRUE) "
    "RETURNING id, _version";

static const char SQL_DELETE_RELATIONSHIPS[] =
    "DELETE FROM relationships WHERE diagram_id = $1" OWNED_BY_USER;

static const char SQL_DELETE_ENTITIES[] =
    "DELETE FROM entities WHERE diagram_id = $1" OWNED_BY_USER;

/* Each bulk INSERT skips rows whose id is taken (ids are primary keys shared by every
 * user's diagrams, and row-level security hides the owner, so the server would not name the
 * key in a unique_violation) and answers the ids it could not insert: none when all went in. */
#define TAKEN_IDS(INSERT) \
    "WITH ins AS (" INSERT " ON CONFLICT (id) DO NOTHING RETURNING id) " \
    "SELECT x.id FROM json_to_recordset($1::json) AS x(id text) EXCEPT SELECT id FROM ins"

/* $1 rows, $2 diagram id. */
static const char SQL_INSERT_ENTITIES[] = TAKEN_IDS(
    "INSERT INTO entities (id, diagram_id, name, x, y, color, comment, created_at) "
    "SELECT x.id, $2::int, x.name, COALESCE(x.x, 0), COALESCE(x.y, 0), "
    "COALESCE(x.color, '#6366f1'), x.comment, LOCALTIMESTAMP(3) + x.ord * interval '1 millisecond' "
    "FROM json_to_recordset($1::json) AS x(id text, name text, x float8, y float8, color text, "
    "comment text, ord int)");

/* $1 rows (entities are already in place). */
static const char SQL_INSERT_COLUMNS[] = TAKEN_IDS(
    "INSERT INTO columns (id, entity_id, name, type, is_pk, is_nullable, enum_values, sort_order, "
    "default_value, is_unique, comment) "
    "SELECT x.id, x.entity_id, x.name, x.type, COALESCE(x.is_pk, false), "
    "COALESCE(x.is_nullable, true), x.enum_values, x.sort_order, x.default_value, "
    "COALESCE(x.is_unique, false), x.comment "
    "FROM json_to_recordset($1::json) AS x(id text, entity_id text, name text, type text, "
    "is_pk bool, is_nullable bool, enum_values text, sort_order int, default_value text, "
    "is_unique bool, comment text)");

/* $1 rows, $2 diagram id. */
static const char SQL_INSERT_RELATIONSHIPS[] = TAKEN_IDS(
    "INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id, "
    "source_column_id, target_column_id, type, source_handle, target_handle, label, on_delete, "
    "on_update, created_at) "
    "SELECT x.id, $2::int, x.source_entity_id, x.target_entity_id, x.source_column_id, "
    "x.target_column_id, x.type, x.source_handle, x.target_handle, x.label, x.on_delete, "
    "x.on_update, LOCALTIMESTAMP(3) + x.ord * interval '1 millisecond' "
    "FROM json_to_recordset($1::json) AS x(id text, source_entity_id text, target_entity_id text, "
    "source_column_id text, target_column_id text, type text, source_handle text, "
    "target_handle text, label text, on_delete text, on_update text, ord int)");

/* The three flattened row sets handed to json_to_recordset. */
struct rows {
    json_t *entities, *columns, *relationships;
};

/* copy_keys: row[dst[i]] = obj[src[i]] (null when absent) for n keys. */
static void copy_keys(json_t *row, const json_t *obj, const char *const *src, const char *const *dst,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, src[i]);
        json_object_set(row, dst[i], v ? v : json_null());
    }
}

/* enum_text: enum_values joined with commas into a new JSON string (null when empty);
 * -1 with a message when a value holds a comma (it could not be read back). */
static int enum_text(const json_t *col, const char *where, json_t **out, struct buf *err)
{
    const json_t *ev = json_object_get(col, "enum_values");
    struct buf s = BUF_INIT;
    int rc = 0;
    *out = json_null();
    for (size_t i = 0; i < json_array_size(ev) && rc == 0; i++) {
        const char *v = json_string_value(json_array_get(ev, i));
        if (strchr(v, ',')) {
            buf_printf(err, "%s: enum value '%s' contains a comma", where, v);
            rc = -1;
        }
        if (i)
            buf_putc(&s, ',');
        buf_puts(&s, v);
    }
    if (rc == 0 && json_array_size(ev))
        *out = json_stringn(s.data, s.len);
    buf_free(&s);
    return rc;
}

static const char *const col_src[] = {"id", "name", "type", "is_pk", "is_nullable", "is_unique",
                                      "default", "comment"};
static const char *const col_dst[] = {"id", "name", "type", "is_pk", "is_nullable", "is_unique",
                                      "default_value", "comment"};

/* flatten_columns: entity e's (index ei) columns into rows->columns. */
static int flatten_columns(const json_t *e, size_t ei, struct rows *rows, struct buf *err)
{
    const json_t *cols = json_object_get(e, "columns");
    const json_t *eid = json_object_get(e, "id");
    char where[96];
    for (size_t j = 0; j < json_array_size(cols); j++) {
        const json_t *c = json_array_get(cols, j);
        json_t *row = json_object(), *ev;
        snprintf(where, sizeof where, "entities[%zu].columns[%zu]", ei, j);
        copy_keys(row, c, col_src, col_dst, sizeof col_src / sizeof col_src[0]);
        json_object_set(row, "entity_id", (json_t *)eid);
        json_object_set_new(row, "sort_order", json_integer((json_int_t)j));
        json_array_append_new(rows->columns, row);
        if (enum_text(c, where, &ev, err) != 0)
            return -1;
        json_object_set_new(row, "enum_values", ev);
    }
    return 0;
}

static const char *const ent_keys[] = {"id", "name", "x", "y", "color", "comment"};
static const char *const rel_keys[] = {"id", "source_entity_id", "target_entity_id",
                                       "source_column_id", "target_column_id", "type",
                                       "source_handle", "target_handle", "label", "on_delete",
                                       "on_update"};

/* flatten: a validated model into the three row sets.  0, or -1 with a message. */
static int flatten(const json_t *model, struct rows *rows, struct buf *err)
{
    const json_t *ents = json_object_get(model, "entities");
    const json_t *rels = json_object_get(model, "relationships");
    rows->entities = json_array();
    rows->columns = json_array();
    rows->relationships = json_array();
    for (size_t i = 0; i < json_array_size(ents); i++) {
        const json_t *e = json_array_get(ents, i);
        json_t *row = json_object();
        copy_keys(row, e, ent_keys, ent_keys, sizeof ent_keys / sizeof ent_keys[0]);
        json_object_set_new(row, "ord", json_integer((json_int_t)i));
        json_array_append_new(rows->entities, row);
        if (flatten_columns(e, i, rows, err) != 0)
            return -1;
    }
    for (size_t i = 0; i < json_array_size(rels); i++) {
        json_t *row = json_object();
        copy_keys(row, json_array_get(rels, i), rel_keys, rel_keys, sizeof rel_keys / sizeof rel_keys[0]);
        json_object_set_new(row, "ord", json_integer((json_int_t)i));
        json_array_append_new(rows->relationships, row);
    }
    return 0;
}

static void rows_free(struct rows *rows)
{
    json_decref(rows->entities);
    json_decref(rows->columns);
    json_decref(rows->relationships);
}

/* check_name: the diagram name, when given, is a non-empty string of at most 200 bytes. */
static int check_name(const json_t *model, struct buf *err)
{
    const json_t *n = json_object_get(model, "name");
    if (!n || json_is_null(n))
        return 0;
    if (!json_is_string(n) || json_string_length(n) == 0 || json_string_length(n) > DIAGRAM_NAME_MAX) {
        buf_printf(err, "name: must be a string of 1 to %d bytes", DIAGRAM_NAME_MAX);
        return -1;
    }
    return 0;
}

/* num_param: a finite JSON number as SQL text, or NULL (keep the stored value). */
static const char *num_param(struct req *r, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? arena_printf(r->arena, "%.17g", json_number_value(v)) : NULL;
}

/* update_diagram: the optimistic-lock UPDATE.  0 with *diagram_id set; NOT_FOUND/CONFLICT
 * (with *current loaded on CONFLICT); DB. */
static int update_diagram(struct req *r, const char *uid, int base_version, const json_t *model,
                          const char **diagram_id, json_t **current)
{
    const json_t *vp = json_object_get(model, "viewport");
    const char *name = json_string_value(json_object_get(model, "name"));
    PGresult *res = db_query(r, SQL_UPDATE_DIAGRAM,
        DB_ARGS(uid, r->user->id, name, num_param(r, vp, "x"), num_param(r, vp, "y"),
                num_param(r, vp, "zoom"), arena_printf(r->arena, "%d", base_version)));
    if (!res)
        return ERD_STORE_DB;
    if (PQntuples(res) == 1) {
        *diagram_id = db_val(res, 0, 0);
        return ERD_STORE_OK;
    }
    /* No row: either there is no such diagram, or it moved past base_version. */
    int rc = erd_store_load(r, uid, current);
    return rc == ERD_STORE_OK ? ERD_STORE_CONFLICT : rc;
}

/* item_path: where id sits in model ("entities[2].columns[0]", "relationships[1]"), or
 * table when it cannot be found. */
static void item_path(const json_t *model, const char *id, const char *table, struct buf *out)
{
    const json_t *ents = json_object_get(model, "entities");
    const json_t *rels = json_object_get(model, "relationships");
    for (size_t i = 0; i < json_array_size(ents); i++) {
        const json_t *e = json_array_get(ents, i), *cols = json_object_get(e, "columns");
        if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
            return (void)buf_printf(out, "entities[%zu]", i);
        for (size_t j = 0; j < json_array_size(cols); j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(cols, j), "id")), id) == 0)
                return (void)buf_printf(out, "entities[%zu].columns[%zu]", i, j);
    }
    for (size_t i = 0; i < json_array_size(rels); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(rels, i), "id")), id) == 0)
            return (void)buf_printf(out, "relationships[%zu]", i);
    buf_puts(out, table);
}

/* insert_rows: one bulk INSERT of rows; ERD_STORE_INVALID naming the first id already used
 * elsewhere (nothing more is inserted; the caller rolls back). */
static int insert_rows(struct req *r, const char *sql, const char *table, const json_t *model,
                       const json_t *rows, const char *diagram_id, struct buf *err)
{
    char *text = json_dumps(rows, JSON_COMPACT);
    if (!text)
        abort();
    PGresult *res = diagram_id ? db_query(r, sql, DB_ARGS(text, diagram_id))
                               : db_query(r, sql, DB_ARGS(text));
    free(text);
    if (!res && db_sqlstate_is(r->db, "23505")) {
        buf_printf(err, "%s: an id is already used by another diagram; use new ids", table);
        return ERD_STORE_INVALID;
    }
    if (!res)
        return ERD_STORE_DB;
    if (PQntuples(res) == 0)
        return ERD_STORE_OK;
    item_path(model, db_val(res, 0, 0), table, err);
    buf_printf(err, ": id '%s' is already used by another diagram; use a new id", db_val(res, 0, 0));
    return ERD_STORE_INVALID;
}

/* replace_children: delete the diagram's relationships and entities (columns cascade), then
 * insert the new rows. */
static int replace_children(struct req *r, const char *diagram_id, const json_t *model,
                            const struct rows *rows, struct buf *err)
{
    int rc;
    if (!db_query(r, SQL_DELETE_RELATIONSHIPS, DB_ARGS(diagram_id, r->user->id)) ||
        !db_query(r, SQL_DELETE_ENTITIES, DB_ARGS(diagram_id, r->user->id)))
        return ERD_STORE_DB;
    rc = insert_rows(r, SQL_INSERT_ENTITIES, "entities", model, rows->entities, diagram_id, err);
    if (rc == ERD_STORE_OK)
        rc = insert_rows(r, SQL_INSERT_COLUMNS, "columns", model, rows->columns, NULL, err);
    if (rc == ERD_STORE_OK)
        rc = insert_rows(r, SQL_INSERT_RELATIONSHIPS, "relationships", model, rows->relationships,
                         diagram_id, err);
    return rc;
}

int erd_store_save(struct req *r, const char *uid, int base_version, const json_t *model,
                   json_t **saved)
{
    struct rows rows = {NULL, NULL, NULL};
    struct buf err = BUF_INIT;
    const char *diagram_id = NULL;
    int rc = ERD_STORE_INVALID;
    *saved = NULL;
    if (erd_validate(model, &err) != 0 || check_name(model, &err) != 0 ||
        flatten(model, &rows, &err) != 0)
        goto out;
    rc = update_diagram(r, uid, base_version, model, &diagram_id, saved);
    if (rc != ERD_STORE_OK)
        goto out;
    rc = replace_children(r, diagram_id, model, &rows, &err);
    if (rc != ERD_STORE_OK)
        goto out;
    rc = erd_store_load(r, uid, saved);
out:
    if (rc == ERD_STORE_INVALID)
        *saved = json_pack("{s:s, s:s}", "error", "invalid", "message", buf_cstr(&err));
    rows_free(&rows);
    buf_free(&err);
    return rc;
}
