/* note_cache.c — cached note sanitizing and views (see note_cache.h).  A view is kept as a
 * header line "words ntoc\n", then per heading "level idlen textlen\n" + id + text, then the
 * HTML. */
#include "note_cache.h"
#include "arena.h"
#include "buf.h"
#include "note_html.h"
#include "render_cache.h"
#include <stdlib.h>
#include <string.h>

/* sanitize: note_cache_sanitize with the digest of html already made. */
static void sanitize(struct arena *a, const char *digest, const char *html, size_t n,
                     struct buf *out)
{
    const char *key = arena_printf(a, "note-clean:%s", digest);
    size_t len;
    const char *hit = render_cache_get(a, key, &len);
    if (hit) {
        buf_append(out, hit, len);
        return;
    }
    size_t start = out->len;
    note_html_sanitize(a, html, n, out);
    render_cache_put(key, out->data + start, out->len - start);
}

/* view_decode: info and the HTML from a kept view; 0, or -1 when it does not read back. */
static int view_decode(struct arena *a, const char *s, size_t len, struct buf *out,
                       struct note_html_info *info)
{
    const char *end = s + len;
    char *p;
    unsigned long long words = strtoull(s, &p, 10), ntoc = strtoull(p, &p, 10);
    if (*p++ != '\n' || ntoc > len)
        return -1;
    struct note_toc_entry *toc = ntoc ? arena_alloc(a, ntoc * sizeof *toc) : NULL;
    for (size_t i = 0; i < ntoc; i++) {
        long level = strtol(p, &p, 10);
        unsigned long long idlen = strtoull(p, &p, 10), textlen = strtoull(p, &p, 10);
        if (*p++ != '\n' || idlen > (size_t)(end - p) || textlen > (size_t)(end - p) - idlen)
            return -1;
        toc[i] = (struct note_toc_entry){(int)level, arena_strndup(a, p, idlen),
                                         arena_strndup(a, p + idlen, textlen)};
        p += idlen + textlen;
    }
    if (info) {
        info->toc = toc;
        info->ntoc = ntoc;
        info->words = words;
        info->text = "";
    }
    buf_append(out, p, (size_t)(end - p));
    return 0;
}

/* view: note_cache_view with the digest of html already made (info->text_max is 0). */
static void view(struct arena *a, const char *digest, const char *html, size_t n,
                 struct buf *out, struct note_html_info *info)
{
    const char *key = arena_printf(a, "note-view:%s", digest);
    size_t len;
    const char *hit = render_cache_get(a, key, &len);
    if (hit && view_decode(a, hit, len, out, info) == 0)
        return;
    struct note_html_info mine = {0};
    struct buf *drawn = buf_arena(a), *kept = buf_arena(a);
    note_html_view(a, html, n, drawn, &mine);
    buf_printf(kept, "%zu %zu\n", mine.words, mine.ntoc);
    for (size_t i = 0; i < mine.ntoc; i++) {
        const struct note_toc_entry *t = &mine.toc[i];
        buf_printf(kept, "%d %zu %zu\n", t->level, strlen(t->id), strlen(t->text));
        buf_puts(kept, t->id);
        buf_puts(kept, t->text);
    }
    buf_append(kept, drawn->data, drawn->len);
    render_cache_put(key, kept->data, kept->len);
    buf_append(out, drawn->data, drawn->len);
    if (info)
        *info = mine;
}

void note_cache_sanitize(struct arena *a, const char *html, size_t n, struct buf *out)
{
    sanitize(a, render_cache_digest(a, html, n), html, n, out);
}

void note_cache_view(struct arena *a, const char *html, size_t n, struct buf *out,
                     struct note_html_info *info)
{
    if (info && info->text_max)
        note_html_view(a, html, n, out, info);
    else
        view(a, render_cache_digest(a, html, n), html, n, out, info);
}

void note_cache_page(struct arena *a, const char *html, size_t n, struct buf *out,
                     struct note_html_info *info, struct buf *clean)
{
    const char *digest = render_cache_digest(a, html, n);
    if (info && info->text_max)
        note_html_view(a, html, n, out, info);
    else
        view(a, digest, html, n, out, info);
    sanitize(a, digest, html, n, clean);
}
