/* erd_doc_json.c — an erd_doc from and to JSON text (see erd_doc.h).
 *
 * Reading uses yajl's event parser: each event lands straight in the doc (strings copied into
 * the arena, arrays grown by doubling there), with a frame stack saying where we are, so a
 * 1 MB model takes a few milliseconds and no jansson tree.  Writing is a hand-written escaper
 * into the response buffer (erd_doc_write_document indents it for the JSON export). */
#include "erd_doc.h"
#include "arena.h"
#include "buf.h"
#include "erd_model.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#define MAX_DEPTH 64

/* ---- reading: where the parser is --------------------------------------------------------- */

enum frame_kind {
    F_TOP, F_VIEWPORT, F_ENTITIES, F_ENTITY, F_COLUMNS, F_COLUMN, F_ENUMS, F_RELS, F_REL, F_SKIP
};

/* Known keys of each object, by frame kind; a key's index is its bit in the frame's seen mask. */
/* "uid" is informational: kept when a string, any other value ignored. */
static const char *const top_keys[] = {"name", "_version", "viewport", "entities", "relationships",
                                       "uid", NULL};
enum { K_NAME, K_VERSION, K_VIEWPORT, K_ENTITIES, K_RELS, K_UID };
static const char *const vp_keys[] = {"x", "y", "zoom", NULL};
static const char *const ent_keys[] = {"id", "name", "color", "comment", "x", "y", "columns", NULL};
enum { KE_ID, KE_NAME, KE_COLOR, KE_COMMENT, KE_X, KE_Y, KE_COLUMNS };
static const char *const col_keys[] = {"id", "name", "type", "default", "comment", "is_pk",
                                       "is_nullable", "is_unique", "enum_values", NULL};
enum { KC_ID, KC_NAME, KC_TYPE, KC_DEFAULT, KC_COMMENT, KC_PK, KC_NULLABLE, KC_UNIQUE, KC_ENUMS };
static const char *const rel_keys[] = {"id", "source_entity_id", "target_entity_id",
                                       "source_column_id", "target_column_id", "source_handle",
                                       "target_handle", "type", "label", "on_delete", "on_update",
                                       "constraint_name", NULL};

struct frame {
    enum frame_kind kind;
    int key;            /* the pending key's index in the frame's table, -1 unknown */
    unsigned seen;      /* keys met so far */
};

struct parser {
    struct arena *a;
    struct erd_doc *doc;
    struct buf *err;
    struct frame stack[MAX_DEPTH + 1];
    int depth;          /* frames in use; 0 before the first value */
    int status;         /* ERD_PARSE_* once something is wrong */
    bool seen_entities, seen_rels;
    size_t cap_entities, cap_rels, cap_columns, cap_enums;
};

static const char *const *keys_of(enum frame_kind k)
{
    switch (k) {
    case F_TOP: return top_keys;
    case F_VIEWPORT: return vp_keys;
    case F_ENTITY: return ent_keys;
    case F_COLUMN: return col_keys;
    case F_REL: return rel_keys;
    default: return NULL;
    }
}

static struct frame *top(struct parser *p)
{
    return &p->stack[p->depth - 1];
}

static struct erd_entity *cur_entity(struct parser *p)
{
    return &p->doc->entities[p->doc->nentities - 1];
}

static struct erd_column *cur_column(struct parser *p)
{
    struct erd_entity *e = cur_entity(p);
    return &e->columns[e->ncolumns - 1];
}

static struct erd_relationship *cur_rel(struct parser *p)
{
    return &p->doc->relationships[p->doc->nrelationships - 1];
}

