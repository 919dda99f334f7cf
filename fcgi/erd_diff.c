/* erd_diff.c — what changed between two ERD models (tables, columns, relationships; matched
 * by id, then by case-insensitive name) and the PostgreSQL script that migrates a database
 * from the first to the second.  Output order follows the models, so it is deterministic. */
#include "erd_diff.h"
#include "arena.h"
#include "buf.h"
#include "ddl_sql.h"
#include "erd_doc.h"
#include "erd_view.h"
#include "strmap.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PG EXPORT_POSTGRES

/* The script is built in phases and joined in this order at the end. */
enum phase { P_DROP_FK, P_RENAME, P_TYPES, P_CREATE, P_ALTER, P_ADD_FK, P_DROP_TABLE, P_COUNT };

struct diff {
    struct arena *arena;
    struct erd_view a, b;            /* from, to */
    long *b_of_a, *a_of_b;           /* matched table in the other model, or -1 */
    long **colmap_ab, **colmap_ba;   /* per table: matched column in the other model, or -1 */
    json_t *tables, *columns, *rels; /* the result's sections */
    struct strmap enums_seen;
    struct buf phase[P_COUNT];
};

static const struct erd_entity *ent(const struct erd_view *v, size_t i)
{
    return &v->doc->entities[i];
}

static const char *ename(const struct erd_view *v, size_t i)
{
    return ent(v, i)->name;
}

static const char *cname(const struct erd_view *v, size_t i, long j)
{
    const struct erd_column *c = erd_view_column(v, i, j);
    return c ? c->name : NULL;
}

/* ---- matching ------------------------------------------------------------------------- */

static long *minus_ones(struct arena *a, size_t n)
{
    long *m = arena_alloc(a, (n + 1) * sizeof *m);
    for (size_t i = 0; i < n; i++)
        m[i] = -1;
    return m;
}

/* items: the ids and names of a list of entities or of columns, to match two lists. */
struct items {
    size_t n;
    const char **ids, **names;
};

static struct items entity_items(struct arena *a, const struct erd_doc *doc)
{
    struct items it = {doc->nentities, arena_alloc(a, (doc->nentities + 1) * sizeof(char *)),
                       arena_alloc(a, (doc->nentities + 1) * sizeof(char *))};
    for (size_t i = 0; i < it.n; i++)
        it.ids[i] = doc->entities[i].id, it.names[i] = doc->entities[i].name;
    return it;
}

static struct items column_items(struct arena *a, const struct erd_entity *e)
{
    struct items it = {e->ncolumns, arena_alloc(a, (e->ncolumns + 1) * sizeof(char *)),
                       arena_alloc(a, (e->ncolumns + 1) * sizeof(char *))};
    for (size_t j = 0; j < it.n; j++)
        it.ids[j] = e->columns[j].id, it.names[j] = e->columns[j].name;
    return it;
}

/* match_items: pair the items of xa and xb, by id first, then by name (case-insensitive);
 * ab[i] / ba[j] receive the partner index or -1.  The name pass is quadratic in the sizes,
 * which are per-table column counts or table counts of one diagram. */
static void match_items(struct arena *a, const struct items *xa, const struct items *xb,
                        long *ab, long *ba)
{
    struct strmap ids;
    strmap_init(&ids, a, xa->n);
    for (size_t i = 0; i < xa->n; i++)
        if (xa->ids[i])
            strmap_put(&ids, xa->ids[i], (long)i);
    for (size_t j = 0; j < xb->n; j++) {
        long hit = strmap_get(&ids, xb->ids[j]);
        if (hit >= 0 && ab[hit] < 0) {
            ab[hit] = (long)j;
            ba[j] = hit;
        }
    }
    for (size_t j = 0; j < xb->n; j++) {
        for (size_t i = 0; ba[j] < 0 && i < xa->n; i++) {
            if (ab[i] < 0 && !strcasecmp(xb->names[j], xa->names[i])) {
                ab[i] = (long)j;
                ba[j] = (long)i;
            }
        }
    }
}

