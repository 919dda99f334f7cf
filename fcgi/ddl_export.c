/* ddl_export.c — ERD model export: format names and content types, the checked model view
 * shared with svg_erd.c and erd_diff.c (relationships resolved to columns), and the
 * non-SQL formats: JSON, DBML (dbdiagram.io) and Mermaid erDiagram.  SQL DDL lives in
 * ddl_export_sql.c. */
#include "ddl_export.h"
#include "buf.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- formats -------------------------------------------------------------------------- */

static const struct {
    const char *name, *content_type, *ext;
    enum export_format f;
} formats[] = {
    {"postgres", "application/sql; charset=utf-8", ".sql", EXPORT_POSTGRES},
    {"mysql", "application/sql; charset=utf-8", ".sql", EXPORT_MYSQL},
    {"sqlite", "application/sql; charset=utf-8", ".sql", EXPORT_SQLITE},
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

/* ---- small accessors ------------------------------------------------------------------ */

const char *ddl_export_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int ddl_export_flag(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

const json_t *ddl_export_entity(const struct erd_view *v, size_t i)
{
    return json_array_get(v->entities, i);
}

const json_t *ddl_export_column(const struct erd_view *v, size_t i, long j)
{
    if (j < 0)
        return NULL;
    return json_array_get(json_object_get(ddl_export_entity(v, i), "columns"), (size_t)j);
}

const char *ddl_export_short_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot[1] ? dot + 1 : name;
}

/* ---- the model view ------------------------------------------------------------------- */

/* array_or_empty: obj[key] when an array, 0 when absent or null (then *arr = NULL), -1 else. */
static int array_or_empty(const json_t *obj, const char *key, const json_t **arr)
{
    const json_t *v = json_object_get(obj, key);
    *arr = json_is_array(v) ? v : NULL;
    return (v && !json_is_null(v) && !json_is_array(v)) ? -1 : 0;
}

/* entity_ok: an object with a string name whose columns (if any) are objects with names. */
static int entity_ok(const json_t *e)
{
    const json_t *cols;
    if (!json_is_object(e) || !ddl_export_str(e, "name") || array_or_empty(e, "columns", &cols))
        return 0;
    for (size_t j = 0; j < json_array_size(cols); j++) {
        const json_t *c = json_array_get(cols, j);
        if (!json_is_object(c) || !ddl_export_str(c, "name"))
            return 0;
    }
    return 1;
}

/* column_by_id: index of the column with that id in entity e, or -1. */
static long column_by_id(const json_t *e, const char *id)
{
    const json_t *cols = json_object_get(e, "columns");
    for (size_t j = 0; id && j < json_array_size(cols); j++) {
        const char *cid = ddl_export_str(json_array_get(cols, j), "id");
        if (cid && strcmp(cid, id) == 0)
            return (long)j;
    }
    return -1;
}

/* column_by_name: index of the column named name (case-insensitive) in e, or -1. */
static long column_by_name(const json_t *e, const char *name)
{
    const json_t *cols = json_object_get(e, "columns");
    for (size_t j = 0; j < json_array_size(cols); j++)
        if (strcasecmp(ddl_export_str(json_array_get(cols, j), "name"), name) == 0)
            return (long)j;
    return -1;
}

/* sole_pk: index of e's only primary-key column, or -1 (none, or composite). */
static long sole_pk(const json_t *e)
{
    const json_t *cols = json_object_get(e, "columns");
    long found = -1;
    for (size_t j = 0; j < json_array_size(cols); j++) {
        if (!ddl_export_flag(json_array_get(cols, j), "is_pk"))
            continue;
        if (found >= 0)
            return -1;
        found = (long)j;
    }
    return found;
}

/* parent_id_column: the child's column named <parent>_id, or -1. */
static long parent_id_column(const json_t *child, const json_t *parent)
{
    struct buf name = BUF_INIT;
    buf_printf(&name, "%s_id", ddl_export_short_name(ddl_export_str(parent, "name")));
    long j = column_by_name(child, buf_cstr(&name));
    buf_free(&name);
    return j;
}

static const char *relationship_type(const json_t *r)
{
    static const char *const kinds[] = {"one-to-one", "one-to-many", "many-to-many"};
    const char *t = ddl_export_str(r, "type");
    for (size_t i = 0; t && i < 3; i++)
        if (strcmp(t, kinds[i]) == 0)
            return kinds[i];
    return "one-to-many";
}

/* resolve_fk: fill fk for relationship r between entities p and c. */
static void resolve_fk(struct erd_fk *fk, const json_t *r, const json_t *p, const json_t *c)
{
    fk->type = relationship_type(r);
    fk->parent_col = column_by_id(p, ddl_export_str(r, "source_column_id"));
    fk->child_col = column_by_id(c, ddl_export_str(r, "target_column_id"));
    if (fk->parent_col < 0)
        fk->parent_col = sole_pk(p);
    if (fk->child_col < 0)
        fk->child_col = strcmp(fk->type, "many-to-many") == 0 ? sole_pk(c) : parent_id_column(c, p);
}

/* index_entities: id → index object; -1 when an entity is malformed. */
static int index_entities(const struct erd_view *v, json_t *ids)
{
    for (size_t i = 0; i < v->nent; i++) {
        const json_t *e = json_array_get(v->entities, i);
        if (!entity_ok(e))
            return -1;
        const char *id = ddl_export_str(e, "id");
        if (id && !json_object_get(ids, id))
            json_object_set_new(ids, id, json_integer((json_int_t)i));
    }
    return 0;
}

/* resolve_all: the relationships whose two entities exist, into v->fks. */
static int resolve_all(struct erd_view *v, const json_t *ids)
{
    v->fks = calloc(v->nrel ? v->nrel : 1, sizeof *v->fks);
    if (!v->fks)
        abort();
    for (size_t k = 0; k < v->nrel; k++) {
        const json_t *r = json_array_get(v->rels, k);
        if (!json_is_object(r))
            return -1;
        const char *sid = ddl_export_str(r, "source_entity_id"), *tid = ddl_export_str(r, "target_entity_id");
        const json_t *si = sid ? json_object_get(ids, sid) : NULL, *ti = tid ? json_object_get(ids, tid) : NULL;
        if (!si || !ti)
            continue;
        struct erd_fk *fk = &v->fks[v->nfk++];
        fk->rel = k;
        fk->parent = (size_t)json_integer_value(si);
        fk->child = (size_t)json_integer_value(ti);
        resolve_fk(fk, r, json_array_get(v->entities, fk->parent), json_array_get(v->entities, fk->child));
    }
    return 0;
}

int ddl_export_view_init(struct erd_view *v, const json_t *model)
{
    memset(v, 0, sizeof *v);
    if (!json_is_object(model) || array_or_empty(model, "entities", &v->entities) ||
        array_or_empty(model, "relationships", &v->rels))
        return -1;
    v->nent = json_array_size(v->entities);
    v->nrel = json_array_size(v->rels);
    json_t *ids = json_object();
    int rc = index_entities(v, ids);
    if (rc == 0)
        rc = resolve_all(v, ids);
    json_decref(ids);
    if (rc != 0)
        ddl_export_view_free(v);
    return rc;
}

void ddl_export_view_free(struct erd_view *v)
{
    free(v->fks);
    v->fks = NULL;
    v->nfk = 0;
}

/* ---- JSON ----------------------------------------------------------------------------- */

static void export_json(struct buf *out, const json_t *model)
{
    json_t *copy = json_deep_copy(model);
    json_object_del(copy, "uid");
    json_object_del(copy, "_version");
    char *s = json_dumps(copy, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s)
        buf_puts(out, s);
    buf_putc(out, '\n');
    free(s);
    json_decref(copy);
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
static void dbml_enum_name(struct buf *out, const json_t *e, const json_t *c)
{
    const char *type = ddl_export_str(c, "type");
    if (type && is_plain_ident(type) && strcasecmp(type, "enum") && strcasecmp(type, "set"))
        buf_puts(out, type);
    else
        buf_printf(out, "%s_%s", ddl_export_short_name(ddl_export_str(e, "name")), ddl_export_str(c, "name"));
}

static void dbml_type(struct buf *out, const json_t *e, const json_t *c)
{
    struct buf t = BUF_INIT;
    if (ddl_export_is_enum(c))
        dbml_enum_name(&t, e, c);
    else
        put_oneline(&t, ddl_export_str(c, "type") ? ddl_export_str(c, "type") : "text", NULL, 0);
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
static void dbml_settings(struct buf *out, const json_t *c, int composite_pk)
{
    struct buf s = BUF_INIT;
    const char *type = ddl_export_str(c, "type"), *d = ddl_export_str(c, "default"),
               *note = ddl_export_str(c, "comment");
    if (ddl_export_flag(c, "is_pk") && !composite_pk)
        buf_puts(&s, ", pk");
    if (type && strstr(type, "serial"))
        buf_puts(&s, ", increment");
    if (json_is_false(json_object_get(c, "is_nullable")) && !(ddl_export_flag(c, "is_pk") && !composite_pk))
        buf_puts(&s, ", not null");
    if (ddl_export_flag(c, "is_unique"))
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

static size_t count_pk(const json_t *cols)
{
    size_t n = 0;
    for (size_t j = 0; j < json_array_size(cols); j++)
        n += (size_t)ddl_export_flag(json_array_get(cols, j), "is_pk");
    return n;
}

static void dbml_enums(struct buf *out, const struct erd_view *v)
{
    json_t *seen = json_object();
    for (size_t i = 0; i < v->nent; i++) {
        const json_t *e = ddl_export_entity(v, i), *cols = json_object_get(e, "columns");
        for (size_t j = 0; j < json_array_size(cols); j++) {
            const json_t *c = json_array_get(cols, j), *vals = json_object_get(c, "enum_values");
            struct buf name = BUF_INIT;
            dbml_enum_name(&name, e, c);
            if (ddl_export_is_enum(c) && !json_object_get(seen, buf_cstr(&name))) {
                json_object_set_new(seen, buf_cstr(&name), json_true());
                buf_puts(out, "Enum ");
                dbml_name(out, buf_cstr(&name));
                buf_puts(out, " {\n");
                for (size_t k = 0; k < json_array_size(vals); k++) {
                    buf_puts(out, "  ");
                    dbml_name(out, json_string_value(json_array_get(vals, k)) ? json_string_value(json_array_get(vals, k)) : "");
                    buf_putc(out, '\n');
                }
                buf_puts(out, "}\n\n");
            }
            buf_free(&name);
        }
    }
    json_decref(seen);
}

static void dbml_table(struct buf *out, const json_t *e)
{
    const json_t *cols = json_object_get(e, "columns");
    const char *note = ddl_export_str(e, "comment");
    size_t npk = count_pk(cols);
    buf_puts(out, "Table ");
    dbml_table_name(out, ddl_export_str(e, "name"));
    if (note && *note) {
        buf_puts(out, " [note: ");
        dbml_string(out, note);
        buf_putc(out, ']');
    }
    buf_puts(out, " {\n");
    for (size_t j = 0; j < json_array_size(cols); j++) {
        const json_t *c = json_array_get(cols, j);
        buf_puts(out, "  ");
        dbml_name(out, ddl_export_str(c, "name"));
        buf_putc(out, ' ');
        dbml_type(out, e, c);
        dbml_settings(out, c, npk > 1);
        buf_putc(out, '\n');
    }
    if (npk > 1) {
        buf_puts(out, "\n  indexes {\n    (");
        for (size_t j = 0, k = 0; j < json_array_size(cols); j++) {
            if (!ddl_export_flag(json_array_get(cols, j), "is_pk"))
                continue;
            buf_puts(out, k++ ? ", " : "");
            dbml_name(out, ddl_export_str(json_array_get(cols, j), "name"));
        }
        buf_puts(out, ") [pk]\n  }\n");
    }
    buf_puts(out, "}\n\n");
}

static void dbml_endpoint(struct buf *out, const struct erd_view *v, size_t ent, long col)
{
    dbml_table_name(out, ddl_export_str(ddl_export_entity(v, ent), "name"));
    buf_putc(out, '.');
    dbml_name(out, ddl_export_str(ddl_export_column(v, ent, col), "name"));
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
    const json_t *r = json_array_get(v->rels, fk->rel);
    const char *label = ddl_export_str(r, "label");
    const char *del = dbml_action(ddl_export_str(r, "on_delete")), *upd = dbml_action(ddl_export_str(r, "on_update"));
    if (fk->parent_col < 0 || fk->child_col < 0) {
        buf_puts(out, "// relationship skipped (no columns): ");
        put_oneline(out, ddl_export_str(ddl_export_entity(v, fk->parent), "name"), NULL, 0);
        buf_puts(out, " -> ");
        put_oneline(out, ddl_export_str(ddl_export_entity(v, fk->child), "name"), NULL, 0);
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

static void export_dbml(struct buf *out, const json_t *model, const struct erd_view *v)
{
    buf_puts(out, "// ");
    put_oneline(out, ddl_export_str(model, "name") ? ddl_export_str(model, "name") : "Untitled", NULL, 0);
    buf_puts(out, " (DBML, exported by Cardinality)\n\n");
    dbml_enums(out, v);
    for (size_t i = 0; i < v->nent; i++)
        dbml_table(out, ddl_export_entity(v, i));
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

/* mermaid_names: a distinct Mermaid name per entity (sanitised; clashes get _2, _3…). */
static char **mermaid_names(const struct erd_view *v)
{
    char **names = calloc(v->nent ? v->nent : 1, sizeof *names);
    json_t *used = json_object();
    if (!names)
        abort();
    for (size_t i = 0; i < v->nent; i++) {
        struct buf b = BUF_INIT;
        mermaid_word(&b, ddl_export_str(ddl_export_entity(v, i), "name"));
        size_t base = b.len;
        for (int n = 2; json_object_get(used, buf_cstr(&b)); n++) {
            buf_truncate(&b, base);
            buf_printf(&b, "_%d", n);
        }
        json_object_set_new(used, buf_cstr(&b), json_true());
        names[i] = strdup(buf_cstr(&b));
        buf_free(&b);
    }
    json_decref(used);
    return names;
}

/* fk_columns: a flag per (entity, column) marking the child columns of relationships;
 * base[i] is entity i's first slot. */
static unsigned char *fk_columns(const struct erd_view *v, size_t **base_out)
{
    size_t *base = calloc(v->nent + 1, sizeof *base);
    if (!base)
        abort();
    for (size_t i = 0; i < v->nent; i++)
        base[i + 1] = base[i] + json_array_size(json_object_get(ddl_export_entity(v, i), "columns"));
    unsigned char *flags = calloc(base[v->nent] + 1, 1);
    if (!flags)
        abort();
    for (size_t k = 0; k < v->nfk; k++)
        if (v->fks[k].child_col >= 0 && strcmp(v->fks[k].type, "many-to-many"))
            flags[base[v->fks[k].child] + (size_t)v->fks[k].child_col] = 1;
    *base_out = base;
    return flags;
}

static void mermaid_column(struct buf *out, const json_t *c, int is_fk)
{
    const char *comment = ddl_export_str(c, "comment");
    const char *keys[3];
    size_t n = 0;
    if (ddl_export_flag(c, "is_pk"))
        keys[n++] = "PK";
    if (is_fk)
        keys[n++] = "FK";
    if (ddl_export_flag(c, "is_unique"))
        keys[n++] = "UK";
    buf_puts(out, "        ");
    mermaid_word(out, ddl_export_str(c, "type") ? ddl_export_str(c, "type") : "text");
    buf_putc(out, ' ');
    mermaid_word(out, ddl_export_str(c, "name"));
    for (size_t k = 0; k < n; k++)
        buf_printf(out, "%s%s", k ? ", " : " ", keys[k]);
    if (comment && *comment) {
        buf_puts(out, " \"");
        put_oneline(out, comment, "\"", '\'');
        buf_putc(out, '"');
    }
    buf_putc(out, '\n');
}

static void export_mermaid(struct buf *out, const json_t *model, const struct erd_view *v)
{
    char **names = mermaid_names(v);
    size_t *base;
    unsigned char *is_fk = fk_columns(v, &base);
    buf_puts(out, "%% ");
    put_oneline(out, ddl_export_str(model, "name") ? ddl_export_str(model, "name") : "Untitled", NULL, 0);
    buf_puts(out, " (Mermaid, exported by Cardinality)\nerDiagram\n");
    for (size_t i = 0; i < v->nent; i++) {
        const json_t *cols = json_object_get(ddl_export_entity(v, i), "columns");
        buf_printf(out, "    %s {\n", names[i]);
        for (size_t j = 0; j < json_array_size(cols); j++)
            mermaid_column(out, json_array_get(cols, j), is_fk[base[i] + j]);
        buf_puts(out, "    }\n");
    }
    for (size_t k = 0; k < v->nfk; k++) {
        const struct erd_fk *fk = &v->fks[k];
        buf_printf(out, "    %s %s %s : \"", names[fk->parent], rel_kinds[rel_kind(fk->type)].mermaid, names[fk->child]);
        put_oneline(out, ddl_export_str(json_array_get(v->rels, fk->rel), "label"), "\"", '\'');
        buf_puts(out, "\"\n");
    }
    for (size_t i = 0; i < v->nent; i++)
        free(names[i]);
    free(names);
    free(base);
    free(is_fk);
}

/* ---- entry point ---------------------------------------------------------------------- */

int ddl_export(const json_t *model, enum export_format f, struct buf *out)
{
    struct erd_view v;
    if (ddl_export_view_init(&v, model) != 0)
        return -1;
    switch (f) {
    case EXPORT_POSTGRES:
    case EXPORT_MYSQL:
    case EXPORT_SQLITE:
        ddl_export_sql(out, model, &v, f);
        break;
    case EXPORT_DBML:
        export_dbml(out, model, &v);
        break;
    case EXPORT_MERMAID:
        export_mermaid(out, model, &v);
        break;
    case EXPORT_JSON:
        export_json(out, model);
        break;
    }
    ddl_export_view_free(&v);
    return 0;
}
