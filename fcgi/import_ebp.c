/* import_ebp.c — `cardinality import-ebp --from <conninfo>` (see import_ebp.h).
 *
 * One table of kinds, in dependency order: each names the source SELECT (column 0 the row's
 * source id, columns 1..n the target INSERT's $1..$n), the INSERT (answering the new row's
 * id), and which values are ids of rows of an earlier kind, translated through
 * card_import_map (a required one untranslatable — its row was never copied — skips the
 * row).  The source is read in one repeatable-read snapshot; the target written in one
 * transaction, so a failed run copies nothing.  Relationships keep their direction: ERD
 * Builder Pro's source is the table holding the foreign key, as Cardinality's is.  SQL runs
 * through PQexecParams with $n parameters only: this is a command, not a request, so there
 * is no struct req for db_query. */
#include "import_ebp.h"
#include "migrate.h"
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 16

enum { IMPORT_OK = 0, IMPORT_DB = 1, IMPORT_USAGE = 2 };

struct ebp_kind {
    const char *kind;           /* card_import_map.kind, and the summary's noun */
    const char *source_table;   /* must exist in the source, else the kind is skipped */
    const char *select_sql;
    const char *insert_sql;
    int nvalues;
    const char *map[MAX_VALUES];  /* value k is an id of this kind (NULL: copied as is) */
    unsigned required;            /* bit k: skip the row when value k cannot be translated */
};

/* Timestamps: Supabase's are timestamptz, ours timestamp(3) in UTC. */
#define TS(col) "((" col ") AT TIME ZONE 'UTC')::timestamp(3)::text"
#define NOW_OR(col) TS("COALESCE(" col ", now())")
/* A taken uid or id gets a fresh one (ids are primary keys shared by every user). */
#define FRESH_UID(table) \
    "CASE WHEN $1::text IS NULL OR EXISTS (SELECT 1 FROM public." table " t WHERE t.uid = $1::text) " \
    "THEN gen_random_uuid()::text ELSE $1::text END"
#define FRESH_ID(table, prefix) \
    "CASE WHEN EXISTS (SELECT 1 FROM public." table " t WHERE t.id = $1::text) " \
    "THEN '" prefix "' || replace(gen_random_uuid()::text, '-', '') ELSE $1::text END"

