/* erd_diff.c — what changed between two ERD models (tables, columns, relationships; matched
 * by id, then by case-insensitive name) and the PostgreSQL script that migrates a database
 * from the first to the second.  Output order follows the models, so it is deterministic. */
#include "erd_diff.h"
#include "buf.h"
#include "ddl_export.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PG EXPORT_POSTGRES

/* The script is built in phases and joined in this order at the end. */
enum phase { P_DROP_FK, P_RENAME, P_TYPES, P_CREATE, P_ALTER, P_ADD_FK, P_DROP_TABLE, P_COUNT };

struct diff {
    struct erd_view a, b;            /* from, to */
    long *b_of_a, *a_of_b;           /* matched table in the other model, or -1 */
    long **colmap_ab, **colmap_ba;   /* per table: matched column in the other model, or -1 */
    json_t *tables, *columns, *rels; /* the result's sections */
    json_t *enums_seen;
    struct buf phase[P_COUNT];
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static const char *ename(const struct erd_view *v, size_t i)
{
    return ddl_export_str(ddl_export_entity(v, i), "name");
}

static const json_t *cols_of(const struct erd_view *v, size_t i)
{
    return json_object_get(ddl_export_entity(v, i), "columns");
}

static const char *cname(const struct erd_view *v, size_t i, long j)
{
    return ddl_export_str(ddl_export_column(v, i, j), "name");
}

/* ---- matching ------------------------------------------------------------------------- */

static long *minus_ones(size_t n)
{
    long *m = xcalloc(n, sizeof *m);
    for (size_t i = 0; i < n; i++)
        m[i] = -1;
    return m;
}

/* match_items: pair the elements of arrays xa and xb, by id first, then by name (case-
 * insensitive); ab[i] / ba[j] receive the partner index or -1.  Quadratic in the sizes,
 * which are per-table column counts or table counts of one diagram. */
static void match_items(const json_t *xa, const json_t *xb, long *ab, long *ba)
{
    size_t na = json_array_size(xa), nb = json_array_size(xb);
    json_t *ids = json_object();
    for (size_t i = 0; i < na; i++) {
        const char *id = ddl_export_str(json_array_get(xa, i), "id");
        if (id && !json_object_get(ids, id))
            json_object_set_new(ids, id, json_integer((json_int_t)i));
    }
    for (size_t j = 0; j < nb; j++) {
        const char *id = ddl_export_str(json_array_get(xb, j), "id");
        json_t *hit = id ? json_object_get(ids, id) : NULL;
        if (hit && ab[json_integer_value(hit)] < 0) {
            ab[json_integer_value(hit)] = (long)j;
            ba[j] = (long)json_integer_value(hit);
        }
    }
    json_decref(ids);
    for (size_t j = 0; j < nb; j++) {
        const char *name = ddl_export_str(json_array_get(xb, j), "name");
        for (size_t i = 0; ba[j] < 0 && i < na; i++) {
            if (ab[i] < 0 && !strcasecmp(name, ddl_export_str(json_array_get(xa, i), "name"))) {
                ab[i] = (long)j;
                ba[j] = (long)i;
            }
        }
    }
}

static void match_all(struct diff *d)
{
    d->b_of_a = minus_ones(d->a.nent);
    d->a_of_b = minus_ones(d->b.nent);
    match_items(d->a.entities, d->b.entities, d->b_of_a, d->a_of_b);
    d->colmap_ab = xcalloc(d->a.nent, sizeof *d->colmap_ab);
    d->colmap_ba = xcalloc(d->b.nent, sizeof *d->colmap_ba);
    for (size_t i = 0; i < d->a.nent; i++)
        d->colmap_ab[i] = minus_ones(json_array_size(cols_of(&d->a, i)));
    for (size_t j = 0; j < d->b.nent; j++)
        d->colmap_ba[j] = minus_ones(json_array_size(cols_of(&d->b, j)));
    for (size_t i = 0; i < d->a.nent; i++)
        if (d->b_of_a[i] >= 0)
            match_items(cols_of(&d->a, i), cols_of(&d->b, (size_t)d->b_of_a[i]), d->colmap_ab[i],
                        d->colmap_ba[d->b_of_a[i]]);
}

/* ---- SQL helpers ---------------------------------------------------------------------- */

static void alter(struct diff *d, enum phase p, const char *table)
{
    buf_puts(&d->phase[p], "ALTER TABLE ");
    ddl_export_ident(&d->phase[p], table, PG);
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
        ddl_export_ident(out, name, PG);
    }
}

