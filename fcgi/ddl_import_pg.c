/* ddl_import_pg.c — PostgreSQL DDL through libpg_query (the real PostgreSQL 15 parser).
 *
 * The input is split into statements here (quotes, dollar quotes, nested comments, psql
 * meta-command lines such as "\connect", and COPY … FROM stdin data blocks are honoured), so
 * one statement the parser rejects does not sink a whole dump.  Statements whose first word
 * is in skip_words (SET, SELECT, INSERT, COPY, GRANT, DROP…) are counted as skipped without
 * parsing; every other statement is parsed on its own.
 *
 * Error rule: an unterminated quote, dollar quote or comment fails the import (it swallowed the
 * rest of the file).  When no statement parses at all but at least one fails, the import fails with
 * the line and column of the first failure (a file that is broken, not a dump with a few
 * statements PostgreSQL 15 does not know).  A statement we model (CREATE TABLE/TYPE/DOMAIN,
 * ALTER TABLE) that fails even after recovery is a syntax error of the file, reported with
 * its line and column: silently dropping a table would be worse.  Other failing statements
 * (functions, views… in syntax PostgreSQL 15 lacks) are skipped and counted.  Parentheses nested deeper than DDL_MAX_NESTING count as a failure before the
 * parser sees them.
 *
 * Types and DEFAULT expressions are sliced from the source text by the parse tree's byte
 * "location" offsets ("varchar(160)", "timestamp with time zone", "text[]"), whitespace
 * squeezed; a leading "public." is dropped from types like from table names. */
#include "ddl_import_internal.h"
#include "buf.h"
#include "erd_model.h"
#include <jansson.h>
#include <pg_query.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct pg_stmt {
    size_t start, end; /* byte range in the input, without the ';' */
    size_t deep_at;    /* offset where nesting passed DDL_MAX_NESTING, or (size_t)-1 */
};

struct pg_ctx {
    struct ddl_builder *b;
    const char *text; /* current statement text (NUL-terminated copy) */
    size_t text_len;
    size_t base; /* offset of text in the input */
};

static const char *const skip_words[] = {
    "SET",      "SELECT",  "INSERT",    "UPDATE",     "DELETE",  "COPY",      "GRANT",
    "REVOKE",   "BEGIN",   "COMMIT",    "ROLLBACK",   "START",   "END",       "DROP",
    "TRUNCATE", "VACUUM",  "ANALYZE",   "REINDEX",    "CLUSTER", "LOCK",      "DO",
    "CALL",     "REFRESH", "SECURITY",  "RESET",      "SHOW",    "EXPLAIN",   "WITH",
    "VALUES",   "NOTIFY",  "LISTEN",    "UNLISTEN",   "DISCARD", "CHECKPOINT", "PREPARE",
    "EXECUTE",  "DEALLOCATE", "DECLARE", "FETCH",     "CLOSE",   "MOVE",      "SAVEPOINT",
    "RELEASE",  "ABORT",   "IMPORT",    "LOAD",       "TABLE",
};

/* ------------------------------------------------------------------ splitting */

static bool at_line_start(const char *s, size_t p)
{
    while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\t'))
        p--;
    return p == 0 || s[p - 1] == '\n';
}

static size_t end_of_line(const char *s, size_t len, size_t p)
{
    while (p < len && s[p] != '\n')
        p++;
    return p;
}

/* skip_copy_data: past the "\." line ending a COPY … FROM stdin block starting at p. */
static size_t skip_copy_data(const char *s, size_t len, size_t p)
{
    p = end_of_line(s, len, p);
    while (p < len) {
        p++; /* the newline */
        if (p + 1 < len && s[p] == '\\' && s[p + 1] == '.')
            return end_of_line(s, len, p);
        p = end_of_line(s, len, p);
    }
    return len;
}

static bool stmt_is_copy_from_stdin(const char *s, const struct pg_stmt *st)
{
    struct ddl_tok t;
    size_t pos = st->start;
    bool copy = false, from = false;
    ddl_lex_next(s, st->end, &pos, 0, &t);
    copy = ddl_tok_is(s, &t, "COPY");
    while (copy && t.kind != TOK_EOF && t.kind != TOK_ERROR) {
        if (from && ddl_tok_is(s, &t, "STDIN"))
            return true;
        from = ddl_tok_is(s, &t, "FROM");
        ddl_lex_next(s, st->end, &pos, 0, &t);
    }
    return false;
}

