/* erd_model.h — the ERD model: one JSON shape shared by the API and the editor, its limits
 * and its default colour.  On the server the model is a struct erd_doc (erd_doc.h), read from
 * and written to this JSON by erd_doc_json.c; the exporters, the SVG renderer and the diff
 * read erd_docs (through erd_view.h), the importers build them: no jansson tree of a model
 * exists anywhere.
 *
 * The JSON:
 * {
 *   "uid": "…", "name": "…", "_version": 3,                    (absent in pure documents)
 *   "viewport": {"x": 0, "y": 0, "zoom": 1},
 *   "entities": [
 *     {"id": "e_…", "name": "users", "x": 40, "y": 40, "color": "#6366f1",
 *      "comment": null | "text",
 *      "columns": [
 *        {"id": "c_…", "name": "id", "type": "bigserial",   (full SQL type as written:
 *                                                             varchar(160), numeric(10,2))
 *         "is_pk": true, "is_nullable": false, "is_unique": false,
 *         "default": null | "now()",                         (SQL expression text)
 *         "comment": null | "text",
 *         "enum_values": [] | ["a", "b"]}                    (stored joined with ", " in DB, as
 *                                                             ERD Builder Pro does; read split
 *                                                             on "," and trimmed)
 *      ]}
 *   ],
 *   "relationships": [
 *     {"id": "r_…", "source_entity_id": "e_child", "target_entity_id": "e_parent",
 *      "source_column_id": "c_…" | null, "target_column_id": "c_…" | null,
 *      "source_handle": null | "…", "target_handle": null | "…",
 *      "type": "one-to-one" | "one-to-many" | "many-to-many",
 *      "label": null | "text",                          (the edge's text: "1:N", "1:1", "N:M")
 *      "on_delete": null | "CASCADE" | "SET NULL" | "RESTRICT" | "NO ACTION" | "SET DEFAULT",
 *      "on_update": null | …,
 *      "constraint_name": null | "fk_…"}               (the foreign key's name in SQL; null:
 *                                                       exports use fk_<child>_<column>)
 *   ]
 * }
 * A foreign key child.col → parent.col is a relationship in ERD Builder Pro's direction:
 * source = child, the table holding the key (source_column_id = the referencing column, the
 * "many" end), target = parent, the referenced table (target_column_id = the referenced
 * column, the "one" end) — as its SQL importer's processRel(child, fkColumn, parent,
 * refColumn) and its exporter's ALTER TABLE <source> … FOREIGN KEY (<sourceCol>) REFERENCES
 * <target>(<targetCol>) have it; one-to-one when the child column is unique or its sole
 * primary key.
 * Entity names are unqualified for the default schema ("public" in PostgreSQL, "main" in
 * SQLite) and "schema.table" otherwise.  Ids are text, unique across the whole database
 * (they are primary keys of shared tables), made by erd_new_id().
 */
#ifndef CARD_ERD_MODEL_H
#define CARD_ERD_MODEL_H
#include "files.h"
#include <stddef.h>

#define ERD_ID_MAX 64

/* Limits enforced by erd_doc_check (and respected by importers). */
#define ERD_MAX_ENTITIES 10000
#define ERD_MAX_COLUMNS 1000        /* per entity */
#define ERD_MAX_RELATIONSHIPS 50000
#define ERD_MAX_NAME 255            /* bytes, entity/column names */
#define ERD_MAX_TYPE 255
#define ERD_MAX_TEXT 10000          /* comments, defaults, labels */
#define ERD_MAX_DIAGRAM_NAME FILE_NAME_MAX /* bytes, the diagram's own name (a file title) */
/* ERD_STR: a limit as a string literal, for messages. */
#define ERD_STR_(x) #x
#define ERD_STR(x) ERD_STR_(x)

/* The colour of an entity that names none (absent or null "color"). */
#define ERD_DEFAULT_COLOR PALETTE_DEFAULT

/* erd_type_label: the text ERD Builder Pro shows on an edge of relationship type t:
 * "1:1", "1:N" (also for an unknown type) or "N:M". */
const char *erd_type_label(const char *t);

/* erd_new_id: write prefix + 22 random base64url characters (libsodium RNG) into out. */
void erd_new_id(char out[ERD_ID_MAX], const char *prefix);

#endif
