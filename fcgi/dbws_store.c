/* dbws_store.c — database-workspace connections as rows, and the driver operations run on
 * them for the API (api_dbws.c) and the workspace page (page_dbws.c).  See dbws_store.h. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "dbws_store.h"
#include "dbws_cache.h"
#include "erd_doc.h"
#include "files.h"
#include "http.h"
#include "log.h"
#include "secret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_MAX_LEN 200
#define FIELD_MAX_LEN 1000

static const char *password_ad(struct arena *a, const char *id)
{
    return arena_printf(a, "db_accounts:%s:password", id);
}

static void sealing_key(unsigned char key[32])
{
    secret_key_derive(g_app.secret, key);
}

static int too_long(const char *s, size_t max)
{
    return s && strlen(s) > max;
}

/* check_fields: NULL when f can be stored, else what is wrong. */
static const char *check_fields(const struct dbws_fields *f, enum dbws_type *type)
{
    if (!f->name || !*f->name || strlen(f->name) > NAME_MAX_LEN)
        return "name: enter 1 to 200 characters";
    if (dbws_type_from_name(f->type, type) != 0)
        return "type: use postgres, mysql or sqlite";
    if (too_long(f->host, FIELD_MAX_LEN) || too_long(f->database, FIELD_MAX_LEN) ||
        too_long(f->user, FIELD_MAX_LEN) || too_long(f->password, FIELD_MAX_LEN))
        return "a field is longer than 1000 characters";
    if (f->port < 0 || f->port > 65535)
        return "port: use 1 to 65535";
    if (f->timeout_ms < 0 || f->timeout_ms > DBWS_TIMEOUT_MS_MAX)
        return "options.statement_timeout_ms: use 1 to 60000";
    if (f->row_limit < 0 || f->row_limit > DBWS_ROW_LIMIT_MAX)
        return "options.row_limit: use 1 to 100000";
    static const char *const modes[] = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
    int mode_ok = !f->sslmode || !*f->sslmode;
    for (size_t i = 0; !mode_ok && i < sizeof modes / sizeof modes[0]; i++)
        mode_ok = strcmp(f->sslmode, modes[i]) == 0;
    if (!mode_ok)
        return "options.sslmode: use disable, allow, prefer, require, verify-ca or verify-full";
    if (*type == DBWS_SQLITE && (!f->sqlite_bytes || !f->sqlite_len))
        return "sqlite: upload the database file";
    if (*type == DBWS_SQLITE && f->sqlite_len > DBWS_SQLITE_MAX)
        return "sqlite: the file is larger than 100 MB";
    if (*type == DBWS_SQLITE && (f->sqlite_len < 100 || memcmp(f->sqlite_bytes, "SQLite format 3", 16) != 0))
        return "sqlite: this is not an SQLite 3 database file (it does not start with \"SQLite format 3\")";
    if (*type != DBWS_SQLITE && (!f->host || !*f->host))
        return "host: enter the server's host name or address";
    return NULL;
}

