/* history_diagram.c — the version history of diagrams (history.h): a snapshot is the whole
 * model as the API writes it (erd_doc_write_json of the stored diagram), drawn with the
 * server's ERD renderer, compared with erd_diff (tables, columns, relationships and the
 * PostgreSQL migration script) and restored with erd_store_save.  A diagram's insert row
 * (written by the audit trigger, with no tables) reads as an empty model with its name. */
#include "arena.h"
#include "buf.h"
#include "erd_diff.h"
#include "erd_doc.h"
#include "erd_store.h"
#include "history.h"
#include "http.h"
#include "svg_erd.h"
#include <string.h>

static int current(struct req *r, const char *uid, struct history_doc *d, const char **text)
{
    struct erd_doc doc;
    int rc = erd_store_load(r, uid, &doc);
    if (rc != ERD_STORE_OK)
        return rc == ERD_STORE_NOT_FOUND ? HISTORY_NOT_FOUND : HISTORY_DB;
    struct buf *out = buf_arena(r->arena);
    erd_doc_write_json(&doc, out);
    memset(d, 0, sizeof *d);
    d->title = doc.name ? doc.name : "";
    d->body = *text = buf_cstr(out);
    d->body_len = out->len;
    d->version = doc.version;
    return HISTORY_OK;
}

/* parse: d's model (always readable: decode wrote or checked it). */
static void parse(struct req *r, const struct history_doc *d, struct erd_doc *doc)
{
    if (erd_doc_parse(r->arena, d->body, d->body_len, doc, buf_arena(r->arena)) != ERD_PARSE_OK)
        memset(doc, 0, sizeof *doc);
}

static int decode(struct req *r, const char *text, size_t len, struct history_doc *d)
{
    struct erd_doc doc;
    memset(d, 0, sizeof *d);
    if (erd_doc_parse(r->arena, text, len, &doc, buf_arena(r->arena)) == ERD_PARSE_OK) {
        d->title = doc.name ? doc.name : "";
        d->body = text;
        d->body_len = len;
        return HISTORY_OK;
    }
    /* the trigger's row JSON of a diagram: its name, no tables */
    json_t *row = json_loadb(text, len, 0, NULL);
    const json_t *name = json_object_get(row, "name");
    memset(&doc, 0, sizeof doc);
    doc.name = arena_strdup(r->arena, json_is_string(name) ? json_string_value(name) : "");
    json_decref(row);
    if (!json_is_string(name))
        return HISTORY_INVALID;
    struct buf *out = buf_arena(r->arena);
    erd_doc_write_json(&doc, out);
    d->title = doc.name;
    d->body = buf_cstr(out);
    d->body_len = out->len;
    return HISTORY_OK;
}

static const char *doc_json(struct req *r, const char *uid, const struct history_doc *d)
{
    struct erd_doc doc;
    parse(r, d, &doc);
    doc.uid = uid;
    doc.version = d->version;
    doc.has_version = true;
    struct buf *out = buf_arena(r->arena);
    erd_doc_write_json(&doc, out);
    return buf_cstr(out);
}

static void render(struct req *r, const struct history_doc *d, struct buf *out)
{
    static _Thread_local unsigned n;   /* marker ids differ between two drawings of a page */
    struct erd_doc doc;
    parse(r, d, &doc);
    struct svg_erd_opts opts = {.id_prefix = arena_printf(r->arena, "erdh%u", ++n)};
    svg_erd_render(&doc, &opts, out);
}

static json_t *compare(struct req *r, const struct history_doc *a, const struct history_doc *b)
{
    struct erd_doc da, db;
    parse(r, a, &da);
    parse(r, b, &db);
    struct buf *sql = buf_arena(r->arena);
    json_t *diff = erd_diff(&da, &db, sql);
    return json_pack("{s:o, s:s%}", "diff", diff ? diff : json_null(), "sql", buf_cstr(sql),
                     sql->len);
}

static int restore(struct req *r, const char *uid, const struct history_doc *d, long long base,
                   struct buf *err)
{
    struct erd_doc doc, cur;
    struct erd_store_saved saved;
    parse(r, d, &doc);
    doc.uid = NULL;
    doc.name = d->title;
    int rc = erd_store_save(r, uid, (int)base, &doc, &saved, &cur, err);
    static const int map[] = {HISTORY_OK, HISTORY_NOT_FOUND, HISTORY_CONFLICT, HISTORY_INVALID,
                              HISTORY_DB};
    return rc <= 0 && rc >= ERD_STORE_DB ? map[-rc] : HISTORY_DB;
}

const struct history_ops history_diagram = {current, decode, doc_json, render, compare, restore};