static const struct ebp_kind kinds[] = {
    {"users", "auth.users",
     "SELECT u.id::text, u.id::text, u.email, u.encrypted_password, "
     "COALESCE(to_jsonb(u)->'raw_user_meta_data'->>'full_name', "
     "to_jsonb(u)->'raw_user_meta_data'->>'name'), " NOW_OR("u.created_at") " "
     "FROM auth.users u WHERE u.email IS NOT NULL AND u.encrypted_password IS NOT NULL "
     "ORDER BY u.created_at, u.id",
     "WITH found AS (SELECT u.id FROM public.users u WHERE lower(btrim(u.email)) = lower(btrim($2)) "
     "ORDER BY u.created_at, u.id LIMIT 1), "
     "ins AS (INSERT INTO public.users (id, email, name, password, is_super_admin, created_at, "
     "updated_at) SELECT CASE WHEN EXISTS (SELECT 1 FROM public.users t WHERE t.id = $1) "
     "THEN gen_random_uuid()::text ELSE $1 END, lower(btrim($2)), $4, $3, false, $5::timestamp, "
     "$5::timestamp WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id) "
     "SELECT id FROM ins UNION ALL SELECT id FROM found",
     5, {0}, 0},
    {"projects", "public.projects",
     "SELECT p.id::text, p.uid::text, p.name, p.user_id::text, COALESCE(p.is_deleted, false), "
     TS("p.deleted_at") ", " NOW_OR("p.created_at") " FROM public.projects p ORDER BY p.id",
     "INSERT INTO public.projects (uid, name, user_id, is_deleted, deleted_at, created_at, "
     "updated_at) VALUES (" FRESH_UID("projects") ", $2, $3, $4::bool, $5::timestamp, "
     "$6::timestamp, $6::timestamp) RETURNING id::text",
     6, {NULL, NULL, "users"}, 0},
    {"diagrams", "public.diagrams",
     "SELECT d.id::text, d.uid::text, d.name, d.user_id::text, d.project_id::text, "
     "COALESCE(d.is_deleted, false), " TS("d.deleted_at") ", " NOW_OR("d.created_at") ", "
     NOW_OR("d.updated_at") ", COALESCE(d.viewport_x, 0), COALESCE(d.viewport_y, 0), "
     "COALESCE(d.viewport_zoom, 1), COALESCE(d._version, 0) FROM public.diagrams d ORDER BY d.id",
     "INSERT INTO public.diagrams (uid, name, user_id, project_id, is_deleted, deleted_at, "
     "created_at, updated_at, viewport_x, viewport_y, viewport_zoom, _version) VALUES ("
     FRESH_UID("diagrams") ", $2, $3, $4::int, $5::bool, $6::timestamp, $7::timestamp, "
     "$8::timestamp, $9::float8, $10::float8, $11::float8, $12::int) RETURNING id::text",
     12, {NULL, NULL, "users", "projects"}, 0},
#define DOCUMENT_KIND(table, body, body_default)                                                  \
    {table, "public." table,                                                                     \
     "SELECT f.id::text, f.uid::text, f.title, COALESCE(f." body ", " body_default "), "          \
     "f.user_id::text, f.project_id::text, COALESCE(f.is_deleted, false), " TS("f.deleted_at")    \
     ", " NOW_OR("f.created_at") ", " NOW_OR("f.updated_at") ", COALESCE(f._version, 0) "         \
     "FROM public." table " f ORDER BY f.id",                                                    \
     "INSERT INTO public." table " (uid, title, " body ", user_id, project_id, is_deleted, "       \
     "deleted_at, created_at, updated_at, _version) VALUES (" FRESH_UID(table) ", $2, $3, $4, "   \
     "$5::int, $6::bool, $7::timestamp, $8::timestamp, $9::timestamp, $10::int) "                 \
     "RETURNING id::text",                                                                       \
     10, {NULL, NULL, NULL, "users", "projects"}, 0}
    DOCUMENT_KIND("notes", "content", "''"),
    DOCUMENT_KIND("drawings", "data", "'[]'"),
    DOCUMENT_KIND("flowcharts", "data", "'{\"nodes\":[], \"edges\":[]}'"),
    {"entities", "public.entities",
     "SELECT e.id, e.id, e.file_id::text, e.name, e.x, e.y, e.color, " NOW_OR("e.created_at") " "
     "FROM public.entities e ORDER BY e.created_at, e.id",
     "INSERT INTO public.entities (id, diagram_id, name, x, y, color, created_at) VALUES ("
     FRESH_ID("entities", "e_") ", $2::int, $3, $4::float8, $5::float8, $6, $7::timestamp) "
     "RETURNING id",
     7, {NULL, "diagrams"}, 1u << 1},
    {"columns", "public.columns",
     "SELECT c.id, c.id, c.entity_id, c.name, c.type, COALESCE(c.is_pk, false), "
     "COALESCE(c.is_nullable, true), c.enum_values, COALESCE(c.sort_order, 0) "
     "FROM public.columns c ORDER BY c.entity_id, c.sort_order, c.id",
     "INSERT INTO public.columns (id, entity_id, name, type, is_pk, is_nullable, enum_values, "
     "sort_order) VALUES (" FRESH_ID("columns", "c_") ", $2, $3, $4, $5::bool, $6::bool, $7, "
     "$8::int) RETURNING id",
     8, {NULL, "entities"}, 1u << 1},
    {"relationships", "public.relationships",
     "SELECT r.id, r.id, r.file_id::text, r.source_entity_id, r.target_entity_id, "
     "r.source_column_id, r.target_column_id, COALESCE(r.type, 'one-to-many'), r.source_handle, "
     "r.target_handle, r.label, " NOW_OR("r.created_at") " FROM public.relationships r "
     "ORDER BY r.created_at, r.id",
     "INSERT INTO public.relationships (id, diagram_id, source_entity_id, target_entity_id, "
     "source_column_id, target_column_id, type, source_handle, target_handle, label, created_at) "
     "VALUES (" FRESH_ID("relationships", "r_") ", $2::int, $3, $4, $5, $6, $7, $8, $9, $10, "
     "$11::timestamp) RETURNING id",
     11, {NULL, "diagrams", "entities", "entities", "columns", "columns"}, 1u << 1 | 1u << 2 | 1u << 3},
};

