/* dbws.c — what the database-workspace drivers share: the driver table, the registry of
 * running queries (shared memory across worker processes, so a cancel request answered by any
 * worker reaches the query), errors, timing and JSON text for values. */
#include "dbws.h"
#include "http.h"
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>

extern const struct dbws_driver dbws_pg_driver, dbws_mysql_driver, dbws_sqlite_driver;

static const struct {
    const char *name;
    enum dbws_type type;
} type_names[] = {
    {"postgres", DBWS_POSTGRES}, {"postgresql", DBWS_POSTGRES}, {"mysql", DBWS_MYSQL},
    {"mariadb", DBWS_MYSQL},     {"sqlite", DBWS_SQLITE},
};

int dbws_type_from_name(const char *name, enum dbws_type *t)
{
    for (size_t i = 0; name && i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcasecmp(name, type_names[i].name) == 0) {
            *t = type_names[i].type;
            return 0;
        }
    return -1;
}

const struct dbws_driver *dbws_driver_for(enum dbws_type t)
{
    static const struct dbws_driver *const drivers[] = {
        [DBWS_POSTGRES] = &dbws_pg_driver, [DBWS_MYSQL] = &dbws_mysql_driver,
        [DBWS_SQLITE] = &dbws_sqlite_driver,
    };
    return drivers[t];
}

const char *dbws_type_name(enum dbws_type t)
{
    return dbws_driver_for(t)->name;
}

int dbws_error_set(struct dbws_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    err->code = code;
    err->position = 0;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

int dbws_expect_one(const struct dbws_stmt *s, int i, long long changed, struct dbws_error *err)
{
    if (!s->expect_one || changed == 1)
        return 0;
    return dbws_error_set(err, DBWS_ERR_SQL, "Change %d matched %lld rows instead of one; nothing was applied.",
                          i + 1, changed);
}

double dbws_elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

json_t *dbws_json_text(const char *s, size_t n)
{
    if (http_utf8_valid(s, n) && !memchr(s, '\0', n))
        return json_stringn(s, n);
    static const char hex[] = "0123456789abcdef";
    char *out = malloc(2 * n + 3);
    if (!out)
        return json_null();
    out[0] = '\\';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i] = hex[(unsigned char)s[i] >> 4];
        out[3 + 2 * i] = hex[(unsigned char)s[i] & 15];
    }
    json_t *j = json_stringn(out, 2 * n + 2);
    free(out);
    return j;
}

/* ---- running queries ---------------------------------------------------------------------- */

#define RUNNING_SLOTS 256

struct dbws_slot {
    atomic_int used;
    atomic_int cancel;
    atomic_llong remote_id;
    char conn_uid[65];
    char user_id[65];
};

static struct dbws_slot local_slots[RUNNING_SLOTS];
static struct dbws_slot *slots = local_slots;

void dbws_running_init(void)
{
    void *p = mmap(NULL, sizeof local_slots, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED)
        slots = p;   /* zero-filled: every slot free */
}

struct dbws_slot *dbws_running_claim(const char *conn_uid, const char *user_id)
{
    if (strlen(conn_uid) > 64 || strlen(user_id) > 64)
        return NULL;
    for (int i = 0; i < RUNNING_SLOTS; i++) {
        int free_ = 0;
        if (atomic_compare_exchange_strong(&slots[i].used, &free_, 1)) {
            struct dbws_slot *s = &slots[i];
            atomic_store(&s->cancel, 0);
            atomic_store(&s->remote_id, 0);
            strcpy(s->conn_uid, conn_uid);
            strcpy(s->user_id, user_id);
            atomic_store(&s->used, 2);   /* 2: filled in, visible to cancel */
            return s;
        }
    }
    return NULL;
}

void dbws_running_set_remote(struct dbws_slot *s, long long remote_id)
{
    if (s)
        atomic_store(&s->remote_id, remote_id);
}

int dbws_running_cancelled(const struct dbws_slot *s)
{
    return s && atomic_load(&((struct dbws_slot *)s)->cancel);
}

void dbws_running_release(struct dbws_slot *s)
{
    if (s)
        atomic_store(&s->used, 0);
}

int dbws_running_cancel(const char *conn_uid, const char *user_id, long long *ids, int max)
{
    int n = 0;
    for (int i = 0; i < RUNNING_SLOTS; i++) {
        struct dbws_slot *s = &slots[i];
        if (atomic_load(&s->used) != 2 || strcmp(s->conn_uid, conn_uid) != 0 ||
            strcmp(s->user_id, user_id) != 0)
            continue;
        atomic_store(&s->cancel, 1);
        if (n < max)
            ids[n] = atomic_load(&s->remote_id);
        n++;
    }
    return n;
}
