/* api_flowchart.c — the flowchart JSON API: GET/PUT /api/flowcharts/:uid (the document as
 * ERD Builder Pro stores it, with optimistic locking) and GET …/export?format=svg|json|png.
 * A save stores the `data` text exactly as the client sent it, once it has been checked, so
 * fields we do not edit are kept byte for byte.  Errors are JSON {error, message}; any
 * status >= 400 rolls the transaction back. */
#include "arena.h"
#include "buf.h"
#include "files.h"
#include "flow_doc.h"
#include "flow_store.h"
#include "handlers.h"
#include "http.h"
#include "png.h"
#include "saved_by.h"
#include "svg_flow.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>


static void not_found(struct req *r)
{
    resp_json_error(r, 404, "not_found", "There is no such flowchart.");
}

/* flowchart_uid: the :uid parameter, or NULL after answering 404 when it cannot be one. */
static const char *flowchart_uid(struct req *r)
{
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    if (!uid_valid(uid)) {
        not_found(r);
        return NULL;
    }
    return uid;
}

/* load_or_answer: the flowchart's row; 0, or -1 after answering 404/500/503. */
static int load_or_answer(struct req *r, const char *uid, struct flow_row *row)
{
    int rc = flow_store_load(r, uid, row);
    if (rc == FLOW_STORE_NOT_FOUND)
        not_found(r);
    else if (rc != FLOW_STORE_OK)
        page_db_error(r);
    return rc == FLOW_STORE_OK ? 0 : -1;
}

void api_flowchart_get(struct req *r)
{
    struct flow_row row;
    const char *uid = flowchart_uid(r);
    if (!uid || load_or_answer(r, uid, &row) != 0)
        return;
    const char *json = flow_store_row_json(r, &row);
    resp_text(r, 200, "application/json; charset=utf-8", json, strlen(json));
}

/* ---- PUT: finding the text of `data` in the body ----------------------------------------- */

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* skip_string: past the JSON string starting at p (on its opening quote). */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end && *p != '"'; p++)
        if (*p == '\\')
            p++;
    return p < end ? p + 1 : end;
}

/* skip_value: past the JSON value starting at p (text already known to be valid JSON). */
static const char *skip_value(const char *p, const char *end)
{
    if (p < end && *p == '"')
        return skip_string(p, end);
    if (p < end && (*p == '{' || *p == '[')) {
        int depth = 0;
        while (p < end) {
            if (*p == '"') {
                p = skip_string(p, end);
                continue;
            }
            depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
            p++;
            if (depth == 0)
                break;
        }
        return p;
    }
    while (p < end && !strchr(",}] \t\r\n", *p))
        p++;
    return p;
}

/* key_is: the raw JSON string k[0..n) (quotes included) decodes to name. */
static int key_is(const char *k, size_t n, const char *name)
{
    size_t len = strlen(name);
    if (!memchr(k, '\\', n))
        return n == len + 2 && memcmp(k + 1, name, len) == 0;
    json_t *s = json_loadb(k, n, JSON_DECODE_ANY, NULL);
    int same = json_is_string(s) && strcmp(json_string_value(s), name) == 0;
    json_decref(s);
    return same;
}

/* member_text: the text of member name of the JSON object text[0..len) (already parsed, so
 * known to be valid); 0 with [*start, *end), or -1 when there is none. */
static int member_text(const char *text, size_t len, const char *name, const char **start,
                       const char **stop)
{
    const char *end = text + len, *p = skip_ws(text, end);
    if (p == end || *p++ != '{')
        return -1;
    for (;;) {
        p = skip_ws(p, end);
        if (p == end || *p != '"')
            return -1;
        const char *k = p;
        p = skip_string(p, end);
        size_t klen = (size_t)(p - k);
        p = skip_ws(p, end);
        if (p == end || *p++ != ':')
            return -1;
        p = skip_ws(p, end);
        const char *v = p;
        p = skip_value(p, end);
        if (key_is(k, klen, name)) {
            *start = v, *stop = p;
            return 0;
        }
        p = skip_ws(p, end);
        if (p == end || *p++ != ',')
            return -1;
    }
}

/* ---- PUT -------------------------------------------------------------------------------- */

struct put_body {
    long long base_version;
    const char *title;            /* NULL: keep */
    const char *data;             /* the document's text as sent */
};

/* body_title: the trimmed title, or NULL when absent/null; -1 after answering 422. */
static int body_title(struct req *r, const json_t *body, struct put_body *pb)
{
    const json_t *t = json_object_get(body, "title");
    pb->title = NULL;
    if (!t || json_is_null(t))
        return 0;
    const char *title = json_is_string(t) ? arena_strtrim(r->arena, json_string_value(t)) : "";
    if (!*title || strlen(title) > FILE_NAME_MAX) {
        resp_json_error(r, 422, "invalid", "title: enter a name of 1 to %d characters",
                        FILE_NAME_MAX);
        return -1;
    }
    pb->title = title;
    return 0;
}

/* body_data: the text of `data` (an object as sent, or the JSON text inside a string, as
 * ERD Builder Pro's own API sends it), checked; -1 after answering 422. */
static int body_data(struct req *r, const json_t *body, struct put_body *pb)
{
    const json_t *d = json_object_get(body, "data");
    struct buf *err = buf_arena(r->arena);
    struct flow_doc doc;
    const char *start, *stop;
    int rc;
    if (json_is_string(d)) {
        pb->data = arena_strndup(r->arena, json_string_value(d), json_string_length(d));
        rc = flow_doc_parse(r->arena, pb->data, json_string_length(d), 1, &doc, err);
    } else if (json_is_object(d) && member_text(r->body, r->body_len, "data", &start, &stop) == 0) {
        pb->data = arena_strndup(r->arena, start, (size_t)(stop - start));
        rc = flow_doc_read(r->arena, d, 1, &doc, err);
    } else {
        resp_json_error(r, 422, "invalid", "data: is missing or not an object with nodes and edges");
        return -1;
    }
    if (rc != FLOW_OK) {
        resp_json_error(r, 422, "invalid", "%s", buf_cstr(err));
        return -1;
    }
    return 0;
}

