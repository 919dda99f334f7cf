/* dbws_sqltext.h — reading SQL text without a database, for the server side of the SQL editor:
 * whether a script writes (the same rule as the editor's confirmation before running,
 * editors/src/sqleditor/split.js: statements split on ';' outside strings, comments, MySQL
 * backquotes and PostgreSQL dollar quotes; a statement writes unless it plainly only reads), and
 * the SQL inside an AI model's answer (its first fenced block). */
#ifndef CARD_DBWS_SQLTEXT_H
#define CARD_DBWS_SQLTEXT_H
#include "dbws.h"

struct arena;

/* dbws_sql_statement_writes: split.js's isWrite for one statement: 0 for SELECT, SHOW,
 * DESCRIBE/DESC, VALUES, TABLE, EXPLAIN without ANALYZE (or EXPLAIN ANALYZE of a read), WITH …
 * without INSERT/UPDATE/DELETE/MERGE; 1 for anything else. */
int dbws_sql_statement_writes(const char *stmt, size_t len);

/* dbws_sql_writes: the number of statements of sql (split as the dialect reads it) that write. */
int dbws_sql_writes(const char *sql, enum dbws_type dialect);

/* dbws_sql_count: the number of non-empty statements of sql. */
int dbws_sql_count(const char *sql, enum dbws_type dialect);

/* dbws_sql_from_answer: the SQL of a model's answer — the first ``` fenced block (any info
 * string), else the whole answer — trimmed; "" when there is none. */
const char *dbws_sql_from_answer(struct arena *a, const char *answer);
#endif
