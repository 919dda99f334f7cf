/* note_md.c — Markdown export and import for notes (see note_md.h).  The export walks gumbo's
 * tree of the sanitized HTML (so it sees only TipTap's elements); the import walks cmark-gfm's
 * tree with its iterator (no recursion, whatever the nesting) and writes TipTap's shapes. */
#include "note_md.h"
#include "arena.h"
#include "buf.h"
#include "note_html.h"
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <gumbo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- export ---------------------------------------------------------------------------- */

static void md_blocks(struct arena *a, GumboNode *n, struct buf *out);
static void md_inlines(struct arena *a, GumboNode *n, struct buf *out);

static const char *attr(GumboNode *n, const char *name)
{
    GumboAttribute *at = gumbo_get_attribute(&n->v.element.attributes, name);
    return at ? at->value : NULL;
}

/* md_text: text with Markdown's punctuation backslash-escaped and newlines as spaces. */
static void md_text(struct buf *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>~|&", *s))
            buf_putc(out, '\\');
        buf_putc(out, *s == '\n' ? ' ' : *s);
    }
}

/* md_url: a link target inside (…): spaces, parentheses and angle brackets percent-encoded. */
static void md_url(struct buf *out, const char *s)
{
    for (; *s; s++) {
        if (strchr(" ()<>", *s) || (unsigned char)*s < 0x20)
            buf_printf(out, "%%%02X", (unsigned char)*s);
        else
            buf_putc(out, *s);
    }
}

static void md_title(struct buf *out, const char *title)
{
    if (!title || !*title)
        return;
    buf_puts(out, " \"");
    for (; *title; title++) {
        if (*title == '"' || *title == '\\')
            buf_putc(out, '\\');
        buf_putc(out, *title);
    }
    buf_putc(out, '"');
}

/* longest_run: the longest run of c in s. */
static size_t longest_run(const char *s, char c)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == c ? run + 1 : 0;
        best = run > best ? run : best;
    }
    return best;
}

/* text_of: the text of n's subtree. */
static void text_of(GumboNode *n, struct buf *out)
{
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
        buf_puts(out, n->v.text.text);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    for (unsigned i = 0; i < n->v.element.children.length; i++)
        text_of(n->v.element.children.data[i], out);
}

static void md_code_span(struct arena *a, GumboNode *n, struct buf *out)
{
    struct buf *t = buf_arena(a);
    text_of(n, t);
    const char *s = buf_cstr(t);
    size_t ticks = longest_run(s, '`') + 1;
    int pad = s[0] == '`' || (t->len && s[t->len - 1] == '`') || s[0] == ' ';
    for (size_t i = 0; i < ticks; i++) buf_putc(out, '`');
    if (pad) buf_putc(out, ' ');
    for (const char *p = s; *p; p++) buf_putc(out, *p == '\n' ? ' ' : *p);
    if (pad) buf_putc(out, ' ');
    for (size_t i = 0; i < ticks; i++) buf_putc(out, '`');
}

static void md_image(GumboNode *n, struct buf *out)
{
    buf_puts(out, "![");
    md_text(out, attr(n, "alt") ? attr(n, "alt") : "");
    buf_puts(out, "](");
    md_url(out, attr(n, "src") ? attr(n, "src") : "");
    md_title(out, attr(n, "title"));
    buf_putc(out, ')');
}

/* md_inline: one phrasing node. */
static void md_inline(struct arena *a, GumboNode *n, struct buf *out)
{
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
        md_text(out, n->v.text.text);
        return;
    }
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    static const struct { GumboTag tag; const char *mark; } marks[] = {
        {GUMBO_TAG_STRONG, "**"}, {GUMBO_TAG_EM, "*"}, {GUMBO_TAG_S, "~~"},
    };
    GumboTag tag = n->v.element.tag;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (marks[i].tag == tag) {
            buf_puts(out, marks[i].mark);
            md_inlines(a, n, out);
            buf_puts(out, marks[i].mark);
            return;
        }
    switch (tag) {
    case GUMBO_TAG_CODE: md_code_span(a, n, out); return;
    case GUMBO_TAG_BR: buf_puts(out, "\\\n"); return;
    case GUMBO_TAG_IMG: md_image(n, out); return;
    case GUMBO_TAG_A:
        buf_putc(out, '[');
        md_inlines(a, n, out);
        buf_puts(out, "](");
        md_url(out, attr(n, "href") ? attr(n, "href") : "");
        md_title(out, attr(n, "title"));
        buf_putc(out, ')');
        return;
    default: md_inlines(a, n, out); return;    /* u, span: their text */
    }
}

