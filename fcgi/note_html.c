/* note_html.c — the note sanitizer (see note_html.h).  One recursive walk over gumbo's tree
 * with a content context per level (flow, phrasing, list, table parts, task item, code): an
 * element is written only where TipTap's schema puts it, so the output never holds the
 * mis-nestings an HTML parser would rebuild differently (that, plus our own escaping, makes
 * the output parse back to the same tree: sanitizing is idempotent).  Attributes are written
 * in TipTap's order from checked values, never copied. */
#include "note_html.h"
#include "arena.h"
#include "buf.h"
#include <ctype.h>
#include <gumbo.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- gumbo memory: every block on a list, freed together when the arena resets --------- */

struct galloc_hdr {
    struct galloc_hdr *prev, *next;
    alignas(16) char data[];
};

struct galloc {
    struct galloc_hdr head;  /* sentinel */
};

/* galloc_alloc: zeroed, since libgumbo 0.10 reads some fields of fresh blocks before it sets
 * them (valgrind: "conditional jump depends on uninitialised value" inside the parser). */
static void *galloc_alloc(void *ud, size_t n)
{
    struct galloc *g = ud;
    struct galloc_hdr *h = calloc(1, sizeof *h + n);
    if (!h)
        abort();
    h->prev = &g->head;
    h->next = g->head.next;
    if (h->next)
        h->next->prev = h;
    g->head.next = h;
    return h->data;
}

static void galloc_free(void *ud, void *p)
{
    (void)ud;
    if (!p)
        return;
    struct galloc_hdr *h = (struct galloc_hdr *)((char *)p - offsetof(struct galloc_hdr, data));
    h->prev->next = h->next;
    if (h->next)
        h->next->prev = h->prev;
    free(h);
}

/* galloc_release: free every block still allocated (gumbo's own destroy recurses). */
static void galloc_release(void *ud)
{
    struct galloc *g = ud;
    for (struct galloc_hdr *h = g->head.next, *next; h; h = next) {
        next = h->next;
        free(h);
    }
    g->head.next = NULL;
}

/* is_void_tag: an element that never has an end tag (name[0..len), any case). */
static int is_void_tag(const char *name, size_t len)
{
    static const char *const voids[] = {"area", "base", "br", "col", "embed", "hr", "img", "input",
                                        "link", "meta", "source", "track", "wbr"};
    for (size_t i = 0; i < sizeof voids / sizeof voids[0]; i++)
        if (strlen(voids[i]) == len && strncasecmp(voids[i], name, len) == 0)
            return 1;
    return 0;
}

int note_html_nesting_ok(const char *html, size_t n)
{
    long depth = 0;
    for (const char *p = html ? memchr(html, '<', n) : NULL, *end = html + n; p;
         p = p + 1 < end ? memchr(p + 1, '<', (size_t)(end - p - 1)) : NULL) {
        if (p + 1 < end && p[1] == '/') {
            depth -= depth > 0;
            continue;
        }
        const char *name = p + 1, *q = name;
        while (q < end && (isalnum((unsigned char)*q) || *q == '-'))
            q++;
        if (q == name || !isalpha((unsigned char)*name) || is_void_tag(name, (size_t)(q - name)))
            continue;
        const char *gt = memchr(q, '>', (size_t)(end - q));
        if (gt && gt[-1] == '/')
            continue;
        if (++depth > NOTE_HTML_MAX_NESTING)
            return 0;
    }
    return 1;
}

void *note_html_parse(struct arena *a, const char *html, size_t n)
{
    if (!note_html_nesting_ok(html, n))
        html = "", n = 0;                  /* never hand gumbo a quadratic input */
    struct galloc *g = arena_alloc(a, sizeof *g);
    memset(g, 0, sizeof *g);
    arena_defer(a, galloc_release, g);
    GumboOptions opt = kGumboDefaultOptions;
    opt.allocator = galloc_alloc;
    opt.deallocator = galloc_free;
    opt.userdata = g;
    opt.fragment_context = GUMBO_TAG_BODY;
    opt.fragment_namespace = GUMBO_NAMESPACE_HTML;
    opt.max_errors = 0;
    GumboOutput *o = gumbo_parse_with_options(&opt, html ? html : "", n);
    return o->root;
}

/* ---- URLs and style values --------------------------------------------------------------- */

