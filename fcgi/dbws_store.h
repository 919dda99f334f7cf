/* dbws_store.h — database-workspace connections as rows (db_accounts + its first db_catalogs
 * row + db_sqlite_files, sql/022), inside the request's transaction and row-level security:
 * create one (its password sealed with secret.h under "db_accounts:<id>:password"), load one
 * with its password opened, run the driver operations the API and the page share (test, query
 * with history, schema import, compare), and seal the plaintext passwords other writers left. */
#ifndef CARD_DBWS_STORE_H
#define CARD_DBWS_STORE_H
#include "dbws.h"
#include <jansson.h>

struct req;

enum {
    DBWS_STORE_OK = 0,
    DBWS_STORE_NOT_FOUND = -10,  /* no such connection (or diagram) of this user */
    DBWS_STORE_INVALID = -11,    /* the fields do not make a connection (message given) */
    DBWS_STORE_DB = -12,         /* Cardinality's own database failed */
};

/* What a connection is made of (the API's and the form's fields). */
struct dbws_fields {
    const char *name, *type, *host, *database, *user, *password, *sslmode, *project_uid;
    long long port;              /* 0: the type's default */
    int read_only;
    long long timeout_ms, row_limit;   /* 0: defaults */
    const unsigned char *sqlite_bytes;
    size_t sqlite_len;
};

/* dbws_create: a new connection of the signed-in user; *uid its uid.  DBWS_STORE_OK,
 * DBWS_STORE_INVALID (msg says which field), DBWS_STORE_NOT_FOUND (project_uid not the
 * user's) or DBWS_STORE_DB. */
int dbws_create(struct req *r, const struct dbws_fields *f, const char **uid, const char **msg);
/* dbws_load: the user's connection uid, password opened (never shown; its sealed text stays
 * in the database) and, for SQLite, the file.  DBWS_STORE_OK, _NOT_FOUND or _DB. */
int dbws_load(struct req *r, const char *uid, struct dbws_conn *c);
/* dbws_public_json: the connection as the API shows it — everything but the password (only
 * whether one is set). */
json_t *dbws_public_json(struct req *r, const char *uid);
/* dbws_list_json: the user's connections ([] of dbws_public_json's shape), those of one
 * project when project_uid is given. */
json_t *dbws_list_json(struct req *r, const char *project_uid);
/* dbws_delete: DBWS_STORE_OK, _NOT_FOUND or _DB. */
int dbws_delete(struct req *r, const char *uid);

/* dbws_open: resolve and check the address (not for SQLite), then open the driver session.
 * 0, or -1 with err. */
int dbws_open(struct req *r, const struct dbws_conn *c, void **h, char ip[64], struct dbws_error *err);
/* dbws_test: connect and read the server version; records is_valid, server_version and
 * tested_at.  0 (ok, *version) or -1 (err). */
int dbws_test(struct req *r, const struct dbws_conn *c, const char **version, struct dbws_error *err);
/* dbws_query: run sql under c's limits, record it in the history (whatever the outcome: the
 * request keeps its transaction) and store a changed SQLite file.  0 or -1 with err. */
int dbws_query(struct req *r, const struct dbws_conn *c, const char *sql, struct dbws_result *res,
               struct dbws_error *err);
/* dbws_history_add: one entry of c's query history (rows -1: none; error NULL: succeeded),
 * kept even when the request then fails. */
void dbws_history_add(struct req *r, const struct dbws_conn *c, const char *sql, long long rows, double ms,
                      const char *error);
/* dbws_store_sqlite: store the changed SQLite file a read-write run handed back (if any) and
 * free it. */
void dbws_store_sqlite(struct req *r, const struct dbws_conn *c, struct dbws_result *res);
/* dbws_cancel: cancel the user's running queries on c.  How many were running. */
int dbws_cancel(struct req *r, const struct dbws_conn *c);
/* dbws_history_json: the last 100 queries on connection c (newest first) whose text contains
 * q (case-insensitive; NULL or "": all). */
json_t *dbws_history_json(struct req *r, const struct dbws_conn *c, const char *q);
/* dbws_live_schema: the live schema as a model (cached in db_table_schema, its foreign keys in
 * db_erd_relations).  0 or -1. */
int dbws_live_schema(struct req *r, const struct dbws_conn *c, struct erd_doc *doc, struct dbws_error *err);

/* dbws_seal_plaintext: seal every db_accounts password not yet sealed, through conninfo (the
 * owner role); run at start-up.  The count sealed, or -1 when the database failed. */
int dbws_seal_plaintext(const char *conninfo, const unsigned char instance_key[32]);
#endif
