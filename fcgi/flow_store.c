/* flow_store.c — flowchart rows: load, save with optimistic locking (the version trigger
 * bumps _version; a stale base touches no row), the API's JSON shape of a row, and the
 * thumbnail of the file-kind registry.  The SQL sits next to the code reading its columns. */
#include "flow_store.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "flow_doc.h"
#include "http.h"
#include "render_cache.h"
#include "saved_by.h"
#include "svg_flow.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISO_UTC "to_char(f.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
/* Live: not in the trash, nor in a project in the trash (as files.h's sql_get). */
#define LIVE "f.is_deleted IS NOT TRUE AND NOT EXISTS (SELECT 1 FROM projects p " \
             "WHERE p.id = f.project_id AND p.is_deleted IS TRUE)"

/* columns: uid, title, data, _version, updated_at, the last saver's name */
static const char SQL_LOAD[] =
    "SELECT f.uid, f.title, f.data, coalesce(f._version, 0), " ISO_UTC ", " SAVED_BY_SQL("f.") " "
    "FROM flowcharts f WHERE f.uid = $1 AND " LIVE;

/* $1 uid, $2 data, $3 title (NULL: keep), $4 base version → uid, title, _version, updated_at,
 * the saver's name */
static const char SQL_SAVE[] =
    "UPDATE flowcharts f SET data = $2, title = coalesce($3, f.title) "
    "WHERE f.uid = $1 AND coalesce(f._version, 0) = $4::int AND " LIVE " "
    "RETURNING f.uid, f.title, f._version, " ISO_UTC ", " SAVED_BY_SQL("f.");

void flow_store_load_step(const char *const *uid, struct db_step *st)
{
    *st = (struct db_step){SQL_LOAD, uid, 1, 1};
}

int flow_store_load_from(PGresult *res, struct flow_row *row)
{
    memset(row, 0, sizeof *row);
    if (!res)
        return FLOW_STORE_DB;
    if (PQntuples(res) != 1)
        return FLOW_STORE_NOT_FOUND;
    row->uid = db_val(res, 0, 0);
    row->title = db_val(res, 0, 1);
    row->data = db_val(res, 0, 2);
    row->data_len = (size_t)PQgetlength(res, 0, 2);
    if (PQgetisnull(res, 0, 2) || flow_doc_is_empty_text(row->data, row->data_len)) {
        row->data = FLOW_DEFAULT_CHART;
        row->data_len = strlen(FLOW_DEFAULT_CHART);
    }
    row->version = strtoll(db_val(res, 0, 3), NULL, 10);
    row->updated_at = db_val(res, 0, 4);
    row->saved_by = db_val(res, 0, 5);
    return FLOW_STORE_OK;
}

int flow_store_load(struct req *r, const char *uid, struct flow_row *row)
{
    return flow_store_load_from(db_query_prepared(r, SQL_LOAD, DB_ARGS(uid)), row);
}

int flow_store_save(struct req *r, const char *uid, long long base_version, const char *title,
                    const char *data, struct flow_row *saved)
{
    const char *base = arena_printf(r->arena, "%lld", base_version);
    PGresult *res = db_query(r, SQL_SAVE, DB_ARGS(uid, data, title, base));
    memset(saved, 0, sizeof *saved);
    if (!res)
        return FLOW_STORE_DB;
    if (PQntuples(res) != 1) {
        int rc = flow_store_load(r, uid, saved);
        return rc == FLOW_STORE_OK ? FLOW_STORE_CONFLICT : rc;
    }
    saved->uid = db_val(res, 0, 0);
    saved->title = db_val(res, 0, 1);
    saved->version = strtoll(db_val(res, 0, 2), NULL, 10);
    saved->updated_at = db_val(res, 0, 3);
    saved->saved_by = db_val(res, 0, 4);
    return FLOW_STORE_OK;
}

/* put_json_string: s as a JSON string. */
static void put_json_string(struct buf *out, const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    buf_puts(out, text ? text : "\"\"");
    free(text);
    json_decref(j);
}

const char *flow_store_row_json(struct req *r, const struct flow_row *row)
{
    struct buf *out = buf_arena(r->arena);
    buf_puts(out, "{\"uid\":");
    put_json_string(out, row->uid);
    buf_puts(out, ",\"title\":");
    put_json_string(out, row->title);
    buf_puts(out, ",\"data\":");
    buf_append(out, row->data, row->data_len);
    buf_printf(out, ",\"_version\":%lld,\"updated_at\":", row->version);
    put_json_string(out, row->updated_at);
    saved_by_append(out, row->saved_by);
    buf_putc(out, '}');
    return buf_cstr(out);
}

const char *flow_store_thumb(struct req *r, const char *uid, const char *version)
{
    struct flow_row row;
    struct flow_doc doc;
    (void)version;
    if (flow_store_load(r, uid, &row) != FLOW_STORE_OK ||
        flow_doc_parse(r->arena, row.data, row.data_len, 0, &doc, NULL) != FLOW_OK)
        return "";
    struct buf *out = buf_arena(r->arena);
    return svg_flow_thumb_render(r->arena, &doc, out) == 0 ? buf_cstr(out) : "";
}

/* A drawing is kept as "nodes edges\n" and the SVG. */
int flow_store_svg(struct req *r, const struct flow_row *row, struct buf *out, size_t *nodes,
                   size_t *edges)
{
    const char *key = render_cache_key(r->arena, "flow-svg", row->data, row->data_len);
    size_t n, nn = 0, ne = 0;
    const char *hit = render_cache_get(r->arena, key, &n);
    const char *nl = hit ? memchr(hit, '\n', n) : NULL;
    if (nl && sscanf(hit, "%zu %zu", &nn, &ne) == 2) {
        buf_append(out, nl + 1, n - (size_t)(nl + 1 - hit));
    } else {
        struct flow_doc doc;
        if (flow_doc_parse(r->arena, row->data, row->data_len, 0, &doc, NULL) != FLOW_OK) {
            nn = ne = 0;
            if (nodes)
                *nodes = 0;
            if (edges)
                *edges = 0;
            return -1;
        }
        struct buf *kept = buf_arena(r->arena);
        buf_printf(kept, "%zu %zu\n", doc.nnodes, doc.nedges);
        size_t start = kept->len;
        svg_flow_render(r->arena, &doc, kept);
        render_cache_put(key, kept->data, kept->len);
        buf_append(out, kept->data + start, kept->len - start);
        nn = doc.nnodes;
        ne = doc.nedges;
    }
    if (nodes)
        *nodes = nn;
    if (edges)
        *edges = ne;
    return 0;
}