static void match_all(struct diff *d)
{
    struct arena *a = d->arena;
    size_t na = d->a.doc->nentities, nb = d->b.doc->nentities;
    struct items ea = entity_items(a, d->a.doc), eb = entity_items(a, d->b.doc);
    d->b_of_a = minus_ones(a, na);
    d->a_of_b = minus_ones(a, nb);
    match_items(a, &ea, &eb, d->b_of_a, d->a_of_b);
    d->colmap_ab = arena_alloc(a, (na + 1) * sizeof *d->colmap_ab);
    d->colmap_ba = arena_alloc(a, (nb + 1) * sizeof *d->colmap_ba);
    for (size_t i = 0; i < na; i++)
        d->colmap_ab[i] = minus_ones(a, ent(&d->a, i)->ncolumns);
    for (size_t j = 0; j < nb; j++)
        d->colmap_ba[j] = minus_ones(a, ent(&d->b, j)->ncolumns);
    for (size_t i = 0; i < na; i++) {
        long j = d->b_of_a[i];
        if (j < 0)
            continue;
        struct items ca = column_items(a, ent(&d->a, i)), cb = column_items(a, ent(&d->b, (size_t)j));
        match_items(a, &ca, &cb, d->colmap_ab[i], d->colmap_ba[j]);
    }
}

/* ---- SQL helpers ---------------------------------------------------------------------- */

static void alter(struct diff *d, enum phase p, const char *table)
{
    buf_puts(&d->phase[p], "ALTER TABLE ");
    ddl_sql_ident(&d->phase[p], table, PG);
    buf_putc(&d->phase[p], ' ');
}

static void col_ident(struct buf *out, const char *name)
{
    /* a column name is never schema-qualified: quote it whole */
    if (strchr(name, '.')) {
        buf_putc(out, '"');
        for (const char *p = name; *p; p++) {
            if (*p == '"')
                buf_putc(out, '"');
            buf_putc(out, *p);
        }
        buf_putc(out, '"');
    } else {
        ddl_sql_ident(out, name, PG);
    }
}

/* pg_type: the column's type as PostgreSQL writes it (for comparing and for ALTER). */
static void pg_type(struct buf *out, const struct erd_view *v, size_t i, long j)
{
    ddl_sql_type(out, ent(v, i), erd_view_column(v, i, j), PG);
}

/* key_name: PostgreSQL's default name for a table's constraint ("users_email_key"). */
static void key_name(struct buf *out, const char *table, const char *col, const char *suffix)
{
    buf_puts(out, erd_short_name(table));
    if (col)
        buf_printf(out, "_%s", col);
    buf_printf(out, "_%s", suffix);
}

static void constraint_stmt(struct diff *d, enum phase p, const char *table, const char *verb,
                            const char *name, const char *rest)
{
    alter(d, p, table);
    buf_printf(&d->phase[p], "%s CONSTRAINT ", verb);
    col_ident(&d->phase[p], name);
    buf_printf(&d->phase[p], "%s;\n", rest);
}

/* ---- JSON helpers --------------------------------------------------------------------- */

static json_t *section(void)
{
    return json_pack("{s:[], s:[], s:[]}", "added", "removed", "changed");
}

static void push(json_t *sec, const char *kind, json_t *item)
{
    json_array_append_new(json_object_get(sec, kind), item);
}

/* ---- tables --------------------------------------------------------------------------- */

static void added_table(struct diff *d, size_t j)
{
    push(d->tables, "added", json_string(ename(&d->b, j)));
    ddl_sql_enum_types(&d->phase[P_TYPES], ent(&d->b, j), &d->enums_seen);
    ddl_sql_create_table(&d->phase[P_CREATE], ent(&d->b, j), PG, NULL);
}

static void removed_table(struct diff *d, size_t i)
{
    push(d->tables, "removed", json_string(ename(&d->a, i)));
    buf_puts(&d->phase[P_DROP_TABLE], "DROP TABLE ");
    ddl_sql_ident(&d->phase[P_DROP_TABLE], ename(&d->a, i), PG);
    buf_puts(&d->phase[P_DROP_TABLE], ";\n");
}

static int str_differs(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") != 0;
}

static bool nullable(const struct erd_column *c)
{
    return c->is_nullable && !c->is_pk;
}

/* ---- columns -------------------------------------------------------------------------- */