int note_html_href_ok(struct arena *a, const char *href, const char **clean)
{
    size_t n = strlen(href);
    char *s = arena_alloc(a, n + 1), *w = s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)href[i];
        if (c == '\t' || c == '\n' || c == '\r')
            continue;                       /* browsers drop these anywhere in a URL */
        if (c < 0x20 || c == 0x7f)
            return 0;
        *w++ = (char)c;
    }
    *w = '\0';
    while (*s == ' ')                      /* and leading/trailing spaces */
        s++;
    while (w > s && w[-1] == ' ')
        *--w = '\0';
    size_t scheme = strcspn(s, ":/?#");
    if (s[scheme] == ':') {
        static const char *const allowed[] = {"http", "https", "mailto"};
        int ok = 0;
        for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
            ok |= strlen(allowed[i]) == scheme && strncasecmp(s, allowed[i], scheme) == 0;
        if (!ok)
            return 0;
    }
    *clean = s;
    return 1;
}

/* uid_chars: s[0..n) is 1–64 characters of [0-9A-Za-z_-]. */
static int uid_chars(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return 0;
    return 1;
}

int note_html_src_ok(const char *src)
{
    static const char prefix[] = "/attachments/";
    return strncmp(src, prefix, sizeof prefix - 1) == 0 &&
           uid_chars(src + sizeof prefix - 1, strlen(src + sizeof prefix - 1));
}

/* digits_ok: 1–n decimal digits, and nothing else. */
static int digits_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* colwidth_ok: "120" or "120,80" (TipTap's column widths). */
static int colwidth_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == ',' || s[n - 1] == ',')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && !(s[i] == ',' && s[i + 1] != ','))
            return 0;
    return 1;
}

/* color_ok: #hex (3, 4, 6 or 8 digits), rgb()/rgba()/hsl()/hsla() of numbers, or a named
 * colour (letters only). */
static int color_ok(const char *v, size_t n)
{
    if (n == 0 || n > 48)
        return 0;
    if (v[0] == '#') {
        if (n != 4 && n != 5 && n != 7 && n != 9)
            return 0;
        for (size_t i = 1; i < n; i++)
            if (!isxdigit((unsigned char)v[i]))
                return 0;
        return 1;
    }
    static const char *const fns[] = {"rgb(", "rgba(", "hsl(", "hsla("};
    for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
        size_t k = strlen(fns[f]);
        if (n > k && strncasecmp(v, fns[f], k) == 0 && v[n - 1] == ')') {
            for (size_t i = k; i < n - 1; i++)
                if (!strchr("0123456789., %/deg", v[i]))
                    return 0;
            return 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!isalpha((unsigned char)v[i]))
            return 0;
    return n >= 3 && n <= 24;
}

static int align_ok(const char *v, size_t n)
{
    static const char *const ok[] = {"left", "center", "right", "justify"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strlen(ok[i]) == n && strncasecmp(v, ok[i], n) == 0)
            return 1;
    return 0;
}

/* px_ok: "<digits>px". */
static int px_ok(const char *v, size_t n)
{
    if (n < 3 || n > 10 || strncmp(v + n - 2, "px", 2) != 0)
        return 0;
    for (size_t i = 0; i < n - 2; i++)
        if (!isdigit((unsigned char)v[i]))
            return 0;
    return 1;
}

typedef int (*value_check)(const char *v, size_t n);

/* style_value: the value of the first declaration of prop in style whose value passes check,
 * as "prop: value" (lower-case prop), or NULL. */
static const char *style_value(struct arena *a, const char *style, const char *prop, value_check check)
{
    if (!style)
        return NULL;
    const char *p = style;
    while (*p) {
        const char *end = strchr(p, ';');
        if (!end)
            end = p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon) {
            const char *k = p, *ke = colon, *v = colon + 1, *ve = end;
            while (k < ke && isspace((unsigned char)*k)) k++;
            while (ke > k && isspace((unsigned char)ke[-1])) ke--;
            while (v < ve && isspace((unsigned char)*v)) v++;
            while (ve > v && isspace((unsigned char)ve[-1])) ve--;
            if ((size_t)(ke - k) == strlen(prop) && strncasecmp(k, prop, (size_t)(ke - k)) == 0 &&
                check(v, (size_t)(ve - v)))
                return arena_printf(a, "%s: %.*s", prop, (int)(ve - v), v);
        }
        p = *end ? end + 1 : end;
    }
    return NULL;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* reparse_replaced: a code point gumbo's input reader turns into U+FFFD (control characters,
 * noncharacters): written as U+FFFD at once, so the output reads back as itself. */
