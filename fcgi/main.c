/* main.c — the master process: configuration, migrations, one FastCGI socket per worker
 * process (CARD_SOCKET.0, .1, …: nginx lists them all in its upstream and retries an idempotent
 * request on the next when one fails), and a pool of worker processes it restarts when they
 * die, reloads on SIGHUP and drains on SIGTERM.  One more socket (CARD_STREAM_SOCKET) has its
 * own worker, the stream worker: many threads for AI answers that stream for minutes, so they
 * never take a page worker's thread (DESIGN.md §2).  One more (CARD_QUERY_SOCKET) has the query
 * worker: the routes that run statements on users' own databases (R_QUERY, route.h), so a slow
 * query never holds up pages (issue 14).  The master keeps every socket open, so the
 * connections queued on a dead worker's socket wait there for its replacement.  Beside the
 * workers runs the task runner (task_runner.h, CARD_TASKS > 0), restarted the same way. */
#include "ai_config.h"
#include "app.h"
#include "auth.h"
#include "import_ebp.h"
#include "log.h"
#include "migrate.h"
#include "dbws_store.h"
#include "task_runner.h"
#include "worker.h"
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DRAIN_SECONDS 10
#define SOCKET_PATH_MAX 256   /* longer than any unix socket path */

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_term = 1;
}

/* bind_socket: a fresh unix socket at path, mode 0660, group socket_group. */
static int bind_socket(const struct config *cfg, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "socket path too long: %s\n", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    unlink(path);   /* a stale socket from a crash would make nginx answer 502 */
    mode_t old = umask(0117);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || listen(fd, 1024) != 0) {
        fprintf(stderr, "cannot listen on %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    chmod(path, 0660);
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    if (cfg->run_as_user[0] && getuid() == 0) {
        struct passwd *pw = getpwnam(cfg->run_as_user);
        if (pw)
            uid = pw->pw_uid;
    }
    if (cfg->socket_group[0]) {
        struct group *gr = getgrnam(cfg->socket_group);
        if (!gr) {
            fprintf(stderr, "unknown group %s\n", cfg->socket_group);
            close(fd);
            return -1;
        }
        gid = gr->gr_gid;
    }
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) != 0) {
        fprintf(stderr, "cannot chown %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* drop_privileges: when root and CARD_USER is set, become that user. */
static int drop_privileges(const struct config *cfg)
{
    if (getuid() != 0 || !cfg->run_as_user[0])
        return 0;
    struct passwd *pw = getpwnam(cfg->run_as_user);
    if (!pw || initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0) {
        fprintf(stderr, "cannot switch to user %s\n", cfg->run_as_user);
        return -1;
    }
    return 0;
}

/* worker_kind_of: what worker i is — page workers first, then the stream worker, then the
 * query worker. */
static enum worker_kind worker_kind_of(int i)
{
    return i < g_app.cfg.workers ? WORKER_PAGE : i == g_app.cfg.workers ? WORKER_STREAM : WORKER_QUERY;
}

/* socket_path: worker i's socket, CARD_SOCKET with ".i" appended; the stream worker's,
 * CARD_STREAM_SOCKET or CARD_SOCKET.stream; the query worker's, CARD_QUERY_SOCKET or
 * CARD_SOCKET.query (bind_socket refuses a path too long for a unix socket, so a truncated one
 * is never used). */
static void socket_path(char *dst, size_t cap, int i)
{
    const char *own = NULL, *suffix = NULL;
    switch (worker_kind_of(i)) {
    case WORKER_PAGE: snprintf(dst, cap, "%s.%d", g_app.cfg.socket_path, i); return;
    case WORKER_STREAM: own = g_app.cfg.stream_socket; suffix = "stream"; break;
    case WORKER_QUERY: own = g_app.cfg.query_socket; suffix = "query"; break;
    }
    if (own[0])
        snprintf(dst, cap, "%s", own);
    else
        snprintf(dst, cap, "%s.%s", g_app.cfg.socket_path, suffix);
}

static void close_sockets(const int *fds, int n)
{
    char path[SOCKET_PATH_MAX];
    for (int i = 0; i < n; i++) {
        close(fds[i]);
        socket_path(path, sizeof path, i);
        unlink(path);
    }
}

/* bind_sockets: one socket per worker into fds[0..n); on failure none stays open. */
static int bind_sockets(int *fds, int n)
{
    char path[SOCKET_PATH_MAX];
    for (int i = 0; i < n; i++) {
        socket_path(path, sizeof path, i);
        if ((fds[i] = bind_socket(&g_app.cfg, path)) < 0) {
            close_sockets(fds, i);
            return -1;
        }
    }
    return 0;
}

/* spawn_worker: fork worker i, serving on fds[i] only (worker_kind_of(i) says which kind). */
static pid_t spawn_worker(const int *fds, int n, int i)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        for (int j = 0; j < n; j++)
            if (j != i)
                close(fds[j]);
        enum worker_kind kind = worker_kind_of(i);
        int threads = kind == WORKER_PAGE ? g_app.cfg.threads
                      : kind == WORKER_STREAM ? g_app.cfg.stream_threads : g_app.cfg.query_threads;
        /* exit, not _exit: sanitizers report at exit */
        exit(worker_run(fds[i], threads, kind));
    }
    return pid;
}

