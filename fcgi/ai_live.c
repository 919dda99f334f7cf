/* ai_live.c — the table of answers being streamed (see ai_live.h): a list under one mutex,
 * one condition variable broadcast at each change; each entry counts its users (the streaming
 * thread and followers) and is freed by the last. */
#include "ai_live.h"
#include "buf.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ai_live {
    long long id;
    char user_id[64];
    struct buf text;
    char *last_event, *last_data;   /* set by ai_live_finish */
    int stop;
    int refs;
    int listed;
    struct ai_live *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct ai_live *head;

static char *dup_or_abort(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* find: the listed entry id of user_id (lock held), or NULL. */
static struct ai_live *find(long long id, const char *user_id)
{
    for (struct ai_live *l = head; l; l = l->next)
        if (l->id == id && strcmp(l->user_id, user_id) == 0)
            return l;
    return NULL;
}

/* unref: drop one use (lock held); the last frees. */
static void unref(struct ai_live *l)
{
    if (--l->refs > 0)
        return;
    buf_free(&l->text);
    free(l->last_event);
    free(l->last_data);
    free(l);
}

struct ai_live *ai_live_open(long long id, const char *user_id)
{
    struct ai_live *l = calloc(1, sizeof *l);
    if (!l)
        abort();
    l->id = id;
    strncpy(l->user_id, user_id, sizeof l->user_id - 1);
    buf_init(&l->text);
    l->refs = 1;
    l->listed = 1;
    pthread_mutex_lock(&lock);
    l->next = head;
    head = l;
    pthread_mutex_unlock(&lock);
    return l;
}

void ai_live_append(struct ai_live *l, const char *text, size_t n)
{
    pthread_mutex_lock(&lock);
    buf_append(&l->text, text, n);
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

int ai_live_stop_requested(struct ai_live *l)
{
    pthread_mutex_lock(&lock);
    int stop = l->stop;
    pthread_mutex_unlock(&lock);
    return stop;
}

void ai_live_finish(struct ai_live *l, const char *event, const char *data)
{
    pthread_mutex_lock(&lock);
    l->last_event = dup_or_abort(event);
    l->last_data = dup_or_abort(data);
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

void ai_live_close(struct ai_live *l)
{
    pthread_mutex_lock(&lock);
    for (struct ai_live **p = &head; *p; p = &(*p)->next)
        if (*p == l) {
            *p = l->next;
            break;
        }
    l->listed = 0;
    pthread_cond_broadcast(&changed);
    unref(l);
    pthread_mutex_unlock(&lock);
}

int ai_live_stop(long long id, const char *user_id)
{
    pthread_mutex_lock(&lock);
    struct ai_live *l = find(id, user_id);
    if (l)
        l->stop = 1;
    pthread_mutex_unlock(&lock);
    return l != NULL;
}

int ai_live_follow(long long id, const char *user_id, size_t from,
                   int (*send)(void *ctx, const char *text, size_t n, size_t end),
                   int (*last)(void *ctx, const char *event, const char *data),
                   int (*idle)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&lock);
    struct ai_live *l = find(id, user_id);
    if (!l) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    l->refs++;
    size_t at = from;
    for (;;) {
        if (l->text.len > at) {            /* copy out, send without the lock */
            size_t n = l->text.len - at;
            char *piece = malloc(n);
            if (!piece)
                abort();
            memcpy(piece, l->text.data + at, n);
            pthread_mutex_unlock(&lock);
            int rc = send(ctx, piece, n, at + n);
            free(piece);
            pthread_mutex_lock(&lock);
            at += n;
            if (rc)
                break;
            continue;
        }
        if (l->last_event) {
            char *ev = dup_or_abort(l->last_event), *data = dup_or_abort(l->last_data);
            pthread_mutex_unlock(&lock);
            last(ctx, ev, data);
            free(ev);
            free(data);
            pthread_mutex_lock(&lock);
            break;
        }
        if (!l->listed)
            break;                        /* closed without a last event: stored is the truth */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&changed, &lock, &until);
        pthread_mutex_unlock(&lock);
        int gone = idle(ctx);
        pthread_mutex_lock(&lock);
        if (gone)
            break;
    }
    unref(l);
    pthread_mutex_unlock(&lock);
    return 1;
}
