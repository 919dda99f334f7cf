/* note_html.h — the note sanitizer: note HTML (as TipTap 3 writes it) parsed with libgumbo and
 * written again by us from an allow-list of exactly the elements and attributes TipTap's
 * StarterKit, task list, table, link, image, text-style/colour and text-align extensions
 * produce.  Everything else is unwrapped (harmless containers: div, font, b → strong …) or
 * dropped with its content (script, style, iframe, object, form, svg, math …).  The same walk
 * gives the read-only view (heading anchors, table of contents, word count, first lines). */
#ifndef CARD_NOTE_HTML_H
#define CARD_NOTE_HTML_H
#include <stddef.h>
struct arena;
struct buf;

/* NOTE_HTML_MAX_DEPTH: elements nested deeper than this in the parsed tree are dropped with
 * their content (bounds the walk's recursion; TipTap documents nest a few dozen levels). */
#define NOTE_HTML_MAX_DEPTH 256

struct note_toc_entry {
    int level;          /* 1..6 */
    const char *id;     /* "h-3": the anchor written on the heading in the view */
    const char *text;   /* the heading's text */
};

/* note_html_info: what the view walk gathers besides the HTML. */
struct note_html_info {
    struct note_toc_entry *toc;  /* headings in document order (arena) */
    size_t ntoc;
    size_t words;                /* runs of non-space characters in the text */
    const char *text;            /* the first text_max bytes of text, one line per block */
    size_t text_max;             /* set by the caller (0: no text wanted) */
};

/* NOTE_HTML_MAX_NESTING: how deep elements may nest in a note.  libgumbo's time grows with
 * the square of the depth (40,000 nested <div>s: ~2 s), so deeper input is never parsed:
 * saves answer 422, and a stored note that deep (another writer's) shows as empty. */
#define NOTE_HTML_MAX_NESTING 1000

/* note_html_nesting_ok: whether html[0..n) nests at most NOTE_HTML_MAX_NESTING elements
 * deep, by an estimate that never undercounts (every start tag that is not a void element or
 * self-closed opens one, every end tag closes one). */
int note_html_nesting_ok(const char *html, size_t n);

/* note_html_sanitize: append to out the allow-listed re-serialisation of html[0..n)
 * (any bytes; invalid UTF-8 is replaced by the parser).  Deterministic and idempotent:
 * sanitizing the output again gives the same text. */
void note_html_sanitize(struct arena *a, const char *html, size_t n, struct buf *out);

/* note_html_view: the same walk for the read-only view: headings get id="h-<n>" anchors and
 * info (when not NULL) receives the table of contents, the word count and the first text. */
void note_html_view(struct arena *a, const char *html, size_t n, struct buf *out,
                    struct note_html_info *info);

/* note_html_parse: html[0..n) parsed as a body fragment; the root element whose children are
 * the fragment's nodes (a GumboNode *), freed when arena a resets.  For readers of an already
 * sanitized note (the Markdown writer). */
void *note_html_parse(struct arena *a, const char *html, size_t n);

/* note_html_href_ok: a link target the sanitizer keeps (http, https, mailto or relative, after
 * removing the whitespace and control characters a browser ignores); *clean gets that text. */
int note_html_href_ok(struct arena *a, const char *href, const char **clean);
/* note_html_src_ok: an image source the sanitizer keeps: exactly /attachments/<uid>. */
int note_html_src_ok(const char *src);
#endif