static const char SQL_MAP_GET[] =
    "SELECT target_id FROM public.card_import_map WHERE source = $1 AND kind = $2 AND source_id = $3";
static const char SQL_MAP_PUT[] =
    "INSERT INTO public.card_import_map (source, kind, source_id, target_id) VALUES ($1, $2, $3, $4)";
static const char SQL_TABLE_EXISTS[] = "SELECT to_regclass($1) IS NOT NULL";
static const char SQL_SOURCE_NAME[] =
    "SELECT 'ebp:' || COALESCE(inet_server_addr()::text, 'local') || ':' || "
    "current_setting('port') || '/' || current_database()";

struct counts {
    long copied, kept, skipped;
};

struct import {
    PGconn *src, *dst;
    char *source;               /* this source's name in card_import_map */
    struct counts total;
    struct ebp_task task;       /* the run as a background task (import_ebp_task.c) */
};

/* run: sql with n text parameters on c; the result, or NULL after printing the error. */
static PGresult *run(PGconn *c, const char *sql, int n, const char *const *values)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return res;
    fprintf(stderr, "import-ebp: %s", PQerrorMessage(c));
    PQclear(res);
    return NULL;
}

/* value: field (row, col) of res, NULL for SQL NULL. */
static const char *value(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* map_get: the target id the source row (kind, id) was copied to (malloc'd), or NULL. */
static int map_get(struct import *im, const char *kind, const char *id, char **out)
{
    const char *params[] = {im->source, kind, id};
    PGresult *res = run(im->dst, SQL_MAP_GET, 3, params);
    *out = NULL;
    if (!res)
        return -1;
    if (PQntuples(res) == 1)
        *out = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

static int map_put(struct import *im, const char *kind, const char *id, const char *target)
{
    const char *params[] = {im->source, kind, id, target};
    PGresult *res = run(im->dst, SQL_MAP_PUT, 4, params);
    PQclear(res);
    return res ? 0 : -1;
}

/* copy_row: row of src for kind k, unless copied before.  0 (counted in c) or -1. */
static int copy_row(struct import *im, const struct ebp_kind *k, const PGresult *src, int row,
                    struct counts *c)
{
    const char *values[MAX_VALUES];
    char *owned[MAX_VALUES] = {0}, *done = NULL;
    const char *sid = value(src, row, 0);
    int rc = map_get(im, k->kind, sid, &done);
    if (rc == 0 && done) {
        c->kept++;
        goto out;
    }
    for (int j = 0; rc == 0 && j < k->nvalues; j++) {
        values[j] = value(src, row, j + 1);
        if (!k->map[j] || !values[j])
            continue;
        rc = map_get(im, k->map[j], values[j], &owned[j]);
        values[j] = owned[j];
        if (rc == 0 && !owned[j] && (k->required & (1u << j))) {
            c->skipped++;
            goto out;
        }
    }
    if (rc == 0) {
        PGresult *res = run(im->dst, k->insert_sql, k->nvalues, values);
        rc = res && PQntuples(res) == 1 ? map_put(im, k->kind, sid, PQgetvalue(res, 0, 0)) : -1;
        PQclear(res);
        c->copied += rc == 0;
    }
out:
    for (int j = 0; j < k->nvalues; j++)
        free(owned[j]);
    free(done);
    return rc;
}

/* copy_kind: every row of kind k, with its progress line (the task at progress when done).
 * 0 or -1 (a database error, or the owner cancelled the task). */
static int copy_kind(struct import *im, const struct ebp_kind *k, int progress)
{
    struct counts c = {0};
    const char *table[] = {k->source_table};
    PGresult *exists = run(im->src, SQL_TABLE_EXISTS, 1, table);
    if (!exists)
        return -1;
    int present = PQgetvalue(exists, 0, 0)[0] == 't';
    PQclear(exists);
    if (!present) {
        char line[200];
        snprintf(line, sizeof line, "%-13s no table %s in the source, skipped", k->kind, k->source_table);
        fprintf(stderr, "import-ebp: %s\n", line);
        return ebp_task_step(&im->task, progress, line) ? -1 : 0;
    }
    PGresult *src = run(im->src, k->select_sql, 0, NULL);
    if (!src)
        return -1;
    int rc = 0, n = PQntuples(src);
    for (int row = 0; rc == 0 && row < n; row++)
        rc = ebp_task_beat(&im->task) ? -1 : copy_row(im, k, src, row, &c);
    PQclear(src);
    if (rc == 0) {
        char line[200];
        snprintf(line, sizeof line, "%-13s %d read, %ld copied, %ld already imported, %ld skipped",
                 k->kind, n, c.copied, c.kept, c.skipped);
        fprintf(stderr, "import-ebp: %s\n", line);
        rc = ebp_task_step(&im->task, progress, line) ? -1 : 0;
    }
    im->total.copied += c.copied;
    im->total.kept += c.kept;
    im->total.skipped += c.skipped;
    return rc;
}

/* exec_simple: a statement without parameters; 0 or -1. */
static int exec_simple(PGconn *c, const char *sql)
{
    PGresult *res = run(c, sql, 0, NULL);
    PQclear(res);
    return res ? 0 : -1;
}

/* connect_to: a connection to conninfo, or NULL after saying why. */
static PGconn *connect_to(const char *conninfo, const char *what)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) == CONNECTION_OK)
        return c;
    fprintf(stderr, "import-ebp: cannot connect to the %s: %s", what, PQerrorMessage(c));
    PQfinish(c);
    return NULL;
}

