/* worker.c — the accept loop: threads × FCGX_Accept_r, one arena and one PostgreSQL
 * connection per thread (plus one for the sign-in role, opened at its first use), signals handled by a dedicated thread (DESIGN.md §9: libfcgi's
 * own SIGTERM handler cannot wake threads blocked in accept, so we interrupt them with
 * SIGUSR2 and FCGI_FAIL_ACCEPT_ON_INTR). */
#include "worker.h"
#include "app.h"
#include "db.h"
#include "dispatch.h"
#include "http.h"
#include "log.h"
#include <fcgiapp.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKER_TRIM_AFTER (256u << 10)

static int g_listen_fd;
static volatile sig_atomic_t g_stopping;
static pthread_mutex_t g_accept_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *fcgx_param(void *ctx, const char *name)
{
    return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long fcgx_read(void *ctx, char *dst, long n)
{
    int want = n > (1 << 30) ? (1 << 30) : (int)n;
    return FCGX_GetStr(dst, want, ((FCGX_Request *)ctx)->in);
}

/* serve_one: one request; returns the bytes it moved (request + response bodies). */
static size_t serve_one(FCGX_Request *fr, struct arena *arena, struct db *db, struct db *auth_db)
{
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = arena;
    r.app = &g_app;
    r.db = db;
    r.auth_db = auth_db;
    r.fcgx = fr;
    r.resp_headers = buf_arena(arena);
    r.resp_body = buf_arena(arena);
    struct raw_request raw = {fcgx_param, fcgx_read, fr};
    dispatch_request(&r, &raw);
    struct buf *out = buf_arena(arena);
    http_serialize(&r, out);
    FCGX_PutStr(out->data, (int)out->len, fr->out);
    dispatch_log(&r);
    return r.body_len + r.resp_body->len;
}

static void *thread_main(void *arg)
{
    (void)arg;
    struct arena arena;
    struct db db, auth_db;
    FCGX_Request fr;
    arena_init(&arena);
    db_init(&db, g_app.cfg.database_url);
    db_init(&auth_db, g_app.cfg.auth_url);
    FCGX_InitRequest(&fr, g_listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
    for (;;) {
        pthread_mutex_lock(&g_accept_lock);
        int rc = g_stopping ? -1 : FCGX_Accept_r(&fr);
        pthread_mutex_unlock(&g_accept_lock);
        if (rc < 0)
            break;
        size_t used = serve_one(&fr, &arena, &db, &auth_db);
        FCGX_Finish_r(&fr);
        arena_reset(&arena);
        if (used > WORKER_TRIM_AFTER)
            malloc_trim(0);   /* give a big request's pages back instead of keeping them per thread */
        if (g_stopping)
            break;
    }
    FCGX_Free(&fr, 0);
    db_close(&db);
    db_close(&auth_db);
    arena_free(&arena);
    return NULL;
}

static void on_usr2(int sig)
{
    (void)sig; /* only interrupts accept() */
}

static void install_signals(sigset_t *waited)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr2;           /* no SA_RESTART: accept returns EINTR */
    sigaction(SIGUSR2, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(waited);
    sigaddset(waited, SIGTERM);
    sigaddset(waited, SIGINT);
    sigaddset(waited, SIGHUP);
    sigaddset(waited, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, waited, NULL);
}

int worker_run(int listen_fd)
{
    g_listen_fd = listen_fd;
    if (FCGX_Init() != 0) {
        log_msg("worker: FCGX_Init failed");
        return 1;
    }
    sigset_t waited;
    install_signals(&waited);   /* after FCGX_Init, which installs its own handlers */
    int n = g_app.cfg.threads;
    pthread_t *tids = calloc((size_t)n, sizeof *tids);
    for (int i = 0; i < n; i++)
        if (pthread_create(&tids[i], NULL, thread_main, NULL) != 0) {
            log_msg("worker: cannot start thread %d", i);
            return 1;
        }
    for (;;) {
        int sig = 0;
        sigwait(&waited, &sig);
        if (sig == SIGHUP) {
            app_load_templates(&g_app);
            continue;
        }
        break;
    }
    g_stopping = 1;
    /* Wake every thread blocked in accept until all have left; in-flight ones finish. */
    char *joined = calloc((size_t)n, 1);
    for (int left = n; left > 0; usleep(20000)) {
        for (int i = 0; i < n; i++) {
            if (joined[i])
                continue;
            if (pthread_tryjoin_np(tids[i], NULL) == 0) {
                joined[i] = 1;
                left--;
            } else {
                pthread_kill(tids[i], SIGUSR2);
            }
        }
    }
    free(joined);
    free(tids);
    return 0;
}