/* pg_type: the column's type as PostgreSQL writes it (for comparing and for ALTER). */
static void pg_type(struct buf *out, const struct erd_view *v, size_t i, long j)
{
    ddl_export_type(out, ddl_export_entity(v, i), ddl_export_column(v, i, j), PG);
}

/* key_name: PostgreSQL's default name for a table's constraint ("users_email_key"). */
static void key_name(struct buf *out, const char *table, const char *col, const char *suffix)
{
    buf_puts(out, ddl_export_short_name(table));
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
    ddl_export_enum_types(&d->phase[P_TYPES], ddl_export_entity(&d->b, j), d->enums_seen);
    ddl_export_create_table(&d->phase[P_CREATE], &d->b, j, PG);
}

static void removed_table(struct diff *d, size_t i)
{
    push(d->tables, "removed", json_string(ename(&d->a, i)));
    buf_puts(&d->phase[P_DROP_TABLE], "DROP TABLE ");
    ddl_export_ident(&d->phase[P_DROP_TABLE], ename(&d->a, i), PG);
    buf_puts(&d->phase[P_DROP_TABLE], ";\n");
}

static int str_differs(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") != 0;
}

static int nullable(const json_t *c)
{
    return !json_is_false(json_object_get(c, "is_nullable")) && !ddl_export_flag(c, "is_pk");
}

/* ---- columns -------------------------------------------------------------------------- */

struct colpair {
    size_t i, j;          /* table in a, in b */
    long ca, cb;          /* column in a, in b */
    const json_t *x, *y;  /* the two column objects */
    const char *table;    /* table name in b (after any rename) */
};

