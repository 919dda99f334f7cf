/* worker.c — a worker process: threads × FCGX_Accept_r, one arena and one PostgreSQL
 * connection per thread (plus one for the sign-in role, opened at its first use, and one to
 * the read replica when CARD_READ_DATABASE_URL names one), signals
 * handled by a dedicated thread.  Connections come from
 * intake.c, which hands a thread only those whose request head has arrived: libfcgi itself
 * never accepts (its listen_sock is -1), so no lock is held while a peer is read, and no
 * half-sent request can hold the threads (issue 15, finding 2).  The stream worker is the same
 * with many more threads, named card-stream, whose handlers may send their answer themselves
 * as it is produced (stream.h: AI chat); its threads share CARD_STREAM_DB_CONNECTIONS
 * connections (db_pool_new), each held only for a transaction, not for a whole answer.  The
 * query worker, named card-query, serves only the routes that run statements on users'
 * databases (R_QUERY, route.h; issue 14). */
#include "worker.h"
#include "ai_provider.h"
#include "app.h"
#include "db.h"
#include "dispatch.h"
#include "http.h"
#include "intake.h"
#include "log.h"
#include <curl/curl.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKER_TRIM_AFTER (256u << 10)
#define WORKER_MALLOC_ARENAS 4            /* glibc's default is 8 per core: one per thread here */
#define WORKER_MALLOC_BIG (1u << 20)      /* blocks this large are mmap'd; free tops this large trimmed */
#define WORKER_QUERY_KEEP (32u << 20)     /* the query worker keeps this much: see malloc_tune */

static volatile sig_atomic_t g_stopping;
static struct db_pool *g_pool;            /* the stream worker's shared connections, or NULL */

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
static size_t serve_one(FCGX_Request *fr, struct arena *arena, struct db *db, struct db *auth_db,
                        struct db *read_db)
{
    struct req r;
    memset(&r, 0, sizeof r);
    r.arena = arena;
    r.app = &g_app;
    r.db = db;
    r.auth_db = auth_db;
    r.read_db = read_db;
    r.fcgx = fr;
    r.resp_headers = buf_arena(arena);
    r.resp_body = buf_arena(arena);
    struct raw_request raw = {fcgx_param, fcgx_read, fr};
    dispatch_request(&r, &raw);
    if (!r.streamed) {              /* a streaming handler has sent its answer already */
        struct buf *out = buf_arena(arena);
        http_serialize(&r, out);
        FCGX_PutStr(out->data, (int)out->len, fr->out);
    }
    dispatch_log(&r);
    db_release(db);                 /* a pooled connection never outlives its request */
    return r.body_len + r.resp_body->len;
}

static void *thread_main(void *arg)
{
    (void)arg;
    struct arena arena;
    struct db db, auth_db, read_db;
    FCGX_Request fr;
    arena_init(&arena);
    db_init(&db, g_app.cfg.database_url);
    db_init(&auth_db, g_app.cfg.auth_url);
    db_init(&read_db, g_app.cfg.read_url);
    db.unprepared = read_db.unprepared = !g_app.cfg.db_prepared;
    if (g_pool)
        db_pool_attach(&db, g_pool);
    FCGX_InitRequest(&fr, -1, 0);   /* -1: FCGX_Accept_r reads connections we hand it, never accepts */
    for (;;) {
        if (fr.ipcFd >= 0 && g_stopping)
            FCGX_Free(&fr, 1);          /* a connection kept by FCGI_KEEP_CONN: not while draining */
        if (fr.ipcFd < 0 && (fr.ipcFd = intake_next()) < 0)
            break;
        fr.keepConnection = 1;          /* FCGX_Accept_r first finishes the last request: keep fd */
        if (FCGX_Accept_r(&fr) < 0)
            continue;                   /* no valid request in time: libfcgi closed the connection */
        size_t used = serve_one(&fr, &arena, &db, &auth_db,
                                g_app.cfg.read_url[0] ? &read_db : NULL);
        FCGX_Finish_r(&fr);             /* closes the connection unless the peer asked to keep it */
        arena_reset(&arena);
        if (used > WORKER_TRIM_AFTER && dispatch_pool != DISPATCH_QUERY)
            malloc_trim(0);   /* give a big request's pages back instead of keeping them per thread */
    }
    FCGX_Free(&fr, 1);
    ai_provider_thread_end();
    db_close(&db);
    db_close(&auth_db);
    db_close(&read_db);
    arena_free(&arena);
    return NULL;
}

static void install_signals(sigset_t *waited)
{
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(waited);
    sigaddset(waited, SIGTERM);
    sigaddset(waited, SIGINT);
    sigaddset(waited, SIGHUP);
    sigaddset(waited, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, waited, NULL);
}

/* malloc_tune: keep a worker small at rest.  glibc raises its mmap and trim thresholds each
 * time a large block is freed (up to 32 and 64 MB), after which every thread's arena keeps
 * its freed top (5 MB each after one 500-table diagram: 80 MB a worker that malloc_trim
 * cannot give back); fixed thresholds stop that, and fewer arenas spread less of it. */
static void malloc_tune(enum worker_kind kind)
{
    /* The query worker (a few processes) answers result grids of up to 10,000 rows: ~10 MB of
     * small blocks per answer.  Giving those pages back after each answer made the next one
     * fault them in again (half its 0.5 s server time); it keeps up to 32 MB an arena instead. */
    size_t big = kind == WORKER_QUERY ? WORKER_QUERY_KEEP : WORKER_MALLOC_BIG;
    mallopt(M_ARENA_MAX, WORKER_MALLOC_ARENAS);
    mallopt(M_MMAP_THRESHOLD, (int)big);
    mallopt(M_TRIM_THRESHOLD, (int)big);
}

int worker_run(int listen_fd, int threads, enum worker_kind kind)
{
    malloc_tune(kind);
    dispatch_pool = kind == WORKER_QUERY ? DISPATCH_QUERY : DISPATCH_PAGES;
    if (kind != WORKER_PAGE) {
        /* tests and ps tell them from page workers */
        prctl(PR_SET_NAME, kind == WORKER_QUERY ? "card-query" : "card-stream", 0, 0, 0);
        curl_global_init(CURL_GLOBAL_DEFAULT);          /* before any thread: not thread-safe */
        if (kind == WORKER_STREAM)
            g_pool = db_pool_new(g_app.cfg.database_url, g_app.cfg.stream_db_connections);
    }
    if (FCGX_Init() != 0) {
        log_msg("worker: FCGX_Init failed");
        return 1;
    }
    sigset_t waited;
    install_signals(&waited);   /* after FCGX_Init, which installs its own handlers */
    int n = threads;
    if (intake_start(listen_fd, n) != 0) {
        log_msg("worker: cannot start the accept thread");
        return 1;
    }
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
    intake_stop();   /* no new connections; threads serve the ones already complete, then leave */
    for (int i = 0; i < n; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    return 0;
}