int dbws_create(struct req *r, const struct dbws_fields *f, const char **uid, const char **msg)
{
    enum dbws_type type;
    *msg = check_fields(f, &type);
    if (*msg)
        return DBWS_STORE_INVALID;
    const char *project_id = NULL;
    if (f->project_uid && *f->project_uid) {
        PGresult *p = db_query(r, "SELECT id FROM projects WHERE uid = $1 AND is_deleted IS NOT TRUE "
                                  "AND user_id = $2", DB_ARGS(f->project_uid, r->user->id));
        if (!p)
            return DBWS_STORE_DB;
        if (PQntuples(p) == 0)
            return DBWS_STORE_NOT_FOUND;
        project_id = db_val(p, 0, 0);
    }
    json_t *opts = json_pack("{s:b, s:I, s:I, s:s}", "read_only", f->read_only,
        "statement_timeout_ms", (json_int_t)(f->timeout_ms ? f->timeout_ms : DBWS_TIMEOUT_MS_DEFAULT),
        "row_limit", (json_int_t)(f->row_limit ? f->row_limit : DBWS_ROW_LIMIT_DEFAULT),
        "sslmode", f->sslmode && *f->sslmode ? f->sslmode : "prefer");
    char *opts_text = json_dumps(opts, JSON_COMPACT);
    json_decref(opts);
    const char *opts_arena = arena_strdup(r->arena, opts_text);
    free(opts_text);
    const char *port = f->port ? arena_printf(r->arena, "%lld", f->port)
                               : arena_printf(r->arena, "%d", dbws_driver_for(type)->default_port);
    PGresult *res = db_query(r,
        "INSERT INTO db_accounts (user_id, name, type, host, port, \"user\", options, project_id, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, NULLIF($5, '0')::int, $6, $7::jsonb, $8::int, "
        "now(), now()) RETURNING id, uid",
        DB_ARGS(r->user->id, f->name, dbws_type_name(type), type == DBWS_SQLITE ? NULL : f->host, port,
                f->user, opts_arena, project_id));
    if (!res)
        return DBWS_STORE_DB;
    const char *id = db_val(res, 0, 0);
    *uid = db_val(res, 0, 1);
    if (f->password && *f->password) {
        unsigned char key[32];
        sealing_key(key);
        const char *sealed = secret_seal(r->arena, key, password_ad(r->arena, id), f->password,
                                         strlen(f->password));
        if (!db_query(r, "UPDATE db_accounts SET password = $2 WHERE id = $1::int", DB_ARGS(id, sealed)))
            return DBWS_STORE_DB;
    }
    if (f->database && *f->database &&
        !db_query(r, "INSERT INTO db_catalogs (account_id, database_name, created_at, updated_at) "
                     "VALUES ($1::int, $2, now(), now())", DB_ARGS(id, f->database)))
        return DBWS_STORE_DB;
    if (type == DBWS_SQLITE) {
        size_t n = 0;
        unsigned char *hex = PQescapeByteaConn(r->db->conn, f->sqlite_bytes, f->sqlite_len, &n);
        if (!hex)
            return DBWS_STORE_DB;
        arena_defer(r->arena, (void (*)(void *))PQfreemem, hex);
        if (!db_query(r, "INSERT INTO db_sqlite_files (account_id, size, bytes) VALUES ($1::int, $2::int, $3::bytea)",
                      DB_ARGS(id, arena_printf(r->arena, "%zu", f->sqlite_len), (const char *)hex)))
            return DBWS_STORE_DB;
    }
    return DBWS_STORE_OK;
}

static const char sql_load[] =
    "SELECT a.id, a.uid, a.name, a.type, coalesce(a.host, ''), coalesce(a.port, 0), "
    "coalesce(a.\"user\", ''), a.password, coalesce(a.options, '{}'::jsonb)::text, "
    "coalesce((SELECT c.database_name FROM db_catalogs c WHERE c.account_id = a.id ORDER BY c.id "
    "LIMIT 1), ''), (SELECT f.bytes FROM db_sqlite_files f WHERE f.account_id = a.id) "
    "FROM db_accounts a WHERE a.uid = $1";

static long long opt_int(json_t *o, const char *key, long long def, long long max)
{
    json_t *v = json_object_get(o, key);
    long long n = json_is_integer(v) ? json_integer_value(v) : def;
    return n <= 0 ? def : n > max ? max : n;
}

