/* ddl_import.c — SQL DDL import: input checks, dialect dispatch, the shared model builder
 * and lexer used by the three readers, and the step that turns what they collected into
 * the ERD model, a struct erd_doc in the caller's arena (foreign keys → relationships, enum
 * values, fresh ids, layout).  The builder's own arena is scratch, freed before returning. */
#include "ddl_import_internal.h"
#include "erd_doc.h"
#include "erd_layout.h"
#include "erd_model.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DDL_MAX_INPUT (64u * 1024u * 1024u)
#define DDL_MAX_FKS (4 * ERD_MAX_RELATIONSHIPS)

/* ------------------------------------------------------------------ dialect names */

static const struct {
    const char *name;
    enum ddl_dialect dialect;
} dialect_names[] = {
    {"postgres", DDL_POSTGRES}, {"postgresql", DDL_POSTGRES}, {"pg", DDL_POSTGRES},
    {"mysql", DDL_MYSQL},       {"mariadb", DDL_MYSQL},       {"sqlite", DDL_SQLITE},
    {"dbml", DDL_DBML},
};

int ddl_dialect_from_name(const char *name, enum ddl_dialect *out)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof dialect_names / sizeof dialect_names[0]; i++) {
        if (strcasecmp(name, dialect_names[i].name) == 0) {
            *out = dialect_names[i].dialect;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ builder */

char *ddl_import_strndup(struct ddl_builder *b, const char *s, size_t n)
{
    return arena_strndup(&b->arena, s, n);
}

void ddl_import_grow(struct ddl_builder *b, void *arr, int n, int *cap, size_t elsize)
{
    void **p = arr;
    if (n < *cap)
        return;
    int ncap = *cap ? *cap * 2 : 8;
    void *fresh = arena_alloc(&b->arena, (size_t)ncap * elsize);
    if (*p && n)
        memcpy(fresh, *p, (size_t)n * elsize);
    *p = fresh;
    *cap = ncap;
}

bool ddl_import_text_ok(const char *s, size_t max)
{
    return s && *s && strlen(s) <= max;
}

static size_t hash_name(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211u;
    return h;
}

static void names_insert(struct ddl_builder *b, int i)
{
    size_t h = hash_name(b->entities[i]->name) & (b->name_cap - 1);
    while (b->name_slots[h])
        h = (h + 1) & (b->name_cap - 1);
    b->name_slots[h] = i + 1;
}

/* names_refresh: (re)build the name hash when stale or more than half full. */
static void names_refresh(struct ddl_builder *b)
{
    if (!b->names_stale && b->name_slots && 2 * (size_t)(b->nentities + 1) < b->name_cap)
        return;
    b->name_cap = 64;
    while (b->name_cap < 4 * (size_t)b->nentities + 4)
        b->name_cap *= 2;
    b->name_slots = arena_alloc(&b->arena, b->name_cap * sizeof *b->name_slots);
    for (int i = 0; i < b->nentities; i++)
        names_insert(b, i);
    b->names_stale = false;
}

struct ddl_entity *ddl_import_find_entity(struct ddl_builder *b, const char *name)
{
    struct ddl_entity *found = NULL;
    names_refresh(b);
    for (size_t h = hash_name(name) & (b->name_cap - 1); b->name_slots[h];
         h = (h + 1) & (b->name_cap - 1)) {
        struct ddl_entity *e = b->entities[b->name_slots[h] - 1];
        if (strcmp(e->name, name) == 0)
            return e;
        if (!found && strcasecmp(e->name, name) == 0)
            found = e;
    }
    return found;
}

struct ddl_entity *ddl_import_add_entity(struct ddl_builder *b, const char *name, bool *dup)
{
    *dup = false;
    if (!ddl_import_text_ok(name, ERD_MAX_NAME)) {
        ddl_import_fail(b, (size_t)-1, "table name is empty or longer than %d bytes", ERD_MAX_NAME);
        return NULL;
    }
    if (ddl_import_find_entity(b, name)) {
        *dup = true;
        return NULL;
    }
    if (b->nentities >= ERD_MAX_ENTITIES) {
        ddl_import_fail(b, (size_t)-1, "more than %d tables", ERD_MAX_ENTITIES);
        return NULL;
    }
    ddl_import_grow(b, &b->entities, b->nentities, &b->capentities, sizeof *b->entities);
    struct ddl_entity *e = arena_alloc(&b->arena, sizeof *e);
    e->name = arena_strdup(&b->arena, name);
    b->entities[b->nentities++] = e;
    names_refresh(b);
    names_insert(b, b->nentities - 1);
    return e;
}

struct ddl_col *ddl_import_find_col(struct ddl_entity *e, const char *name)
{
    for (int i = 0; i < e->ncols; i++)
        if (strcmp(e->cols[i].name, name) == 0)
            return &e->cols[i];
    for (int i = 0; i < e->ncols; i++)
        if (strcasecmp(e->cols[i].name, name) == 0)
            return &e->cols[i];
    return NULL;
}

struct ddl_col *ddl_import_add_col(struct ddl_builder *b, struct ddl_entity *e, const char *name)
{
    if (!ddl_import_text_ok(name, ERD_MAX_NAME)) {
        ddl_import_fail(b, (size_t)-1, "table %s: column name is empty or longer than %d bytes",
                        e->name, ERD_MAX_NAME);
        return NULL;
    }
    if (ddl_import_find_col(e, name))
        return NULL;
    if (e->ncols >= ERD_MAX_COLUMNS) {
        ddl_import_fail(b, (size_t)-1, "table %s: more than %d columns", e->name, ERD_MAX_COLUMNS);
        return NULL;
    }
    ddl_import_grow(b, &e->cols, e->ncols, &e->capcols, sizeof *e->cols);
    struct ddl_col *c = &e->cols[e->ncols++];
    memset(c, 0, sizeof *c);
    c->name = arena_strdup(&b->arena, name);
    return c;
}

void ddl_import_mark_pk(struct ddl_builder *b, struct ddl_entity *e, const char **cols, int n)
{
    (void)b;
    for (int i = 0; i < n; i++) {
        struct ddl_col *c = ddl_import_find_col(e, cols[i]);
        if (c) {
            c->is_pk = true;
            c->not_null = true;
        }
    }
}

void ddl_import_mark_unique(struct ddl_builder *b, struct ddl_entity *e, const char **cols, int n)
{
    if (n == 1) {
        struct ddl_col *c = ddl_import_find_col(e, cols[0]);
        if (c)
            c->is_unique = true;
        return;
    }
    if (n < 1)
        return;
    ddl_import_grow(b, &e->uniques, e->nuniques, &e->capuniques, sizeof *e->uniques);
    struct ddl_keyset *k = &e->uniques[e->nuniques++];
    k->cols = arena_alloc(&b->arena, (size_t)n * sizeof *k->cols);
    for (int i = 0; i < n; i++)
        k->cols[i] = arena_strdup(&b->arena, cols[i]);
    k->n = n;
}

void ddl_import_add_fk(struct ddl_builder *b, const struct ddl_fk *fk)
{
    if (!fk->child || !fk->parent || fk->n_child < 1)
        return;
    if (b->nfks >= DDL_MAX_FKS) { /* hostile input: keep the work bounded */
        b->skipped++;
        return;
    }
    ddl_import_grow(b, &b->fks, b->nfks, &b->capfks, sizeof *b->fks);
    b->fks[b->nfks++] = *fk;
}

void ddl_import_add_enum(struct ddl_builder *b, const char *name, const char **values, int n)
{
    ddl_import_grow(b, &b->enums, b->nenums, &b->capenums, sizeof *b->enums);
    b->enums[b->nenums++] = (struct ddl_enum){name, values, n};
}

void ddl_import_add_alias(struct ddl_builder *b, const char *from, const char *to)
{
    if (b->naliases >= ERD_MAX_ENTITIES) { /* hostile input: keep resolution bounded */
        b->skipped++;
        return;
    }
    ddl_import_grow(b, &b->aliases, b->naliases, &b->capaliases, sizeof *b->aliases);
    b->aliases[b->naliases++] = (struct ddl_alias){from, to};
}

void ddl_import_drop_entity(struct ddl_builder *b, const char *name)
{
    for (int i = 0; i < b->nentities; i++) {
        if (strcmp(b->entities[i]->name, name) == 0) {
            memmove(&b->entities[i], &b->entities[i + 1],
                    (size_t)(b->nentities - i - 1) * sizeof *b->entities);
            b->nentities--;
            b->names_stale = true;
            return;
        }
    }
}

/* ------------------------------------------------------------------ budget */

void ddl_import_budget_start(struct ddl_builder *b, int seconds)
{
    b->budget.seconds = seconds;
    b->budget.statements = 0;
    clock_gettime(CLOCK_MONOTONIC, &b->budget.deadline);
    b->budget.deadline.tv_sec += seconds;
}

int ddl_import_tick(struct ddl_builder *b, size_t offset, int n)
{
    struct timespec now;
    b->budget.statements += n;
    if (b->budget.statements > DDL_MAX_STATEMENTS)
        return ddl_import_fail(b, offset, "the import has more than %d statements",
                               DDL_MAX_STATEMENTS);
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > b->budget.deadline.tv_sec ||
        (now.tv_sec == b->budget.deadline.tv_sec && now.tv_nsec >= b->budget.deadline.tv_nsec))
        return ddl_import_fail(b, offset, "the import took longer than %d s (stopped here)",
                               b->budget.seconds);
    return 0;
}

/* ------------------------------------------------------------------ errors */

static void offset_to_line_col(const char *s, size_t len, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c++; /* count characters, not continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

int ddl_import_fail(struct ddl_builder *b, size_t offset, const char *fmt, ...)
{
    va_list ap;
    struct ddl_error *e = b->err;
    if (e->message[0]) /* keep the first error */
        return -1;
    e->line = e->column = 0;
    if (offset != (size_t)-1 && b->sql)
        offset_to_line_col(b->sql, b->len, offset, &e->line, &e->column);
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    if (!e->message[0])
        snprintf(e->message, sizeof e->message, "syntax error");
    return -1;
}

/* ------------------------------------------------------------------ lexer */

static bool is_word_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* skip_quoted: past the closing quote q of a quoted run starting after the opening quote;
 * doubled quotes and (when backslash) backslash escapes stay inside.  Returns false when
 * the input ends first. */
static bool skip_quoted(const char *s, size_t len, size_t *p, char q, bool backslash)
{
    size_t i = *p;
    while (i < len) {
        if (backslash && s[i] == '\\') {
            i += 2;
            continue;
        }
        if (s[i] == q) {
            if (i + 1 < len && s[i + 1] == q) {
                i += 2;
                continue;
            }
            *p = i + 1;
            return true;
        }
        i++;
    }
    *p = len;
    return false;
}

/* skip_dollar: a PostgreSQL $tag$…$tag$ string starting at *p ('$'); false when it isn't one
 * (*p unchanged) — an unterminated one sets *unterminated. */
static bool skip_dollar(const char *s, size_t len, size_t *p, bool *unterminated)
{
    size_t i = *p + 1;
    while (i < len && s[i] != '$' && (isalnum((unsigned char)s[i]) || s[i] == '_' ||
                                      (unsigned char)s[i] >= 0x80))
        i++;
    if (i >= len || s[i] != '$' || (i > *p + 1 && isdigit((unsigned char)s[*p + 1])))
        return false;
    size_t taglen = i + 1 - *p;
    const char *tag = s + *p;
    for (size_t j = i + 1; j + taglen <= len; j++) {
        if (s[j] == '$' && memcmp(s + j, tag, taglen) == 0) {
            *p = j + taglen;
            return true;
        }
    }
    *unterminated = true;
    *p = len;
    return true;
}

/* skip_block_comment: *p at "/ *"; nested in PostgreSQL, flat in MySQL. */
static bool skip_block_comment(const char *s, size_t len, size_t *p, bool nested)
{
    int depth = 0;
    size_t i = *p;
    while (i + 1 < len) {
        if (s[i] == '/' && s[i + 1] == '*' && (nested || depth == 0)) {
            depth++;
            i += 2;
        } else if (s[i] == '*' && s[i + 1] == '/') {
            depth--;
            i += 2;
            if (depth == 0) {
                *p = i;
                return true;
            }
        } else {
            i++;
        }
    }
    *p = len;
    return false;
}

static void tok_error(struct ddl_tok *t, size_t start, size_t end, const char *what)
{
    t->kind = TOK_ERROR;
    t->start = start;
    t->end = end;
    t->error = what;
}

/* skip_space_and_comments: returns false (t set to an error) on an unterminated comment. */
static bool skip_space_and_comments(const char *s, size_t len, size_t *pos, int flags,
                                    struct ddl_tok *t)
{
    bool mysql = flags & LEX_MYSQL;
    size_t p = *pos;
    for (;;) {
        while (p < len && isspace((unsigned char)s[p]))
            p++;
        if (p + 1 < len && s[p] == '-' && s[p + 1] == '-') {
            while (p < len && s[p] != '\n')
                p++;
        } else if (mysql && p < len && s[p] == '#') {
            while (p < len && s[p] != '\n')
                p++;
        } else if (mysql && p + 2 < len && s[p] == '/' && s[p + 1] == '*' && s[p + 2] == '!') {
            p += 3; /* conditional comment: its contents are code */
            while (p < len && isdigit((unsigned char)s[p]))
                p++;
        } else if (mysql && p + 1 < len && s[p] == '*' && s[p + 1] == '/') {
            p += 2; /* end of a conditional comment */
        } else if (p + 1 < len && s[p] == '/' && s[p + 1] == '*') {
            size_t start = p;
            if (!skip_block_comment(s, len, &p, !mysql)) {
                tok_error(t, start, len, "unterminated comment");
                *pos = len;
                return false;
            }
        } else {
            break;
        }
    }
    *pos = p;
    return true;
}

void ddl_lex_next(const char *s, size_t len, size_t *pos, int flags, struct ddl_tok *t)
{
    bool mysql = flags & LEX_MYSQL;
    if (!skip_space_and_comments(s, len, pos, flags, t))
        return;
    size_t p = *pos, start = p;
    t->error = NULL;
    if (p >= len) {
        t->kind = TOK_EOF;
        t->start = t->end = len;
        return;
    }
    unsigned char c = (unsigned char)s[p];
    bool unterminated = false;
    if (!mysql && (c == 'E' || c == 'e') && p + 1 < len && s[p + 1] == '\'') {
        p += 2;
        t->kind = skip_quoted(s, len, &p, '\'', true) ? TOK_STRING : TOK_ERROR;
    } else if (c == '\'') {
        p++;
        t->kind = skip_quoted(s, len, &p, '\'', mysql) ? TOK_STRING : TOK_ERROR;
    } else if (c == '"') {
        p++;
        bool ok = skip_quoted(s, len, &p, '"', mysql);
        t->kind = !ok ? TOK_ERROR : mysql ? TOK_STRING : TOK_QIDENT;
    } else if (c == '`' && mysql) {
        p++;
        t->kind = skip_quoted(s, len, &p, '`', false) ? TOK_QIDENT : TOK_ERROR;
    } else if (c == '$' && !mysql && skip_dollar(s, len, &p, &unterminated)) {
        t->kind = unterminated ? TOK_ERROR : TOK_STRING;
    } else if (is_word_start(c)) {
        while (p < len && is_word_char((unsigned char)s[p]))
            p++;
        t->kind = TOK_WORD;
    } else if (isdigit(c)) {
        while (p < len && (isalnum((unsigned char)s[p]) || s[p] == '.' || s[p] == '_'))
            p++;
        t->kind = TOK_NUMBER;
    } else {
        p++;
        t->kind = TOK_PUNCT;
    }
    t->start = start;
    t->end = p;
    if (t->kind == TOK_ERROR)
        t->error = "unterminated quoted string or identifier";
    *pos = p;
}

bool ddl_tok_is(const char *s, const struct ddl_tok *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->kind == TOK_WORD && t->end - t->start == n && strncasecmp(s + t->start, kw, n) == 0;
}

bool ddl_tok_punct(const char *s, const struct ddl_tok *t, char c)
{
    return t->kind == TOK_PUNCT && s[t->start] == c;
}

/* unescape_mysql: the character a MySQL backslash escape stands for (0 → dropped). */
static char unescape_mysql(char c)
{
    static const char from[] = "ntr0bZ", to[] = "\n\t\r\0\b\x1a";
    const char *hit = strchr(from, c);
    return hit && c ? to[hit - from] : c;
}

char *ddl_tok_text(struct ddl_builder *b, const char *s, const struct ddl_tok *t, int flags)
{
    size_t start = t->start, end = t->end;
    if (t->kind != TOK_STRING && t->kind != TOK_QIDENT)
        return ddl_import_strndup(b, s + start, end - start);
    if (s[start] == '$') { /* dollar-quoted: strip the tags */
        size_t tag = 1;
        while (start + tag < end && s[start + tag] != '$')
            tag++;
        tag++;
        if (end - start < 2 * tag)
            return ddl_import_strndup(b, "", 0);
        return ddl_import_strndup(b, s + start + tag, end - start - 2 * tag);
    }
    bool backslash = (flags & LEX_MYSQL) && s[start] != '`';
    if (s[start] == 'E' || s[start] == 'e') {
        start++;
        backslash = true;
    }
    char q = s[start];
    char *out = arena_alloc(&b->arena, end - start + 1);
    size_t n = 0;
    for (size_t i = start + 1; i + 1 < end; i++) {
        if (backslash && s[i] == '\\' && i + 2 < end) {
            char c = unescape_mysql(s[++i]);
            if (c)
                out[n++] = c;
        } else if (s[i] == q && i + 2 < end && s[i + 1] == q) {
            out[n++] = q;
            i++;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

char *ddl_import_span(struct ddl_builder *b, const char *s, size_t start, size_t end)
{
    char *out = arena_alloc(&b->arena, end - start + 1);
    size_t n = 0;
    char quote = 0;
    for (size_t i = start; i < end; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            out[n++] = c;
        } else if (c == '\'' || c == '"' || c == '`') {
            quote = c;
            out[n++] = c;
        } else if (isspace((unsigned char)c)) {
            if (n && out[n - 1] != ' ')
                out[n++] = ' ';
        } else {
            out[n++] = c;
        }
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

/* ------------------------------------------------------------------ model output */

/* out_str: an arena copy of s in the output arena, or NULL for NULL. */
static const char *out_str(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

/* out_text: a comment cut to the model's text limit on a UTF-8 boundary (NULL stays NULL). */
static const char *out_text(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n > ERD_MAX_TEXT) {
        n = ERD_MAX_TEXT;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return arena_strndup(a, s, n);
}

/* out_id: a fresh id with prefix, in the output arena. */
static const char *out_id(struct arena *a, const char *prefix)
{
    char id[ERD_ID_MAX];
    erd_new_id(id, prefix);
    return arena_strdup(a, id);
}

static const char *strip_public(const char *type)
{
    return strncasecmp(type, "public.", 7) == 0 ? type + 7 : type;
}

static const struct ddl_enum *enum_for_type(const struct ddl_builder *b, const char *type)
{
    const char *t = strip_public(type);
    for (int i = 0; i < b->nenums; i++)
        if (strcasecmp(strip_public(b->enums[i].name), t) == 0)
            return &b->enums[i];
    return NULL;
}

/* enum_value: an enum value as the model can store it: values are stored joined with ", "
 * (ERD Builder Pro's format), so a comma inside one becomes ';' and outer spaces go. */
static const char *enum_value(struct arena *a, const char *v)
{
    char *s = arena_strtrim(a, v);
    for (char *p = s; *p; p++)
        if (*p == ',')
            *p = ';';
    return s;
}

/* build_column: c as a model column with a fresh id; enum values are the column's own
 * (MySQL ENUM/SET) or those of the enum type it names (see enum_value); a default longer than
 * the text limit is dropped, a comment cut. */
static void build_column(struct arena *a, const struct ddl_builder *b, const struct ddl_col *c,
                         struct erd_column *out)
{
    const char **values = c->enum_values;
    int n = c->n_enum;
    if (!values && c->type) {
        const struct ddl_enum *en = enum_for_type(b, c->type);
        if (en) {
            values = en->values;
            n = en->n;
        }
    }
    out->enum_values = arena_alloc(a, (size_t)(n + 1) * sizeof *out->enum_values);
    for (int i = 0; i < n; i++)
        out->enum_values[i] = enum_value(a, values[i]);
    out->n_enum = (size_t)n;
    out->id = out_id(a, "c_");
    out->name = out_str(a, c->name);
    out->type = out_str(a, c->type);
    out->is_pk = c->is_pk;
    out->is_nullable = !(c->not_null || c->is_pk);
    out->is_unique = c->is_unique;
    out->default_value = c->dflt && strlen(c->dflt) <= ERD_MAX_TEXT ? out_str(a, c->dflt) : NULL;
    out->comment = out_text(a, c->comment);
}

/* build_entities: one model entity per table, in the builder's order, at (0, 0) until the
 * layout places it. */
static void build_entities(struct arena *a, const struct ddl_builder *b, struct erd_doc *doc)
{
    doc->entities = arena_alloc(a, (size_t)(b->nentities + 1) * sizeof *doc->entities);
    doc->nentities = (size_t)b->nentities;
    for (int i = 0; i < b->nentities; i++) {
        const struct ddl_entity *e = b->entities[i];
        struct erd_entity *out = &doc->entities[i];
        out->columns = arena_alloc(a, (size_t)(e->ncols + 1) * sizeof *out->columns);
        out->ncolumns = (size_t)e->ncols;
        for (int k = 0; k < e->ncols; k++)
            build_column(a, b, &e->cols[k], &out->columns[k]);
        out->id = out_id(a, "e_");
        out->name = out_str(a, e->name);
        out->color = ERD_DEFAULT_COLOR;
        out->comment = out_text(a, e->comment);
    }
}

const char *ddl_import_resolve_alias(const struct ddl_builder *b, const char *name)
{
    for (int hops = 0; hops < 8; hops++) {
        int i;
        for (i = 0; i < b->naliases; i++)
            if (strcmp(b->aliases[i].from, name) == 0)
                break;
        if (i == b->naliases)
            return name;
        name = b->aliases[i].to;
    }
    return name;
}

static int entity_index(struct ddl_builder *b, const char *name)
{
    struct ddl_entity *e = ddl_import_find_entity(b, name);
    return e ? e->index : -1;
}

static int col_index(const struct ddl_entity *e, const char *name)
{
    struct ddl_col *c = ddl_import_find_col((struct ddl_entity *)e, name);
    return c ? (int)(c - e->cols) : -1;
}

static bool set_equal(const struct ddl_entity *e, const char **names, int n, const int *idx, int m)
{
    if (n != m)
        return false;
    for (int i = 0; i < n; i++) {
        int ci = col_index(e, names[i]);
        bool found = false;
        for (int k = 0; k < m && !found; k++)
            found = idx[k] == ci;
        if (!found)
            return false;
    }
    return true;
}

/* fk_is_one_to_one: the child columns are unique, or exactly the child's whole primary key. */
static bool fk_is_one_to_one(struct ddl_builder *b, const struct ddl_entity *child,
                             const struct ddl_fk *fk)
{
    if (fk->n_child == 1) {
        struct ddl_col *c = ddl_import_find_col((struct ddl_entity *)child, fk->child_cols[0]);
        if (c && c->is_unique)
            return true;
    }
    int *pk = arena_alloc(&b->arena, (size_t)(child->ncols + 1) * sizeof *pk);
    int npk = 0;
    for (int i = 0; i < child->ncols; i++)
        if (child->cols[i].is_pk)
            pk[npk++] = i;
    if (npk && set_equal(child, fk->child_cols, fk->n_child, pk, npk))
        return true;
    for (int u = 0; u < child->nuniques; u++) {
        const struct ddl_keyset *k = &child->uniques[u];
        int *idx = arena_alloc(&b->arena, (size_t)k->n * sizeof *idx);
        for (int i = 0; i < k->n; i++)
            idx[i] = col_index(child, k->cols[i]);
        if (set_equal(child, fk->child_cols, fk->n_child, idx, k->n))
            return true;
    }
    return false;
}

struct rel_key {
    int parent, child, pcol, ccol;
};

/* rel_seen: whether k is in the open-addressing set (cap a power of two), adding it if not. */
static bool rel_seen(struct rel_key *set, size_t cap, struct rel_key k)
{
    size_t h = ((size_t)k.parent * 73856093u) ^ ((size_t)k.child * 19349663u) ^
               ((size_t)(k.pcol + 1) * 83492791u) ^ (size_t)k.ccol;
    for (h &= cap - 1; set[h].child >= 0; h = (h + 1) & (cap - 1))
        if (set[h].parent == k.parent && set[h].child == k.child && set[h].pcol == k.pcol &&
            set[h].ccol == k.ccol)
            return true;
    set[h] = k;
    return false;
}

static int first_pk_col(const struct ddl_entity *e)
{
    for (int i = 0; i < e->ncols; i++)
        if (e->cols[i].is_pk)
            return i;
    return -1;
}

/* build_relationship: the relationship of fk between the built entities k names, in ERD
 * Builder Pro's direction (source = the table holding the key and its column, target = the
 * referenced table and column), labelled as ERD Builder Pro labels edges ("1:1", "1:N"), the
 * constraint's own name kept in constraint_name. */
static void build_relationship(struct arena *a, struct ddl_builder *b, const struct ddl_fk *fk,
                               struct rel_key k, struct erd_doc *doc,
                               struct erd_relationship *out)
{
    const struct erd_entity *parent = &doc->entities[k.parent], *child = &doc->entities[k.child];
    out->id = out_id(a, "r_");
    out->source_entity_id = child->id;
    out->target_entity_id = parent->id;
    out->source_column_id = child->columns[k.ccol].id;
    out->target_column_id = k.pcol >= 0 ? parent->columns[k.pcol].id : NULL;
    out->source_handle = out->target_handle = NULL;
    out->type = fk_is_one_to_one(b, b->entities[k.child], fk) ? "one-to-one" : "one-to-many";
    out->label = erd_type_label(out->type);
    out->constraint_name = out_str(a, fk->label);
    out->on_delete = out_str(a, fk->on_delete);
    out->on_update = out_str(a, fk->on_update);
}

/* build_relationships: one relationship per distinct foreign key whose tables and child
 * column exist (FKs to tables outside the file are dropped), at most ERD_MAX_RELATIONSHIPS. */
static void build_relationships(struct arena *a, struct ddl_builder *b, struct erd_doc *doc)
{
    size_t cap = 16, most = b->nfks < ERD_MAX_RELATIONSHIPS ? (size_t)b->nfks : ERD_MAX_RELATIONSHIPS;
    while (cap < 2 * (size_t)b->nfks + 2)
        cap *= 2;
    struct rel_key *keys = arena_alloc(&b->arena, cap * sizeof *keys);
    for (size_t i = 0; i < cap; i++)
        keys[i].child = -1;
    doc->relationships = arena_alloc(a, (most + 1) * sizeof *doc->relationships);
    doc->nrelationships = 0;
    for (int i = 0; i < b->nentities; i++)
        b->entities[i]->index = i;
    for (int i = 0; i < b->nfks && doc->nrelationships < most; i++) {
        const struct ddl_fk *fk = &b->fks[i];
        struct rel_key k;
        k.child = entity_index(b, ddl_import_resolve_alias(b, fk->child));
        k.parent = entity_index(b, ddl_import_resolve_alias(b, fk->parent));
        if (k.child < 0 || k.parent < 0)
            continue;
        const struct ddl_entity *child = b->entities[k.child], *parent = b->entities[k.parent];
        k.ccol = col_index(child, fk->child_cols[0]);
        k.pcol = fk->n_parent ? col_index(parent, fk->parent_cols[0]) : first_pk_col(parent);
        if (k.ccol < 0 || (fk->n_parent && k.pcol < 0) || rel_seen(keys, cap, k))
            continue;
        build_relationship(a, b, fk, k, doc, &doc->relationships[doc->nrelationships++]);
    }
}

/* build_doc: the finished builder as a model in a (viewport at the origin, zoom 1), laid out. */
static void build_doc(struct arena *a, struct ddl_builder *b, struct erd_doc *doc)
{
    static const double viewport[ERD_VP_N] = {0, 0, 1};
    memset(doc, 0, sizeof *doc);
    for (int k = 0; k < ERD_VP_N; k++) {
        doc->viewport[k] = viewport[k];
        doc->has_viewport[k] = true;
    }
    build_entities(a, b, doc);
    build_relationships(a, b, doc);
    erd_layout(doc);
}

void ddl_import_builder_init(struct ddl_builder *b, struct ddl_error *err)
{
    memset(b, 0, sizeof *b);
    memset(err, 0, sizeof *err);
    arena_init(&b->arena);
    b->err = err;
    ddl_import_budget_start(b, DDL_IMPORT_SECONDS);
    b->sql = "";
}

void ddl_import_builder_finish(struct arena *a, struct ddl_builder *b, struct erd_doc *out)
{
    build_doc(a, b, out);
    arena_free(&b->arena);
}

/* ------------------------------------------------------------------ entry point */

/* check_text: NUL bytes and invalid UTF-8 are refused with their position. */
static int check_text(struct ddl_builder *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (c == 0)
            return ddl_import_fail(b, i, "NUL byte in input");
        if (n == 0 || i + n > len || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4))
            return ddl_import_fail(b, i, "invalid UTF-8");
        for (size_t k = 1; k < n; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return ddl_import_fail(b, i, "invalid UTF-8");
        unsigned char c1 = n > 1 ? (unsigned char)s[i + 1] : 0;
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) ||
            (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
            return ddl_import_fail(b, i, "invalid UTF-8");
        i += n;
    }
    return 0;
}

static const struct {
    enum ddl_dialect dialect;
    int (*read)(struct ddl_builder *b);
} readers[] = {
    {DDL_POSTGRES, ddl_import_pg},
    {DDL_MYSQL, ddl_import_mysql},
    {DDL_SQLITE, ddl_import_sqlite},
    {DDL_DBML, ddl_import_dbml},
};

int ddl_import(struct arena *a, const char *sql, size_t len, enum ddl_dialect dialect,
               struct erd_doc *out, int *skipped, struct ddl_error *err)
{
    return ddl_import_timed(a, sql, len, dialect, DDL_IMPORT_SECONDS, out, skipped, err);
}

int ddl_import_timed(struct arena *a, const char *sql, size_t len, enum ddl_dialect dialect,
                     int seconds, struct erd_doc *out, int *skipped, struct ddl_error *err)
{
    struct ddl_builder b;
    int rc = -1;
    memset(&b, 0, sizeof b);
    memset(err, 0, sizeof *err);
    arena_init(&b.arena);
    b.err = err;
    memset(out, 0, sizeof *out);
    ddl_import_budget_start(&b, seconds > 0 ? seconds : DDL_IMPORT_SECONDS);
    *skipped = 0;
    if (!sql && len) {
        ddl_import_fail(&b, (size_t)-1, "no input");
        goto out;
    }
    if (len > DDL_MAX_INPUT) {
        ddl_import_fail(&b, (size_t)-1, "input larger than %u bytes", DDL_MAX_INPUT);
        goto out;
    }
    b.sql = ddl_import_strndup(&b, len ? sql : "", len);
    b.len = len;
    if (check_text(&b, sql, len) != 0)
        goto out;
    int (*read)(struct ddl_builder *) = NULL;
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        if (readers[i].dialect == dialect)
            read = readers[i].read;
    if (!read) {
        ddl_import_fail(&b, (size_t)-1, "unknown SQL dialect");
        goto out;
    }
    if (read(&b) != 0) {
        if (!err->message[0])
            ddl_import_fail(&b, (size_t)-1, "could not read the DDL");
        goto out;
    }
    build_doc(a, &b, out);
    *skipped = b.skipped;
    rc = 0;
out:
    arena_free(&b.arena);
    return rc;
}
