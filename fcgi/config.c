/* config.c — configuration from environment variables, each with a documented default. */
#include "ai_netpolicy.h"
#include "app.h"
#include "buf.h"
#include "tmpl.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

struct app g_app;

enum var_kind { V_STR, V_INT, V_LONG, V_SIZE, V_BOOL, V_DAYS, V_COUNT /* 0..100000 */ };

static const struct config_var {
    const char *name;
    enum var_kind kind;
    size_t offset;
    const char *def;
    const char *help;
} config_vars[] = {
    {"CARD_DATABASE_URL", V_STR, offsetof(struct config, database_url),
     "host=var/pg/sock dbname=cardinality user=card_app", "libpq conninfo of the runtime role"},
    {"CARD_AUTH_DATABASE_URL", V_STR, offsetof(struct config, auth_url),
     "host=var/pg/sock dbname=cardinality user=card_auth",
     "conninfo of the sign-in role (sign-up, login, password checks and changes only)"},
    {"CARD_MIGRATE_DATABASE_URL", V_STR, offsetof(struct config, migrate_url),
     "host=var/pg/sock dbname=cardinality user=card_owner", "conninfo of the owner role (migrations)"},
    {"CARD_READ_DATABASE_URL", V_STR, offsetof(struct config, read_url), "",
     "conninfo of a streaming replica (runtime role) for share pages and exports (R_READ routes); "
     "empty = read from the primary; when it is down they read from the primary"},
    {"CARD_DB_PREPARED", V_BOOL, offsetof(struct config, db_prepared), "1",
     "0 = run every statement unnamed (PQexecParams), for pgbouncer in transaction mode"},
    {"CARD_SOCKET", V_STR, offsetof(struct config, socket_path), "var/run/cardinality.sock",
     "FastCGI unix sockets (mode 0660): worker i listens on CARD_SOCKET.i"},
    {"CARD_SOCKET_GROUP", V_STR, offsetof(struct config, socket_group), "",
     "group owning the socket (nginx's group); empty = unchanged"},
    {"CARD_USER", V_STR, offsetof(struct config, run_as_user), "",
     "when started as root, switch to this user after binding"},
    {"CARD_WORKERS", V_INT, offsetof(struct config, workers), "2", "worker processes"},
    {"CARD_THREADS", V_INT, offsetof(struct config, threads), "8", "threads per worker"},
    {"CARD_SECRET_KEY_FILE", V_STR, offsetof(struct config, secret_key_file), "var/secret.key",
     "32-byte key for CSRF tokens and secrets at rest (created 0400 if missing)"},
    {"CARD_TEMPLATES", V_STR, offsetof(struct config, templates_dir), "templates", "templates directory"},
    {"CARD_SQL_DIR", V_STR, offsetof(struct config, sql_dir), "sql", "migrations directory"},
    {"CARD_BASE_URL", V_STR, offsetof(struct config, base_url), "http://127.0.0.1:8080",
     "canonical origin used for every link we print"},
    {"CARD_SESSION_IDLE", V_LONG, offsetof(struct config, session_idle), "86400",
     "seconds a session may stay unused (default 24 h)"},
    {"CARD_SESSION_ABSOLUTE", V_LONG, offsetof(struct config, session_absolute), "1209600",
     "seconds a session lives at most (default 14 days)"},
    {"CARD_MAX_BODY", V_SIZE, offsetof(struct config, max_body), "11534336",
     "largest request body in bytes (11 MiB)"},
    {"CARD_MAX_RESTORE_BYTES", V_SIZE, offsetof(struct config, max_restore), "268435456",
     "largest backup archive a chunked upload may restore, in bytes (256 MiB; api_upload.c)"},
    {"CARD_IMPORT_SECONDS", V_INT, offsetof(struct config, import_seconds), "10",
     "longest a SQL import may run before it is refused (seconds)"},
    {"CARD_HISTORY_DAYS", V_DAYS, offsetof(struct config, history_days), "90",
     "days a file's history snapshots are kept (named versions and each file's newest always; "
     "0 = all); purged at start-up by the owner role"},
    {"CARD_TASKS", V_COUNT, offsetof(struct config, tasks), "2",
     "background tasks (backups, restores) run at once by the task runner process; 0 = no runner"},
    {"CARD_TASK_STEP_MS", V_COUNT, offsetof(struct config, task_step_ms), "0",
     "pause between two steps of a background task in ms (tests and demos of progress; 0 = none)"},
    {"CARD_DEV", V_BOOL, offsetof(struct config, dev), "0", "1 = reload templates on every request"},
    {"CARD_ASSET_VERSION", V_STR, offsetof(struct config, asset_version), "",
     "build id of static/ (hex, 8-64 digits; `make` writes it to build/static.env): assets are "
     "served as /static/<id>/… (default: start time)"},
    {"CARD_STREAM_SOCKET", V_STR, offsetof(struct config, stream_socket), "",
     "FastCGI unix socket of the stream worker (AI chat, /api/ai/); empty = CARD_SOCKET.stream"},
    {"CARD_STREAM_THREADS", V_INT, offsetof(struct config, stream_threads), "128",
     "threads of the stream worker (one open AI answer each)"},
    {"CARD_STREAM_DB_CONNECTIONS", V_INT, offsetof(struct config, stream_db_connections), "8",
     "database connections the stream worker's threads share, each held only for the short "
     "transactions before and after a provider call (a thread waits when all are in use)"},
    {"CARD_QUERY_SOCKET", V_STR, offsetof(struct config, query_socket), "",
     "FastCGI unix socket of the query worker (statements on users' databases: the database "
     "workspace, dashboard refresh); empty = CARD_SOCKET.query"},
    {"CARD_QUERY_THREADS", V_INT, offsetof(struct config, query_threads), "8",
     "threads of the query worker (statements on users' databases running at once; more wait "
     "on its socket, never on the page workers)"},
    {"CARD_AI_ALLOW_PRIVATE", V_BOOL, offsetof(struct config, ai_allow_private), "0",
     "1 = AI providers may be on loopback, private or link-local addresses (local Ollama, tests)"},
    {"CARD_AI_NETWORKS", V_STR, offsetof(struct config, ai_networks), "",
     "CIDR list of networks AI providers may also be on (e.g. 10.0.0.5/32 for a local Ollama), "
     "without CARD_AI_ALLOW_PRIVATE; Cardinality's own database server stays refused"},
    {"CARD_AI_TIMEOUT", V_INT, offsetof(struct config, ai_timeout), "300",
     "longest one AI provider call may take (seconds)"},
};

