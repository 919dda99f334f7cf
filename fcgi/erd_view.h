/* erd_view.h — an erd_doc with its relationships resolved to entity and column indexes: the
 * one reading of "which columns does this relationship link" shared by the exporters
 * (ddl_export*.c), the SVG renderer (svg_erd.c) and the diff (erd_diff.c). */
#ifndef CARD_ERD_VIEW_H
#define CARD_ERD_VIEW_H
#include "erd_doc.h"
#include <stdbool.h>
#include <stddef.h>
struct arena;

/* erd_fk: relationship rel resolved, in ERD Builder Pro's direction: child = source (the
 * table holding the foreign key, its column source_column_id), parent = target (the
 * referenced, "one" side, its column target_column_id).  A column is the one given by id; else, on the parent, its single primary key;
 * on the child, its single primary key for many-to-many and its <parent>_id column
 * (case-insensitive, parent name without schema) otherwise; -1 when none of these exists. */
struct erd_fk {
    size_t rel, parent, child;
    long parent_col, child_col;
    const char *type;            /* "one-to-one" | "one-to-many" | "many-to-many" (unknown:
                                    "one-to-many") */
};

struct erd_view {
    const struct erd_doc *doc;
    struct erd_fk *fks;          /* relationships whose two entities exist, in model order */
    size_t nfk;
};

enum { ERD_VIEW_OK = 0, ERD_VIEW_UNNAMED = -1 };

/* erd_view_init: resolve doc's relationships into v (arena memory; doc is borrowed).  An
 * entity id given twice names the first such entity.  Always fills v; returns ERD_VIEW_OK,
 * or ERD_VIEW_UNNAMED when an entity or column has no name (the exporters and the diff
 * refuse such a doc; the SVG draws it). */
int erd_view_init(struct arena *a, struct erd_view *v, const struct erd_doc *doc);
/* erd_view_column: column j of entity i, or NULL when j < 0. */
const struct erd_column *erd_view_column(const struct erd_view *v, size_t i, long j);
/* erd_view_rel: the relationship fk was resolved from. */
const struct erd_relationship *erd_view_rel(const struct erd_view *v, const struct erd_fk *fk);
/* erd_fk_is_m2m: fk is many-to-many. */
bool erd_fk_is_m2m(const struct erd_fk *fk);
/* erd_short_name: the part of an entity name after its schema ("s.t" → "t"). */
const char *erd_short_name(const char *name);
#endif
