/* tmpl.c — the mustache engine of tmpl.h.
 *
 * Compiling a template takes three passes over its source:
 *   1. lex: split it into text tokens (one line at most each) and tags, following set-delimiter
 *      tags and checking that every section, parent and block is closed by its own name;
 *   2. mark: find standalone lines (whitespace plus tags that print nothing) and drop their
 *      whitespace, and work out the indentation each partial, parent and block carries;
 *   3. build: a flat node array in which a section, parent or block knows the index just past
 *      its subtree; names, dotted-name parts and text live in one string pool.
 * Rendering walks that array.  The context stack, the indentation chain and the chain of
 * parent-tag overrides are linked lists on the C stack, so a render allocates nothing but the
 * output's growth.  Template indentation follows the spec: standalone partials and parents
 * indent every line of what they include; a block's indentation is taken off its content where
 * it is written and put back where it is expanded.  Limits (nesting, expansion depth, steps,
 * output size) turn hostile templates into an error instead of a crash or a hang. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, also when built without the Makefile's flags */
#endif
#include "tmpl.h"
#include "buf.h"
#include "html.h"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TMPL_MAX_NEST 256                /* containers open at once in one template */
#define TMPL_MAX_EXPAND 64               /* partials, parents and overrides inside each other */
#define TMPL_MAX_DEPTH 1024              /* nested renderings of any kind (C stack guard) */
#define TMPL_MAX_DELIM 32                /* bytes in a set delimiter */
#define TMPL_MAX_DIR_DEPTH 16            /* directory levels tmpl_set_load_dir descends */
#define TMPL_MAX_FILE ((long)16 << 20)   /* largest template file loaded */
#define TMPL_DEFAULT_MAX_OUTPUT ((size_t)64 << 20)
#define TMPL_DEFAULT_MAX_STEPS (1UL << 26)
#define TMPL_EXT ".mustache"

/* ---------------------------------------------------------------- small helpers */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("fatal: out of memory\n", stderr);
        abort();
    }
    return q;
}

/* grow: make room for one more element of an array of *cap elements of size sz. */
static void *grow(void *p, size_t count, size_t *cap, size_t sz)
{
    if (count < *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / sz) {
        fputs("fatal: template too large\n", stderr);
        abort();
    }
    *cap = ncap;
    return xrealloc(p, ncap * sz);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_indent(char c)
{
    return c == ' ' || c == '\t';
}

/* shown: how many bytes of a name to quote in a message. */
static int shown(size_t len)
{
    return len > 80 ? 80 : (int)len;
}

/* ---------------------------------------------------------------- compiled form */

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK, N_KINDS };

struct node {
    unsigned char kind;
    bool dynamic;              /* partial/parent named by the context ({{>*name}}) */
    unsigned line;
    size_t end;                /* index just past this node's subtree */
    size_t str, len;           /* pool: text bytes, or the name (NUL-terminated) */
    size_t path, nparts;       /* parts[path..path+nparts): a dotted name; 0 parts is "." */
    size_t indent, indent_len; /* pool: indentation added to what this node includes */
};

struct tmpl {
    char *name;
    struct node *nodes;
    size_t nnodes;
    size_t *parts; /* pool offsets of NUL-terminated name parts */
    struct buf pool;
};

struct entry {
    char *name;
    size_t len;
    struct tmpl *t;
};

struct tmpl_set {
    struct entry *tab; /* open addressing, cap a power of two */
    size_t cap, count;
    size_t max_output;
    unsigned long max_steps;
};

static const char *pool_str(const struct tmpl *t, size_t off)
{
    return t->pool.data + off;
}

static void tmpl_free(struct tmpl *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->nodes);
    free(t->parts);
    buf_free(&t->pool);
    free(t);
}

/* ---------------------------------------------------------------- pass 1: lex */

enum tok_kind { TOK_TEXT, TOK_TAG };

struct token {
    unsigned char kind;
    char sigil;                    /* tags: 0 for {{name}}, else ! = # ^ / > < $ & { */
    char closes;                   /* '/' tags: the sigil of the tag closed */
    bool bol;                      /* text: starts a line */
    bool dropped;                  /* text: whitespace of a standalone line */
    bool standalone;               /* tag: alone on its line with whitespace (and friends) */
    bool dynamic;                  /* '>' '<' '/' names written with a leading '*' */
    unsigned line;
    size_t off, len;               /* text bytes, or the tag's trimmed name */
    size_t indent_off, indent_len; /* '>' '<' '$': indentation in the source */
};

struct compile {
    const char *name; /* template name, for messages */
    const char *src;
    size_t len;
    struct buf *err;
    struct token *toks;
    size_t ntoks, cap;
    size_t *opened; /* lex: indexes of open container tags */
    size_t nopened, opened_cap;
    struct tmpl *t; /* build: the result */
    size_t nodes_cap, parts_cap, nparts;
};

struct lexer {
    size_t pos;
    unsigned line;
    const char *open, *close;
    size_t open_len, close_len;
};

