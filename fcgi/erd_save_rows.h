/* erd_save_rows.h — saving a diagram's entities, columns and relationships by a diff worked
 * out in C against the stored rows: only rows that are new, changed or gone reach the
 * database (an autosave after moving one table writes one row).  Used by erd_store.c inside its
 * transaction, after the diagram row is locked by the optimistic-lock UPDATE. */
#ifndef CARD_ERD_SAVE_ROWS_H
#define CARD_ERD_SAVE_ROWS_H
#include "erd_doc.h"
#include <libpq-fe.h>
#include <stdbool.h>

struct req;

/* erd_save_read_entities: the diagram's stored entities (once per save: erd_store.c plans
 * the column rewrites from their digests, erd_save_entities diffs them), or NULL on a
 * database error.  erd_stored_entity_id / _digest: row's id, and its columns digest (NULL
 * when it has none) — the only parts of the result anyone but this file reads. */
const PGresult *erd_save_read_entities(struct req *r, const char *diagram_id);
const char *erd_stored_entity_id(const PGresult *stored, int row);
const char *erd_stored_entity_digest(const PGresult *stored, int row);

/* erd_save_entities / erd_save_relationships: write the difference between doc and the
 * stored rows (stored: erd_save_read_entities's result; relationships are read here).
 * Entities and relationships are read back in created_at, id order: while the kept rows are
 * in their stored order and new rows come last, kept rows keep created_at and new ones get
 * later times; otherwise every row is rewritten with times in the model's order.
 * ERD_STORE_OK; ERD_STORE_INVALID with *taken = an incoming id that belongs to another
 * diagram (the caller names it and rolls back); ERD_STORE_DB. */
int erd_save_entities(struct req *r, const char *diagram_id, const struct erd_doc *doc,
                      const struct erd_index *idx, const PGresult *stored, const char **taken);
int erd_save_relationships(struct req *r, const char *diagram_id, const struct erd_doc *doc,
                           const struct erd_index *idx, const char **taken);

/* erd_save_columns: the same for the columns of the entities with rewrite[i] set (their ids
 * as an array literal in rewrite_ids): only those entities' stored columns are read and
 * compared; the others' columns are known unchanged (erd_store.c's digests). */
int erd_save_columns(struct req *r, const struct erd_doc *doc, const struct erd_index *idx,
                     const bool *rewrite, const char *rewrite_ids, const char **taken);
#endif
