/* ddl_import_internal.h — what the three DDL readers share: an arena-backed model builder
 * (tables, columns, pending foreign keys, enum types, partition aliases), a small SQL lexer
 * and error helpers.  ddl_import.c turns a finished builder into the model (struct erd_doc). */
#ifndef CARD_DDL_IMPORT_INTERNAL_H
#define CARD_DDL_IMPORT_INTERNAL_H
#include "arena.h"
#include "ddl_import.h"
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define DDL_MAX_NESTING 1000 /* parentheses deeper than this are refused before parsing */

struct ddl_col {
    const char *name, *type, *dflt, *comment;
    bool is_pk, not_null, is_unique;
    const char **enum_values; /* NULL: look up an enum type of the same name at the end */
    int n_enum;
};

struct ddl_keyset { /* a composite UNIQUE constraint: column names */
    const char **cols;
    int n;
};

struct ddl_entity {
    const char *name, *comment;
    struct ddl_col *cols;
    int ncols, capcols;
    struct ddl_keyset *uniques;
    int nuniques, capuniques;
    int index; /* position in the model, set when the model is built */
};

struct ddl_fk {
    const char *child, *parent, *label, *on_delete, *on_update;
    const char **child_cols, **parent_cols;
    int n_child, n_parent;
};

struct ddl_enum {
    const char *name;
    const char **values;
    int n;
};

struct ddl_alias { /* partition name → parent table name */
    const char *from, *to;
};

struct ddl_budget {
    struct timespec deadline; /* CLOCK_MONOTONIC */
    int seconds;              /* for the message */
    long statements;          /* counted so far */
};

struct ddl_builder {
    struct arena arena;
    struct ddl_budget budget;
    struct ddl_entity **entities;
    int nentities, capentities;
    struct ddl_fk *fks;
    int nfks, capfks;
    struct ddl_enum *enums;
    int nenums, capenums;
    struct ddl_alias *aliases;
    int naliases, capaliases;
    int *name_slots; /* hash of entity names (index + 1); rebuilt when stale */
    size_t name_cap;
    bool names_stale;
    int skipped;
    const char *sql; /* the whole input (NUL-terminated copy) and its length */
    size_t len;
    struct ddl_error *err;
};

/* ---- builder ---- */
/* ddl_import_strndup: arena copy of s[0..n). */
char *ddl_import_strndup(struct ddl_builder *b, const char *s, size_t n);
/* ddl_import_grow: make room for one more element in an arena array (*arr, n, *cap). */
void ddl_import_grow(struct ddl_builder *b, void *arr, int n, int *cap, size_t elsize);
/* ddl_import_find_entity: the table named name (exact, then case-insensitive), or NULL. */
struct ddl_entity *ddl_import_find_entity(struct ddl_builder *b, const char *name);
/* ddl_import_add_entity: a new table; NULL (and *dup = true) when one of that name exists,
 * NULL with err set when the table limit is reached. */
struct ddl_entity *ddl_import_add_entity(struct ddl_builder *b, const char *name, bool *dup);
/* ddl_import_find_col: the column named name of e, or NULL. */
struct ddl_col *ddl_import_find_col(struct ddl_entity *e, const char *name);
/* ddl_import_add_col: a new zeroed column; NULL for a duplicate name or past the limit
 * (err set for the limit; 'type' must be set by the caller). */
struct ddl_col *ddl_import_add_col(struct ddl_builder *b, struct ddl_entity *e, const char *name);
/* ddl_import_mark_pk / mark_unique: apply a PRIMARY KEY / UNIQUE over named columns. */
void ddl_import_mark_pk(struct ddl_builder *b, struct ddl_entity *e, const char **cols, int n);
void ddl_import_mark_unique(struct ddl_builder *b, struct ddl_entity *e, const char **cols, int n);
/* ddl_import_add_fk: record a foreign key (resolved when the model is built); copies *fk. */
void ddl_import_add_fk(struct ddl_builder *b, const struct ddl_fk *fk);
void ddl_import_add_enum(struct ddl_builder *b, const char *name, const char **values, int n);
void ddl_import_add_alias(struct ddl_builder *b, const char *from, const char *to);
/* ddl_import_resolve_alias: the table a partition name folds into (name itself if none). */
const char *ddl_import_resolve_alias(const struct ddl_builder *b, const char *name);
/* ddl_import_drop_entity: remove the table named name (a partition folded into its parent). */
void ddl_import_drop_entity(struct ddl_builder *b, const char *name);