struct colpair {
    size_t i, j;          /* table in a, in b */
    long ca, cb;          /* column in a, in b */
    const struct erd_column *x, *y;  /* the two columns */
    const char *table;    /* table name in b (after any rename) */
};

static void col_type_change(struct diff *d, const struct colpair *p, json_t *what)
{
    struct buf ta = BUF_INIT, tb = BUF_INIT;
    pg_type(&ta, &d->a, p->i, p->ca);
    pg_type(&tb, &d->b, p->j, p->cb);
    if (strcasecmp(buf_cstr(&ta), buf_cstr(&tb)) != 0) {
        json_array_append_new(what, json_string("type"));
        if (ddl_sql_is_enum(p->y))
            ddl_sql_enum_types(&d->phase[P_TYPES], ent(&d->b, p->j), &d->enums_seen);
        alter(d, P_ALTER, p->table);
        buf_puts(&d->phase[P_ALTER], "ALTER COLUMN ");
        col_ident(&d->phase[P_ALTER], p->y->name);
        buf_printf(&d->phase[P_ALTER], " TYPE %s USING ", buf_cstr(&tb));
        col_ident(&d->phase[P_ALTER], p->y->name);
        buf_printf(&d->phase[P_ALTER], "::%s;\n", buf_cstr(&tb));
    }
    buf_free(&ta);
    buf_free(&tb);
}

static void col_null_change(struct diff *d, const struct colpair *p, json_t *what)
{
    if (nullable(p->x) == nullable(p->y))
        return;
    json_array_append_new(what, json_string("nullable"));
    if (p->y->is_pk)
        return;                       /* the primary key makes it NOT NULL */
    alter(d, P_ALTER, p->table);
    buf_puts(&d->phase[P_ALTER], "ALTER COLUMN ");
    col_ident(&d->phase[P_ALTER], p->y->name);
    buf_puts(&d->phase[P_ALTER], nullable(p->y) ? " DROP NOT NULL;\n" : " SET NOT NULL;\n");
}

static void col_default_change(struct diff *d, const struct colpair *p, json_t *what)
{
    const char *dy = p->y->default_value;
    if (!str_differs(p->x->default_value, dy))
        return;
    json_array_append_new(what, json_string("default"));
    alter(d, P_ALTER, p->table);
    buf_puts(&d->phase[P_ALTER], "ALTER COLUMN ");
    col_ident(&d->phase[P_ALTER], p->y->name);
    if (dy && *dy) {
        /* reuse the exporter's checks: a column definition holds " DEFAULT expr" */
        struct buf def = BUF_INIT;
        struct erd_column only = {.name = "x", .type = "text", .default_value = dy, .is_nullable = true};
        ddl_sql_column_def(&def, NULL, &only, PG, false);
        const char *at = strstr(buf_cstr(&def), " DEFAULT ");
        buf_printf(&d->phase[P_ALTER], " SET%s;\n", at ? at : " DEFAULT NULL");
        buf_free(&def);
    } else {
        buf_puts(&d->phase[P_ALTER], " DROP DEFAULT;\n");
    }
}

static void col_unique_change(struct diff *d, const struct colpair *p, json_t *what)
{
    bool ux = p->x->is_unique, uy = p->y->is_unique;
    if (ux == uy)
        return;
    json_array_append_new(what, json_string("unique"));
    struct buf name = BUF_INIT, rest = BUF_INIT;
    if (uy) {
        key_name(&name, p->table, p->y->name, "key");
        buf_puts(&rest, " UNIQUE (");
        col_ident(&rest, p->y->name);
        buf_putc(&rest, ')');
        constraint_stmt(d, P_ALTER, p->table, "ADD", buf_cstr(&name), buf_cstr(&rest));
    } else {
        key_name(&name, ename(&d->a, p->i), p->x->name, "key");
        constraint_stmt(d, P_ALTER, p->table, "DROP", buf_cstr(&name), "");
    }
    buf_free(&name);
    buf_free(&rest);
}