int dbws_load(struct req *r, const char *uid, struct dbws_conn *c)
{
    memset(c, 0, sizeof *c);
    if (!uid_valid(uid))
        return DBWS_STORE_NOT_FOUND;
    PGresult *res = db_query(r, sql_load, DB_ARGS(uid));
    if (!res)
        return DBWS_STORE_DB;
    if (PQntuples(res) == 0)
        return DBWS_STORE_NOT_FOUND;
    c->id = db_int(res, 0, 0);
    c->uid = db_val(res, 0, 1);
    c->name = db_val(res, 0, 2);
    if (dbws_type_from_name(db_val(res, 0, 3), &c->type) != 0)
        c->type = DBWS_POSTGRES;
    c->host = db_val(res, 0, 4);
    c->port = (int)db_int(res, 0, 5);
    c->user = db_val(res, 0, 6);
    c->database = db_val(res, 0, 9);
    const char *pw = db_isnull(res, 0, 7) ? NULL : db_val(res, 0, 7);
    if (pw && secret_is_sealed(pw)) {
        unsigned char key[32];
        sealing_key(key);
        if (secret_open(r->arena, key, password_ad(r->arena, db_val(res, 0, 0)), pw, &c->password) != SECRET_OK) {
            log_msg("dbws: the password of connection %s does not open with this key", c->uid);
            c->password = NULL;
        }
    } else {
        c->password = pw;   /* another writer's plaintext, sealed at the next start-up */
    }
    json_t *opts = json_loads(db_val(res, 0, 8), 0, NULL);
    c->read_only = json_is_true(json_object_get(opts, "read_only"));
    c->timeout_ms = (int)opt_int(opts, "statement_timeout_ms", DBWS_TIMEOUT_MS_DEFAULT, DBWS_TIMEOUT_MS_MAX);
    c->row_limit = (long)opt_int(opts, "row_limit", DBWS_ROW_LIMIT_DEFAULT, DBWS_ROW_LIMIT_MAX);
    const char *ssl = json_string_value(json_object_get(opts, "sslmode"));
    c->sslmode = ssl ? arena_strdup(r->arena, ssl) : "prefer";
    json_decref(opts);
    if (!db_isnull(res, 0, 10)) {
        size_t n = 0;
        unsigned char *bytes = PQunescapeBytea((const unsigned char *)db_val(res, 0, 10), &n);
        if (bytes) {
            arena_defer(r->arena, (void (*)(void *))PQfreemem, bytes);
            c->sqlite_bytes = bytes;
            c->sqlite_len = n;
        }
    }
    return DBWS_STORE_OK;
}

static const char sql_public[] =
    "SELECT coalesce(json_agg(json_build_object('uid', a.uid, 'name', a.name, 'type', a.type, "
    "'host', a.host, 'port', a.port, 'user', a.\"user\", 'database', (SELECT c.database_name FROM "
    "db_catalogs c WHERE c.account_id = a.id ORDER BY c.id LIMIT 1), 'has_password', "
    "a.password IS NOT NULL AND a.password <> '', 'options', coalesce(a.options, '{}'::jsonb), "
    "'is_valid', a.is_valid, 'server_version', a.server_version, 'tested_at', a.tested_at, "
    "'test_message', a.test_message, 'project_uid', p.uid, 'created_at', a.created_at) "
    "ORDER BY a.name, a.id), '[]')::text FROM db_accounts a LEFT JOIN projects p ON p.id = a.project_id ";

json_t *dbws_public_json(struct req *r, const char *uid)
{
    if (!uid_valid(uid))
        return NULL;
    PGresult *res = db_query(r, arena_printf(r->arena, "%sWHERE a.uid = $1", sql_public), DB_ARGS(uid));
    json_t *list = res ? json_loads(db_val(res, 0, 0), 0, NULL) : NULL;
    json_t *one = json_incref(json_array_get(list, 0));
    json_decref(list);
    return one;
}

json_t *dbws_list_json(struct req *r, const char *project_uid)
{
    PGresult *res = project_uid
        ? db_query(r, arena_printf(r->arena, "%sWHERE p.uid = $1", sql_public), DB_ARGS(project_uid))
        : db_query(r, sql_public, DB_NOARGS);
    return res ? json_loads(db_val(res, 0, 0), 0, NULL) : NULL;
}