static int compile_error(struct compile *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int compile_error(struct compile *c, unsigned line, const char *fmt, ...)
{
    if (c->err) {
        va_list ap;
        buf_printf(c->err, "%s:%u: ", c->name, line);
        va_start(ap, fmt);
        buf_vprintf(c->err, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static struct token *push_token(struct compile *c, enum tok_kind kind, unsigned line)
{
    c->toks = grow(c->toks, c->ntoks, &c->cap, sizeof *c->toks);
    struct token *tk = &c->toks[c->ntoks++];
    memset(tk, 0, sizeof *tk);
    tk->kind = (unsigned char)kind;
    tk->line = line;
    return tk;
}

/* lex_text: src[from..to) as text tokens of one line at most; advances lx->line. */
static void lex_text(struct compile *c, struct lexer *lx, size_t from, size_t to)
{
    while (from < to) {
        const char *nl = memchr(c->src + from, '\n', to - from);
        size_t end = nl ? (size_t)(nl - c->src) + 1 : to;
        struct token *tk = push_token(c, TOK_TEXT, lx->line);
        tk->off = from;
        tk->len = end - from;
        tk->bol = from == 0 || c->src[from - 1] == '\n';
        if (nl)
            lx->line++;
        from = end;
    }
}

/* find_close: where the closing delimiter, preceded by `before` when not 0, starts at or
 * after from; the tag's content then ends there (minus the `before` byte).  SIZE_MAX if none. */
static size_t find_close(const struct compile *c, const struct lexer *lx, size_t from, char before)
{
    size_t at = from;
    while (at < c->len) {
        const char *hit = memmem(c->src + at, c->len - at, lx->close, lx->close_len);
        if (!hit)
            return SIZE_MAX;
        size_t m = (size_t)(hit - c->src);
        if (!before || (m > from && c->src[m - 1] == before))
            return m;
        at = m + 1;
    }
    return SIZE_MAX;
}

static void trim(const char *s, size_t *off, size_t *len)
{
    while (*len && is_space(s[*off])) {
        (*off)++;
        (*len)--;
    }
    while (*len && is_space(s[*off + *len - 1]))
        (*len)--;
}

/* set_delimiters: apply "{{=<% %>=}}" whose content (between the '=') is src[off..off+len). */
static int set_delimiters(struct compile *c, struct lexer *lx, size_t off, size_t len, unsigned line)
{
    trim(c->src, &off, &len);
    size_t split = 0;
    while (split < len && !is_space(c->src[off + split]))
        split++;
    size_t coff = off + split, clen = len - split;
    trim(c->src, &coff, &clen);
    bool ok = split > 0 && clen > 0 && split <= TMPL_MAX_DELIM && clen <= TMPL_MAX_DELIM &&
              !memchr(c->src + off, '=', split) &&
              !memchr(c->src + coff, '=', clen);
    for (size_t i = 0; ok && i < clen; i++)
        ok = !is_space(c->src[coff + i]);
    if (!ok)
        return compile_error(c, line, "bad set-delimiter tag");
    lx->open = c->src + off;
    lx->open_len = split;
    lx->close = c->src + coff;
    lx->close_len = clen;
    return 0;
}

/* valid_path: "." or non-empty parts separated by single dots. */
static bool valid_path(const char *s, size_t len)
{
    if (len == 1 && s[0] == '.')
        return true;
    if (s[0] == '.' || s[len - 1] == '.')
        return false;
    for (size_t i = 1; i < len; i++)
        if (s[i] == '.' && s[i - 1] == '.')
            return false;
    return true;
}

/* tag_name: trim the tag's name, take off a dynamic '*', check it; 0 or -1. */
static int tag_name(struct compile *c, struct token *tk)
{
    trim(c->src, &tk->off, &tk->len);
    bool may_be_dynamic = tk->sigil == '>' || tk->sigil == '<' || tk->sigil == '/';
    if (may_be_dynamic && tk->len && c->src[tk->off] == '*') {
        tk->dynamic = true;
        tk->off++;
        tk->len--;
        trim(c->src, &tk->off, &tk->len);
    }
    if (!tk->len)
        return compile_error(c, tk->line, "empty tag");
    for (size_t i = 0; i < tk->len; i++)
        if (is_space(c->src[tk->off + i]))
            return compile_error(c, tk->line, "bad name '%.*s'", shown(tk->len),
                                 c->src + tk->off);
    bool dotted = tk->dynamic || !tk->sigil || !strchr("></$", tk->sigil);
    if (dotted && !valid_path(c->src + tk->off, tk->len))
        return compile_error(c, tk->line, "bad dotted name '%.*s'", shown(tk->len),
                             c->src + tk->off);
    return 0;
}

/* match_open / match_close: keep the stack of open containers. */
static int match_open(struct compile *c)
{
    if (c->nopened >= TMPL_MAX_NEST)
        return compile_error(c, c->toks[c->ntoks - 1].line, "sections nested deeper than %d",
                             TMPL_MAX_NEST);
    c->opened = grow(c->opened, c->nopened, &c->opened_cap, sizeof *c->opened);
    c->opened[c->nopened++] = c->ntoks - 1;
    return 0;
}

static int match_close(struct compile *c)
{
    struct token *tk = &c->toks[c->ntoks - 1];
    if (!c->nopened)
        return compile_error(c, tk->line, "closing tag '%.*s' without an open section",
                             shown(tk->len), c->src + tk->off);
    const struct token *op = &c->toks[c->opened[c->nopened - 1]];
    if (op->len != tk->len || op->dynamic != tk->dynamic ||
        memcmp(c->src + op->off, c->src + tk->off, tk->len) != 0)
        return compile_error(c, tk->line, "closing tag '%.*s' does not match '%.*s' opened on line %u",
                             shown(tk->len), c->src + tk->off, shown(op->len), c->src + op->off,
                             op->line);
    tk->closes = op->sigil;
    c->nopened--;
    return 0;
}

static unsigned count_lines(const char *s, size_t n)
{
    unsigned lines = 0;
    const char *end = s + n;
    while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        lines++;
        s++;
    }
    return lines;
}

/* lex_tag: the tag whose opening delimiter starts at `at`; sets lx->pos past it. */
static int lex_tag(struct compile *c, struct lexer *lx, size_t at)
{
    size_t i = at + lx->open_len;
    char sigil = i < c->len ? c->src[i] : 0;
    char before = sigil == '{' ? '}' : sigil == '=' ? '=' : 0;
    if (!sigil || !strchr("!=#^/><$&{", sigil))
        sigil = 0;
    size_t body = sigil ? i + 1 : i;
    size_t m = find_close(c, lx, body, before);
    if (m == SIZE_MAX)
        return compile_error(c, lx->line, "unclosed tag");
    size_t body_end = before ? m - 1 : m;
    unsigned line = lx->line;
    lx->line += count_lines(c->src + at, m + lx->close_len - at);
    lx->pos = m + lx->close_len;
    struct token *tk = push_token(c, TOK_TAG, line);
    tk->sigil = sigil;
    tk->off = body;
    tk->len = body_end - body;
    if (sigil == '=')
        return set_delimiters(c, lx, body, body_end - body, line);
    if (sigil == '!')
        return 0;
    if (tag_name(c, tk) < 0)
        return -1;
    if (sigil && strchr("#^<$", sigil))
        return match_open(c);
    return sigil == '/' ? match_close(c) : 0;
}

static int lex(struct compile *c)
{
    struct lexer lx = {0, 1, "{{", "}}", 2, 2};
    while (lx.pos < c->len) {
        const char *hit = memmem(c->src + lx.pos, c->len - lx.pos, lx.open, lx.open_len);
        size_t at = hit ? (size_t)(hit - c->src) : c->len;
        lex_text(c, &lx, lx.pos, at);
        lx.pos = at;
        if (hit && lex_tag(c, &lx, at) < 0)
            return -1;
    }
    if (c->nopened) {
        const struct token *op = &c->toks[c->opened[c->nopened - 1]];
        return compile_error(c, op->line, "unclosed section '%.*s'", shown(op->len),
                             c->src + op->off);
    }
    return 0;
}

/* ---------------------------------------------------------------- pass 2: standalone lines */

static bool ends_line(const struct compile *c, const struct token *tk)
{
    return tk->kind == TOK_TEXT && c->src[tk->off + tk->len - 1] == '\n';
}

/* is_blank: only spaces and tabs, then perhaps "\n" or "\r\n". */
static bool is_blank(const struct compile *c, const struct token *tk)
{
    size_t n = tk->len;
    const char *s = c->src + tk->off;
    if (n && s[n - 1] == '\n') {
        n--;
        if (n && s[n - 1] == '\r')
            n--;
    }
    for (size_t i = 0; i < n; i++)
        if (!is_indent(s[i]))
            return false;
    return true;
}

static size_t leading_indent(const struct compile *c, const struct token *tk)
{
    size_t n = 0;
    while (n < tk->len && is_indent(c->src[tk->off + n]))
        n++;
    return n;
}

/* prints: does a tag of this sigil write anything itself? */
static bool prints(char sigil)
{
    return sigil == 0 || sigil == '&' || sigil == '{';
}

static bool is_parent_tag(const struct token *tk)
{
    return tk->sigil == '<' || (tk->sigil == '/' && tk->closes == '<');
}

struct line_info {
    size_t lead_off, lead_len; /* the line's leading whitespace */
    size_t next_off, next_len; /* the next line's leading whitespace */
    bool standalone;
};

/* tag_indent: the indentation a '>' '<' or '$' tag carries.  A standalone partial or parent
 * indents by its line's whitespace; a block by the indentation of its first content line when
 * its tag stands alone, else by the whitespace before it when nothing else precedes it. */
static void tag_indent(struct token *tk, const struct line_info *li, bool ws_before)
{
    bool partial = tk->sigil == '>' || tk->sigil == '<';
    if (partial && li->standalone) {
        tk->indent_off = li->lead_off;
        tk->indent_len = li->lead_len;
    } else if (tk->sigil == '$' && li->standalone) {
        tk->indent_off = li->next_off;
        tk->indent_len = li->next_len;
    } else if (tk->sigil == '$' && ws_before) {
        tk->indent_off = li->lead_off;
        tk->indent_len = li->lead_len;
    }
}

/* mark_line: tokens [a, b) are one line.  It is standalone when it holds only whitespace and
 * tags that print nothing: one such tag, or several of them around a parent tag. */
static void mark_line(struct compile *c, size_t a, size_t b)
{
    size_t ntags = 0;
    bool blank = true, quiet = true, parent = false;
    for (size_t i = a; i < b; i++) {
        const struct token *tk = &c->toks[i];
        if (tk->kind == TOK_TEXT) {
            blank = blank && is_blank(c, tk);
            continue;
        }
        ntags++;
        quiet = quiet && !prints(tk->sigil);
        parent = parent || is_parent_tag(tk);
    }
    struct line_info li = {0};
    li.standalone = blank && ntags && quiet && (ntags == 1 || parent);
    if (c->toks[a].kind == TOK_TEXT) {
        li.lead_off = c->toks[a].off;
        li.lead_len = leading_indent(c, &c->toks[a]);
    }
    if (b < c->ntoks && c->toks[b].kind == TOK_TEXT) {
        li.next_off = c->toks[b].off;
        li.next_len = leading_indent(c, &c->toks[b]);
    }
    bool ws_before = true;
    for (size_t i = a; i < b; i++) {
        struct token *tk = &c->toks[i];
        if (tk->kind == TOK_TEXT) {
            tk->dropped = li.standalone;
            ws_before = ws_before && is_blank(c, tk);
        } else {
            tk->standalone = li.standalone;
            tag_indent(tk, &li, ws_before);
        }
    }
}

static void mark(struct compile *c)
{
    size_t a = 0;
    while (a < c->ntoks) {
        size_t b = a;
        while (b < c->ntoks && !ends_line(c, &c->toks[b]))
            b++;
        if (b < c->ntoks)
            b++;
        mark_line(c, a, b);
        a = b;
    }
}

/* ---------------------------------------------------------------- pass 3: build */

struct open_node {
    size_t node;
    size_t strip_off, strip_len; /* indentation taken off content lines (a block's) */
    bool args;                   /* a parent tag: only its blocks count */
};

struct builder {
    struct open_node stack[TMPL_MAX_NEST + 1];
    size_t depth;
    size_t text_start; /* pool offset where pending text begins */
    bool text_pending;
};

static struct open_node *top(struct builder *bd)
{
    return &bd->stack[bd->depth];
}

/* common_indent: how many leading bytes of s[0..n) match the indentation strip. */
static size_t common_indent(const struct compile *c, const char *s, size_t n, size_t strip_off,
                            size_t strip_len)
{
    size_t k = 0;
    while (k < n && k < strip_len && s[k] == c->src[strip_off + k])
        k++;
    return k;
}

static void add_text(struct compile *c, struct builder *bd, const struct token *tk)
{
    const char *s = c->src + tk->off;
    size_t n = tk->len;
    if (tk->bol) {
        size_t k = common_indent(c, s, n, top(bd)->strip_off, top(bd)->strip_len);
        s += k;
        n -= k;
    }
    if (!n)
        return;
    if (!bd->text_pending) {
        bd->text_start = c->t->pool.len;
        bd->text_pending = true;
    }
    buf_append(&c->t->pool, s, n);
}

static struct node *new_node(struct compile *c, enum node_kind kind, unsigned line)
{
    struct tmpl *t = c->t;
    t->nodes = grow(t->nodes, t->nnodes, &c->nodes_cap, sizeof *t->nodes);
    struct node *n = &t->nodes[t->nnodes++];
    memset(n, 0, sizeof *n);
    n->kind = (unsigned char)kind;
    n->line = line;
    n->end = t->nnodes;
    return n;
}

static void flush_text(struct compile *c, struct builder *bd)
{
    if (!bd->text_pending)
        return;
    struct node *n = new_node(c, N_TEXT, 0);
    n->str = bd->text_start;
    n->len = c->t->pool.len - bd->text_start;
    bd->text_pending = false;
}

static size_t pool_add(struct tmpl *t, const char *s, size_t n)
{
    size_t off = t->pool.len;
    buf_append(&t->pool, s, n);
    buf_putc(&t->pool, '\0');
    return off;
}

/* set_path: split the node's name into NUL-terminated parts ("." has none). */
static void set_path(struct compile *c, struct node *n, const char *s, size_t len)
{
    struct tmpl *t = c->t;
    n->path = c->nparts;
    n->nparts = 0;
    if (len == 1 && s[0] == '.')
        return;
    size_t i = 0;
    for (;;) {
        const char *dot = memchr(s + i, '.', len - i);
        size_t end = dot ? (size_t)(dot - s) : len;
        t->parts = grow(t->parts, c->nparts, &c->parts_cap, sizeof *t->parts);
        t->parts[c->nparts++] = pool_add(t, s + i, end - i);
        n->nparts++;
        if (!dot)
            break;
        i = end + 1;
    }
}

static const struct tag_rule {
    char sigil;
    unsigned char kind;
    bool container;
    bool path; /* the name is a dotted context name */
} tag_rules[] = {
    {0, N_VAR, false, true},           {'&', N_RAW, false, true},
    {'{', N_RAW, false, true},         {'#', N_SECTION, true, true},
    {'^', N_INVERTED, true, true},     {'>', N_PARTIAL, false, false},
    {'<', N_PARENT, true, false},      {'$', N_BLOCK, true, false},
};

static const struct tag_rule *rule_for(char sigil)
{
    for (size_t i = 0; i < sizeof tag_rules / sizeof tag_rules[0]; i++)
        if (tag_rules[i].sigil == sigil)
            return &tag_rules[i];
    return NULL;
}

/* set_indent: the node's indentation, relative to the enclosing block's. */
static void set_indent(struct compile *c, struct builder *bd, struct node *n, const struct token *tk)
{
    const char *s = c->src + tk->indent_off;
    size_t k = common_indent(c, s, tk->indent_len, top(bd)->strip_off, top(bd)->strip_len);
    n->indent_len = tk->indent_len - k;
    n->indent = pool_add(c->t, s + k, n->indent_len);
}

static void open_container(struct compile *c, struct builder *bd, const struct node *n,
                           const struct token *tk)
{
    const struct open_node *outer = top(bd);
    struct open_node *o = &bd->stack[++bd->depth];
    o->node = (size_t)(n - c->t->nodes);
    o->strip_off = outer->strip_off;
    o->strip_len = outer->strip_len;
    o->args = n->kind == N_PARENT || (outer->args && n->kind != N_BLOCK);
    if (n->kind == N_BLOCK) {
        o->strip_off = tk->indent_off;
        o->strip_len = tk->indent_len;
    }
}

static void close_container(struct compile *c, struct builder *bd)
{
    flush_text(c, bd);
    c->t->nodes[top(bd)->node].end = c->t->nnodes;
    bd->depth--;
}

static void build_tag(struct compile *c, struct builder *bd, const struct token *tk)
{
    if (tk->sigil == '!' || tk->sigil == '=')
        return;
    if (tk->sigil == '/') {
        close_container(c, bd);
        return;
    }
    const struct tag_rule *rule = rule_for(tk->sigil);
    if (top(bd)->args && !rule->container)
        return; /* inside a parent tag only blocks count */
    flush_text(c, bd);
    struct node *n = new_node(c, (enum node_kind)rule->kind, tk->line);
    const char *name = c->src + tk->off;
    n->str = pool_add(c->t, name, tk->len);
    n->len = tk->len;
    n->dynamic = tk->dynamic;
    if (rule->path || tk->dynamic)
        set_path(c, n, name, tk->len);
    if (n->kind == N_PARTIAL || n->kind == N_PARENT || n->kind == N_BLOCK)
        set_indent(c, bd, n, tk);
    if (rule->container)
        open_container(c, bd, n, tk);
}

static void build(struct compile *c)
{
    struct builder bd;
    memset(&bd, 0, sizeof bd);
    for (size_t i = 0; i < c->ntoks; i++) {
        const struct token *tk = &c->toks[i];
        if (tk->kind == TOK_TAG)
            build_tag(c, &bd, tk);
        else if (!tk->dropped && !top(&bd)->args)
            add_text(c, &bd, tk);
    }
    flush_text(c, &bd);
}

/* compile: the template, or NULL with a message in err. */
static struct tmpl *compile(const char *name, const char *src, size_t len, struct buf *err)
{
    struct tmpl *t = xrealloc(NULL, sizeof *t);
    memset(t, 0, sizeof *t);
    size_t name_len = strlen(name);
    t->name = xrealloc(NULL, name_len + 1);
    memcpy(t->name, name, name_len + 1);
    buf_init(&t->pool);
    buf_putc(&t->pool, '\0'); /* offset 0 is "" and data is never NULL */
    struct compile c = {.name = name, .src = src ? src : "", .len = src ? len : 0, .err = err, .t = t};
    if (lex(&c) < 0) {
        tmpl_free(t);
        t = NULL;
        goto out;
    }
    mark(&c);
    build(&c);
out:
    free(c.toks);
    free(c.opened);
    return t;
}

/* ---------------------------------------------------------------- rendering */

struct frame { /* the context stack, innermost first */
    json_t *v;
    const struct frame *up;
};

struct indent { /* indentation to write at each line start: outer's, then s[0..n) */
    const char *s;
    size_t n;
    const struct indent *outer;
};

struct override { /* parent tags being expanded, innermost first */
    const struct tmpl *t;
    size_t parent; /* node index of the parent tag, whose block children are the arguments */
    const struct override *up;
};

struct scope {
    const struct tmpl *t;
    const struct frame *ctx;
    const struct indent *ind;
    const struct override *ovr;
};

struct render {
    const struct tmpl_set *set;
    struct buf *out;
    struct buf *err;
    size_t start;         /* out->len when the render began */
    bool bol;             /* the output is at the start of a template line */
    bool failed;
    int depth, expansions;
    unsigned long steps;
};

static int render_range(struct render *r, const struct scope *sc, size_t i, size_t end);
static const struct tmpl *set_find(const struct tmpl_set *set, const char *name, size_t len);

static int render_fail(struct render *r, const struct tmpl *t, const struct node *n,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int render_fail(struct render *r, const struct tmpl *t, const struct node *n,
                       const char *fmt, ...)
{
    if (r->err && !r->failed) {
        va_list ap;
        buf_printf(r->err, "%s:%u: ", t->name, n->line);
        va_start(ap, fmt);
        buf_vprintf(r->err, fmt, ap);
        va_end(ap);
    }
    r->failed = true;
    return -1;
}

static void emit_indent(struct buf *out, const struct indent *ind)
{
    if (!ind)
        return;
    emit_indent(out, ind->outer);
    buf_append(out, ind->s, ind->n);
}

/* emit_text: template text; each line it starts gets the indentation. */
static void emit_text(struct render *r, const struct indent *ind, const char *s, size_t n)
{
    if (!n)
        return;
    if (!ind) {
        buf_append(r->out, s, n);
        r->bol = s[n - 1] == '\n';
        return;
    }
    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t seg = nl ? (size_t)(nl - s) + 1 : n;
        if (r->bol)
            emit_indent(r->out, ind);
        buf_append(r->out, s, seg);
        r->bol = nl != NULL;
        s += seg;
        n -= seg;
    }
}

/* emit_value: data; indented where it starts a line, its own newlines left alone. */
static void emit_value(struct render *r, const struct indent *ind, const char *s, size_t n,
                       bool escape)
{
    if (!n)
        return;
    if (r->bol)
        emit_indent(r->out, ind);
    r->bol = false;
    if (escape)
        html_escape(r->out, s, n);
    else
        buf_append(r->out, s, n);
}

/* format_int: v in decimal, right-aligned at the end of tmp; returns where it starts. */
static char *format_int(char *end, long long v)
{
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = end;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

/* format_real: the shortest text that reads back as the same double ("1.21", "0.1", "3").
 * A decimal of at most 15 significant digits survives double and back at %.15g, so when
 * %.15g reads back exactly nothing shorter would; otherwise 16, then 17 digits. */
static int format_real(char *tmp, size_t size, double d)
{
    if (d == (double)(long long)d && d > -1e15 && d < 1e15) {
        char digits[32];
        char *p = format_int(digits + sizeof digits, (long long)d);
        return snprintf(tmp, size, "%.*s", (int)(digits + sizeof digits - p), p);
    }
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, size, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return n;
}

static void emit_json(struct render *r, const struct indent *ind, json_t *v, bool escape)
{
    char tmp[64];
    int n;
    switch (json_typeof(v)) {
    case JSON_STRING:
        emit_value(r, ind, json_string_value(v), json_string_length(v), escape);
        return;
    case JSON_INTEGER: {
        const char *p = format_int(tmp + sizeof tmp, (long long)json_integer_value(v));
        emit_value(r, ind, p, (size_t)(tmp + sizeof tmp - p), false);
        return;
    }
    case JSON_REAL:
        n = format_real(tmp, sizeof tmp, json_real_value(v));
        break;
    case JSON_TRUE:
        n = snprintf(tmp, sizeof tmp, "true");
        break;
    case JSON_FALSE:
        n = snprintf(tmp, sizeof tmp, "false");
        break;
    default:
        return; /* null, objects and arrays print nothing */
    }
    if (n > 0)
        emit_value(r, ind, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1, escape);
}

/* lookup: a dotted name.  Its first part is looked for up the context stack (an object
 * holding the key, even as null, stops the search); the rest only inside what was found. */
static json_t *lookup(const struct tmpl *t, const struct node *n, const struct frame *ctx)
{
    if (!n->nparts)
        return ctx->v;
    const char *first = pool_str(t, t->parts[n->path]);
    json_t *v = NULL;
    for (const struct frame *f = ctx; f && !v; f = f->up)
        if (json_is_object(f->v))
            v = json_object_get(f->v, first);
    for (size_t i = 1; v && i < n->nparts; i++)
        v = json_is_object(v) ? json_object_get(v, pool_str(t, t->parts[n->path + i])) : NULL;
    return v;
}

/* truthy: sections render for anything but missing, null, false, [], "", 0. */
static bool truthy(json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT:
    case JSON_TRUE:
        return true;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0.0;
    default:
        return false;
    }
}

static const struct indent *push_indent(struct indent *slot, const struct scope *sc,
                                        const struct node *n)
{
    if (!n->indent_len)
        return sc->ind;
    slot->s = pool_str(sc->t, n->indent);
    slot->n = n->indent_len;
    slot->outer = sc->ind;
    return slot;
}

static size_t node_index(const struct scope *sc, const struct node *n)
{
    return (size_t)(n - sc->t->nodes);
}

static int render_text(struct render *r, const struct scope *sc, const struct node *n)
{
    emit_text(r, sc->ind, pool_str(sc->t, n->str), n->len);
    return 0;
}

static int render_var(struct render *r, const struct scope *sc, const struct node *n)
{
    json_t *v = lookup(sc->t, n, sc->ctx);
    if (v)
        emit_json(r, sc->ind, v, n->kind == N_VAR);
    return 0;
}

static int render_section(struct render *r, const struct scope *sc, const struct node *n)
{
    json_t *v = lookup(sc->t, n, sc->ctx);
    if (!truthy(v))
        return 0;
    size_t first = node_index(sc, n) + 1;
    struct frame f = {v, sc->ctx};
    struct scope inner = *sc;
    inner.ctx = &f;
    if (!json_is_array(v))
        return render_range(r, &inner, first, n->end);
    for (size_t i = 0; i < json_array_size(v); i++) {
        f.v = json_array_get(v, i);
        if (render_range(r, &inner, first, n->end) < 0)
            return -1;
    }
    return 0;
}

static int render_inverted(struct render *r, const struct scope *sc, const struct node *n)
{
    if (truthy(lookup(sc->t, n, sc->ctx)))
        return 0;
    return render_range(r, sc, node_index(sc, n) + 1, n->end);
}

/* include: the template named by n (a partial or parent), or NULL when there is none. */
static const struct tmpl *include(const struct render *r, const struct scope *sc,
                                  const struct node *n)
{
    if (!n->dynamic)
        return set_find(r->set, pool_str(sc->t, n->str), n->len);
    json_t *v = lookup(sc->t, n, sc->ctx);
    return json_is_string(v) ? set_find(r->set, json_string_value(v), json_string_length(v)) : NULL;
}

/* expand: render t[from..to) one expansion deeper (partial, parent or block override). */
static int expand(struct render *r, const struct scope *sc, const struct node *n,
                  const struct scope *inner, size_t from, size_t to)
{
    if (r->expansions >= TMPL_MAX_EXPAND)
        return render_fail(r, sc->t, n, "templates nested more than %d deep at '%.*s'",
                           TMPL_MAX_EXPAND, shown(n->len), pool_str(sc->t, n->str));
    r->expansions++;
    int rc = render_range(r, inner, from, to);
    r->expansions--;
    return rc;
}

static int render_partial(struct render *r, const struct scope *sc, const struct node *n)
{
    const struct tmpl *p = include(r, sc, n);
    if (!p)
        return 0; /* a missing partial renders as nothing (spec) */
    struct indent slot;
    struct scope inner = {p, sc->ctx, push_indent(&slot, sc, n), sc->ovr};
    return expand(r, sc, n, &inner, 0, p->nnodes);
}

static int render_parent(struct render *r, const struct scope *sc, const struct node *n)
{
    const struct tmpl *p = include(r, sc, n);
    if (!p)
        return 0;
    struct indent slot;
    struct override o = {sc->t, node_index(sc, n), sc->ovr};
    struct scope inner = {p, sc->ctx, push_indent(&slot, sc, n), &o};
    return expand(r, sc, n, &inner, 0, p->nnodes);
}

/* find_block: the argument named like block n among a parent tag's block children. */
static const struct node *find_block(const struct override *o, const struct tmpl *t,
                                     const struct node *n)
{
    const struct node *parent = &o->t->nodes[o->parent];
    const char *name = pool_str(t, n->str);
    for (size_t j = o->parent + 1; j < parent->end; j = o->t->nodes[j].end) {
        const struct node *b = &o->t->nodes[j];
        if (b->kind == N_BLOCK && b->len == n->len &&
            memcmp(pool_str(o->t, b->str), name, n->len) == 0)
            return b;
    }
    return NULL;
}

/* render_block: the outermost override of the block if any (the child's word wins over its
 * parents'), else the block's own content; indented where the block stands. */
static int render_block(struct render *r, const struct scope *sc, const struct node *n)
{
    const struct override *from = NULL;
    const struct node *arg = NULL;
    for (const struct override *o = sc->ovr; o; o = o->up) {
        const struct node *b = find_block(o, sc->t, n);
        if (b) {
            from = o;
            arg = b;
        }
    }
    struct indent slot;
    struct scope inner = {sc->t, sc->ctx, push_indent(&slot, sc, n), sc->ovr};
    if (!arg)
        return render_range(r, &inner, node_index(sc, n) + 1, n->end);
    inner.t = from->t;
    size_t first = (size_t)(arg - from->t->nodes) + 1;
    return expand(r, sc, n, &inner, first, arg->end);
}

typedef int (*node_renderer)(struct render *r, const struct scope *sc, const struct node *n);

static const node_renderer renderers[N_KINDS] = {
    [N_TEXT] = render_text,         [N_VAR] = render_var,         [N_RAW] = render_var,
    [N_SECTION] = render_section,   [N_INVERTED] = render_inverted,
    [N_PARTIAL] = render_partial,   [N_PARENT] = render_parent,   [N_BLOCK] = render_block,
};

/* within_limits: count a step; fail once the step or output budget is spent. */
static bool within_limits(struct render *r, const struct scope *sc, const struct node *n)
{
    if (++r->steps > r->set->max_steps) {
        render_fail(r, sc->t, n, "render stopped after %lu steps", r->set->max_steps);
        return false;
    }
    if (r->out->len - r->start > r->set->max_output) {
        render_fail(r, sc->t, n, "output larger than %zu bytes", r->set->max_output);
        return false;
    }
    return true;
}

static int render_range(struct render *r, const struct scope *sc, size_t i, size_t end)
{
    if (i >= end)
        return 0;
    if (r->depth >= TMPL_MAX_DEPTH)
        return render_fail(r, sc->t, &sc->t->nodes[i], "rendering nested more than %d deep",
                           TMPL_MAX_DEPTH);
    r->depth++;
    int rc = 0;
    while (i < end && rc == 0) {
        const struct node *n = &sc->t->nodes[i];
        rc = within_limits(r, sc, n) ? renderers[n->kind](r, sc, n) : -1;
        i = n->end;
    }
    r->depth--;
    return rc;
}

/* ---------------------------------------------------------------- the set */

static uint64_t hash_name(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* slot_for: the entry holding name, or the empty entry where it would go (cap > 0). */
static struct entry *slot_for(const struct tmpl_set *set, const char *name, size_t len)
{
    size_t mask = set->cap - 1;
    size_t i = (size_t)hash_name(name, len) & mask;
    while (set->tab[i].name &&
           (set->tab[i].len != len || memcmp(set->tab[i].name, name, len) != 0))
        i = (i + 1) & mask;
    return &set->tab[i];
}

static const struct tmpl *set_find(const struct tmpl_set *set, const char *name, size_t len)
{
    if (!set->count)
        return NULL;
    const struct entry *e = slot_for(set, name, len);
    return e->name ? e->t : NULL;
}

static void set_grow(struct tmpl_set *set)
{
    struct entry *old = set->tab;
    size_t old_cap = set->cap;
    set->cap = old_cap ? old_cap * 2 : 32;
    set->tab = xrealloc(NULL, set->cap * sizeof *set->tab);
    memset(set->tab, 0, set->cap * sizeof *set->tab);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].name)
            *slot_for(set, old[i].name, old[i].len) = old[i];
    free(old);
}

/* set_put: file t under name, freeing a template it replaces. */
static void set_put(struct tmpl_set *set, const char *name, struct tmpl *t)
{
    size_t len = strlen(name);
    if ((set->count + 1) * 4 > set->cap * 3)
        set_grow(set);
    struct entry *e = slot_for(set, name, len);
    if (e->name) {
        tmpl_free(e->t);
        e->t = t;
        return;
    }
    e->name = xrealloc(NULL, len + 1);
    memcpy(e->name, name, len + 1);
    e->len = len;
    e->t = t;
    set->count++;
}

struct tmpl_set *tmpl_set_new(void)
{
    struct tmpl_set *set = xrealloc(NULL, sizeof *set);
    memset(set, 0, sizeof *set);
    set->max_output = TMPL_DEFAULT_MAX_OUTPUT;
    set->max_steps = TMPL_DEFAULT_MAX_STEPS;
    return set;
}

void tmpl_set_free(struct tmpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->cap; i++) {
        free(set->tab[i].name);
        tmpl_free(set->tab[i].t);
    }
    free(set->tab);
    free(set);
}

void tmpl_set_limits(struct tmpl_set *set, size_t max_output, unsigned long max_steps)
{
    set->max_output = max_output ? max_output : TMPL_DEFAULT_MAX_OUTPUT;
    set->max_steps = max_steps ? max_steps : TMPL_DEFAULT_MAX_STEPS;
}

int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len,
                 struct buf *err)
{
    struct tmpl *t = compile(name, src, len, err);
    if (!t)
        return -1;
    set_put(set, name, t);
    return 0;
}

