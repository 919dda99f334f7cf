/* ddl_import_sqlite.c — SQLite DDL through SQLite itself.
 *
 * The script runs statement by statement in private in-memory databases (a few hundred
 * tables each, see "shards"): extension loading off, defensive mode on, tight limits, a
 * progress handler holding each statement to a step budget and the import to its deadline,
 * and an authorizer that lets each kind of statement (CREATE TABLE, CREATE INDEX, ALTER
 * TABLE) do only what it needs — no query ever runs: CREATE TABLE … AS SELECT is refused
 * before it runs.  Only CREATE TABLE/INDEX and ALTER TABLE are prepared; views, triggers and
 * every other statement (INSERT, PRAGMA, BEGIN/COMMIT…) are skipped and counted without
 * being prepared.  More than ERD_MAX_ENTITIES CREATE TABLEs stop the import at the one past
 * the limit.  The model is then read back with PRAGMA table_info / foreign_key_list /
 * index_list / index_info.  Error rule as for PostgreSQL: a CREATE TABLE or ALTER TABLE that
 * fails, or a file where no statement succeeds, fails the import with that position
 * (sqlite3_error_offset); another failure (an index SQLite rejects) is skipped.
 * A column without a declared type gets "BLOB" (SQLite's affinity for it). */
#include "ddl_import_internal.h"
#include "erd_model.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    int id, value;
} limits[] = {
    {SQLITE_LIMIT_LENGTH, 1000000},      {SQLITE_LIMIT_SQL_LENGTH, 4000000},
    {SQLITE_LIMIT_COLUMN, ERD_MAX_COLUMNS}, {SQLITE_LIMIT_EXPR_DEPTH, 100},
    {SQLITE_LIMIT_COMPOUND_SELECT, 50},  {SQLITE_LIMIT_VDBE_OP, 100000},
    {SQLITE_LIMIT_FUNCTION_ARG, 32},     {SQLITE_LIMIT_ATTACHED, 0},
    {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000}, {SQLITE_LIMIT_VARIABLE_NUMBER, 100},
    {SQLITE_LIMIT_TRIGGER_DEPTH, 1},     {SQLITE_LIMIT_WORKER_THREADS, 0},
};

/* Kinds of statement that reach SQLite; each may do only what its row of allowed_actions
 * says.  Views, triggers and virtual tables are skipped without being prepared: they add
 * nothing to the model. */
enum stmt_kind { ST_TABLE, ST_INDEX, ST_ALTER, ST_OTHER, ST_SKIP, ST_SKIP_TRIGGER };
#define KIND(k) (1u << (k))

/* The sandbox's view of the statement being run, for the authorizer and progress handler. */
struct sandbox {
    struct ddl_builder *b;
    enum stmt_kind kind;
    size_t start;        /* offset of the statement ((size_t)-1 while reading back) */
    long progress_calls; /* for this statement */
    bool denied_select;  /* the authorizer refused a SELECT (CREATE TABLE … AS SELECT) */
    int tables;          /* CREATE TABLE statements that ran */
};

#define PROGRESS_OPS 1000          /* virtual-machine steps between progress-handler calls */
#define PROGRESS_CALLS_MAX 10000   /* so at most 10M steps per statement: far more than a
                                      schema statement needs, even a rename beside 10,000
                                      tables */

/* What each kind may ask for.  A CREATE TABLE or CREATE INDEX can hold no SELECT (SQLite
 * allows no subquery in CHECK, DEFAULT, generated columns or index expressions), so a
 * SELECT there is "CREATE TABLE … AS SELECT", refused before it runs; its READs are the
 * table's own columns named in a CHECK, a generated column or an index — the table is empty
 * and stays so, so nothing is read.  ALTER TABLE runs its own queries of sqlite_schema
 * (SELECT, READ of the schema tables, PRAGMA quick_check after ADD COLUMN … CHECK).
 * Writes to the schema tables and RECURSIVE are handled in authorizer(). */