static void col_comment_change(struct diff *d, const struct colpair *p, json_t *what)
{
    const char *cy = p->y->comment;
    if (!str_differs(p->x->comment, cy))
        return;
    json_array_append_new(what, json_string("comment"));
    struct buf *o = &d->phase[P_ALTER];
    buf_puts(o, "COMMENT ON COLUMN ");
    ddl_sql_ident(o, p->table, PG);
    buf_putc(o, '.');
    col_ident(o, p->y->name);
    buf_puts(o, " IS ");
    if (cy && *cy)
        ddl_sql_literal(o, cy, PG);
    else
        buf_puts(o, "NULL");
    buf_puts(o, ";\n");
}

/* changed_column: record and script what differs between a matched pair of columns. */
static void changed_column(struct diff *d, const struct colpair *p)
{
    json_t *what = json_array();
    const char *nx = p->x->name, *ny = p->y->name;
    if (strcmp(nx, ny) != 0) {
        json_array_append_new(what, json_string("renamed"));
        alter(d, P_ALTER, p->table);
        buf_puts(&d->phase[P_ALTER], "RENAME COLUMN ");
        col_ident(&d->phase[P_ALTER], nx);
        buf_puts(&d->phase[P_ALTER], " TO ");
        col_ident(&d->phase[P_ALTER], ny);
        buf_puts(&d->phase[P_ALTER], ";\n");
    }
    col_type_change(d, p, what);
    col_null_change(d, p, what);
    if (p->x->is_pk != p->y->is_pk)
        json_array_append_new(what, json_string("pk"));
    col_default_change(d, p, what);
    col_unique_change(d, p, what);
    col_comment_change(d, p, what);
    if (json_array_size(what)) {
        json_t *item = json_pack("{s:s, s:s, s:O}", "table", p->table, "column", ny, "what", what);
        if (strcmp(nx, ny) != 0)
            json_object_set_new(item, "renamed_from", json_string(nx));
        push(d->columns, "changed", item);
    }
    json_decref(what);
}

static void added_column(struct diff *d, size_t j, long cb, const char *table)
{
    const struct erd_column *c = erd_view_column(&d->b, j, cb);
    push(d->columns, "added", json_pack("{s:s, s:s}", "table", table, "column", c->name));
    if (ddl_sql_is_enum(c))
        ddl_sql_enum_types(&d->phase[P_TYPES], ent(&d->b, j), &d->enums_seen);
    alter(d, P_ALTER, table);
    buf_puts(&d->phase[P_ALTER], "ADD COLUMN ");
    ddl_sql_column_def(&d->phase[P_ALTER], ent(&d->b, j), c, PG, false);
    buf_puts(&d->phase[P_ALTER], ";\n");
}

static void removed_column(struct diff *d, size_t i, long ca, const char *table)
{
    const char *name = cname(&d->a, i, ca);
    push(d->columns, "removed", json_pack("{s:s, s:s}", "table", ename(&d->a, i), "column", name));
    alter(d, P_ALTER, table);
    buf_puts(&d->phase[P_ALTER], "DROP COLUMN ");
    col_ident(&d->phase[P_ALTER], name);
    buf_puts(&d->phase[P_ALTER], ";\n");
}

/* pk_columns: "(a, b)" of the table's primary key, empty when it has none. */
static void pk_columns(struct buf *out, const struct erd_view *v, size_t i)
{
    const struct erd_entity *e = ent(v, i);
    size_t n = 0;
    for (size_t j = 0; j < e->ncolumns; j++) {
        if (!e->columns[j].is_pk)
            continue;
        buf_puts(out, n++ ? ", " : "(");
        col_ident(out, e->columns[j].name);
    }
    if (n)
        buf_putc(out, ')');
}

/* pk_change: drop and re-add the primary key when its column set changed. */
static void pk_change(struct diff *d, size_t i, size_t j, const char *table)
{
    struct buf pa = BUF_INIT, pb = BUF_INIT, name = BUF_INIT;
    pk_columns(&pa, &d->a, i);
    pk_columns(&pb, &d->b, j);
    if (strcmp(buf_cstr(&pa), buf_cstr(&pb)) != 0) {
        if (pa.len) {
            key_name(&name, ename(&d->a, i), NULL, "pkey");
            constraint_stmt(d, P_ALTER, table, "DROP", buf_cstr(&name), "");
        }
        if (pb.len) {
            alter(d, P_ALTER, table);
            buf_printf(&d->phase[P_ALTER], "ADD PRIMARY KEY %s;\n", buf_cstr(&pb));
        }
    }
    buf_free(&pa);
    buf_free(&pb);
    buf_free(&name);
}

