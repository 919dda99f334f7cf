/* api_drawing.c — the drawing JSON API: GET/PUT /api/drawings/:uid (the document {uid, title,
 * data, _version, updated_at} with data as the parsed JSON value; a save names the _version
 * it started from: stale → 409 with the current document, nothing written) and GET
 * …/export?format=svg|json|png.  Errors are JSON {error, message}; any status >= 400 rolls
 * the transaction back. */
#include "arena.h"
#include "buf.h"
#include "draw_doc.h"
#include "drawing_store.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "png.h"
#include "saved_by.h"
#include "svg_draw.h"
#include "view.h"
#include <string.h>


static void not_found(struct req *r)
{
    resp_json_error(r, 404, "not_found", "There is no such drawing.");
}

/* drawing_uid: the :uid parameter, or NULL after answering 404. */
static const char *drawing_uid(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    if (!uid_valid(uid)) {
        not_found(r);
        return NULL;
    }
    return uid;
}

/* load_or_answer: the drawing into *row; 0, or -1 after answering 404/500/503. */
static int load_or_answer(struct req *r, const char *uid, struct drawing_row *row)
{
    int rc = drawing_load(r, uid, row);
    if (rc == DRAWING_NOT_FOUND)
        not_found(r);
    else if (rc != DRAWING_OK)
        page_db_error(r);
    return rc == DRAWING_OK ? 0 : -1;
}

void api_drawing_get(struct req *r)
{
    struct drawing_row row;
    const char *uid = drawing_uid(r);
    if (!uid || load_or_answer(r, uid, &row) != 0)
        return;
    struct buf *out = buf_arena(r->arena);
    drawing_json(r, &row, out);
    resp_text(r, 200, "application/json; charset=utf-8", buf_cstr(out), out->len);
}

/* parse_or_answer: the body as a save; 0, or -1 after answering 400/413/422. */
static int parse_or_answer(struct req *r, struct draw_put *put)
{
    struct buf *err = buf_arena(r->arena);
    int rc = draw_put_parse(r->arena, r->body ? r->body : "", r->body_len, DRAW_STRICT, put, err);
    if (rc == DRAW_ERR_SYNTAX)
        resp_json_error(r, 400, "bad_request", "%s", buf_cstr(err));
    else if (rc == DRAW_ERR_TOO_BIG)
        resp_json_error(r, 413, "too_large", "%s", buf_cstr(err));
    else if (rc != DRAW_OK)
        resp_json_error(r, 422, "invalid", "%s", buf_cstr(err));
    else if (!put->has_data)
        resp_json_error(r, 422, "invalid", "data: is missing");
    else if (!put->has_version || put->version < 0)
        resp_json_error(r, 422, "invalid", "_version: is missing or not a non-negative integer "
                        "(send the version you loaded)");
    else
        return 0;
    return -1;
}

/* title_or_answer: the trimmed title (NULL: keep the stored one); 0, or -1 after 422. */
static int title_or_answer(struct req *r, const struct draw_put *put, const char **title)
{
    *title = NULL;
    if (!put->title)
        return 0;
    const char *t = arena_strtrim(r->arena, put->title);
    if (!*t || strlen(t) > FILE_NAME_MAX) {
        resp_json_error(r, 422, "invalid", "title: enter 1 to %d characters", FILE_NAME_MAX);
        return -1;
    }
    *title = t;
    return 0;
}

static void resp_conflict(struct req *r, const struct drawing_row *current)
{
    struct buf *out = buf_arena(r->arena);
    buf_puts(out, "{\"error\":\"conflict\",\"message\":\"The drawing was changed elsewhere since "
                  "you loaded it; nothing was saved.\",\"current\":");
    drawing_json(r, current, out);
    buf_putc(out, '}');
    resp_text(r, 409, "application/json; charset=utf-8", buf_cstr(out), out->len);
}

void api_drawing_put(struct req *r)
{
    struct draw_put put;
    struct drawing_row saved, current;
    const char *title;
    const char *uid = drawing_uid(r);
    if (!uid || parse_or_answer(r, &put) != 0 || title_or_answer(r, &put, &title) != 0)
        return;
    struct buf *data = buf_arena(r->arena);
    draw_doc_write_text(&put.doc, r->body + put.data_off, put.data_len, data);
    int rc = drawing_save(r, uid, put.version, buf_cstr(data), data->len, title, &saved, &current);
    if (rc == DRAWING_OK) {
        json_t *j = json_pack("{s:s, s:s, s:I, s:s}", "uid", saved.uid, "title", saved.title,
                              "_version", (json_int_t)saved.version, "updated_at",
                              view_iso(r->arena, saved.updated));
        saved_by_set(j, saved.saved_by);
        resp_json(r, 200, j);
    } else if (rc == DRAWING_CONFLICT)
        resp_conflict(r, &current);
    else if (rc == DRAWING_NOT_FOUND)
        not_found(r);
    else
        page_db_error(r);
}

/* ---- export ----------------------------------------------------------------------------- */


enum export_kind { EX_SVG, EX_JSON, EX_PNG };
static const struct { const char *name, *type, *ext; } export_kinds[] = {
    [EX_SVG] = {"svg", "image/svg+xml; charset=utf-8", ".svg"},
    [EX_JSON] = {"json", "application/json; charset=utf-8", ".json"},
    [EX_PNG] = {"png", "image/png", ".png"},
};

/* render: the export of row in kind k into out; 0, or -1 after answering. */
static int render(struct req *r, struct drawing_row *row, enum export_kind k, struct buf *out)
{
    if (k == EX_JSON) {
        buf_append(out, row->data, row->data_len);
        return 0;
    }
    struct buf *svg = k == EX_SVG ? out : buf_arena(r->arena);
    drawing_svg(r, row, "drw", svg);
    if (k == EX_SVG)
        return 0;
    int rc = png_from_svg(svg->data, svg->len, 1, 1, out);
    if (rc == PNG_ERR_TOO_BIG)
        resp_json_error(r, 422, "too_large", "The drawing is too large for a PNG image; "
                        "export it as SVG.");
    else if (rc != PNG_OK)
        resp_json_error(r, 500, "export_failed", "The drawing could not be exported.");
    return rc == PNG_OK ? 0 : -1;
}

void api_drawing_export(struct req *r)
{
    const char *uid = drawing_uid(r);
    const char *name = req_query(r, "format");
    struct drawing_row row;
    int k = -1;
    if (!uid)
        return;
    for (int i = 0; name && i < (int)(sizeof export_kinds / sizeof export_kinds[0]); i++)
        if (strcmp(export_kinds[i].name, name) == 0)
            k = i;
    if (k < 0) {
        resp_json_error(r, 422, "invalid", "format: use svg, json or png");
        return;
    }
    if (load_or_answer(r, uid, &row) != 0)
        return;
    struct buf *body = buf_arena(r->arena);
    if (render(r, &row, (enum export_kind)k, body) != 0)
        return;
    resp_text(r, 200, export_kinds[k].type, body->data ? body->data : "", body->len);
    resp_headerf(r, "Content-Disposition", "attachment; filename=\"%s%s\"",
                 file_download_name(r->arena, row.title, "drawing"), export_kinds[k].ext);
}