/* ---------------------------------------------------------------- loading a directory */

static int read_file(const char *path, struct buf *into, struct buf *err)
{
    int rc = -1;
    char chunk[8192];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            buf_printf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(into, chunk, n);
        if (into->len > (size_t)TMPL_MAX_FILE) {
            if (err)
                buf_printf(err, "%s: larger than %ld bytes", path, TMPL_MAX_FILE);
            goto out;
        }
    }
    if (ferror(f)) {
        if (err)
            buf_printf(err, "%s: read error", path);
        goto out;
    }
    rc = 0;
out:
    fclose(f);
    return rc;
}

/* load_file: add the file at path if it is a template, named by its path below the root
 * without the extension ("<root>/partials/nav.mustache" is "partials/nav"). */
static int load_file(struct tmpl_set *set, const struct buf *path, size_t root_len,
                     struct buf *err)
{
    size_t ext = sizeof TMPL_EXT - 1;
    size_t rel = root_len + 1;
    if (path->len < rel + ext + 1 || memcmp(path->data + path->len - ext, TMPL_EXT, ext) != 0)
        return 0;
    struct buf name = BUF_INIT, src = BUF_INIT;
    int rc = read_file(path->data, &src, err);
    if (rc == 0) {
        buf_append(&name, path->data + rel, path->len - rel - ext);
        rc = tmpl_set_add(set, buf_cstr(&name), src.data, src.len, err);
    }
    buf_free(&name);
    buf_free(&src);
    return rc;
}

