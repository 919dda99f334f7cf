/* dbws_cache.c — sessions to users' databases kept open between the SQL editor's queries
 * (see dbws_cache.h).  A fixed table of DBWS_CACHE_SLOTS entries per process under one mutex:
 * a session is either in the table (idle) or held by the one thread running a query on it,
 * never both.  Keys are BLAKE2b digests (libsodium) of everything that decides what a session
 * may do — connection uid, the signed-in user, the address connected to, host, port, database,
 * database user, password, sslmode, statement timeout, read-only — so a session only ever
 * serves the same user on the same settings, and no password is kept beside it. */
#include "dbws_cache.h"
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DBWS_CACHE_SLOTS 32
#define DBWS_CACHE_IDLE_S 60   /* an idle session older than this is closed, not reused */

struct entry {
    unsigned char key[DBWS_CACHE_KEY_BYTES];
    const struct dbws_driver *d;
    void *h;                   /* NULL: a free slot */
    time_t idle_since;
};

static struct entry cache[DBWS_CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static void hash_field(crypto_generichash_state *st, const char *s)
{
    const char *v = s ? s : "";
    crypto_generichash_update(st, (const unsigned char *)v, strlen(v) + 1);   /* with its NUL */
}

void dbws_cache_key(const struct dbws_conn *c, const char *user_id, const char *ip,
                    unsigned char key[DBWS_CACHE_KEY_BYTES])
{
    char nums[96];
    snprintf(nums, sizeof nums, "%d|%d|%d|%d", (int)c->type, c->port, c->timeout_ms, c->read_only);
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, DBWS_CACHE_KEY_BYTES);
    const char *fields[] = {c->uid, user_id, ip, c->host, c->database, c->user, c->password, c->sslmode, nums};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        hash_field(&st, fields[i]);
    crypto_generichash_final(&st, key, DBWS_CACHE_KEY_BYTES);
}

/* expired: take out the sessions idle too long (closed by the caller, outside the lock). */
static int expired(time_t now, struct entry *out, int max)
{
    int n = 0;
    for (int i = 0; i < DBWS_CACHE_SLOTS && n < max; i++)
        if (cache[i].h && now - cache[i].idle_since > DBWS_CACHE_IDLE_S) {
            out[n++] = cache[i];
            cache[i].h = NULL;
        }
    return n;
}

void *dbws_cache_take(const unsigned char key[DBWS_CACHE_KEY_BYTES], const struct dbws_driver *d)
{
    struct entry old[DBWS_CACHE_SLOTS];
    void *h = NULL;
    time_t now = time(NULL);
    pthread_mutex_lock(&cache_mu);
    int n = expired(now, old, DBWS_CACHE_SLOTS);
    for (int i = 0; i < DBWS_CACHE_SLOTS && !h; i++)
        if (cache[i].h && cache[i].d == d && sodium_memcmp(cache[i].key, key, DBWS_CACHE_KEY_BYTES) == 0) {
            h = cache[i].h;
            cache[i].h = NULL;
        }
    pthread_mutex_unlock(&cache_mu);
    for (int i = 0; i < n; i++)
        old[i].d->close(old[i].h);
    if (h && d->alive && !d->alive(h)) {   /* the server closed it meanwhile */
        d->close(h);
        h = NULL;
    }
    return h;
}

void dbws_cache_give(const unsigned char key[DBWS_CACHE_KEY_BYTES], const struct dbws_driver *d, void *h)
{
    if (!h)
        return;
    if (!d->reset || d->reset(h) != 0) {
        d->close(h);
        return;
    }
    struct entry evicted = {0};
    pthread_mutex_lock(&cache_mu);
    int slot = -1;
    for (int i = 0; i < DBWS_CACHE_SLOTS; i++) {
        if (!cache[i].h) {
            slot = i;
            break;
        }
        if (slot < 0 || cache[i].idle_since < cache[slot].idle_since)
            slot = i;   /* the longest idle, if no slot is free */
    }
    if (cache[slot].h)
        evicted = cache[slot];
    memcpy(cache[slot].key, key, DBWS_CACHE_KEY_BYTES);
    cache[slot].d = d;
    cache[slot].h = h;
    cache[slot].idle_since = time(NULL);
    pthread_mutex_unlock(&cache_mu);
    if (evicted.h)
        evicted.d->close(evicted.h);
}

