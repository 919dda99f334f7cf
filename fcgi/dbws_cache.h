/* dbws_cache.h — sessions to users' PostgreSQL and MySQL/MariaDB databases kept open between
 * the SQL editor's queries (issue 14's round trip: a fresh connection costs a TCP handshake and a
 * sign-in per query).  Only drivers with `reset` are cached (PostgreSQL: the session must be idle,
 * then DISCARD ALL returns it to its sign-in state: settings, temporary tables, prepared
 * statements; MySQL: mysql_reset_connection, then the sign-in settings again); idle
 * sessions are closed after a minute; a session the server closed meanwhile is not reused. */
#ifndef CARD_DBWS_CACHE_H
#define CARD_DBWS_CACHE_H
#include "dbws.h"

#define DBWS_CACHE_KEY_BYTES 32

/* dbws_cache_key: the digest of what a session of connection c for user_id at ip may do. */
void dbws_cache_key(const struct dbws_conn *c, const char *user_id, const char *ip,
                    unsigned char key[DBWS_CACHE_KEY_BYTES]);
/* dbws_cache_take: an idle session with key (now the caller's), or NULL. */
void *dbws_cache_take(const unsigned char key[DBWS_CACHE_KEY_BYTES], const struct dbws_driver *d);
/* dbws_cache_give: keep h for the next query with key, after d->reset; closes it instead when
 * the driver cannot reset it (or has no reset), evicting the longest idle when full. */
void dbws_cache_give(const unsigned char key[DBWS_CACHE_KEY_BYTES], const struct dbws_driver *d, void *h);
#endif
