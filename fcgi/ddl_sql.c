/* ddl_sql.c — the pieces of SQL DDL both the exporter (ddl_export_sql.c) and the diff
 * (erd_diff.c) write: identifier quoting, literals, the type-mapping table, enums, defaults,
 * column definitions, CREATE TABLE and foreign-key clauses, for PostgreSQL, MySQL and
 * SQLite (see ddl_sql.h). */
#include "ddl_sql.h"
#include "buf.h"
#include "erd_view.h"
#include "strmap.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IDENT_MAX 63

enum { D_PG, D_MY, D_LITE };

static int dialect(enum export_format f)
{
    return f == EXPORT_MYSQL ? D_MY : f == EXPORT_SQLITE ? D_LITE : D_PG;
}

/* ---- identifiers and literals --------------------------------------------------------- */

static const char *const reserved[] = {
    "abort", "action", "add", "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc",
    "asymmetric", "authorization", "autoincrement", "between", "binary", "both", "by", "case", "cast",
    "check", "collate", "column", "constraint", "create", "cross", "current_catalog", "current_date",
    "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "default",
    "deferrable", "delete", "desc", "distinct", "do", "drop", "else", "end", "escape", "except", "exists",
    "false", "fetch", "for", "foreign", "freeze", "from", "full", "glob", "grant", "group", "having", "if",
    "ilike", "in", "index", "initially", "inner", "insert", "intersect", "into", "is", "isnull", "join",
    "key", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "match",
    "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer", "overlaps",
    "placing", "primary", "raise", "references", "regexp", "replace", "returning", "right", "select",
    "session_user", "set", "similar", "some", "symmetric", "table", "tablesample", "temp", "then", "to",
    "trailing", "transaction", "true", "union", "unique", "update", "user", "using", "values",
    "variadic", "verbose", "when", "where", "window", "with",
};

static int is_reserved(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strlen(reserved[i]) == n && strncmp(reserved[i], s, n) == 0)
            return 1;
    return 0;
}

/* needs_quotes: PG/SQLite — anything but a plain lower-case, non-reserved identifier. */
static int needs_quotes(const char *s, size_t n)
{
    if (n == 0 || n > IDENT_MAX || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return 1;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 1;
    return is_reserved(s, n);
}

static void ident_part(struct buf *out, const char *s, size_t n, int d)
{
    char q = d == D_MY ? '`' : '"';
    if (d != D_MY && !needs_quotes(s, n)) {
        buf_append(out, s, n);
        return;
    }
    buf_putc(out, q);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == q)
            buf_putc(out, q);
        buf_putc(out, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
    }
    buf_putc(out, q);
}

void ddl_sql_ident(struct buf *out, const char *name, enum export_format f)
{
    const char *dot = strchr(name, '.');
    if (dot && dot != name && dot[1]) {
        ident_part(out, name, (size_t)(dot - name), dialect(f));
        buf_putc(out, '.');
        name = dot + 1;
    }
    ident_part(out, name, strlen(name), dialect(f));
}

void ddl_sql_column_ident(struct buf *out, const char *name, enum export_format f)
{
    ident_part(out, name, strlen(name), dialect(f));
}

void ddl_sql_literal(struct buf *out, const char *s, enum export_format f)
{
    buf_putc(out, '\'');
    for (; s && *s; s++) {
        if (*s == '\'' || (*s == '\\' && f == EXPORT_MYSQL))
            buf_putc(out, *s);
        buf_putc(out, *s);
    }
    buf_putc(out, '\'');
}

void ddl_sql_comment_text(struct buf *out, const char *s)
{
    for (; s && *s; s++)
        buf_putc(out, (unsigned char)*s < 0x20 ? ' ' : *s);
}

/* ---- types ---------------------------------------------------------------------------- */

enum { T_PARAMS = 1, T_SERIAL = 2 };

