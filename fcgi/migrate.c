/* migrate.c — the migration runner (see migrate.h).  Files are applied with PQexec
 * because a migration is a multi-statement script written by us, never user input. */
#include "migrate.h"
#include "buf.h"
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_migration(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && name[0] >= '0' && name[0] <= '9' && strcmp(name + n - 4, ".sql") == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, n);
    int err = ferror(f);
    fclose(f);
    return err ? -1 : 0;
}

static int exec_ok(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "migrate: %s", PQresultErrorMessage(res));
    PQclear(res);
    return ok ? 0 : -1;
}

static int already_applied(PGconn *c, const char *name)
{
    const char *params[1] = {name};
    PGresult *res = PQexecParams(c, "SELECT 1 FROM schema_migrations WHERE name = $1", 1, NULL,
                                 params, NULL, NULL, 0);
    int yes = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    PQclear(res);
    return yes;
}

/* apply_one: BEGIN; file; record; COMMIT — or ROLLBACK and report. */
static int apply_one(PGconn *c, const char *dir, const char *name)
{
    struct buf sql = BUF_INIT;
    char path[4096];
    int rc = -1;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (read_file(path, &sql) != 0) {
        fprintf(stderr, "migrate: cannot read %s\n", path);
        goto out;
    }
    if (exec_ok(c, "BEGIN") != 0)
        goto out;
    PGresult *res = PQexec(c, buf_cstr(&sql));
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "migrate: %s failed: %s", name, PQresultErrorMessage(res));
        PQclear(res);
        exec_ok(c, "ROLLBACK");
        goto out;
    }
    PQclear(res);
    const char *params[1] = {name};
    res = PQexecParams(c, "INSERT INTO schema_migrations (name) VALUES ($1)", 1, NULL, params,
                       NULL, NULL, 0);
    int recorded = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!recorded || exec_ok(c, "COMMIT") != 0) {
        exec_ok(c, "ROLLBACK");
        goto out;
    }
    fprintf(stderr, "migrate: applied %s\n", name);
    rc = 0;
out:
    buf_free(&sql);
    return rc;
}

long migrate_purge_history(const char *conninfo, int days)
{
    char arg[16];
    long n = -1;
    if (days <= 0)
        return 0;
    snprintf(arg, sizeof arg, "%d", days);
    const char *params[1] = {arg};
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) == CONNECTION_OK && exec_ok(c, "SET TIME ZONE 'UTC'") == 0) {
        PGresult *res = PQexecParams(c, "SELECT card_history_purge($1::int)", 1, NULL, params,
                                     NULL, NULL, 0);
        if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
            n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
        else
            fprintf(stderr, "history purge: %s", PQresultErrorMessage(res));
        PQclear(res);
    } else
        fprintf(stderr, "history purge: cannot connect: %s", PQerrorMessage(c));
    PQfinish(c);
    if (n > 0)
        fprintf(stderr, "history purge: %ld snapshots older than %d days deleted\n", n, days);
    return n;
}

int migrate_run(const char *conninfo, const char *dir)
{
    int rc = -1, n = 0, cap = 64;
    char **names = calloc((size_t)cap, sizeof *names);
    PGconn *c = PQconnectdb(conninfo);
    DIR *d = NULL;
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "migrate: cannot connect: %s", PQerrorMessage(c));
        goto out;
    }
    if (exec_ok(c, "SET client_min_messages = warning") ||
        exec_ok(c, "SET TIME ZONE 'UTC'") ||
        exec_ok(c, "SELECT pg_advisory_lock(7248501)") ||
        exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                   "name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"))
        goto out;
    if (!(d = opendir(dir))) {
        fprintf(stderr, "migrate: cannot open %s\n", dir);
        goto out;
    }
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_migration(e->d_name))
            continue;
        if (n == cap)
            names = realloc(names, sizeof *names * (size_t)(cap *= 2));
        names[n++] = strdup(e->d_name);
    }
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    for (int i = 0; i < n; i++)
        if (!already_applied(c, names[i]) && apply_one(c, dir, names[i]) != 0)
            goto out;
    rc = 0;
out:
    if (d)
        closedir(d);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    PQfinish(c);
    return rc;
}