static const struct {
    int action;
    unsigned kinds;
} allowed_actions[] = {
    {SQLITE_CREATE_TABLE, KIND(ST_TABLE)},
    {SQLITE_CREATE_TEMP_TABLE, KIND(ST_TABLE)},
    {SQLITE_CREATE_INDEX, KIND(ST_TABLE) | KIND(ST_INDEX)}, /* UNIQUE, WITHOUT ROWID keys */
    {SQLITE_CREATE_TEMP_INDEX, KIND(ST_TABLE) | KIND(ST_INDEX)},
    {SQLITE_REINDEX, KIND(ST_INDEX)},
    {SQLITE_READ, KIND(ST_TABLE) | KIND(ST_INDEX)},
    {SQLITE_ALTER_TABLE, KIND(ST_ALTER)},
    {SQLITE_SELECT, KIND(ST_ALTER)},
    {SQLITE_PRAGMA, KIND(ST_ALTER)},
};

/* Functions: a CHECK, generated column or index expression names them but no row is ever
 * evaluated (tables stay empty, no query runs); ALTER TABLE uses SQLite's own (like, substr,
 * printf, sqlite_rename_*).  These are refused anyway: */
static const char *const denied_functions[] = {
    "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "sqlite_compileoption_get",
    "randomblob", "zeroblob", "sqlite_offset",
};

static bool is_schema_table(const char *t)
{
    return t && (strcasecmp(t, "sqlite_master") == 0 || strcasecmp(t, "sqlite_schema") == 0 ||
                 strcasecmp(t, "sqlite_temp_master") == 0 || strcasecmp(t, "sqlite_temp_schema") == 0 ||
                 strcasecmp(t, "sqlite_sequence") == 0);
}

static bool is_alter_check(const struct sandbox *sb, int action, const char *a1)
{
    return sb->kind == ST_ALTER && a1 &&
           ((action == SQLITE_READ && strcmp(a1, "pragma_quick_check") == 0) ||
            (action == SQLITE_PRAGMA && strcasecmp(a1, "quick_check") == 0));
}

static int authorizer(void *ctx, int action, const char *a1, const char *a2, const char *db,
                      const char *trigger)
{
    struct sandbox *sb = ctx;
    (void)db;
    (void)trigger;
    if (action == SQLITE_RECURSIVE)
        return SQLITE_DENY;
    if (action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE ||
        action == SQLITE_READ)
        if (is_schema_table(a1))
            return sb->kind == ST_OTHER ? SQLITE_DENY : SQLITE_OK;
    if (action == SQLITE_FUNCTION) {
        for (size_t i = 0; i < sizeof denied_functions / sizeof *denied_functions; i++)
            if (a2 && strcasecmp(a2, denied_functions[i]) == 0)
                return SQLITE_DENY;
        return sb->kind == ST_OTHER ? SQLITE_DENY : SQLITE_OK;
    }
    if (action == SQLITE_SELECT && sb->kind != ST_ALTER) {
        sb->denied_select = sb->kind == ST_TABLE;
        return SQLITE_DENY;
    }
    if (action == SQLITE_PRAGMA || (action == SQLITE_READ && sb->kind == ST_ALTER))
        return is_alter_check(sb, action, a1) ? SQLITE_OK : SQLITE_DENY;
    for (size_t i = 0; i < sizeof allowed_actions / sizeof *allowed_actions; i++)
        if (allowed_actions[i].action == action)
            return allowed_actions[i].kinds & KIND(sb->kind) ? SQLITE_OK : SQLITE_DENY;
    return SQLITE_DENY; /* INSERT into a table, ATTACH, transactions, DROP, virtual tables… */
}

/* progress: stop a statement past its step budget or the import past its deadline. */
static int progress(void *ctx)
{
    struct sandbox *sb = ctx;
    if (++sb->progress_calls > PROGRESS_CALLS_MAX) {
        ddl_import_fail(sb->b, sb->start, "a statement needed more than %d SQLite steps",
                        PROGRESS_OPS * PROGRESS_CALLS_MAX);
        return 1;
    }
    return ddl_import_tick(sb->b, sb->start, 0) != 0;
}