/* One row per type family: the names it is known by, and what each dialect calls it. */
static const struct type_map {
    const char *aliases;       /* '|'-separated lower-case base names */
    const char *to[3];         /* PostgreSQL, MySQL, SQLite */
    int flags;
} types[] = {
    {"serial|serial4", {"serial", "INT", "INTEGER"}, T_SERIAL},
    {"bigserial|serial8", {"bigserial", "BIGINT", "INTEGER"}, T_SERIAL},
    {"smallserial|serial2", {"smallserial", "SMALLINT", "INTEGER"}, T_SERIAL},
    {"integer|int|int4|mediumint", {"integer", "INT", "INTEGER"}, 0},
    {"bigint|int8", {"bigint", "BIGINT", "INTEGER"}, 0},
    {"smallint|int2", {"smallint", "SMALLINT", "INTEGER"}, 0},
    {"tinyint", {"smallint", "TINYINT", "INTEGER"}, 0},
    {"boolean|bool", {"boolean", "TINYINT(1)", "INTEGER"}, 0},
    {"double precision|float8|double|double unsigned", {"double precision", "DOUBLE", "REAL"}, 0},
    {"real|float4|float", {"real", "FLOAT", "REAL"}, 0},
    {"numeric|decimal|dec", {"numeric", "DECIMAL", "NUMERIC"}, T_PARAMS},
    {"money", {"money", "DECIMAL(19,4)", "NUMERIC"}, 0},
    {"text|tinytext|mediumtext|longtext|clob", {"text", "TEXT", "TEXT"}, 0},
    {"varchar|character varying|nvarchar|varchar2", {"varchar", "VARCHAR", "TEXT"}, T_PARAMS},
    {"char|character|bpchar|nchar", {"char", "CHAR", "TEXT"}, T_PARAMS},
    {"citext", {"citext", "VARCHAR(255)", "TEXT"}, 0},
    {"uuid", {"uuid", "CHAR(36)", "TEXT"}, 0},
    {"json", {"json", "JSON", "TEXT"}, 0},
    {"jsonb", {"jsonb", "JSON", "TEXT"}, 0},
    {"bytea", {"bytea", "LONGBLOB", "BLOB"}, 0},
    {"blob|tinyblob|mediumblob|longblob|binary|varbinary", {"bytea", "LONGBLOB", "BLOB"}, 0},
    {"timestamptz|timestamp with time zone", {"timestamptz", "TIMESTAMP", "TEXT"}, 0},
    {"timestamp|timestamp without time zone|datetime", {"timestamp", "DATETIME", "TEXT"}, 0},
    {"date", {"date", "DATE", "TEXT"}, 0},
    {"time|time without time zone", {"time", "TIME", "TEXT"}, 0},
    {"timetz|time with time zone", {"timetz", "TIME", "TEXT"}, 0},
    {"interval", {"interval", "VARCHAR(64)", "TEXT"}, 0},
    {"year", {"smallint", "YEAR", "INTEGER"}, 0},
    {"inet|cidr|macaddr", {"inet", "VARCHAR(45)", "TEXT"}, 0},
    {"xml", {"xml", "LONGTEXT", "TEXT"}, 0},
    {"bit", {"bit", "BIT", "INTEGER"}, T_PARAMS},
};

struct ptype {
    struct buf base;        /* lower-case words, single spaces, no params/array/unsigned */
    struct buf params;      /* "(…)" as written, or empty */
    int array, is_unsigned;
};

/* parse_type: split a written type into base name, parameters and modifiers. */
static void parse_type(struct ptype *t, const char *type)
{
    buf_init(&t->base);
    buf_init(&t->params);
    t->array = t->is_unsigned = 0;
    struct buf words = BUF_INIT;
    buf_puts(&words, "");
    for (const char *p = type; *p; p++) {
        if (*p == '(' && !t->params.len) {
            const char *close = strchr(p, ')');
            size_t n = close ? (size_t)(close - p + 1) : strlen(p);
            buf_append(&t->params, p, n);
            p += n - 1;
        } else if (*p == '[') {
            t->array = 1;
            while (p[1] && p[1] != ']')
                p++;
            p += p[1] ? 1 : 0;
        } else {
            buf_putc(&words, (char)tolower((unsigned char)*p));
        }
    }
    char *save = NULL;
    for (char *w = strtok_r(words.data, " \t\r\n", &save); w;
         w = strtok_r(NULL, " \t\r\n", &save)) {
        if (!strcmp(w, "unsigned") || !strcmp(w, "signed") || !strcmp(w, "zerofill")) {
            t->is_unsigned |= strcmp(w, "signed") != 0;
            continue;
        }
        if (!strcmp(w, "array")) {
            t->array = 1;
            continue;
        }
        if (t->base.len)
            buf_putc(&t->base, ' ');
        buf_puts(&t->base, w);
    }
    buf_free(&words);
}

static void ptype_free(struct ptype *t)
{
    buf_free(&t->base);
    buf_free(&t->params);
}

