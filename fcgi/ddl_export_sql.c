/* ddl_export_sql.c — an ERD model as SQL DDL for PostgreSQL, MySQL and SQLite: identifier
 * quoting, the type-mapping table, enums, CREATE TABLE in dependency order, foreign keys
 * (ALTER TABLE after all tables, or inline for SQLite), many-to-many junction tables. */
#include "ddl_export.h"
#include "buf.h"
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

void ddl_export_ident(struct buf *out, const char *name, enum export_format f)
{
    const char *dot = strchr(name, '.');
    if (dot && dot != name && dot[1]) {
        ident_part(out, name, (size_t)(dot - name), dialect(f));
        buf_putc(out, '.');
        name = dot + 1;
    }
    ident_part(out, name, strlen(name), dialect(f));
}

/* column_ident: a column name (never split at dots). */
static void column_ident(struct buf *out, const char *name, enum export_format f)
{
    ident_part(out, name, strlen(name), dialect(f));
}

void ddl_export_literal(struct buf *out, const char *s, enum export_format f)
{
    buf_putc(out, '\'');
    for (; s && *s; s++) {
        if (*s == '\'' || (*s == '\\' && f == EXPORT_MYSQL))
            buf_putc(out, *s);
        buf_putc(out, *s);
    }
    buf_putc(out, '\'');
}

/* comment_text: s on one line (control characters become spaces). */
static void comment_text(struct buf *out, const char *s)
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

static const char *col_type(const json_t *c)
{
    const char *t = ddl_export_str(c, "type");
    return t && *t ? t : "text";
}

static int base_is(const char *type, const char *word)
{
    struct ptype t;
    parse_type(&t, type);
    int yes = strcmp(buf_cstr(&t.base), word) == 0;
    ptype_free(&t);
    return yes;
}

int ddl_export_is_enum(const json_t *c)
{
    const char *type = col_type(c);
    return json_array_size(json_object_get(c, "enum_values")) > 0 || base_is(type, "enum") ||
           base_is(type, "set");
}

static int is_serial(const json_t *c)
{
    struct ptype t;
    parse_type(&t, col_type(c));
    const struct type_map *m = find_type(buf_cstr(&t.base));
    ptype_free(&t);
    return m && (m->flags & T_SERIAL);
}

/* enum_values: the column's values (enum_values, else parsed from enum('a','b')); new ref. */
static json_t *enum_values(const json_t *c)
{
    const json_t *given = json_object_get(c, "enum_values");
    if (json_array_size(given))
        return json_deep_copy(given);
    json_t *vals = json_array();
    const char *p = strchr(col_type(c), '(');
    while (p && (p = strchr(p, '\''))) {
        struct buf v = BUF_INIT;
        for (p++; *p && !(*p == '\'' && p[1] != '\''); p++) {
            if (*p == '\'')
                p++;
            buf_putc(&v, *p);
        }
        json_array_append_new(vals, json_string(buf_cstr(&v)));
        buf_free(&v);
        p = *p ? p + 1 : NULL;
    }
    return vals;
}

/* enum_type_name: PostgreSQL type name for an enum column (unquoted). */
static void enum_type_name(struct buf *out, const json_t *e, const json_t *c)
{
    const char *type = col_type(c);
    if (base_is(type, "enum") || base_is(type, "set") || strchr(type, '('))
        buf_printf(out, "%s_%s", ddl_export_short_name(ddl_export_str(e, "name")), ddl_export_str(c, "name"));
    else
        buf_puts(out, type);
}

static void enum_list(struct buf *out, const json_t *c, enum export_format f)
{
    json_t *vals = enum_values(c);
    buf_putc(out, '(');
    for (size_t k = 0; k < json_array_size(vals); k++) {
        buf_puts(out, k ? ", " : "");
        ddl_export_literal(out, json_string_value(json_array_get(vals, k)), f);
    }
    buf_putc(out, ')');
    json_decref(vals);
}

static void enum_type(struct buf *out, const json_t *e, const json_t *c, enum export_format f)
{
    struct buf name = BUF_INIT;
    switch (dialect(f)) {
    case D_PG:
        enum_type_name(&name, e, c);
        ddl_export_ident(out, buf_cstr(&name), f);
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
static void mapped_type(struct buf *out, const char *type, const json_t *c, int d)
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
            (ddl_export_flag(c, "is_pk") || ddl_export_flag(c, "is_unique")))
            buf_puts(out, " AUTO_INCREMENT");
        if (d == D_MY && t.is_unsigned)
            buf_puts(out, " UNSIGNED");
    }
    ptype_free(&t);
}

