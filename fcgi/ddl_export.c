/* ddl_export.c — ERD model export: format names and content types, the entry point, and
 * the non-SQL formats: JSON, DBML (dbdiagram.io) and Mermaid erDiagram.  SQL DDL lives in
 * ddl_export_sql.c (its pieces in ddl_sql.c); relationships are resolved by erd_view.c. */
#include "ddl_export.h"
#include "arena.h"
#include "buf.h"
#include "ddl_sql.h"
#include "erd_doc.h"
#include "erd_view.h"
#include "strmap.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- formats -------------------------------------------------------------------------- */

static const struct {
    const char *name, *content_type, *ext;
    enum export_format f;
} formats[] = {
    {"postgres", "application/sql; charset=utf-8", ".postgres.sql", EXPORT_POSTGRES},
    {"mysql", "application/sql; charset=utf-8", ".mysql.sql", EXPORT_MYSQL},
    {"sqlite", "application/sql; charset=utf-8", ".sqlite.sql", EXPORT_SQLITE},
    {"dbml", "text/plain; charset=utf-8", ".dbml", EXPORT_DBML},
    {"mermaid", "text/plain; charset=utf-8", ".mmd", EXPORT_MERMAID},
    {"json", "application/json; charset=utf-8", ".json", EXPORT_JSON},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

int export_format_from_name(const char *name, enum export_format *out)
{
    for (size_t i = 0; name && i < NFORMATS; i++) {
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].f;
            return 0;
        }
    }
    return -1;
}

static size_t format_index(enum export_format f)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].f == f)
            return i;
    return NFORMATS - 1;
}

const char *export_content_type(enum export_format f)
{
    return formats[format_index(f)].content_type;
}

const char *export_file_ext(enum export_format f)
{
    return formats[format_index(f)].ext;
}

/* ---- shared text helpers -------------------------------------------------------------- */

/* put_oneline: s with control characters turned into spaces and each character in
 * `replace` turned into `with`. */
static void put_oneline(struct buf *out, const char *s, const char *replace, char with)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            buf_putc(out, ' ');
        else if (replace && strchr(replace, c))
            buf_putc(out, with);
        else
            buf_putc(out, (char)c);
    }
}