static int reparse_replaced(unsigned c)
{
    return (c >= 0x1 && c <= 0x8) || c == 0xB || (c >= 0xE && c <= 0x1F) ||
           (c >= 0x7F && c <= 0x9F) || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFF) == 0xFFFE ||
           (c & 0xFFFF) == 0xFFFF;
}

/* code_point: the UTF-8 sequence at s (valid: gumbo wrote it) and its length in *len. */
static unsigned code_point(const unsigned char *s, size_t *len)
{
    if (s[0] < 0x80) { *len = 1; return s[0]; }
    if ((s[0] & 0xe0) == 0xc0 && s[1]) { *len = 2; return (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu); }
    if ((s[0] & 0xf0) == 0xe0 && s[1] && s[2]) {
        *len = 3;
        return (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
    }
    if ((s[0] & 0xf8) == 0xf0 && s[1] && s[2] && s[3]) {
        *len = 4;
        return (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
    }
    *len = 1;
    return 0xFFFF;                         /* not UTF-8: replaced */
}

/* put_escaped: the HTML serialisation's escaping: & and U+00A0 always, < > in text, " in
 * attribute values (what a browser's innerHTML writes, so TipTap's HTML comes back byte for
 * byte); code points the parser would replace are written replaced. */
static void put_escaped(struct buf *b, const char *s, int attr)
{
    size_t start = 0, i = 0;
    while (s[i]) {
        const char *rep = NULL;
        size_t skip = 1;
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = attr ? NULL : "&lt;"; break;
        case '>': rep = attr ? NULL : "&gt;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                unsigned cp = code_point((const unsigned char *)s + i, &skip);
                rep = cp == 0xA0 ? "&nbsp;" : reparse_replaced(cp) ? "\xef\xbf\xbd" : NULL;
            }
        }
        if (!rep) {
            i += skip;
            continue;
        }
        buf_append(b, s + start, i - start);
        buf_puts(b, rep);
        i += skip;
        start = i;
    }
    buf_append(b, s + start, i - start);
}

static void put_attr(struct buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    buf_putc(b, ' ');
    buf_puts(b, name);
    buf_puts(b, "=\"");
    put_escaped(b, value, 1);
    buf_putc(b, '"');
}

/* ---- the walk ----------------------------------------------------------------------------- */

enum ctx {
    CTX_FLOW,      /* body, li, td/th, blockquote, the task item's div */
    CTX_PHRASING,  /* p, h1–h6, inline marks */
    CTX_LIST,      /* ul/ol: only li */
    CTX_TASKLIST,  /* ul[data-type=taskList]: li, task items */
    CTX_TASKITEM,  /* li[data-type=taskItem]: label, div, else flow */
    CTX_LABEL,     /* the task item's label: the checkbox and an empty span */
    CTX_TABLE,     /* table: colgroup, thead, tbody */
    CTX_COLGROUP,  /* col */
    CTX_SECTION,   /* thead/tbody: tr */
    CTX_ROW,       /* th, td */
    CTX_PRE,       /* pre: code, text */
    CTX_CODE,      /* pre > code: text only (the last context: emit_text's table) */
};

struct walk {
    struct arena *a;
    struct buf *out;
    int view;                    /* the read-only view: heading ids, info */
    struct note_html_info *info;
    size_t toc_cap;
    int in_link;
    int pre_open;                /* <pre> was just written (its leading newline rule) */
    struct buf *heading;         /* the text of the heading being written, or NULL */
    struct buf *text;            /* the first lines (info->text_max), or NULL */
    int in_word;
    int headings;
};

static void walk_children(struct walk *w, GumboNode *n, enum ctx ctx, int depth);

/* block_break: a block starts or ends (word count and first-lines text). */
static void block_break(struct walk *w)
{
    w->in_word = 0;
    if (w->text && w->text->len && w->text->data[w->text->len - 1] != '\n' &&
        w->text->len < w->info->text_max)
        buf_putc(w->text, '\n');
}

static void count_text(struct walk *w, const char *s)
{
    if (!w->info)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int space = isspace(*p) || (p[0] == 0xc2 && p[1] == 0xa0);
        if (!space && !w->in_word)
            w->info->words++;
        w->in_word = !space;
    }
    if (w->text && w->text->len < w->info->text_max) {
        size_t room = w->info->text_max - w->text->len, n = strlen(s);
        if (n > room) {
            n = room;
            while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
                n--;                        /* never cut a UTF-8 sequence */
        }
        buf_append(w->text, s, n);
    }
}

