/* ddl_import_mysql.c — MySQL/MariaDB DDL: our own reader (no packaged C library parses it).
 *
 * Tokens come from the shared lexer in MySQL mode (backtick identifiers, '…'/"…" strings with
 * backslash and doubled-quote escapes, -- # and block comments, slash-star-bang conditional comments read
 * as code).  DELIMITER lines change the statement terminator (procedure and trigger bodies are
 * skipped whole).  CREATE TABLE and ALTER TABLE … ADD are modelled; every other statement is
 * skipped and counted.
 *
 * Conventions: a type is kept as written with whitespace squeezed ("int(11) unsigned",
 * "NVARCHAR(160)", "DOUBLE PRECISION"), except ENUM(…)/SET(…), which become "enum"/"set" with
 * enum_values.  A database qualifier ("shop.orders") is dropped: an import is one database.
 * Inline column REFERENCES are ignored, as MySQL itself ignores them.  CHARACTER SET and
 * COLLATE are not part of the type.  Errors — an unterminated string, comment or parenthesis,
 * or something that cannot start a column inside CREATE TABLE — fail the import with the
 * line and column. */
#include "ddl_import_internal.h"
#include "erd_model.h"
#include <string.h>
#include <strings.h>

#define DELIM_MAX 16

struct my {
    struct ddl_builder *b;
    const char *s;
    size_t len, pos;
    struct ddl_tok t; /* current token */
    size_t prev_end;  /* end of the token before it */
    bool in_alter;    /* elements end at ',' or the terminator, not at ')' */
    size_t after_end; /* set by at_end() */
    char delim[DELIM_MAX + 1];
};

/* ------------------------------------------------------------------ cursor */

static void advance(struct my *m)
{
    m->prev_end = m->t.end;
    ddl_lex_next(m->s, m->len, &m->pos, LEX_MYSQL, &m->t);
}

static bool is_kw(struct my *m, const char *kw)
{
    return ddl_tok_is(m->s, &m->t, kw);
}

static bool is_punct(struct my *m, char c)
{
    return ddl_tok_punct(m->s, &m->t, c);
}

/* accept: consume the keyword kw when it is the current token. */
static bool accept(struct my *m, const char *kw)
{
    if (!is_kw(m, kw))
        return false;
    advance(m);
    return true;
}

static bool accept_punct(struct my *m, char c)
{
    if (!is_punct(m, c))
        return false;
    advance(m);
    return true;
}

/* at_end: the current token is, or (for a custom DELIMITER such as "$$", which the lexer may
 * glue to a word: "END$$") contains, the statement terminator — or the input ended.
 * m->after_end is then where the next statement starts. */
static bool at_end(struct my *m)
{
    size_t n = strlen(m->delim);
    m->after_end = m->t.end;
    if (m->t.kind == TOK_EOF)
        return true;
    if (strcmp(m->delim, ";") == 0)
        return is_punct(m, ';');
    if (m->t.kind != TOK_WORD && m->t.kind != TOK_PUNCT)
        return false;
    size_t stop = m->t.kind == TOK_WORD ? m->t.end : m->t.start + 1;
    for (size_t i = m->t.start; i < stop && i + n <= m->len; i++) {
        if (strncasecmp(m->s + i, m->delim, n) == 0) {
            m->after_end = i + n;
            return true;
        }
    }
    return false;
}

static int tok_fail(struct my *m)
{
    if (m->t.kind == TOK_ERROR)
        return ddl_import_fail(m->b, m->t.start, "%s", m->t.error);
    return ddl_import_fail(m->b, m->t.start, "unexpected '%.*s'",
                           (int)(m->t.end - m->t.start > 40 ? 40 : m->t.end - m->t.start),
                           m->s + m->t.start);
}

/* skip_group: the current token is '('; move past its matching ')'. */
static int skip_group(struct my *m)
{
    size_t open = m->t.start;
    int depth = 0;
    do {
        if (m->t.kind == TOK_ERROR)
            return tok_fail(m);
        if (m->t.kind == TOK_EOF || (depth > 0 && at_end(m) && !is_punct(m, ';')))
            return ddl_import_fail(m->b, open, "unterminated parenthesis");
        if (is_punct(m, '(') && ++depth > DDL_MAX_NESTING)
            return ddl_import_fail(m->b, m->t.start, "parentheses nested too deeply");
        if (is_punct(m, ')'))
            depth--;
        advance(m);
    } while (depth > 0);
    return 0;
}