static const struct type_map *find_type(const char *base)
{
    size_t n = strlen(base);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        for (const char *a = types[i].aliases; *a;) {
            size_t len = strcspn(a, "|");
            if (len == n && strncmp(a, base, n) == 0)
                return &types[i];
            a += len + (a[len] == '|');
        }
    }
    return NULL;
}

/* safe_type: a type written as is, keeping only characters that can appear in a type, with
 * parentheses balanced and no trailing space (so it cannot end the statement). */
static void safe_type(struct buf *out, const char *s)
{
    size_t start = out->len;
    int depth = 0;
    for (; *s; s++) {
        if (*s == ')' && depth == 0)
            continue;
        if (!(isalnum((unsigned char)*s) || strchr(" _(),.[]", *s)))
            continue;
        depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
        buf_putc(out, *s);
    }
    while (out->len > start && out->data[out->len - 1] == ' ')
        buf_truncate(out, out->len - 1);
    for (; depth > 0; depth--)
        buf_putc(out, ')');
}

static const char *col_type(const struct erd_column *c)
{
    return c->type && *c->type ? c->type : "text";
}

static int base_is(const char *type, const char *word)
{
    struct ptype t;
    parse_type(&t, type);
    int yes = strcmp(buf_cstr(&t.base), word) == 0;
    ptype_free(&t);
    return yes;
}

bool ddl_sql_is_enum(const struct erd_column *c)
{
    const char *type = col_type(c);
    return c->n_enum > 0 || base_is(type, "enum") ||
           base_is(type, "set");
}

static int is_serial(const struct erd_column *c)
{
    struct ptype t;
    parse_type(&t, col_type(c));
    const struct type_map *m = find_type(buf_cstr(&t.base));
    ptype_free(&t);
    return m && (m->flags & T_SERIAL);
}

/* enum_type_name: PostgreSQL type name for an enum column (unquoted). */
static void enum_type_name(struct buf *out, const struct erd_entity *e, const struct erd_column *c)
{
    const char *type = col_type(c);
    if (base_is(type, "enum") || base_is(type, "set") || strchr(type, '('))
        buf_printf(out, "%s_%s", erd_short_name(e->name), c->name);
    else
        buf_puts(out, type);
}

/* enum_list: "('a', 'b')" — the column's enum_values, else those written in enum('a','b'). */
static void enum_list(struct buf *out, const struct erd_column *c, enum export_format f)
{
    buf_putc(out, '(');
    for (size_t k = 0; k < c->n_enum; k++) {
        buf_puts(out, k ? ", " : "");
        ddl_sql_literal(out, c->enum_values[k], f);
    }
    const char *p = c->n_enum ? NULL : strchr(col_type(c), '(');
    for (size_t k = 0; p && (p = strchr(p, '\'')); k++) {
        struct buf v = BUF_INIT;
        for (p++; *p && !(*p == '\'' && p[1] != '\''); p++) {
            if (*p == '\'')
                p++;
            buf_putc(&v, *p);
        }
        buf_puts(out, k ? ", " : "");
        ddl_sql_literal(out, buf_cstr(&v), f);
        buf_free(&v);
        p = *p ? p + 1 : NULL;
    }
    buf_putc(out, ')');
}

static void enum_type(struct buf *out, const struct erd_entity *e, const struct erd_column *c,
                      enum export_format f)
{
    struct buf name = BUF_INIT;
    switch (dialect(f)) {
    case D_PG:
        enum_type_name(&name, e, c);
        ddl_sql_ident(out, buf_cstr(&name), f);
        break;
    case D_MY:
        buf_puts(out, base_is(col_type(c), "set") ? "SET" : "ENUM");
        enum_list(out, c, f);
        break;
    default:
        buf_puts(out, "TEXT");
    }
    buf_free(&name);
}