static void push_stmt(struct ddl_builder *b, struct pg_stmt **v, int *n, int *cap,
                      struct pg_stmt st)
{
    ddl_import_grow(b, v, *n, cap, sizeof **v);
    (*v)[(*n)++] = st;
}

/* split_statements: the non-empty statements of the input, counted against the budget (count,
 * or -1 with err set for an unterminated quote or comment or a spent budget); psql
 * meta-command lines and COPY data are counted as skipped. */
static int split_statements(struct ddl_builder *b, struct pg_stmt **out)
{
    const char *s = b->sql;
    size_t len = b->len, pos = 0;
    struct pg_stmt *v = NULL, cur = {0, 0, (size_t)-1};
    int n = 0, cap = 0, depth = 0;
    bool open = false;
    for (;;) {
        struct ddl_tok t;
        ddl_lex_next(s, len, &pos, 0, &t);
        if (t.kind == TOK_ERROR) /* it swallowed the rest of the file: broken, not skippable */
            return ddl_import_fail(b, t.start, "%s", t.error);
        if (t.kind == TOK_EOF) {
            if (open) {
                cur.end = len;
                if (ddl_import_tick(b, cur.start, 1) != 0)
                    return -1;
                push_stmt(b, &v, &n, &cap, cur);
            }
            break;
        }
        if (!open && ddl_tok_punct(s, &t, '\\') && at_line_start(s, t.start)) {
            pos = end_of_line(s, len, pos); /* psql meta-command */
            b->skipped++;
            continue;
        }
        if (!open) {
            cur = (struct pg_stmt){t.start, t.start, (size_t)-1};
            open = true;
            depth = 0;
        }
        if (ddl_tok_punct(s, &t, '(') && ++depth > DDL_MAX_NESTING && cur.deep_at == (size_t)-1)
            cur.deep_at = t.start;
        if (ddl_tok_punct(s, &t, ')'))
            depth--;
        if (ddl_tok_punct(s, &t, ';')) {
            cur.end = t.start;
            if (cur.end > cur.start) { /* an empty statement is no work */
                if (ddl_import_tick(b, cur.start, 1) != 0)
                    return -1;
                push_stmt(b, &v, &n, &cap, cur);
            }
            open = false;
            if (stmt_is_copy_from_stdin(s, &cur))
                pos = skip_copy_data(s, len, pos);
        }
    }
    *out = v;
    return n;
}

/* ------------------------------------------------------------------ JSON helpers */

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* node: the payload of a {"Kind": {...}} node when it is of that kind. */
static json_t *node(const json_t *n, const char *kind)
{
    return json_object_get(n, kind);
}

static const char *string_node(const json_t *n)
{
    return jstr(node(n, "String"), "sval");
}

/* Strings of the parse tree die with it: everything kept is copied into the arena. */

/* qualified_name: "x" for public/unqualified, "schema.x" otherwise (arena copy). */
static const char *qualified_name(struct ddl_builder *b, const char *schema, const char *name)
{
    if (!name)
        return NULL;
    if (!schema || strcmp(schema, "public") == 0)
        return arena_strdup(&b->arena, name);
    size_t n = strlen(schema) + strlen(name) + 2;
    char *out = arena_alloc(&b->arena, n);
    snprintf(out, n, "%s.%s", schema, name);
    return out;
}

static const char *rangevar_name(struct ddl_builder *b, const json_t *rv)
{
    return qualified_name(b, jstr(rv, "schemaname"), jstr(rv, "relname"));
}

/* name_list: the sval strings of a list of String nodes (arena array). */
static const char **name_list(struct ddl_builder *b, const json_t *list, int *n)
{
    size_t count = json_array_size(list);
    const char **out = arena_alloc(&b->arena, (count + 1) * sizeof *out);
    int k = 0;
    for (size_t i = 0; i < count; i++) {
        const char *s = string_node(json_array_get(list, i));
        if (s)
            out[k++] = arena_strdup(&b->arena, s);
    }
    *n = k;
    return out;
}

