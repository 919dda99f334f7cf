/* share_diagram.c — a diagram's public renderer (FILE_PUBLIC_diagram, see files.h): the page
 * shows the drawing as inline SVG and, for screen readers and copying, each table's columns
 * as an HTML table (name, type, key, nullable); .svg is the drawing alone, .sql the diagram
 * as PostgreSQL DDL.  Read in the share transaction: row-level security shows this one
 * diagram and its rows. */
#include "arena.h"
#include "buf.h"
#include "ddl_export.h"
#include "erd_store.h"
#include "erd_view.h"
#include "html.h"
#include "http.h"
#include "share.h"
#include "svg_cache.h"
#include <string.h>

/* fk_refs: per entity, per column, the "parent.column" (or "parent") it references, or NULL. */
static const char ***fk_refs(struct arena *a, const struct erd_view *v)
{
    const struct erd_doc *doc = v->doc;
    const char ***refs = arena_alloc(a, (doc->nentities + 1) * sizeof *refs);
    for (size_t i = 0; i < doc->nentities; i++) {
        refs[i] = arena_alloc(a, (doc->entities[i].ncolumns + 1) * sizeof **refs);
        memset(refs[i], 0, (doc->entities[i].ncolumns + 1) * sizeof **refs);
    }
    for (size_t k = 0; k < v->nfk; k++) {
        const struct erd_fk *fk = &v->fks[k];
        if (fk->child_col < 0 || erd_fk_is_m2m(fk))
            continue;
        const struct erd_column *pc = erd_view_column(v, fk->parent, fk->parent_col);
        const char *parent = doc->entities[fk->parent].name;
        refs[fk->child][fk->child_col] = pc ? arena_printf(a, "%s.%s", parent, pc->name) : parent;
    }
    return refs;
}

/* entity_table: one entity as <table> with a caption and a row per column. */
static void entity_table(struct buf *out, const struct erd_entity *e, const char **refs)
{
    buf_puts(out, "<table class=\"share-table\">\n<caption>");
    html_txt(out, e->name);
    if (e->comment && *e->comment) {
        buf_puts(out, " <span class=\"share-comment\">");
        html_txt(out, e->comment);
        buf_puts(out, "</span>");
    }
    buf_puts(out, "</caption>\n<thead><tr><th scope=\"col\">Column</th><th scope=\"col\">Type</th>"
                  "<th scope=\"col\">Key</th><th scope=\"col\">Nullable</th></tr></thead>\n<tbody>\n");
    for (size_t j = 0; j < e->ncolumns; j++) {
        const struct erd_column *c = &e->columns[j];
        buf_puts(out, "<tr><th scope=\"row\">");
        html_txt(out, c->name);
        buf_puts(out, "</th><td><code>");
        html_txt(out, c->type);
        buf_puts(out, "</code></td><td>");
        buf_puts(out, c->is_pk ? "PK" : "");
        if (refs[j]) {
            buf_puts(out, c->is_pk ? ", FK → " : "FK → ");
            html_txt(out, refs[j]);
        }
        if (c->is_unique && !c->is_pk)
            buf_puts(out, refs[j] ? ", unique" : "unique");
        buf_puts(out, c->is_nullable && !c->is_pk ? "</td><td>yes</td></tr>\n" : "</td><td>no</td></tr>\n");
    }
    buf_puts(out, "</tbody>\n</table>\n");
}

/* page: the drawing, then the tables. */
static void page(struct req *r, const struct erd_doc *doc, struct buf *out)
{
    struct buf *model = buf_arena(r->arena);
    erd_doc_write_json(doc, model);
    buf_puts(out, "<figure class=\"share-figure\">");
    buf_puts(out, svg_cache_full(r, doc, buf_cstr(model)));
    buf_puts(out, "</figure>\n<section class=\"share-tables\" aria-labelledby=\"share-tables-title\">\n"
                  "<h2 id=\"share-tables-title\">Tables</h2>\n");
    if (doc->nentities == 0)
        buf_puts(out, "<p>This diagram has no tables yet.</p>\n");
    struct erd_view v;
    erd_view_init(r->arena, &v, doc);
    const char ***refs = fk_refs(r->arena, &v);
    for (size_t i = 0; i < doc->nentities; i++)
        entity_table(out, &doc->entities[i], refs[i]);
    buf_puts(out, "</section>\n");
}

int share_diagram_render(struct req *r, const char *uid, enum share_format f, struct buf *out)
{
    if (f != SHARE_PAGE && f != SHARE_SVG && f != SHARE_SQL)
        return SHARE_NO_FORMAT;
    if (!out)
        return 0;
    struct erd_doc doc;
    int rc = erd_store_load(r, uid, &doc);
    if (rc == ERD_STORE_NOT_FOUND)
        return SHARE_NO_FORMAT;
    if (rc != ERD_STORE_OK)
        return SHARE_DB;
    if (f == SHARE_SQL)
        return ddl_export(&doc, EXPORT_POSTGRES, out) == 0 ? 0 : SHARE_INVALID;
    if (f == SHARE_SVG) {
        struct buf *model = buf_arena(r->arena);
        erd_doc_write_json(&doc, model);
        buf_puts(out, svg_cache_full(r, &doc, buf_cstr(model)));
        return 0;
    }
    page(r, &doc, out);
    return 0;
}