/* mapped_type: a non-enum type in dialect d. */
static void mapped_type(struct buf *out, const char *type, const struct erd_column *c, int d)
{
    struct ptype t;
    parse_type(&t, type);
    if (!strcmp(buf_cstr(&t.base), "tinyint") && !strcmp(buf_cstr(&t.params), "(1)")) {
        buf_reset(&t.base);
        buf_puts(&t.base, "boolean");
    }
    const struct type_map *m = find_type(buf_cstr(&t.base));
    int needs_length = m && d == D_MY && !strcmp(m->to[d], "VARCHAR") && !t.params.len;
    int native = m && strcasecmp(m->to[d], buf_cstr(&t.base)) == 0 && !needs_length;
    if (t.array && d != D_PG) {
        buf_puts(out, d == D_MY ? "JSON" : "TEXT");
    } else if (!m || native) {
        safe_type(out, type);          /* unknown, or already native to the target */
    } else {
        buf_puts(out, m->to[d]);
        if ((m->flags & T_PARAMS) && t.params.len && strcmp(m->to[d], "TEXT") && strcmp(m->to[d], "INTEGER"))
            safe_type(out, buf_cstr(&t.params));
        else if (d == D_MY && !strcmp(m->to[d], "VARCHAR"))
            buf_puts(out, "(255)");
        if (d == D_MY && (m->flags & T_SERIAL) &&
            (c->is_pk || c->is_unique))
            buf_puts(out, " AUTO_INCREMENT");
        if (d == D_MY && t.is_unsigned)
            buf_puts(out, " UNSIGNED");
    }
    ptype_free(&t);
}

void ddl_sql_type(struct buf *out, const struct erd_entity *entity, const struct erd_column *col,
                  enum export_format f)
{
    if (ddl_sql_is_enum(col))
        enum_type(out, entity, col, f);
    else
        mapped_type(out, col_type(col), col, dialect(f));
}

void ddl_sql_enum_types(struct buf *out, const struct erd_entity *entity, struct strmap *seen)
{
    for (size_t j = 0; j < entity->ncolumns; j++) {
        const struct erd_column *c = &entity->columns[j];
        struct buf name = BUF_INIT;
        if (ddl_sql_is_enum(c)) {
            enum_type_name(&name, entity, c);
            if (strmap_put(seen, buf_cstr(&name), 0)) {
                buf_puts(out, "CREATE TYPE ");
                ddl_sql_ident(out, buf_cstr(&name), EXPORT_POSTGRES);
                buf_puts(out, " AS ENUM ");
                enum_list(out, c, EXPORT_POSTGRES);
                buf_puts(out, ";\n");
            }
        }
        buf_free(&name);
    }
}

/* ---- defaults ------------------------------------------------------------------------- */

/* Default expressions that differ between dialects ("" = leave the default out). */
static const struct {
    const char *pg, *to[3];
} default_map[] = {
    {"now()", {"now()", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"}},
    {"current_timestamp", {"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"}},
    {"current_timestamp()", {"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"}},
    {"true", {"true", "TRUE", "1"}},
    {"false", {"false", "FALSE", "0"}},
    {"gen_random_uuid()", {"gen_random_uuid()", "(UUID())", ""}},
    {"uuid_generate_v4()", {"uuid_generate_v4()", "(UUID())", ""}},
    {"uuid()", {"gen_random_uuid()", "(UUID())", ""}},
};

/* expression_ok: quotes and parentheses balanced, no ';' or comment outside quotes. */
static int expression_ok(const char *s)
{
    int depth = 0;
    char q = 0;
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20)
            return 0;
        if (q) {
            q = *s == q ? 0 : q;
            continue;
        }
        if (*s == '\'' || *s == '"')
            q = *s;
        else if (*s == '(')
            depth++;
        else if (*s == ')' && --depth < 0)
            return 0;
        else if (*s == ';' || (*s == '-' && s[1] == '-') || (*s == '/' && s[1] == '*'))
            return 0;
    }
    return !q && depth == 0;
}

/* strip_cast: the expression without a trailing PostgreSQL ::type cast. */
static void strip_cast(struct buf *out, const char *s)
{
    const char *cast = NULL;
    char q = 0;
    for (const char *p = s; *p; p++) {
        if (q)
            q = *p == q ? 0 : q;
        else if (*p == '\'' || *p == '"')
            q = *p;
        else if (p[0] == ':' && p[1] == ':')
            cast = cast ? cast : p;
    }
    buf_append(out, s, cast ? (size_t)(cast - s) : strlen(s));
}

/* put_default: " DEFAULT expr" in dialect f, or nothing. */
static void put_default(struct buf *out, const struct erd_column *c, enum export_format f)
{
    const char *d = c->default_value;
    int di = dialect(f);
    if (!d || !*d || (is_serial(c) && strncasecmp(d, "nextval(", 8) == 0))
        return;
    struct buf expr = BUF_INIT;
    if (di == D_PG)
        buf_puts(&expr, d);
    else
        strip_cast(&expr, d);
    const char *e = buf_cstr(&expr);
    for (size_t i = 0; i < sizeof default_map / sizeof default_map[0]; i++)
        if (strcasecmp(e, default_map[i].pg) == 0) {
            e = default_map[i].to[di];
            break;
        }
    if (di == D_PG && (!strcmp(e, "0") || !strcmp(e, "1")) && base_is(col_type(c), "boolean"))
        e = e[0] == '1' ? "true" : "false";
    if (*e) {
        buf_puts(out, " DEFAULT ");
        if (expression_ok(e))
            buf_puts(out, e);
        else
            ddl_sql_literal(out, e, f);
    }
    buf_free(&expr);
}