/* ------------------------------------------------------------------ source slicing */

static const char *const type_stop_words[] = {
    "NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "REFERENCES", "CHECK", "CONSTRAINT",
    "COLLATE", "GENERATED", "DEFERRABLE", "INITIALLY", "USING", "OPTIONS", "STORAGE",
    "COMPRESSION",
};
static const char *const expr_stop_words[] = {
    "NOT", "NULL", "PRIMARY", "UNIQUE", "REFERENCES", "CHECK", "CONSTRAINT",
    "COLLATE", "GENERATED", "DEFERRABLE", "INITIALLY",
};

static bool is_one_of(const char *s, const struct ddl_tok *t, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ddl_tok_is(s, t, words[i]))
            return true;
    return false;
}

/* slice_until_stop: text from start up to the first top-level ',' ')' ';' or stop word. */
static const char *slice_until_stop(struct pg_ctx *c, size_t start, const char *const *stop,
                                    size_t nstop, bool allow_is_not)
{
    const char *s = c->text;
    size_t pos = start, end = start;
    int depth = 0;
    bool prev_is = false;
    for (;;) {
        struct ddl_tok t;
        ddl_lex_next(s, c->text_len, &pos, 0, &t);
        if (t.kind == TOK_EOF || t.kind == TOK_ERROR)
            break;
        if (depth == 0 && (ddl_tok_punct(s, &t, ',') || ddl_tok_punct(s, &t, ')') ||
                           ddl_tok_punct(s, &t, ';')))
            break;
        if (depth == 0 && !(allow_is_not && prev_is) && is_one_of(s, &t, stop, nstop))
            break;
        if (ddl_tok_punct(s, &t, '(') || ddl_tok_punct(s, &t, '['))
            depth++;
        if ((ddl_tok_punct(s, &t, ')') || ddl_tok_punct(s, &t, ']')) && depth > 0)
            depth--;
        prev_is = ddl_tok_is(s, &t, "IS") || (prev_is && ddl_tok_is(s, &t, "NOT"));
        end = t.end;
    }
    return end > start ? ddl_import_span(c->b, s, start, end) : NULL;
}

static const char *strip_public_prefix(const char *type)
{
    if (strncasecmp(type, "public.", 7) == 0)
        return type + 7;
    if (strncmp(type, "\"public\".", 9) == 0)
        return type + 9;
    return type;
}

/* type_text: the column type as written, or a rebuild from the parse tree's names. */
static const char *type_text(struct pg_ctx *c, const json_t *type_name)
{
    json_t *loc = json_object_get(type_name, "location");
    if (json_is_integer(loc) && json_integer_value(loc) >= 0 &&
        (size_t)json_integer_value(loc) < c->text_len) {
        const char *t = slice_until_stop(c, (size_t)json_integer_value(loc), type_stop_words,
                                         sizeof type_stop_words / sizeof *type_stop_words, false);
        if (t && *t)
            return strip_public_prefix(t);
    }
    json_t *names = json_object_get(type_name, "names");
    const char *last = string_node(json_array_get(names, json_array_size(names) - 1));
    return last ? arena_strdup(&c->b->arena, last) : "unknown";
}

/* default_text: the expression after the DEFAULT keyword at offset loc. */
static const char *default_text(struct pg_ctx *c, json_int_t loc)
{
    struct ddl_tok t;
    size_t pos;
    if (loc < 0 || (size_t)loc >= c->text_len)
        return NULL;
    pos = (size_t)loc;
    ddl_lex_next(c->text, c->text_len, &pos, 0, &t);
    if (!ddl_tok_is(c->text, &t, "DEFAULT"))
        return NULL;
    return slice_until_stop(c, pos, expr_stop_words, sizeof expr_stop_words / sizeof *expr_stop_words,
                            true);
}