static int load_tree(struct tmpl_set *set, struct buf *path, size_t root_len, int depth,
                     struct buf *err)
{
    int rc = 0;
    if (depth > TMPL_MAX_DIR_DEPTH) {
        if (err)
            buf_printf(err, "%s: directories nested too deeply", path->data);
        return -1;
    }
    DIR *dir = opendir(path->data);
    if (!dir) {
        if (err)
            buf_printf(err, "%s: %s", path->data, strerror(errno));
        return -1;
    }
    size_t here = path->len;
    struct dirent *de;
    while (rc == 0 && (de = readdir(dir)) != NULL) {
        struct stat st;
        if (de->d_name[0] == '.')
            continue; /* ".", ".." and hidden files */
        buf_truncate(path, here);
        buf_putc(path, '/');
        buf_puts(path, de->d_name);
        if (stat(path->data, &st) != 0)
            continue; /* a dangling link */
        if (S_ISDIR(st.st_mode))
            rc = load_tree(set, path, root_len, depth + 1, err);
        else if (S_ISREG(st.st_mode))
            rc = load_file(set, path, root_len, err);
    }
    buf_truncate(path, here);
    closedir(dir);
    return rc;
}

int tmpl_set_load_dir(struct tmpl_set *set, const char *dir, struct buf *err)
{
    struct buf path = BUF_INIT;
    buf_puts(&path, dir);
    while (path.len > 1 && path.data[path.len - 1] == '/')
        buf_truncate(&path, path.len - 1);
    int rc = load_tree(set, &path, path.len, 0, err);
    buf_free(&path);
    return rc;
}

/* ---------------------------------------------------------------- rendering entry point */

int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out,
                struct buf *err)
{
    const struct tmpl *t = set && name ? set_find(set, name, strlen(name)) : NULL;
    if (!t) {
        if (err)
            buf_printf(err, "unknown template '%s'", name ? name : "(null)");
        return -1;
    }
    struct render r = {.set = set, .out = out, .err = err, .start = out->len, .bol = true};
    struct frame root = {ctx, NULL};
    struct scope sc = {t, &root, NULL, NULL};
    int rc = render_range(&r, &sc, 0, t->nnodes);
    if (rc < 0)
        buf_truncate(out, r.start);
    return rc;
}
