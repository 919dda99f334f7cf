/* dbws_migrate.c — the diagram-vs-database comparison and its confirmed migration
 * (dbws_migrate.h): erd_diff both ways on the stored diagram and the live schema, the changes
 * flattened with a sentence each, SHA-256 of the scripts, and the forward script run through
 * dbws_query (history, statement timeout, one transaction: PostgreSQL DDL is transactional,
 * so a failing statement leaves the database as it was). */
#include "dbws_migrate.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "dbws_store.h"
#include "erd_diff.h"
#include "erd_doc.h"
#include "erd_store.h"
#include "http.h"
#include "files.h"
#include <sodium.h>
#include <string.h>

static void sha256_hex(const char *text, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* change_text: "table invoices", "column artist.born_year", "relationship track.album_id →
 * album.album_id" for a flattened item. */
static const char *change_text(struct arena *a, const char *kind, json_t *item)
{
#define S(k) (json_string_value(json_object_get(item, k)) ? json_string_value(json_object_get(item, k)) : "")
    if (strcmp(kind, "column") == 0)
        return arena_printf(a, "column %s.%s", S("table"), S("column"));
    if (strcmp(kind, "relationship") == 0)
        return arena_printf(a, "relationship %s%s%s → %s%s%s", S("child"), *S("child_column") ? "." : "",
                            S("child_column"), S("parent"), *S("parent_column") ? "." : "", S("parent_column"));
    return arena_printf(a, "table %s", S("name"));
#undef S
}

/* flatten: erd_diff's {"tables": {"added": …}, …} as one list of
 * {"kind": "table"|"column"|"relationship", "action": "added"|"removed"|"changed", "text", …}. */
static json_t *flatten(struct arena *a, json_t *diff)
{
    static const char *const kinds[][2] = {{"tables", "table"}, {"columns", "column"},
                                           {"relationships", "relationship"}};
    static const char *const actions[] = {"added", "removed", "changed"};
    json_t *out = json_array();
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < 3; i++) {
            json_t *items = json_object_get(json_object_get(diff, kinds[k][0]), actions[i]), *item;
            size_t n;
            json_array_foreach(items, n, item) {
                json_t *c = json_is_object(item) ? json_deep_copy(item) : json_pack("{s:O}", "name", item);
                json_object_set_new(c, "kind", json_string(kinds[k][1]));
                json_object_set_new(c, "action", json_string(actions[i]));
                json_object_set_new(c, "text", json_string(change_text(a, kinds[k][1], c)));
                json_array_append_new(out, c);
            }
        }
    return out;
}

int dbws_compare(struct req *r, const struct dbws_conn *c, const char *diagram_uid, struct dbws_compare *out,
                 struct dbws_error *err)
{
    struct erd_doc design, live;
    memset(out, 0, sizeof *out);
    if (!diagram_uid || !uid_valid(diagram_uid))
        return DBWS_CMP_NO_DIAGRAM;
    int rc = erd_store_load(r, diagram_uid, &design);
    if (rc == ERD_STORE_NOT_FOUND)
        return DBWS_CMP_NO_DIAGRAM;
    if (rc != ERD_STORE_OK)
        return DBWS_CMP_DB;
    if (dbws_live_schema(r, c, &live, err) != 0)
        return DBWS_CMP_LIVE;
    struct buf *forward = buf_arena(r->arena), *reverse = buf_arena(r->arena);
    json_t *diff = erd_diff(&live, &design, forward);
    json_t *back = erd_diff(&design, &live, reverse);
    json_decref(back);
    if (!diff)
        return DBWS_CMP_UNNAMED;
    arena_defer(r->arena, (void (*)(void *))json_decref, diff);
    out->diagram_uid = diagram_uid;
    out->diagram_name = design.name ? design.name : "diagram";
    out->changes = flatten(r->arena, diff);
    arena_defer(r->arena, (void (*)(void *))json_decref, out->changes);
    out->summary = json_object_get(diff, "summary");
    out->empty = json_is_true(json_object_get(diff, "empty"));
    out->forward = buf_cstr(forward);
    out->reverse = buf_cstr(reverse);
    sha256_hex(out->forward, out->forward_sha);
    sha256_hex(out->reverse, out->reverse_sha);
    return DBWS_CMP_OK;
}

int dbws_migrate_allowed(const struct dbws_conn *c)
{
    if (c->read_only)
        return DBWS_MIG_READ_ONLY;
    return c->type == DBWS_POSTGRES ? DBWS_MIG_OK : DBWS_MIG_DIALECT;
}

int dbws_migrate(struct req *r, const struct dbws_conn *c, const struct dbws_compare *cmp, const char *confirm,
                 double *ms, struct dbws_error *err)
{
    int allowed = dbws_migrate_allowed(c);
    *ms = 0;
    if (allowed != DBWS_MIG_OK)
        return allowed;
    if (cmp->empty)
        return DBWS_MIG_EMPTY;
    if (!confirm || strlen(confirm) != 64 || sodium_memcmp(confirm, cmp->forward_sha, 64) != 0)
        return DBWS_MIG_STALE;
    struct dbws_result res;
    struct erd_doc after;
    struct dbws_error ignored;
    if (dbws_query(r, c, cmp->forward, &res, err) != 0)
        return DBWS_MIG_FAILED;
    *ms = res.duration_ms;
    dbws_live_schema(r, c, &after, &ignored);   /* the cached metadata as the database is now */
    return DBWS_MIG_OK;
}

void dbws_position_line(const char *text, int pos, int *line, int *col)
{
    *line = *col = 0;
    if (pos <= 0)
        return;
    int l = 1, k = 1, n = 1;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;               /* a continuation byte: the same character */
        if (n == pos) {
            *line = l;
            *col = k;
            return;
        }
        n++;
        if (*p == '\n')
            l++, k = 1;
        else
            k++;
    }
}

const char *dbws_comment_safe(struct arena *a, const char *s)
{
    char *out = arena_strdup(a, s ? s : "");
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return out;
}