static void md_inlines(struct arena *a, GumboNode *n, struct buf *out)
{
    for (unsigned i = 0; i < n->v.element.children.length; i++)
        md_inline(a, n->v.element.children.data[i], out);
}

/* md_para: a paragraph's text; a leading character Markdown would read as a block marker
 * (# > - + = or "1.") is escaped. */
static void md_para(struct arena *a, GumboNode *n, struct buf *out)
{
    struct buf *t = buf_arena(a);
    md_inlines(a, n, t);
    const char *s = buf_cstr(t);
    size_t digits = strspn(s, "0123456789");
    if (strchr("#>-+=", s[0]) && s[0])
        buf_putc(out, '\\');
    else if (digits && (s[digits] == '.' || s[digits] == ')')) {
        buf_append(out, s, digits);
        buf_putc(out, '\\');
        s += digits;
    }
    buf_puts(out, s);
}

/* prefix_lines: text with first before its first line and rest before every other non-empty
 * line (list items, quotes). */
static void prefix_lines(struct buf *out, const char *text, const char *first, const char *rest,
                         const char *blank)
{
    int line = 0;
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);
        buf_puts(out, line == 0 ? first : len ? rest : blank);
        buf_append(out, text, len);
        buf_putc(out, '\n');
        text += len + (nl ? 1 : 0);
        line++;
    }
    if (line == 0)
        buf_printf(out, "%s\n", first);
}

/* trimmed: s without trailing newlines (arena copy). */
static const char *trimmed(struct arena *a, struct buf *b)
{
    size_t n = b->len;
    while (n && b->data[n - 1] == '\n')
        n--;
    return arena_strndup(a, b->data ? b->data : "", n);
}

static void md_list(struct arena *a, GumboNode *n, struct buf *out)
{
    int ordered = n->v.element.tag == GUMBO_TAG_OL;
    const char *start = attr(n, "start");
    long no = start ? strtol(start, NULL, 10) : 1;
    for (unsigned i = 0; i < n->v.element.children.length; i++) {
        GumboNode *li = n->v.element.children.data[i];
        if (li->type != GUMBO_NODE_ELEMENT || li->v.element.tag != GUMBO_TAG_LI)
            continue;
        const char *type = attr(li, "data-type");
        struct buf *body = buf_arena(a);
        const char *marker;
        if (type && strcmp(type, "taskItem") == 0) {
            const char *c = attr(li, "data-checked");
            marker = c && strcmp(c, "true") == 0 ? "- [x] " : "- [ ] ";
            for (unsigned k = 0; k < li->v.element.children.length; k++) {
                GumboNode *d = li->v.element.children.data[k];
                if (d->type == GUMBO_NODE_ELEMENT && d->v.element.tag == GUMBO_TAG_DIV)
                    md_blocks(a, d, body);
            }
        } else {
            marker = ordered ? arena_printf(a, "%ld. ", no++) : "- ";
            md_blocks(a, li, body);
        }
        char *indent = arena_alloc(a, strlen(marker) + 1);
        memset(indent, ' ', strlen(marker));
        indent[strlen(marker)] = '\0';
        prefix_lines(out, trimmed(a, body), marker, indent, "");
    }
    buf_putc(out, '\n');
}