/* nth_default_keyword: offset of the n-th top-level DEFAULT word of the statement. */
static json_int_t nth_default_keyword(struct pg_ctx *c, int n)
{
    size_t pos = 0;
    struct ddl_tok t;
    for (;;) {
        ddl_lex_next(c->text, c->text_len, &pos, 0, &t);
        if (t.kind == TOK_EOF || t.kind == TOK_ERROR)
            return -1;
        if (ddl_tok_is(c->text, &t, "DEFAULT") && n-- == 0)
            return (json_int_t)t.start;
    }
}

/* ------------------------------------------------------------------ constraints */

static const struct {
    char code;
    const char *action;
} fk_actions[] = {
    {'c', "CASCADE"}, {'n', "SET NULL"}, {'r', "RESTRICT"}, {'d', "SET DEFAULT"},
};

static const char *fk_action(const json_t *con, const char *key)
{
    const char *code = jstr(con, key);
    for (size_t i = 0; code && i < sizeof fk_actions / sizeof *fk_actions; i++)
        if (code[0] == fk_actions[i].code)
            return fk_actions[i].action;
    return NULL; /* 'a' NO ACTION is also what an unwritten action parses to */
}

static void add_foreign_key(struct pg_ctx *c, const char *table, const json_t *con,
                            const char *column)
{
    struct ddl_fk fk = {0};
    fk.child = table;
    fk.parent = rangevar_name(c->b, json_object_get(con, "pktable"));
    fk.label = jstr(con, "conname") ? arena_strdup(&c->b->arena, jstr(con, "conname")) : NULL;
    fk.on_delete = fk_action(con, "fk_del_action");
    fk.on_update = fk_action(con, "fk_upd_action");
    if (column) {
        fk.child_cols = arena_alloc(&c->b->arena, sizeof *fk.child_cols);
        fk.child_cols[0] = column;
        fk.n_child = 1;
    } else {
        fk.child_cols = name_list(c->b, json_object_get(con, "fk_attrs"), &fk.n_child);
    }
    fk.parent_cols = name_list(c->b, json_object_get(con, "pk_attrs"), &fk.n_parent);
    ddl_import_add_fk(c->b, &fk);
}

/* apply_constraint: a table constraint, or a column constraint when col is given. */
static void apply_constraint(struct pg_ctx *c, struct ddl_entity *e, struct ddl_col *col,
                             const json_t *con)
{
    const char *type = jstr(con, "contype");
    const char *one[1];
    int n = 0;
    const char **keys = col ? one : name_list(c->b, json_object_get(con, "keys"), &n);
    if (!type)
        return;
    if (col) {
        one[0] = col->name;
        n = 1;
    }
    if (strcmp(type, "CONSTR_PRIMARY") == 0) {
        ddl_import_mark_pk(c->b, e, keys, n);
    } else if (strcmp(type, "CONSTR_UNIQUE") == 0) {
        ddl_import_mark_unique(c->b, e, keys, n);
    } else if (strcmp(type, "CONSTR_FOREIGN") == 0) {
        add_foreign_key(c, e->name, con, col ? col->name : NULL);
    } else if (col && strcmp(type, "CONSTR_NOTNULL") == 0) {
        col->not_null = true;
    } else if (col && strcmp(type, "CONSTR_DEFAULT") == 0) {
        col->dflt = default_text(c, json_integer_value(json_object_get(con, "location")));
    } else if (col && strcmp(type, "CONSTR_IDENTITY") == 0) {
        col->not_null = true;
    }
}

static int add_column(struct pg_ctx *c, struct ddl_entity *e, const json_t *def)
{
    const char *name = jstr(def, "colname");
    struct ddl_col *col = ddl_import_add_col(c->b, e, name ? name : "");
    if (!col)
        return c->b->err->message[0] ? -1 : 0; /* duplicate column: ignored */
    col->type = type_text(c, json_object_get(def, "typeName"));
    if (!ddl_import_text_ok(col->type, ERD_MAX_TYPE))
        return ddl_import_fail(c->b, c->base, "column %s.%s: type longer than %d bytes", e->name,
                               name, ERD_MAX_TYPE);
    if (json_is_true(json_object_get(def, "is_not_null")))
        col->not_null = true;
    json_t *cons = json_object_get(def, "constraints");
    for (size_t i = 0; i < json_array_size(cons); i++)
        apply_constraint(c, e, col, node(json_array_get(cons, i), "Constraint"));
    return 0;
}

