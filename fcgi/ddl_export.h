/* ddl_export.h — an ERD model out as SQL DDL (PostgreSQL, MySQL, SQLite), DBML, Mermaid
 * erDiagram or JSON.  SVG lives in svg_erd.h.  Output is deterministic for one model. */
#ifndef CARD_DDL_EXPORT_H
#define CARD_DDL_EXPORT_H
#include <jansson.h>
struct buf;

enum export_format { EXPORT_POSTGRES, EXPORT_MYSQL, EXPORT_SQLITE, EXPORT_DBML,
                     EXPORT_MERMAID, EXPORT_JSON };

/* export_format_from_name: "postgres", "mysql", "sqlite", "dbml", "mermaid", "json";
 * 0 and *out set, or -1. */
int export_format_from_name(const char *name, enum export_format *out);
/* export_content_type / export_file_ext: for the download ("application/sql", ".sql"…). */
const char *export_content_type(enum export_format f);
const char *export_file_ext(enum export_format f);
/* ddl_export: append the model in format f to out.  0, or -1 if the model is malformed. */
int ddl_export(const json_t *model, enum export_format f, struct buf *out);

/* ---- shared by the exporters, svg_erd.c and erd_diff.c -------------------------------- */

/* erd_fk: one relationship resolved to entity and column indexes.  parent = source (the
 * referenced, "one" side), child = target.  A column index is -1 when it could not be
 * resolved (no column given, no single primary key, no <parent>_id column). */
struct erd_fk {
    size_t rel, parent, child;
    long parent_col, child_col;
    const char *type;            /* "one-to-one" | "one-to-many" | "many-to-many" */
};

/* erd_view: a checked model with its relationships resolved (borrowed references). */
struct erd_view {
    const json_t *entities, *rels;
    size_t nent, nrel, nfk;
    struct erd_fk *fks;          /* relationships whose two entities exist, in model order */
};

/* ddl_export_view_init: check the model's shape and resolve its relationships; 0, or -1
 * (nothing to free) when the model is malformed.  Free with ddl_export_view_free. */
int ddl_export_view_init(struct erd_view *v, const json_t *model);
void ddl_export_view_free(struct erd_view *v);
/* ddl_export_str: obj[key] when it is a string, else NULL.  ddl_export_flag: 1 when true. */
const char *ddl_export_str(const json_t *obj, const char *key);
int ddl_export_flag(const json_t *obj, const char *key);
/* ddl_export_entity / ddl_export_column: entities[i], and column j of entity i. */
const json_t *ddl_export_entity(const struct erd_view *v, size_t i);
const json_t *ddl_export_column(const struct erd_view *v, size_t i, long j);
/* ddl_export_ident: name quoted for dialect f ("schema.table" quoted part by part). */
void ddl_export_ident(struct buf *out, const char *name, enum export_format f);
/* ddl_export_literal: s as an SQL string literal (quotes doubled; MySQL backslashes too). */
void ddl_export_literal(struct buf *out, const char *s, enum export_format f);
/* ddl_export_type: the column's type mapped to dialect f (enum columns: the PG enum type
 * name, MySQL ENUM(…), SQLite TEXT). */
void ddl_export_type(struct buf *out, const json_t *entity, const json_t *col, enum export_format f);
/* ddl_export_is_enum: 1 when the column is an enum (enum_values, or type enum(…)/set(…)). */
int ddl_export_is_enum(const json_t *col);
/* ddl_export_enum_types: PostgreSQL CREATE TYPE … AS ENUM for the entity's enum columns
 * whose type name is not yet a key of seen (added to it). */
void ddl_export_enum_types(struct buf *out, const json_t *entity, json_t *seen);
/* ddl_export_column_def: "name type [NOT NULL] [DEFAULT …] [UNIQUE] [PRIMARY KEY]"
 * (PRIMARY KEY only when inline_pk). */
void ddl_export_column_def(struct buf *out, const json_t *entity, const json_t *col,
                           enum export_format f, int inline_pk);
/* ddl_export_create_table: CREATE TABLE for entity i (SQLite: with its foreign keys inline;
 * other dialects: none) and its comments. */
void ddl_export_create_table(struct buf *out, const struct erd_view *v, size_t i, enum export_format f);
/* ddl_export_fk_name: the constraint name of relationship fk (label when a valid
 * identifier, else fk_<child>_<col>), unquoted. */
void ddl_export_fk_name(struct buf *out, const struct erd_view *v, const struct erd_fk *fk);
/* ddl_export_fk_clause: "FOREIGN KEY (col) REFERENCES parent (pcol) [ON DELETE …] [ON UPDATE …]"; -1 when
 * the relationship's columns are unresolved. */
int ddl_export_fk_clause(struct buf *out, const struct erd_view *v, const struct erd_fk *fk,
                         enum export_format f);
/* ddl_export_sql: the whole SQL script for f (EXPORT_POSTGRES/MYSQL/SQLITE). */
void ddl_export_sql(struct buf *out, const json_t *model, const struct erd_view *v, enum export_format f);
/* ddl_export_short_name: the part of an entity name after its schema ("s.t" → "t"). */
const char *ddl_export_short_name(const char *name);
#endif