static int table_comment_change(struct diff *d, size_t i, size_t j, const char *table)
{
    const char *cy = ent(&d->b, j)->comment;
    if (!str_differs(ent(&d->a, i)->comment, cy))
        return 0;
    struct buf *o = &d->phase[P_ALTER];
    buf_puts(o, "COMMENT ON TABLE ");
    ddl_sql_ident(o, table, PG);
    buf_puts(o, " IS ");
    if (cy && *cy)
        ddl_sql_literal(o, cy, PG);
    else
        buf_puts(o, "NULL");
    buf_puts(o, ";\n");
    return 1;
}

/* matched_table: renames, column changes, primary key of one table present in both. */
static void matched_table(struct diff *d, size_t j)
{
    size_t i = (size_t)d->a_of_b[j];
    const char *old = ename(&d->a, i), *table = ename(&d->b, j);
    size_t before = json_array_size(json_object_get(d->columns, "added")) +
                    json_array_size(json_object_get(d->columns, "removed")) +
                    json_array_size(json_object_get(d->columns, "changed"));
    int renamed = strcmp(old, table) != 0;
    if (renamed) {
        alter(d, P_RENAME, old);
        buf_puts(&d->phase[P_RENAME], "RENAME TO ");
        ddl_sql_ident(&d->phase[P_RENAME], erd_short_name(table), PG);
        buf_puts(&d->phase[P_RENAME], ";\n");
    }
    for (size_t ca = 0; ca < ent(&d->a, i)->ncolumns; ca++)
        if (d->colmap_ab[i][ca] < 0)
            removed_column(d, i, (long)ca, table);
    for (size_t cb = 0; cb < ent(&d->b, j)->ncolumns; cb++) {
        long ca = d->colmap_ba[j][cb];
        if (ca < 0) {
            added_column(d, j, (long)cb, table);
            continue;
        }
        struct colpair p = {i, j, ca, (long)cb, erd_view_column(&d->a, i, ca), erd_view_column(&d->b, j, (long)cb), table};
        changed_column(d, &p);
    }
    pk_change(d, i, j, table);
    int commented = table_comment_change(d, i, j, table);
    size_t after = json_array_size(json_object_get(d->columns, "added")) +
                   json_array_size(json_object_get(d->columns, "removed")) +
                   json_array_size(json_object_get(d->columns, "changed"));
    if (renamed || commented || after != before) {
        json_t *item = json_pack("{s:s}", "name", table);
        if (renamed)
            json_object_set_new(item, "renamed_from", json_string(old));
        push(d->tables, "changed", item);
    }
}

/* ---- relationships -------------------------------------------------------------------- */

/* signature: the relationship's endpoints in terms of the *to* model ("b:3.1>b:5.0"), so a
 * relationship of either model can be compared with one of the other. */
static void signature(struct buf *out, const struct diff *d, const struct erd_fk *fk, int from_a)
{
    size_t ents[2] = {fk->parent, fk->child};
    long cols[2] = {fk->parent_col, fk->child_col};
    for (int k = 0; k < 2; k++) {
        long t = from_a ? d->b_of_a[ents[k]] : (long)ents[k];
        long c = cols[k] < 0 ? -1 : from_a ? (t < 0 ? -1 : d->colmap_ab[ents[k]][cols[k]]) : cols[k];
        if (t < 0 || (cols[k] >= 0 && c < 0))
            buf_printf(out, "a:%zu.%ld", ents[k], cols[k]);   /* gone from the to model */
        else
            buf_printf(out, "b:%ld.%ld", t, c);
        buf_putc(out, k ? ';' : '>');
    }
}

static json_t *rel_json(const struct erd_view *v, const struct erd_fk *fk)
{
    struct buf name = BUF_INIT;
    ddl_sql_fk_name(&name, v, fk);
    const char *pc = cname(v, fk->parent, fk->parent_col), *cc = cname(v, fk->child, fk->child_col);
    json_t *j = json_pack("{s:s, s:s?, s:s, s:s?, s:s, s:s}", "parent", ename(v, fk->parent), "parent_column", pc,
                          "child", ename(v, fk->child), "child_column", cc, "type", fk->type, "name", buf_cstr(&name));
    buf_free(&name);
    return j;
}

