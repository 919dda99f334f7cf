/* ddl_sql.h — SQL DDL pieces shared by the exporter (ddl_export_sql.c) and the diff
 * (erd_diff.c), written for PostgreSQL, MySQL or SQLite (EXPORT_POSTGRES / _MYSQL /
 * _SQLITE; any other format writes PostgreSQL).  Owned by ddl_sql.c. */
#ifndef CARD_DDL_SQL_H
#define CARD_DDL_SQL_H
#include "ddl_export.h"
#include <stdbool.h>
#include <stddef.h>
struct buf;
struct strmap;
struct erd_column;
struct erd_entity;
struct erd_relationship;
struct erd_view;
struct erd_fk;

/* ddl_sql_ident: name quoted for dialect f ("schema.table" quoted part by part).
 * ddl_sql_column_ident: a column (or constraint) name, quoted whole, never split at dots. */
void ddl_sql_ident(struct buf *out, const char *name, enum export_format f);
void ddl_sql_column_ident(struct buf *out, const char *name, enum export_format f);
/* ddl_sql_literal: s as an SQL string literal (quotes doubled; MySQL backslashes too). */
void ddl_sql_literal(struct buf *out, const char *s, enum export_format f);
/* ddl_sql_comment_text: s on one line for a -- comment (control characters become spaces). */
void ddl_sql_comment_text(struct buf *out, const char *s);

/* ddl_sql_type: the column's type mapped to dialect f (enum columns: the PostgreSQL enum
 * type name, MySQL ENUM(…)/SET(…), SQLite TEXT); entity names the enum type. */
void ddl_sql_type(struct buf *out, const struct erd_entity *entity, const struct erd_column *col,
                  enum export_format f);
/* ddl_sql_is_enum: the column is an enum (enum_values, or type enum(…)/set(…)). */
bool ddl_sql_is_enum(const struct erd_column *col);
/* ddl_sql_enum_types: PostgreSQL CREATE TYPE … AS ENUM for the entity's enum columns whose
 * type name is not yet in seen (added to it). */
void ddl_sql_enum_types(struct buf *out, const struct erd_entity *entity, struct strmap *seen);
/* ddl_sql_key_type: the type of a column referencing one of this type (serials become
 * their integer type). */
const char *ddl_sql_key_type(const char *type);

/* ddl_sql_column_def: "name type [NOT NULL] [DEFAULT …] [UNIQUE] [PRIMARY KEY]" (PRIMARY KEY
 * only when inline_pk; SQLite enums get a CHECK, MySQL comments a COMMENT). */
void ddl_sql_column_def(struct buf *out, const struct erd_entity *entity,
                        const struct erd_column *col, enum export_format f, bool inline_pk);
/* ddl_sql_count_pk: the entity's primary-key columns. */
size_t ddl_sql_count_pk(const struct erd_entity *e);
/* ddl_sql_create_table: CREATE TABLE for e, with extra (NULL or "") as further table-level
 * lines, then its comments (PostgreSQL: COMMENT ON; MySQL: COMMENT=; SQLite: -- lines).
 * MySQL and SQLite skip a table without columns (a comment says so). */
void ddl_sql_create_table(struct buf *out, const struct erd_entity *e, enum export_format f,
                          const char *extra);

/* ddl_sql_generated_name: fk_<table without schema>_<column> in lower case, as ERD Builder
 * Pro's exporter names them, at most 63 bytes, unquoted. */
void ddl_sql_generated_name(struct buf *out, const char *table, const char *col);
/* ddl_sql_fk_name: the constraint name of fk (its constraint_name when a valid identifier,
 * else the generated name for the child — the source — table and column), unquoted. */
void ddl_sql_fk_name(struct buf *out, const struct erd_view *v, const struct erd_fk *fk);
/* ddl_sql_references: "FOREIGN KEY (col) REFERENCES parent (pcol) [ON DELETE …] [ON UPDATE …]"
 * with rel's actions. */
void ddl_sql_references(struct buf *out, const char *col, const char *parent, const char *pcol,
                        const struct erd_relationship *rel, enum export_format f);
/* ddl_sql_fk_clause: ddl_sql_references for fk; -1 (nothing written) when its columns are
 * unresolved. */
int ddl_sql_fk_clause(struct buf *out, const struct erd_view *v, const struct erd_fk *fk,
                      enum export_format f);
#endif
