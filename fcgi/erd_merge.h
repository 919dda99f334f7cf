/* erd_merge.h — combining an imported model with the diagram it is imported into
 * (POST /api/diagrams/:uid/import?mode=merge) and giving a model read from our JSON fresh ids. */
#ifndef CARD_ERD_MERGE_H
#define CARD_ERD_MERGE_H
struct arena;
struct erd_doc;

/* erd_merge: *out = cur plus imp, tables matched by name (letter case ignored): a matched table
 * keeps its id, position and colour, takes the imported columns' definitions (a column matched
 * by name keeps its id) and keeps its own other columns after them; unmatched imported tables
 * are added to the right of the current ones, as the import laid them out; every current
 * relationship is kept and the imported ones are added unless one joins the same columns.
 * Nothing is removed.  out's header (uid, name, version, viewport) is cur's; memory from a. */
void erd_merge(struct arena *a, const struct erd_doc *cur, const struct erd_doc *imp,
               struct erd_doc *out);

/* erd_reid: give every entity, column and relationship of doc a fresh id (erd_new_id),
 * relationships following their tables and columns; references to ids doc does not hold
 * become NULL.  Memory from a. */
void erd_reid(struct arena *a, struct erd_doc *doc);
#endif