/* read_put_body: the PUT body's fields; 0, or -1 after answering 400/413/422. */
static int read_put_body(struct req *r, struct put_body *pb)
{
    json_error_t je;
    if (r->body_len > FLOW_MAX_BYTES) {
        resp_json_error(r, 413, "too_large", "A flowchart may be at most %u bytes.", FLOW_MAX_BYTES);
        return -1;
    }
    json_t *body = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!body) {
        resp_json_error(r, 400, "bad_request", "The body is not JSON: %s (line %d, column %d).",
                        je.text, je.line, je.column);
        return -1;
    }
    view_keep(r, body);
    if (!json_is_object(body)) {
        resp_json_error(r, 422, "invalid", "Send an object {title, data, _version}.");
        return -1;
    }
    const json_t *v = json_object_get(body, "_version");
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 2147483647) {
        resp_json_error(r, 422, "invalid", "_version: is missing or not a non-negative integer "
                        "(send the version you loaded)");
        return -1;
    }
    pb->base_version = json_integer_value(v);
    return body_title(r, body, pb) == 0 && body_data(r, body, pb) == 0 ? 0 : -1;
}

/* resp_conflict: 409 with the stored document as GET answers it. */
static void resp_conflict(struct req *r, const struct flow_row *current)
{
    struct buf *out = buf_arena(r->arena);
    buf_puts(out, "{\"error\":\"conflict\",\"message\":\"The flowchart was changed elsewhere since "
                  "you loaded it; nothing was saved.\",\"current\":");
    buf_puts(out, flow_store_row_json(r, current));
    buf_putc(out, '}');
    resp_text(r, 409, "application/json; charset=utf-8", buf_cstr(out), out->len);
}

void api_flowchart_put(struct req *r)
{
    struct put_body pb;
    struct flow_row saved;
    const char *uid = flowchart_uid(r);
    if (!uid || read_put_body(r, &pb) != 0)
        return;
    int rc = flow_store_save(r, uid, pb.base_version, pb.title, pb.data, &saved);
    if (rc == FLOW_STORE_OK) {
        json_t *j = json_pack("{s:s, s:s, s:I, s:s}", "uid", saved.uid, "title", saved.title,
                              "_version", (json_int_t)saved.version, "updated_at", saved.updated_at);
        saved_by_set(j, saved.saved_by);
        resp_json(r, 200, j);
    } else if (rc == FLOW_STORE_CONFLICT)
        resp_conflict(r, &saved);
    else if (rc == FLOW_STORE_NOT_FOUND)
        not_found(r);
    else
        page_db_error(r);
}

/* ---- export ----------------------------------------------------------------------------- */


/* export_svg: the stored document drawn (whatever can be drawn of it). */
static void export_svg(struct req *r, const struct flow_row *row, struct buf *out)
{
    struct flow_doc doc;
    if (flow_store_svg(r, row, out, NULL, NULL) != 0) {
        memset(&doc, 0, sizeof doc);
        svg_flow_render(r->arena, &doc, out);
    }
}

/* export_png: the SVG as a PNG (scale from ?scale=1..4, default 2); 0, or -1 after
 * answering. */
static int export_png(struct req *r, const struct flow_row *row, struct buf *out)
{
    long long scale = 2;
    struct buf *svg = buf_arena(r->arena);
    if (req_query_int(r, "scale", 1, 4, 2, &scale) != 0) {
        resp_json_error(r, 422, "invalid", "scale: use a whole number from 1 to 4");
        return -1;
    }
    export_svg(r, row, svg);
    int rc = png_from_svg(buf_cstr(svg), svg->len, (double)scale, 1, out);
    if (rc == PNG_ERR_TOO_BIG)
        resp_json_error(r, 422, "too_big", "The flowchart is too large for a PNG at this scale; "
                        "export SVG instead.");
    else if (rc != PNG_OK)
        resp_json_error(r, 500, "export_failed", "The flowchart could not be drawn as PNG.");
    return rc == PNG_OK ? 0 : -1;
}

void api_flowchart_export(struct req *r)
{
    struct flow_row row;
    const char *uid = flowchart_uid(r);
    const char *format = req_query(r, "format");
    static const char *const formats[][3] = {
        {"svg", "image/svg+xml; charset=utf-8", ".svg"},
        {"json", "application/json; charset=utf-8", ".json"},
        {"png", "image/png", ".png"},
    };
    int f = -1;
    for (int i = 0; format && i < 3; i++)
        if (strcmp(format, formats[i][0]) == 0)
            f = i;
    if (!uid)
        return;
    if (f < 0) {
        resp_json_error(r, 422, "invalid", "format: use svg, json or png");
        return;
    }
    if (load_or_answer(r, uid, &row) != 0)
        return;
    struct buf *body = buf_arena(r->arena);
    if (f == 0)
        export_svg(r, &row, body);
    else if (f == 1)
        buf_append(body, row.data, row.data_len);
    else if (export_png(r, &row, body) != 0)
        return;
    resp_text(r, 200, formats[f][1], body->data ? body->data : "", body->len);
    resp_headerf(r, "Content-Disposition", "attachment; filename=\"%s%s\"",
                 file_download_name(r->arena, row.title, "flowchart"), formats[f][2]);
}