/* skip_statement: to just past the terminator. */
static int skip_statement(struct my *m)
{
    while (!at_end(m)) {
        if (m->t.kind == TOK_ERROR)
            return tok_fail(m);
        advance(m);
    }
    if (m->t.kind != TOK_EOF)
        m->pos = m->after_end;
    return 0;
}

static bool is_ident(struct my *m)
{
    return m->t.kind == TOK_WORD || m->t.kind == TOK_QIDENT;
}

static const char *ident_text(struct my *m)
{
    return ddl_tok_text(m->b, m->s, &m->t, LEX_MYSQL);
}

/* table_name: [db.]name — the database qualifier is dropped. */
static const char *table_name(struct my *m)
{
    const char *name = NULL;
    while (is_ident(m)) {
        name = ident_text(m);
        advance(m);
        if (!accept_punct(m, '.'))
            break;
    }
    return name;
}

/* ident_list: "(a, b(10) DESC, …)" → column names; NULL (err set) on bad syntax. */
static const char **ident_list(struct my *m, int *n)
{
    int cap = 0;
    const char **out = NULL;
    *n = 0;
    if (!accept_punct(m, '(')) {
        tok_fail(m);
        return NULL;
    }
    while (!accept_punct(m, ')')) {
        if (!is_ident(m)) {
            tok_fail(m);
            return NULL;
        }
        ddl_import_grow(m->b, &out, *n, &cap, sizeof *out);
        out[(*n)++] = ident_text(m);
        advance(m);
        while (!is_punct(m, ',') && !is_punct(m, ')')) { /* (10), ASC, DESC */
            if (at_end(m) || m->t.kind == TOK_ERROR) {
                tok_fail(m);
                return NULL;
            }
            if (is_punct(m, '(') ? skip_group(m) != 0 : (advance(m), false))
                return NULL;
        }
        accept_punct(m, ',');
    }
    return out ? out : (const char **)arena_alloc(&m->b->arena, sizeof *out);
}

/* ------------------------------------------------------------------ pieces of a column */

/* type_words: words that continue a type name ("DOUBLE PRECISION", "CHAR VARYING") or
 * follow its arguments. */
static const char *const type_continuations[] = {"PRECISION", "VARYING", "VARCHAR", "CHAR",
                                                 "CHARACTER", "TEXT", "BINARY"};
static const char *const type_suffixes[] = {"UNSIGNED", "SIGNED", "ZEROFILL"};

static bool is_one_of(struct my *m, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_kw(m, words[i]))
            return true;
    return false;
}

/* enum_values: ENUM('a','b') / SET(…) arguments. */
static int enum_values(struct my *m, struct ddl_col *c)
{
    int cap = 0;
    if (!accept_punct(m, '('))
        return 0;
    while (!accept_punct(m, ')')) {
        if (m->t.kind == TOK_STRING) {
            ddl_import_grow(m->b, &c->enum_values, c->n_enum, &cap, sizeof *c->enum_values);
            c->enum_values[c->n_enum++] = ident_text(m);
        } else if (!is_punct(m, ',')) {
            return tok_fail(m);
        }
        advance(m);
    }
    if (!c->enum_values) /* ENUM() — still an enum */
        c->enum_values = arena_alloc(&m->b->arena, sizeof *c->enum_values);
    return 0;
}

static int column_type(struct my *m, struct ddl_col *c)
{
    size_t start = m->t.start, end;
    if (m->t.kind != TOK_WORD)
        return tok_fail(m);
    bool is_enum = is_kw(m, "ENUM"), is_set = is_kw(m, "SET");
    end = m->t.end;
    advance(m);
    if (is_enum || is_set) {
        c->type = is_enum ? "enum" : "set";
        return enum_values(m, c);
    }
    while (is_one_of(m, type_continuations, sizeof type_continuations / sizeof *type_continuations)) {
        end = m->t.end;
        advance(m);
    }
    if (is_punct(m, '(')) {
        if (skip_group(m) != 0)
            return -1;
        end = m->prev_end; /* just past ')' */
    }
    while (is_one_of(m, type_suffixes, sizeof type_suffixes / sizeof *type_suffixes)) {
        end = m->t.end;
        advance(m);
    }
    c->type = ddl_import_span(m->b, m->s, start, end);
    return 0;
}