static int is_plain_ident(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

/* ---- DBML ----------------------------------------------------------------------------- */

/* dbml_name: one name part, double-quoted when not a plain identifier. */
static void dbml_name(struct buf *out, const char *s)
{
    if (is_plain_ident(s)) {
        buf_puts(out, s);
        return;
    }
    buf_putc(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(out, '\\');
        if ((unsigned char)*s >= 0x20)
            buf_putc(out, *s);
    }
    buf_putc(out, '"');
}

/* dbml_table_name: "schema.table" written part by part. */
static void dbml_table_name(struct buf *out, const char *name)
{
    const char *dot = strchr(name, '.');
    if (dot && dot != name && dot[1]) {
        struct buf schema = BUF_INIT;
        buf_append(&schema, name, (size_t)(dot - name));
        dbml_name(out, buf_cstr(&schema));
        buf_putc(out, '.');
        buf_free(&schema);
        name = dot + 1;
    }
    dbml_name(out, name);
}

/* dbml_string: a single-quoted DBML string. */
static void dbml_string(struct buf *out, const char *s)
{
    buf_putc(out, '\'');
    for (; s && *s; s++) {
        if (*s == '\'' || *s == '\\')
            buf_putc(out, '\\');
        buf_putc(out, (unsigned char)*s < 0x20 ? ' ' : *s);
    }
    buf_putc(out, '\'');
}

/* dbml_enum_name: the enum type name of a column (<table>_<column> when the type is enum). */
static void dbml_enum_name(struct buf *out, const struct erd_entity *e, const struct erd_column *c)
{
    const char *type = c->type;
    if (type && is_plain_ident(type) && strcasecmp(type, "enum") && strcasecmp(type, "set"))
        buf_puts(out, type);
    else
        buf_printf(out, "%s_%s", erd_short_name(e->name), c->name);
}

static void dbml_type(struct buf *out, const struct erd_entity *e, const struct erd_column *c)
{
    struct buf t = BUF_INIT;
    if (ddl_sql_is_enum(c))
        dbml_enum_name(&t, e, c);
    else
        put_oneline(&t, c->type ? c->type : "text", NULL, 0);
    int plain = 1;
    for (const char *p = buf_cstr(&t); *p; p++)
        if (!(isalnum((unsigned char)*p) || strchr("_(),[]", *p)))
            plain = 0;
    if (plain && t.len)
        buf_puts(out, buf_cstr(&t));
    else
        dbml_name(out, buf_cstr(&t));
    buf_free(&t);
}

static int is_number(const char *s)
{
    char *end;
    if (!*s)
        return 0;
    (void)strtod(s, &end);
    return *end == '\0';
}

/* dbml_default: numbers, true/false/null bare; a '…' SQL literal as a DBML string; any
 * other expression in backticks. */
static void dbml_default(struct buf *out, const char *d)
{
    size_t n = strlen(d);
    if (is_number(d) || !strcasecmp(d, "true") || !strcasecmp(d, "false") || !strcasecmp(d, "null")) {
        buf_puts(out, d);
    } else if (n >= 2 && d[0] == '\'' && d[n - 1] == '\'') {
        struct buf lit = BUF_INIT;
        for (size_t i = 1; i + 1 < n; i++) {
            buf_putc(&lit, d[i]);
            if (d[i] == '\'' && d[i + 1] == '\'')
                i++;
        }
        dbml_string(out, buf_cstr(&lit));
        buf_free(&lit);
    } else {
        buf_putc(out, '`');
        put_oneline(out, d, "`", '\'');
        buf_putc(out, '`');
    }
}

/* dbml_settings: the [pk, not null, …] list of a column, nothing when empty. */
static void dbml_settings(struct buf *out, const struct erd_column *c, int composite_pk)
{
    struct buf s = BUF_INIT;
    const char *type = c->type, *d = c->default_value, *note = c->comment;
    if (c->is_pk && !composite_pk)
        buf_puts(&s, ", pk");
    if (type && strstr(type, "serial"))
        buf_puts(&s, ", increment");
    if (!c->is_nullable && !(c->is_pk && !composite_pk))
        buf_puts(&s, ", not null");
    if (c->is_unique)
        buf_puts(&s, ", unique");
    if (d && *d) {
        buf_puts(&s, ", default: ");
        dbml_default(&s, d);
    }
    if (note && *note) {
        buf_puts(&s, ", note: ");
        dbml_string(&s, note);
    }
    if (s.len)
        buf_printf(out, " [%s]", buf_cstr(&s) + 2);
    buf_free(&s);
}

static void dbml_enums(struct buf *out, struct arena *a, const struct erd_doc *doc)
{
    struct strmap seen;
    strmap_init(&seen, a, 8);
    for (size_t i = 0; i < doc->nentities; i++) {
        const struct erd_entity *e = &doc->entities[i];
        for (size_t j = 0; j < e->ncolumns; j++) {
            const struct erd_column *c = &e->columns[j];
            struct buf name = BUF_INIT;
            dbml_enum_name(&name, e, c);
            if (ddl_sql_is_enum(c) && strmap_put(&seen, buf_cstr(&name), 0)) {
                buf_puts(out, "Enum ");
                dbml_name(out, buf_cstr(&name));
                buf_puts(out, " {\n");
                for (size_t k = 0; k < c->n_enum; k++) {
                    buf_puts(out, "  ");
                    dbml_name(out, c->enum_values[k]);
                    buf_putc(out, '\n');
                }
                buf_puts(out, "}\n\n");
            }
            buf_free(&name);
        }
    }
}

static void dbml_table(struct buf *out, const struct erd_entity *e)
{
    const char *note = e->comment;
    size_t npk = ddl_sql_count_pk(e);
    buf_puts(out, "Table ");
    dbml_table_name(out, e->name);
    if (note && *note) {
        buf_puts(out, " [note: ");
        dbml_string(out, note);
        buf_putc(out, ']');
    }
    buf_puts(out, " {\n");
    for (size_t j = 0; j < e->ncolumns; j++) {
        const struct erd_column *c = &e->columns[j];
        buf_puts(out, "  ");
        dbml_name(out, c->name);
        buf_putc(out, ' ');
        dbml_type(out, e, c);
        dbml_settings(out, c, npk > 1);
        buf_putc(out, '\n');
    }
    if (npk > 1) {
        buf_puts(out, "\n  indexes {\n    (");
        for (size_t j = 0, k = 0; j < e->ncolumns; j++) {
            if (!e->columns[j].is_pk)
                continue;
            buf_puts(out, k++ ? ", " : "");
            dbml_name(out, e->columns[j].name);
        }
        buf_puts(out, ") [pk]\n  }\n");
    }
    buf_puts(out, "}\n\n");
}

static void dbml_endpoint(struct buf *out, const struct erd_view *v, size_t ent, long col)
{
    dbml_table_name(out, v->doc->entities[ent].name);
    buf_putc(out, '.');
    dbml_name(out, erd_view_column(v, ent, col)->name);
}
static const struct {
    const char *type, *dbml, *mermaid;
} rel_kinds[] = {
    {"one-to-many", "<", "||--o{"},
    {"one-to-one", "-", "||--||"},
    {"many-to-many", "<>", "}o--o{"},
};

static size_t rel_kind(const char *type)
{
    for (size_t i = 0; i < 3; i++)
        if (strcmp(type, rel_kinds[i].type) == 0)
            return i;
    return 0;
}

/* dbml_action: an ON DELETE/UPDATE value in DBML's words, or NULL. */
static const char *dbml_action(const char *a)
{
    static const char *const ok[] = {"cascade", "set null", "restrict", "no action", "set default"};
    for (size_t i = 0; a && i < 5; i++)
        if (strcasecmp(a, ok[i]) == 0)
            return ok[i];
    return NULL;
}

static void dbml_ref(struct buf *out, const struct erd_view *v, const struct erd_fk *fk)
{
    const struct erd_relationship *r = erd_view_rel(v, fk);
    const char *label = r->constraint_name;
    const char *del = dbml_action(r->on_delete), *upd = dbml_action(r->on_update);
    if (fk->parent_col < 0 || fk->child_col < 0) {
        buf_puts(out, "// relationship skipped (no columns): ");
        put_oneline(out, v->doc->entities[fk->child].name, NULL, 0);
        buf_puts(out, " -> ");
        put_oneline(out, v->doc->entities[fk->parent].name, NULL, 0);
        buf_putc(out, '\n');
        return;
    }
    buf_puts(out, "Ref");
    if (label && is_plain_ident(label))
        buf_printf(out, " %s", label);
    buf_puts(out, ": ");
    dbml_endpoint(out, v, fk->parent, fk->parent_col);
    buf_printf(out, " %s ", rel_kinds[rel_kind(fk->type)].dbml);
    dbml_endpoint(out, v, fk->child, fk->child_col);
    if (del || upd)
        buf_printf(out, " [%s%s%s%s%s]", del ? "delete: " : "", del ? del : "", del && upd ? ", " : "",
                   upd ? "update: " : "", upd ? upd : "");
    buf_putc(out, '\n');
}

static void export_dbml(struct buf *out, struct arena *a, const struct erd_view *v)
{
    buf_puts(out, "// ");
    put_oneline(out, v->doc->name ? v->doc->name : "Untitled", NULL, 0);
    buf_puts(out, " (DBML, exported by Cardinality)\n\n");
    dbml_enums(out, a, v->doc);
    for (size_t i = 0; i < v->doc->nentities; i++)
        dbml_table(out, &v->doc->entities[i]);
    for (size_t k = 0; k < v->nfk; k++)
        dbml_ref(out, v, &v->fks[k]);
}

/* ---- Mermaid -------------------------------------------------------------------------- */

/* mermaid_word: s reduced to [A-Za-z0-9_] (anything else becomes '_'); "_" when empty. */
static void mermaid_word(struct buf *out, const char *s)
{
    size_t start = out->len;
    for (; s && *s; s++)
        buf_putc(out, isalnum((unsigned char)*s) ? *s : '_');
    if (out->len == start)
        buf_putc(out, '_');
}

/* mermaid_type: a column type as a Mermaid attribute type, whose grammar (erDiagram.jison's
 * ATTRIBUTE_WORD) is [A-Za-z_][A-Za-z0-9_()[\]-]*: letters, digits, '_', '-', parentheses
 * and brackets are kept (varchar(255), int[]), anything else (spaces, commas) becomes '_'
 * (double_precision, numeric(10_2)), and a type not starting with a letter or '_' gets '_'. */
static void mermaid_type(struct buf *out, const char *s)
{
    if (!s || !*s)
        s = "text";
    if (!isalpha((unsigned char)*s) && *s != '_')
        buf_putc(out, '_');
    for (; *s; s++)
        buf_putc(out, isalnum((unsigned char)*s) || strchr("_-()[]", *s) ? *s : '_');
}

/* mermaid_names: a distinct Mermaid name per entity (sanitised; clashes get _2, _3…). */
static const char **mermaid_names(struct arena *a, const struct erd_doc *doc)
{
    const char **names = arena_alloc(a, (doc->nentities + 1) * sizeof *names);
    struct strmap used;
    strmap_init(&used, a, doc->nentities);
    for (size_t i = 0; i < doc->nentities; i++) {
        struct buf b = BUF_INIT;
        mermaid_word(&b, doc->entities[i].name);
        strmap_unique(&used, &b);
        names[i] = arena_strdup(a, buf_cstr(&b));
        buf_free(&b);
    }
    return names;
}

/* fk_columns: per entity, a flag per column marking the child columns of relationships. */
static unsigned char **fk_columns(struct arena *a, const struct erd_view *v)
{
    unsigned char **flags = arena_alloc(a, (v->doc->nentities + 1) * sizeof *flags);
    for (size_t i = 0; i < v->doc->nentities; i++)
        flags[i] = arena_alloc(a, v->doc->entities[i].ncolumns + 1);
    for (size_t k = 0; k < v->nfk; k++)
        if (v->fks[k].child_col >= 0 && !erd_fk_is_m2m(&v->fks[k]))
            flags[v->fks[k].child][v->fks[k].child_col] = 1;
    return flags;
}

static void mermaid_column(struct buf *out, const struct erd_column *c, int is_fk)
{
    const char *comment = c->comment;
    const char *keys[3];
    size_t n = 0;
    if (c->is_pk)
        keys[n++] = "PK";
    if (is_fk)
        keys[n++] = "FK";
    if (c->is_unique)
        keys[n++] = "UK";
    buf_puts(out, "        ");
    mermaid_type(out, c->type);
    buf_putc(out, ' ');
    mermaid_word(out, c->name);
    for (size_t k = 0; k < n; k++)
        buf_printf(out, "%s%s", k ? ", " : " ", keys[k]);
    if (comment && *comment) {
        buf_puts(out, " \"");
        put_oneline(out, comment, "\"", '\'');
        buf_putc(out, '"');
    }
    buf_putc(out, '\n');
}

static void export_mermaid(struct buf *out, struct arena *a, const struct erd_view *v)
{
    const struct erd_doc *doc = v->doc;
    const char **names = mermaid_names(a, doc);
    unsigned char **is_fk = fk_columns(a, v);
    buf_puts(out, "%% ");
    put_oneline(out, doc->name ? doc->name : "Untitled", NULL, 0);
    buf_puts(out, " (Mermaid, exported by Cardinality)\nerDiagram\n");
    for (size_t i = 0; i < doc->nentities; i++) {
        buf_printf(out, "    %s {\n", names[i]);
        for (size_t j = 0; j < doc->entities[i].ncolumns; j++)
            mermaid_column(out, &doc->entities[i].columns[j], is_fk[i][j]);
        buf_puts(out, "    }\n");
    }
    for (size_t k = 0; k < v->nfk; k++) {
        const struct erd_fk *fk = &v->fks[k];
        buf_printf(out, "    %s %s %s : \"", names[fk->parent], rel_kinds[rel_kind(fk->type)].mermaid, names[fk->child]);
        put_oneline(out, erd_view_rel(v, fk)->label, "\"", '\'');
        buf_puts(out, "\"\n");
    }
}

/* ---- entry point ---------------------------------------------------------------------- */

/* export_as: v's doc in format f. */
static void export_as(struct buf *out, struct arena *a, const struct erd_view *v, enum export_format f)
{
    switch (f) {
    case EXPORT_POSTGRES:
    case EXPORT_MYSQL:
    case EXPORT_SQLITE:
        ddl_export_sql(out, a, v, f);
        break;
    case EXPORT_DBML:
        export_dbml(out, a, v);
        break;
    case EXPORT_MERMAID:
        export_mermaid(out, a, v);
        break;
    case EXPORT_JSON:
        erd_doc_write_document(v->doc, out);
        break;
    }
}

int ddl_export(const struct erd_doc *doc, enum export_format f, struct buf *out)
{
    struct arena a;
    struct erd_view v;
    arena_init(&a);
    int rc = erd_view_init(&a, &v, doc) == ERD_VIEW_OK ? 0 : -1;
    if (rc == 0)
        export_as(out, &a, &v, f);
    arena_free(&a);
    return rc;
}