/* ---- columns and tables --------------------------------------------------------------- */

void ddl_sql_column_def(struct buf *out, const struct erd_entity *entity,
                        const struct erd_column *col, enum export_format f, bool inline_pk)
{
    const char *comment = col->comment;
    bool pk = inline_pk && col->is_pk;
    ddl_sql_column_ident(out, col->name, f);
    buf_putc(out, ' ');
    if (f == EXPORT_SQLITE && pk && is_serial(col)) {
        buf_puts(out, "INTEGER PRIMARY KEY AUTOINCREMENT");
        return;
    }
    ddl_sql_type(out, entity, col, f);
    if (!col->is_nullable || col->is_pk)
        buf_puts(out, " NOT NULL");
    put_default(out, col, f);
    if (col->is_unique && !pk)
        buf_puts(out, " UNIQUE");
    if (pk)
        buf_puts(out, " PRIMARY KEY");
    if (f == EXPORT_SQLITE && ddl_sql_is_enum(col)) {
        buf_puts(out, " CHECK (");
        ddl_sql_column_ident(out, col->name, f);
        buf_puts(out, " IN ");
        enum_list(out, col, f);
        buf_putc(out, ')');
    }
    if (f == EXPORT_MYSQL && comment && *comment) {
        buf_puts(out, " COMMENT ");
        ddl_sql_literal(out, comment, f);
    }
}

size_t ddl_sql_count_pk(const struct erd_entity *e)
{
    size_t n = 0;
    for (size_t j = 0; j < e->ncolumns; j++)
        n += e->columns[j].is_pk;
    return n;
}

/* item_sep: the separator before the next item of a CREATE TABLE body. */
static void item_sep(struct buf *out, size_t *items)
{
    buf_puts(out, (*items)++ ? ",\n" : "\n");
}

static void pg_comments(struct buf *out, const struct erd_entity *e)
{
    const char *tc = e->comment;
    if (tc && *tc) {
        buf_puts(out, "COMMENT ON TABLE ");
        ddl_sql_ident(out, e->name, EXPORT_POSTGRES);
        buf_puts(out, " IS ");
        ddl_sql_literal(out, tc, EXPORT_POSTGRES);
        buf_puts(out, ";\n");
    }
    for (size_t j = 0; j < e->ncolumns; j++) {
        const struct erd_column *c = &e->columns[j];
        const char *cc = c->comment;
        if (!cc || !*cc)
            continue;
        buf_puts(out, "COMMENT ON COLUMN ");
        ddl_sql_ident(out, e->name, EXPORT_POSTGRES);
        buf_putc(out, '.');
        ddl_sql_column_ident(out, c->name, EXPORT_POSTGRES);
        buf_puts(out, " IS ");
        ddl_sql_literal(out, cc, EXPORT_POSTGRES);
        buf_puts(out, ";\n");
    }
}