/* expr_text: a DEFAULT/ON UPDATE value: a signed literal, a word with optional (args), or a
 * parenthesised expression; its source text. */
static int expr_text(struct my *m, const char **out)
{
    size_t start = m->t.start, end;
    if (is_punct(m, '-') || is_punct(m, '+'))
        advance(m);
    if (at_end(m) || is_punct(m, ',') || is_punct(m, ')'))
        return tok_fail(m);
    if (is_punct(m, '(')) {
        if (skip_group(m) != 0)
            return -1;
    } else {
        if (m->t.kind == TOK_ERROR)
            return tok_fail(m);
        advance(m);
        if (is_punct(m, '(') && skip_group(m) != 0)
            return -1;
    }
    end = m->prev_end;
    *out = ddl_import_span(m->b, m->s, start, end);
    return 0;
}

static const char *const fk_action_names[] = {"CASCADE", "RESTRICT", "SET NULL", "NO ACTION",
                                              "SET DEFAULT"};

static int fk_action(struct my *m, const char **out)
{
    for (size_t i = 0; i < sizeof fk_action_names / sizeof *fk_action_names; i++) {
        const char *name = fk_action_names[i], *space = strchr(name, ' ');
        if (!space && accept(m, name)) {
            *out = name;
            return 0;
        }
        if (space && is_kw(m, i == 2 || i == 4 ? "SET" : "NO")) {
            advance(m);
            if (!accept(m, space + 1))
                return tok_fail(m);
            *out = name;
            return 0;
        }
    }
    return tok_fail(m);
}

/* references: REFERENCES t (cols) [MATCH x] [ON DELETE a] [ON UPDATE a] into fk. */
static int references(struct my *m, struct ddl_fk *fk)
{
    if (!accept(m, "REFERENCES"))
        return tok_fail(m);
    fk->parent = table_name(m);
    if (!fk->parent)
        return tok_fail(m);
    if (is_punct(m, '(') && !(fk->parent_cols = ident_list(m, &fk->n_parent)))
        return -1;
    for (;;) {
        if (accept(m, "MATCH")) {
            advance(m);
        } else if (accept(m, "ON")) {
            bool del = accept(m, "DELETE");
            if (!del && !accept(m, "UPDATE"))
                return tok_fail(m);
            if (fk_action(m, del ? &fk->on_delete : &fk->on_update) != 0)
                return -1;
        } else {
            return 0;
        }
    }
}

/* skip_attribute: one unknown token, or a parenthesised group. */
static int skip_attribute(struct my *m)
{
    if (m->t.kind == TOK_ERROR)
        return tok_fail(m);
    if (is_punct(m, '('))
        return skip_group(m);
    advance(m);
    return 0;
}

static int column_attribute(struct my *m, struct ddl_entity *e, struct ddl_col *c)
{
    const char *ignored;
    if (accept(m, "NOT")) {
        if (!accept(m, "NULL"))
            return tok_fail(m);
        c->not_null = true;
    } else if (accept(m, "DEFAULT")) {
        return expr_text(m, &c->dflt);
    } else if (accept(m, "PRIMARY") || accept(m, "KEY")) { /* PRIMARY KEY, or bare KEY */
        accept(m, "KEY");
        c->is_pk = c->not_null = true;
    } else if (accept(m, "UNIQUE")) {
        if (!accept(m, "KEY"))
            accept(m, "INDEX");
        c->is_unique = true;
    } else if (accept(m, "COMMENT")) {
        if (m->t.kind != TOK_STRING)
            return tok_fail(m);
        c->comment = ident_text(m);
        advance(m);
    } else if (accept(m, "ON")) {
        if (!accept(m, "UPDATE"))
            return tok_fail(m);
        return expr_text(m, &ignored);
    } else if (accept(m, "CHARACTER") || accept(m, "CHARSET") || accept(m, "COLLATE")) {
        accept(m, "SET");
        accept_punct(m, '=');
        advance(m); /* the charset or collation name */
    } else if (is_kw(m, "REFERENCES")) {
        struct ddl_fk fk = {0}; /* parsed, then ignored like MySQL does */
        return references(m, &fk);
    } else {
        (void)e;
        return skip_attribute(m); /* AUTO_INCREMENT, NULL, GENERATED ALWAYS AS (…), CHECK … */
    }
    return 0;
}

