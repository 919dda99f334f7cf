/* dbws_explore.c — the table explorer's parameterized SQL per dialect (see dbws_explore.h):
 * placeholders $n (PostgreSQL) or ? (MySQL, SQLite), identifiers checked against the catalog
 * entity and quoted, LIKE patterns with their wildcards escaped (ESCAPE '!'). */
#include "dbws_explore.h"
#include "arena.h"
#include "buf.h"
#include "erd_doc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A statement being written: its text and its parameters. */
struct sb {
    struct arena *a;
    enum dbws_type t;
    struct buf *sql;
    const char **params;
    int n, cap;
};

static void sb_init(struct sb *s, struct arena *a, enum dbws_type t)
{
    s->a = a;
    s->t = t;
    s->sql = buf_arena(a);
    s->n = 0;
    s->cap = 16;
    s->params = arena_alloc(a, (size_t)s->cap * sizeof *s->params);
}

/* sb_param: append a placeholder for value v (NULL: SQL NULL). */
static void sb_param(struct sb *s, const char *v)
{
    if (s->n == s->cap) {
        const char **bigger = arena_alloc(s->a, (size_t)s->cap * 2 * sizeof *bigger);
        memcpy(bigger, s->params, (size_t)s->n * sizeof *bigger);
        s->params = bigger;
        s->cap *= 2;
    }
    s->params[s->n++] = v;
    if (s->t == DBWS_POSTGRES)
        buf_printf(s->sql, "$%d", s->n);
    else
        buf_putc(s->sql, '?');
}

static struct dbws_stmt sb_done(struct sb *s, int expect_one)
{
    return (struct dbws_stmt){.sql = buf_cstr(s->sql), .nparams = s->n, .params = s->params,
                              .expect_one = expect_one};
}

static void quote_one(struct buf *b, char q, const char *s, size_t n)
{
    buf_putc(b, q);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == q)
            buf_putc(b, q);
        buf_putc(b, s[i]);
    }
    buf_putc(b, q);
}

const char *dbws_quote_ident(struct arena *a, enum dbws_type t, const char *name, int is_table)
{
    struct buf *b = buf_arena(a);
    char q = t == DBWS_MYSQL ? '`' : '"';
    const char *dot = t == DBWS_POSTGRES && is_table ? strchr(name, '.') : NULL;
    if (dot) {
        quote_one(b, q, name, (size_t)(dot - name));
        buf_putc(b, '.');
        name = dot + 1;
    }
    quote_one(b, q, name, strlen(name));
    return buf_cstr(b);
}

static const struct erd_column *column_of(const struct erd_entity *e, const char *name)
{
    for (size_t i = 0; name && i < e->ncolumns; i++)
        if (strcmp(e->columns[i].name, name) == 0)
            return &e->columns[i];
    return NULL;
}

static const char *as_text(struct arena *a, enum dbws_type t, const char *col)
{
    static const char *const types[] = {[DBWS_POSTGRES] = "text", [DBWS_MYSQL] = "CHAR", [DBWS_SQLITE] = "TEXT"};
    return arena_printf(a, "CAST(%s AS %s)", col, types[t]);
}

/* like_pattern: v with LIKE's wildcards and the escape character escaped, between prefix
 * and suffix ("%"). */
static const char *like_pattern(struct arena *a, const char *prefix, const char *v, const char *suffix)
{
    struct buf *b = buf_arena(a);
    buf_puts(b, prefix);
    for (; *v; v++) {
        if (*v == '%' || *v == '_' || *v == '!')
            buf_putc(b, '!');
        buf_putc(b, *v);
    }
    buf_puts(b, suffix);
    return buf_cstr(b);
}

static const char *like_op(enum dbws_type t)
{
    return t == DBWS_POSTGRES ? "ILIKE" : "LIKE";
}

static const char *const comparisons[] = {"=", "<>", "<", ">"};