/* spawn_runner: fork the background task runner, holding no socket. */
static pid_t spawn_runner(const int *fds, int n)
{
    if (g_app.cfg.tasks <= 0)
        return 0;
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        for (int j = 0; j < n; j++)
            close(fds[j]);
        exit(task_runner_main());
    }
    return pid;
}

static void signal_all(const pid_t *pids, int n, int sig)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], sig);
}

/* supervise: keep worker i alive on fds[i] until SIGTERM/SIGINT, then drain with a deadline. */
static int supervise(const int *fds, int n)
{
    /* pids[n]: the task runner (0 when there is none). */
    pid_t *pids = calloc((size_t)n + 1, sizeof *pids);
    time_t *born = calloc((size_t)n + 1, sizeof *born);
    for (int i = 0; i < n; i++) {
        pids[i] = spawn_worker(fds, n, i);
        born[i] = time(NULL);
    }
    pids[n] = spawn_runner(fds, n);
    born[n] = time(NULL);
    log_msg("master: %d workers × %d threads on %s.0…%d, a stream worker × %d threads, "
            "a query worker × %d threads", g_app.cfg.workers, g_app.cfg.threads, g_app.cfg.socket_path,
            g_app.cfg.workers - 1, g_app.cfg.stream_threads, g_app.cfg.query_threads);
    while (!got_term) {
        if (got_hup) {
            got_hup = 0;
            log_msg("master: reloading templates");
            signal_all(pids, n, SIGHUP);   /* not the runner: it has no templates */
        }
        int status;
        pid_t dead = waitpid(-1, &status, WNOHANG);
        if (dead <= 0) {
            usleep(20000);
            continue;
        }
        for (int i = 0; i < n; i++) {
            if (pids[i] != dead || got_term)
                continue;
            log_msg("master: worker %d exited (status %d); restarting", (int)dead, status);
            if (time(NULL) - born[i] < 1)
                usleep(200000);      /* crash loop: slow down, don't spin */
            pids[i] = spawn_worker(fds, n, i);   /* same socket: its queue waited for it */
            born[i] = time(NULL);
        }
        if (pids[n] == dead && !got_term) {
            log_msg("master: task runner %d exited (status %d); restarting", (int)dead, status);
            if (time(NULL) - born[n] < 1)
                usleep(200000);
            pids[n] = spawn_runner(fds, n);
            born[n] = time(NULL);
        }
    }
    log_msg("master: draining");
    signal_all(pids, n + 1, SIGTERM);
    time_t deadline = time(NULL) + DRAIN_SECONDS;
    for (int left = n + (pids[n] > 0); left > 0 && time(NULL) < deadline;) {
        pid_t dead = waitpid(-1, NULL, WNOHANG);
        if (dead > 0)
            left--;
        else
            usleep(10000);
    }
    signal_all(pids, n + 1, SIGKILL);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    free(pids);
    free(born);
    return 0;
}

static int serve(void)
{
    struct config *cfg = &g_app.cfg;
    if (cfg->migrate_url[0] && migrate_run(cfg->migrate_url, cfg->sql_dir) != 0) {
        fprintf(stderr, "start-up stopped: a migration failed\n");
        return 1;
    }
    if (cfg->migrate_url[0])
        migrate_purge_history(cfg->migrate_url, cfg->history_days);
    if (app_load_secret(&g_app, 1) != 0 || app_load_templates(&g_app) != 0)
        return 1;
    /* AI keys another writer left in plaintext are sealed now, as the owner (ai_config.h). */
    if (cfg->migrate_url[0])
        ai_config_seal_plaintext(cfg->migrate_url, g_app.secret);
    /* Database-workspace passwords another writer left in plaintext are sealed now; the
     * registry of running queries is shared by the workers forked below. */
    if (cfg->migrate_url[0] && dbws_seal_plaintext(cfg->migrate_url, g_app.secret) < 0)
        log_msg("start-up: could not seal plaintext db_accounts passwords");
    dbws_running_init();
    int nsock = cfg->workers + 2;   /* the page workers' sockets, the stream and query workers' */
    int *fds = calloc((size_t)nsock, sizeof *fds);
    if (!fds || bind_sockets(fds, nsock) != 0) {
        free(fds);
        return 1;
    }
    if (drop_privileges(cfg) != 0) {
        close_sockets(fds, nsock);
        free(fds);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;   /* no SA_RESTART: waitpid returns on signals */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = supervise(fds, nsock);
    close_sockets(fds, nsock);
    free(fds);
    log_msg("master: stopped");
    return rc;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "serve";
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        config_usage();
        return 0;
    }
    pthread_rwlock_init(&g_app.lock, NULL);
    if (config_load(&g_app.cfg) != 0 || auth_init() != 0)
        return 2;
    if (strcmp(cmd, "migrate") == 0)
        return migrate_run(g_app.cfg.migrate_url, g_app.cfg.sql_dir) == 0 ? 0 : 1;
    if (strcmp(cmd, "serve") == 0)
        return serve();
    if (strcmp(cmd, "import-ebp") == 0)
        return import_ebp_main(argc - 1, argv + 1, g_app.cfg.migrate_url, g_app.cfg.sql_dir);
    fprintf(stderr, "unknown command %s (try --help)\n", cmd);
    return 2;
}