static int column_def(struct my *m, struct ddl_entity *e)
{
    const char *name = ident_text(m);
    size_t at = m->t.start;
    advance(m);
    struct ddl_col scratch = {0}, *c = ddl_import_add_col(m->b, e, name);
    if (!c) {
        if (m->b->err->message[0])
            return -1;
        c = &scratch; /* duplicate column: read and ignore */
    }
    if (column_type(m, c) != 0)
        return -1;
    if (!ddl_import_text_ok(c->type, ERD_MAX_TYPE))
        return ddl_import_fail(m->b, at, "column %s: type missing or too long", name);
    while (!is_punct(m, ',') && !is_punct(m, ')')) {
        if (at_end(m) && m->in_alter)
            return 0;
        if (at_end(m))
            return ddl_import_fail(m->b, m->t.start, "unterminated parenthesis");
        if (column_attribute(m, e, c) != 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ table constraints */

static int skip_element(struct my *m)
{
    while (!is_punct(m, ',') && !is_punct(m, ')')) {
        if (at_end(m) && m->in_alter)
            return 0;
        if (at_end(m))
            return ddl_import_fail(m->b, m->t.start, "unterminated parenthesis");
        if (skip_attribute(m) != 0)
            return -1;
    }
    return 0;
}

/* key_columns: skip an optional index name and USING, then read the column list. */
static const char **key_columns(struct my *m, int *n)
{
    while (!is_punct(m, '(')) {
        if (at_end(m) || is_punct(m, ',') || is_punct(m, ')') || m->t.kind == TOK_ERROR) {
            tok_fail(m);
            return NULL;
        }
        advance(m);
    }
    return ident_list(m, n);
}

static int foreign_key(struct my *m, struct ddl_entity *e, const char *label)
{
    struct ddl_fk fk = {0};
    fk.child = e->name;
    fk.label = label;
    if (!(fk.child_cols = key_columns(m, &fk.n_child)) || references(m, &fk) != 0)
        return -1;
    ddl_import_add_fk(m->b, &fk);
    return 0;
}

/* table_constraint: 1 when the element was a constraint (consumed), 0 when not, -1 error. */
static int table_constraint(struct my *m, struct ddl_entity *e)
{
    const char *label = NULL, **cols;
    int n;
    if (accept(m, "CONSTRAINT")) {
        if (is_ident(m) && !is_kw(m, "PRIMARY") && !is_kw(m, "UNIQUE") && !is_kw(m, "FOREIGN") &&
            !is_kw(m, "CHECK")) {
            label = ident_text(m);
            advance(m);
        }
    } else if (!is_kw(m, "PRIMARY") && !is_kw(m, "UNIQUE") && !is_kw(m, "FOREIGN") &&
               !is_kw(m, "KEY") && !is_kw(m, "INDEX") && !is_kw(m, "FULLTEXT") &&
               !is_kw(m, "SPATIAL") && !is_kw(m, "CHECK") && !is_kw(m, "PERIOD")) {
        return 0;
    }
    if (accept(m, "PRIMARY")) {
        if (!accept(m, "KEY") || !(cols = key_columns(m, &n)))
            return tok_fail(m), -1;
        ddl_import_mark_pk(m->b, e, cols, n);
    } else if (accept(m, "UNIQUE")) {
        if (!(cols = key_columns(m, &n)))
            return -1;
        ddl_import_mark_unique(m->b, e, cols, n);
    } else if (accept(m, "FOREIGN")) {
        if (!accept(m, "KEY"))
            return tok_fail(m);
        if (foreign_key(m, e, label) != 0)
            return -1;
    }
    return skip_element(m) == 0 ? 1 : -1; /* KEY/INDEX/FULLTEXT/CHECK and index options */
}

/* ------------------------------------------------------------------ statements */

static int table_options(struct my *m, struct ddl_entity *e)
{
    while (!at_end(m)) {
        if (accept(m, "COMMENT")) {
            accept_punct(m, '=');
            if (m->t.kind == TOK_STRING && e)
                e->comment = ident_text(m);
        }
        if (m->t.kind == TOK_ERROR)
            return tok_fail(m);
        if (is_punct(m, '(')) {
            if (skip_group(m) != 0)
                return -1;
        } else if (!at_end(m)) {
            advance(m);
        }
    }
    return 0;
}

static int create_table(struct my *m)
{
    bool dup;
    struct ddl_entity ignored = {0};
    accept(m, "IF");
    if (accept(m, "NOT") && !accept(m, "EXISTS"))
        return tok_fail(m);
    size_t at = m->t.start;
    const char *name = table_name(m);
    if (!name)
        return tok_fail(m);
    if (!is_punct(m, '(')) { /* CREATE TABLE … LIKE / AS SELECT */
        m->b->skipped++;
        return skip_statement(m);
    }
    advance(m);
    struct ddl_entity *e = ddl_import_add_entity(m->b, name, &dup);
    if (!e && !dup)
        return -1;
    if (!e) {
        m->b->skipped++;
        ignored.name = name; /* read the duplicate and drop it */
        e = &ignored;
    }
    for (;;) {
        int rc = table_constraint(m, e);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if (!is_ident(m))
                return m->t.kind == TOK_EOF ? ddl_import_fail(m->b, at, "unterminated parenthesis")
                                            : tok_fail(m);
            if (column_def(m, e) != 0)
                return -1;
        }
        if (accept_punct(m, ')'))
            break;
        if (!accept_punct(m, ','))
            return tok_fail(m);
    }
    if (table_options(m, e) != 0)
        return -1;
    return skip_statement(m);
}

/* alter_spec: one ALTER TABLE specification; *used set when it changed the model. */
static int alter_spec(struct my *m, struct ddl_entity *e, bool *used)
{
    if (accept(m, "ADD")) {
        int rc = table_constraint(m, e);
        if (rc != 0) {
            *used = rc > 0;
            return rc < 0 ? -1 : 0;
        }
        accept(m, "COLUMN");
        if (is_ident(m) && !is_punct(m, '(')) {
            *used = true;
            return column_def(m, e);
        }
    }
    while (!is_punct(m, ',') && !at_end(m)) /* MODIFY, CHANGE, DROP, ENGINE=… */
        if (skip_attribute(m) != 0)
            return -1;
    return 0;
}

static int alter_table(struct my *m)
{
    const char *name = table_name(m);
    struct ddl_entity *e = name ? ddl_import_find_entity(m->b, name) : NULL;
    bool used = false;
    if (!e) {
        m->b->skipped++;
        return skip_statement(m);
    }
    m->in_alter = true;
    do {
        if (alter_spec(m, e, &used) != 0)
            return -1;
    } while (accept_punct(m, ','));
    m->in_alter = false;
    m->b->skipped += !used;
    return skip_statement(m);
}

/* delimiter_line: "DELIMITER $$" — read the new terminator to the end of the line. */
static void delimiter_line(struct my *m)
{
    size_t p = m->t.end, n = 0;
    while (p < m->len && (m->s[p] == ' ' || m->s[p] == '\t'))
        p++;
    while (p < m->len && m->s[p] != '\n' && m->s[p] != '\r' && m->s[p] != ' ' && n < DELIM_MAX)
        m->delim[n++] = m->s[p++];
    m->delim[n] = '\0';
    if (n == 0)
        strcpy(m->delim, ";");
    while (p < m->len && m->s[p] != '\n')
        p++;
    m->pos = p;
}

static int statement(struct my *m)
{
    if (is_kw(m, "DELIMITER")) {
        delimiter_line(m);
        return 0;
    }
    if (at_end(m))
        return skip_statement(m);
    if (accept(m, "CREATE")) {
        if (accept(m, "OR"))
            accept(m, "REPLACE");
        accept(m, "TEMPORARY");
        if (accept(m, "TABLE"))
            return create_table(m);
    } else if (accept(m, "ALTER")) {
        accept(m, "ONLINE");
        accept(m, "IGNORE");
        if (accept(m, "TABLE"))
            return alter_table(m);
    } else if (m->t.kind == TOK_ERROR) {
        return tok_fail(m);
    }
    m->b->skipped++;
    return skip_statement(m);
}

int ddl_import_mysql(struct ddl_builder *b)
{
    struct my m = {b, b->sql, b->len, 0, {0}, 0, false, 0, ";"};
    for (;;) {
        advance(&m);
        if (m.t.kind == TOK_EOF)
            return 0;
        if (ddl_import_tick(b, m.t.start, !is_punct(&m, ';')) != 0 || statement(&m) != 0)
            return -1;
    }
}