/* where: the item being read, as erd_doc_check names it. */
static void where(struct parser *p, struct buf *out)
{
    enum frame_kind k = p->depth ? top(p)->kind : F_TOP;
    if (k == F_COLUMN || k == F_COLUMNS || k == F_ENUMS)
        buf_printf(out, "entities[%zu].columns[%zu]", p->doc->nentities - 1,
                   k == F_COLUMNS ? cur_entity(p)->ncolumns : cur_entity(p)->ncolumns - 1);
    else if (k == F_ENTITY)
        buf_printf(out, "entities[%zu]", p->doc->nentities - 1);
    else if (k == F_ENTITIES)
        buf_printf(out, "entities[%zu]", p->doc->nentities);
    else if (k == F_REL)
        buf_printf(out, "relationships[%zu]", p->doc->nrelationships - 1);
    else if (k == F_RELS)
        buf_printf(out, "relationships[%zu]", p->doc->nrelationships);
    else if (k == F_VIEWPORT)
        buf_puts(out, "viewport");
    else
        buf_puts(out, "model");
}

/* shape: a wrong type or count at the current item; stops the parse. */
static int shape(struct parser *p, const char *key, const char *what)
{
    where(p, p->err);
    buf_printf(p->err, ": %s%s%s", key ? key : "", key ? " " : "", what);
    p->status = ERD_PARSE_SHAPE;
    return 0;
}

/* shape_msg: a wrong type or count with a message already naming its item; stops the parse. */
static int shape_msg(struct parser *p, const char *msg)
{
    buf_puts(p->err, msg);
    p->status = ERD_PARSE_SHAPE;
    return 0;
}

static int syntax(struct parser *p, const char *msg)
{
    buf_printf(p->err, "Invalid JSON: %s", msg);
    p->status = ERD_PARSE_SYNTAX;
    return 0;
}

/* pending_key: the name of the key whose value comes next. */
static const char *pending_key(struct parser *p)
{
    const struct frame *f = top(p);
    const char *const *keys = keys_of(f->kind);
    return keys && f->key >= 0 ? keys[f->key] : NULL;
}

/* grow: room for one more item in an arena array of *cap items of size sz. */
static void *grow(struct parser *p, void *items, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *bigger = arena_alloc(p->a, ncap * sz);
    if (n)
        memcpy(bigger, items, n * sz);
    *cap = ncap;
    return bigger;
}

static bool push(struct parser *p, enum frame_kind kind)
{
    if (p->depth >= MAX_DEPTH)
        return syntax(p, "nested deeper than 64 levels");
    p->stack[p->depth++] = (struct frame){kind, -1, 0};
    return true;
}

/* ---- reading: items ----------------------------------------------------------------------- */

static int new_entity(struct parser *p)
{
    struct erd_doc *d = p->doc;
    if (d->nentities >= ERD_MAX_ENTITIES)
        return shape_msg(p, "model: too many entities");
    d->entities = grow(p, d->entities, d->nentities, &p->cap_entities, sizeof *d->entities);
    struct erd_entity *e = &d->entities[d->nentities++];
    memset(e, 0, sizeof *e);
    e->color = ERD_DEFAULT_COLOR;
    p->cap_columns = 0;
    return push(p, F_ENTITY);
}

static int new_column(struct parser *p)
{
    struct erd_entity *e = cur_entity(p);
    if (e->ncolumns >= ERD_MAX_COLUMNS) {
        p->depth--;     /* name the entity (the frame below is its columns array) */
        return shape(p, NULL, "too many columns");
    }
    e->columns = grow(p, e->columns, e->ncolumns, &p->cap_columns, sizeof *e->columns);
    struct erd_column *c = &e->columns[e->ncolumns++];
    memset(c, 0, sizeof *c);
    c->is_nullable = true;
    p->cap_enums = 0;
    return push(p, F_COLUMN);
}

static int new_relationship(struct parser *p)
{
    struct erd_doc *d = p->doc;
    if (d->nrelationships >= ERD_MAX_RELATIONSHIPS)
        return shape_msg(p, "model: too many relationships");
    d->relationships = grow(p, d->relationships, d->nrelationships, &p->cap_rels,
                            sizeof *d->relationships);
    memset(&d->relationships[d->nrelationships++], 0, sizeof *d->relationships);
    return push(p, F_REL);
}

