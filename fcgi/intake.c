/* intake.c — a worker's front door (issue 15, finding 2).  One thread owns the listening
 * socket.  It accepts only while a request thread is free, so a busy or killed worker leaves
 * its connections in the kernel's backlog, where the replacement worker finds them.  A new
 * connection waits in an epoll set — a descriptor, no thread — until its FastCGI request head
 * (BEGIN_REQUEST, then PARAMS records up to the empty one that ends them) is in the socket's
 * buffer, looked at with MSG_PEEK so libfcgi still reads it from the start; then it is queued
 * for the request threads, whose FCGX_Accept_r finds the whole head there and never waits on
 * it.  A head not complete after INTAKE_HEAD_SECONDS is dropped, and so is the oldest waiting
 * connection when INTAKE_MAX_WAITING already wait.  A connection goes to the thread that became
 * idle last (a stack of waiting threads): its caches are warm, and the stream worker's threads
 * keep the AI provider's connection open between answers (ai_provider.c). */
#include "intake.h"
#include "log.h"
#include <errno.h>
#include <fastcgi.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define INTAKE_MAX_WAITING 256
#define INTAKE_PEEK (64 * 1024)   /* a head still open after this many bytes goes to a thread as is */
#define INTAKE_EVENTS 64

enum head { HEAD_MORE, HEAD_DONE, HEAD_DROP };

struct waiting {
    int fd;
    long long deadline_ms;
};

/* a request thread waiting in intake_next, on the stack of idle threads */
struct idler {
    pthread_cond_t cond;
    int fd;                        /* -1 until a connection is handed to it */
    int ready;                     /* cond initialised */
};

static struct {
    int listen_fd, ep, wake;       /* listening socket, epoll set, eventfd the threads poke */
    pthread_t tid;
    pthread_mutex_t lock;          /* guards ready*, idle, idlers, stopping */
    int *ready;                    /* ring of connections whose head is complete */
    size_t ready_cap, ready_head, ready_len;
    int idle;                      /* request threads waiting in intake_next */
    struct idler **idlers;         /* those waiting for a connection, the last idle on top */
    int nidlers;
    int stopping;
    struct waiting wait[INTAKE_MAX_WAITING];   /* accept thread only; oldest first */
    int nwait;
    unsigned char peek[INTAKE_PEEK];           /* accept thread only */
} g = {.lock = PTHREAD_MUTEX_INITIALIZER};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* head_state: whether b[0..n), the start of a connection's stream, holds a whole request head
 * (HEAD_DROP: not FastCGI at all). */
static enum head head_state(const unsigned char *b, size_t n)
{
    size_t at = 0;
    while (at + FCGI_HEADER_LEN <= n) {
        if (b[at] != FCGI_VERSION_1)
            return HEAD_DROP;
        size_t len = (size_t)b[at + 4] << 8 | b[at + 5];
        if (b[at + 1] == FCGI_PARAMS && len == 0)
            return HEAD_DONE;
        at += FCGI_HEADER_LEN + len + b[at + 6];
    }
    return n == INTAKE_PEEK ? HEAD_DONE : HEAD_MORE;
}

/* peek_head: head_state of what fd has received so far; HEAD_DROP once the peer is gone. */
static enum head peek_head(int fd)
{
    ssize_t n = recv(fd, g.peek, sizeof g.peek, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0)
        return head_state(g.peek, (size_t)n);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return HEAD_MORE;
    return HEAD_DROP;
}

static int is_stopping(void)
{
    pthread_mutex_lock(&g.lock);
    int s = g.stopping;
    pthread_mutex_unlock(&g.lock);
    return s;
}

/* free_threads: request threads that nothing queued is waiting for. */
static int free_threads(void)
{
    pthread_mutex_lock(&g.lock);
    int n = g.idle - (int)g.ready_len;
    pthread_mutex_unlock(&g.lock);
    return n;
}

/* hand_over: queue fd, head complete, for the request threads, blocking with timeouts. */
static void hand_over(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    struct timeval tv = {.tv_sec = INTAKE_IO_SECONDS};
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
        close(fd);
        return;
    }
    pthread_mutex_lock(&g.lock);
    if (g.nidlers) {                /* the thread idle the shortest time */
        struct idler *w = g.idlers[--g.nidlers];
        w->fd = fd;
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&g.lock);
        return;
    }
    if (g.ready_len == g.ready_cap) {   /* cannot happen: accepts stop while threads are busy */
        pthread_mutex_unlock(&g.lock);
        close(fd);
        return;
    }
    g.ready[(g.ready_head + g.ready_len) % g.ready_cap] = fd;
    g.ready_len++;
    pthread_mutex_unlock(&g.lock);
}

/* wait_remove: take entry i out of the waiting set, then close it or hand it over. */
static void wait_remove(int i, int drop)
{
    int fd = g.wait[i].fd;
    epoll_ctl(g.ep, EPOLL_CTL_DEL, fd, NULL);
    memmove(&g.wait[i], &g.wait[i + 1], (size_t)(g.nwait - i - 1) * sizeof g.wait[0]);
    g.nwait--;
    if (drop)
        close(fd);
    else
        hand_over(fd);
}

static void wait_add(int fd)
{
    if (g.nwait == INTAKE_MAX_WAITING)
        wait_remove(0, 1);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = fd};
    if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(fd);
        return;
    }
    g.wait[g.nwait++] = (struct waiting){fd, now_ms() + INTAKE_HEAD_SECONDS * 1000LL};
}