static void emit_text(struct walk *w, const char *s, enum ctx ctx)
{
    static const char drop_in[CTX_CODE + 1] = {[CTX_LIST] = 1, [CTX_TASKLIST] = 1, [CTX_TASKITEM] = 0,
        [CTX_LABEL] = 1, [CTX_TABLE] = 1, [CTX_COLGROUP] = 1, [CTX_SECTION] = 1, [CTX_ROW] = 1};
    if (drop_in[ctx] || !*s)
        return;
    if (w->pre_open && s[0] == '\n')
        buf_putc(w->out, '\n');          /* the parser drops one newline after <pre> */
    w->pre_open = 0;
    put_escaped(w->out, s, 0);
    count_text(w, s);
    if (w->heading)
        buf_puts(w->heading, s);
}

static void open_tag(struct walk *w, const char *tag)
{
    w->pre_open = 0;
    buf_putc(w->out, '<');
    buf_puts(w->out, tag);
}

static void close_tag(struct walk *w, const char *tag)
{
    w->pre_open = 0;
    buf_puts(w->out, "</");
    buf_puts(w->out, tag);
    buf_putc(w->out, '>');
}

static const char *attr(GumboNode *n, const char *name)
{
    GumboAttribute *at = gumbo_get_attribute(&n->v.element.attributes, name);
    return at ? at->value : NULL;
}

/* element: open tag + attributes already written; children in ctx; closing tag. */
static void finish(struct walk *w, GumboNode *n, const char *tag, enum ctx ctx, int depth)
{
    buf_putc(w->out, '>');
    walk_children(w, n, ctx, depth);
    close_tag(w, tag);
}

/* Element kinds: what an HTML tag means to the sanitizer. */
enum kind {
    K_UNWRAP,    /* unknown or harmless container: its children in the same context */
    K_DROP,      /* dropped with everything inside */
    K_MARK,      /* strong, em, s, u, code: phrasing */
    K_BLOCK,     /* p, h1–h6: phrasing inside, flow only */
    K_BR, K_HR, K_A, K_SPAN, K_IMG, K_PRE, K_QUOTE, K_UL, K_OL, K_LI,
    K_TABLE, K_COLGROUP, K_COL, K_SECTION, K_TR, K_CELL, K_LABEL, K_INPUT, K_DIV,
};

struct tag_rule {
    GumboTag tag;
    enum kind kind;
    const char *name;    /* the tag written (b → strong …) */
};