static int open_sandbox(sqlite3 **db)
{
    if (sqlite3_open_v2(":memory:", db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                            SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return -1;
    sqlite3_db_config(*db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
    sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(*db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
        sqlite3_limit(*db, limits[i].id, limits[i].value);
    return 0;
}

/* ------------------------------------------------------------------ running the script */

/* skip_statement: offset just past the next top-level ';' from pos (or the end). */
static size_t skip_statement(const char *s, size_t len, size_t pos)
{
    struct ddl_tok t;
    do {
        ddl_lex_next(s, len, &pos, 0, &t);
    } while (t.kind != TOK_EOF && t.kind != TOK_ERROR && !ddl_tok_punct(s, &t, ';'));
    return pos;
}

struct run_state {
    int ok, failed;
    bool have_error, table_failed;
    size_t error_offset;
    char error[400];
};

/* Second (after TEMP/TEMPORARY: third) word of a CREATE statement → kind. */
static const struct {
    const char *word;
    enum stmt_kind kind;
} create_kinds[] = {
    {"TABLE", ST_TABLE}, {"INDEX", ST_INDEX}, {"UNIQUE", ST_INDEX},
    {"VIEW", ST_SKIP},   {"TRIGGER", ST_SKIP_TRIGGER}, {"VIRTUAL", ST_SKIP},
};

/* statement_kind: what the CREATE/ALTER statement at pos is (ST_OTHER: let SQLite say). */
static enum stmt_kind statement_kind(const char *s, size_t len, size_t pos)
{
    struct ddl_tok a, b;
    ddl_lex_next(s, len, &pos, 0, &a);
    ddl_lex_next(s, len, &pos, 0, &b);
    if (ddl_tok_is(s, &a, "ALTER"))
        return ddl_tok_is(s, &b, "TABLE") ? ST_ALTER : ST_OTHER;
    if (!ddl_tok_is(s, &a, "CREATE"))
        return ST_OTHER;
    if (ddl_tok_is(s, &b, "TEMP") || ddl_tok_is(s, &b, "TEMPORARY"))
        ddl_lex_next(s, len, &pos, 0, &b);
    for (size_t i = 0; i < sizeof create_kinds / sizeof *create_kinds; i++)
        if (ddl_tok_is(s, &b, create_kinds[i].word))
            return create_kinds[i].kind;
    return ST_OTHER;
}

static void note_failure(struct run_state *rs, struct sandbox *sb, sqlite3 *db, size_t start)
{
    bool table = sb->kind == ST_TABLE || sb->kind == ST_ALTER;
    rs->failed++;
    if (rs->have_error && (rs->table_failed || !table))
        return;
    rs->table_failed = table;
    int off = sqlite3_error_offset(db);
    rs->have_error = true;
    rs->error_offset = start + (off > 0 ? (size_t)off : 0);
    if (off < 0 && sqlite3_errcode(db) == SQLITE_ERROR && strstr(sqlite3_errmsg(db), "incomplete"))
        rs->error_offset = (size_t)-2; /* the statement runs to the end of the input */
    snprintf(rs->error, sizeof rs->error, "%s",
             sb->denied_select ? "CREATE TABLE … AS SELECT is not imported (nothing is run): "
                                 "declare the table's columns instead"
                               : sqlite3_errmsg(db));
}

/* skip_trigger: offset just past a CREATE TRIGGER at pos: its body's statements end in ';'
 * too, so it ends at the ';' after the END that closes BEGIN (CASE … END counted). */
static size_t skip_trigger(const char *s, size_t len, size_t pos)
{
    struct ddl_tok t;
    bool body = false;
    int cases = 0;
    for (;;) {
        ddl_lex_next(s, len, &pos, 0, &t);
        if (t.kind == TOK_EOF || t.kind == TOK_ERROR || (!body && ddl_tok_punct(s, &t, ';')))
            return pos;
        if (!body) {
            body = ddl_tok_is(s, &t, "BEGIN");
        } else if (ddl_tok_is(s, &t, "CASE")) {
            cases++;
        } else if (ddl_tok_is(s, &t, "END") && cases-- == 0) {
            return skip_statement(s, len, pos);
        }
    }
}

/* ---- shards: SQLite's CREATE TABLE takes time linear in the tables already in its database
 * (it rescans sqlite_schema and walks every table), so 10,000 tables in one database cost
 * seconds.  Tables are spread over databases of SHARD_TABLES each; a table's indexes and
 * ALTER TABLEs go to its database, so each database is what SQLite would have built for its
 * tables.  Renames change other tables' references, so a script that renames anything uses
 * one database. */
#define SHARD_TABLES 250
#define MAX_SHARDS (ERD_MAX_ENTITIES / SHARD_TABLES + 1)

struct shards {
    sqlite3 *db[MAX_SHARDS];
    int n;
    int last_tables; /* CREATE TABLEs run in db[n - 1] */
    bool single;
};

static int open_shard(struct ddl_builder *b, struct shards *sh, struct sandbox *sb)
{
    sqlite3 **db = &sh->db[sh->n];
    if (open_sandbox(db) != 0) {
        sqlite3_close(*db);
        *db = NULL;
        return ddl_import_fail(b, (size_t)-1, "cannot open an in-memory SQLite database");
    }
    sh->n++;
    sh->last_tables = 0;
    if (sqlite3_exec(*db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) /* one transaction: faster */
        return ddl_import_fail(b, (size_t)-1, "SQLite: %s", sqlite3_errmsg(*db));
    sqlite3_progress_handler(*db, PROGRESS_OPS, progress, sb);
    sqlite3_set_authorizer(*db, authorizer, sb);
    return 0;
}

/* renames: whether some ALTER TABLE of the script renames a table or column. */
static bool renames(const char *s, size_t len)
{
    size_t pos = 0;
    bool first = true, alter = false;
    struct ddl_tok t;
    for (;;) {
        ddl_lex_next(s, len, &pos, 0, &t);
        if (t.kind == TOK_EOF || t.kind == TOK_ERROR)
            return false;
        if (alter && ddl_tok_is(s, &t, "RENAME"))
            return true;
        if (first)
            alter = ddl_tok_is(s, &t, "ALTER");
        first = ddl_tok_punct(s, &t, ';');
    }
}

/* name_text: the identifier at t (bare, "quoted", 'quoted', [bracketed] or `quoted`) as an
 * arena string, *pos moved past it; NULL when t starts none. */
static const char *name_text(struct ddl_builder *b, const struct ddl_tok *t, size_t *pos)
{
    const char *s = b->sql;
    if (t->kind == TOK_WORD || t->kind == TOK_QIDENT || t->kind == TOK_STRING)
        return ddl_tok_text(b, s, t, 0);
    if (!ddl_tok_punct(s, t, '[') && !ddl_tok_punct(s, t, '`'))
        return NULL;
    const char *close = memchr(s + t->end, s[t->start] == '[' ? ']' : '`', b->len - t->end);
    if (!close)
        return NULL;
    *pos = (size_t)(close - s) + 1;
    return ddl_import_strndup(b, s + t->end, (size_t)(close - s) - t->end);
}

/* created_table_name: the table a CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name at pos
 * creates, or NULL when it cannot be told (SQLite will say what is wrong). */
static const char *created_table_name(struct ddl_builder *b, size_t pos)
{
    struct ddl_tok t;
    const char *name = NULL;
    do
        ddl_lex_next(b->sql, b->len, &pos, 0, &t);
    while (t.kind == TOK_WORD && !ddl_tok_is(b->sql, &t, "TABLE"));
    ddl_lex_next(b->sql, b->len, &pos, 0, &t);
    if (ddl_tok_is(b->sql, &t, "IF")) {
        ddl_lex_next(b->sql, b->len, &pos, 0, &t); /* NOT */
        ddl_lex_next(b->sql, b->len, &pos, 0, &t); /* EXISTS */
        ddl_lex_next(b->sql, b->len, &pos, 0, &t);
    }
    for (;;) {
        if (!(name = name_text(b, &t, &pos)))
            return NULL;
        size_t after = pos;
        ddl_lex_next(b->sql, b->len, &after, 0, &t);
        if (!ddl_tok_punct(b->sql, &t, '.'))
            return name;
        pos = after; /* schema.name */
        ddl_lex_next(b->sql, b->len, &pos, 0, &t);
    }
}

static bool has_table(sqlite3 *db, const char *name)
{
    return sqlite3_table_column_metadata(db, NULL, name, NULL, NULL, NULL, NULL, NULL, NULL) ==
           SQLITE_OK;
}

/* table_shard: where a CREATE TABLE at pos runs: the database that has a table of that name
 * (SQLite then says it exists, or IF NOT EXISTS makes it a no-op), else the newest one,
 * opening another when it is full; -1 with err set when one cannot be opened. */
static int table_shard(struct ddl_builder *b, struct shards *sh, struct sandbox *sb, size_t pos)
{
    const char *name = created_table_name(b, pos);
    for (int k = 0; name && k < sh->n; k++)
        if (has_table(sh->db[k], name))
            return k;
    if (!sh->single && sh->last_tables >= SHARD_TABLES && sh->n < MAX_SHARDS &&
        open_shard(b, sh, sb) != 0)
        return -1;
    return sh->n - 1;
}

/* prepare_somewhere: prepare the statement at pos in db[*k]; an ALTER TABLE or CREATE INDEX
 * that finds no such table there is tried in the other databases (newest first).  On
 * failure *k is the first database tried, holding its error. */
static int prepare_somewhere(struct ddl_builder *b, struct shards *sh, struct sandbox *sb,
                             size_t pos, int *k, sqlite3_stmt **st, const char **tail)
{
    int first = *k;
    int rc = sqlite3_prepare_v2(sh->db[first], b->sql + pos, -1, st, tail); /* -1: no copy */
    if (rc == SQLITE_OK || sb->kind == ST_TABLE ||
        strncmp(sqlite3_errmsg(sh->db[first]), "no such table", 13) != 0)
        return rc;
    for (int i = sh->n - 1; i >= 0; i--) {
        if (i == first)
            continue;
        sqlite3_stmt *other = NULL;
        if (sqlite3_prepare_v2(sh->db[i], b->sql + pos, -1, &other, tail) == SQLITE_OK) {
            *st = other;
            *k = i;
            return SQLITE_OK;
        }
    }
    return rc;
}

/* run_one: prepare and step one CREATE/ALTER statement at pos; returns the next position.
 * The table limit is checked before a CREATE TABLE runs, the budget while it runs. */
static size_t run_one(struct ddl_builder *b, struct shards *sh, size_t pos, struct run_state *rs,
                      struct sandbox *sb)
{
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    *sb = (struct sandbox){b, statement_kind(b->sql, b->len, pos), pos, 0, false, sb->tables};
    if (sb->kind == ST_SKIP || sb->kind == ST_SKIP_TRIGGER) {
        b->skipped++;
        return sb->kind == ST_SKIP ? skip_statement(b->sql, b->len, pos)
                                   : skip_trigger(b->sql, b->len, pos);
    }
    if (sb->kind == ST_TABLE && sb->tables >= ERD_MAX_ENTITIES) {
        ddl_import_fail(b, pos, "more than %d tables", ERD_MAX_ENTITIES);
        return b->len;
    }
    int k = sb->kind == ST_TABLE ? table_shard(b, sh, sb, pos) : sh->n - 1;
    if (k < 0)
        return b->len;
    int rc = prepare_somewhere(b, sh, sb, pos, &k, &st, &tail);
    if (rc != SQLITE_OK) {
        note_failure(rs, sb, sh->db[k], pos);
        return skip_statement(b->sql, b->len, pos);
    }
    size_t next = tail ? (size_t)(tail - b->sql) : b->len;
    if (!st)
        return b->len; /* only comments/whitespace left */
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        rs->ok++;
        sb->tables += sb->kind == ST_TABLE;
        sh->last_tables += sb->kind == ST_TABLE && k == sh->n - 1;
    } else {
        note_failure(rs, sb, sh->db[k], pos);
    }
    sqlite3_finalize(st);
    return next > pos ? next : skip_statement(b->sql, b->len, pos);
}

/* too_many_tables: a lexical pass before anything runs, so a file past the table limit answers
 * at once (naming the statement that passed it) instead of after SQLite built 10,000 tables. */
static bool too_many_tables(struct ddl_builder *b)
{
    size_t pos = 0;
    int tables = 0;
    while (pos < b->len) {
        struct ddl_tok t;
        size_t at = pos;
        ddl_lex_next(b->sql, b->len, &at, 0, &t);
        if (t.kind == TOK_EOF || t.kind == TOK_ERROR)
            return false;
        enum stmt_kind kind = statement_kind(b->sql, b->len, t.start);
        if (kind == ST_TABLE && ++tables > ERD_MAX_ENTITIES) {
            ddl_import_fail(b, t.start, "more than %d tables", ERD_MAX_ENTITIES);
            return true;
        }
        size_t next = kind == ST_SKIP_TRIGGER ? skip_trigger(b->sql, b->len, t.start)
                                              : skip_statement(b->sql, b->len, t.start);
        if (next <= pos)
            return false;
        pos = next;
    }
    return false;
}

static int run_script(struct ddl_builder *b, struct shards *sh, struct sandbox *sb)
{
    struct run_state rs = {0};
    size_t pos = 0;
    if (too_many_tables(b))
        return -1;
    sh->single = renames(b->sql, b->len);
    if (open_shard(b, sh, sb) != 0)
        return -1;
    while (pos < b->len && !b->err->message[0]) {
        struct ddl_tok t;
        size_t at = pos;
        ddl_lex_next(b->sql, b->len, &at, 0, &t);
        if (t.kind == TOK_EOF)
            break;
        if (ddl_tok_punct(b->sql, &t, ';')) {
            pos = at;
        } else if (ddl_import_tick(b, t.start, 1) != 0) {
            break;
        } else if (ddl_tok_is(b->sql, &t, "CREATE") || ddl_tok_is(b->sql, &t, "ALTER") ||
                   t.kind == TOK_ERROR || t.kind == TOK_PUNCT || t.kind == TOK_NUMBER) {
            pos = run_one(b, sh, t.start, &rs, sb); /* garbage goes to SQLite for its error */
        } else {
            b->skipped++;
            pos = skip_statement(b->sql, b->len, t.start);
        }
    }
    for (int k = 0; k < sh->n; k++)
        sqlite3_set_authorizer(sh->db[k], NULL, NULL);
    if (b->err->message[0]) /* the budget or the table limit */
        return -1;
    if (rs.table_failed || (rs.ok == 0 && rs.failed > 0))
        return ddl_import_fail(b, rs.error_offset == (size_t)-2 ? b->len : rs.error_offset, "%s",
                               rs.error);
    b->skipped += rs.failed;
    return 0;
}

/* ------------------------------------------------------------------ reading back */

static const char *col_text(struct ddl_builder *b, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? ddl_import_strndup(b, (const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static int prepare_bound(sqlite3 *db, const char *sql, const char *arg, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return -1;
    return sqlite3_bind_text(*st, 1, arg, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

static int read_columns(struct ddl_builder *b, sqlite3 *db, struct ddl_entity *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (prepare_bound(db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)",
                      e->name, &st))
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = col_text(b, st, 0), *type = col_text(b, st, 1);
        struct ddl_col *c = ddl_import_add_col(b, e, name ? name : "");
        if (!c) {
            if (b->err->message[0])
                goto out;
            continue;
        }
        c->type = type && *type ? ddl_import_span(b, type, 0, strlen(type)) : "BLOB";
        if (!ddl_import_text_ok(c->type, ERD_MAX_TYPE)) {
            ddl_import_fail(b, (size_t)-1, "column %s.%s: type too long", e->name, c->name);
            goto out;
        }
        c->not_null = sqlite3_column_int(st, 2) != 0;
        c->dflt = col_text(b, st, 3);
        c->is_pk = sqlite3_column_int(st, 4) > 0;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static const char *fk_action(const char *a)
{
    return a && strcasecmp(a, "NO ACTION") != 0 && *a ? a : NULL;
}

/* read_foreign_keys: one ddl_fk per foreign-key id (rows come ordered by id, seq). */
static int read_foreign_keys(struct ddl_builder *b, sqlite3 *db, struct ddl_entity *e)
{
    sqlite3_stmt *st = NULL;
    struct ddl_fk fk = {0};
    int cur = -1, capc = 0, capp = 0, rc = -1;
    if (prepare_bound(db, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                          "FROM pragma_foreign_key_list(?1) ORDER BY id, seq", e->name, &st))
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0);
        if (id != cur) {
            ddl_import_add_fk(b, &fk);
            memset(&fk, 0, sizeof fk);
            capc = capp = 0;
            cur = id;
            fk.child = e->name;
            fk.parent = col_text(b, st, 1);
            fk.on_update = fk_action(col_text(b, st, 4));
            fk.on_delete = fk_action(col_text(b, st, 5));
        }
        const char *from = col_text(b, st, 2), *to = col_text(b, st, 3);
        ddl_import_grow(b, &fk.child_cols, fk.n_child, &capc, sizeof *fk.child_cols);
        fk.child_cols[fk.n_child++] = from ? from : "";
        if (to) { /* NULL: the parent's primary key */
            ddl_import_grow(b, &fk.parent_cols, fk.n_parent, &capp, sizeof *fk.parent_cols);
            fk.parent_cols[fk.n_parent++] = to;
        }
    }
    ddl_import_add_fk(b, &fk);
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static int read_index_columns(struct ddl_builder *b, sqlite3 *db, struct ddl_entity *e,
                              const char *index)
{
    sqlite3_stmt *st = NULL;
    const char *cols[ERD_MAX_COLUMNS];
    int n = 0, rc = -1;
    if (prepare_bound(db, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno", index, &st))
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW && n < ERD_MAX_COLUMNS) {
        const char *name = col_text(b, st, 0);
        if (!name) /* an expression index says nothing about columns */
            goto done;
        cols[n++] = name;
    }
    ddl_import_mark_unique(b, e, cols, n);
done:
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static int read_unique_indexes(struct ddl_builder *b, sqlite3 *db, struct ddl_entity *e)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (prepare_bound(db, "SELECT name FROM pragma_index_list(?1) "
                          "WHERE \"unique\" AND origin <> 'pk' AND NOT partial ORDER BY seq",
                      e->name, &st))
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *index = col_text(b, st, 0);
        if (index && read_index_columns(b, db, e, index) != 0)
            goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static int read_back(struct ddl_builder *b, sqlite3 *db, struct sandbox *sb)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name "
                               "NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid", -1, &st,
                           NULL) != SQLITE_OK)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = col_text(b, st, 0);
        bool dup;
        sb->progress_calls = 0;
        if (ddl_import_tick(b, (size_t)-1, 0) != 0)
            goto out;
        struct ddl_entity *e = name ? ddl_import_add_entity(b, name, &dup) : NULL;
        if (!e) {
            if (b->err->message[0])
                goto out;
            continue;
        }
        if (read_columns(b, db, e) || read_foreign_keys(b, db, e) ||
            read_unique_indexes(b, db, e))
            goto out;
    }
    rc = 0;
out:
    if (rc && !b->err->message[0])
        ddl_import_fail(b, (size_t)-1, "reading the SQLite schema: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

int ddl_import_sqlite(struct ddl_builder *b)
{
    struct shards sh = {0};
    struct sandbox sb = {b, ST_OTHER, (size_t)-1, 0, false, 0};
    int rc = -1;
    if (run_script(b, &sh, &sb) != 0)
        goto out;
    sb.start = (size_t)-1;
    for (int k = 0; k < sh.n; k++)
        if (read_back(b, sh.db[k], &sb) != 0)
            goto out;
    rc = 0;
out:
    for (int k = 0; k < sh.n; k++)
        sqlite3_close(sh.db[k]);
    return rc;
}