static void drop_fk(struct diff *d, const struct erd_fk *fk)
{
    struct buf name = BUF_INIT;
    if (!erd_fk_is_m2m(fk) && fk->parent_col >= 0 && fk->child_col >= 0) {
        ddl_sql_fk_name(&name, &d->a, fk);
        constraint_stmt(d, P_DROP_FK, ename(&d->a, fk->child), "DROP", buf_cstr(&name), "");
    }
    buf_free(&name);
}

static void add_fk(struct diff *d, const struct erd_fk *fk)
{
    struct buf name = BUF_INIT, clause = BUF_INIT;
    if (erd_fk_is_m2m(fk)) {
        buf_puts(&d->phase[P_ADD_FK], "-- many-to-many ");
        buf_puts(&d->phase[P_ADD_FK], ename(&d->b, fk->parent));
        buf_puts(&d->phase[P_ADD_FK], " <-> ");
        buf_puts(&d->phase[P_ADD_FK], ename(&d->b, fk->child));
        buf_puts(&d->phase[P_ADD_FK], ": create its junction table by hand\n");
    } else if (ddl_sql_fk_clause(&clause, &d->b, fk, PG) == 0) {
        ddl_sql_fk_name(&name, &d->b, fk);
        alter(d, P_ADD_FK, ename(&d->b, fk->child));
        buf_puts(&d->phase[P_ADD_FK], "ADD CONSTRAINT ");
        col_ident(&d->phase[P_ADD_FK], buf_cstr(&name));
        buf_printf(&d->phase[P_ADD_FK], " %s;\n", buf_cstr(&clause));
    }
    buf_free(&name);
    buf_free(&clause);
}

/* rel_changes: what differs between two matched relationships (type, actions, label,
 * constraint name). */
static json_t *rel_changes(const struct diff *d, const struct erd_fk *x, const struct erd_fk *y)
{
    static const char *const keys[] = {"on_delete", "on_update", "label", "constraint_name"};
    const struct erd_relationship *rx = erd_view_rel(&d->a, x), *ry = erd_view_rel(&d->b, y);
    const char *vx[] = {rx->on_delete, rx->on_update, rx->label, rx->constraint_name};
    const char *vy[] = {ry->on_delete, ry->on_update, ry->label, ry->constraint_name};
    json_t *what = json_array();
    if (strcmp(x->type, y->type) != 0)
        json_array_append_new(what, json_string("type"));
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (str_differs(vx[k], vy[k]))
            json_array_append_new(what, json_string(keys[k]));
    return what;
}

/* match_rels: pair relationships by id, then by endpoints; bx[k] = partner of a's fk k. */
static void match_rels(const struct diff *d, long *ax, long *bx)
{
    struct strmap ids, sigs;
    strmap_init(&ids, d->arena, d->b.nfk);
    strmap_init(&sigs, d->arena, d->b.nfk);
    for (size_t k = 0; k < d->b.nfk; k++) {
        const char *id = erd_view_rel(&d->b, &d->b.fks[k])->id;
        struct buf s = BUF_INIT;
        signature(&s, d, &d->b.fks[k], 0);
        if (id)
            strmap_put(&ids, id, (long)k);
        strmap_put(&sigs, buf_cstr(&s), (long)k);
        buf_free(&s);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < d->a.nfk; k++) {
            if (ax[k] >= 0)
                continue;
            struct buf s = BUF_INIT;
            const char *id = erd_view_rel(&d->a, &d->a.fks[k])->id;
            if (pass)
                signature(&s, d, &d->a.fks[k], 1);
            long hit = pass ? strmap_get(&sigs, buf_cstr(&s)) : strmap_get(&ids, id);
            if (hit >= 0 && bx[hit] < 0) {
                ax[k] = hit;
                bx[hit] = (long)k;
            }
            buf_free(&s);
        }
    }
}