void ddl_export_type(struct buf *out, const json_t *entity, const json_t *col, enum export_format f)
{
    if (ddl_export_is_enum(col))
        enum_type(out, entity, col, f);
    else
        mapped_type(out, col_type(col), col, dialect(f));
}

void ddl_export_enum_types(struct buf *out, const json_t *entity, json_t *seen)
{
    const json_t *cols = json_object_get(entity, "columns");
    for (size_t j = 0; j < json_array_size(cols); j++) {
        const json_t *c = json_array_get(cols, j);
        struct buf name = BUF_INIT;
        if (ddl_export_is_enum(c)) {
            enum_type_name(&name, entity, c);
            if (!json_object_get(seen, buf_cstr(&name))) {
                json_object_set_new(seen, buf_cstr(&name), json_true());
                buf_puts(out, "CREATE TYPE ");
                ddl_export_ident(out, buf_cstr(&name), EXPORT_POSTGRES);
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
static void put_default(struct buf *out, const json_t *c, enum export_format f)
{
    const char *d = ddl_export_str(c, "default");
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
            ddl_export_literal(out, e, f);
    }
    buf_free(&expr);
}

/* ---- columns and tables --------------------------------------------------------------- */

void ddl_export_column_def(struct buf *out, const json_t *entity, const json_t *col,
                           enum export_format f, int inline_pk)
{
    const char *comment = ddl_export_str(col, "comment");
    int pk = inline_pk && ddl_export_flag(col, "is_pk");
    column_ident(out, ddl_export_str(col, "name"), f);
    buf_putc(out, ' ');
    if (f == EXPORT_SQLITE && pk && is_serial(col)) {
        buf_puts(out, "INTEGER PRIMARY KEY AUTOINCREMENT");
        return;
    }
    ddl_export_type(out, entity, col, f);
    if (json_is_false(json_object_get(col, "is_nullable")) || ddl_export_flag(col, "is_pk"))
        buf_puts(out, " NOT NULL");
    put_default(out, col, f);
    if (ddl_export_flag(col, "is_unique") && !pk)
        buf_puts(out, " UNIQUE");
    if (pk)
        buf_puts(out, " PRIMARY KEY");
    if (f == EXPORT_SQLITE && ddl_export_is_enum(col)) {
        buf_puts(out, " CHECK (");
        column_ident(out, ddl_export_str(col, "name"), f);
        buf_puts(out, " IN ");
        enum_list(out, col, f);
        buf_putc(out, ')');
    }
    if (f == EXPORT_MYSQL && comment && *comment) {
        buf_puts(out, " COMMENT ");
        ddl_export_literal(out, comment, f);
    }
}

static size_t count_pk(const json_t *cols)
{
    size_t n = 0;
    for (size_t j = 0; j < json_array_size(cols); j++)
        n += (size_t)ddl_export_flag(json_array_get(cols, j), "is_pk");
    return n;
}

/* item_sep: the separator before the next item of a CREATE TABLE body. */
static void item_sep(struct buf *out, size_t *items)
{
    buf_puts(out, (*items)++ ? ",\n" : "\n");
}

static void pg_comments(struct buf *out, const json_t *e)
{
    const char *tc = ddl_export_str(e, "comment");
    const json_t *cols = json_object_get(e, "columns");
    if (tc && *tc) {
        buf_puts(out, "COMMENT ON TABLE ");
        ddl_export_ident(out, ddl_export_str(e, "name"), EXPORT_POSTGRES);
        buf_puts(out, " IS ");
        ddl_export_literal(out, tc, EXPORT_POSTGRES);
        buf_puts(out, ";\n");
    }
    for (size_t j = 0; j < json_array_size(cols); j++) {
        const json_t *c = json_array_get(cols, j);
        const char *cc = ddl_export_str(c, "comment");
        if (!cc || !*cc)
            continue;
        buf_puts(out, "COMMENT ON COLUMN ");
        ddl_export_ident(out, ddl_export_str(e, "name"), EXPORT_POSTGRES);
        buf_putc(out, '.');
        column_ident(out, ddl_export_str(c, "name"), EXPORT_POSTGRES);
        buf_puts(out, " IS ");
        ddl_export_literal(out, cc, EXPORT_POSTGRES);
        buf_puts(out, ";\n");
    }
}

/* create_table: CREATE TABLE for e with extra table-level lines (inline foreign keys). */
static void create_table(struct buf *out, const json_t *e, enum export_format f, const char *extra)
{
    const json_t *cols = json_object_get(e, "columns");
    const char *tc = ddl_export_str(e, "comment");
    size_t npk = count_pk(cols), items = 0;
    if (!json_array_size(cols) && f != EXPORT_POSTGRES) {
        buf_puts(out, "-- table ");
        comment_text(out, ddl_export_str(e, "name"));
        buf_puts(out, " skipped: it has no columns\n\n");
        return;
    }
    if (f == EXPORT_SQLITE && tc && *tc) {
        buf_puts(out, "-- ");
        comment_text(out, tc);
        buf_putc(out, '\n');
    }
    buf_puts(out, "CREATE TABLE ");
    ddl_export_ident(out, ddl_export_str(e, "name"), f);
    buf_puts(out, " (");
    for (size_t j = 0; j < json_array_size(cols); j++) {
        const json_t *c = json_array_get(cols, j);
        const char *cc = ddl_export_str(c, "comment");
        item_sep(out, &items);
        if (f == EXPORT_SQLITE && cc && *cc) {
            buf_puts(out, "  -- ");
            comment_text(out, cc);
            buf_putc(out, '\n');
        }
        buf_puts(out, "  ");
        ddl_export_column_def(out, e, c, f, npk == 1);
    }
    if (npk > 1) {
        item_sep(out, &items);
        buf_puts(out, "  PRIMARY KEY (");
        for (size_t j = 0, k = 0; j < json_array_size(cols); j++) {
            if (!ddl_export_flag(json_array_get(cols, j), "is_pk"))
                continue;
            buf_puts(out, k++ ? ", " : "");
            column_ident(out, ddl_export_str(json_array_get(cols, j), "name"), f);
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
        ddl_export_literal(out, tc, f);
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
        buf_putc(out, isalnum((unsigned char)*s) ? *s : '_');
}

/* generated_name: fk_<table>_<column>, at most IDENT_MAX bytes. */
static void generated_name(struct buf *out, const char *table, const char *col)
{
    size_t start = out->len;
    buf_puts(out, "fk_");
    word_part(out, ddl_export_short_name(table));
    buf_putc(out, '_');
    word_part(out, col);
    if (out->len - start > IDENT_MAX)
        buf_truncate(out, start + IDENT_MAX);
}

void ddl_export_fk_name(struct buf *out, const struct erd_view *v, const struct erd_fk *fk)
{
    const char *label = ddl_export_str(json_array_get(v->rels, fk->rel), "label");
    const json_t *col = ddl_export_column(v, fk->child, fk->child_col);
    if (is_ident(label))
        buf_puts(out, label);
    else
        generated_name(out, ddl_export_str(ddl_export_entity(v, fk->child), "name"),
                       col ? ddl_export_str(col, "name") : "ref");
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

static void references(struct buf *out, const char *col, const char *parent, const char *pcol,
                       const json_t *rel, enum export_format f)
{
    const char *del = action(ddl_export_str(rel, "on_delete")), *upd = action(ddl_export_str(rel, "on_update"));
    buf_puts(out, "FOREIGN KEY (");
    column_ident(out, col, f);
    buf_puts(out, ") REFERENCES ");
    ddl_export_ident(out, parent, f);
    buf_puts(out, " (");
    column_ident(out, pcol, f);
    buf_putc(out, ')');
    if (del)
        buf_printf(out, " ON DELETE %s", del);
    if (upd)
        buf_printf(out, " ON UPDATE %s", upd);
}

int ddl_export_fk_clause(struct buf *out, const struct erd_view *v, const struct erd_fk *fk,
                         enum export_format f)
{
    const json_t *pc = ddl_export_column(v, fk->parent, fk->parent_col);
    const json_t *cc = ddl_export_column(v, fk->child, fk->child_col);
    if (!pc || !cc)
        return -1;
    references(out, ddl_export_str(cc, "name"), ddl_export_str(ddl_export_entity(v, fk->parent), "name"),
               ddl_export_str(pc, "name"), json_array_get(v->rels, fk->rel), f);
    return 0;
}

/* unique_name: name, or name_2, name_3… when already used (recorded in used). */
static void unique_name(struct buf *name, json_t *used)
{
    size_t base = name->len;
    for (int n = 2; json_object_get(used, buf_cstr(name)); n++) {
        buf_truncate(name, base);
        buf_printf(name, "_%d", n);
    }
    json_object_set_new(used, buf_cstr(name), json_true());
}

static void skipped_comment(struct buf *out, const struct erd_view *v, const struct erd_fk *fk, const char *why)
{
    buf_puts(out, "-- relationship ");
    comment_text(out, ddl_export_str(ddl_export_entity(v, fk->parent), "name"));
    buf_puts(out, " -> ");
    comment_text(out, ddl_export_str(ddl_export_entity(v, fk->child), "name"));
    buf_printf(out, " skipped: %s\n", why);
}

/* constraint_line: "CONSTRAINT name FOREIGN KEY …" for fk (name made unique via used). */
static int constraint_line(struct buf *out, const struct erd_view *v, const struct erd_fk *fk,
                           enum export_format f, json_t *used)
{
    struct buf name = BUF_INIT, clause = BUF_INIT;
    int rc = ddl_export_fk_clause(&clause, v, fk, f);
    if (rc == 0) {
        ddl_export_fk_name(&name, v, fk);
        unique_name(&name, used);
        buf_puts(out, "CONSTRAINT ");
        column_ident(out, buf_cstr(&name), f);
        buf_putc(out, ' ');
        buf_puts(out, buf_cstr(&clause));
    }
    buf_free(&name);
    buf_free(&clause);
    return rc;
}

static int is_m2m(const struct erd_fk *fk)
{
    return strcmp(fk->type, "many-to-many") == 0;
}

/* sqlite_inline_fks: the table-level FOREIGN KEY lines of entity i; its relationships are
 * the chain first[i], next[…] when given, else found by a scan. */
static void sqlite_inline_fks(struct buf *out, const struct erd_view *v, size_t i, json_t *used,
                              const size_t *first, const size_t *next)
{
    for (size_t k = first ? first[i] : 0; k < v->nfk; k = next ? next[k] : k + 1) {
        const struct erd_fk *fk = &v->fks[k];
        if (fk->child != i || is_m2m(fk))
            continue;
        struct buf line = BUF_INIT;
        if (constraint_line(&line, v, fk, EXPORT_SQLITE, used) == 0)
            buf_printf(out, "%s  %s", out->len ? ",\n" : "", buf_cstr(&line));
        buf_free(&line);
    }
}

void ddl_export_create_table(struct buf *out, const struct erd_view *v, size_t i, enum export_format f)
{
    struct buf extra = BUF_INIT;
    json_t *used = json_object();
    if (f == EXPORT_SQLITE)
        sqlite_inline_fks(&extra, v, i, used, NULL, NULL);
    create_table(out, ddl_export_entity(v, i), f, buf_cstr(&extra));
    json_decref(used);
    buf_free(&extra);
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

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

/* orders: 1 when fk makes its child come after its parent (a resolved, non-m2m link
 * between two different tables). */
static int orders(const struct erd_fk *fk)
{
    return !is_m2m(fk) && fk->parent != fk->child && fk->parent_col >= 0 && fk->child_col >= 0;
}

/* dependency_order: entity indexes, parents before children (Kahn's algorithm, lowest
 * index first; a cycle is broken at its lowest remaining entity). */
static size_t *dependency_order(const struct erd_view *v)
{
    size_t n = v->nent, *indeg = xcalloc(n, sizeof *indeg), *start = xcalloc(n + 1, sizeof *start);
    size_t *kids = xcalloc(v->nfk, sizeof *kids), *order = xcalloc(n, sizeof *order);
    unsigned char *done = xcalloc(n, 1);
    struct heap h = {xcalloc(n, sizeof(size_t)), 0};
    for (size_t k = 0; k < v->nfk; k++)
        if (orders(&v->fks[k])) {
            start[v->fks[k].parent + 1]++;
            indeg[v->fks[k].child]++;
        }
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    size_t *fill = xcalloc(n, sizeof *fill);
    for (size_t k = 0; k < v->nfk; k++)
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
    free(indeg);
    free(start);
    free(kids);
    free(done);
    free(fill);
    free(h.a);
    return order;
}

/* ---- many-to-many junction tables ----------------------------------------------------- */

/* junction_column: a column object for the junction referencing entity ent's column col. */
static json_t *junction_column(const json_t *ent, const json_t *col, const char *avoid)
{
    struct buf name = BUF_INIT;
    buf_printf(&name, "%s_%s", ddl_export_short_name(ddl_export_str(ent, "name")), ddl_export_str(col, "name"));
    if (avoid && strcmp(avoid, buf_cstr(&name)) == 0)
        buf_puts(&name, "_2");
    struct ptype t;
    parse_type(&t, col_type(col));
    const struct type_map *m = find_type(buf_cstr(&t.base));
    const char *type = m && (m->flags & T_SERIAL) ? (strstr(m->to[0], "big") ? "bigint" : strstr(m->to[0], "small") ? "smallint" : "integer")
                                                 : col_type(col);
    json_t *c = json_pack("{s:s, s:s, s:b, s:b}", "name", buf_cstr(&name), "type", type, "is_pk", 1,
                          "is_nullable", 0);
    ptype_free(&t);
    buf_free(&name);
    return c;
}

static int entity_named(const struct erd_view *v, const char *name)
{
    for (size_t i = 0; i < v->nent; i++)
        if (strcasecmp(ddl_export_str(ddl_export_entity(v, i), "name"), name) == 0)
            return 1;
    return 0;
}

/* junction_fk: one foreign key of a junction table, inline (SQLite) or as ALTER TABLE. */
static void junction_fk(struct buf *inl, struct buf *tail, const char *table, const json_t *jcol,
                        const json_t *ent, const json_t *col, const json_t *rel, enum export_format f,
                        json_t *used)
{
    struct buf name = BUF_INIT, clause = BUF_INIT;
    generated_name(&name, table, ddl_export_str(jcol, "name"));
    unique_name(&name, used);
    references(&clause, ddl_export_str(jcol, "name"), ddl_export_str(ent, "name"), ddl_export_str(col, "name"), rel, f);
    if (f == EXPORT_SQLITE) {
        buf_printf(inl, "%s  CONSTRAINT ", inl->len ? ",\n" : "");
        column_ident(inl, buf_cstr(&name), f);
        buf_printf(inl, " %s", buf_cstr(&clause));
    } else {
        buf_puts(tail, "ALTER TABLE ");
        ddl_export_ident(tail, table, f);
        buf_puts(tail, " ADD CONSTRAINT ");
        column_ident(tail, buf_cstr(&name), f);
        buf_printf(tail, " %s;\n", buf_cstr(&clause));
    }
    buf_free(&name);
    buf_free(&clause);
}

static void junction_table(struct buf *out, struct buf *tail, const struct erd_view *v,
                           const struct erd_fk *fk, enum export_format f, json_t *used)
{
    const json_t *a = ddl_export_entity(v, fk->parent), *b = ddl_export_entity(v, fk->child);
    const json_t *ac = ddl_export_column(v, fk->parent, fk->parent_col), *bc = ddl_export_column(v, fk->child, fk->child_col);
    const json_t *rel = json_array_get(v->rels, fk->rel);
    struct buf name = BUF_INIT, inl = BUF_INIT;
    buf_printf(&name, "%s_%s", ddl_export_short_name(ddl_export_str(a, "name")), ddl_export_short_name(ddl_export_str(b, "name")));
    if (!ac || !bc) {
        skipped_comment(out, v, fk, "many-to-many needs a single-column primary key on both tables");
    } else if (entity_named(v, buf_cstr(&name))) {
        skipped_comment(out, v, fk, "a table with the junction table's name already exists");
    } else {
        json_t *ca = junction_column(a, ac, NULL);
        json_t *cb = junction_column(b, bc, ddl_export_str(ca, "name"));
        json_t *jt = json_pack("{s:s, s:[O,O]}", "name", buf_cstr(&name), "columns", ca, cb);
        junction_fk(&inl, tail, buf_cstr(&name), ca, a, ac, rel, f, used);
        junction_fk(&inl, tail, buf_cstr(&name), cb, b, bc, rel, f, used);
        create_table(out, jt, f, buf_cstr(&inl));
        json_decref(ca);
        json_decref(cb);
        json_decref(jt);
    }
    buf_free(&name);
    buf_free(&inl);
}

/* ---- the script ----------------------------------------------------------------------- */

static const char *const dialect_names[] = {"PostgreSQL", "MySQL", "SQLite"};

static void header(struct buf *out, const json_t *model, enum export_format f)
{
    const char *name = ddl_export_str(model, "name");
    buf_puts(out, "-- ");
    comment_text(out, name && *name ? name : "Untitled");
    buf_printf(out, "\n-- %s DDL exported by Cardinality\n\n", dialect_names[dialect(f)]);
    if (f == EXPORT_SQLITE)
        buf_puts(out, "PRAGMA foreign_keys = ON;\n\n");
}

static void pg_preamble(struct buf *out, const struct erd_view *v, const size_t *order)
{
    json_t *seen = json_object();
    size_t start = out->len;
    for (size_t k = 0; k < v->nent; k++) {
        const char *name = ddl_export_str(ddl_export_entity(v, order[k]), "name"), *dot = strchr(name, '.');
        if (!dot || dot == name || !dot[1])
            continue;
        struct buf schema = BUF_INIT;
        buf_append(&schema, name, (size_t)(dot - name));
        if (!json_object_get(seen, buf_cstr(&schema))) {
            json_object_set_new(seen, buf_cstr(&schema), json_true());
            buf_puts(out, "CREATE SCHEMA IF NOT EXISTS ");
            ident_part(out, schema.data, schema.len, D_PG);
            buf_puts(out, ";\n");
        }
        buf_free(&schema);
    }
    json_object_clear(seen);
    for (size_t k = 0; k < v->nent; k++)
        ddl_export_enum_types(out, ddl_export_entity(v, order[k]), seen);
    if (out->len > start)
        buf_putc(out, '\n');
    json_decref(seen);
}

/* alter_fks: ALTER TABLE … ADD CONSTRAINT for every resolvable non-m2m relationship. */
static void alter_fks(struct buf *out, const struct erd_view *v, enum export_format f, json_t *used)
{
    for (size_t k = 0; k < v->nfk; k++) {
        const struct erd_fk *fk = &v->fks[k];
        if (is_m2m(fk))
            continue;
        struct buf line = BUF_INIT;
        if (constraint_line(&line, v, fk, f, used) == 0) {
            buf_puts(out, "ALTER TABLE ");
            ddl_export_ident(out, ddl_export_str(ddl_export_entity(v, fk->child), "name"), f);
            buf_printf(out, " ADD %s;\n", buf_cstr(&line));
        }
        buf_free(&line);
    }
}

static void skipped_fks(struct buf *out, const struct erd_view *v)
{
    for (size_t k = 0; k < v->nfk; k++)
        if (!is_m2m(&v->fks[k]) && (v->fks[k].parent_col < 0 || v->fks[k].child_col < 0))
            skipped_comment(out, v, &v->fks[k], "no columns to link (add a <parent>_id column)");
}

/* child_chains: first[i] = entity i's first relationship as child, next[k] the following
 * one; v->nfk ends a chain. */
static void child_chains(const struct erd_view *v, size_t **first, size_t **next)
{
    *first = xcalloc(v->nent, sizeof **first);
    *next = xcalloc(v->nfk, sizeof **next);
    for (size_t i = 0; i < v->nent; i++)
        (*first)[i] = v->nfk;
    for (size_t k = v->nfk; k-- > 0;) {
        (*next)[k] = (*first)[v->fks[k].child];
        (*first)[v->fks[k].child] = k;
    }
}

void ddl_export_sql(struct buf *out, const json_t *model, const struct erd_view *v, enum export_format f)
{
    size_t *order = dependency_order(v), *first, *next;
    child_chains(v, &first, &next);
    json_t *used = json_object();
    struct buf tail = BUF_INIT;
    header(out, model, f);
    if (f == EXPORT_POSTGRES)
        pg_preamble(out, v, order);
    for (size_t k = 0; k < v->nent; k++) {
        struct buf extra = BUF_INIT;
        if (f == EXPORT_SQLITE)
            sqlite_inline_fks(&extra, v, order[k], used, first, next);
        create_table(out, ddl_export_entity(v, order[k]), f, buf_cstr(&extra));
        buf_free(&extra);
    }
    for (size_t k = 0; k < v->nfk; k++)
        if (is_m2m(&v->fks[k]))
            junction_table(out, &tail, v, &v->fks[k], f, used);
    if (f != EXPORT_SQLITE)
        alter_fks(&tail, v, f, used);
    buf_puts(out, buf_cstr(&tail));
    skipped_fks(out, v);
    buf_free(&tail);
    json_decref(used);
    free(order);
    free(first);
    free(next);
}
