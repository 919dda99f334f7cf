/* dbws_sqltext.c — SQL text read without a database (dbws_sqltext.h): the statement splitter
 * and the "does it write" rule of the SQL editor (editors/src/sqleditor/split.js, ported rule
 * for rule so the server's answer and the editor's confirmation agree), and the SQL of an AI
 * answer. */
#include "dbws_sqltext.h"
#include "arena.h"
#include <ctype.h>
#include <strings.h>
#include <string.h>

static int is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* word_at: s[i..] starts with word w (any case) standing alone (JavaScript's \b both sides). */
static int word_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    if (i + k > n || strncasecmp(s + i, w, k) != 0)
        return 0;
    return (i == 0 || !is_word(s[i - 1])) && (i + k == n || !is_word(s[i + k]));
}

/* strip_comments: split.js's stripComments (-- to the line's end and block comments become a
 * space), then trimmed; into a (NUL-terminated), its length in *out_n. */
static char *strip_comments(struct arena *a, const char *s, size_t n, size_t *out_n)
{
    char *out = arena_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
            while (i < n && s[i] != '\n')
                i++;
            out[o++] = ' ';
        } else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
            const char *end = NULL;
            for (size_t k = i + 2; k + 1 < n; k++)
                if (s[k] == '*' && s[k + 1] == '/') {
                    end = s + k;
                    break;
                }
            if (!end) {             /* unterminated: the regex leaves it as it is */
                out[o++] = s[i++];
                continue;
            }
            i = (size_t)(end - s) + 2;
            out[o++] = ' ';
        } else {
            out[o++] = s[i++];
        }
    }
    size_t b = 0;
    while (b < o && isspace((unsigned char)out[b]))
        b++;
    while (o > b && isspace((unsigned char)out[o - 1]))
        o--;
    out[o] = '\0';
    *out_n = o - b;
    return out + b;
}

/* writes_with: a WITH statement writes when a data-changing word appears outside '…' strings. */
static int writes_with(const char *s, size_t n)
{
    static const char *const verbs[] = {"insert", "update", "delete", "merge"};
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'') {
            for (i++; i < n; i++)
                if (s[i] == '\'') {
                    if (i + 1 < n && s[i + 1] == '\'')
                        i++;
                    else
                        break;
                }
            continue;
        }
        for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
            if (word_at(s, n, i, verbs[v]))
                return 1;
    }
    return 0;
}

/* skip_ws: past whitespace; at least one character of it when need is set (else n + 1). */
static size_t skip_ws(const char *s, size_t n, size_t i, int need)
{
    size_t from = i;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    return need && i == from ? n + 1 : i;
}

/* explain_target: the statement EXPLAIN [(…)] [ANALYZE] [VERBOSE] is about. */
static size_t explain_target(const char *s, size_t n)
{
    size_t i = skip_ws(s, n, 7, 1);
    if (i > n)
        return 7;
    if (s[i] == '(') {
        const char *close = memchr(s + i, ')', n - i);
        if (close)
            i = skip_ws(s, n, (size_t)(close - s) + 1, 0);
    }
    static const char *const words[] = {"analyze", "verbose"};
    for (size_t w = 0; w < 2; w++)
        if (i + strlen(words[w]) < n && strncasecmp(s + i, words[w], strlen(words[w])) == 0) {
            size_t j = skip_ws(s, n, i + strlen(words[w]), 1);
            if (j <= n)
                i = j;
        }
    return i;
}

static int writes(struct arena *a, const char *stmt, size_t len)
{
    size_t n;
    const char *s = strip_comments(a, stmt, len, &n);
    if (n && s[0] == '(') {
        while (n && (s[0] == '(' || isspace((unsigned char)s[0])))
            s++, n--;
    }
    if (word_at(s, n, 0, "explain")) {
        size_t head = n < 40 ? n : 40, t;
        int analyze = 0;
        for (size_t i = 0; i < head; i++)
            analyze |= word_at(s, head, i, "analyze");
        if (!analyze)
            return 0;
        t = explain_target(s, n);
        return writes(a, s + t, n - t);
    }
    if (word_at(s, n, 0, "with"))
        return writes_with(s, n);
    static const char *const reads[] = {"select", "show", "describe", "desc", "values", "table", "explain"};
    for (size_t r = 0; r < sizeof reads / sizeof reads[0]; r++)
        if (word_at(s, n, 0, reads[r]))
            return 0;
    return 1;
}