/* string_slot: where the pending key's string goes (NULL: that key takes no string). */
static const char **string_slot(struct parser *p)
{
    struct frame *f = top(p);
    if (f->kind == F_TOP && f->key == K_NAME)
        return &p->doc->name;
    if (f->kind == F_TOP && f->key == K_UID)
        return &p->doc->uid;
    if (f->kind == F_ENTITY) {
        struct erd_entity *e = cur_entity(p);
        const char **slots[] = {&e->id, &e->name, &e->color, &e->comment};
        return f->key >= 0 && f->key <= KE_COMMENT ? slots[f->key] : NULL;
    }
    if (f->kind == F_COLUMN) {
        struct erd_column *c = cur_column(p);
        const char **slots[] = {&c->id, &c->name, &c->type, &c->default_value, &c->comment};
        return f->key >= 0 && f->key <= KC_COMMENT ? slots[f->key] : NULL;
    }
    if (f->kind == F_REL && f->key >= 0) {
        struct erd_relationship *x = cur_rel(p);
        const char **slots[] = {&x->id, &x->source_entity_id, &x->target_entity_id,
                                &x->source_column_id, &x->target_column_id, &x->source_handle,
                                &x->target_handle, &x->type, &x->label, &x->on_delete,
                                &x->on_update, &x->constraint_name};
        return slots[f->key];
    }
    return NULL;
}

/* wrong_type: the pending key got a value of the wrong type; say what it should be. */
static int wrong_type(struct parser *p)
{
    struct frame *f = top(p);
    const char *key = pending_key(p);
    if (f->kind == F_TOP && f->key == K_NAME)
        return shape_msg(p, "name: must be a string of 1 to " ERD_STR(ERD_MAX_DIAGRAM_NAME) " bytes");
    if (f->kind == F_TOP && f->key == K_VIEWPORT)
        return shape_msg(p, "viewport: is not an object");
    if (f->kind == F_TOP)
        return shape(p, key, "is missing or not an array");
    if (f->kind == F_VIEWPORT || (f->kind == F_ENTITY && (f->key == KE_X || f->key == KE_Y)))
        return shape(p, key, "is not a finite number");
    if (f->kind == F_ENTITY && f->key == KE_COLUMNS)
        return shape(p, key, "is not an array");
    if (f->kind == F_COLUMN && f->key >= KC_PK && f->key <= KC_UNIQUE)
        return shape(p, key, "is not a boolean");
    if (f->kind == F_COLUMN && f->key == KC_ENUMS)
        return shape(p, key, "is not an array");
    return shape(p, key, "is not a string");
}

/* element_wrong: an array item of the wrong type. */
static int element_wrong(struct parser *p)
{
    enum frame_kind k = top(p)->kind;
    if (k == F_ENUMS)
        return shape(p, "enum_values", "holds a value that is not a string");
    return shape(p, NULL, "is not an object");
}

/* ---- reading: yajl callbacks -------------------------------------------------------------- */

/* begin_value: a value is about to be read in the top frame.  Unknown keys' values and the
 * values inside them are skipped (returns 2); otherwise 1, or 0 when the value may not start
 * here at all (an array element where only objects go is handled by the callers). */
static int begin_value(struct parser *p)
{
    if (p->depth == 0)
        return 1;
    struct frame *f = top(p);
    if (f->kind == F_SKIP)
        return 2;
    if (keys_of(f->kind) && f->key < 0)
        return 2;
    return 1;
}

static int on_null(void *ctx)
{
    struct parser *p = ctx;
    int b = begin_value(p);
    if (b != 1)
        return b == 2;
    if (p->depth == 0)
        return shape(p, NULL, "is not an object");
    struct frame *f = top(p);
    const char **slot = string_slot(p);
    if (slot) {
        if (!(f->kind == F_ENTITY && f->key == KE_COLOR))
            *slot = NULL;
        return 1;
    }
    if ((f->kind == F_TOP && (f->key == K_VERSION || f->key == K_VIEWPORT)) ||
        (f->kind == F_ENTITY && f->key == KE_COLUMNS) || (f->kind == F_COLUMN && f->key == KC_ENUMS))
        return 1;
    if (f->kind == F_ENTITIES || f->kind == F_COLUMNS || f->kind == F_RELS || f->kind == F_ENUMS)
        return element_wrong(p);
    return wrong_type(p);
}

