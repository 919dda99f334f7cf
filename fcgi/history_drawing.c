/* history_drawing.c — the version history of drawings (history.h): a snapshot is the row as
 * JSON with `data` as the stored text (the audit trigger's row, or the application's {uid,
 * title, data, _version}; a bare element array of older data is read too), drawn with
 * svg_draw, compared element by element (history_items_diff, labelled by their text) and
 * restored byte for byte with drawing_save. */
#define _XOPEN_SOURCE 700
#include "arena.h"
#include "buf.h"
#include "draw_doc.h"
#include "drawing_store.h"
#include "history.h"
#include "http.h"
#include "svg_draw.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int current(struct req *r, const char *uid, struct history_doc *d, const char **text)
{
    struct drawing_row row;
    int rc = drawing_load(r, uid, &row);
    if (rc != DRAWING_OK)
        return rc == DRAWING_NOT_FOUND ? HISTORY_NOT_FOUND : HISTORY_DB;
    struct buf *doc = buf_arena(r->arena);
    drawing_json(r, &row, doc);
    *d = (struct history_doc){row.title, row.data, row.data_len, row.version, NULL};
    json_t *j = json_loadb(doc->data, doc->len, 0, NULL);
    d->updated_at = arena_strdup(r->arena, json_string_value(json_object_get(j, "updated_at")));
    json_t *snap = json_pack("{s:s, s:s, s:s%, s:I}", "uid", row.uid, "title", row.title, "data",
                             row.data, row.data_len, "_version", (json_int_t)row.version);
    char *s = json_dumps(snap, JSON_COMPACT);
    *text = arena_strdup(r->arena, s ? s : "{}");
    free(s);
    json_decref(snap);
    json_decref(j);
    return HISTORY_OK;
}

/* object_form: the drawing text as {"elements","appState","files"} (a bare array wrapped). */
static const char *object_form(struct req *r, const char *text, size_t len, size_t *out_len)
{
    struct draw_doc doc;
    struct buf err = BUF_INIT, *out = buf_arena(r->arena);
    int rc = draw_doc_parse(r->arena, text, len, 0, &doc, &err);
    buf_free(&err);
    if (rc != DRAW_OK)
        return NULL;
    draw_doc_write_text(&doc, text, len, out);
    *out_len = out->len;
    return buf_cstr(out);
}

static int decode(struct req *r, const char *text, size_t len, struct history_doc *d)
{
    json_t *row = json_loadb(text, len, 0, NULL);
    const json_t *title = json_object_get(row, "title"), *data = json_object_get(row, "data");
    memset(d, 0, sizeof *d);
    if (json_is_string(title)) {
        char *dumped = json_is_string(data) || json_is_null(data) || !data
                           ? NULL : json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY);
        const char *raw = json_is_string(data) ? json_string_value(data) : dumped ? dumped : DRAW_EMPTY_JSON;
        size_t raw_len = json_is_string(data) ? json_string_length(data) : strlen(raw);
        d->body = object_form(r, raw, raw_len, &d->body_len);
        d->title = d->body ? arena_strdup(r->arena, json_string_value(title)) : NULL;
        free(dumped);
    }
    json_decref(row);
    return d->title ? HISTORY_OK : HISTORY_INVALID;
}

/* epoch_of: an ISO-8601 UTC time ("2026-12-01T07:09:58Z", fractions ignored) as seconds. */
static double epoch_of(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return (double)timegm(&tm);
}

static const char *doc_json(struct req *r, const char *uid, const struct history_doc *d)
{
    struct drawing_row row;
    memset(&row, 0, sizeof row);
    row.uid = uid, row.title = d->title, row.data = d->body, row.data_len = d->body_len;
    row.version = d->version, row.updated = epoch_of(d->updated_at);
    struct buf *out = buf_arena(r->arena);
    drawing_json(r, &row, out);
    return buf_cstr(out);
}

static void render(struct req *r, const struct history_doc *d, struct buf *out)
{
    struct draw_doc doc;
    struct svg_draw_opts opts = {.id_prefix = "hist"};
    if (draw_doc_parse(r->arena, d->body, d->body_len, 0, &doc, NULL) != DRAW_OK)
        draw_doc_parse(r->arena, DRAW_EMPTY_JSON, strlen(DRAW_EMPTY_JSON), 0, &doc, NULL);
    svg_draw_render(r->arena, &doc, &opts, out);
}

static json_t *compare(struct req *r, const struct history_doc *a, const struct history_doc *b)
{
    (void)r;
    json_t *ja = json_loadb(a->body, a->body_len, 0, NULL);
    json_t *jb = json_loadb(b->body, b->body_len, 0, NULL);
    json_t *out = json_pack("{s:o}", "elements",
        history_items_diff(json_object_get(ja, "elements"), json_object_get(jb, "elements"), "text"));
    json_decref(ja);
    json_decref(jb);
    return out;
}

static int restore(struct req *r, const char *uid, const struct history_doc *d, long long base,
                   struct buf *err)
{
    struct drawing_row saved, cur;
    struct draw_doc doc;
    if (draw_doc_parse(r->arena, d->body, d->body_len, 0, &doc, err) != DRAW_OK)
        return HISTORY_INVALID;
    int rc = drawing_save(r, uid, base, d->body, d->body_len, d->title, &saved, &cur);
    return rc == DRAWING_OK ? HISTORY_OK : rc == DRAWING_CONFLICT ? HISTORY_CONFLICT
         : rc == DRAWING_NOT_FOUND ? HISTORY_NOT_FOUND : HISTORY_DB;
}

const struct history_ops history_drawing = {current, decode, doc_json, render, compare, restore};
