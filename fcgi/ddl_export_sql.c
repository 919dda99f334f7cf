/* ddl_export_sql.c — an ERD model as a whole SQL DDL script for PostgreSQL, MySQL and
 * SQLite: CREATE TABLE in dependency order, foreign keys (ALTER TABLE after all tables, or
 * inline for SQLite), many-to-many junction tables.  The statements' pieces (quoting, types,
 * column definitions) are ddl_sql.c's. */
#include "ddl_export.h"
#include "arena.h"
#include "buf.h"
#include "ddl_sql.h"
#include "erd_view.h"
#include "strmap.h"
#include <string.h>
#include <strings.h>

static void skipped_comment(struct buf *out, const struct erd_view *v, const struct erd_fk *fk, const char *why)
{
    buf_puts(out, "-- relationship ");
    ddl_sql_comment_text(out, v->doc->entities[fk->child].name);
    buf_puts(out, " -> ");
    ddl_sql_comment_text(out, v->doc->entities[fk->parent].name);
    buf_printf(out, " skipped: %s\n", why);
}

/* constraint_line: "CONSTRAINT name FOREIGN KEY …" for fk (name made unique via used). */
static int constraint_line(struct buf *out, const struct erd_view *v, const struct erd_fk *fk,
                           enum export_format f, struct strmap *used)
{
    struct buf name = BUF_INIT, clause = BUF_INIT;
    int rc = ddl_sql_fk_clause(&clause, v, fk, f);
    if (rc == 0) {
        ddl_sql_fk_name(&name, v, fk);
        strmap_unique(used, &name);
        buf_puts(out, "CONSTRAINT ");
        ddl_sql_column_ident(out, buf_cstr(&name), f);
        buf_putc(out, ' ');
        buf_puts(out, buf_cstr(&clause));
    }
    buf_free(&name);
    buf_free(&clause);
    return rc;
}

/* sqlite_inline_fks: the table-level FOREIGN KEY lines of entity i; its relationships are
 * the chain first[i], next[…] when given, else found by a scan. */
static void sqlite_inline_fks(struct buf *out, const struct erd_view *v, size_t i, struct strmap *used,
                              const size_t *first, const size_t *next)
{
    for (size_t k = first ? first[i] : 0; k < v->nfk; k = next ? next[k] : k + 1) {
        const struct erd_fk *fk = &v->fks[k];
        if (fk->child != i || erd_fk_is_m2m(fk))
            continue;
        struct buf line = BUF_INIT;
        if (constraint_line(&line, v, fk, EXPORT_SQLITE, used) == 0)
            buf_printf(out, "%s  %s", out->len ? ",\n" : "", buf_cstr(&line));
        buf_free(&line);
    }
}

/* ---- dependency order ----------------------------------------------------------------- */

/* heap of ready entity indexes, smallest first, so the order is deterministic */
struct heap {
    size_t *a, n;
};

static void heap_push(struct heap *h, size_t x)
{
    size_t i = h->n++;
    for (; i && h->a[(i - 1) / 2] > x; i = (i - 1) / 2)
        h->a[i] = h->a[(i - 1) / 2];
    h->a[i] = x;
}

static size_t heap_pop(struct heap *h)
{
    size_t top = h->a[0], x = h->a[--h->n], i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->a[c + 1] < h->a[c])
            c++;
        if (h->a[c] >= x)
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n)
        h->a[i] = x;
    return top;
}

/* orders: 1 when fk makes its child come after its parent (a resolved, non-m2m link
 * between two different tables). */
static int orders(const struct erd_fk *fk)
{
    return !erd_fk_is_m2m(fk) && fk->parent != fk->child && fk->parent_col >= 0 && fk->child_col >= 0;
}

/* dependency_order: entity indexes, parents before children (Kahn's algorithm, lowest
 * index first; a cycle is broken at its lowest remaining entity). */
static size_t *dependency_order(struct arena *a, const struct erd_view *v)
{
    size_t n = v->doc->nentities, nfk = v->nfk;
    size_t *indeg = arena_alloc(a, (n + 1) * sizeof *indeg), *start = arena_alloc(a, (n + 1) * sizeof *start);
    size_t *kids = arena_alloc(a, (nfk + 1) * sizeof *kids), *order = arena_alloc(a, (n + 1) * sizeof *order);
    size_t *fill = arena_alloc(a, (n + 1) * sizeof *fill);
    unsigned char *done = arena_alloc(a, n + 1);
    struct heap h = {arena_alloc(a, (n + 1) * sizeof(size_t)), 0};
    for (size_t k = 0; k < nfk; k++)
        if (orders(&v->fks[k])) {
            start[v->fks[k].parent + 1]++;
            indeg[v->fks[k].child]++;
        }
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (size_t k = 0; k < nfk; k++)
        if (orders(&v->fks[k]))
            kids[start[v->fks[k].parent] + fill[v->fks[k].parent]++] = v->fks[k].child;
    for (size_t i = 0; i < n; i++)
        if (!indeg[i])
            heap_push(&h, i);
    size_t count = 0, scan = 0;
    while (count < n) {
        if (!h.n) {                     /* a cycle: take the lowest entity not placed */
            while (done[scan])
                scan++;
            indeg[scan] = 0;
            heap_push(&h, scan);
        }
        size_t i = heap_pop(&h);
        if (done[i])
            continue;
        done[i] = 1;
        order[count++] = i;
        for (size_t k = start[i]; k < start[i + 1]; k++)
            if (!done[kids[k]] && indeg[kids[k]] && --indeg[kids[k]] == 0)
                heap_push(&h, kids[k]);
    }
    return order;
}