/* ---- budget: the work one import may do whatever the input (a hostile file must not hold
 * a worker thread): DDL_MAX_STATEMENTS non-empty statements and ddl_import_timed's seconds.
 * Each reader calls ddl_import_tick once per statement, SQLite also from its progress
 * handler, so one slow statement is stopped too. ---- */
/* ddl_import_budget_start: the deadline is seconds from now. */
void ddl_import_budget_start(struct ddl_builder *b, int seconds);
/* ddl_import_tick: count n statements (0: only look at the clock) for the statement at
 * offset; 0 while within the budget, else -1 with err set ("the import took longer than
 * N s" / "more than N statements") at that statement's position. */
int ddl_import_tick(struct ddl_builder *b, size_t offset, int n);

/* ---- errors ---- */
/* ddl_import_fail: fill b->err with the 1-based line/column of offset (or 0/0 when offset is
 * (size_t)-1) and a formatted message; returns -1. */
int ddl_import_fail(struct ddl_builder *b, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* ddl_import_text_ok: whether a name/type/text fits the model limits. */
bool ddl_import_text_ok(const char *s, size_t max);

/* ---- lexer ---- */
enum ddl_tok_kind {
    TOK_EOF, TOK_WORD, TOK_QIDENT, TOK_STRING, TOK_NUMBER, TOK_PUNCT, TOK_ERROR
};
enum ddl_lex_flags {
    LEX_MYSQL = 1 /* backslash escapes in strings, "…" strings, `…` identifiers, # comments */
};
struct ddl_tok {
    enum ddl_tok_kind kind;
    size_t start, end;    /* byte range in the source, quotes included */
    const char *error;    /* TOK_ERROR: what is unterminated */
};
/* ddl_lex_next: the token starting at or after *pos in s[0..len) (comments skipped; MySQL
 * "slash-star-bang" conditional comments are read as code); *pos moves past it. */
void ddl_lex_next(const char *s, size_t len, size_t *pos, int flags, struct ddl_tok *t);
/* ddl_tok_is: whether a TOK_WORD token equals kw case-insensitively. */
bool ddl_tok_is(const char *s, const struct ddl_tok *t, const char *kw);
/* ddl_tok_punct: whether t is the punctuation character c. */
bool ddl_tok_punct(const char *s, const struct ddl_tok *t, char c);
/* ddl_tok_text: an arena copy of a token's value (quotes removed, doubled quotes and — in
 * MySQL mode — backslash escapes undone for strings and quoted identifiers). */
char *ddl_tok_text(struct ddl_builder *b, const char *s, const struct ddl_tok *t, int flags);
/* ddl_import_span: an arena copy of s[start..end) with runs of whitespace squeezed to one
 * space and outer whitespace trimmed (outside quotes). */
char *ddl_import_span(struct ddl_builder *b, const char *s, size_t start, size_t end);

/* ---- builders filled from elsewhere (a live database's catalog, fcgi/dbws_schema.c) ---- */
/* ddl_import_builder_init: an empty builder reporting into err (no SQL text: failures carry
 * no position). */
void ddl_import_builder_init(struct ddl_builder *b, struct ddl_error *err);
/* ddl_import_builder_finish: the builder as a model in a, exactly as ddl_import builds one
 * (fresh ids, relationships per distinct foreign key, erd_layout), then the builder freed. */
struct erd_doc;
void ddl_import_builder_finish(struct arena *a, struct ddl_builder *b, struct erd_doc *out);

/* ---- dialect readers: fill the builder; 0, or -1 with b->err set ---- */
int ddl_import_pg(struct ddl_builder *b);
int ddl_import_sqlite(struct ddl_builder *b);
int ddl_import_mysql(struct ddl_builder *b);
int ddl_import_dbml(struct ddl_builder *b);   /* ddl_import_dbml.c */
#endif