static const struct tag_rule TAGS[] = {
    {GUMBO_TAG_P, K_BLOCK, "p"}, {GUMBO_TAG_H1, K_BLOCK, "h1"}, {GUMBO_TAG_H2, K_BLOCK, "h2"},
    {GUMBO_TAG_H3, K_BLOCK, "h3"}, {GUMBO_TAG_H4, K_BLOCK, "h4"}, {GUMBO_TAG_H5, K_BLOCK, "h5"},
    {GUMBO_TAG_H6, K_BLOCK, "h6"},
    {GUMBO_TAG_STRONG, K_MARK, "strong"}, {GUMBO_TAG_B, K_MARK, "strong"},
    {GUMBO_TAG_EM, K_MARK, "em"}, {GUMBO_TAG_I, K_MARK, "em"},
    {GUMBO_TAG_S, K_MARK, "s"}, {GUMBO_TAG_STRIKE, K_MARK, "s"}, {GUMBO_TAG_DEL, K_MARK, "s"},
    {GUMBO_TAG_U, K_MARK, "u"}, {GUMBO_TAG_CODE, K_MARK, "code"},
    {GUMBO_TAG_BR, K_BR, "br"}, {GUMBO_TAG_HR, K_HR, "hr"}, {GUMBO_TAG_A, K_A, "a"},
    {GUMBO_TAG_SPAN, K_SPAN, "span"}, {GUMBO_TAG_IMG, K_IMG, "img"}, {GUMBO_TAG_PRE, K_PRE, "pre"},
    {GUMBO_TAG_BLOCKQUOTE, K_QUOTE, "blockquote"}, {GUMBO_TAG_UL, K_UL, "ul"},
    {GUMBO_TAG_OL, K_OL, "ol"}, {GUMBO_TAG_LI, K_LI, "li"}, {GUMBO_TAG_TABLE, K_TABLE, "table"},
    {GUMBO_TAG_COLGROUP, K_COLGROUP, "colgroup"}, {GUMBO_TAG_COL, K_COL, "col"},
    {GUMBO_TAG_THEAD, K_SECTION, "thead"}, {GUMBO_TAG_TBODY, K_SECTION, "tbody"},
    {GUMBO_TAG_TFOOT, K_SECTION, "tbody"}, {GUMBO_TAG_TR, K_TR, "tr"},
    {GUMBO_TAG_TH, K_CELL, "th"}, {GUMBO_TAG_TD, K_CELL, "td"}, {GUMBO_TAG_LABEL, K_LABEL, "label"},
    {GUMBO_TAG_INPUT, K_INPUT, "input"}, {GUMBO_TAG_DIV, K_DIV, "div"},
    /* dropped with their content */
    {GUMBO_TAG_SCRIPT, K_DROP, NULL}, {GUMBO_TAG_STYLE, K_DROP, NULL},
    {GUMBO_TAG_IFRAME, K_DROP, NULL}, {GUMBO_TAG_OBJECT, K_DROP, NULL},
    {GUMBO_TAG_EMBED, K_DROP, NULL}, {GUMBO_TAG_APPLET, K_DROP, NULL},
    {GUMBO_TAG_FORM, K_DROP, NULL}, {GUMBO_TAG_TEMPLATE, K_DROP, NULL},
    {GUMBO_TAG_NOSCRIPT, K_DROP, NULL}, {GUMBO_TAG_NOEMBED, K_DROP, NULL},
    {GUMBO_TAG_NOFRAMES, K_DROP, NULL}, {GUMBO_TAG_TEXTAREA, K_DROP, NULL},
    {GUMBO_TAG_SELECT, K_DROP, NULL}, {GUMBO_TAG_OPTION, K_DROP, NULL},
    {GUMBO_TAG_TITLE, K_DROP, NULL}, {GUMBO_TAG_HEAD, K_DROP, NULL},
    {GUMBO_TAG_META, K_DROP, NULL}, {GUMBO_TAG_LINK, K_DROP, NULL}, {GUMBO_TAG_BASE, K_DROP, NULL},
    {GUMBO_TAG_XMP, K_DROP, NULL}, {GUMBO_TAG_PLAINTEXT, K_DROP, NULL},
    {GUMBO_TAG_FRAMESET, K_DROP, NULL}, {GUMBO_TAG_FRAME, K_DROP, NULL},
    {GUMBO_TAG_CANVAS, K_DROP, NULL}, {GUMBO_TAG_AUDIO, K_DROP, NULL},
    {GUMBO_TAG_VIDEO, K_DROP, NULL}, {GUMBO_TAG_SOURCE, K_DROP, NULL},
    {GUMBO_TAG_TRACK, K_DROP, NULL}, {GUMBO_TAG_PARAM, K_DROP, NULL},
    {GUMBO_TAG_CAPTION, K_DROP, NULL}, {GUMBO_TAG_BUTTON, K_DROP, NULL},
    {GUMBO_TAG_SVG, K_DROP, NULL}, {GUMBO_TAG_MATH, K_DROP, NULL},
    {GUMBO_TAG_KEYGEN, K_DROP, NULL}, {GUMBO_TAG_MENUITEM, K_DROP, NULL},
    {GUMBO_TAG_DATALIST, K_DROP, NULL}, {GUMBO_TAG_AREA, K_DROP, NULL},
    {GUMBO_TAG_MAP, K_DROP, NULL}, {GUMBO_TAG_IMAGE, K_DROP, NULL},
};

static const struct tag_rule *rule_of(GumboTag tag)
{
    for (size_t i = 0; i < sizeof TAGS / sizeof *TAGS; i++)
        if (TAGS[i].tag == tag)
            return &TAGS[i];
    return NULL;
}

/* flow_only: kinds written only where blocks may stand (else unwrapped or dropped). */
static int flow_ctx(enum ctx ctx)
{
    return ctx == CTX_FLOW || ctx == CTX_TASKITEM;
}