/* md_cell: a table cell's content on one line (blocks joined by spaces, pipes escaped). */
static const char *md_cell(struct arena *a, GumboNode *cell)
{
    struct buf *t = buf_arena(a);
    for (unsigned i = 0; i < cell->v.element.children.length; i++) {
        GumboNode *c = cell->v.element.children.data[i];
        if (t->len)
            buf_putc(t, ' ');
        if (c->type == GUMBO_NODE_ELEMENT)
            md_inlines(a, c, t);
        else
            md_inline(a, c, t);
    }
    for (size_t i = 0; i < t->len; i++)
        if (t->data[i] == '\n')
            t->data[i] = ' ';
    return buf_cstr(t);
}

static const char *cell_align(GumboNode *cell)
{
    const char *s = attr(cell, "style");
    if (s && strstr(s, "center")) return ":---:";
    if (s && strstr(s, "right")) return "---:";
    if (s && strstr(s, "left")) return ":---";
    return "---";
}

/* collect_rows: the tr elements of a table (through thead/tbody) into rows (NULL: count). */
static size_t collect_rows(GumboNode *table, GumboNode **rows)
{
    size_t n = 0;
    for (unsigned i = 0; i < table->v.element.children.length; i++) {
        GumboNode *s = table->v.element.children.data[i];
        if (s->type != GUMBO_NODE_ELEMENT || s->v.element.tag == GUMBO_TAG_COLGROUP)
            continue;
        for (unsigned k = 0; k < s->v.element.children.length; k++) {
            GumboNode *tr = s->v.element.children.data[k];
            if (tr->type != GUMBO_NODE_ELEMENT || tr->v.element.tag != GUMBO_TAG_TR)
                continue;
            if (rows)
                rows[n] = tr;
            n++;
        }
    }
    return n;
}

static void md_table(struct arena *a, GumboNode *table, struct buf *out)
{
    size_t nrows = collect_rows(table, NULL), ncols = 0;
    if (nrows == 0)
        return;
    GumboNode **rows = arena_alloc(a, sizeof *rows * nrows);
    collect_rows(table, rows);
    for (size_t r = 0; r < nrows; r++)
        ncols = rows[r]->v.element.children.length > ncols ? rows[r]->v.element.children.length : ncols;
    for (size_t r = 0; r < nrows; r++) {
        GumboVector *cells = &rows[r]->v.element.children;
        buf_putc(out, '|');
        for (size_t c = 0; c < ncols; c++) {
            const char *text = c < cells->length ? md_cell(a, cells->data[c]) : "";
            buf_printf(out, " %s |", text);
        }
        buf_putc(out, '\n');
        if (r == 0) {
            buf_putc(out, '|');
            for (size_t c = 0; c < ncols; c++)
                buf_printf(out, " %s |", c < cells->length ? cell_align(cells->data[c]) : "---");
            buf_putc(out, '\n');
        }
    }
    buf_putc(out, '\n');
}

static void md_code_block(struct arena *a, GumboNode *pre, struct buf *out)
{
    struct buf *t = buf_arena(a);
    const char *lang = "";
    text_of(pre, t);
    for (unsigned i = 0; i < pre->v.element.children.length; i++) {
        GumboNode *c = pre->v.element.children.data[i];
        const char *cls = c->type == GUMBO_NODE_ELEMENT ? attr(c, "class") : NULL;
        if (cls && strncmp(cls, "language-", 9) == 0)
            lang = cls + 9;
    }
    size_t ticks = longest_run(buf_cstr(t), '`') + 1;
    ticks = ticks < 3 ? 3 : ticks;
    for (size_t i = 0; i < ticks; i++) buf_putc(out, '`');
    buf_printf(out, "%s\n%s", lang, buf_cstr(t));
    if (t->len && t->data[t->len - 1] != '\n')
        buf_putc(out, '\n');
    for (size_t i = 0; i < ticks; i++) buf_putc(out, '`');
    buf_puts(out, "\n\n");
}