int dbws_sql_statement_writes(const char *stmt, size_t len)
{
    struct arena a;
    arena_init(&a);
    int w = writes(&a, stmt, len);
    arena_free(&a);
    return w;
}

/* ---- splitting ---------------------------------------------------------------------------- */

struct tally {
    int statements, writes;
};

/* push: one piece between separators, counted when something but comments is left. */
static void push(struct tally *t, const char *s, size_t n)
{
    struct arena a;
    size_t left;
    arena_init(&a);
    strip_comments(&a, s, n, &left);
    if (left) {
        t->statements++;
        t->writes += writes(&a, s, n);
    }
    arena_free(&a);
}

/* skip_quoted: past the string or identifier quoted by text[i] (doubled quotes; MySQL's
 * backslash escapes outside backquotes). */
static size_t skip_quoted(const char *text, size_t n, size_t i, int mysql)
{
    char q = text[i++];
    while (i < n) {
        if (mysql && text[i] == '\\' && q != '`') {
            i += 2;
            continue;
        }
        if (text[i] == q) {
            if (i + 1 < n && text[i + 1] == q) {
                i += 2;
                continue;
            }
            break;
        }
        i++;
    }
    return i + 1;
}

/* skip_dollar: past a PostgreSQL $tag$…$tag$ starting at i, or i + 1 when it is not one. */
static size_t skip_dollar(const char *text, size_t n, size_t i)
{
    size_t k = i + 1;
    if (k < n && (isalpha((unsigned char)text[k]) || text[k] == '_'))
        while (k < n && is_word(text[k]))
            k++;
    if (k >= n || text[k] != '$' || (i > 0 && is_word(text[i - 1])))
        return i + 1;
    size_t tag = k + 1 - i;
    for (size_t j = k + 1; j + tag <= n; j++)
        if (memcmp(text + j, text + i, tag) == 0)
            return j + tag;
    return n;
}

static struct tally split(const char *text, enum dbws_type dialect)
{
    struct tally t = {0, 0};
    int mysql = dialect == DBWS_MYSQL;
    size_t n = strlen(text), start = 0, i = 0;
    while (i < n) {
        char c = text[i], next = i + 1 < n ? text[i + 1] : '\0';
        if ((c == '-' && next == '-') || (mysql && c == '#')) {
            const char *nl = memchr(text + i, '\n', n - i);
            i = nl ? (size_t)(nl - text) + 1 : n;
        } else if (c == '/' && next == '*') {
            const char *end = strstr(text + i + 2, "*/");
            i = end ? (size_t)(end - text) + 2 : n;
        } else if (c == '\'' || c == '"' || (mysql && c == '`')) {
            i = skip_quoted(text, n, i, mysql);
        } else if (c == '$' && dialect == DBWS_POSTGRES) {
            i = skip_dollar(text, n, i);
        } else if (c == ';') {
            push(&t, text + start, i - start);
            start = ++i;
        } else {
            i++;
        }
    }
    if (start < n)
        push(&t, text + start, n - start);
    return t;
}

int dbws_sql_writes(const char *sql, enum dbws_type dialect)
{
    return split(sql ? sql : "", dialect).writes;
}

int dbws_sql_count(const char *sql, enum dbws_type dialect)
{
    return split(sql ? sql : "", dialect).statements;
}

/* ---- AI answers --------------------------------------------------------------------------- */

const char *dbws_sql_from_answer(struct arena *a, const char *answer)
{
    const char *s = answer ? answer : "", *fence = strstr(s, "```");
    size_t n = strlen(s);
    if (fence) {
        const char *body = strchr(fence + 3, '\n');
        if (body) {
            const char *end = strstr(body + 1, "```");
            s = body + 1;
            n = end ? (size_t)(end - s) : strlen(s);
        }
    }
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}