/* ------------------------------------------------------------------ statements */

static int on_create_table(struct pg_ctx *c, const json_t *st)
{
    const char *name = rangevar_name(c->b, json_object_get(st, "relation"));
    json_t *parents = json_object_get(st, "inhRelations");
    bool dup;
    if (!name)
        return 0;
    if (json_object_get(st, "partbound") && json_array_size(parents) > 0) {
        const char *parent = rangevar_name(c->b, node(json_array_get(parents, 0), "RangeVar"));
        if (parent) /* a partition is folded into its parent */
            ddl_import_add_alias(c->b, name, parent);
        return 0;
    }
    struct ddl_entity *e = ddl_import_add_entity(c->b, name, &dup);
    if (!e) {
        c->b->skipped += dup;
        return dup ? 0 : -1;
    }
    json_t *elts = json_object_get(st, "tableElts");
    for (size_t i = 0; i < json_array_size(elts); i++) {
        json_t *el = json_array_get(elts, i), *def = node(el, "ColumnDef");
        if (def && add_column(c, e, def) != 0)
            return -1;
    }
    for (size_t i = 0; i < json_array_size(elts); i++) { /* after all columns exist */
        json_t *con = node(json_array_get(elts, i), "Constraint");
        if (con)
            apply_constraint(c, e, NULL, con);
    }
    return 0;
}

/* on_alter_table: ADD CONSTRAINT, ADD COLUMN, ALTER COLUMN SET DEFAULT / SET NOT NULL,
 * ATTACH PARTITION; anything else leaves the statement counted as skipped. */
static int on_alter_table(struct pg_ctx *c, const json_t *st)
{
    const char *name = rangevar_name(c->b, json_object_get(st, "relation"));
    struct ddl_entity *e = name ? ddl_import_find_entity(c->b, ddl_import_resolve_alias(c->b, name)) : NULL;
    json_t *cmds = json_object_get(st, "cmds");
    int used = 0, defaults_seen = 0;
    for (size_t i = 0; i < json_array_size(cmds); i++) {
        const json_t *cmd = node(json_array_get(cmds, i), "AlterTableCmd");
        const char *sub = jstr(cmd, "subtype");
        const json_t *def = json_object_get(cmd, "def");
        struct ddl_col *col = e && jstr(cmd, "name") ? ddl_import_find_col(e, jstr(cmd, "name")) : NULL;
        if (!sub)
            continue;
        if (strcmp(sub, "AT_AttachPartition") == 0) {
            const char *part = rangevar_name(c->b, json_object_get(node(def, "PartitionCmd"), "name"));
            if (part && name) {
                ddl_import_add_alias(c->b, part, name);
                ddl_import_drop_entity(c->b, part);
                used++;
            }
        } else if (strcmp(sub, "AT_ColumnDefault") == 0) {
            json_int_t loc = nth_default_keyword(c, defaults_seen++);
            if (col && def) {
                col->dflt = default_text(c, loc);
                used++;
            }
        } else if (e && strcmp(sub, "AT_AddConstraint") == 0 && node(def, "Constraint")) {
            apply_constraint(c, e, NULL, node(def, "Constraint"));
            used++;
        } else if (e && strcmp(sub, "AT_AddColumn") == 0 && node(def, "ColumnDef")) {
            if (add_column(c, e, node(def, "ColumnDef")) != 0)
                return -1;
            used++;
        } else if (col && strcmp(sub, "AT_SetNotNull") == 0) {
            col->not_null = true;
            used++;
        }
    }
    c->b->skipped += used == 0;
    return 0;
}

static int on_create_enum(struct pg_ctx *c, const json_t *st)
{
    int nparts, nvals;
    const char **parts = name_list(c->b, json_object_get(st, "typeName"), &nparts);
    const char **vals = name_list(c->b, json_object_get(st, "vals"), &nvals);
    if (nparts < 1)
        return 0;
    const char *name = nparts == 1 ? parts[0] : qualified_name(c->b, parts[nparts - 2], parts[nparts - 1]);
    ddl_import_add_enum(c->b, name, vals, nvals);
    return 0;
}

