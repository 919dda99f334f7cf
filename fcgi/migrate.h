/* migrate.h — apply sql/NNN_*.sql in order, each in its own transaction, recorded in
 * schema_migrations; applying twice is a no-op; a failing file rolls back whole. */
#ifndef CARD_MIGRATE_H
#define CARD_MIGRATE_H
/* migrate_run: connect with conninfo and apply every pending file of dir.  0, or -1 after
 * printing the failing file's name and PostgreSQL's error to stderr. */
int migrate_run(const char *conninfo, const char *dir);
/* migrate_purge_history: as the owner role (conninfo), delete history snapshots older than
 * days (sql/017's card_history_purge; days <= 0: none).  The number deleted, or -1 after
 * printing the error (start-up goes on: a purge can wait for the next one). */
long migrate_purge_history(const char *conninfo, int days);
#endif
