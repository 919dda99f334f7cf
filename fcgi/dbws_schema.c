/* dbws_schema.c — a live database's schema as an ERD model: the driver's four catalog queries
 * (tables, columns, keys, foreign keys) fed into the DDL importer's model builder, so a schema
 * read from a server is built, related and laid out exactly like the same schema imported
 * from its DDL. */
#include "arena.h"
#include "dbws.h"
#include "ddl_import_internal.h"
#include "erd_doc.h"
#include <stdlib.h>
#include <string.h>

struct grid {
    const char **cells;
    int nrows, ncols;
};

static const char *cell(const struct grid *g, int row, int col)
{
    return g->cells[row * g->ncols + col];
}

static int fetch(struct arena *a, const struct dbws_driver *d, void *h, int which, int ncols,
                 struct grid *g, struct dbws_error *err)
{
    if (d->table(a, h, d->catalog[which], &g->cells, &g->nrows, &g->ncols, err) != 0)
        return -1;
    if (g->ncols != ncols)
        return dbws_error_set(err, DBWS_ERR_SQL, "The catalog query answered %d columns, not %d.", g->ncols, ncols);
    return 0;
}

/* enum_values: labels of a PostgreSQL enum (joined by \x1f) or of a MySQL enum('a','b'). */
static int enum_values(struct ddl_builder *b, const char *joined, const char *type, const char ***out)
{
    int n = 0;
    const char **v = NULL;
    if (joined) {
        v = arena_alloc(&b->arena, (strlen(joined) + 2) * sizeof *v);
        for (const char *p = joined;;) {
            size_t len = strcspn(p, "\x1f");
            v[n++] = ddl_import_strndup(b, p, len);
            if (!p[len])
                break;
            p += len + 1;
        }
    } else if (type && strncmp(type, "enum(", 5) == 0) {
        v = arena_alloc(&b->arena, (strlen(type) + 1) * sizeof *v);
        for (const char *p = type + 5; *p == '\'';) {
            char *label = arena_alloc(&b->arena, strlen(p) + 1);
            size_t len = 0;
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p++) {
                if (*p == '\'' || *p == '\\')   /* '' and \x stand for one character */
                    p++;
                label[len++] = *p;
            }
            label[len] = '\0';
            v[n++] = label;
            if (*p == '\'')
                p++;
            if (*p == ',')
                p++;
        }
    }
    *out = v;
    return n;
}

static int add_tables(struct ddl_builder *b, const struct grid *g, struct dbws_error *err)
{
    for (int r = 0; r < g->nrows; r++) {
        bool dup;
        struct ddl_entity *e = ddl_import_add_entity(b, cell(g, r, 0), &dup);
        if (!e && !dup)
            return dbws_error_set(err, DBWS_ERR_SQL, "%s", b->err->message);
        if (e)
            e->comment = cell(g, r, 1) ? ddl_import_strndup(b, cell(g, r, 1), strlen(cell(g, r, 1))) : NULL;
    }
    return 0;
}

static int add_columns(struct ddl_builder *b, const struct grid *g, struct dbws_error *err)
{
    for (int r = 0; r < g->nrows; r++) {
        struct ddl_entity *e = ddl_import_find_entity(b, cell(g, r, 0));
        if (!e)
            continue;
        struct ddl_col *c = ddl_import_add_col(b, e, cell(g, r, 1));
        if (!c) {
            if (b->err->message[0])
                return dbws_error_set(err, DBWS_ERR_SQL, "%s", b->err->message);
            continue;
        }
        c->type = ddl_import_strndup(b, cell(g, r, 2) ? cell(g, r, 2) : "unknown",
                                     strlen(cell(g, r, 2) ? cell(g, r, 2) : "unknown"));
        c->not_null = cell(g, r, 3) && (cell(g, r, 3)[0] == '1' || cell(g, r, 3)[0] == 't');
        c->dflt = cell(g, r, 4);
        c->comment = cell(g, r, 5);
        c->n_enum = enum_values(b, cell(g, r, 6), c->type, &c->enum_values);
        if (c->n_enum == 0)
            c->enum_values = NULL;
    }
    return 0;
}

/* group_end: the first row after r whose first `key` columns differ from r's. */
static int group_end(const struct grid *g, int r, const int *key, int nkey)
{
    int e = r + 1;
    for (; e < g->nrows; e++)
        for (int k = 0; k < nkey; k++) {
            const char *x = cell(g, r, key[k]), *y = cell(g, e, key[k]);
            if (!x || !y || strcmp(x, y) != 0)
                return e;
        }
    return e;
}

static void add_keys(struct ddl_builder *b, const struct grid *g)
{
    static const int key[] = {0, 1, 2};
    for (int r = 0, end; r < g->nrows; r = end) {
        end = group_end(g, r, key, 3);
        struct ddl_entity *e = ddl_import_find_entity(b, cell(g, r, 0));
        if (!e)
            continue;
        const char **cols = arena_alloc(&b->arena, (size_t)(end - r) * sizeof *cols);
        for (int k = r; k < end; k++)
            cols[k - r] = cell(g, k, 3);
        if (cell(g, r, 1)[0] == 'p')
            ddl_import_mark_pk(b, e, cols, end - r);
        else
            ddl_import_mark_unique(b, e, cols, end - r);
    }
}

static void add_fks(struct ddl_builder *b, const struct grid *g)
{
    static const int key[] = {0};
    for (int r = 0, end; r < g->nrows; r = end) {
        end = group_end(g, r, key, 1);
        struct ddl_fk fk;
        memset(&fk, 0, sizeof fk);
        fk.child = cell(g, r, 1);
        fk.parent = cell(g, r, 3);
        fk.on_delete = cell(g, r, 5);
        fk.on_update = cell(g, r, 6);
        fk.child_cols = arena_alloc(&b->arena, (size_t)(end - r) * sizeof *fk.child_cols);
        fk.parent_cols = arena_alloc(&b->arena, (size_t)(end - r) * sizeof *fk.parent_cols);
        fk.n_child = end - r;
        for (int k = r; k < end; k++) {
            fk.child_cols[k - r] = cell(g, k, 2);
            if (cell(g, k, 4))
                fk.parent_cols[fk.n_parent++] = cell(g, k, 4);
        }
        if (fk.n_parent != fk.n_child)
            fk.n_parent = 0;    /* SQLite: references the parent's primary key */
        ddl_import_add_fk(b, &fk);
    }
}

int dbws_schema_read(struct arena *a, const struct dbws_driver *d, void *h, struct erd_doc *out,
                     struct dbws_error *err)
{
    struct grid tables, columns, keys, fks;
    struct ddl_builder b;
    struct ddl_error derr;
    memset(out, 0, sizeof *out);
    if (fetch(a, d, h, 0, 2, &tables, err) || fetch(a, d, h, 1, 7, &columns, err) ||
        fetch(a, d, h, 2, 5, &keys, err) || fetch(a, d, h, 3, 8, &fks, err))
        return -1;
    ddl_import_builder_init(&b, &derr);
    if (add_tables(&b, &tables, err) != 0 || add_columns(&b, &columns, err) != 0) {
        arena_free(&b.arena);
        return -1;
    }
    add_keys(&b, &keys);
    add_fks(&b, &fks);
    ddl_import_builder_finish(a, &b, out);
    return 0;
}