static int on_boolean(void *ctx, int v)
{
    struct parser *p = ctx;
    int b = begin_value(p);
    if (b != 1)
        return b == 2;
    if (p->depth == 0)
        return shape(p, NULL, "is not an object");
    struct frame *f = top(p);
    if (f->kind == F_COLUMN && f->key >= KC_PK && f->key <= KC_UNIQUE) {
        struct erd_column *c = cur_column(p);
        bool *slots[] = {&c->is_pk, &c->is_nullable, &c->is_unique};
        *slots[f->key - KC_PK] = v != 0;
        return 1;
    }
    if (f->kind == F_TOP && (f->key == K_VERSION || f->key == K_UID))
        return 1;
    if (f->kind == F_ENTITIES || f->kind == F_COLUMNS || f->kind == F_RELS || f->kind == F_ENUMS)
        return element_wrong(p);
    return wrong_type(p);
}

/* version_value: text as a JSON integer within long long, or false. */
static bool version_value(const char *text, long long *out)
{
    char *end;
    if (strpbrk(text, ".eE"))
        return false;
    errno = 0;
    *out = strtoll(text, &end, 10);
    return errno == 0 && *end == '\0';
}

static int on_number(void *ctx, const char *s, size_t len)
{
    struct parser *p = ctx;
    int b = begin_value(p);
    if (b != 1)
        return b == 2;
    if (p->depth == 0)
        return shape(p, NULL, "is not an object");
    struct frame *f = top(p);
    const char *text = arena_strndup(p->a, s, len);
    if (f->kind == F_TOP && f->key == K_VERSION) {
        p->doc->has_version = version_value(text, &p->doc->version);
        return 1;
    }
    if (f->kind == F_TOP && f->key == K_UID)
        return 1;
    if (f->kind == F_VIEWPORT) {
        p->doc->viewport[f->key] = strtod(text, NULL);
        p->doc->has_viewport[f->key] = true;
        return isfinite(p->doc->viewport[f->key]) ? 1 : wrong_type(p);
    }
    if (f->kind == F_ENTITY && (f->key == KE_X || f->key == KE_Y)) {
        double v = strtod(text, NULL);
        *(f->key == KE_X ? &cur_entity(p)->x : &cur_entity(p)->y) = v;
        return isfinite(v) ? 1 : wrong_type(p);
    }
    if (f->kind == F_ENTITIES || f->kind == F_COLUMNS || f->kind == F_RELS || f->kind == F_ENUMS)
        return element_wrong(p);
    return wrong_type(p);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    struct parser *p = ctx;
    int b = begin_value(p);
    if (memchr(s, '\0', len))
        return syntax(p, "strings must not contain \\u0000");
    if (b != 1)
        return b == 2;
    if (p->depth == 0)
        return shape(p, NULL, "is not an object");
    struct frame *f = top(p);
    const char **slot = string_slot(p);
    if (slot) {
        *slot = arena_strndup(p->a, (const char *)s, len);
        return 1;
    }
    if (f->kind == F_ENUMS) {
        struct erd_column *c = cur_column(p);
        c->enum_values = grow(p, c->enum_values, c->n_enum, &p->cap_enums, sizeof *c->enum_values);
        c->enum_values[c->n_enum++] = arena_strndup(p->a, (const char *)s, len);
        return 1;
    }
    if (f->kind == F_TOP && f->key == K_VERSION)
        return 1;
    if (f->kind == F_ENTITIES || f->kind == F_COLUMNS || f->kind == F_RELS)
        return element_wrong(p);
    return wrong_type(p);
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    struct parser *p = ctx;
    struct frame *f = top(p);
    const char *const *keys = keys_of(f->kind);
    f->key = -1;
    for (int i = 0; keys && keys[i] && len; i++) {
        if (keys[i][0] == key[0] && strncmp(keys[i], (const char *)key, len) == 0 &&
            keys[i][len] == '\0') {
            if (f->seen & (1u << i)) {
                buf_printf(p->err, "Invalid JSON: duplicate key \"%s\"", keys[i]);
                p->status = ERD_PARSE_SYNTAX;
                return 0;
            }
            f->seen |= 1u << i;
            f->key = i;
        }
    }
    return 1;
}