static void emit_heading_or_p(struct walk *w, GumboNode *n, const char *tag, int depth)
{
    int heading = tag[0] == 'h';
    block_break(w);
    open_tag(w, tag);
    struct buf *outer = w->heading;
    if (heading && w->view) {
        w->headings++;
        const char *id = arena_printf(w->a, "h-%d", w->headings);
        put_attr(w->out, "id", id);
        if (w->info) {
            if (w->info->ntoc == w->toc_cap) {
                size_t cap = w->toc_cap ? w->toc_cap * 2 : 16;
                struct note_toc_entry *t = arena_alloc(w->a, cap * sizeof *t);
                if (w->info->ntoc)
                    memcpy(t, w->info->toc, w->info->ntoc * sizeof *t);
                w->info->toc = t;
                w->toc_cap = cap;
            }
            w->info->toc[w->info->ntoc] = (struct note_toc_entry){tag[1] - '0', id, NULL};
            w->heading = buf_arena(w->a);
        }
    }
    put_attr(w->out, "style", style_value(w->a, attr(n, "style"), "text-align", align_ok));
    finish(w, n, tag, CTX_PHRASING, depth);
    if (heading && w->view && w->info) {
        w->info->toc[w->info->ntoc++].text = arena_strdup(w->a, buf_cstr(w->heading));
        w->heading = outer;
    }
    block_break(w);
}

/* emit_a: a link with a checked href, or (none, or inside a link) its children unwrapped in
 * the context of the link itself. */
static void emit_a(struct walk *w, GumboNode *n, enum ctx ctx, int depth)
{
    const char *href = attr(n, "href"), *clean = NULL;
    if (w->in_link || !href || !note_html_href_ok(w->a, href, &clean)) {
        walk_children(w, n, ctx, depth);
        return;
    }
    const char *target = attr(n, "target"), *rel = attr(n, "rel"), *title = attr(n, "title");
    open_tag(w, "a");
    put_attr(w->out, "target", target && strcmp(target, "_blank") == 0 ? target : NULL);
    if (rel && rel[strspn(rel, "abcdefghijklmnopqrstuvwxyz ")] == '\0' && strlen(rel) <= 64)
        put_attr(w->out, "rel", rel);
    put_attr(w->out, "href", clean);
    put_attr(w->out, "title", title);
    w->in_link = 1;
    finish(w, n, "a", CTX_PHRASING, depth);
    w->in_link = 0;
}

static void emit_img(struct walk *w, GumboNode *n)
{
    const char *src = attr(n, "src"), *width = attr(n, "width"), *height = attr(n, "height");
    if (!src || !note_html_src_ok(src))
        return;
    open_tag(w, "img");
    put_attr(w->out, "src", src);
    put_attr(w->out, "alt", attr(n, "alt"));
    put_attr(w->out, "title", attr(n, "title"));
    put_attr(w->out, "width", width && digits_ok(width, 5) ? width : NULL);
    put_attr(w->out, "height", height && digits_ok(height, 5) ? height : NULL);
    buf_putc(w->out, '>');
}

static void emit_pre(struct walk *w, GumboNode *n, int depth)
{
    block_break(w);
    open_tag(w, "pre");
    buf_putc(w->out, '>');
    w->pre_open = 1;
    walk_children(w, n, CTX_PRE, depth);
    close_tag(w, "pre");
    block_break(w);
}

