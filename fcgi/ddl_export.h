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
#endif