/* md_block: one node of a flow container; inline runs become paragraphs. */
static void md_block(struct arena *a, GumboNode *n, struct buf *out)
{
    GumboTag tag = n->v.element.tag;
    struct buf *sub;
    switch (tag) {
    case GUMBO_TAG_P: md_para(a, n, out); buf_puts(out, "\n\n"); return;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        buf_printf(out, "%.*s ", (int)(tag - GUMBO_TAG_H1 + 1), "######");
        md_inlines(a, n, out);
        buf_puts(out, "\n\n");
        return;
    case GUMBO_TAG_PRE: md_code_block(a, n, out); return;
    case GUMBO_TAG_BLOCKQUOTE:
        sub = buf_arena(a);
        md_blocks(a, n, sub);
        prefix_lines(out, trimmed(a, sub), "> ", "> ", ">");
        buf_putc(out, '\n');
        return;
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: md_list(a, n, out); return;
    case GUMBO_TAG_HR: buf_puts(out, "---\n\n"); return;
    case GUMBO_TAG_TABLE: md_table(a, n, out); return;
    default: md_blocks(a, n, out); return;
    }
}

static int is_inline(GumboNode *n)
{
    static const GumboTag blocks[] = {GUMBO_TAG_P, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3,
        GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_PRE, GUMBO_TAG_BLOCKQUOTE,
        GUMBO_TAG_UL, GUMBO_TAG_OL, GUMBO_TAG_HR, GUMBO_TAG_TABLE, GUMBO_TAG_DIV, GUMBO_TAG_LI};
    if (n->type != GUMBO_NODE_ELEMENT)
        return 1;
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        if (n->v.element.tag == blocks[i])
            return 0;
    return 1;
}

static void md_blocks(struct arena *a, GumboNode *n, struct buf *out)
{
    struct buf *run = NULL;
    GumboVector *kids = &n->v.element.children;
    for (unsigned i = 0; i <= kids->length; i++) {
        GumboNode *c = i < kids->length ? kids->data[i] : NULL;
        if (c && is_inline(c)) {
            run = run ? run : buf_arena(a);
            md_inline(a, c, run);
            continue;
        }
        if (run) {
            const char *s = trimmed(a, run);
            if (s[strspn(s, " \n")])
                buf_printf(out, "%s\n\n", s);
            run = NULL;
        }
        if (c)
            md_block(a, c, out);
    }
}

void note_md_export(struct arena *a, const char *html, size_t n, struct buf *out)
{
    struct buf *clean = buf_arena(a);
    note_html_sanitize(a, html, n, clean);
    GumboNode *root = note_html_parse(a, buf_cstr(clean), clean->len);
    struct buf *md = buf_arena(a);
    md_blocks(a, root, md);
    const char *s = trimmed(a, md);
    if (*s)
        buf_printf(out, "%s\n", s);
}

/* ---- import ---------------------------------------------------------------------------- */

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;
static void extensions_register(void) { cmark_gfm_core_extensions_ensure_registered(); }

static void put_html(struct buf *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': buf_puts(out, "&amp;"); break;
        case '<': buf_puts(out, "&lt;"); break;
        case '>': buf_puts(out, "&gt;"); break;
        case '"': buf_puts(out, "&quot;"); break;
        default: buf_putc(out, *s);
        }
    }
}

struct md_in {
    struct arena *a;
    struct buf *out;
    int image_depth;        /* inside an image's alt text: text goes to alt */
    struct buf *alt;
};

/* is_task_list: every item of list is a tasklist item. */
static int is_task_list(cmark_node *list)
{
    cmark_node *it = cmark_node_first_child(list);
    if (!it)
        return 0;
    for (; it; it = cmark_node_next(it))
        if (strcmp(cmark_node_get_type_string(it), "tasklist") != 0)
            return 0;
    return 1;
}

static void in_list(struct md_in *m, cmark_node *n, int enter)
{
    int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    if (!enter) {
        buf_puts(m->out, ordered ? "</ol>" : "</ul>");
        return;
    }
    if (ordered) {
        int start = cmark_node_get_list_start(n);
        buf_puts(m->out, "<ol");
        if (start != 1)
            buf_printf(m->out, " start=\"%d\"", start);
        buf_putc(m->out, '>');
    } else {
        buf_puts(m->out, is_task_list(n) ? "<ul data-type=\"taskList\">" : "<ul>");
    }
}

