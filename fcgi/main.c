/* main.c — the master process: configuration, migrations, the FastCGI socket, and a pool
 * of worker processes it restarts when they die, reloads on SIGHUP and drains on SIGTERM. */
#include "app.h"
#include "auth.h"
#include "log.h"
#include "migrate.h"
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

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_term = 1;
}

/* bind_socket: a fresh unix socket, mode 0660, group socket_group. */
static int bind_socket(const struct config *cfg)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(cfg->socket_path) >= sizeof sa.sun_path) {
        fprintf(stderr, "socket path too long: %s\n", cfg->socket_path);
        return -1;
    }
    strcpy(sa.sun_path, cfg->socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    unlink(cfg->socket_path);   /* a stale socket from a crash would make nginx answer 502 */
    mode_t old = umask(0117);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || listen(fd, 1024) != 0) {
        fprintf(stderr, "cannot listen on %s: %s\n", cfg->socket_path, strerror(errno));
        close(fd);
        return -1;
    }
    chmod(cfg->socket_path, 0660);
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
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(cfg->socket_path, uid, gid) != 0) {
        fprintf(stderr, "cannot chown %s: %s\n", cfg->socket_path, strerror(errno));
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

static pid_t spawn_worker(int fd)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        exit(worker_run(fd));   /* exit, not _exit: sanitizers report at exit */
    }
    return pid;
}

static void signal_all(const pid_t *pids, int n, int sig)
{
    for (int i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], sig);
}

/* supervise: keep n workers alive until SIGTERM/SIGINT, then drain with a deadline. */
static int supervise(int fd, int n)
{
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    time_t *born = calloc((size_t)n, sizeof *born);
    for (int i = 0; i < n; i++) {
        pids[i] = spawn_worker(fd);
        born[i] = time(NULL);
    }
    log_msg("master: %d workers × %d threads on %s", n, g_app.cfg.threads, g_app.cfg.socket_path);
    while (!got_term) {
        if (got_hup) {
            got_hup = 0;
            log_msg("master: reloading templates");
            signal_all(pids, n, SIGHUP);
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
            pids[i] = spawn_worker(fd);
            born[i] = time(NULL);
        }
    }
    log_msg("master: draining");
    signal_all(pids, n, SIGTERM);
    time_t deadline = time(NULL) + DRAIN_SECONDS;
    for (int left = n; left > 0 && time(NULL) < deadline;) {
        pid_t dead = waitpid(-1, NULL, WNOHANG);
        if (dead > 0)
            left--;
        else
            usleep(10000);
    }
    signal_all(pids, n, SIGKILL);
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
    if (app_load_secret(&g_app, 1) != 0 || app_load_templates(&g_app) != 0)
        return 1;
    int fd = bind_socket(cfg);
    if (fd < 0 || drop_privileges(cfg) != 0)
        return 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;   /* no SA_RESTART: waitpid returns on signals */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = supervise(fd, cfg->workers);
    close(fd);
    unlink(cfg->socket_path);
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
    fprintf(stderr, "unknown command %s (try --help)\n", cmd);
    return 2;
}
