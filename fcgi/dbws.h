/* dbws.h — the database workspace's connections to users' own databases (PostgreSQL through
 * libpq, MySQL/MariaDB through libmariadb, SQLite files through SQLite itself): one driver
 * table per kind, the limits every query runs under (statement timeout, row cap, read-only
 * transactions, cancel), the outbound network policy, and the catalog reader that turns a live
 * schema into an ERD model.  Connections are rows of db_accounts (sql/001, sql/022); this
 * header knows nothing of requests (api_dbws.c does), so the drivers can be tested alone. */
#ifndef CARD_DBWS_H
#define CARD_DBWS_H
#include <jansson.h>
#include <stddef.h>

struct arena;
struct erd_doc;

enum dbws_type { DBWS_POSTGRES, DBWS_MYSQL, DBWS_SQLITE };

enum {
    DBWS_OK = 0,
    DBWS_ERR_POLICY = -1,   /* the address may not be connected to (netpolicy) */
    DBWS_ERR_CONNECT = -2,  /* could not connect or sign in */
    DBWS_ERR_SQL = -3,      /* the database refused the statement (message, position) */
    DBWS_ERR_TIMEOUT = -4,  /* past the statement timeout, or cancelled */
};

/* Queries run on the query worker (R_QUERY routes, route.h: their own socket and threads), so a
 * statement may run as long as users expect of a database client (default 30 s, at most 60 s):
 * its nginx location allows 600 s, room for a dashboard refresh running its 8 widgets' queries
 * one after another. */
#define DBWS_TIMEOUT_MS_DEFAULT 30000
#define DBWS_TIMEOUT_MS_MAX 60000
#define DBWS_ROW_LIMIT_DEFAULT 10000
#define DBWS_ROW_LIMIT_MAX 100000
#define DBWS_CONNECT_TIMEOUT_S 5
#define DBWS_SQLITE_MAX (100 * 1024 * 1024)

/* One connection, its password opened (arena strings). */
struct dbws_conn {
    long long id;
    const char *uid, *name;
    enum dbws_type type;
    const char *host, *database, *user, *password, *sslmode;
    int port;
    int read_only;
    int timeout_ms;
    long row_limit;
    const unsigned char *sqlite_bytes;  /* the SQLite file (type sqlite) */
    size_t sqlite_len;
};

struct dbws_error {
    int code;                   /* DBWS_ERR_… */
    int position;               /* 1-based character offset in the statement text, 0: none */
    char message[512];
};

/* A query's answer. */
struct dbws_result {
    json_t *columns;            /* [{"name","type"}] of the last statement that returned rows */
    json_t *rows;               /* [[…]]: JSON null for NULL, numbers for numeric types, text */
    long long row_count;        /* rows returned (≤ row_limit) or, without rows, rows affected */
    int truncated;              /* more rows than row_limit existed */
    double duration_ms;
    unsigned char *sqlite_after; /* read-write SQLite: the file after a change (malloc), or NULL */
    size_t sqlite_after_len;
};

/* One parameterized statement of a batch (the table explorer's reads and edits): placeholders
 * in the dialect's form ($1… for PostgreSQL, ? otherwise), values as text (NULL: SQL NULL) that
 * the database converts to the column's type — never spliced into the statement text. */
struct dbws_stmt {
    const char *sql;
    int nparams;
    const char *const *params;
    int expect_one;             /* an edit: must change exactly one row, else the batch fails */
};

/* Where a running query can be reached from a cancel request in any worker process. */
struct dbws_slot;

/* dbws_running_init: the registry of running queries in memory shared by the worker
 * processes (call in the master before forking; without it each process has its own). */
void dbws_running_init(void);
/* dbws_running_claim: a slot for a query of connection uid by user, or NULL when all are
 * taken (the query still runs; it just cannot be cancelled). */
struct dbws_slot *dbws_running_claim(const char *conn_uid, const char *user_id);
/* dbws_running_set_remote: the server-side id of the session running it (backend pid,
 * MariaDB thread id), for KILL QUERY. */
void dbws_running_set_remote(struct dbws_slot *s, long long remote_id);
/* dbws_running_cancelled: a cancel was asked for this slot (NULL: never). */
int dbws_running_cancelled(const struct dbws_slot *s);
void dbws_running_release(struct dbws_slot *s);
/* dbws_running_cancel: flag every running query of (conn_uid, user_id) as cancelled; their
 * remote ids (up to max) into ids.  Returns how many were flagged. */
int dbws_running_cancel(const char *conn_uid, const char *user_id, long long *ids, int max);