/* on_start_map: open the frame an object starts in the top frame (F_SKIP for unknown keys). */
static int on_start_map(void *ctx)
{
    struct parser *p = ctx;
    int b = begin_value(p);
    if (b == 2)
        return push(p, F_SKIP);
    if (p->depth == 0)
        return push(p, F_TOP);
    struct frame *f = top(p);
    switch (f->kind) {
    case F_TOP:
        if (f->key == K_UID)
            return push(p, F_SKIP);
        return f->key == K_VIEWPORT ? push(p, F_VIEWPORT) : wrong_type(p);
    case F_ENTITIES:
        return new_entity(p);
    case F_COLUMNS:
        return new_column(p);
    case F_RELS:
        return new_relationship(p);
    case F_ENUMS:
        return element_wrong(p);
    default:
        return wrong_type(p);
    }
}

static int on_start_array(void *ctx)
{
    struct parser *p = ctx;
    int b = begin_value(p);
    if (b == 2)
        return push(p, F_SKIP);
    if (p->depth == 0)
        return shape(p, NULL, "is not an object");
    struct frame *f = top(p);
    if (f->kind == F_TOP && f->key == K_ENTITIES) {
        p->seen_entities = true;
        return push(p, F_ENTITIES);
    }
    if (f->kind == F_TOP && f->key == K_RELS) {
        p->seen_rels = true;
        return push(p, F_RELS);
    }
    if (f->kind == F_TOP && f->key == K_UID)
        return push(p, F_SKIP);
    if (f->kind == F_ENTITY && f->key == KE_COLUMNS)
        return push(p, F_COLUMNS);
    if (f->kind == F_COLUMN && f->key == KC_ENUMS)
        return push(p, F_ENUMS);
    if (f->kind == F_ENTITIES || f->kind == F_COLUMNS || f->kind == F_RELS || f->kind == F_ENUMS)
        return element_wrong(p);
    return wrong_type(p);
}

/* on_end: close the top frame; the parent's pending key is consumed. */
static int on_end(void *ctx)
{
    struct parser *p = ctx;
    p->depth--;
    if (p->depth > 0 && keys_of(top(p)->kind))
        top(p)->key = -1;
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null, on_boolean, NULL, NULL, on_number, on_string,
    on_start_map, on_map_key, on_end, on_start_array, on_end,
};

/* yajl_failure: a yajl error (not ours) as a syntax message with its byte offset. */
static void yajl_failure(yajl_handle h, const char *text, size_t len, struct buf *err)
{
    unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)text, len);
    buf_printf(err, "Invalid JSON at byte %zu: %s", yajl_get_bytes_consumed(h),
               msg ? (const char *)msg : "syntax error");
    if (msg)
        yajl_free_error(h, msg);
}

