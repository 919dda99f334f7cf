/* drawing_store.c — loading and saving a drawing's row (see drawing_store.h).  The data text
 * goes to and from the database untouched (a bare array is the one exception: it is sent and
 * stored in the object form), so every field we do not draw stays byte for byte. */
#include "drawing_store.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "render_cache.h"
#include "saved_by.h"
#include "svg_draw.h"
#include "view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_LOAD[] =
    "SELECT d.uid, d.title, d.data, coalesce(d._version, 0), extract(epoch from d.updated_at), "
    "coalesce(p.uid, ''), coalesce(p.name, ''), " SAVED_BY_SQL("d.") " "
    "FROM drawings d LEFT JOIN projects p ON p.id = d.project_id "
    "WHERE d.uid = $1 AND d.is_deleted IS NOT TRUE AND (p.id IS NULL OR p.is_deleted IS NOT TRUE)";

static const char SQL_SAVE[] =
    "UPDATE drawings SET data = $2, title = coalesce($3, title) "
    "WHERE uid = $1 AND coalesce(_version, 0) = $4::int AND is_deleted IS NOT TRUE "
    "RETURNING uid, title, _version, extract(epoch from updated_at), " SAVED_BY_SQL("");

/* blank: s is NULL or only white space. */
static int blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* read_data: the stored text as the data clients get.  A text read before (the render cache
 * keeps "o" for the object form or "a" for a bare array under a digest of it) is not read
 * again: only drawing_doc reads it, when something draws it on a render-cache miss. */
static void read_data(struct req *r, const char *stored, size_t len, struct drawing_row *row)
{
    struct buf *err = buf_arena(r->arena);
    struct buf *out = buf_arena(r->arena);
    row->stored = stored;
    row->stored_len = len;
    row->parsed = 1;
    const char *digest = blank(stored) ? NULL : render_cache_digest(r->arena, stored, len);
    const char *key = digest ? arena_printf(r->arena, "draw-read:%s", digest) : NULL;
    size_t n;
    const char *hit = key ? render_cache_get(r->arena, key, &n) : NULL;
    if (hit) {
        struct draw_doc form = {.bare_array = *hit == 'a'};
        draw_doc_write_text(&form, stored, len, out);
        row->parsed = 0;
        row->digest = digest;
        row->data = buf_cstr(out);
        row->data_len = out->len;
        return;
    }
    if (blank(stored) || draw_doc_parse(r->arena, stored, len, 0, &row->doc, err) != DRAW_OK) {
        if (!blank(stored)) {
            row->unreadable = 1;
            log_msg("drawing %s: stored data unreadable: %s", row->uid, buf_cstr(err));
        }
        memset(&row->doc, 0, sizeof row->doc);
        row->data = DRAW_EMPTY_JSON;
        row->data_len = strlen(DRAW_EMPTY_JSON);
        return;
    }
    draw_doc_write_text(&row->doc, stored, len, out);
    row->data = buf_cstr(out);
    row->data_len = out->len;
    row->digest = digest;
    render_cache_put(key, row->doc.bare_array ? "a" : "o", 1);
}

const struct draw_doc *drawing_doc(struct req *r, struct drawing_row *row)
{
    if (!row->parsed) {
        struct buf *err = buf_arena(r->arena);
        if (draw_doc_parse(r->arena, row->stored, row->stored_len, 0, &row->doc, err) != DRAW_OK)
            memset(&row->doc, 0, sizeof row->doc);   /* read once before: cannot happen */
        row->parsed = 1;
    }
    return &row->doc;
}

void drawing_svg(struct req *r, struct drawing_row *row, const char *id_prefix, struct buf *out)
{
    struct svg_draw_opts opts = {id_prefix};
    const char *key = row->digest ? arena_printf(r->arena, "draw-svg:%s:%s", id_prefix,
                                                 row->digest) : NULL;
    size_t n;
    const char *hit = key ? render_cache_get(r->arena, key, &n) : NULL;
    if (hit) {
        buf_append(out, hit, n);
        return;
    }
    size_t start = out->len;
    svg_draw_render(r->arena, drawing_doc(r, row), &opts, out);
    if (key)
        render_cache_put(key, out->data + start, out->len - start);
}

void drawing_load_step(const char *const *uid, struct db_step *st)
{
    *st = (struct db_step){SQL_LOAD, uid, 1, 1};
}

int drawing_load_from(struct req *r, PGresult *res, struct drawing_row *row)
{
    memset(row, 0, sizeof *row);
    if (!res)
        return DRAWING_DB;
    if (PQntuples(res) != 1)
        return DRAWING_NOT_FOUND;
    row->uid = db_val(res, 0, 0);
    row->title = db_val(res, 0, 1);
    row->version = db_int(res, 0, 3);
    row->updated = strtod(db_val(res, 0, 4), NULL);
    row->project_uid = db_val(res, 0, 5);
    row->project_name = db_val(res, 0, 6);
    row->saved_by = db_val(res, 0, 7);
    read_data(r, db_isnull(res, 0, 2) ? NULL : db_val(res, 0, 2),
              (size_t)PQgetlength(res, 0, 2), row);
    return DRAWING_OK;
}

int drawing_load(struct req *r, const char *uid, struct drawing_row *row)
{
    return drawing_load_from(r, db_query_prepared(r, SQL_LOAD, DB_ARGS(uid)), row);
}

int drawing_save(struct req *r, const char *uid, long long base, const char *data, size_t len,
                 const char *title, struct drawing_row *saved, struct drawing_row *current)
{
    char vbuf[24];
    snprintf(vbuf, sizeof vbuf, "%lld", base);
    const char *text = arena_strndup(r->arena, data, len);
    PGresult *res = db_query(r, SQL_SAVE, DB_ARGS(uid, text, title, vbuf));
    if (!res)
        return DRAWING_DB;
    if (PQntuples(res) == 1) {
        memset(saved, 0, sizeof *saved);
        saved->uid = db_val(res, 0, 0);
        saved->title = db_val(res, 0, 1);
        saved->version = db_int(res, 0, 2);
        saved->updated = strtod(db_val(res, 0, 3), NULL);
        saved->saved_by = db_val(res, 0, 4);
        return DRAWING_OK;
    }
    int rc = drawing_load(r, uid, current);
    return rc == DRAWING_OK ? DRAWING_CONFLICT : rc;
}

/* put_json_string: s as a JSON string. */
static void put_json_string(struct buf *out, const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    buf_puts(out, t ? t : "\"\"");
    free(t);
    json_decref(j);
}

void drawing_json(struct req *r, const struct drawing_row *row, struct buf *out)
{
    buf_puts(out, "{\"uid\":");
    put_json_string(out, row->uid);
    buf_puts(out, ",\"title\":");
    put_json_string(out, row->title);
    buf_puts(out, ",\"data\":");
    buf_append(out, row->data, row->data_len);
    buf_printf(out, ",\"_version\":%lld,\"updated_at\":", row->version);
    put_json_string(out, view_iso(r->arena, row->updated));
    saved_by_append(out, row->saved_by);
    buf_putc(out, '}');
}
