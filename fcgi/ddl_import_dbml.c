/* ddl_import_dbml.c — a small DBML reader (dbdiagram.io's language) for the import, filling
 * the same builder as the SQL readers (ddl_import_internal.h): Table blocks with columns,
 * their types (with (…) arguments and [] arrays) and settings [pk, primary key, not null,
 * null, unique, increment, default: …, note: '…', ref: > t.c], the table's Note, Ref lines
 * (`Ref name: a.x > b.y [delete: cascade]`, the `Ref { … }` block, >, <, - ; <> is skipped)
 * and Enum blocks (a column typed by an enum gets its values).  Project, TableGroup, Note,
 * indexes and unknown settings are skipped.  Comments: // to the end of the line and
 * slash-star blocks; strings '…' and '''…''', expressions `…`. */
#include "ddl_import_internal.h"
#include "erd_model.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

struct rd {
    struct ddl_builder *b;
    const char *s;
    size_t len, pos;
};

enum { T_EOF, T_WORD, T_STR, T_EXPR, T_PUNCT, T_NUM, T_ERR };

struct tk {
    int kind;
    size_t start, end;  /* the token's bytes, quotes included */
};

/* skip_space: past whitespace and comments. */
static void skip_space(struct rd *r)
{
    for (;;) {
        while (r->pos < r->len && isspace((unsigned char)r->s[r->pos]))
            r->pos++;
        if (r->pos + 1 < r->len && r->s[r->pos] == '/' && r->s[r->pos + 1] == '/') {
            while (r->pos < r->len && r->s[r->pos] != '\n')
                r->pos++;
        } else if (r->pos + 1 < r->len && r->s[r->pos] == '/' && r->s[r->pos + 1] == '*') {
            const char *e = strstr(r->s + r->pos + 2, "*/");
            r->pos = e ? (size_t)(e - r->s) + 2 : r->len;
        } else
            return;
    }
}

/* until: the token from pos up to and including the closing text close (T_ERR if none). */
static struct tk until(struct rd *r, size_t open, const char *close, int kind)
{
    struct tk t = {kind, r->pos, r->len};
    const char *e = strstr(r->s + r->pos + open, close);
    if (!e)
        t.kind = T_ERR;
    else
        t.end = (size_t)(e - r->s) + strlen(close);
    r->pos = t.end;
    return t;
}

/* next: the next token. */
static struct tk next(struct rd *r)
{
    skip_space(r);
    const char *p = r->s + r->pos;
    if (r->pos >= r->len)
        return (struct tk){T_EOF, r->len, r->len};
    if (strncmp(p, "'''", 3) == 0)
        return until(r, 3, "'''", T_STR);
    if (*p == '`')
        return until(r, 1, "`", T_EXPR);
    struct ddl_tok t;
    ddl_lex_next(r->s, r->len, &r->pos, 0, &t);
    static const int kinds[] = {[TOK_EOF] = T_EOF, [TOK_WORD] = T_WORD, [TOK_QIDENT] = T_WORD,
                                [TOK_STRING] = T_STR, [TOK_NUMBER] = T_NUM,
                                [TOK_PUNCT] = T_PUNCT, [TOK_ERROR] = T_ERR};
    return (struct tk){kinds[t.kind], t.start, t.end};
}

static struct tk peek(struct rd *r)
{
    size_t at = r->pos;
    struct tk t = next(r);
    r->pos = at;
    return t;
}

static bool is_punct(const struct rd *r, struct tk t, char c)
{
    return t.kind == T_PUNCT && r->s[t.start] == c;
}

static bool is_word(const struct rd *r, struct tk t, const char *w)
{
    return t.kind == T_WORD && t.end - t.start == strlen(w) && strncasecmp(r->s + t.start, w, t.end - t.start) == 0;
}

/* text: a token's value — quotes of "…", '…', '''…''' and `…` removed. */
static const char *text(struct rd *r, struct tk t)
{
    const char *p = r->s + t.start;
    size_t n = t.end - t.start;
    if (t.kind == T_EXPR && n >= 2)
        return ddl_import_strndup(r->b, p + 1, n - 2);
    if (t.kind == T_STR && n >= 6 && strncmp(p, "'''", 3) == 0)
        return ddl_import_strndup(r->b, p + 3, n - 6);
    struct ddl_tok dt = {t.kind == T_STR ? TOK_STRING : *p == '"' ? TOK_QIDENT : TOK_WORD, t.start, t.end, NULL};
    return ddl_tok_text(r->b, r->s, &dt, 0);
}

/* too_long: an optional text over max bytes (a default, note, comment). */
static bool too_long(const char *s, size_t max)
{
    return s && strlen(s) > max;
}