void ddl_sql_create_table(struct buf *out, const struct erd_entity *e, enum export_format f,
                          const char *extra)
{
    const char *tc = e->comment;
    size_t npk = ddl_sql_count_pk(e), items = 0;
    if (!e->ncolumns && f != EXPORT_POSTGRES) {
        buf_puts(out, "-- table ");
        ddl_sql_comment_text(out, e->name);
        buf_puts(out, " skipped: it has no columns\n\n");
        return;
    }
    if (f == EXPORT_SQLITE && tc && *tc) {
        buf_puts(out, "-- ");
        ddl_sql_comment_text(out, tc);
        buf_putc(out, '\n');
    }
    buf_puts(out, "CREATE TABLE ");
    ddl_sql_ident(out, e->name, f);
    buf_puts(out, " (");
    for (size_t j = 0; j < e->ncolumns; j++) {
        const char *cc = e->columns[j].comment;
        item_sep(out, &items);
        if (f == EXPORT_SQLITE && cc && *cc) {
            buf_puts(out, "  -- ");
            ddl_sql_comment_text(out, cc);
            buf_putc(out, '\n');
        }
        buf_puts(out, "  ");
        ddl_sql_column_def(out, e, &e->columns[j], f, npk == 1);
    }
    if (npk > 1) {
        item_sep(out, &items);
        buf_puts(out, "  PRIMARY KEY (");
        for (size_t j = 0, k = 0; j < e->ncolumns; j++) {
            if (!e->columns[j].is_pk)
                continue;
            buf_puts(out, k++ ? ", " : "");
            ddl_sql_column_ident(out, e->columns[j].name, f);
        }
        buf_putc(out, ')');
    }
    if (extra && *extra) {
        item_sep(out, &items);
        buf_puts(out, extra);
    }
    buf_puts(out, "\n)");
    if (f == EXPORT_MYSQL && tc && *tc) {
        buf_puts(out, " COMMENT=");
        ddl_sql_literal(out, tc, f);
    }
    buf_puts(out, ";\n");
    if (f == EXPORT_POSTGRES)
        pg_comments(out, e);
    buf_putc(out, '\n');
}

/* ---- foreign keys --------------------------------------------------------------------- */

static int is_ident(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_') || strlen(s) > IDENT_MAX)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

/* word_part: s reduced to [A-Za-z0-9_]. */
static void word_part(struct buf *out, const char *s)
{
    for (; *s; s++)
        buf_putc(out, isalnum((unsigned char)*s) ? (char)tolower((unsigned char)*s) : '_');
}

void ddl_sql_generated_name(struct buf *out, const char *table, const char *col)
{
    size_t start = out->len;
    buf_puts(out, "fk_");
    word_part(out, erd_short_name(table));
    buf_putc(out, '_');
    word_part(out, col);
    if (out->len - start > IDENT_MAX)
        buf_truncate(out, start + IDENT_MAX);
}

void ddl_sql_fk_name(struct buf *out, const struct erd_view *v, const struct erd_fk *fk)
{
    const char *name = erd_view_rel(v, fk)->constraint_name;
    const struct erd_column *col = erd_view_column(v, fk->child, fk->child_col);
    if (is_ident(name))
        buf_puts(out, name);
    else
        ddl_sql_generated_name(out, v->doc->entities[fk->child].name, col ? col->name : "ref");
}

/* action: a valid ON DELETE/UPDATE action in upper case, or NULL. */
static const char *action(const char *a)
{
    static const char *const ok[] = {"CASCADE", "SET NULL", "RESTRICT", "NO ACTION", "SET DEFAULT"};
    for (size_t i = 0; a && i < sizeof ok / sizeof ok[0]; i++)
        if (strcasecmp(a, ok[i]) == 0)
            return ok[i];
    return NULL;
}

void ddl_sql_references(struct buf *out, const char *col, const char *parent, const char *pcol,
                        const struct erd_relationship *rel, enum export_format f)
{
    const char *del = action(rel->on_delete), *upd = action(rel->on_update);
    buf_puts(out, "FOREIGN KEY (");
    ddl_sql_column_ident(out, col, f);
    buf_puts(out, ") REFERENCES ");
    ddl_sql_ident(out, parent, f);
    buf_puts(out, " (");
    ddl_sql_column_ident(out, pcol, f);
    buf_putc(out, ')');
    if (del)
        buf_printf(out, " ON DELETE %s", del);
    if (upd)
        buf_printf(out, " ON UPDATE %s", upd);
}

int ddl_sql_fk_clause(struct buf *out, const struct erd_view *v, const struct erd_fk *fk,
                      enum export_format f)
{
    const struct erd_column *pc = erd_view_column(v, fk->parent, fk->parent_col);
    const struct erd_column *cc = erd_view_column(v, fk->child, fk->child_col);
    if (!pc || !cc)
        return -1;
    ddl_sql_references(out, cc->name, v->doc->entities[fk->parent].name, pc->name,
                       erd_view_rel(v, fk), f);
    return 0;
}

const char *ddl_sql_key_type(const char *type)
{
    struct ptype t;
    parse_type(&t, type && *type ? type : "text");
    const struct type_map *m = find_type(buf_cstr(&t.base));
    ptype_free(&t);
    if (!m || !(m->flags & T_SERIAL))
        return type && *type ? type : "text";
    return strstr(m->to[0], "big") ? "bigint" : strstr(m->to[0], "small") ? "smallint" : "integer";
}
