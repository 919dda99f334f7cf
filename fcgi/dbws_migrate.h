/* dbws_migrate.h — "Compare with database" and its migration (issue 14), shared by the JSON API
 * (api_dbws_migrate.c) and the databases page (page_dbws.c): a diagram vs. a connection's live
 * schema as erd_diff's changes with the PostgreSQL script both ways and each script's SHA-256,
 * and running the forward script — only on a read-write PostgreSQL connection, only when the
 * caller echoes the hash of the script it showed (so a stale preview never runs), in one
 * transaction, recorded in the query history. */
#ifndef CARD_DBWS_MIGRATE_H
#define CARD_DBWS_MIGRATE_H
#include "dbws.h"
#include <jansson.h>

struct req;
struct arena;

/* One comparison.  Its JSON values are the request's (freed with its arena). */
struct dbws_compare {
    const char *diagram_uid, *diagram_name;
    json_t *changes;             /* [{"kind","action",…, "text"}] */
    json_t *summary;             /* erd_diff's summary string */
    int empty;                   /* no change at all */
    const char *forward;         /* run on the database to match the diagram */
    const char *reverse;         /* run on a database matching the diagram to undo it */
    char forward_sha[65], reverse_sha[65];   /* lowercase hex SHA-256 of each script */
};

enum {
    DBWS_CMP_OK = 0,
    DBWS_CMP_NO_DIAGRAM = -1,    /* not a uid, or not one of the user's live diagrams */
    DBWS_CMP_DB = -2,            /* Cardinality's own database failed */
    DBWS_CMP_LIVE = -3,          /* the live schema could not be read (err) */
    DBWS_CMP_UNNAMED = -4,       /* a table or column without a name cannot be compared */
};

/* dbws_compare: compare diagram_uid with c's live schema (refreshing the cached table
 * metadata and relations).  DBWS_CMP_… */
int dbws_compare(struct req *r, const struct dbws_conn *c, const char *diagram_uid, struct dbws_compare *out,
                 struct dbws_error *err);

enum {
    DBWS_MIG_OK = 0,
    DBWS_MIG_READ_ONLY = -1,     /* the connection is read-only */
    DBWS_MIG_DIALECT = -2,       /* the script is PostgreSQL; the connection is not */
    DBWS_MIG_EMPTY = -3,         /* nothing to change */
    DBWS_MIG_STALE = -4,         /* confirm is not the hash of the script as it is now */
    DBWS_MIG_FAILED = -5,        /* the database refused it (err; nothing was changed) */
};

/* dbws_migrate_allowed: DBWS_MIG_OK when c may run a migration at all (read-write PostgreSQL). */
int dbws_migrate_allowed(const struct dbws_conn *c);

/* dbws_migrate: run cmp's forward script on c when confirm equals cmp->forward_sha; *ms its
 * duration.  DBWS_MIG_… */
int dbws_migrate(struct req *r, const struct dbws_conn *c, const struct dbws_compare *cmp, const char *confirm,
                 double *ms, struct dbws_error *err);

/* dbws_position_line: the 1-based line and column of 1-based character position pos in text
 * (UTF-8: characters, as PostgreSQL counts them); 0 and 0 when pos is 0 or past the end. */
void dbws_position_line(const char *text, int pos, int *line, int *col);

/* dbws_comment_safe: s with every control character (newlines too) made a space, so it can
 * stand in an SQL "--" comment line. */
const char *dbws_comment_safe(struct arena *a, const char *s);
#endif