int dbws_delete(struct req *r, const char *uid)
{
    if (!uid_valid(uid))
        return DBWS_STORE_NOT_FOUND;
    PGresult *res = db_query(r, "DELETE FROM db_accounts WHERE uid = $1 RETURNING id", DB_ARGS(uid));
    if (!res)
        return DBWS_STORE_DB;
    return PQntuples(res) ? DBWS_STORE_OK : DBWS_STORE_NOT_FOUND;
}

int dbws_open(struct req *r, const struct dbws_conn *c, void **h, char ip[64], struct dbws_error *err)
{
    const struct dbws_driver *d = dbws_driver_for(c->type);
    ip[0] = '\0';
    if (c->type != DBWS_SQLITE) {
        struct dbws_own_db own = {NULL, 0};
        if (r->db && r->db->conn) {
            own.host = PQhost(r->db->conn);
            own.port = atoi(PQport(r->db->conn) ? PQport(r->db->conn) : "5432");
        }
        int port = c->port > 0 ? c->port : d->default_port;
        if (dbws_resolve(c->host, port, &own, ip, err) != 0)
            return -1;
    }
    return d->open(c, ip, h, err);
}

/* dbws_open_cached: dbws_open, but a cached session of the same key when there is one (the
 * address is resolved and checked by the network policy every time all the same). */
static int dbws_open_cached(struct req *r, const struct dbws_conn *c, void **h, char ip[64],
                            unsigned char key[DBWS_CACHE_KEY_BYTES], struct dbws_error *err)
{
    const struct dbws_driver *d = dbws_driver_for(c->type);
    if (!d->reset)
        return dbws_open(r, c, h, ip, err);
    struct dbws_own_db own = {NULL, 0};
    if (r->db && r->db->conn) {
        own.host = PQhost(r->db->conn);
        own.port = atoi(PQport(r->db->conn) ? PQport(r->db->conn) : "5432");
    }
    if (dbws_resolve(c->host, c->port > 0 ? c->port : d->default_port, &own, ip, err) != 0)
        return -1;
    dbws_cache_key(c, r->user->id, ip, key);
    *h = dbws_cache_take(key, d);
    return *h ? 0 : d->open(c, ip, h, err);
}

int dbws_test(struct req *r, const struct dbws_conn *c, const char **version, struct dbws_error *err)
{
    const struct dbws_driver *d = dbws_driver_for(c->type);
    void *h = NULL;
    char ip[64];
    int rc = dbws_open(r, c, &h, ip, err);
    *version = NULL;
    if (rc == 0) {
        *version = d->version(r->arena, h);
        d->close(h);
    }
    char id[32];
    snprintf(id, sizeof id, "%lld", c->id);
    db_query(r, "UPDATE db_accounts SET is_valid = $2::boolean, server_version = coalesce($3, server_version), "
                "tested_at = now(), test_message = $4 WHERE id = $1::int",
             DB_ARGS(id, rc == 0 ? "true" : "false", *version, rc == 0 ? NULL : err->message));
    return rc;
}

void dbws_history_add(struct req *r, const struct dbws_conn *c, const char *sql, long long rows, double ms,
                      const char *error)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", c->id);
    r->commit_on_error = 1;   /* the history keeps failed queries too */
    db_query(r, "INSERT INTO db_queries (account_id, user_id, sql_text, row_count, duration_ms, error) "
                "VALUES ($1::int, $2, $3, $4::bigint, $5::float8, $6)",
             DB_ARGS(id, r->user->id, sql, rows >= 0 ? arena_printf(r->arena, "%lld", rows) : NULL,
                     arena_printf(r->arena, "%.3f", ms), error));
}