/* ---- many-to-many junction tables ----------------------------------------------------- */

/* junction_column: the junction's column referencing entity ent's column col. */
static struct erd_column junction_column(struct arena *a, const struct erd_entity *ent,
                                         const struct erd_column *col, const char *avoid)
{
    const char *name = arena_printf(a, "%s_%s", erd_short_name(ent->name), col->name);
    if (avoid && strcmp(avoid, name) == 0)
        name = arena_printf(a, "%s_2", name);
    return (struct erd_column){.name = name, .type = ddl_sql_key_type(col->type), .is_pk = true};
}

static int entity_named(const struct erd_view *v, const char *name)
{
    for (size_t i = 0; i < v->doc->nentities; i++)
        if (strcasecmp(v->doc->entities[i].name, name) == 0)
            return 1;
    return 0;
}

/* junction_fk: one foreign key of a junction table, inline (SQLite) or as ALTER TABLE. */
static void junction_fk(struct buf *inl, struct buf *tail, const char *table,
                        const struct erd_column *jcol, const struct erd_entity *ent,
                        const struct erd_column *col, const struct erd_relationship *rel,
                        enum export_format f, struct strmap *used)
{
    struct buf name = BUF_INIT, clause = BUF_INIT;
    ddl_sql_generated_name(&name, table, jcol->name);
    strmap_unique(used, &name);
    ddl_sql_references(&clause, jcol->name, ent->name, col->name, rel, f);
    if (f == EXPORT_SQLITE) {
        buf_printf(inl, "%s  CONSTRAINT ", inl->len ? ",\n" : "");
        ddl_sql_column_ident(inl, buf_cstr(&name), f);
        buf_printf(inl, " %s", buf_cstr(&clause));
    } else {
        buf_puts(tail, "ALTER TABLE ");
        ddl_sql_ident(tail, table, f);
        buf_puts(tail, " ADD CONSTRAINT ");
        ddl_sql_column_ident(tail, buf_cstr(&name), f);
        buf_printf(tail, " %s;\n", buf_cstr(&clause));
    }
    buf_free(&name);
    buf_free(&clause);
}

struct script {
    struct arena *a;
    const struct erd_view *v;
    enum export_format f;
    struct strmap used;         /* constraint names */
    struct buf tail;            /* ALTER TABLE … ADD CONSTRAINT, after every table */
};

static void junction_table(struct buf *out, struct script *s, const struct erd_fk *fk)
{
    const struct erd_view *v = s->v;
    const struct erd_entity *a = &v->doc->entities[fk->parent], *b = &v->doc->entities[fk->child];
    const struct erd_column *ac = erd_view_column(v, fk->parent, fk->parent_col);
    const struct erd_column *bc = erd_view_column(v, fk->child, fk->child_col);
    const char *name = arena_printf(s->a, "%s_%s", erd_short_name(a->name), erd_short_name(b->name));
    struct buf inl = BUF_INIT;
    if (!ac || !bc) {
        skipped_comment(out, v, fk, "many-to-many needs a single-column primary key on both tables");
    } else if (entity_named(v, name)) {
        skipped_comment(out, v, fk, "a table with the junction table's name already exists");
    } else {
        struct erd_column cols[2];
        cols[0] = junction_column(s->a, a, ac, NULL);
        cols[1] = junction_column(s->a, b, bc, cols[0].name);
        struct erd_entity jt = {.name = name, .columns = cols, .ncolumns = 2};
        junction_fk(&inl, &s->tail, name, &cols[0], a, ac, erd_view_rel(v, fk), s->f, &s->used);
        junction_fk(&inl, &s->tail, name, &cols[1], b, bc, erd_view_rel(v, fk), s->f, &s->used);
        ddl_sql_create_table(out, &jt, s->f, buf_cstr(&inl));
    }
    buf_free(&inl);
}

/* ---- the script ----------------------------------------------------------------------- */