/* copy_all: every kind, the source in one snapshot, the target in one transaction. */
static int copy_all(struct import *im)
{
    PGresult *name = run(im->src, SQL_SOURCE_NAME, 0, NULL);
    if (!name)
        return -1;
    im->source = strdup(PQgetvalue(name, 0, 0));
    PQclear(name);
    if (exec_simple(im->src, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0 ||
        exec_simple(im->dst, "BEGIN") != 0)
        return -1;
    fprintf(stderr, "import-ebp: copying from %s\n", im->source);
    ebp_task_step(&im->task, 1, "Copying from the ERD Builder Pro database…");
    size_t n = sizeof kinds / sizeof kinds[0];
    for (size_t i = 0; i < n; i++)
        if (copy_kind(im, &kinds[i], (int)(95 * (i + 1) / n)) != 0)
            return -1;
    if (exec_simple(im->dst, "COMMIT") != 0)
        return -1;
    exec_simple(im->src, "COMMIT");
    return 0;
}

/* from_argument: the --from conninfo of argv, or NULL. */
static const char *from_argument(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--from=", 7) == 0)
            return argv[i] + 7;
    }
    return NULL;
}

int import_ebp_main(int argc, char **argv, const char *target_url, const char *sql_dir)
{
    const char *from = from_argument(argc, argv);
    struct import im = {0};
    int rc = IMPORT_DB;
    if (!from || !*from) {
        fprintf(stderr, "usage: cardinality import-ebp --from <conninfo of the ERD Builder Pro database>\n"
                        "(the target is CARD_MIGRATE_DATABASE_URL, the owner role)\n");
        return IMPORT_USAGE;
    }
    if (!target_url || !*target_url) {
        fprintf(stderr, "import-ebp: CARD_MIGRATE_DATABASE_URL is empty\n");
        return IMPORT_USAGE;
    }
    if (migrate_run(target_url, sql_dir) != 0)
        return IMPORT_DB;
    im.src = connect_to(from, "source database");
    im.dst = im.src ? connect_to(target_url, "Cardinality database") : NULL;
    if (im.dst)
        ebp_task_start(&im.task, target_url, PQdb(im.src));
    if (im.dst && copy_all(&im) == 0) {
        char summary[200];
        snprintf(summary, sizeof summary, "done: %ld rows copied, %ld already imported, %ld skipped "
                 "(their table, diagram or entity was not copied)", im.total.copied, im.total.kept,
                 im.total.skipped);
        fprintf(stderr, "import-ebp: %s\n", summary);
        ebp_task_end(&im.task, 1, summary);
        rc = IMPORT_OK;
    } else if (im.dst) {
        fprintf(stderr, "import-ebp: %s, nothing copied\n", im.task.cancelled ? "cancelled" : "failed");
        ebp_task_end(&im.task, 0, "the copy failed (a database error; see the command's output)");
    }
    PQfinish(im.src);
    PQfinish(im.dst);
    free(im.source);
    return rc;
}