static int fail(struct rd *r, struct tk t, const char *what)
{
    if (t.kind == T_ERR)
        return ddl_import_fail(r->b, t.start, "unterminated string or expression");
    return ddl_import_fail(r->b, t.start, "expected %s", what);
}

/* expect: the next token is punctuation c; 0, or -1 with the error set. */
static int expect(struct rd *r, char c)
{
    struct tk t = next(r);
    char what[8] = {'\'', c, '\'', 0};
    return is_punct(r, t, c) ? 0 : fail(r, t, what);
}

/* name: [schema.]name; a "public." schema is dropped. */
static const char *name(struct rd *r)
{
    struct tk t = next(r);
    if (t.kind != T_WORD)
        return fail(r, t, "a name"), NULL;
    const char *n = text(r, t);
    while (is_punct(r, peek(r), '.')) {
        size_t at = r->pos;
        next(r);
        struct tk u = next(r);
        if (u.kind != T_WORD || is_punct(r, peek(r), '(')) {  /* table.(a, b) or t.c handled by the caller */
            r->pos = at;
            break;
        }
        n = strcasecmp(n, "public") == 0 ? text(r, u) : arena_printf(&r->b->arena, "%s.%s", n, text(r, u));
    }
    return n;
}

/* skip_block: past a balanced { … } (the opening brace is next). */
static int skip_block(struct rd *r)
{
    int depth = 0;
    for (;;) {
        struct tk t = next(r);
        if (t.kind == T_EOF || t.kind == T_ERR)
            return fail(r, t, "'}'");
        depth += is_punct(r, t, '{') - is_punct(r, t, '}');
        if (depth == 0)
            return 0;
    }
}

/* endpoint: table.column into *table, *col (the last dot splits). */
static int endpoint(struct rd *r, const char **table, const char **col)
{
    struct tk t = next(r);
    if (t.kind != T_WORD)
        return fail(r, t, "table.column");
    const char *parts[3] = {text(r, t), NULL, NULL};
    int n = 1;
    while (n < 3 && is_punct(r, peek(r), '.')) {
        next(r);
        struct tk u = next(r);
        if (u.kind != T_WORD)
            return fail(r, u, "a column name");
        parts[n++] = text(r, u);
    }
    if (n < 2)
        return fail(r, t, "table.column");
    *col = parts[n - 1];
    *table = n == 3 && strcasecmp(parts[0], "public") != 0 ? arena_printf(&r->b->arena, "%s.%s", parts[0], parts[1]) : parts[n - 2];
    return 0;
}

/* ref_op: > < - or <>: *child_left (the left end holds the key), *skip for many-to-many. */
static int ref_op(struct rd *r, bool *child_left, bool *skip)
{
    struct tk t = next(r);
    *skip = false;
    if (is_punct(r, t, '<') && is_punct(r, peek(r), '>')) {
        next(r);
        *skip = true;
        return 0;
    }
    if (!is_punct(r, t, '>') && !is_punct(r, t, '<') && !is_punct(r, t, '-'))
        return fail(r, t, "'>', '<', '-' or '<>'");
    *child_left = !is_punct(r, t, '<');
    return 0;
}

static void add_ref(struct rd *r, const char *lt, const char *lc, const char *rt, const char *rc,
                    bool child_left, const char *on_delete, const char *on_update)
{
    struct ddl_fk fk = {0};
    const char **cc = arena_alloc(&r->b->arena, sizeof *cc), **pc = arena_alloc(&r->b->arena, sizeof *pc);
    fk.child = child_left ? lt : rt;
    fk.parent = child_left ? rt : lt;
    cc[0] = child_left ? lc : rc;
    pc[0] = child_left ? rc : lc;
    fk.child_cols = cc;
    fk.parent_cols = pc;
    fk.n_child = fk.n_parent = 1;
    fk.on_delete = on_delete;
    fk.on_update = on_update;
    ddl_import_add_fk(r->b, &fk);
}

