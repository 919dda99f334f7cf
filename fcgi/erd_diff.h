/* erd_diff.h — what changed between two ERD models, and the PostgreSQL migration script
 * (CREATE/ALTER/DROP) that takes a database from the first to the second.  Tables and
 * columns are matched by id first, then by name, so renames done in the editor are renames. */
#ifndef CARD_ERD_DIFF_H
#define CARD_ERD_DIFF_H
#include <jansson.h>
struct buf;
struct erd_doc;

/* erd_diff: returns a new JSON object
 *   {"tables":   {"added":[names], "removed":[names], "changed":[{"name","renamed_from"?}]},
 *    "columns":  {"added":[{"table","column"}], "removed":[…], "changed":[{"table","column","what":[…]}]},
 *    "relationships": {"added":[…], "removed":[…], "changed":[…]},
 *    "summary": "3 tables added, 1 column changed…", "empty": true|false}
 * and, when sql is not NULL, appends the PostgreSQL script to it.  NULL (nothing appended)
 * when an entity or column of either doc has no name. */
json_t *erd_diff(const struct erd_doc *from, const struct erd_doc *to, struct buf *sql);
#endif
