/* note_cache.h — the note sanitizer (note_html.h) behind the rendered-document cache
 * (render_cache.h): a 50-page note takes tens of milliseconds to parse and walk, so the GET
 * API, the note page and share pages keep each note's sanitized HTML and read-only view (with
 * its table of contents and word count) keyed by a digest of the stored HTML.  The output is
 * byte for byte what note_html.h writes. */
#ifndef CARD_NOTE_CACHE_H
#define CARD_NOTE_CACHE_H
#include <stddef.h>
struct arena;
struct buf;
struct note_html_info;

/* note_cache_sanitize: append note_html_sanitize(html[0..n)) to out. */
void note_cache_sanitize(struct arena *a, const char *html, size_t n, struct buf *out);

/* note_cache_view: append note_html_view(html[0..n)) to out and fill info (when not NULL) the
 * same way; info->toc lives in arena a.  A caller asking for the first text (info->text_max
 * > 0: thumbnails, history) is answered by note_html_view itself. */
void note_cache_view(struct arena *a, const char *html, size_t n, struct buf *out,
                     struct note_html_info *info);
/* note_cache_page: note_cache_view into view/info and note_cache_sanitize into clean, the
 * stored HTML digested once (the note page shows both). */
void note_cache_page(struct arena *a, const char *html, size_t n, struct buf *view,
                     struct note_html_info *info, struct buf *clean);
#endif