static void in_item(struct md_in *m, cmark_node *n, int enter)
{
    int task = is_task_list(cmark_node_parent(n));
    if (!enter) {
        buf_puts(m->out, task ? "</div></li>" : "</li>");
        return;
    }
    if (!task) {
        buf_puts(m->out, "<li>");
        return;
    }
    int checked = cmark_gfm_extensions_get_tasklist_item_checked(n);
    buf_printf(m->out, "<li data-checked=\"%s\" data-type=\"taskItem\"><label><input "
               "type=\"checkbox\"%s><span></span></label><div>", checked ? "true" : "false",
               checked ? " checked=\"checked\"" : "");
    if (!cmark_node_first_child(n))
        buf_puts(m->out, "<p></p>");
}

static void in_code_block(struct md_in *m, cmark_node *n)
{
    const char *info = cmark_node_get_fence_info(n), *lit = cmark_node_get_literal(n);
    size_t lang = info ? strcspn(info, " \t") : 0, len = lit ? strlen(lit) : 0;
    buf_puts(m->out, "<pre><code");
    if (lang)
        buf_printf(m->out, " class=\"language-%.*s\"", (int)lang, info);
    buf_putc(m->out, '>');
    if (len && lit[len - 1] == '\n')
        len--;
    put_html(m->out, arena_strndup(m->a, lit ? lit : "", len));
    buf_puts(m->out, "</code></pre>");
}