/* only_label: the changes listed in what are the label's alone. */
static bool only_label(const json_t *what)
{
    return json_array_size(what) == 1 && strcmp(json_string_value(json_array_get(what, 0)), "label") == 0;
}

static void diff_rels(struct diff *d)
{
    long *ax = minus_ones(d->arena, d->a.nfk), *bx = minus_ones(d->arena, d->b.nfk);
    match_rels(d, ax, bx);
    for (size_t k = 0; k < d->a.nfk; k++) {
        if (ax[k] >= 0)
            continue;
        push(d->rels, "removed", rel_json(&d->a, &d->a.fks[k]));
        drop_fk(d, &d->a.fks[k]);
    }
    for (size_t k = 0; k < d->b.nfk; k++) {
        if (bx[k] < 0) {
            push(d->rels, "added", rel_json(&d->b, &d->b.fks[k]));
            add_fk(d, &d->b.fks[k]);
            continue;
        }
        json_t *what = rel_changes(d, &d->a.fks[bx[k]], &d->b.fks[k]);
        if (json_array_size(what)) {
            json_t *item = rel_json(&d->b, &d->b.fks[k]);
            json_object_set(item, "what", what);
            push(d->rels, "changed", item);
            if (!only_label(what)) {    /* the label is the edge's text, not in the database */
                drop_fk(d, &d->a.fks[bx[k]]);
                add_fk(d, &d->b.fks[k]);
            }
        }
        json_decref(what);
    }
}

/* ---- summary and result --------------------------------------------------------------- */

static void count_phrase(struct buf *out, size_t n, const char *noun, const char *verb)
{
    if (n)
        buf_printf(out, "%s%zu %s%s %s", out->len ? ", " : "", n, noun, n == 1 ? "" : "s", verb);
}

static json_t *result(struct diff *d)
{
    static const char *const kinds[] = {"added", "removed", "changed"};
    const struct {
        json_t *sec;
        const char *noun;
    } parts[] = {{d->tables, "table"}, {d->columns, "column"}, {d->rels, "relationship"}};
    struct buf s = BUF_INIT;
    for (size_t p = 0; p < 3; p++)
        for (size_t k = 0; k < 3; k++)
            count_phrase(&s, json_array_size(json_object_get(parts[p].sec, kinds[k])), parts[p].noun, kinds[k]);
    json_t *r = json_pack("{s:O, s:O, s:O, s:s, s:b}", "tables", d->tables, "columns", d->columns,
                          "relationships", d->rels, "summary", s.len ? buf_cstr(&s) : "No changes",
                          "empty", s.len == 0);
    buf_free(&s);
    return r;
}

static void script(struct diff *d, struct buf *sql)
{
    buf_puts(sql, "BEGIN;\n");
    for (int p = 0; p < P_COUNT; p++)
        buf_puts(sql, buf_cstr(&d->phase[p]));
    buf_puts(sql, "COMMIT;\n");
}

static void diff_free(struct diff *d)
{
    for (int p = 0; p < P_COUNT; p++)
        buf_free(&d->phase[p]);
    json_decref(d->tables);
    json_decref(d->columns);
    json_decref(d->rels);
}

json_t *erd_diff(const struct erd_doc *from, const struct erd_doc *to, struct buf *sql)
{
    struct arena a;
    struct diff d;
    json_t *r = NULL;
    memset(&d, 0, sizeof d);
    arena_init(&a);
    d.arena = &a;
    if (erd_view_init(&a, &d.a, from) != ERD_VIEW_OK || erd_view_init(&a, &d.b, to) != ERD_VIEW_OK)
        goto out;
    d.tables = section();
    d.columns = section();
    d.rels = section();
    strmap_init(&d.enums_seen, &a, 8);
    match_all(&d);
    for (size_t j = 0; j < to->nentities; j++) {
        if (d.a_of_b[j] < 0)
            added_table(&d, j);
        else
            matched_table(&d, j);
    }
    for (size_t i = 0; i < from->nentities; i++)
        if (d.b_of_a[i] < 0)
            removed_table(&d, i);
    diff_rels(&d);
    r = result(&d);
    if (sql)
        script(&d, sql);
out:
    diff_free(&d);
    arena_free(&a);
    return r;
}
