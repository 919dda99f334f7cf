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

#endif