static void col_type_change(struct diff *d, const struct colpair *p, json_t *what)
{
    struct buf ta = BUF_INIT, tb = BUF_INIT;
    pg_type(&ta, &d->a, p->i, p->ca);
    pg_type(&tb, &d->b, p->j, p->cb);
    if (strcasecmp(buf_cstr(&ta), buf_cstr(&tb)) != 0) {
        json_array_append_new(what, json_string("type"));
        if (ddl_export_is_enum(p->y))
            ddl_export_enum_types(&d->phase[P_TYPES], ddl_export_entity(&d->b, p->j), d->enums_seen);
        alter(d, P_ALTER, p->table);
        buf_puts(&d->phase[P_ALTER], "ALTER COLUMN ");
        col_ident(&d->phase[P_ALTER], ddl_export_str(p->y, "name"));
        buf_printf(&d->phase[P_ALTER], " TYPE %s USING ", buf_cstr(&tb));
        col_ident(&d->phase[P_ALTER], ddl_export_str(p->y, "name"));
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
    if (ddl_export_flag(p->y, "is_pk"))
        return;                       /* the primary key makes it NOT NULL */
    alter(d, P_ALTER, p->table);
    buf_puts(&d->phase[P_ALTER], "ALTER COLUMN ");
    col_ident(&d->phase[P_ALTER], ddl_export_str(p->y, "name"));
    buf_puts(&d->phase[P_ALTER], nullable(p->y) ? " DROP NOT NULL;\n" : " SET NOT NULL;\n");
}

static void col_default_change(struct diff *d, const struct colpair *p, json_t *what)
{
    const char *dy = ddl_export_str(p->y, "default");
    if (!str_differs(ddl_export_str(p->x, "default"), dy))
        return;
    json_array_append_new(what, json_string("default"));
    alter(d, P_ALTER, p->table);
    buf_puts(&d->phase[P_ALTER], "ALTER COLUMN ");
    col_ident(&d->phase[P_ALTER], ddl_export_str(p->y, "name"));
    if (dy && *dy) {
        /* reuse the exporter's checks: a column definition holds " DEFAULT expr" */
        struct buf def = BUF_INIT;
        json_t *only = json_pack("{s:s, s:s, s:s}", "name", "x", "type", "text", "default", dy);
        ddl_export_column_def(&def, NULL, only, PG, 0);
        const char *at = strstr(buf_cstr(&def), " DEFAULT ");
        buf_printf(&d->phase[P_ALTER], " SET%s;\n", at ? at : " DEFAULT NULL");
        json_decref(only);
        buf_free(&def);
    } else {
        buf_puts(&d->phase[P_ALTER], " DROP DEFAULT;\n");
    }
}

static void col_unique_change(struct diff *d, const struct colpair *p, json_t *what)
{
    int ux = ddl_export_flag(p->x, "is_unique"), uy = ddl_export_flag(p->y, "is_unique");
    if (ux == uy)
        return;
    json_array_append_new(what, json_string("unique"));
    struct buf name = BUF_INIT, rest = BUF_INIT;
    if (uy) {
        key_name(&name, p->table, ddl_export_str(p->y, "name"), "key");
        buf_puts(&rest, " UNIQUE (");
        col_ident(&rest, ddl_export_str(p->y, "name"));
        buf_putc(&rest, ')');
        constraint_stmt(d, P_ALTER, p->table, "ADD", buf_cstr(&name), buf_cstr(&rest));
    } else {
        key_name(&name, ename(&d->a, p->i), ddl_export_str(p->x, "name"), "key");
        constraint_stmt(d, P_ALTER, p->table, "DROP", buf_cstr(&name), "");
    }
    buf_free(&name);
    buf_free(&rest);
}

static void col_comment_change(struct diff *d, const struct colpair *p, json_t *what)
{
    const char *cy = ddl_export_str(p->y, "comment");
    if (!str_differs(ddl_export_str(p->x, "comment"), cy))
        return;
    json_array_append_new(what, json_string("comment"));
    struct buf *o = &d->phase[P_ALTER];
    buf_puts(o, "COMMENT ON COLUMN ");
    ddl_export_ident(o, p->table, PG);
    buf_putc(o, '.');
    col_ident(o, ddl_export_str(p->y, "name"));
    buf_puts(o, " IS ");
    if (cy && *cy)
        ddl_export_literal(o, cy, PG);
    else
        buf_puts(o, "NULL");
    buf_puts(o, ";\n");
}

/* changed_column: record and script what differs between a matched pair of columns. */
static void changed_column(struct diff *d, const struct colpair *p)
{
    json_t *what = json_array();
    const char *nx = ddl_export_str(p->x, "name"), *ny = ddl_export_str(p->y, "name");
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
    if (ddl_export_flag(p->x, "is_pk") != ddl_export_flag(p->y, "is_pk"))
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
    const json_t *c = ddl_export_column(&d->b, j, cb);
    push(d->columns, "added", json_pack("{s:s, s:s}", "table", table, "column", ddl_export_str(c, "name")));
    if (ddl_export_is_enum(c))
        ddl_export_enum_types(&d->phase[P_TYPES], ddl_export_entity(&d->b, j), d->enums_seen);
    alter(d, P_ALTER, table);
    buf_puts(&d->phase[P_ALTER], "ADD COLUMN ");
    ddl_export_column_def(&d->phase[P_ALTER], ddl_export_entity(&d->b, j), c, PG, 0);
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
    const json_t *cols = cols_of(v, i);
    size_t n = 0;
    for (size_t j = 0; j < json_array_size(cols); j++) {
        if (!ddl_export_flag(json_array_get(cols, j), "is_pk"))
            continue;
        buf_puts(out, n++ ? ", " : "(");
        col_ident(out, ddl_export_str(json_array_get(cols, j), "name"));
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
    const char *cy = ddl_export_str(ddl_export_entity(&d->b, j), "comment");
    if (!str_differs(ddl_export_str(ddl_export_entity(&d->a, i), "comment"), cy))
        return 0;
    struct buf *o = &d->phase[P_ALTER];
    buf_puts(o, "COMMENT ON TABLE ");
    ddl_export_ident(o, table, PG);
    buf_puts(o, " IS ");
    if (cy && *cy)
        ddl_export_literal(o, cy, PG);
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
        ddl_export_ident(&d->phase[P_RENAME], ddl_export_short_name(table), PG);
        buf_puts(&d->phase[P_RENAME], ";\n");
    }
    for (size_t ca = 0; ca < json_array_size(cols_of(&d->a, i)); ca++)
        if (d->colmap_ab[i][ca] < 0)
            removed_column(d, i, (long)ca, table);
    for (size_t cb = 0; cb < json_array_size(cols_of(&d->b, j)); cb++) {
        long ca = d->colmap_ba[j][cb];
        if (ca < 0) {
            added_column(d, j, (long)cb, table);
            continue;
        }
        struct colpair p = {i, j, ca, (long)cb, ddl_export_column(&d->a, i, ca), ddl_export_column(&d->b, j, (long)cb), table};
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
    ddl_export_fk_name(&name, v, fk);
    const char *pc = cname(v, fk->parent, fk->parent_col), *cc = cname(v, fk->child, fk->child_col);
    json_t *j = json_pack("{s:s, s:s?, s:s, s:s?, s:s, s:s}", "parent", ename(v, fk->parent), "parent_column", pc,
                          "child", ename(v, fk->child), "child_column", cc, "type", fk->type, "name", buf_cstr(&name));
    buf_free(&name);
    return j;
}

static int is_m2m(const struct erd_fk *fk)
{
    return strcmp(fk->type, "many-to-many") == 0;
}

static void drop_fk(struct diff *d, const struct erd_fk *fk)
{
    struct buf name = BUF_INIT;
    if (!is_m2m(fk) && fk->parent_col >= 0 && fk->child_col >= 0) {
        ddl_export_fk_name(&name, &d->a, fk);
        constraint_stmt(d, P_DROP_FK, ename(&d->a, fk->child), "DROP", buf_cstr(&name), "");
    }
    buf_free(&name);
}

static void add_fk(struct diff *d, const struct erd_fk *fk)
{
    struct buf name = BUF_INIT, clause = BUF_INIT;
    if (is_m2m(fk)) {
        buf_puts(&d->phase[P_ADD_FK], "-- many-to-many ");
        buf_puts(&d->phase[P_ADD_FK], ename(&d->b, fk->parent));
        buf_puts(&d->phase[P_ADD_FK], " <-> ");
        buf_puts(&d->phase[P_ADD_FK], ename(&d->b, fk->child));
        buf_puts(&d->phase[P_ADD_FK], ": create its junction table by hand\n");
    } else if (ddl_export_fk_clause(&clause, &d->b, fk, PG) == 0) {
        ddl_export_fk_name(&name, &d->b, fk);
        alter(d, P_ADD_FK, ename(&d->b, fk->child));
        buf_puts(&d->phase[P_ADD_FK], "ADD CONSTRAINT ");
        col_ident(&d->phase[P_ADD_FK], buf_cstr(&name));
        buf_printf(&d->phase[P_ADD_FK], " %s;\n", buf_cstr(&clause));
    }
    buf_free(&name);
    buf_free(&clause);
}

/* rel_changes: what differs between two matched relationships (type, actions, label). */
static json_t *rel_changes(const struct diff *d, const struct erd_fk *x, const struct erd_fk *y)
{
    static const char *const keys[] = {"on_delete", "on_update", "label"};
    const json_t *rx = json_array_get(d->a.rels, x->rel), *ry = json_array_get(d->b.rels, y->rel);
    json_t *what = json_array();
    if (strcmp(x->type, y->type) != 0)
        json_array_append_new(what, json_string("type"));
    for (size_t k = 0; k < 3; k++)
        if (str_differs(ddl_export_str(rx, keys[k]), ddl_export_str(ry, keys[k])))
            json_array_append_new(what, json_string(keys[k]));
    return what;
}

/* match_rels: pair relationships by id, then by endpoints; bx[k] = partner of a's fk k. */
static void match_rels(const struct diff *d, long *ax, long *bx)
{
    json_t *ids = json_object(), *sigs = json_object();
    for (size_t k = 0; k < d->b.nfk; k++) {
        const char *id = ddl_export_str(json_array_get(d->b.rels, d->b.fks[k].rel), "id");
        struct buf s = BUF_INIT;
        signature(&s, d, &d->b.fks[k], 0);
        if (id && !json_object_get(ids, id))
            json_object_set_new(ids, id, json_integer((json_int_t)k));
        if (!json_object_get(sigs, buf_cstr(&s)))
            json_object_set_new(sigs, buf_cstr(&s), json_integer((json_int_t)k));
        buf_free(&s);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < d->a.nfk; k++) {
            if (ax[k] >= 0)
                continue;
            struct buf s = BUF_INIT;
            const char *id = ddl_export_str(json_array_get(d->a.rels, d->a.fks[k].rel), "id");
            if (pass)
                signature(&s, d, &d->a.fks[k], 1);
            json_t *hit = pass ? json_object_get(sigs, buf_cstr(&s)) : id ? json_object_get(ids, id) : NULL;
            if (hit && bx[json_integer_value(hit)] < 0) {
                ax[k] = (long)json_integer_value(hit);
                bx[ax[k]] = (long)k;
            }
            buf_free(&s);
        }
    }
    json_decref(ids);
    json_decref(sigs);
}

static void diff_rels(struct diff *d)
{
    long *ax = minus_ones(d->a.nfk), *bx = minus_ones(d->b.nfk);
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
            drop_fk(d, &d->a.fks[bx[k]]);
            add_fk(d, &d->b.fks[k]);
        }
        json_decref(what);
    }
    free(ax);
    free(bx);
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
    for (size_t i = 0; d->colmap_ab && i < d->a.nent; i++)
        free(d->colmap_ab[i]);
    for (size_t j = 0; d->colmap_ba && j < d->b.nent; j++)
        free(d->colmap_ba[j]);
    free(d->colmap_ab);
    free(d->colmap_ba);
    free(d->b_of_a);
    free(d->a_of_b);
    for (int p = 0; p < P_COUNT; p++)
        buf_free(&d->phase[p]);
    json_decref(d->tables);
    json_decref(d->columns);
    json_decref(d->rels);
    json_decref(d->enums_seen);
    ddl_export_view_free(&d->a);
    ddl_export_view_free(&d->b);
}

json_t *erd_diff(const json_t *from, const json_t *to, struct buf *sql)
{
    struct diff d;
    memset(&d, 0, sizeof d);
    if (ddl_export_view_init(&d.a, from) != 0)
        return NULL;
    if (ddl_export_view_init(&d.b, to) != 0) {
        ddl_export_view_free(&d.a);
        return NULL;
    }
    d.tables = section();
    d.columns = section();
    d.rels = section();
    d.enums_seen = json_object();
    match_all(&d);
    for (size_t j = 0; j < d.b.nent; j++) {
        if (d.a_of_b[j] < 0)
            added_table(&d, j);
        else
            matched_table(&d, j);
    }
    for (size_t i = 0; i < d.a.nent; i++)
        if (d.b_of_a[i] < 0)
            removed_table(&d, i);
    diff_rels(&d);
    json_t *r = result(&d);
    if (sql)
        script(&d, sql);
    diff_free(&d);
    return r;
}
