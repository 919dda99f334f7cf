/* erd_store.c — load and save a whole ERD diagram (see erd_store.h).
 *
 * Loading is four queries (diagram, entities, columns, relationships) assembled in C.
 * Saving is a diff against what is stored, in four statements whatever the size: the
 * optimistic-lock UPDATE of the diagram row, then one statement per table (entities, columns,
 * relationships) that deletes the rows no longer in the model, updates the rows whose values
 * differ, inserts the new ones and answers an incoming id taken by another diagram.  The rows
 * travel as one array parameter per field (unnest), which PostgreSQL reads far faster than
 * JSON.  Autosave sends the whole model after every edit, so most saves change a row or two
 * and write little.  The saved model is built from the validated input (the stored rows are
 * exactly that), not reloaded.  Entities and relationships have no order column in ERD
 * Builder Pro's schema: their order is kept through created_at (see ORDER_PLAN). */
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

#define SQL_DIAGRAM_FIELDS                                                                  \
    "SELECT d.id, d.uid, d.name, COALESCE(d.viewport_x, 0) AS vx, COALESCE(d.viewport_y, 0) AS vy, " \
    "COALESCE(d.viewport_zoom, 1) AS vz, COALESCE(d._version, 0) AS version "                    \
    "FROM diagrams d LEFT JOIN projects p ON p.id = d.project_id "                               \
    "WHERE d.uid = $1 AND d.user_id = $2 AND d.is_deleted IS NOT TRUE "                          \
    "AND (p.id IS NULL OR p.is_deleted IS NOT TRUE)"

static const char SQL_DIAGRAM[] = SQL_DIAGRAM_FIELDS;

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

/* enum_split: "a,b,c" → ["a","b","c"]; "" → [] (how enum_values are stored). */
static json_t *enum_split(const char *s)
{
    json_t *arr = json_array();
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
            "comment", text_or_null(res, i, 8), "enum_values", enum_split(db_val(res, i, 9))));
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

/* The whole model as JSON, in the shape erd_store_load builds (defaults included). */
static const char SQL_MODEL_TEXT[] =
    "WITH d AS (" SQL_DIAGRAM_FIELDS "), "
    "cols AS (SELECT c.entity_id, json_agg(json_build_object("
    "  'id', c.id, 'name', c.name, 'type', c.type, 'is_pk', COALESCE(c.is_pk, false),"
    "  'is_nullable', COALESCE(c.is_nullable, true), 'is_unique', COALESCE(c.is_unique, false),"
    "  'default', c.default_value, 'comment', c.comment,"
    "  'enum_values', CASE WHEN COALESCE(c.enum_values, '') = '' THEN '[]'::json"
    "                 ELSE to_json(string_to_array(c.enum_values, ',')) END)"
    "  ORDER BY c.sort_order, c.id) AS list"
    " FROM columns c JOIN entities e ON e.id = c.entity_id JOIN d ON e.diagram_id = d.id"
    " GROUP BY c.entity_id) "
    "SELECT json_build_object('uid', d.uid, 'name', d.name, '_version', d.version,"
    " 'viewport', json_build_object('x', d.vx, 'y', d.vy, 'zoom', d.vz),"
    " 'entities', COALESCE((SELECT json_agg(json_build_object('id', e.id, 'name', e.name,"
    "   'x', e.x, 'y', e.y, 'color', COALESCE(e.color, '#6366f1'), 'comment', e.comment,"
    "   'columns', COALESCE(cols.list, '[]'::json)) ORDER BY e.created_at, e.id)"
    "   FROM entities e LEFT JOIN cols ON cols.entity_id = e.id WHERE e.diagram_id = d.id), '[]'::json),"
    " 'relationships', COALESCE((SELECT json_agg(json_build_object('id', x.id,"
    "   'source_entity_id', x.source_entity_id, 'target_entity_id', x.target_entity_id,"
    "   'source_column_id', x.source_column_id, 'target_column_id', x.target_column_id,"
    "   'source_handle', x.source_handle, 'target_handle', x.target_handle,"
    "   'type', COALESCE(x.type, 'one-to-many'), 'label', x.label, 'on_delete', x.on_delete,"
    "   'on_update', x.on_update) ORDER BY x.created_at, x.id)"
    "   FROM relationships x WHERE x.diagram_id = d.id), '[]'::json))::text, d.name, d.version FROM d";