static int on_comment(struct pg_ctx *c, const json_t *st)
{
    const char *objtype = jstr(st, "objtype");
    int n;
    const char **parts = name_list(c->b, json_object_get(node(json_object_get(st, "object"), "List"), "items"), &n);
    bool column = objtype && strcmp(objtype, "OBJECT_COLUMN") == 0;
    bool table = objtype && strcmp(objtype, "OBJECT_TABLE") == 0;
    int tparts = n - (column ? 1 : 0); /* parts naming the table */
    if ((!column && !table) || tparts < 1 || tparts > 2) {
        c->b->skipped++;
        return 0;
    }
    const char *tname = tparts == 2 ? qualified_name(c->b, parts[0], parts[1]) : parts[0];
    struct ddl_entity *e = ddl_import_find_entity(c->b, tname);
    const char *text = jstr(st, "comment") ? arena_strdup(&c->b->arena, jstr(st, "comment")) : NULL;
    if (!e) {
        c->b->skipped++;
    } else if (table) {
        e->comment = text;
    } else {
        struct ddl_col *col = ddl_import_find_col(e, parts[n - 1]);
        if (col)
            col->comment = text;
        else
            c->b->skipped++;
    }
    return 0;
}

static int on_domain(struct pg_ctx *c, const json_t *st)
{
    (void)c;
    (void)st; /* columns keep the domain's name as their type */
    return 0;
}

static const struct {
    const char *kind;
    int (*handle)(struct pg_ctx *c, const json_t *st);
} handlers[] = {
    {"CreateStmt", on_create_table},     {"AlterTableStmt", on_alter_table},
    {"CreateEnumStmt", on_create_enum},  {"CommentStmt", on_comment},
    {"CreateDomainStmt", on_domain},
};

static int handle_tree(struct pg_ctx *c, const char *tree)
{
    json_error_t jerr;
    json_t *root = json_loads(tree, 0, &jerr);
    int rc = 0;
    if (!root)
        return ddl_import_fail(c->b, c->base, "unreadable parse tree: %s", jerr.text);
    json_t *stmts = json_object_get(root, "stmts");
    for (size_t i = 0; rc == 0 && i < json_array_size(stmts); i++) {
        json_t *stmt = json_object_get(json_array_get(stmts, i), "stmt");
        size_t h;
        for (h = 0; h < sizeof handlers / sizeof *handlers; h++) {
            json_t *payload = json_object_get(stmt, handlers[h].kind);
            if (payload) {
                rc = handlers[h].handle(c, payload);
                break;
            }
        }
        if (h == sizeof handlers / sizeof *handlers)
            c->b->skipped++;
    }
    json_decref(root);
    return rc;
}

/* ------------------------------------------------------------------ driver */

static bool first_word_skipped(const char *s, const struct pg_stmt *st)
{
    struct ddl_tok t;
    size_t pos = st->start;
    ddl_lex_next(s, st->end, &pos, 0, &t);
    for (size_t i = 0; i < sizeof skip_words / sizeof *skip_words; i++)
        if (ddl_tok_is(s, &t, skip_words[i]))
            return true;
    return false;
}

/* char_to_byte: byte offset of the 1-based character position pos in text. */
static size_t char_to_byte(const char *text, size_t len, int pos)
{
    size_t i = 0;
    for (int chars = 1; i < len && chars < pos; i++)
        if (((unsigned char)text[i + 1] & 0xC0) != 0x80)
            chars++;
    return i;
}

struct first_error {
    bool set;
    size_t offset;
    char message[400];
};

static void note_error(struct first_error *fe, size_t offset, const char *msg)
{
    if (fe->set)
        return;
    fe->set = true;
    fe->offset = offset;
    snprintf(fe->message, sizeof fe->message, "%s", msg);
}

/* ---- recovery of a CREATE TABLE PostgreSQL 15 rejects (e.g. a PostgreSQL 18 "GENERATED
 * ALWAYS AS (…) VIRTUAL" column): each table element is tried alone; an element that fails
 * is cut back token by token to its longest prefix that parses ("length_hours numeric(4,2)");
 * when some element has no such prefix the statement stays a failure.  Anything after the element list (PARTITION BY, WITH…) is dropped. */

