/* ddl_export.h — an ERD model out as SQL DDL (PostgreSQL, MySQL, SQLite), DBML, Mermaid
 * erDiagram or JSON.  SVG lives in svg_erd.h.  Output is deterministic for one model. */
#ifndef CARD_DDL_EXPORT_H
#define CARD_DDL_EXPORT_H
struct arena;
struct buf;
struct erd_doc;
struct erd_view;

enum export_format { EXPORT_POSTGRES, EXPORT_MYSQL, EXPORT_SQLITE, EXPORT_DBML,
                     EXPORT_MERMAID, EXPORT_JSON };

/* export_format_from_name: "postgres", "mysql", "sqlite", "dbml", "mermaid", "json";
 * 0 and *out set, or -1. */
int export_format_from_name(const char *name, enum export_format *out);
/* export_content_type / export_file_ext: for the download ("application/sql", ".sql"…). */
const char *export_content_type(enum export_format f);
const char *export_file_ext(enum export_format f);
/* ddl_export: append doc in format f to out (JSON: the model without uid and _version,
 * indented).  0, or -1 (nothing appended) when an entity or column has no name. */
int ddl_export(const struct erd_doc *doc, enum export_format f, struct buf *out);
/* ddl_export_sql: the whole SQL script of the view's doc for f (EXPORT_POSTGRES, _MYSQL or
 * _SQLITE), scratch memory in a (ddl_export_sql.c). */
void ddl_export_sql(struct buf *out, struct arena *a, const struct erd_view *v, enum export_format f);
#endif