/* where: the WHERE clause of q (nothing when it filters nothing).  0 or -1 with *msg. */
static int where(struct sb *s, const struct erd_entity *e, const struct dbws_explore_q *q, const char **msg)
{
    const char *sep = " WHERE ";
    for (int i = 0; i < q->nfilters; i++) {
        const struct dbws_filter *f = &q->filters[i];
        if (!column_of(e, f->column)) {
            *msg = arena_printf(s->a, "filter %d: the table has no column %s", i + 1, f->column ? f->column : "(none)");
            return -1;
        }
        const char *col = dbws_quote_ident(s->a, s->t, f->column, 0), *op = f->op ? f->op : "";
        const char *v = f->nvalues > 0 ? f->values[0] : NULL;
        int cmp = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(op, comparisons[k]) == 0)
                cmp = k;
        int needs_value = strcmp(op, "is_null") != 0 && strcmp(op, "not_null") != 0;
        if (needs_value && (f->nvalues < 1 || !v)) {
            *msg = arena_printf(s->a, "filter %d: give a value", i + 1);
            return -1;
        }
        buf_puts(s->sql, sep);
        sep = " AND ";
        if (cmp >= 0) {
            buf_printf(s->sql, "%s %s ", col, comparisons[cmp]);
            sb_param(s, v);
        } else if (strcmp(op, "contains") == 0 || strcmp(op, "starts_with") == 0) {
            buf_printf(s->sql, "%s %s ", as_text(s->a, s->t, col), like_op(s->t));
            sb_param(s, like_pattern(s->a, op[0] == 'c' ? "%" : "", v, "%"));
            buf_puts(s->sql, " ESCAPE '!'");
        } else if (strcmp(op, "is_null") == 0 || strcmp(op, "not_null") == 0) {
            buf_printf(s->sql, "%s IS %sNULL", col, op[0] == 'n' ? "NOT " : "");
        } else if (strcmp(op, "in") == 0) {
            buf_printf(s->sql, "%s IN (", col);
            for (int k = 0; k < f->nvalues; k++) {
                if (k)
                    buf_puts(s->sql, ", ");
                sb_param(s, f->values[k]);
            }
            buf_putc(s->sql, ')');
        } else {
            *msg = arena_printf(s->a, "filter %d: unknown operator %s", i + 1, op);
            return -1;
        }
    }
    if (q->search && *q->search && e->ncolumns > 0) {
        const char *pattern = like_pattern(s->a, "%", q->search, "%");
        buf_printf(s->sql, "%s(", sep);
        for (size_t i = 0; i < e->ncolumns; i++) {
            buf_printf(s->sql, "%s%s %s ", i ? " OR " : "",
                       as_text(s->a, s->t, dbws_quote_ident(s->a, s->t, e->columns[i].name, 0)), like_op(s->t));
            sb_param(s, pattern);
            buf_puts(s->sql, " ESCAPE '!'");
        }
        buf_putc(s->sql, ')');
    }
    return 0;
}

int dbws_explore_read(struct arena *a, enum dbws_type t, const struct erd_entity *e,
                      const struct dbws_explore_q *q, struct dbws_stmt *count, struct dbws_stmt *page,
                      const char **msg)
{
    const char *table = dbws_quote_ident(a, t, e->name, 1);
    struct sb c, p;
    sb_init(&c, a, t);
    buf_printf(c.sql, "SELECT count(*) FROM %s", table);
    if (where(&c, e, q, msg) != 0)
        return -1;
    if (q->sort && !column_of(e, q->sort)) {
        *msg = arena_printf(a, "sort: the table has no column %s", q->sort);
        return -1;
    }
    sb_init(&p, a, t);
    buf_puts(p.sql, "SELECT ");
    for (size_t i = 0; i < e->ncolumns; i++)
        buf_printf(p.sql, "%s%s", i ? ", " : "", dbws_quote_ident(a, t, e->columns[i].name, 0));
    buf_printf(p.sql, " FROM %s", table);
    where(&p, e, q, msg);
    const char *sep = " ORDER BY ";
    if (q->sort) {
        buf_printf(p.sql, "%s%s %s", sep, dbws_quote_ident(a, t, q->sort, 0), q->desc ? "DESC" : "ASC");
        sep = ", ";
    }
    for (size_t i = 0; i < e->ncolumns; i++)   /* then the key: pages never overlap */
        if (e->columns[i].is_pk && !(q->sort && strcmp(q->sort, e->columns[i].name) == 0)) {
            buf_printf(p.sql, "%s%s", sep, dbws_quote_ident(a, t, e->columns[i].name, 0));
            sep = ", ";
        }
    long size = q->page_size > 0 && q->page_size <= DBWS_PAGE_SIZE_MAX ? q->page_size : DBWS_PAGE_SIZE_DEFAULT;
    long pageno = q->page > 0 ? q->page : 1;
    buf_printf(p.sql, " LIMIT %ld OFFSET %ld", size, (pageno - 1) * size);
    *count = sb_done(&c, 0);
    *page = sb_done(&p, 0);
    return 0;
}