/* hex4: the value of 4 hex digits at s (len bytes left), or -1. */
static long hex4(const char *s, size_t len)
{
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        char ch = i < len ? s[i] : '\0';
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* lone_surrogate: the offset of a \uD800–\uDFFF escape that is not half of a pair, or -1.
 * (Backslashes only occur inside strings in JSON, and each escapes the next character.) */
static long lone_surrogate(const char *text, size_t len)
{
    for (const char *p = memchr(text, '\\', len); p; ) {
        size_t at = (size_t)(p - text);
        if (at + 1 >= len)
            break;
        size_t next = at + 2;
        if (p[1] == 'u') {
            long u = hex4(p + 2, len - at - 2);
            next = at + 6;
            if (u >= 0xDC00 && u <= 0xDFFF)
                return (long)at;
            if (u >= 0xD800 && u <= 0xDBFF) {
                long lo = next + 1 < len && text[next] == '\\' && text[next + 1] == 'u'
                              ? hex4(text + next + 2, len - next - 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return (long)at;
                next += 6;
            }
        }
        p = next < len ? memchr(text + next, '\\', len - next) : NULL;
    }
    return -1;
}

int erd_doc_parse(struct arena *a, const char *text, size_t len, struct erd_doc *doc,
                  struct buf *err)
{
    long lone = lone_surrogate(text, len);
    if (lone >= 0) {
        memset(doc, 0, sizeof *doc);
        buf_printf(err, "model: a string holds a lone UTF-16 surrogate (\\u%.4s) at byte %ld",
                   text + lone + 2, lone);
        return ERD_PARSE_SHAPE;
    }
    struct parser *p = arena_alloc(a, sizeof *p);
    *p = (struct parser){.a = a, .doc = doc, .err = err};
    memset(doc, 0, sizeof *doc);
    yajl_handle h = yajl_alloc(&callbacks, NULL, p);
    yajl_config(h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st == yajl_status_error) {
        yajl_failure(h, text, len, err);
        p->status = ERD_PARSE_SYNTAX;
    }
    yajl_free(h);
    if (p->status == ERD_PARSE_OK && (!p->seen_entities || !p->seen_rels)) {
        buf_printf(err, "model: %s is missing or not an array",
                   p->seen_entities ? "relationships" : "entities");
        p->status = ERD_PARSE_SHAPE;
    }
    return p->status;
}

/* ---- writing ------------------------------------------------------------------------------ */

/* needs_escape[c]: 1 for bytes a JSON string cannot hold as they are. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

/* put_string: s as a JSON string, or null. */
static void put_string(struct buf *out, const char *s)
{
    if (!s) {
        buf_append(out, "null", 4);
        return;
    }
    buf_putc(out, '"');
    for (;;) {
        const char *run = s;
        while (!needs_escape[(unsigned char)*s])
            s++;
        buf_append(out, run, (size_t)(s - run));
        unsigned char c = (unsigned char)*s;
        if (c == '\0')
            break;
        if (c == '"' || c == '\\') {
            buf_putc(out, '\\');
            buf_putc(out, (char)c);
        } else if (c == '\n') {
            buf_append(out, "\\n", 2);
        } else if (c == '\t') {
            buf_append(out, "\\t", 2);
        } else if (c == '\r') {
            buf_append(out, "\\r", 2);
        } else {
            buf_printf(out, "\\u%04x", c);
        }
        s++;
    }
    buf_putc(out, '"');
}

/* put_number: the shortest text that reads back as v (0 for NaN and infinities). */
static void put_number(struct buf *out, double v)
{
    char num[32];
    if (!isfinite(v))
        v = 0;
    snprintf(num, sizeof num, "%.15g", v);
    if (strtod(num, NULL) != v)
        snprintf(num, sizeof num, "%.17g", v);
    buf_puts(out, num);
}

/* put_key: ,"key": — a macro so the key's length is known at compile time. */
#define put_key(out, key, first) \
    ((first) ? buf_append(out, "\"" key "\":", sizeof key + 2) \
             : buf_append(out, ",\"" key "\":", sizeof key + 3))

static void put_bool(struct buf *out, bool v)
{
    buf_puts(out, v ? "true" : "false");
}

static void write_column(const struct erd_column *c, struct buf *out)
{
    put_key(out, "id", true), put_string(out, c->id);
    put_key(out, "name", false), put_string(out, c->name);
    put_key(out, "type", false), put_string(out, c->type);
    put_key(out, "is_pk", false), put_bool(out, c->is_pk);
    put_key(out, "is_nullable", false), put_bool(out, c->is_nullable);
    put_key(out, "is_unique", false), put_bool(out, c->is_unique);
    put_key(out, "default", false), put_string(out, c->default_value);
    put_key(out, "comment", false), put_string(out, c->comment);
    put_key(out, "enum_values", false);
    buf_putc(out, '[');
    for (size_t k = 0; k < c->n_enum; k++) {
        if (k)
            buf_putc(out, ',');
        put_string(out, c->enum_values[k]);
    }
    buf_putc(out, ']');
}

static void write_entity(const struct erd_entity *e, struct buf *out)
{
    put_key(out, "id", true), put_string(out, e->id);
    put_key(out, "name", false), put_string(out, e->name);
    put_key(out, "x", false), put_number(out, e->x);
    put_key(out, "y", false), put_number(out, e->y);
    put_key(out, "color", false), put_string(out, e->color ? e->color : ERD_DEFAULT_COLOR);
    put_key(out, "comment", false), put_string(out, e->comment);
    put_key(out, "columns", false);
    buf_putc(out, '[');
    for (size_t j = 0; j < e->ncolumns; j++) {
        buf_append(out, j ? ",{" : "{", j ? 2 : 1);
        write_column(&e->columns[j], out);
        buf_putc(out, '}');
    }
    buf_putc(out, ']');
}

static void write_relationship(const struct erd_relationship *x, struct buf *out)
{
    const char *values[] = {x->id, x->source_entity_id, x->target_entity_id,
                            x->source_column_id, x->target_column_id, x->source_handle,
                            x->target_handle, x->type, x->label, x->on_delete, x->on_update,
                            x->constraint_name};
    for (size_t k = 0; rel_keys[k]; k++) {
        buf_append(out, k ? ",\"" : "\"", k ? 2 : 1);
        buf_puts(out, rel_keys[k]);
        buf_append(out, "\":", 2);
        put_string(out, values[k]);
    }
}

/* write_doc: the model JSON, compact; with_header adds uid and _version. */
static void write_doc(const struct erd_doc *doc, bool with_header, struct buf *out)
{
    static const double vp_default[ERD_VP_N] = {0, 0, 1};
    buf_putc(out, '{');
    if (with_header)
        put_key(out, "uid", true), put_string(out, doc->uid);
    put_key(out, "name", !with_header), put_string(out, doc->name);
    if (with_header)
        put_key(out, "_version", false), buf_printf(out, "%lld", doc->has_version ? doc->version : 0);
    put_key(out, "viewport", false);
    for (int k = 0; k < ERD_VP_N; k++) {
        buf_append(out, k ? ",\"" : "{\"", 2);
        buf_puts(out, vp_keys[k]);
        buf_append(out, "\":", 2);
        put_number(out, doc->has_viewport[k] ? doc->viewport[k] : vp_default[k]);
    }
    buf_putc(out, '}');
    put_key(out, "entities", false);
    buf_putc(out, '[');
    for (size_t i = 0; i < doc->nentities; i++) {
        buf_append(out, i ? ",{" : "{", i ? 2 : 1);
        write_entity(&doc->entities[i], out);
        buf_putc(out, '}');
    }
    buf_putc(out, ']');
    put_key(out, "relationships", false);
    buf_putc(out, '[');
    for (size_t k = 0; k < doc->nrelationships; k++) {
        buf_append(out, k ? ",{" : "{", k ? 2 : 1);
        write_relationship(&doc->relationships[k], out);
        buf_putc(out, '}');
    }
    buf_append(out, "]}", 2);
}

void erd_doc_write_json(const struct erd_doc *doc, struct buf *out)
{
    write_doc(doc, true, out);
}

/* indent: compact JSON text (no spaces outside strings) laid out as jansson's JSON_INDENT(2)
 * does — one member or element per line, "key": value, empty [] and {} kept on one line. */
static void indent(const char *s, size_t n, struct buf *out)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {                         /* a string, escapes and all */
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            buf_append(out, s + i, j + 1 - i);
            i = j;
        } else if ((c == '{' || c == '[') && i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) {
            buf_putc(out, c);
            buf_putc(out, s[++i]);
        } else if (c == '{' || c == '[' || c == ',') {
            depth += c != ',';
            buf_putc(out, c);
            buf_printf(out, "\n%*s", 2 * depth, "");
        } else if (c == '}' || c == ']') {
            depth--;
            buf_printf(out, "\n%*s%c", 2 * depth, "", c);
        } else if (c == ':') {
            buf_append(out, ": ", 2);
        } else {
            buf_putc(out, c);
        }
    }
}

void erd_doc_write_document(const struct erd_doc *doc, struct buf *out)
{
    struct buf compact = BUF_INIT;
    write_doc(doc, false, &compact);
    indent(compact.data, compact.len, out);
    buf_putc(out, '\n');
    buf_free(&compact);
}