/* on_data: a waiting connection received something (or hung up). */
static void on_data(int fd, uint32_t events)
{
    int i = 0;
    while (i < g.nwait && g.wait[i].fd != fd)
        i++;
    if (i == g.nwait)
        return;
    enum head h = peek_head(fd);
    if (h == HEAD_MORE && (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        h = HEAD_DROP;
    if (h != HEAD_MORE)
        wait_remove(i, h == HEAD_DROP);
}

static void admit(int fd)
{
    switch (peek_head(fd)) {
    case HEAD_DONE:
        hand_over(fd);
        break;
    case HEAD_MORE:
        wait_add(fd);
        break;
    case HEAD_DROP:
        close(fd);
        break;
    }
}

/* accept_while_free: accept while a thread is free; returns whether the backlog may hold more. */
static int accept_while_free(void)
{
    while (free_threads() > 0) {
        int fd = accept4(g.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            admit(fd);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return 0;
        } else if ((errno == EMFILE || errno == ENFILE) && g.nwait) {
            wait_remove(0, 1);   /* out of descriptors: the oldest half-sent head goes first */
        } else if (errno != EINTR && errno != ECONNABORTED) {
            log_msg("worker: accept: %s", strerror(errno));
            usleep(100000);
            return 1;
        }
    }
    return 1;
}

static void *intake_main(void *arg)
{
    (void)arg;
    int backlog = 1;   /* a replacement worker may find connections queued already */
    struct epoll_event ev[INTAKE_EVENTS];
    while (!is_stopping()) {
        long long now = now_ms();
        while (g.nwait && g.wait[0].deadline_ms <= now)
            wait_remove(0, 1);
        if (backlog)
            backlog = accept_while_free();
        int timeout = -1;   /* until the oldest waiting head is due */
        if (g.nwait) {
            long long left = g.wait[0].deadline_ms - now_ms();
            timeout = left < 0 ? 0 : (int)left + 1;
        }
        int n = epoll_wait(g.ep, ev, INTAKE_EVENTS, timeout);
        for (int i = 0; i < n; i++) {
            int fd = ev[i].data.fd;
            if (fd == g.listen_fd) {
                backlog = 1;
            } else if (fd == g.wake) {
                uint64_t v;
                ssize_t r = read(g.wake, &v, sizeof v);
                (void)r;
            } else {
                on_data(fd, ev[i].events);
            }
        }
    }
    while (g.nwait)
        wait_remove(0, 1);
    return NULL;
}

int intake_start(int listen_fd, int threads)
{
    g.listen_fd = listen_fd;
    g.ready_cap = (size_t)threads + INTAKE_MAX_WAITING;
    g.ready = calloc(g.ready_cap, sizeof *g.ready);
    g.idlers = calloc(g.ready_cap, sizeof *g.idlers);
    g.ep = epoll_create1(EPOLL_CLOEXEC);
    g.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int fl = fcntl(listen_fd, F_GETFL);
    struct epoll_event lev = {.events = EPOLLIN | EPOLLET, .data.fd = listen_fd};
    struct epoll_event wev = {.events = EPOLLIN, .data.fd = g.wake};
    if (!g.ready || !g.idlers || g.ep < 0 || g.wake < 0 || fl < 0 ||
        fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
        epoll_ctl(g.ep, EPOLL_CTL_ADD, listen_fd, &lev) != 0 ||
        epoll_ctl(g.ep, EPOLL_CTL_ADD, g.wake, &wev) != 0)
        return -1;
    return pthread_create(&g.tid, NULL, intake_main, NULL) == 0 ? 0 : -1;
}

int intake_next(void)
{
    static _Thread_local struct idler me;
    uint64_t one = 1;
    if (!me.ready) {
        pthread_cond_init(&me.cond, NULL);
        me.ready = 1;
    }
    pthread_mutex_lock(&g.lock);
    g.idle++;
    ssize_t w = write(g.wake, &one, sizeof one);   /* one more free thread: accept again */
    (void)w;
    int fd = -1;
    if (g.ready_len) {              /* queued while no thread waited */
        fd = g.ready[g.ready_head];
        g.ready_head = (g.ready_head + 1) % g.ready_cap;
        g.ready_len--;
    } else if (!g.stopping) {
        me.fd = -1;
        g.idlers[g.nidlers++] = &me;
        while (me.fd < 0 && !g.stopping)
            pthread_cond_wait(&me.cond, &g.lock);
        fd = me.fd;
        if (fd < 0)                 /* stopping: leave the stack */
            for (int i = 0; i < g.nidlers; i++)
                if (g.idlers[i] == &me) {
                    g.idlers[i] = g.idlers[--g.nidlers];
                    break;
                }
    }
    g.idle--;
    pthread_mutex_unlock(&g.lock);
    return fd;
}

void intake_stop(void)
{
    uint64_t one = 1;
    pthread_mutex_lock(&g.lock);
    g.stopping = 1;
    for (int i = 0; i < g.nidlers; i++)
        pthread_cond_signal(&g.idlers[i]->cond);
    pthread_mutex_unlock(&g.lock);
    ssize_t w = write(g.wake, &one, sizeof one);
    (void)w;
    pthread_join(g.tid, NULL);
}