void dbws_store_sqlite(struct req *r, const struct dbws_conn *c, struct dbws_result *res)
{
    if (res->sqlite_after) {
        char id[32];
        snprintf(id, sizeof id, "%lld", c->id);
        size_t n = 0;
        unsigned char *hex = PQescapeByteaConn(r->db->conn, res->sqlite_after, res->sqlite_after_len, &n);
        if (hex) {
            db_query(r, "UPDATE db_sqlite_files SET bytes = $2::bytea, size = $3::int WHERE account_id = $1::int",
                     DB_ARGS(id, (const char *)hex, arena_printf(r->arena, "%zu", res->sqlite_after_len)));
            PQfreemem(hex);
        }
    }
    free(res->sqlite_after);
    res->sqlite_after = NULL;
}

int dbws_query(struct req *r, const struct dbws_conn *c, const char *sql, struct dbws_result *res,
               struct dbws_error *err)
{
    const struct dbws_driver *d = dbws_driver_for(c->type);
    struct timespec start;
    void *h = NULL;
    char ip[64];
    unsigned char key[DBWS_CACHE_KEY_BYTES];
    memset(res, 0, sizeof *res);
    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = dbws_open_cached(r, c, &h, ip, key, err);
    if (rc == 0) {
        struct dbws_slot *slot = dbws_running_claim(c->uid, r->user->id);
        rc = d->run(r->arena, h, c, sql, slot, res, err);
        dbws_running_release(slot);
        if (d->reset)
            dbws_cache_give(key, d, h);
        else
            d->close(h);
    }
    res->duration_ms = dbws_elapsed_ms(&start);
    dbws_history_add(r, c, sql, rc == 0 ? res->row_count : -1, res->duration_ms, rc == 0 ? NULL : err->message);
    if (rc == 0)
        dbws_store_sqlite(r, c, res);
    free(res->sqlite_after);
    res->sqlite_after = NULL;
    if (res->columns)
        arena_defer(r->arena, (void (*)(void *))json_decref, res->columns);
    if (res->rows)
        arena_defer(r->arena, (void (*)(void *))json_decref, res->rows);
    return rc;
}

int dbws_cancel(struct req *r, const struct dbws_conn *c)
{
    long long ids[16];
    int n = dbws_running_cancel(c->uid, r->user->id, ids, 16);
    const struct dbws_driver *d = dbws_driver_for(c->type);
    if (n > 0 && d->kill) {
        struct dbws_error err;
        char ip[64];
        struct dbws_own_db own = {NULL, 0};
        if (r->db && r->db->conn) {
            own.host = PQhost(r->db->conn);
            own.port = atoi(PQport(r->db->conn) ? PQport(r->db->conn) : "5432");
        }
        if (dbws_resolve(c->host, c->port > 0 ? c->port : d->default_port, &own, ip, &err) == 0)
            for (int i = 0; i < n && i < 16; i++)
                if (ids[i] > 0)
                    d->kill(c, ip, ids[i]);
    }
    return n;
}

json_t *dbws_history_json(struct req *r, const struct dbws_conn *c, const char *q)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", c->id);
    PGresult *res = db_query(r,
        "SELECT coalesce(json_agg(json_build_object('sql', h.sql_text, 'row_count', h.row_count, "
        "'duration_ms', h.duration_ms, 'error', h.error, 'user_id', h.user_id, 'user_name', u.name, "
        "'created_at', h.created_at) ORDER BY h.id DESC), '[]')::text FROM (SELECT * FROM db_queries "
        "WHERE account_id = $1::int AND ($2 = '' OR strpos(lower(sql_text), lower($2)) > 0) "
        "ORDER BY id DESC LIMIT 100) h LEFT JOIN users u ON u.id = h.user_id",
        DB_ARGS(id, q ? q : ""));
    return res ? json_loads(db_val(res, 0, 0), 0, NULL) : NULL;
}

/* store_relations: the foreign keys of the live model json (its relationships: source = the
 * table holding the key, target = the referenced one) as db_erd_relations rows of account id,
 * replacing the last read's (seed 001's ERDRelations). */
