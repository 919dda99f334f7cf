/* share_content.c — the public renderers (files.h FILE_PUBLIC_<kind>) of notes, flowcharts and
 * drawings: what anyone holding a share link sees, read in the share transaction (row-level
 * security shows that one file).  A note is its sanitized HTML (the page) or Markdown (.md);
 * flowcharts and drawings are their server-drawn SVG (the page and .svg). */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "drawing_store.h"
#include "files.h"
#include "flow_doc.h"
#include "flow_store.h"
#include "http.h"
#include "note_cache.h"
#include "note_html.h"
#include "note_md.h"
#include "share.h"
#include "svg_draw.h"
#include "svg_flow.h"
#include <string.h>

static const char SQL_NOTE_CONTENT[] =
    "SELECT COALESCE(content, '') FROM notes WHERE uid = $1 AND is_deleted IS NOT TRUE";

int share_note_render(struct req *r, const char *uid, enum share_format f, struct buf *out)
{
    if (f != SHARE_PAGE && f != SHARE_MD)
        return SHARE_NO_FORMAT;
    if (!out)
        return 0;
    PGresult *res = db_query(r, SQL_NOTE_CONTENT, DB_ARGS(uid));
    if (!res)
        return SHARE_DB;
    if (PQntuples(res) != 1)
        return SHARE_NO_FORMAT;
    const char *html = db_val(res, 0, 0);
    if (f == SHARE_MD) {
        note_md_export(r->arena, html, strlen(html), out);
        return 0;
    }
    /* images: the sanitizer keeps only src="/attachments/<uid>", which a stranger may not
     * open; the link's own path serves them (page_share_attachment) */
    struct buf *view = buf_arena(r->arena);
    note_cache_view(r->arena, html, strlen(html), view, NULL);
    const char *token = r->nparams > 0 ? r->params[0] : "";
    const char *from = " src=\"/attachments/", *p = buf_cstr(view), *hit;
    buf_puts(out, "<article class=\"note-view share-note\">");
    while ((hit = strstr(p, from))) {
        buf_append(out, p, (size_t)(hit - p));
        buf_printf(out, " src=\"/s/%s/attachments/", token);
        p = hit + strlen(from);
    }
    buf_puts(out, p);
    buf_puts(out, "</article>");
    return 0;
}

int share_flowchart_render(struct req *r, const char *uid, enum share_format f, struct buf *out)
{
    if (f != SHARE_PAGE && f != SHARE_SVG)
        return SHARE_NO_FORMAT;
    if (!out)
        return 0;
    struct flow_row row;
    int rc = flow_store_load(r, uid, &row);
    if (rc == FLOW_STORE_NOT_FOUND)
        return SHARE_NO_FORMAT;
    if (rc != FLOW_STORE_OK)
        return SHARE_DB;
    struct buf *svg = buf_arena(r->arena);
    if (flow_store_svg(r, &row, svg, NULL, NULL) != 0)
        return SHARE_INVALID;
    if (f == SHARE_PAGE)
        buf_puts(out, "<figure class=\"flowchart-view share-flowchart\">");
    buf_append(out, svg->data, svg->len);
    if (f == SHARE_PAGE)
        buf_puts(out, "</figure>");
    return 0;
}

int share_drawing_render(struct req *r, const char *uid, enum share_format f, struct buf *out)
{
    if (f != SHARE_PAGE && f != SHARE_SVG)
        return SHARE_NO_FORMAT;
    if (!out)
        return 0;
    struct drawing_row row;
    int rc = drawing_load(r, uid, &row);
    if (rc == DRAWING_NOT_FOUND)
        return SHARE_NO_FORMAT;
    if (rc != DRAWING_OK)
        return SHARE_DB;
    if (f == SHARE_PAGE)
        buf_puts(out, "<figure class=\"drawing-view share-drawing\">");
    drawing_svg(r, &row, "shr", out);
    if (f == SHARE_PAGE)
        buf_puts(out, "</figure>");
    return 0;
}
