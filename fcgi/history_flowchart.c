/* history_flowchart.c — the version history of flowcharts (history.h): a snapshot is the
 * row as JSON with `data` as the stored text (the audit trigger's row, or the application's
 * {uid, title, data, _version}), drawn with svg_flow, compared node by node and edge by edge
 * (history_items_diff) and restored byte for byte with flow_store_save. */
#include "arena.h"
#include "buf.h"
#include "flow_doc.h"
#include "flow_store.h"
#include "history.h"
#include "http.h"
#include "svg_flow.h"
#include <stdlib.h>
#include <string.h>

static int current(struct req *r, const char *uid, struct history_doc *d, const char **text)
{
    struct flow_row row;
    int rc = flow_store_load(r, uid, &row);
    if (rc != FLOW_STORE_OK)
        return rc == FLOW_STORE_NOT_FOUND ? HISTORY_NOT_FOUND : HISTORY_DB;
    *d = (struct history_doc){row.title, row.data, row.data_len, row.version, row.updated_at};
    json_t *j = json_pack("{s:s, s:s, s:s%, s:I}", "uid", row.uid, "title", row.title, "data",
                          row.data, row.data_len, "_version", (json_int_t)row.version);
    char *s = json_dumps(j, JSON_COMPACT);
    *text = arena_strdup(r->arena, s ? s : "{}");
    free(s);
    json_decref(j);
    return HISTORY_OK;
}

static int decode(struct req *r, const char *text, size_t len, struct history_doc *d)
{
    json_t *row = json_loadb(text, len, 0, NULL);
    const json_t *title = json_object_get(row, "title"), *data = json_object_get(row, "data");
    memset(d, 0, sizeof *d);
    if (json_is_string(title)) {
        char *dumped = json_is_string(data) ? NULL : json_dumps(data, JSON_COMPACT | JSON_ENCODE_ANY);
        d->title = arena_strdup(r->arena, json_string_value(title));
        d->body = json_is_string(data) ? arena_strndup(r->arena, json_string_value(data),
                                                       json_string_length(data))
                                       : arena_strdup(r->arena, dumped ? dumped : "");
        free(dumped);
        if (flow_doc_is_empty_text(d->body, strlen(d->body)))
            d->body = FLOW_DEFAULT_CHART;   /* what flow_store_load answers for such a row */
        d->body_len = strlen(d->body);
    }
    json_decref(row);
    return d->title ? HISTORY_OK : HISTORY_INVALID;
}

static const char *doc_json(struct req *r, const char *uid, const struct history_doc *d)
{
    struct flow_row row = {uid, d->title, d->body, d->body_len, d->version,
                           d->updated_at ? d->updated_at : "", NULL};
    return flow_store_row_json(r, &row);
}

static void render(struct req *r, const struct history_doc *d, struct buf *out)
{
    struct flow_doc doc;
    if (flow_doc_parse(r->arena, d->body, d->body_len, 0, &doc, NULL) != FLOW_OK)
        memset(&doc, 0, sizeof doc);
    svg_flow_render(r->arena, &doc, out);
}

static json_t *compare(struct req *r, const struct history_doc *a, const struct history_doc *b)
{
    (void)r;
    json_t *ja = json_loadb(a->body, a->body_len, 0, NULL);
    json_t *jb = json_loadb(b->body, b->body_len, 0, NULL);
    json_t *out = json_pack("{s:o, s:o}",
        "nodes", history_items_diff(json_object_get(ja, "nodes"), json_object_get(jb, "nodes"), "label"),
        "edges", history_items_diff(json_object_get(ja, "edges"), json_object_get(jb, "edges"), "label"));
    json_decref(ja);
    json_decref(jb);
    return out;
}

static int restore(struct req *r, const char *uid, const struct history_doc *d, long long base,
                   struct buf *err)
{
    struct flow_row saved;
    if (flow_doc_parse(r->arena, d->body, d->body_len, 0, &(struct flow_doc){0}, err) != FLOW_OK)
        return HISTORY_INVALID;
    int rc = flow_store_save(r, uid, base, d->title, d->body, &saved);
    return rc == FLOW_STORE_OK ? HISTORY_OK : rc == FLOW_STORE_CONFLICT ? HISTORY_CONFLICT
         : rc == FLOW_STORE_NOT_FOUND ? HISTORY_NOT_FOUND : HISTORY_DB;
}

const struct history_ops history_flowchart = {current, decode, doc_json, render, compare, restore};