#define RECOVER_MAX_TRIES 256

struct recover {
    const char *s;
    size_t len;
    size_t head_end;  /* just past the '(' opening the element list */
    int tries;
    struct buf probe;
};

static bool parses(struct recover *r, const char *elems, size_t n)
{
    PgQueryParseResult res;
    bool ok;
    if (r->tries++ >= RECOVER_MAX_TRIES)
        return false;
    buf_reset(&r->probe);
    buf_append(&r->probe, r->s, r->head_end);
    buf_append(&r->probe, elems, n);
    buf_putc(&r->probe, ')');
    res = pg_query_parse(buf_cstr(&r->probe));
    ok = res.error == NULL;
    pg_query_free_parse_result(res);
    return ok;
}

/* element_prefix: length of the longest token prefix of s[start..end) that parses, or 0. */
static size_t element_prefix(struct recover *r, size_t start, size_t end)
{
    size_t ends[64];
    int n = 0;
    size_t pos = start;
    struct ddl_tok t;
    for (;;) {
        ddl_lex_next(r->s, end, &pos, 0, &t);
        if (t.kind == TOK_EOF || t.kind == TOK_ERROR)
            break;
        ends[n % 64] = t.end; /* keep the last 64 token ends */
        n++;
    }
    for (int k = n - 1; k >= 0 && k >= n - 64; k--)
        if (parses(r, r->s + start, ends[k % 64] - start))
            return ends[k % 64] - start;
    return 0;
}

/* find_element_list: head_end just past the first top-level '(' after the word TABLE;
 * false when there is none or it is never closed. */
static bool find_element_list(struct recover *r, size_t *list_end)
{
    size_t pos = 0;
    struct ddl_tok t;
    bool saw_table = false;
    int depth = 0;
    r->head_end = 0;
    for (;;) {
        ddl_lex_next(r->s, r->len, &pos, 0, &t);
        if (t.kind == TOK_EOF || t.kind == TOK_ERROR)
            return false;
        saw_table = saw_table || ddl_tok_is(r->s, &t, "TABLE");
        if (ddl_tok_punct(r->s, &t, '(')) {
            if (!saw_table)
                return false;
            if (depth++ == 0 && !r->head_end)
                r->head_end = t.end;
        } else if (ddl_tok_punct(r->s, &t, ')') && --depth == 0) {
            *list_end = t.start;
            return true;
        }
    }
}

/* recover_create_table: the statement rebuilt from the elements that parse, in out;
 * false when nothing can be saved. */
static bool recover_create_table(const char *text, size_t len, struct buf *out)
{
    struct recover r = {text, len, 0, 0, BUF_INIT};
    size_t list_end, pos, elem_start;
    int depth = 0, kept = 0;
    struct ddl_tok t;
    bool ok = false;
    if (!find_element_list(&r, &list_end))
        goto out;
    buf_reset(out);
    buf_append(out, text, r.head_end);
    pos = elem_start = r.head_end;
    for (;;) {
        ddl_lex_next(text, list_end, &pos, 0, &t);
        bool last = t.kind == TOK_EOF || t.kind == TOK_ERROR;
        if (!last && ddl_tok_punct(text, &t, '('))
            depth++;
        if (!last && ddl_tok_punct(text, &t, ')'))
            depth--;
        if (last || (depth == 0 && ddl_tok_punct(text, &t, ','))) {
            size_t end = last ? list_end : t.start;
            size_t n = parses(&r, text + elem_start, end - elem_start) ? end - elem_start
                                                                       : element_prefix(&r, elem_start, end);
            if (!n) { /* an element that cannot be saved at all: the statement is broken */
                kept = 0;
                break;
            }
            {
                if (kept++)
                    buf_puts(out, ", ");
                buf_append(out, text + elem_start, n);
            }
            elem_start = pos;
        }
        if (last)
            break;
    }
    buf_putc(out, ')');
    ok = kept > 0 && (size_t)r.tries < RECOVER_MAX_TRIES;
out:
    buf_free(&r.probe);
    return ok;
}