int erd_store_load_text(struct req *r, const char *uid, const char **text, const char **name,
                        const char **version)
{
    *text = NULL;
    PGresult *res = db_query(r, SQL_MODEL_TEXT, DB_ARGS(uid, r->user->id));
    if (!res)
        return ERD_STORE_DB;
    if (PQntuples(res) != 1)
        return ERD_STORE_NOT_FOUND;
    *text = db_val(res, 0, 0);   /* lives as long as the result: until the arena resets */
    if (name)
        *name = db_val(res, 0, 1);
    if (version)
        *version = db_val(res, 0, 2);
    return ERD_STORE_OK;
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

/* The optimistic-lock UPDATE; it answers what the saved model's header needs. */
static const char SQL_UPDATE_DIAGRAM[] =
    "UPDATE diagrams SET name = COALESCE($3, name), "
    "viewport_x = COALESCE($4::float8, viewport_x), viewport_y = COALESCE($5::float8, viewport_y), "
    "viewport_zoom = COALESCE($6::float8, viewport_zoom) "
    "WHERE uid = $1 AND user_id = $2 AND is_deleted IS NOT TRUE "
    "AND COALESCE(_version, 0) = $7::int "
    "AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = diagrams.project_id AND p.is_deleted IS TRUE) "
    "RETURNING id, uid, name, COALESCE(viewport_x, 0), COALESCE(viewport_y, 0), "
    "COALESCE(viewport_zoom, 1), COALESCE(_version, 0)";

/* One statement per table brings the diagram's rows to the model.  x holds the incoming rows
 * (one array parameter per field, in stored form); j joins them once with the diagram's
 * stored rows: sid NULL — new, x's id NULL — no longer in the model, differs — changed.  Then
 * it DELETEs the rows gone, UPDATEs the changed ones and INSERTs the new ones (ON CONFLICT
 * (id) DO NOTHING: ids are primary keys shared by every user's diagrams), reaching stored
 * rows through the primary key.  It answers the first new id it could not insert: that id
 * belongs to another diagram (maybe another user's, hidden by row-level security).  Tables go
 * entities, columns, relationships: an entity is in place before anything refers to it, and
 * deleting one cascades (at the end of its statement) to its columns and relationships, which
 * the later statements insert again if they are still in the model. */
#define DIFF_JOIN(FIELDS, STORED) \
    "j AS MATERIALIZED (SELECT x.*, s.id AS sid, s.created_at AS sat, (" FIELDS("s.") ") " \
    "IS DISTINCT FROM (" FIELDS("x.") ") AS differs FROM x FULL JOIN (" STORED ") s " \
    "ON s.id = x.id)"
/* ROWS_IN(Q): the rows whose ids Q answers, as an array (the planner probes the primary key
 * instead of scanning the table). */
#define ROWS_IN(Q) "t.id = ANY ((SELECT array_agg(" Q ")::text[])"
#define DELETE_GONE(T) "del AS (DELETE FROM " T " t WHERE " ROWS_IN("sid) FROM j WHERE j.id IS NULL") ")"
#define TAKEN_ID \
    " SELECT j.id FROM j WHERE j.sid IS NULL AND j.id NOT IN (SELECT id FROM ins) " \
    "ORDER BY j.ord LIMIT 1"

/* Entities and relationships have no order column: they are read in created_at, id order.
 * ORDER_PLAN over cur (the rows both stored and incoming): keep — their created_at already
 * sort them in incoming order and every new row comes after them, so stored rows keep
 * created_at and new rows get start + ord ms; otherwise (a reordering, or rows inserted in
 * between) every row gets LOCALTIMESTAMP(3) + ord ms. */
#define ORDER_PLAN \
    "cur AS (SELECT ord, id, sat AS created_at FROM j WHERE sid IS NOT NULL AND id IS NOT NULL), " \
    "plan AS (SELECT NOT EXISTS (SELECT 1 FROM (SELECT id, created_at, lag(id) OVER w AS pid, " \
    "lag(created_at) OVER w AS pat FROM cur WINDOW w AS (ORDER BY ord)) s " \
    "WHERE created_at IS NULL OR (pid IS NOT NULL AND ((pat, pid) < (created_at, id)) IS NOT TRUE)) " \
    "AND NOT EXISTS (SELECT 1 FROM j WHERE j.sid IS NULL AND j.ord < (SELECT max(ord) FROM cur)) " \
    "AS keep, GREATEST(LOCALTIMESTAMP(3), (SELECT max(created_at) FROM cur) " \
    "+ interval '1 millisecond') AS start)"
#define MS(ORD) " + " ORD " * interval '1 millisecond'"
#define STORED_AT "CASE WHEN plan.keep THEN j.sat ELSE LOCALTIMESTAMP(3)" MS("j.ord") " END"
#define NEW_AT "CASE WHEN plan.keep THEN plan.start ELSE LOCALTIMESTAMP(3) END" MS("j.ord")
/* UPDATE_ORDERED(T, FIELDS): the changed rows (all of them when reordering). */
#define UPDATE_ORDERED(T, FIELDS) \
    "upd AS (UPDATE " T " t SET (" FIELDS("") ", created_at) = (" FIELDS("j.") ", " STORED_AT ") " \
    "FROM j, plan WHERE " ROWS_IN("j.id) FROM j, plan WHERE j.sid IS NOT NULL " \
    "AND j.id IS NOT NULL AND (j.differs OR NOT plan.keep)") " AND t.id = j.id)"

/* $1..$6 id, name, x, y, color, comment; $7 diagram id. */
enum { E_ID, E_NAME, E_X, E_Y, E_COLOR, E_COMMENT, E_N };
#define ENT_FIELDS(P) P "name, " P "x, " P "y, " P "color, " P "comment"
static const char SQL_SAVE_ENTITIES[] =
    "WITH x AS (SELECT u.*, u.n - 1 AS ord FROM unnest($1::text[], $2::text[], $3::float8[], "
    "$4::float8[], $5::text[], $6::text[]) WITH ORDINALITY AS u(id, " ENT_FIELDS("") ", n)), "
    DIFF_JOIN(ENT_FIELDS, "SELECT * FROM entities WHERE diagram_id = $7::int") ", "
    ORDER_PLAN ", " DELETE_GONE("entities") ", " UPDATE_ORDERED("entities", ENT_FIELDS) ", "
    "ins AS (INSERT INTO entities (id, diagram_id, " ENT_FIELDS("") ", created_at) "
    "SELECT j.id, $7::int, " ENT_FIELDS("j.") ", " NEW_AT " FROM j, plan WHERE j.sid IS NULL "
    "ON CONFLICT (id) DO NOTHING RETURNING id)" TAKEN_ID;

/* $1..$11 id, entity_id, name, type, is_pk, is_nullable, is_unique, default_value, comment,
 * enum_values, sort_order; $12 diagram id.  A column may move to another entity of the
 * diagram (all incoming entities are the diagram's by now). */
enum { C_ID, C_ENTITY, C_NAME, C_TYPE, C_PK, C_NULLABLE, C_UNIQUE, C_DEFAULT, C_COMMENT, C_ENUM,
       C_SORT, C_N };
#define COL_FIELDS(P) \
    P "entity_id, " P "name, " P "type, " P "is_pk, " P "is_nullable, " P "is_unique, " \
    P "default_value, " P "comment, " P "enum_values, " P "sort_order"
static const char SQL_SAVE_COLUMNS[] =
    "WITH x AS (SELECT u.*, u.n AS ord FROM unnest($1::text[], $2::text[], $3::text[], "
    "$4::text[], $5::bool[], $6::bool[], $7::bool[], $8::text[], $9::text[], $10::text[], "
    "$11::int[]) WITH ORDINALITY AS u(id, " COL_FIELDS("") ", n)), "
    DIFF_JOIN(COL_FIELDS, "SELECT * FROM columns WHERE entity_id = ANY ((SELECT "
              "array_agg(e.id) FROM entities e WHERE e.diagram_id = $12::int)::text[])") ", "
    DELETE_GONE("columns") ", "
    "upd AS (UPDATE columns t SET (" COL_FIELDS("") ") = (" COL_FIELDS("j.") ") FROM j "
    "WHERE " ROWS_IN("j.id) FROM j WHERE j.sid IS NOT NULL AND j.id IS NOT NULL AND j.differs")
    " AND t.id = j.id), "
    "ins AS (INSERT INTO columns (id, " COL_FIELDS("") ") SELECT j.id, " COL_FIELDS("j.") " "
    "FROM j WHERE j.sid IS NULL ON CONFLICT (id) DO NOTHING RETURNING id)" TAKEN_ID;

/* $1..$11 id, source_entity_id, target_entity_id, source_column_id, target_column_id,
 * source_handle, target_handle, type, label, on_delete, on_update; $12 diagram id. */
enum { R_ID, R_N = 11 };
#define REL_FIELDS(P) \
    P "source_entity_id, " P "target_entity_id, " P "source_column_id, " P "target_column_id, " \
    P "source_handle, " P "target_handle, " P "type, " P "label, " P "on_delete, " P "on_update"
static const char SQL_SAVE_RELATIONSHIPS[] =
    "WITH x AS (SELECT u.*, u.n - 1 AS ord FROM unnest($1::text[], $2::text[], $3::text[], "
    "$4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], "
    "$11::text[]) WITH ORDINALITY AS u(id, " REL_FIELDS("") ", n)), "
    DIFF_JOIN(REL_FIELDS, "SELECT * FROM relationships WHERE diagram_id = $12::int") ", "
    ORDER_PLAN ", " DELETE_GONE("relationships") ", "
    UPDATE_ORDERED("relationships", REL_FIELDS) ", "
    "ins AS (INSERT INTO relationships (id, diagram_id, " REL_FIELDS("") ", created_at) "
    "SELECT j.id, $12::int, " REL_FIELDS("j.") ", " NEW_AT " FROM j, plan WHERE j.sid IS NULL "
    "ON CONFLICT (id) DO NOTHING RETURNING id)" TAKEN_ID;

/* The model flattened into array literals, one per field of each table, and the saved model
 * (as erd_store_load would read it back) built alongside. */
struct rows {
    struct buf ent[E_N], col[C_N], rel[R_N];
    json_t *entities, *relationships;
};

/* arr_text: append s (NULL: SQL NULL) to the array literal b as a quoted element. */
static void arr_text(struct buf *b, const char *s)
{
    buf_putc(b, b->len ? ',' : '{');
    if (!s) {
        buf_puts(b, "NULL");
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

/* arr_value: append a JSON scalar (string, number, boolean; anything else is NULL). */
static void arr_value(struct buf *b, const json_t *v)
{
    char num[40];
    const char *s = NULL;
    if (json_is_string(v))
        s = json_string_value(v);
    else if (json_is_boolean(v))
        s = json_is_true(v) ? "t" : "f";
    else if (json_is_number(v) && snprintf(num, sizeof num, "%.17g", json_number_value(v)) > 0)
        s = num;
    arr_text(b, s);
}

/* arr_keys: arrs[i] gets obj[keys[i]] for n keys. */
static void arr_keys(struct buf *arrs, const json_t *obj, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        arr_value(&arrs[i], json_object_get(obj, keys[i]));
}

/* arr_params: the n array literals, closed, as query parameters (into params). */
static void arr_params(struct buf *arrs, size_t n, const char **params)
{
    for (size_t i = 0; i < n; i++) {
        buf_puts(&arrs[i], arrs[i].len ? "}" : "{}");
        params[i] = buf_cstr(&arrs[i]);
    }
}

/* copy_keys: out[keys[i]] = obj[keys[i]] (null when absent) for n keys. */
static void copy_keys(json_t *out, const json_t *obj, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, keys[i]);
        json_object_set(out, keys[i], v ? v : json_null());
    }
}

/* arr_enum: append enum_values ev joined with commas (NULL when empty) to b; -1 with a
 * message when a value holds a comma (it could not be read back). */
static int arr_enum(struct buf *b, const json_t *ev, const char *where, struct buf *err)
{
    struct buf s = BUF_INIT;
    int rc = 0;
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
    if (rc == 0)
        arr_text(b, json_array_size(ev) ? buf_cstr(&s) : NULL);
    buf_free(&s);
    return rc;
}

/* bool_key: obj[key] as a JSON boolean, def when absent (validated: a boolean if present). */
static json_t *bool_key(const json_t *obj, const char *key, int def)
{
    const json_t *v = json_object_get(obj, key);
    return json_boolean(v ? json_is_true(v) : def);
}

/* The saved column's keys, in erd_store_load's order (enum_values follow). */
static const char *const col_keys[] = {"id", "name", "type", "is_pk", "is_nullable", "is_unique",
                                       "default", "comment"};
static const int col_arr[] = {C_ID, C_NAME, C_TYPE, C_PK, C_NULLABLE, C_UNIQUE, C_DEFAULT,
                              C_COMMENT};

/* enum_round_trip: enum_values ev survive their stored text unchanged — an array, and not
 * [""] (stored as "", read back as []). */
static int enum_round_trip(const json_t *ev)
{
    return json_is_array(ev) &&
           !(json_array_size(ev) == 1 && json_string_length(json_array_get(ev, 0)) == 0);
}

/* canonical_column: validated column c has exactly the keys and types erd_store_load answers,
 * so it can stand for itself in the saved model (the common case: the editor sends back what
 * it loaded). */
static int canonical_column(const json_t *c)
{
    return json_object_size(c) == 9 && json_is_boolean(json_object_get(c, "is_pk")) &&
           json_is_boolean(json_object_get(c, "is_nullable")) &&
           json_is_boolean(json_object_get(c, "is_unique")) && json_object_get(c, "default") &&
           json_object_get(c, "comment") && enum_round_trip(json_object_get(c, "enum_values"));
}

/* saved_column: column c as stored and read back (defaults applied). */
static json_t *saved_column(const json_t *c)
{
    json_t *out, *ev = json_object_get(c, "enum_values");
    if (canonical_column(c))
        return json_incref((json_t *)c);
    out = json_object();
    copy_keys(out, c, col_keys, sizeof col_keys / sizeof col_keys[0]);
    json_object_set_new(out, "is_pk", bool_key(c, "is_pk", 0));
    json_object_set_new(out, "is_nullable", bool_key(c, "is_nullable", 1));
    json_object_set_new(out, "is_unique", bool_key(c, "is_unique", 0));
    json_object_set_new(out, "enum_values", enum_round_trip(ev) ? json_incref(ev) : json_array());
    return out;
}

/* flatten_column: column c (index j) of entity eid into the column arrays and cols_out;
 * -1 with a message when its enum values cannot be stored. */
static int flatten_column(const json_t *c, const json_t *eid, size_t j, const char *where,
                          struct rows *rows, json_t *cols_out, struct buf *err)
{
    json_t *out;
    if (arr_enum(&rows->col[C_ENUM], json_object_get(c, "enum_values"), where, err) != 0)
        return -1;
    out = saved_column(c);
    for (size_t k = 0; k < sizeof col_arr / sizeof col_arr[0]; k++)
        arr_value(&rows->col[col_arr[k]], json_object_get(out, col_keys[k]));
    arr_value(&rows->col[C_ENTITY], eid);
    buf_printf(&rows->col[C_SORT], "%c%zu", rows->col[C_SORT].len ? ',' : '{', j);
    json_array_append_new(cols_out, out);
    return 0;
}

static const char *const ent_keys[] = {"id", "name", "x", "y", "color", "comment"};

/* flatten_entity: entity e (index i) and its columns into the arrays and rows->entities
 * (x, y as reals, 0 when absent; the default color). */
static int flatten_entity(const json_t *e, size_t i, struct rows *rows, struct buf *err)
{
    json_t *out = json_object(), *cols_out = json_array();
    const json_t *color = json_object_get(e, "color"), *cols = json_object_get(e, "columns");
    char where[96];
    copy_keys(out, e, ent_keys, sizeof ent_keys / sizeof ent_keys[0]);
    json_object_set_new(out, "x", json_real(json_number_value(json_object_get(e, "x"))));
    json_object_set_new(out, "y", json_real(json_number_value(json_object_get(e, "y"))));
    if (!json_is_string(color))
        json_object_set_new(out, "color", json_string("#6366f1"));
    arr_keys(rows->ent, out, ent_keys, E_N);
    json_object_set_new(out, "columns", cols_out);
    json_array_append_new(rows->entities, out);
    for (size_t j = 0; j < json_array_size(cols); j++) {
        snprintf(where, sizeof where, "entities[%zu].columns[%zu]", i, j);
        if (flatten_column(json_array_get(cols, j), json_object_get(e, "id"), j, where, rows,
                           cols_out, err) != 0)
            return -1;
    }
    return 0;
}

/* In erd_store_load's order, which is also the order of the relationship arrays. */
static const char *const rel_keys[] = {"id", "source_entity_id", "target_entity_id",
                                       "source_column_id", "target_column_id", "source_handle",
                                       "target_handle", "type", "label", "on_delete", "on_update"};

/* flatten_relationship: relationship rel into the arrays and rows->relationships. */
static void flatten_relationship(const json_t *rel, struct rows *rows)
{
    json_t *out = json_object();
    copy_keys(out, rel, rel_keys, R_N);
    arr_keys(rows->rel, out, rel_keys, R_N);
    json_array_append_new(rows->relationships, out);
}

/* flatten: a validated model into rows.  0, or -1 with a message. */
static int flatten(const json_t *model, struct rows *rows, struct buf *err)
{
    const json_t *ents = json_object_get(model, "entities");
    const json_t *rels = json_object_get(model, "relationships");
    int rc = 0;
    rows->entities = json_array();
    rows->relationships = json_array();
    for (size_t i = 0; i < json_array_size(ents) && rc == 0; i++)
        rc = flatten_entity(json_array_get(ents, i), i, rows, err);
    for (size_t i = 0; i < json_array_size(rels) && rc == 0; i++)
        flatten_relationship(json_array_get(rels, i), rows);
    return rc;
}

static void rows_free(struct rows *rows)
{
    for (size_t k = 0; k < E_N; k++)
        buf_free(&rows->ent[k]);
    for (size_t k = 0; k < C_N; k++)
        buf_free(&rows->col[k]);
    for (size_t k = 0; k < R_N; k++)
        buf_free(&rows->rel[k]);
    json_decref(rows->entities);
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

/* update_diagram: the optimistic-lock UPDATE.  0 with *diagram = its one row (id, uid, name,
 * viewport x, y, zoom, _version); NOT_FOUND/CONFLICT (with *current loaded on CONFLICT); DB. */
static int update_diagram(struct req *r, const char *uid, int base_version, const json_t *model,
                          const PGresult **diagram, json_t **current)
{
    const json_t *vp = json_object_get(model, "viewport");
    const char *name = json_string_value(json_object_get(model, "name"));
    PGresult *res = db_query(r, SQL_UPDATE_DIAGRAM,
        DB_ARGS(uid, r->user->id, name, num_param(r, vp, "x"), num_param(r, vp, "y"),
                num_param(r, vp, "zoom"), arena_printf(r->arena, "%d", base_version)));
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

/* save_table: run one table's statement with its n arrays and the diagram id.  0;
 * ERD_STORE_INVALID naming the id it found taken (the caller rolls back); DB. */
static int save_table(struct req *r, const char *sql, const char *table, struct buf *arrs,
                      size_t n, const char *diagram_id, const json_t *model, struct buf *err)
{
    const char *params[C_N + 1];
    arr_params(arrs, n, params);
    params[n] = diagram_id;
    PGresult *res = db_query(r, sql, params, (int)n + 1);
    if (!res)
        return ERD_STORE_DB;
    if (PQntuples(res) == 0)
        return ERD_STORE_OK;
    item_path(model, db_val(res, 0, 0), table, err);
    buf_printf(err, ": id '%s' is already used by another diagram; use a new id", db_val(res, 0, 0));
    return ERD_STORE_INVALID;
}

/* save_children: entities, columns, relationships, each in one statement. */
static int save_children(struct req *r, const char *diagram_id, const json_t *model,
                         struct rows *rows, struct buf *err)
{
    int rc = save_table(r, SQL_SAVE_ENTITIES, "entities", rows->ent, E_N, diagram_id, model, err);
    if (rc == ERD_STORE_OK)
        rc = save_table(r, SQL_SAVE_COLUMNS, "columns", rows->col, C_N, diagram_id, model, err);
    if (rc == ERD_STORE_OK)
        rc = save_table(r, SQL_SAVE_RELATIONSHIPS, "relationships", rows->rel, R_N, diagram_id,
                        model, err);
    return rc;
}

/* saved_model: the stored model — the diagram row's header and the flattened children, which
 * are exactly what erd_store_load would read back. */
static json_t *saved_model(const PGresult *d, const struct rows *rows)
{
    return json_pack("{s:s, s:s, s:I, s:{s:f, s:f, s:f}, s:O, s:O}", "uid", db_val(d, 0, 1),
                     "name", db_val(d, 0, 2), "_version", (json_int_t)db_int(d, 0, 6), "viewport",
                     "x", strtod(db_val(d, 0, 3), NULL), "y", strtod(db_val(d, 0, 4), NULL),
                     "zoom", strtod(db_val(d, 0, 5), NULL), "entities", rows->entities,
                     "relationships", rows->relationships);
}

int erd_store_save(struct req *r, const char *uid, int base_version, const json_t *model,
                   json_t **saved)
{
    struct rows rows;
    struct buf err = BUF_INIT;
    const PGresult *d = NULL;
    int rc = ERD_STORE_INVALID;
    memset(&rows, 0, sizeof rows);
    *saved = NULL;
    if (erd_validate(model, &err) != 0 || check_name(model, &err) != 0 ||
        flatten(model, &rows, &err) != 0)
        goto out;
    rc = update_diagram(r, uid, base_version, model, &d, saved);
    if (rc != ERD_STORE_OK)
        goto out;
    rc = save_children(r, db_val(d, 0, 0), model, &rows, &err);
    if (rc == ERD_STORE_OK)
        *saved = saved_model(d, &rows);
out:
    if (rc == ERD_STORE_INVALID)
        *saved = json_pack("{s:s, s:s}", "error", "invalid", "message", buf_cstr(&err));
    rows_free(&rows);
    buf_free(&err);
    return rc;
}