/* The driver of one kind of database.  h is the driver's open session. */
struct dbws_driver {
    const char *name;           /* "postgres", "mysql", "sqlite" */
    int default_port;
    /* open: connect to ip (numeric, already allowed by dbws_resolve; ignored by SQLite) with
     * the connection's credentials and its session limits set.  0 or -1 with err. */
    int (*open)(const struct dbws_conn *c, const char *ip, void **h, struct dbws_error *err);
    void (*close)(void *h);
    /* version: the server's name and version ("PostgreSQL 15.8"). */
    const char *(*version)(struct arena *a, void *h);
    /* run: execute sql as the user typed it under c's limits (read-only transaction, timeout,
     * row cap), reachable through slot for cancel.  0 or -1 with err. */
    int (*run)(struct arena *a, void *h, const struct dbws_conn *c, const char *sql,
               struct dbws_slot *slot, struct dbws_result *res, struct dbws_error *err);
    /* batch: run n parameterized statements in one transaction — READ ONLY unless write is
     * set (and the connection is read-write), committed only when write is set and every
     * statement succeeded.  res holds the rows of the last statement returning rows (up to
     * the row cap) or the rows changed in all.  0, or -1 with err and *failed_at (index). */
    int (*batch)(struct arena *a, void *h, const struct dbws_conn *c, const struct dbws_stmt *s,
                 int n, int write, struct dbws_result *res, int *failed_at, struct dbws_error *err);
    /* table: a catalog query's rows as strings (NULL for SQL NULL) into *cells (nrows ×
     * ncols, row-major).  0 or -1 with err. */
    int (*table)(struct arena *a, void *h, const char *sql, const char ***cells, int *nrows,
                 int *ncols, struct dbws_error *err);
    /* kill: stop the query running as remote_id from another session (KILL QUERY); NULL
     * when the running query watches its slot itself (PQcancel, SQLite's progress handler). */
    int (*kill)(const struct dbws_conn *c, const char *ip, long long remote_id);
    /* The catalog, as four queries of fixed columns (dbws_schema.c):
     *   tables  (name, comment)
     *   columns (table, name, type, not_null, default, comment, enum labels joined by \x1f)
     *   keys    (table, 'p'|'u', constraint, column, ordinal)
     *   fks     (constraint, table, column, ref_table, ref_column, on_delete, on_update, ordinal) */
    const char *catalog[4];
    /* reset: make an idle session like a fresh one for its next query (dbws_cache.h); 0, or -1
     * when it cannot be reused.  alive: 0 when the server closed the session.  NULL (SQLite,
     * opened from memory each time): sessions are not kept. */
    int (*reset)(void *h);
    int (*alive)(void *h);
};

/* dbws_driver_for: the driver of a type. */
const struct dbws_driver *dbws_driver_for(enum dbws_type t);
/* dbws_type_from_name: "postgres"/"postgresql", "mysql"/"mariadb", "sqlite" → 0 and *t; -1. */
int dbws_type_from_name(const char *name, enum dbws_type *t);
const char *dbws_type_name(enum dbws_type t);

/* dbws_json_text: s[0..n) as a JSON string — as it is when valid UTF-8, else "\x" and hex. */
json_t *dbws_json_text(const char *s, size_t n);

/* ---- network policy (dbws_net.c) ----
 * Allowed by default: public and private networks.  Refused: loopback (unless
 * CARD_DB_ALLOW_LOOPBACK=1), link-local, multicast, other special addresses, unix sockets,
 * and Cardinality's own database server.  CARD_DB_NETWORKS, a CIDR list, replaces the default
 * classes: only those networks are then allowed (which may widen, e.g. 127.0.0.0/8, or
 * narrow, e.g. 10.1.0.0/16). */
struct dbws_own_db {
    const char *host;           /* Cardinality's own database host (PQhost) or socket dir */
    int port;
};
/* dbws_resolve: resolve host, pick the first address the policy allows, and write it
 * numerically into ip (connect to that, never to the name again).  0, or -1 with err
 * (DBWS_ERR_POLICY naming why, or DBWS_ERR_CONNECT when the name does not resolve). */
int dbws_resolve(const char *host, int port, const struct dbws_own_db *own, char ip[64],
                 struct dbws_error *err);

/* ---- schema (dbws_schema.c) ---- */
/* dbws_schema_read: the live schema through h as a model laid out like a DDL import (fresh
 * ids, relationships per foreign key, erd_layout).  0 or -1 with err. */
int dbws_schema_read(struct arena *a, const struct dbws_driver *d, void *h, struct erd_doc *out,
                     struct dbws_error *err);

/* dbws_error_set: fill err (code and a formatted message; position 0). Returns -1. */
int dbws_error_set(struct dbws_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* dbws_expect_one: err when statement i of a batch that must change one row changed
 * changed rows (-1 then), else 0. */
int dbws_expect_one(const struct dbws_stmt *s, int i, long long changed, struct dbws_error *err);
/* dbws_elapsed_ms: milliseconds since start (CLOCK_MONOTONIC). */
struct timespec;
double dbws_elapsed_ms(const struct timespec *start);
#endif