static bool is_create_table(const char *text, size_t len)
{
    size_t pos = 0;
    struct ddl_tok t;
    ddl_lex_next(text, len, &pos, 0, &t);
    return ddl_tok_is(text, &t, "CREATE");
}

/* is_modelled: the statement is one whose content becomes part of the model. */
static bool is_modelled(const char *text, size_t len)
{
    static const char *const second[] = {"TABLE", "TYPE", "DOMAIN", "UNLOGGED", "TEMP", "TEMPORARY"};
    size_t pos = 0;
    struct ddl_tok a, b;
    ddl_lex_next(text, len, &pos, 0, &a);
    ddl_lex_next(text, len, &pos, 0, &b);
    if (ddl_tok_is(text, &a, "ALTER"))
        return ddl_tok_is(text, &b, "TABLE");
    if (!ddl_tok_is(text, &a, "CREATE"))
        return false;
    for (size_t i = 0; i < sizeof second / sizeof *second; i++)
        if (ddl_tok_is(text, &b, second[i]))
            return true;
    return false;
}

/* parse_recovered: 1 when a failing CREATE TABLE could be rebuilt and modelled, 0 when not,
 * -1 fatal. */
static int parse_recovered(struct ddl_builder *b, const struct pg_stmt *st, const struct buf *text)
{
    struct buf fixed = BUF_INIT;
    int rc = 0;
    if (!is_create_table(text->data, text->len) || !recover_create_table(text->data, text->len, &fixed))
        goto out;
    PgQueryParseResult r = pg_query_parse(buf_cstr(&fixed));
    if (!r.error) {
        struct pg_ctx c = {b, buf_cstr(&fixed), fixed.len, st->start};
        rc = handle_tree(&c, r.parse_tree) == 0 ? 1 : -1;
    }
    pg_query_free_parse_result(r);
out:
    buf_free(&fixed);
    return rc;
}

/* parse_one: 1 parsed (and modelled), 0 failed (noted), -1 fatal (err set). */
static int parse_one(struct ddl_builder *b, const struct pg_stmt *st, struct buf *text,
                     struct first_error *fe, struct first_error *fe_model)
{
    if (st->deep_at != (size_t)-1) {
        note_error(fe, st->deep_at, "parentheses nested too deeply");
        return 0;
    }
    buf_reset(text);
    buf_append(text, b->sql + st->start, st->end - st->start);
    struct pg_ctx c = {b, buf_cstr(text), text->len, st->start};
    PgQueryParseResult r = pg_query_parse(c.text);
    int rc;
    if (r.error) {
        size_t off = r.error->cursorpos > 0 ? char_to_byte(c.text, c.text_len, r.error->cursorpos) : 0;
        rc = parse_recovered(b, st, text);
        if (rc == 0) {
            const char *msg = r.error->message ? r.error->message : "syntax error";
            note_error(fe, st->start + off, msg);
            if (is_modelled(text->data, text->len))
                note_error(fe_model, st->start + off, msg);
        }
    } else {
        rc = handle_tree(&c, r.parse_tree) == 0 ? 1 : -1;
    }
    pg_query_free_parse_result(r);
    return rc;
}

int ddl_import_pg(struct ddl_builder *b)
{
    struct pg_stmt *stmts = NULL;
    struct buf text = BUF_INIT;
    struct first_error fe = {0}, fe_model = {0};
    int parsed = 0, failed = 0, rc = -1;
    int n = split_statements(b, &stmts);
    if (n < 0)
        goto out;
    for (int i = 0; i < n; i++) {
        if (ddl_import_tick(b, stmts[i].start, 0) != 0) /* counted when split */
            goto out;
        if (first_word_skipped(b->sql, &stmts[i])) {
            b->skipped++;
            continue;
        }
        int r = parse_one(b, &stmts[i], &text, &fe, &fe_model);
        if (r < 0)
            goto out;
        parsed += r;
        failed += r == 0;
    }
    if (fe_model.set || (parsed == 0 && failed > 0)) {
        const struct first_error *e = fe_model.set ? &fe_model : &fe;
        ddl_import_fail(b, e->offset, "%s", e->message);
        goto out;
    }
    b->skipped += failed;
    rc = 0;
out:
    buf_free(&text);
    return rc;
}