static void in_link(struct md_in *m, cmark_node *n, int enter)
{
    if (!enter) {
        buf_puts(m->out, "</a>");
        return;
    }
    buf_puts(m->out, "<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"");
    put_html(m->out, cmark_node_get_url(n));
    buf_putc(m->out, '"');
    const char *title = cmark_node_get_title(n);
    if (title && *title) {
        buf_puts(m->out, " title=\"");
        put_html(m->out, title);
        buf_putc(m->out, '"');
    }
    buf_putc(m->out, '>');
}

/* in_image: our own attachments become images; any other source a link to it (the sanitizer
 * would drop the image, and with it the alt text). */
static void in_image(struct md_in *m, cmark_node *n, int enter)
{
    const char *url = cmark_node_get_url(n);
    if (!note_html_src_ok(url ? url : "")) {
        in_link(m, n, enter);
        return;
    }
    if (enter) {
        m->image_depth++;
        m->alt = buf_arena(m->a);
        return;
    }
    m->image_depth--;
    buf_puts(m->out, "<img src=\"");
    put_html(m->out, url);
    buf_puts(m->out, "\" alt=\"");
    put_html(m->out, buf_cstr(m->alt));
    buf_putc(m->out, '"');
    const char *title = cmark_node_get_title(n);
    if (title && *title) {
        buf_puts(m->out, " title=\"");
        put_html(m->out, title);
        buf_putc(m->out, '"');
    }
    buf_putc(m->out, '>');
}

static void in_table(struct md_in *m, cmark_node *n, int enter)
{
    if (!enter) {
        buf_puts(m->out, "</tbody></table>");
        return;
    }
    int cols = cmark_gfm_extensions_get_table_columns(n);
    buf_printf(m->out, "<table style=\"min-width: %dpx\"><colgroup>", cols * 25);
    for (int i = 0; i < cols; i++)
        buf_puts(m->out, "<col style=\"min-width: 25px\">");
    buf_puts(m->out, "</colgroup><tbody>");
}

static void in_row(struct md_in *m, cmark_node *n, int enter)
{
    (void)n;
    buf_puts(m->out, enter ? "<tr>" : "</tr>");
}

static void in_cell(struct md_in *m, cmark_node *n, int enter)
{
    cmark_node *row = cmark_node_parent(n), *table = row ? cmark_node_parent(row) : NULL;
    const char *tag = cmark_gfm_extensions_get_table_row_is_header(row) ? "th" : "td";
    if (!enter) {
        buf_printf(m->out, "</p></%s>", tag);
        return;
    }
    int index = 0;
    for (cmark_node *c = cmark_node_previous(n); c; c = cmark_node_previous(c))
        index++;
    uint8_t *aligns = table ? cmark_gfm_extensions_get_table_alignments(table) : NULL;
    int ncols = table ? cmark_gfm_extensions_get_table_columns(table) : 0;
    char al = aligns && index < ncols ? (char)aligns[index] : 0;
    const char *style = al == 'l' ? "left" : al == 'c' ? "center" : al == 'r' ? "right" : NULL;
    buf_printf(m->out, "<%s colspan=\"1\" rowspan=\"1\"", tag);
    if (style)
        buf_printf(m->out, " style=\"text-align: %s\"", style);
    buf_puts(m->out, "><p>");
}

static void in_wrap(struct md_in *m, const char *tag, int enter)
{
    buf_printf(m->out, enter ? "<%s>" : "</%s>", tag);
}

static void in_heading(struct md_in *m, cmark_node *n, int enter)
{
    buf_printf(m->out, enter ? "<h%d>" : "</h%d>", cmark_node_get_heading_level(n));
}

typedef void (*in_fn)(struct md_in *m, cmark_node *n, int enter);

static const struct {
    const char *type;   /* cmark_node_get_type_string */
    in_fn fn;
    const char *wrap;   /* or: a plain element around the children */
} IN_NODES[] = {
    {"block_quote", NULL, "blockquote"}, {"paragraph", NULL, "p"}, {"emph", NULL, "em"},
    {"strong", NULL, "strong"}, {"strikethrough", NULL, "s"},
    {"list", in_list, NULL}, {"item", in_item, NULL}, {"tasklist", in_item, NULL},
    {"heading", in_heading, NULL}, {"link", in_link, NULL}, {"image", in_image, NULL},
    {"table", in_table, NULL}, {"table_header", in_row, NULL}, {"table_row", in_row, NULL},
    {"table_cell", in_cell, NULL},
};

/* in_leaf: nodes without children. */
static void in_leaf(struct md_in *m, cmark_node *n, const char *type)
{
    const char *lit = cmark_node_get_literal(n);
    if (m->image_depth) {
        if (strcmp(type, "text") == 0 || strcmp(type, "code") == 0)
            buf_puts(m->alt, lit ? lit : "");
        return;
    }
    if (strcmp(type, "text") == 0)
        put_html(m->out, lit);
    else if (strcmp(type, "softbreak") == 0)
        buf_putc(m->out, ' ');
    else if (strcmp(type, "linebreak") == 0)
        buf_puts(m->out, "<br>");
    else if (strcmp(type, "code") == 0) {
        buf_puts(m->out, "<code>");
        put_html(m->out, lit);
        buf_puts(m->out, "</code>");
    } else if (strcmp(type, "code_block") == 0)
        in_code_block(m, n);
    else if (strcmp(type, "thematic_break") == 0)
        buf_puts(m->out, "<hr>");
    /* html_block, html_inline: raw HTML is dropped (safe mode) */
}

void note_md_import(struct arena *a, const char *md, size_t n, struct buf *out)
{
    static const char *const exts[] = {"table", "strikethrough", "tasklist", "autolink"};
    pthread_once(&extensions_once, extensions_register);
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, md ? md : "", n);
    cmark_node *doc = cmark_parser_finish(p);
    struct md_in m = {.a = a, .out = buf_arena(a)};
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        const char *type = cmark_node_get_type_string(node);
        int enter = ev == CMARK_EVENT_ENTER, found = 0;
        for (size_t i = 0; i < sizeof IN_NODES / sizeof *IN_NODES && !found; i++) {
            if (strcmp(IN_NODES[i].type, type) != 0)
                continue;
            found = 1;
            if (m.image_depth && strcmp(type, "image") != 0)
                break;
            if (IN_NODES[i].fn)
                IN_NODES[i].fn(&m, node, enter);
            else
                in_wrap(&m, IN_NODES[i].wrap, enter);
        }
        if (!found && enter)
            in_leaf(&m, node, type);
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    cmark_parser_free(p);
    note_html_sanitize(a, buf_cstr(m.out), m.out->len, out);
}
