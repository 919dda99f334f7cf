/* app.h — process-wide state: configuration from the environment, the compiled templates,
 * the secret key.  Read-only while requests run (templates swap only on SIGHUP between
 * requests, under app_lock). */
#ifndef CARD_APP_H
#define CARD_APP_H
#include <pthread.h>
#include <stddef.h>

#define APP_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
                "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "      \
                "frame-ancestors 'none'; form-action 'self'"

struct tmpl_set;

struct config {
    const char *database_url;     /* CARD_DATABASE_URL: runtime role (card_app) */
    const char *auth_url;         /* CARD_AUTH_DATABASE_URL: sign-in role (card_auth) */
    const char *migrate_url;      /* CARD_MIGRATE_DATABASE_URL: owner role, for migrations */
    const char *read_url;         /* CARD_READ_DATABASE_URL: a streaming replica for R_READ routes
                                     ("" = none: they read from the primary) */
    int db_prepared;              /* CARD_DB_PREPARED: 0 = no named prepared statements (pgbouncer
                                     in transaction mode) */
    const char *socket_path;      /* CARD_SOCKET */
    const char *socket_group;     /* CARD_SOCKET_GROUP: group that may connect (nginx's) */
    const char *run_as_user;      /* CARD_USER: drop root to this user after binding */
    int workers, threads;         /* CARD_WORKERS, CARD_THREADS */
    const char *secret_key_file;  /* CARD_SECRET_KEY_FILE */
    const char *templates_dir;    /* CARD_TEMPLATES */
    const char *sql_dir;          /* CARD_SQL_DIR */
    const char *base_url;         /* CARD_BASE_URL: canonical origin for links we print */
    int https;                    /* base_url starts with https:// */
    long session_idle;            /* CARD_SESSION_IDLE seconds */
    long session_absolute;        /* CARD_SESSION_ABSOLUTE seconds */
    size_t max_body;              /* CARD_MAX_BODY bytes */
    size_t max_restore;           /* CARD_MAX_RESTORE_BYTES: largest chunked restore upload */
    int import_seconds;           /* CARD_IMPORT_SECONDS: time budget of one SQL import */
    int history_days;             /* CARD_HISTORY_DAYS: snapshots kept (0: all), see sql/017 */
    int tasks;                    /* CARD_TASKS: background tasks run at once (task_runner.h) */
    int task_step_ms;             /* CARD_TASK_STEP_MS: pause between a task's steps (tests) */
    int dev;                      /* CARD_DEV=1: reload templates on every request */
    const char *asset_version;    /* CARD_ASSET_VERSION (default: start time) */
    /* AI chat streams (ai_chat.c): their own socket and worker process */
    const char *stream_socket;    /* CARD_STREAM_SOCKET ("" = CARD_SOCKET + ".stream") */
    int stream_threads;           /* CARD_STREAM_THREADS: threads of the stream worker */
    int stream_db_connections;    /* CARD_STREAM_DB_CONNECTIONS: the stream worker's shared pool */
    /* Statements on users' databases (R_QUERY routes): their own socket and worker process */
    const char *query_socket;     /* CARD_QUERY_SOCKET ("" = CARD_SOCKET + ".query") */
    int query_threads;            /* CARD_QUERY_THREADS: threads of the query worker */
    int ai_allow_private;         /* CARD_AI_ALLOW_PRIVATE=1: providers on loopback/private nets */
    const char *ai_networks;      /* CARD_AI_NETWORKS: CIDR list AI providers may also reach */
    int ai_timeout;               /* CARD_AI_TIMEOUT: longest one provider call may take, s */
};

struct app {
    struct config cfg;
    struct tmpl_set *templates;
    pthread_rwlock_t lock;        /* guards templates */
    unsigned char secret[32];     /* from secret_key_file */
};

extern struct app g_app;

/* config_load: fill cfg from the environment with defaults.  0, or -1 with a message on stderr. */
int config_load(struct config *cfg);
/* config_usage: print every variable with its default (for --help). */
void config_usage(void);
/* app_load_secret: read (or, when absent and create is set, create with mode 0400) the 32-byte key. */
int app_load_secret(struct app *app, int create);
/* app_load_templates: (re)compile the templates directory; keeps the old set on error. */
int app_load_templates(struct app *app);
#endif
