/* ai_prompt.c — the model's context for a chat turn (see ai_prompt.h).  The file renderers
 * are the export ones (ddl_export.h, note_md.h) and the documents' readers (flow_doc.h,
 * draw_doc.h); a table maps each entity type to its view and its renderer. */
#include "ai_prompt.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "ddl_export.h"
#include "draw_doc.h"
#include "drawing_store.h"
#include "erd_doc.h"
#include "erd_store.h"
#include "flow_doc.h"
#include "flow_store.h"
#include "http.h"
#include "note_md.h"
#include <string.h>

/* Each kind: the statements reading the file (in the turn's one round trip, ai_chat.c), then
 * the text made of their results. */

static int diagram_steps(const char *const *uid, struct db_step *st)
{
    return erd_store_load_steps(uid, st);
}

static int diagram_context(struct req *r, PGresult *const *res, struct buf *out)
{
    struct erd_doc doc;
    if (erd_store_load_from(r, res, &doc) != ERD_STORE_OK)
        return 0;
    buf_printf(out, "The diagram \"%s\" as PostgreSQL DDL:\n```sql\n", doc.name ? doc.name : "");
    ddl_export(&doc, EXPORT_POSTGRES, out);
    buf_puts(out, "\n```\n");
    return 0;
}

static const char SQL_NOTE[] =
    "SELECT n.title, COALESCE(n.content, '') FROM notes n WHERE n.uid = $1 AND n.is_deleted IS NOT TRUE";

static int note_steps(const char *const *uid, struct db_step *st)
{
    *st = (struct db_step){SQL_NOTE, uid, 1, 1};
    return 1;
}

static int note_context(struct req *r, PGresult *const *res, struct buf *out)
{
    if (PQntuples(res[0]) == 0)
        return 0;
    buf_printf(out, "The note \"%s\" as Markdown:\n````markdown\n", db_val(res[0], 0, 0));
    const char *html = db_val(res[0], 0, 1);
    note_md_export(r->arena, html, strlen(html), out);
    buf_puts(out, "\n````\n");
    return 0;
}

static int flowchart_steps(const char *const *uid, struct db_step *st)
{
    flow_store_load_step(uid, st);
    return 1;
}

static int flowchart_context(struct req *r, PGresult *const *res, struct buf *out)
{
    struct flow_row row;
    if (flow_store_load_from(res[0], &row) != FLOW_STORE_OK)
        return 0;
    struct flow_doc doc;
    struct buf *err = buf_arena(r->arena);
    if (flow_doc_parse(r->arena, row.data, row.data_len, 0, &doc, err) != FLOW_OK)
        return 0;
    buf_printf(out, "The flowchart \"%s\" as nodes and edges:\nNodes:\n", row.title);
    for (size_t i = 0; i < doc.nnodes; i++)
        buf_printf(out, "- %s [%s]: %s\n", doc.nodes[i].id, flow_shape_name(doc.nodes[i].shape),
                   doc.nodes[i].label);
    buf_puts(out, "Edges:\n");
    for (size_t i = 0; i < doc.nedges; i++) {
        const struct flow_edge *e = &doc.edges[i];
        buf_printf(out, "- %s -> %s%s%s\n", doc.nodes[e->source].id, doc.nodes[e->target].id,
                   e->label[0] ? ": " : "", e->label);
    }
    return 0;
}

static int drawing_steps(const char *const *uid, struct db_step *st)
{
    drawing_load_step(uid, st);
    return 1;
}

static int drawing_context(struct req *r, PGresult *const *res, struct buf *out)
{
    struct drawing_row row;
    if (drawing_load_from(r, res[0], &row) != DRAWING_OK)
        return 0;
    buf_printf(out, "The drawing \"%s\"; its text elements:\n", row.title);
    for (size_t i = 0; i < row.doc.nels; i++)
        if (row.doc.els[i].text && row.doc.els[i].text[0])
            buf_printf(out, "- %s\n", row.doc.els[i].text);
    return 0;
}

static const struct entity_kind {
    const char *type, *view;
    int (*steps)(const char *const *uid, struct db_step *st);
    int (*context)(struct req *r, PGresult *const *res, struct buf *out);
} kinds[] = {
    {"diagram", "erd", diagram_steps, diagram_context},
    {"note", "notes", note_steps, note_context},
    {"flowchart", "flowchart", flowchart_steps, flowchart_context},
    {"drawing", "drawing", drawing_steps, drawing_context},
};

static const struct entity_kind *kind_find(const char *type)
{
    for (size_t i = 0; type && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].type, type) == 0)
            return &kinds[i];
    return NULL;
}

const char *ai_entity_view(const char *entity_type)
{
    const struct entity_kind *k = kind_find(entity_type);
    return k ? k->view : NULL;
}

int ai_prompt_context_steps(struct req *r, const char *entity_type, const char *entity_uid,
                            struct db_step *st)
{
    const struct entity_kind *k = kind_find(entity_type);
    if (!k || !entity_uid || !entity_uid[0])
        return 0;
    const char **uid = arena_alloc(r->arena, sizeof *uid);
    *uid = entity_uid;
    return k->steps(uid, st);
}

void ai_prompt_context_from(struct req *r, const char *entity_type, PGresult *const *res,
                            struct buf *out)
{
    const struct entity_kind *k = kind_find(entity_type);
    if (!k)
        return;
    size_t before = out->len;
    k->context(r, res, out);
    if (out->len - before > AI_PROMPT_CONTEXT_MAX) {
        /* cut on a character boundary */
        size_t at = before + AI_PROMPT_CONTEXT_MAX;
        while (at > before && ((unsigned char)out->data[at] & 0xC0) == 0x80)
            at--;
        buf_truncate(out, at);
        buf_puts(out, "\n… (cut: the file is longer)\n");
    }
}

long long ai_tokens_estimate(size_t n)
{
    return (long long)((n + 3) / 4);
}

long long ai_prompt_trim(struct ai_message *msgs, int *n, long long window)
{
    if (window <= 0)
        window = AI_PROMPT_DEFAULT_WINDOW;
    long long budget = window - AI_PROMPT_ANSWER_RESERVE;
    if (budget < 1024)
        budget = window / 2 > 0 ? window / 2 : 1;
    int nsys = 0;
    long long used = 0;
    while (nsys < *n && strcmp(msgs[nsys].role, "system") == 0)
        used += ai_tokens_estimate(strlen(msgs[nsys++].content));
    /* walk back from the newest message while it fits; the newest always stays */
    int first = *n;
    for (int i = *n - 1; i >= nsys; i--) {
        long long t = ai_tokens_estimate(strlen(msgs[i].content));
        if (i < *n - 1 && used + t > budget)
            break;
        used += t;
        first = i;
    }
    if (first > nsys) {
        memmove(&msgs[nsys], &msgs[first], (size_t)(*n - first) * sizeof *msgs);
        *n = nsys + (*n - first);
    }
    return used;
}