static void header(struct buf *out, const struct erd_doc *doc, enum export_format f)
{
    const char *dialect = f == EXPORT_MYSQL ? "MySQL" : f == EXPORT_SQLITE ? "SQLite" : "PostgreSQL";
    buf_puts(out, "-- ");
    ddl_sql_comment_text(out, doc->name && *doc->name ? doc->name : "Untitled");
    buf_printf(out, "\n-- %s DDL exported by Cardinality\n\n", dialect);
    if (f == EXPORT_SQLITE)
        buf_puts(out, "PRAGMA foreign_keys = ON;\n\n");
}

/* pg_preamble: CREATE SCHEMA for each schema named, then the enum types, in table order. */
static void pg_preamble(struct buf *out, struct arena *a, const struct erd_view *v, const size_t *order)
{
    struct strmap schemas, enums;
    size_t start = out->len, n = v->doc->nentities;
    strmap_init(&schemas, a, 8);
    strmap_init(&enums, a, 8);
    for (size_t k = 0; k < n; k++) {
        const char *name = v->doc->entities[order[k]].name, *dot = strchr(name, '.');
        if (!dot || dot == name || !dot[1])
            continue;
        const char *schema = arena_strndup(a, name, (size_t)(dot - name));
        if (strmap_put(&schemas, schema, 0)) {
            buf_puts(out, "CREATE SCHEMA IF NOT EXISTS ");
            ddl_sql_ident(out, schema, EXPORT_POSTGRES);
            buf_puts(out, ";\n");
        }
    }
    for (size_t k = 0; k < n; k++)
        ddl_sql_enum_types(out, &v->doc->entities[order[k]], &enums);
    if (out->len > start)
        buf_putc(out, '\n');
}

/* alter_fks: ALTER TABLE … ADD CONSTRAINT for every resolvable non-m2m relationship. */
static void alter_fks(struct script *s)
{
    for (size_t k = 0; k < s->v->nfk; k++) {
        const struct erd_fk *fk = &s->v->fks[k];
        if (erd_fk_is_m2m(fk))
            continue;
        struct buf line = BUF_INIT;
        if (constraint_line(&line, s->v, fk, s->f, &s->used) == 0) {
            buf_puts(&s->tail, "ALTER TABLE ");
            ddl_sql_ident(&s->tail, s->v->doc->entities[fk->child].name, s->f);
            buf_printf(&s->tail, " ADD %s;\n", buf_cstr(&line));
        }
        buf_free(&line);
    }
}

static void skipped_fks(struct buf *out, const struct erd_view *v)
{
    for (size_t k = 0; k < v->nfk; k++)
        if (!erd_fk_is_m2m(&v->fks[k]) && (v->fks[k].parent_col < 0 || v->fks[k].child_col < 0))
            skipped_comment(out, v, &v->fks[k], "no columns to link (add a <parent>_id column)");
}

/* child_chains: first[i] = entity i's first relationship as child, next[k] the following
 * one; v->nfk ends a chain. */
static void child_chains(struct arena *a, const struct erd_view *v, size_t **first, size_t **next)
{
    *first = arena_alloc(a, (v->doc->nentities + 1) * sizeof **first);
    *next = arena_alloc(a, (v->nfk + 1) * sizeof **next);
    for (size_t i = 0; i < v->doc->nentities; i++)
        (*first)[i] = v->nfk;
    for (size_t k = v->nfk; k-- > 0;) {
        (*next)[k] = (*first)[v->fks[k].child];
        (*first)[v->fks[k].child] = k;
    }
}

void ddl_export_sql(struct buf *out, struct arena *a, const struct erd_view *v, enum export_format f)
{
    struct script s = {.a = a, .v = v, .f = f};
    size_t *order = dependency_order(a, v), *first, *next;
    child_chains(a, v, &first, &next);
    strmap_init(&s.used, a, v->nfk);
    buf_init(&s.tail);
    header(out, v->doc, f);
    if (f == EXPORT_POSTGRES)
        pg_preamble(out, a, v, order);
    for (size_t k = 0; k < v->doc->nentities; k++) {
        struct buf extra = BUF_INIT;
        if (f == EXPORT_SQLITE)
            sqlite_inline_fks(&extra, v, order[k], &s.used, first, next);
        ddl_sql_create_table(out, &v->doc->entities[order[k]], f, buf_cstr(&extra));
        buf_free(&extra);
    }
    for (size_t k = 0; k < v->nfk; k++)
        if (erd_fk_is_m2m(&v->fks[k]))
            junction_table(out, &s, &v->fks[k]);
    if (f != EXPORT_SQLITE)
        alter_fks(&s);
    buf_puts(out, buf_cstr(&s.tail));
    skipped_fks(out, v);
    buf_free(&s.tail);
}
