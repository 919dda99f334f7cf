/* import_ebp.h — `cardinality import-ebp --from <conninfo>`: copy an ERD Builder Pro database
 * in its Supabase shape (its repository's supabase_schema.sql: projects, diagrams, entities,
 * columns and relationships keyed by file_id, notes, drawings, flowcharts, users in
 * auth.users with bcrypt hashes in encrypted_password) into Cardinality's database. */
#ifndef CARD_IMPORT_EBP_H
#define CARD_IMPORT_EBP_H

/* import_ebp_main: run the subcommand with its arguments (argv[0] is "import-ebp").  Applies
 * the pending migrations with target_url (the owner role), then copies every row of the
 * source not copied before — card_import_map (sql/016) records each copied row by its source
 * id, so a second run adds nothing — in one transaction, printing a progress line per table
 * and a summary to stderr.  A user whose e-mail already exists here is mapped to that
 * account (its password left alone); ids and uids already taken get fresh ones.  0 on
 * success, 1 on a database error (nothing copied), 2 on a usage error. */
int import_ebp_main(int argc, char **argv, const char *target_url, const char *sql_dir);

/* The run as a background task (import_ebp_task.c): a `tasks` row of kind "import-ebp" owned by
 * the first super admin, updated on its own connection so its page shows progress live. */
#include <libpq-fe.h>
#include <time.h>
struct ebp_task {
    PGconn *conn;          /* NULL: not recorded (no super admin, or the insert failed) */
    char uid[64];
    time_t last_beat;
    int cancelled;         /* the owner asked to cancel */
};
/* ebp_task_start: record the run (best effort: says so on stderr when it cannot). */
void ebp_task_start(struct ebp_task *t, const char *target_url, const char *source);
/* ebp_task_step: progress (-1 keeps it), a log line (or NULL), the heartbeat; 1 when the owner
 * asked to cancel. */
int ebp_task_step(struct ebp_task *t, int progress, const char *msg);
/* ebp_task_beat: ebp_task_step(t, -1, NULL) at most once a second; 1 when cancelled. */
int ebp_task_beat(struct ebp_task *t);
/* ebp_task_end: succeeded (with summary as the result and last line), cancelled or failed
 * (summary as the error). */
void ebp_task_end(struct ebp_task *t, int ok, const char *summary);

#endif