static void store_relations(struct req *r, const char *id, const char *json)
{
    db_query(r, "DELETE FROM db_erd_relations WHERE account_id = $1::int", DB_ARGS(id));
    db_query(r, "INSERT INTO db_erd_relations (account_id, constraint_name, table_from, column_from, table_to, "
                "column_to, relation_type, on_delete, on_update) "
                "SELECT $1::int, x->>'constraint_name', se->>'name', sc->>'name', te->>'name', tc->>'name', "
                "coalesce(x->>'type', 'one-to-many'), x->>'on_delete', x->>'on_update' "
                "FROM jsonb_array_elements($2::jsonb->'relationships') WITH ORDINALITY AS rel(x, n) "
                "JOIN jsonb_array_elements($2::jsonb->'entities') se ON se->>'id' = x->>'source_entity_id' "
                "JOIN jsonb_array_elements($2::jsonb->'entities') te ON te->>'id' = x->>'target_entity_id' "
                "JOIN jsonb_array_elements(se->'columns') sc ON sc->>'id' = x->>'source_column_id' "
                "LEFT JOIN jsonb_array_elements(te->'columns') tc ON tc->>'id' = x->>'target_column_id' "
                "ORDER BY rel.n",
             DB_ARGS(id, json));
}

int dbws_live_schema(struct req *r, const struct dbws_conn *c, struct erd_doc *doc, struct dbws_error *err)
{
    const struct dbws_driver *d = dbws_driver_for(c->type);
    void *h = NULL;
    char ip[64];
    if (dbws_open(r, c, &h, ip, err) != 0)
        return -1;
    int rc = dbws_schema_read(r->arena, d, h, doc, err);
    d->close(h);
    if (rc != 0)
        return -1;
    struct buf *json = buf_arena(r->arena);
    erd_doc_write_json(doc, json);
    char id[32];
    snprintf(id, sizeof id, "%lld", c->id);
    db_query(r, "DELETE FROM db_table_schema WHERE account_id = $1::int", DB_ARGS(id));
    db_query(r, "INSERT INTO db_table_schema (account_id, table_name, definition, relationships) "
                "SELECT $1::int, e->>'name', e, coalesce((SELECT jsonb_agg(x) FROM "
                "jsonb_array_elements($2::jsonb->'relationships') x WHERE x->>'target_entity_id' = "
                "e->>'id'), '[]') FROM jsonb_array_elements($2::jsonb->'entities') e "
                "ON CONFLICT (account_id, table_name) DO NOTHING",
             DB_ARGS(id, buf_cstr(json)));
    store_relations(r, id, buf_cstr(json));
    return 0;
}

int dbws_seal_plaintext(const char *conninfo, const unsigned char instance_key[32])
{
    PGconn *conn = PQconnectdb(conninfo);
    int sealed = -1;
    if (PQstatus(conn) != CONNECTION_OK)
        goto out;
    PGresult *res = PQexec(conn, "SELECT id::text, password FROM db_accounts WHERE password IS NOT NULL "
                                 "AND password <> '' AND password NOT LIKE 'v1:%'");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        goto out;
    }
    unsigned char key[32];
    secret_key_derive(instance_key, key);
    struct arena a;
    arena_init(&a);
    sealed = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = PQgetvalue(res, i, 0), *pw = PQgetvalue(res, i, 1);
        const char *s = secret_seal(&a, key, password_ad(&a, id), pw, strlen(pw));
        const char *params[] = {id, s, pw};
        PGresult *u = PQexecParams(conn, "UPDATE db_accounts SET password = $2 WHERE id = $1::int "
                                         "AND password = $3", 3, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(u) == PGRES_COMMAND_OK)
            sealed += atoi(PQcmdTuples(u));
        PQclear(u);
    }
    arena_free(&a);
    PQclear(res);
out:
    PQfinish(conn);
    return sealed;
}