void config_usage(void)
{
    fputs("Usage: cardinality [serve|migrate|import-ebp --from <conninfo>|--help]\n"
          "  serve    (default) bind the FastCGI sockets and run the worker pool\n"
          "  migrate  apply sql/*.sql with CARD_MIGRATE_DATABASE_URL, then exit\n"
          "  import-ebp --from <conninfo>\n"
          "           copy an ERD Builder Pro (Supabase-shaped) database into this one, as the\n"
          "           owner role; a second run adds nothing\n\n"
          "Environment:\n", stdout);
    for (size_t i = 0; i < sizeof config_vars / sizeof config_vars[0]; i++)
        printf("  %-26s %s\n  %-26s default: %s\n", config_vars[i].name, config_vars[i].help, "",
               config_vars[i].def[0] ? config_vars[i].def : "(empty)");
}

static int parse_number(const char *name, const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < min || v > max) {
        fprintf(stderr, "config: %s=%s is not a number in %lld..%lld\n", name, s, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int config_load(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < sizeof config_vars / sizeof config_vars[0]; i++) {
        const struct config_var *v = &config_vars[i];
        const char *s = getenv(v->name);
        if (!s)
            s = v->def;
        char *field = (char *)cfg + v->offset;
        long long n = 0;
        switch (v->kind) {
        case V_STR: *(const char **)field = s; break;
        case V_INT:
            if (parse_number(v->name, s, 1, 1024, &n)) return -1;
            *(int *)field = (int)n;
            break;
        case V_LONG:
            if (parse_number(v->name, s, 1, 100LL * 365 * 86400, &n)) return -1;
            *(long *)field = (long)n;
            break;
        case V_SIZE:
            if (parse_number(v->name, s, 1024, 1LL << 32, &n)) return -1;
            *(size_t *)field = (size_t)n;
            break;
        case V_DAYS:
            if (parse_number(v->name, s, 0, 36500, &n)) return -1;
            *(int *)field = (int)n;
            break;
        case V_COUNT:
            if (parse_number(v->name, s, 0, 100000, &n)) return -1;
            *(int *)field = (int)n;
            break;
        case V_BOOL: *(int *)field = strcmp(s, "1") == 0 || strcmp(s, "true") == 0; break;
        }
    }
    cfg->https = strncmp(cfg->base_url, "https://", 8) == 0;
    if (!cfg->asset_version[0]) {
        static char ver[32];
        snprintf(ver, sizeof ver, "%lld", (long long)time(NULL));
        cfg->asset_version = ver;
    }
    /* It is a path segment nginx maps to static/ (nginx/server.conf.in): hex digits only. */
    size_t idlen = strlen(cfg->asset_version);
    if (idlen < 8 || idlen > 64 || strspn(cfg->asset_version, "0123456789abcdef") != idlen) {
        fprintf(stderr, "config: CARD_ASSET_VERSION=%s is not 8 to 64 lowercase hex digits\n",
                cfg->asset_version);
        return -1;
    }
    struct net_cidr nets[AI_NET_MAX];
    if (cfg->ai_networks[0] && net_cidr_parse(cfg->ai_networks, nets, AI_NET_MAX) < 0) {
        fprintf(stderr, "config: CARD_AI_NETWORKS=%s is not a list of at most %d networks "
                "(CIDR, e.g. 10.0.0.5/32, fd00::/8)\n", cfg->ai_networks, AI_NET_MAX);
        return -1;
    }
    return 0;
}

int app_load_secret(struct app *app, int create)
{
    const char *path = app->cfg.secret_key_file;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        unsigned char key[32];
        randombytes_buf(key, sizeof key);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
        if (fd < 0 || write(fd, key, sizeof key) != (ssize_t)sizeof key) {
            fprintf(stderr, "config: cannot create %s: %s\n", path, strerror(errno));
            if (fd >= 0) close(fd);
            return -1;
        }
        close(fd);
        sodium_memzero(key, sizeof key);
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        fprintf(stderr, "config: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, app->secret, sizeof app->secret);
    close(fd);
    if (n != (ssize_t)sizeof app->secret) {
        fprintf(stderr, "config: %s must hold 32 bytes\n", path);
        return -1;
    }
    return 0;
}

int app_load_templates(struct app *app)
{
    struct tmpl_set *set = tmpl_set_new();
    struct buf err = BUF_INIT;
    if (tmpl_set_load_dir(set, app->cfg.templates_dir, &err) != 0) {
        fprintf(stderr, "templates: %s\n", buf_cstr(&err));
        buf_free(&err);
        tmpl_set_free(set);
        return -1;
    }
    buf_free(&err);
    pthread_rwlock_wrlock(&app->lock);
    struct tmpl_set *old = app->templates;
    app->templates = set;
    pthread_rwlock_unlock(&app->lock);
    if (old)
        tmpl_set_free(old);
    return 0;
}