static void emit_code_block(struct walk *w, GumboNode *n, int depth)
{
    const char *cls = attr(n, "class");
    static const char lang_chars[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+#.-";
    open_tag(w, "code");
    if (cls && strncmp(cls, "language-", 9) == 0 && cls[9] && strlen(cls) <= 49 &&
        cls[9 + strspn(cls + 9, lang_chars)] == '\0')
        put_attr(w->out, "class", cls);
    finish(w, n, "code", CTX_CODE, depth);
}

static void emit_list(struct walk *w, GumboNode *n, int ordered, int depth)
{
    block_break(w);
    const char *type = attr(n, "data-type");
    int tasks = !ordered && type && strcmp(type, "taskList") == 0;
    open_tag(w, ordered ? "ol" : "ul");
    if (ordered) {
        const char *start = attr(n, "start"), *t = attr(n, "type");
        put_attr(w->out, "start", start && digits_ok(start, 9) ? start : NULL);
        put_attr(w->out, "type", t && strlen(t) == 1 && strchr("aAiI", t[0]) ? t : NULL);
    }
    put_attr(w->out, "data-type", tasks ? "taskList" : NULL);
    finish(w, n, ordered ? "ol" : "ul", tasks ? CTX_TASKLIST : CTX_LIST, depth);
    block_break(w);
}

static void emit_li(struct walk *w, GumboNode *n, enum ctx ctx, int depth)
{
    const char *type = attr(n, "data-type");
    block_break(w);
    open_tag(w, "li");
    if (ctx == CTX_TASKLIST && type && strcmp(type, "taskItem") == 0) {
        const char *checked = attr(n, "data-checked");
        put_attr(w->out, "data-checked",
                 checked && (!*checked || strcmp(checked, "true") == 0) ? "true" : "false");
        put_attr(w->out, "data-type", "taskItem");
        finish(w, n, "li", CTX_TASKITEM, depth);
    } else {
        finish(w, n, "li", CTX_FLOW, depth);
    }
    block_break(w);
}

static void emit_cell(struct walk *w, GumboNode *n, const char *tag, int depth)
{
    const char *cs = attr(n, "colspan"), *rs = attr(n, "rowspan"), *cw = attr(n, "colwidth");
    block_break(w);
    open_tag(w, tag);
    put_attr(w->out, "colspan", cs && digits_ok(cs, 4) ? cs : NULL);
    put_attr(w->out, "rowspan", rs && digits_ok(rs, 4) ? rs : NULL);
    put_attr(w->out, "colwidth", cw && colwidth_ok(cw) ? cw : NULL);
    put_attr(w->out, "style", style_value(w->a, attr(n, "style"), "text-align", align_ok));
    finish(w, n, tag, CTX_FLOW, depth);
    block_break(w);
}

/* width_style: TipTap's table/col style ("min-width: 25px" or "width: 120px"). */
static const char *width_style(struct walk *w, GumboNode *n)
{
    const char *style = attr(n, "style");
    const char *v = style_value(w->a, style, "min-width", px_ok);
    return v ? v : style_value(w->a, style, "width", px_ok);
}

/* emit_element: one element in context ctx. */
static void emit_element(struct walk *w, GumboNode *n, enum ctx ctx, int depth)
{
    GumboElement *el = &n->v.element;
    if (el->tag_namespace != GUMBO_NAMESPACE_HTML)
        return;                                   /* SVG and MathML: never */
    const struct tag_rule *rule = rule_of(el->tag);
    enum kind k = rule ? rule->kind : K_UNWRAP;
    const char *tag = rule ? rule->name : NULL;
    int flow = flow_ctx(ctx);
    if (k == K_DROP)
        return;
    if (ctx == CTX_CODE) {                        /* a code block holds text only */
        if (k == K_BR)
            emit_text(w, "\n", ctx);
        else
            walk_children(w, n, ctx, depth);
        return;
    }
    switch (k) {
    case K_BLOCK:
        if (flow)
            emit_heading_or_p(w, n, tag, depth);
        else
            walk_children(w, n, ctx, depth);
        return;
    case K_MARK:
        if (ctx == CTX_PRE && el->tag == GUMBO_TAG_CODE) {
            emit_code_block(w, n, depth);
            return;
        }
        if (!flow && ctx != CTX_PHRASING && ctx != CTX_PRE)
            break;
        open_tag(w, tag);
        finish(w, n, tag, CTX_PHRASING, depth);
        return;
    case K_BR:
        if (flow || ctx == CTX_PHRASING || ctx == CTX_PRE) {
            open_tag(w, "br");
            buf_putc(w->out, '>');
            w->in_word = 0;
        }
        return;
    case K_HR:
        if (flow) {
            open_tag(w, "hr");
            buf_putc(w->out, '>');
            block_break(w);
        }
        return;
    case K_A:
        if (flow || ctx == CTX_PHRASING || ctx == CTX_PRE)
            emit_a(w, n, ctx, depth);
        else
            walk_children(w, n, ctx, depth);
        return;
    case K_SPAN: {
        const char *color = style_value(w->a, attr(n, "style"), "color", color_ok);
        if (ctx == CTX_LABEL) {
            open_tag(w, "span");
            buf_puts(w->out, "></span>");
        } else if (color && (flow || ctx == CTX_PHRASING || ctx == CTX_PRE)) {
            open_tag(w, "span");
            put_attr(w->out, "style", color);
            finish(w, n, "span", CTX_PHRASING, depth);
        } else {
            walk_children(w, n, ctx, depth);
        }
        return;
    }
    case K_IMG:
        if (flow || ctx == CTX_PHRASING)
            emit_img(w, n);
        return;
    case K_PRE:
        if (flow)
            emit_pre(w, n, depth);
        else
            walk_children(w, n, ctx, depth);
        return;
    case K_QUOTE:
        if (!flow)
            break;
        block_break(w);
        open_tag(w, "blockquote");
        finish(w, n, "blockquote", CTX_FLOW, depth);
        block_break(w);
        return;
    case K_UL:
    case K_OL:
        if (flow)
            emit_list(w, n, k == K_OL, depth);
        else
            walk_children(w, n, ctx, depth);
        return;
    case K_LI:
        if (ctx == CTX_LIST || ctx == CTX_TASKLIST)
            emit_li(w, n, ctx, depth);
        else
            walk_children(w, n, ctx, depth);
        return;
    case K_TABLE:
        if (flow) {
            block_break(w);
            open_tag(w, "table");
            put_attr(w->out, "style", width_style(w, n));
            finish(w, n, "table", CTX_TABLE, depth);
            block_break(w);
        }
        return;
    case K_COLGROUP:
        if (ctx == CTX_TABLE) {
            open_tag(w, "colgroup");
            finish(w, n, "colgroup", CTX_COLGROUP, depth);
        }
        return;
    case K_COL:
        if (ctx == CTX_COLGROUP) {
            open_tag(w, "col");
            put_attr(w->out, "style", width_style(w, n));
            buf_putc(w->out, '>');
        }
        return;
    case K_SECTION:
        if (ctx == CTX_TABLE) {
            open_tag(w, tag);
            finish(w, n, tag, CTX_SECTION, depth);
        }
        return;
    case K_TR:
        if (ctx == CTX_SECTION) {
            open_tag(w, "tr");
            finish(w, n, "tr", CTX_ROW, depth);
        }
        return;
    case K_CELL:
        if (ctx == CTX_ROW)
            emit_cell(w, n, tag, depth);
        return;
    case K_LABEL:
        if (ctx == CTX_TASKITEM) {
            open_tag(w, "label");
            finish(w, n, "label", CTX_LABEL, depth);
        } else {
            walk_children(w, n, ctx, depth);
        }
        return;
    case K_INPUT: {
        const char *type = attr(n, "type");
        if (ctx == CTX_LABEL && type && strcasecmp(type, "checkbox") == 0) {
            open_tag(w, "input");
            put_attr(w->out, "type", "checkbox");
            put_attr(w->out, "checked", attr(n, "checked") ? "checked" : NULL);
            buf_putc(w->out, '>');
        }
        return;
    }
    case K_DIV:
        if (ctx == CTX_TASKITEM) {
            open_tag(w, "div");
            finish(w, n, "div", CTX_FLOW, depth);
            return;
        }
        if (flow)
            block_break(w);
        walk_children(w, n, ctx, depth);
        if (flow)
            block_break(w);
        return;
    case K_UNWRAP:
    case K_DROP:
        break;
    }
    walk_children(w, n, ctx, depth);
}

static void walk_node(struct walk *w, GumboNode *n, enum ctx ctx, int depth)
{
    switch (n->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
        emit_text(w, n->v.text.text, ctx);
        break;
    case GUMBO_NODE_ELEMENT:
        if (depth < NOTE_HTML_MAX_DEPTH)
            emit_element(w, n, ctx, depth + 1);
        break;
    default:                                     /* comments, CDATA, templates */
        break;
    }
}

static void walk_children(struct walk *w, GumboNode *n, enum ctx ctx, int depth)
{
    GumboVector *kids = &n->v.element.children;
    for (unsigned i = 0; i < kids->length; i++)
        walk_node(w, kids->data[i], ctx, depth);
}

static void sanitize(struct walk *w, const char *html, size_t n)
{
    GumboNode *root = note_html_parse(w->a, html, n);
    if (root && root->type == GUMBO_NODE_ELEMENT)
        walk_children(w, root, CTX_FLOW, 0);
}

void note_html_sanitize(struct arena *a, const char *html, size_t n, struct buf *out)
{
    struct walk w = {.a = a, .out = out};
    sanitize(&w, html, n);
}

void note_html_view(struct arena *a, const char *html, size_t n, struct buf *out,
                    struct note_html_info *info)
{
    struct walk w = {.a = a, .out = out, .view = 1, .info = info};
    if (info) {
        info->toc = NULL;
        info->ntoc = 0;
        info->words = 0;
        if (info->text_max)
            w.text = buf_arena(a);
    }
    sanitize(&w, html, n);
    if (info)
        info->text = w.text ? buf_cstr(w.text) : "";
}
