/* erd_doc.h — the ERD model (erd_model.h's JSON shape) as plain C structs, for the paths that
 * must stay fast on big diagrams: loading (GET, the editor page), saving (PUT) and drawing
 * the SVG; the importers build it, the exporters and the diff read it (erd_view.h).  A jansson
 * tree of a 500-table diagram costs ~30 ms to parse and ~13 ms to print; these structs are read
 * from JSON with yajl's event parser, printed by a direct writer and filled straight from
 * PGresults, with every string in the request's arena (or in a PGresult the arena owns).
 *
 * Strings are NUL-terminated UTF-8; NULL stands for JSON null (or an absent optional key). */
#ifndef CARD_ERD_DOC_H
#define CARD_ERD_DOC_H
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;

struct erd_column {
    const char *id, *name, *type;
    const char *default_value, *comment;    /* NULL: null */
    const char **enum_values;               /* n_enum strings */
    size_t n_enum;
    bool is_pk, is_nullable, is_unique;     /* absent: false, true, false */
};

struct erd_entity {
    const char *id, *name;
    const char *color;                      /* absent or null: ERD_DEFAULT_COLOR */
    const char *comment;                    /* NULL: null */
    double x, y;                            /* absent: 0 */
    struct erd_column *columns;
    size_t ncolumns;
};

struct erd_relationship {
    const char *id, *source_entity_id, *target_entity_id, *type;
    /* NULL: null */
    const char *source_column_id, *target_column_id, *source_handle, *target_handle, *label,
        *on_delete, *on_update;
    const char *constraint_name;            /* NULL: null (exporters make fk_<table>_<col>) */
};

enum { ERD_VP_X, ERD_VP_Y, ERD_VP_ZOOM, ERD_VP_N };
/* The zoom a stored viewport may have (erd_doc_check); the editor's own limits lie within. */
#define ERD_ZOOM_MIN 0.01
#define ERD_ZOOM_MAX 10.0

struct erd_doc {
    const char *uid;                        /* NULL when absent (documents sent to PUT) */
    const char *name;                       /* NULL: absent or null (keep the stored name) */
    long long version;                      /* _version; has_version says whether given */
    bool has_version;
    double viewport[ERD_VP_N];              /* x, y, zoom; has_viewport[k]: given */
    bool has_viewport[ERD_VP_N];
    struct erd_entity *entities;
    size_t nentities;
    struct erd_relationship *relationships;
    size_t nrelationships;
};

/* ---- ids -------------------------------------------------------------------------------- */

/* An index of every id in a doc: entity ids → entity index, column ids → (entity, column). */
struct erd_index_slot {
    const char *id;
    long entity;    /* index in doc->entities */
    long column;    /* index in that entity's columns, -1 for the entity itself */
    int kind;       /* ERD_ID_ENTITY, ERD_ID_COLUMN, ERD_ID_RELATIONSHIP */
};
enum { ERD_ID_ENTITY = 1, ERD_ID_COLUMN, ERD_ID_RELATIONSHIP };

struct erd_index {
    struct erd_index_slot *slots;   /* open addressing, cap a power of two (arena) */
    size_t cap;
};

/* erd_index_build: index doc's ids (entities, their columns, relationships).  0, or -1
 * with the first duplicate's location in *dup_at: the kind, entity/column or relationship
 * index (relationship index in .entity), and its id. */
int erd_index_build(struct arena *a, const struct erd_doc *doc, struct erd_index *idx,
                    struct erd_index_slot *dup_at);
/* erd_index_find: the slot of id, or NULL. */
const struct erd_index_slot *erd_index_find(const struct erd_index *idx, const char *id);

/* ---- checking --------------------------------------------------------------------------- */

/* erd_doc_check: 0 when doc can be stored — ids unique, names and types non-empty, lengths
 * and counts within erd_model.h's limits, relationships pointing at existing entities and at
 * columns of those entities, kinds and referential actions known, enum values free of commas
 * (they are stored comma-separated), a viewport zoom within ERD_ZOOM_MIN..MAX; otherwise -1
 * and a message naming the item
 * ("entities[3].columns[2]: name is empty"). */
int erd_doc_check(struct arena *a, const struct erd_doc *doc, struct buf *err);

/* ---- JSON -------------------------------------------------------------------------------- */

enum { ERD_PARSE_OK = 0, ERD_PARSE_SYNTAX = -1, ERD_PARSE_SHAPE = -2 };

/* erd_doc_parse: read a model from JSON text (len bytes, valid UTF-8 without NUL bytes as
 * the dispatcher guarantees) into *doc, strings copied into the arena.  Keys other than the
 * model's are ignored (their values skipped).  Returns
 *   ERD_PARSE_OK;
 *   ERD_PARSE_SYNTAX  not JSON, nested deeper than 64, a known key twice in one object, or a
 *                     string holding \u0000 — err says what and at which byte (answer 400);
 *   ERD_PARSE_SHAPE   JSON, but a value of the wrong type, too many items, or a string holding
 *                     a lone UTF-16 surrogate escape ("\ud800" names no character: it
 *                     would be stored as '?'), err naming the
 *                     item as erd_doc_check does ("entities[0]: x is not a finite number",
 *                     "model: is not an object") (answer 422). */
int erd_doc_parse(struct arena *a, const char *text, size_t len, struct erd_doc *doc,
                  struct buf *err);

/* erd_doc_write_json: append doc as the API's model JSON — {uid, name, _version, viewport,
 * entities, relationships} with every key present (null where NULL), in erd_model.h's key
 * order. */
void erd_doc_write_json(const struct erd_doc *doc, struct buf *out);

/* erd_doc_write_document: append doc as a standalone model file (the export's JSON): as
 * erd_doc_write_json without uid and _version, indented by two spaces, ending in a newline. */
void erd_doc_write_document(const struct erd_doc *doc, struct buf *out);

#endif
