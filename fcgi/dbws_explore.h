/* dbws_explore.h — the table explorer's SQL (issue 14): a page of a table's rows with sort,
 * filters per column and a full-row search, and row edits (update a cell, insert, delete by
 * primary key), written per dialect as parameterized statements.  Identifiers come only from
 * the live catalog's entity (a name not in it is refused) and are quoted per dialect; values
 * only ever travel as parameters.  Pure functions over an arena, tested without servers. */
#ifndef CARD_DBWS_EXPLORE_H
#define CARD_DBWS_EXPLORE_H
#include "dbws.h"
#include <jansson.h>

struct erd_entity;

/* One filter: column op value(s).  ops: "=", "<>", "<", ">", "contains", "starts_with",
 * "is_null", "not_null", "in". */
struct dbws_filter {
    const char *column, *op;
    const char *const *values;
    int nvalues;
};

struct dbws_explore_q {
    const char *sort;            /* a column, or NULL: primary key order */
    int desc;
    const struct dbws_filter *filters;
    int nfilters;
    const char *search;          /* full-row search (any column's text contains it), or NULL */
    long page, page_size;        /* 1-based page */
};

#define DBWS_PAGE_SIZE_DEFAULT 50
#define DBWS_PAGE_SIZE_MAX 1000

/* dbws_quote_ident: name quoted for the dialect ("…" or `…`, quote doubled); a PostgreSQL
 * "schema.table" as the catalog names tables outside the search path becomes two. */
const char *dbws_quote_ident(struct arena *a, enum dbws_type t, const char *name, int is_table);

/* dbws_explore_read: the count and page statements for q over table e.  0, or -1 with *msg
 * (an unknown column or operator). */
int dbws_explore_read(struct arena *a, enum dbws_type t, const struct erd_entity *e,
                      const struct dbws_explore_q *q, struct dbws_stmt *count, struct dbws_stmt *page,
                      const char **msg);

/* dbws_explore_changes: the statements of changes, a JSON array of
 *   {"op": "update", "key": {pk: value…}, "values": {column: value…}}
 *   {"op": "insert", "values": {column: value…}}
 *   {"op": "delete", "key": {pk: value…}}
 * (the key naming every primary-key column; values JSON scalars, null for NULL) on table e,
 * each to change exactly one row.  *out (arena) and *n; 0, or -1 with *msg (no primary key,
 * an unknown column, a bad change). */
int dbws_explore_changes(struct arena *a, enum dbws_type t, const struct erd_entity *e, json_t *changes,
                         struct dbws_stmt **out, int *n, const char **msg);

/* dbws_explore_stmt_json: {"sql", "params"} of a statement, to show before it runs. */
json_t *dbws_explore_stmt_json(const struct dbws_stmt *s);
#endif