/* value_text: a JSON scalar as the text parameter the database converts (NULL for null). */
static const char *value_text(struct arena *a, enum dbws_type t, json_t *v)
{
    if (json_is_string(v))
        return arena_strndup(a, json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return arena_printf(a, "%.17g", json_real_value(v));
    if (json_is_boolean(v))
        return t == DBWS_POSTGRES ? (json_is_true(v) ? "true" : "false") : (json_is_true(v) ? "1" : "0");
    if (json_is_null(v) || !v)
        return NULL;
    char *s = json_dumps(v, JSON_COMPACT);   /* a JSON column's value */
    const char *out = arena_strdup(a, s ? s : "");
    free(s);
    return out;
}

/* key_where: " WHERE pk = $n AND …" from key, which must name every key column.  0 or -1. */
static int key_where(struct sb *s, const struct erd_entity *e, json_t *key, int i, const char **msg)
{
    const char *sep = " WHERE ";
    if (!json_is_object(key)) {
        *msg = arena_printf(s->a, "change %d: give the row's key", i + 1);
        return -1;
    }
    size_t npk = 0;
    for (size_t k = 0; k < e->ncolumns; k++) {
        if (!e->columns[k].is_pk)
            continue;
        npk++;
        json_t *v = json_object_get(key, e->columns[k].name);
        if (!v || json_is_null(v)) {
            *msg = arena_printf(s->a, "change %d: the key lacks %s", i + 1, e->columns[k].name);
            return -1;
        }
        buf_printf(s->sql, "%s%s = ", sep, dbws_quote_ident(s->a, s->t, e->columns[k].name, 0));
        sb_param(s, value_text(s->a, s->t, v));
        sep = " AND ";
    }
    if (json_object_size(key) != npk) {
        *msg = arena_printf(s->a, "change %d: the key names columns that are not the primary key", i + 1);
        return -1;
    }
    return 0;
}

/* check_values: every name in values is a column.  0 or -1 with *msg. */
static int check_values(struct arena *a, const struct erd_entity *e, json_t *values, int i, const char **msg)
{
    const char *name;
    json_t *v;
    if (!json_is_object(values)) {
        *msg = arena_printf(a, "change %d: give values as an object", i + 1);
        return -1;
    }
    json_object_foreach(values, name, v) {
        if (!column_of(e, name)) {
            *msg = arena_printf(a, "change %d: the table has no column %s", i + 1, name);
            return -1;
        }
    }
    return 0;
}

int dbws_explore_changes(struct arena *a, enum dbws_type t, const struct erd_entity *e, json_t *changes,
                         struct dbws_stmt **out, int *n, const char **msg)
{
    int has_key = 0;
    for (size_t k = 0; k < e->ncolumns; k++)
        has_key |= e->columns[k].is_pk;
    if (!has_key) {
        *msg = "This table has no primary key: its rows cannot be told apart, so they cannot be edited here.";
        return -1;
    }
    if (!json_is_array(changes) || json_array_size(changes) == 0 || json_array_size(changes) > 1000) {
        *msg = "changes: give a list of 1 to 1000 changes";
        return -1;
    }
    const char *table = dbws_quote_ident(a, t, e->name, 1);
    *n = (int)json_array_size(changes);
    *out = arena_alloc(a, (size_t)*n * sizeof **out);
    for (int i = 0; i < *n; i++) {
        json_t *c = json_array_get(changes, (size_t)i), *values = json_object_get(c, "values");
        const char *op = json_string_value(json_object_get(c, "op")), *name;
        json_t *v;
        struct sb s;
        sb_init(&s, a, t);
        if (op && strcmp(op, "update") == 0) {
            if (check_values(a, e, values, i, msg) != 0)
                return -1;
            if (json_object_size(values) == 0) {
                *msg = arena_printf(a, "change %d: nothing to update", i + 1);
                return -1;
            }
            buf_printf(s.sql, "UPDATE %s SET ", table);
            const char *sep = "";
            json_object_foreach(values, name, v) {
                buf_printf(s.sql, "%s%s = ", sep, dbws_quote_ident(a, t, name, 0));
                sb_param(&s, value_text(a, t, v));
                sep = ", ";
            }
            if (key_where(&s, e, json_object_get(c, "key"), i, msg) != 0)
                return -1;
        } else if (op && strcmp(op, "delete") == 0) {
            buf_printf(s.sql, "DELETE FROM %s", table);
            if (key_where(&s, e, json_object_get(c, "key"), i, msg) != 0)
                return -1;
        } else if (op && strcmp(op, "insert") == 0) {
            if (check_values(a, e, values, i, msg) != 0)
                return -1;
            buf_printf(s.sql, "INSERT INTO %s ", table);
            if (json_object_size(values) == 0) {
                buf_puts(s.sql, t == DBWS_MYSQL ? "() VALUES ()" : "DEFAULT VALUES");
            } else {
                const char *sep = "(";
                json_object_foreach(values, name, v) {
                    buf_printf(s.sql, "%s%s", sep, dbws_quote_ident(a, t, name, 0));
                    sep = ", ";
                }
                buf_puts(s.sql, ") VALUES (");
                sep = "";
                json_object_foreach(values, name, v) {
                    buf_puts(s.sql, sep);
                    sb_param(&s, value_text(a, t, v));
                    sep = ", ";
                }
                buf_putc(s.sql, ')');
            }
        } else {
            *msg = arena_printf(a, "change %d: op is update, insert or delete", i + 1);
            return -1;
        }
        (*out)[i] = sb_done(&s, 1);
    }
    return 0;
}

json_t *dbws_explore_stmt_json(const struct dbws_stmt *s)
{
    json_t *params = json_array();
    for (int i = 0; i < s->nparams; i++)
        json_array_append_new(params, s->params[i] ? dbws_json_text(s->params[i], strlen(s->params[i]))
                                                   : json_null());
    return json_pack("{s:o, s:o}", "sql", dbws_json_text(s->sql, strlen(s->sql)), "params", params);
}