/* upper: s in capitals (an ON DELETE action). */
static const char *upper(struct rd *r, const char *s)
{
    char *u = arena_strdup(&r->b->arena, s);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

/* action: the referential action s names (capitals, one space between words), or NULL. */
static const char *action(struct rd *r, const char *s)
{
    static const char *const actions[] = {"CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"};
    (void)r;
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
        if (strcmp(s, actions[i]) == 0)
            return actions[i];
    return NULL;
}

/* value: a setting's value up to ',' or ']' (a string, expression, number or words). */
static const char *value(struct rd *r)
{
    struct tk t = peek(r);
    if (t.kind == T_STR || t.kind == T_EXPR) {
        next(r);
        return text(r, t);
    }
    size_t start = r->pos;
    while (!is_punct(r, peek(r), ',') && !is_punct(r, peek(r), ']') && peek(r).kind != T_EOF)
        next(r);
    return ddl_import_span(r->b, r->s, start, r->pos);
}

struct settings {
    bool pk, not_null, null, unique;
    const char *dflt, *note, *on_delete, *on_update;
    const char *ref_table, *ref_col;
    bool ref_child_here, ref_skip;
};

/* settings: an optional [ … ] list. */
static int settings(struct rd *r, struct settings *st)
{
    memset(st, 0, sizeof *st);
    if (!is_punct(r, peek(r), '['))
        return 0;
    next(r);
    for (;;) {
        struct tk t = next(r);
        if (is_punct(r, t, ']'))
            return 0;
        if (is_punct(r, t, ','))
            continue;
        if (t.kind != T_WORD)
            return fail(r, t, "a setting");
        bool colon = is_punct(r, peek(r), ':');
        if (colon)
            next(r);
        if (is_word(r, t, "pk"))
            st->pk = true;
        else if (is_word(r, t, "primary") && is_word(r, peek(r), "key"))
            next(r), st->pk = true;
        else if (is_word(r, t, "not") && is_word(r, peek(r), "null"))
            next(r), st->not_null = true;
        else if (is_word(r, t, "null"))
            st->null = true;
        else if (is_word(r, t, "unique"))
            st->unique = true;
        else if (colon && is_word(r, t, "default"))
            st->dflt = value(r);
        else if (colon && is_word(r, t, "note"))
            st->note = value(r);
        else if (colon && (is_word(r, t, "delete") || is_word(r, t, "update"))) {
            const char *act = action(r, upper(r, value(r)));
            if (!act)
                return ddl_import_fail(r->b, t.start, "%s: use cascade, set null, restrict, no action or set default",
                                       is_word(r, t, "delete") ? "delete" : "update");
            *(is_word(r, t, "delete") ? &st->on_delete : &st->on_update) = act;
        }
        else if (colon && is_word(r, t, "ref")) {
            bool child_left;
            if (ref_op(r, &child_left, &st->ref_skip) != 0 || endpoint(r, &st->ref_table, &st->ref_col) != 0)
                return -1;
            st->ref_child_here = child_left;
        } else if (colon)
            value(r);
        else
            while (!is_punct(r, peek(r), ',') && !is_punct(r, peek(r), ']') && peek(r).kind != T_EOF)
                next(r);
    }
}

/* column_type: a type word with optional (…) arguments and [] array brackets. */
static const char *column_type(struct rd *r)
{
    struct tk t = next(r);
    if (t.kind != T_WORD)
        return fail(r, t, "a column type"), NULL;
    size_t start = t.start, end = t.end;
    if (r->s[t.start] == '"')
        return text(r, t);
    while (is_punct(r, peek(r), '.')) {   /* schema.type */
        next(r);
        end = next(r).end;
    }
    if (is_punct(r, peek(r), '(')) {
        int depth = 0;
        do {
            struct tk u = next(r);
            if (u.kind == T_EOF)
                return fail(r, u, "')'"), NULL;
            depth += is_punct(r, u, '(') - is_punct(r, u, ')');
            end = u.end;
        } while (depth > 0);
    }
    while (is_punct(r, peek(r), '[')) {   /* int[] — but not the settings list */
        size_t at = r->pos;
        next(r);
        struct tk u = next(r);
        if (!is_punct(r, u, ']')) {
            r->pos = at;
            break;
        }
        end = u.end;
    }
    return ddl_import_span(r->b, r->s, start, end);
}

static int table(struct rd *r)
{
    const char *tname = name(r);
    if (!tname)
        return -1;
    if (is_word(r, peek(r), "as")) {
        next(r);
        next(r);
    }
    struct settings st;
    if (settings(r, &st) != 0 || expect(r, '{') != 0)
        return -1;
    bool dup = false;
    struct ddl_entity *e = ddl_import_add_entity(r->b, tname, &dup);
    if (!e)
        return dup ? ddl_import_fail(r->b, r->pos, "table %s is defined twice", tname) : -1;
    e->comment = st.note;
    if (too_long(st.note, ERD_MAX_TEXT))
        return ddl_import_fail(r->b, r->pos, "table %s: a note longer than %d bytes", tname, ERD_MAX_TEXT);
    for (;;) {
        struct tk t = peek(r);
        if (is_punct(r, t, '}')) {
            next(r);
            return 0;
        }
        if (is_word(r, t, "indexes") || is_word(r, t, "note") || is_word(r, t, "checks")) {
            size_t at = r->pos;
            next(r);
            struct tk u = peek(r);
            if (is_punct(r, u, '{')) {
                if (skip_block(r) != 0)
                    return -1;
                continue;
            }
            if (is_punct(r, u, ':') && is_word(r, t, "note")) {
                next(r);
                e->comment = value(r);
                if (too_long(e->comment, ERD_MAX_TEXT))
                    return ddl_import_fail(r->b, t.start, "table %s: a note longer than %d bytes", tname, ERD_MAX_TEXT);
                continue;
            }
            r->pos = at;
        }
        struct tk cn = next(r);
        if (cn.kind != T_WORD)
            return fail(r, cn, "a column or '}'");
        const char *cname = text(r, cn), *type = column_type(r);
        if (!type || settings(r, &st) != 0)
            return -1;
        if (!ddl_import_text_ok(type, ERD_MAX_TYPE))
            return ddl_import_fail(r->b, cn.start, "column %s.%s: the type is empty or longer than %d bytes", tname, cname, ERD_MAX_TYPE);
        if (too_long(st.dflt, ERD_MAX_TEXT) || too_long(st.note, ERD_MAX_TEXT))
            return ddl_import_fail(r->b, cn.start, "column %s.%s: a default or note longer than %d bytes", tname, cname, ERD_MAX_TEXT);
        struct ddl_col *c = ddl_import_add_col(r->b, e, cname);
        if (!c)
            return ddl_import_fail(r->b, cn.start, "column %s.%s is defined twice", tname, cname);
        c->type = type;
        c->is_pk = st.pk;
        c->not_null = st.not_null || st.pk;
        c->is_unique = st.unique;
        c->dflt = st.dflt;
        c->comment = st.note;
        if (st.ref_table && !st.ref_skip)
            add_ref(r, tname, cname, st.ref_table, st.ref_col, st.ref_child_here, NULL, NULL);
        else if (st.ref_skip)
            r->b->skipped++;
    }
}

/* ref_body: a.x op b.y [settings] (after "Ref [name]:" or inside "Ref {"). */
static int ref_body(struct rd *r)
{
    const char *lt, *lc, *rt, *rc;
    bool child_left, skip;
    struct settings st;
    if (endpoint(r, &lt, &lc) != 0 || ref_op(r, &child_left, &skip) != 0 || endpoint(r, &rt, &rc) != 0 ||
        settings(r, &st) != 0)
        return -1;
    if (skip)
        r->b->skipped++;
    else
        add_ref(r, lt, lc, rt, rc, child_left, st.on_delete, st.on_update);
    return 0;
}

static int ref(struct rd *r)
{
    if (peek(r).kind == T_WORD)
        next(r);                    /* the reference's name */
    struct tk t = next(r);
    if (is_punct(r, t, ':'))
        return ref_body(r);
    if (!is_punct(r, t, '{'))
        return fail(r, t, "':' or '{'");
    while (!is_punct(r, peek(r), '}')) {
        if (peek(r).kind == T_EOF)
            return fail(r, peek(r), "'}'");
        if (ref_body(r) != 0)
            return -1;
    }
    next(r);
    return 0;
}

static int enumeration(struct rd *r)
{
    const char *ename = name(r);
    if (!ename || expect(r, '{') != 0)
        return -1;
    const char **values = NULL;
    int n = 0, cap = 0;
    for (;;) {
        struct tk t = next(r);
        if (is_punct(r, t, '}'))
            break;
        if (t.kind != T_WORD && t.kind != T_STR)
            return fail(r, t, "an enum value or '}'");
        ddl_import_grow(r->b, &values, n, &cap, sizeof *values);
        values[n++] = text(r, t);
        if (strchr(values[n - 1], ',') || !ddl_import_text_ok(values[n - 1], ERD_MAX_NAME))
            return ddl_import_fail(r->b, t.start, "enum %s: a value is empty, longer than %d bytes or holds a comma",
                                   ename, ERD_MAX_NAME);
        struct settings st;
        if (settings(r, &st) != 0)
            return -1;
    }
    ddl_import_add_enum(r->b, ename, values, n);
    return 0;
}

int ddl_import_dbml(struct ddl_builder *b)
{
    struct rd r = {b, b->sql, b->len, 0};
    for (;;) {
        struct tk t = next(&r);
        int rc;
        if (t.kind == T_EOF)
            return 0;
        if (ddl_import_tick(b, t.start, 1) != 0)
            return -1;
        if (is_word(&r, t, "table"))
            rc = table(&r);
        else if (is_word(&r, t, "ref"))
            rc = ref(&r);
        else if (is_word(&r, t, "enum"))
            rc = enumeration(&r);
        else if (t.kind == T_WORD) {        /* Project, TableGroup, Note, …: skipped whole */
            b->skipped++;
            while (!is_punct(&r, peek(&r), '{') && !is_punct(&r, peek(&r), ':') && peek(&r).kind != T_EOF)
                next(&r);
            if (is_punct(&r, peek(&r), ':')) {
                next(&r);
                value(&r);
                rc = 0;
            } else
                rc = skip_block(&r);
        } else
            rc = fail(&r, t, "Table, Ref, Enum, Project, TableGroup or Note");
        if (rc != 0)
            return -1;
    }
}
