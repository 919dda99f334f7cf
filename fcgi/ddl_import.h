/* ddl_import.h — SQL DDL (PostgreSQL, MySQL/MariaDB, SQLite) into an ERD model.
 *
 * PostgreSQL goes through libpg_query (the real parser), SQLite through SQLite itself
 * (in-memory database, authorizer allowing schema statements only, then pragmas), MySQL
 * through our own reader.  Statements that do not model (functions, views, triggers,
 * inserts, grants, comments that don't attach) are skipped and counted. */
#ifndef CARD_DDL_IMPORT_H
#define CARD_DDL_IMPORT_H
#include <stddef.h>

struct arena;
struct erd_doc;

enum ddl_dialect { DDL_POSTGRES, DDL_MYSQL, DDL_SQLITE, DDL_DBML };

struct ddl_error {
    int line, column;       /* 1-based position of a syntax error, 0 when unknown */
    char message[512];
};

/* ddl_dialect_from_name: "postgres"/"postgresql"/"pg", "mysql"/"mariadb", "sqlite", "dbml";
 * returns 0 and sets *out, or -1 for an unknown name. */
int ddl_dialect_from_name(const char *name, enum ddl_dialect *out);

/* ddl_import: parse sql[0..len) (need not be NUL-terminated; NUL bytes or invalid UTF-8
 * are an error) into *out, a new model whose strings and arrays live in a: the tables in the
 * order the DDL defines them (fresh ids, no uid, name or version, viewport 0/0/1), one
 * relationship per distinct foreign key between them, placed by erd_layout; *skipped =
 * statements not modelled.  Returns 0, or -1 with err filled, *out empty and nothing
 * allocated in a. */
int ddl_import(struct arena *a, const char *sql, size_t len, enum ddl_dialect dialect,
               struct erd_doc *out, int *skipped, struct ddl_error *err);

#define DDL_IMPORT_SECONDS 10      /* ddl_import's time budget (CARD_IMPORT_SECONDS's default) */
#define DDL_MAX_STATEMENTS 500000  /* statements one import may read (empty ones not counted) */

/* ddl_import_timed: ddl_import within seconds of wall-clock time (<= 0: DDL_IMPORT_SECONDS)
 * and at most DDL_MAX_STATEMENTS statements; past either, -1 with a message saying which.
 * ddl_import is ddl_import_timed with DDL_IMPORT_SECONDS. */
int ddl_import_timed(struct arena *a, const char *sql, size_t len, enum ddl_dialect dialect,
                     int seconds, struct erd_doc *out, int *skipped, struct ddl_error *err);
#endif
