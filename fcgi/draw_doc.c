/* draw_doc.c — reading a drawing's JSON text (see draw_doc.h).
 *
 * yajl's event parser with a frame stack, as erd_doc_json.c does: every event is checked
 * where it lands and the few fields the renderer draws are copied into the arena; everything
 * else (seeds, versions, bindings, groupIds, app state) is only checked to be JSON, since the
 * text is stored as it came.  A save body {title, data, _version} goes through the same
 * parser, which notes where the "data" value starts and ends so exactly those bytes are
 * stored. */
#include "draw_doc.h"
#include "arena.h"
#include "buf.h"
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_parse.h>

#define MAX_DEPTH 128
#define NAME_SHOWN 40   /* bytes of a files key an error message quotes */

enum frame_kind {
    F_PUT, F_DOC, F_ELEMENTS, F_EL, F_ROUND, F_POINTS, F_POINT, F_APPSTATE, F_FILES, F_FILE,
    F_SKIP
};

/* Element fields the renderer reads: key, kind of value, where it goes.  Sorted by key
 * (bsearch); anything else is kept in the text and not looked at. */
enum field_kind { FK_STR, FK_NUM, FK_INT, FK_BOOL, FK_TYPE, FK_ROUND, FK_POINTS };
struct field {
    const char *key;
    enum field_kind kind;
    size_t off;
};
#define EL(f) offsetof(struct draw_el, f)
static const struct field el_fields[] = {
    {"angle", FK_NUM, EL(angle)},
    {"backgroundColor", FK_STR, EL(bg)},
    {"containerId", FK_STR, EL(container_id)},
    {"elbowed", FK_BOOL, EL(elbowed)},
    {"endArrowhead", FK_STR, EL(end_head)},
    {"fileId", FK_STR, EL(file_id)},
    {"fillStyle", FK_STR, EL(fill_style)},
    {"fontFamily", FK_INT, EL(font_family)},
    {"fontSize", FK_NUM, EL(font_size)},
    {"height", FK_NUM, EL(h)},
    {"id", FK_STR, EL(id)},
    {"isDeleted", FK_BOOL, EL(deleted)},
    {"lineHeight", FK_NUM, EL(line_height)},
    {"name", FK_STR, EL(name)},
    {"opacity", FK_NUM, EL(opacity)},
    {"points", FK_POINTS, 0},
    {"roundness", FK_ROUND, 0},
    {"startArrowhead", FK_STR, EL(start_head)},
    {"strokeColor", FK_STR, EL(stroke)},
    {"strokeStyle", FK_STR, EL(stroke_style)},
    {"strokeWidth", FK_NUM, EL(stroke_width)},
    {"text", FK_STR, EL(text)},
    {"textAlign", FK_STR, EL(text_align)},
    {"type", FK_TYPE, 0},
    {"verticalAlign", FK_STR, EL(valign)},
    {"width", FK_NUM, EL(w)},
    {"x", FK_NUM, EL(x)},
    {"y", FK_NUM, EL(y)},
};
#define N_EL_FIELDS (sizeof el_fields / sizeof el_fields[0])

static const struct { const char *name; enum draw_type type; } type_names[] = {
    {"rectangle", DT_RECTANGLE}, {"ellipse", DT_ELLIPSE}, {"diamond", DT_DIAMOND},
    {"line", DT_LINE}, {"arrow", DT_ARROW}, {"freedraw", DT_FREEDRAW}, {"text", DT_TEXT},
    {"image", DT_IMAGE}, {"frame", DT_FRAME}, {"magicframe", DT_MAGICFRAME},
    {"embeddable", DT_EMBEDDABLE}, {"iframe", DT_IFRAME}, {"selection", DT_SELECTION},
};

/* Keys of the other objects we read (index = bit in the frame's seen mask). */
enum { KD_ELEMENTS, KD_APPSTATE, KD_FILES };
static const char *const doc_keys[] = {"elements", "appState", "files", NULL};
enum { KP_TITLE, KP_VERSION, KP_DATA };
static const char *const put_keys[] = {"title", "_version", "data", NULL};
enum { KF_DATAURL, KF_MIME, KF_ID };
static const char *const file_keys[] = {"dataURL", "mimeType", "id", NULL};
enum { KA_VIEWBG };
static const char *const app_keys[] = {"viewBackgroundColor", NULL};
enum { KR_TYPE };
static const char *const round_keys[] = {"type", NULL};

struct frame {
    enum frame_kind kind;
    int key;                    /* pending key: index in the frame's table, -1 unknown */
    unsigned seen;
    const struct field *field;  /* F_EL: the pending key's field, or NULL */
    int n;                      /* F_POINT: numbers read */
};

struct parser {
    struct arena *a;
    struct draw_doc *doc;
    struct draw_put *put;       /* NULL when reading a bare drawing */
    struct buf *err;
    yajl_handle h;
    unsigned flags;
    int status;
    struct frame stack[MAX_DEPTH + 1];
    int depth;
    int data_depth;             /* the depth of the data value's frame (put), 0 before it */
    size_t cap_els, cap_pts, cap_files;
    const char *file_key;       /* the files entry being read */
};

static struct frame *top(struct parser *p)
{
    return &p->stack[p->depth - 1];
}

static struct draw_el *cur_el(struct parser *p)
{
    return &p->doc->els[p->doc->nels - 1];
}

static struct draw_file *cur_file(struct parser *p)
{
    return &p->doc->files[p->doc->nfiles - 1];
}

static const char *const *keys_of(enum frame_kind k)
{
    switch (k) {
    case F_PUT: return put_keys;
    case F_DOC: return doc_keys;
    case F_FILE: return file_keys;
    case F_APPSTATE: return app_keys;
    case F_ROUND: return round_keys;
    default: return NULL;
    }
}

/* where: the item being read, for messages ("elements[3]", "files.abc", "drawing"). */
static void where(struct parser *p, struct buf *out)
{
    for (int i = p->depth - 1; i >= 0; i--) {
        enum frame_kind k = p->stack[i].kind;
        if (k == F_EL || k == F_ROUND || k == F_POINTS || k == F_POINT) {
            buf_printf(out, "elements[%zu]", p->doc->nels - 1);
            if (k == F_ROUND)
                buf_puts(out, ".roundness");
            else if (k == F_POINTS || k == F_POINT)
                buf_printf(out, ".points[%zu]", cur_el(p)->npts - (k == F_POINT ? 1 : 0));
            return;
        }
        if (k == F_ELEMENTS) {
            buf_printf(out, "elements[%zu]", p->doc->nels);
            return;
        }
        if (k == F_FILE || k == F_FILES) {
            buf_puts(out, "files");
            if (k == F_FILE)
                buf_printf(out, ".%.*s", NAME_SHOWN, p->file_key);
            return;
        }
        if (k == F_APPSTATE) {
            buf_puts(out, "appState");
            return;
        }
        if (k == F_DOC) {
            buf_puts(out, "drawing");
            return;
        }
    }
    buf_puts(out, p->put ? "body" : "drawing");
}

/* shape: the current item (and key) is wrong; stops the parse. */
static int shape(struct parser *p, const char *key, const char *what)
{
    where(p, p->err);
    buf_printf(p->err, "%s%s: %s", key ? "." : "", key ? key : "", what);
    p->status = DRAW_ERR_SHAPE;
    return 0;
}

static int push(struct parser *p, enum frame_kind kind)
{
    if (p->depth >= MAX_DEPTH) {
        buf_puts(p->err, "drawing: nested too deeply");
        p->status = DRAW_ERR_SHAPE;
        return 0;
    }
    p->stack[p->depth++] = (struct frame){.kind = kind, .key = -1};
    return 1;
}

/* grow: make room for one more item of size sz in *arr (count n, capacity *cap). */
static void *grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *bigger = arena_alloc(a, ncap * sz);
    if (n)
        memcpy(bigger, arr, n * sz);
    *cap = ncap;
    return bigger;
}

static int field_cmp(const void *k, const void *f)
{
    const struct field *key = k, *fl = f;
    return strcmp(key->key, fl->key);
}

/* The frame's pending key name, for messages. */
static const char *pending_name(const struct frame *f)
{
    if (f->kind == F_EL)
        return f->field ? f->field->key : NULL;
    const char *const *keys = keys_of(f->kind);
    return keys && f->key >= 0 ? keys[f->key] : NULL;
}

/* ---- values ---------------------------------------------------------------------------- */

/* value_frame: the frame a value lands in (NULL at the top level). */
static struct frame *value_frame(struct parser *p)
{
    return p->depth ? top(p) : NULL;
}

static int on_null(void *ctx)
{
    struct parser *p = ctx;
    struct frame *f = value_frame(p);
    if (!f)
        return shape(p, NULL, "must be an object or an array of elements");
    switch (f->kind) {
    case F_ELEMENTS: return shape(p, NULL, "must be an object");
    case F_POINTS: return shape(p, NULL, "must be a pair of numbers");
    case F_POINT: return shape(p, NULL, "must hold numbers");
    case F_EL:
        if (f->field && (f->field->kind == FK_TYPE || f->field->kind == FK_NUM ||
                         f->field->kind == FK_INT || f->field->kind == FK_POINTS))
            return shape(p, f->field->key, "must not be null");
        return 1;
    case F_FILES: return shape(p, NULL, "an entry must be an object");
    case F_FILE:
        if (f->key == KF_DATAURL)
            return shape(p, "dataURL", "must be a string");
        return 1;
    case F_PUT:
        if (f->key == KP_VERSION)
            return shape(p, "_version", "must be an integer");
        if (f->key == KP_DATA)
            return shape(p, "data", "must be an object or an array of elements");
        return 1;
    default: return 1;   /* appState, files and roundness keys may be null */
    }
}

static int on_boolean(void *ctx, int v)
{
    struct parser *p = ctx;
    struct frame *f = value_frame(p);
    if (!f)
        return shape(p, NULL, "must be an object or an array of elements");
    if (f->kind == F_EL && f->field) {
        if (f->field->kind != FK_BOOL)
            return shape(p, f->field->key, "has the wrong type");
        *(bool *)((char *)cur_el(p) + f->field->off) = v != 0;
        return 1;
    }
    if (f->kind == F_ELEMENTS || f->kind == F_POINTS || f->kind == F_POINT || f->kind == F_FILES ||
        (f->kind == F_FILE && f->key >= 0) || (f->kind == F_PUT && f->key >= 0) ||
        (f->kind == F_DOC && f->key >= 0) || (f->kind == F_APPSTATE && f->key >= 0) ||
        (f->kind == F_ROUND && f->key >= 0))
        return shape(p, pending_name(f), "has the wrong type");
    return 1;
}

/* number: the JSON number text as a double; finite, else an error. */
static int number(struct parser *p, const char *s, size_t len, double *out, const char *key)
{
    char tmp[64];
    char *copy = len < sizeof tmp ? tmp : arena_alloc(p->a, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    *out = strtod(copy, NULL);
    if (!isfinite(*out))
        return shape(p, key, "must be a finite number");
    return 1;
}

static int on_number(void *ctx, const char *s, size_t len)
{
    struct parser *p = ctx;
    struct frame *f = value_frame(p);
    double v;
    if (!f)
        return shape(p, NULL, "must be an object or an array of elements");
    switch (f->kind) {
    case F_EL:
        if (!f->field)
            return 1;
        if (f->field->kind != FK_NUM && f->field->kind != FK_INT)
            return shape(p, f->field->key, "has the wrong type");
        if (!number(p, s, len, &v, f->field->key))
            return 0;
        if (f->field->kind == FK_INT)
            *(int *)((char *)cur_el(p) + f->field->off) = fabs(v) < 1e6 ? (int)v : 0;
        else
            *(double *)((char *)cur_el(p) + f->field->off) = v;
        return 1;
    case F_POINT: {
        struct draw_el *e = cur_el(p);
        if (f->n >= 2)
            return shape(p, NULL, "must be a pair of numbers");
        if (!number(p, s, len, &v, NULL))
            return 0;
        e->pts[(e->npts - 1) * 2 + (size_t)f->n++] = v;
        return 1;
    }
    case F_PUT:
        if (f->key == KP_VERSION) {
            if (memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len) || len > 18)
                return shape(p, "_version", "must be an integer");
            p->put->version = strtoll(s, NULL, 10);
            p->put->has_version = true;
            return 1;
        }
        return f->key >= 0 ? shape(p, pending_name(f), "has the wrong type") : 1;
    case F_ROUND:
        if (f->key == KR_TYPE) {
            if (!number(p, s, len, &v, "type"))
                return 0;
            cur_el(p)->roundness = v >= 1 && v <= 3 ? (int)v : 2;
        }
        return 1;
    case F_SKIP:
        return 1;
    case F_APPSTATE:
    case F_FILE:
        return f->key >= 0 ? shape(p, pending_name(f), "must be a string") : 1;
    case F_DOC:
        return f->key >= 0 ? shape(p, pending_name(f), "has the wrong type") : 1;
    case F_ELEMENTS: return shape(p, NULL, "must be an object");
    case F_POINTS: return shape(p, NULL, "must be a pair of numbers");
    case F_FILES: return shape(p, NULL, "an entry must be an object");
    }
    return 1;
}

static enum draw_type type_of(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (strlen(type_names[i].name) == len && memcmp(type_names[i].name, s, len) == 0)
            return type_names[i].type;
    return DT_UNKNOWN;
}

/* starts_with_ci: s[0..len) begins with prefix, ignoring ASCII case. */
static bool starts_with_ci(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

/* check_url: a files entry's dataURL in a save; 1, or 0 after the error. */
static int check_url(struct parser *p, const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        len--;
    }
    if (starts_with_ci(s, len, "data:"))
        return shape(p, "dataURL", "inline data: images are not stored; upload the image "
                     "(POST /api/drawings/{uid}/attachments) and use its /attachments/… URL");
    char *url = arena_strndup(p->a, s, len);
    if (!draw_attachment_url(url) && !starts_with_ci(s, len, "https://") &&
        !starts_with_ci(s, len, "http://"))
        return shape(p, "dataURL", "must be an /attachments/… URL (or an http(s) URL)");
    return 1;
}

static int on_string(void *ctx, const unsigned char *us, size_t len)
{
    struct parser *p = ctx;
    const char *s = (const char *)us;
    struct frame *f = value_frame(p);
    if (!f)
        return shape(p, NULL, "must be an object or an array of elements");
    switch (f->kind) {
    case F_EL:
        if (!f->field)
            return 1;
        if (f->field->kind == FK_TYPE) {
            cur_el(p)->type = type_of(s, len);
            f->seen |= 1;
            return 1;
        }
        if (f->field->kind != FK_STR)
            return shape(p, f->field->key, "has the wrong type");
        *(const char **)((char *)cur_el(p) + f->field->off) = arena_strndup(p->a, s, len);
        return 1;
    case F_FILE:
        if (f->key == KF_DATAURL) {
            if ((p->flags & DRAW_STRICT) && !check_url(p, s, len))
                return 0;
            cur_file(p)->data_url = arena_strndup(p->a, s, len);
            f->seen |= 1u << KF_DATAURL;
        } else if (f->key == KF_MIME) {
            cur_file(p)->mime = arena_strndup(p->a, s, len);
        } else if (f->key == KF_ID) {
            cur_file(p)->id = arena_strndup(p->a, s, len);
        }
        return 1;
    case F_APPSTATE:
        if (f->key == KA_VIEWBG)
            p->doc->view_bg = arena_strndup(p->a, s, len);
        return 1;
    case F_PUT:
        if (f->key == KP_TITLE)
            p->put->title = arena_strndup(p->a, s, len);
        else if (f->key >= 0)
            return shape(p, pending_name(f), f->key == KP_VERSION ? "must be an integer"
                                                 : "must be an object or an array of elements");
        return 1;
    case F_DOC:
        return f->key >= 0 ? shape(p, pending_name(f), "has the wrong type") : 1;
    case F_ROUND:
        return f->key >= 0 ? shape(p, "type", "must be a number") : 1;
    case F_ELEMENTS: return shape(p, NULL, "must be an object");
    case F_POINTS: return shape(p, NULL, "must be a pair of numbers");
    case F_POINT: return shape(p, NULL, "must hold numbers");
    case F_FILES: return shape(p, NULL, "an entry must be an object");
    case F_SKIP: return 1;
    }
    return 1;
}

/* ---- containers ------------------------------------------------------------------------ */

static void data_begins(struct parser *p)
{
    p->put->has_data = true;
    p->put->data_off = yajl_get_bytes_consumed(p->h) - 1;
    p->data_depth = p->depth + 1;
}

static int new_element(struct parser *p)
{
    struct draw_doc *d = p->doc;
    if (d->nels >= DRAW_MAX_ELEMENTS) {
        buf_printf(p->err, "elements: more than %d elements", DRAW_MAX_ELEMENTS);
        p->status = DRAW_ERR_SHAPE;
        return 0;
    }
    d->els = grow(p->a, d->els, d->nels, &p->cap_els, sizeof *d->els);
    struct draw_el *e = &d->els[d->nels++];
    memset(e, 0, sizeof *e);
    e->opacity = 100;
    e->stroke_width = 1;
    e->font_size = 20;
    e->line_height = 1.25;
    e->font_family = 1;
    p->cap_pts = 0;
    return push(p, F_EL);
}

static int on_start_map(void *ctx)
{
    struct parser *p = ctx;
    struct frame *f = value_frame(p);
    if (!f) {
        if (p->put)
            return push(p, F_PUT);
        return push(p, F_DOC);
    }
    switch (f->kind) {
    case F_PUT:
        if (f->key == KP_DATA) {
            data_begins(p);
            return push(p, F_DOC);
        }
        if (f->key >= 0)
            return shape(p, pending_name(f), "has the wrong type");
        return push(p, F_SKIP);
    case F_DOC:
        if (f->key == KD_APPSTATE)
            return push(p, F_APPSTATE);
        if (f->key == KD_FILES)
            return push(p, F_FILES);
        if (f->key == KD_ELEMENTS)
            return shape(p, "elements", "must be an array");
        return push(p, F_SKIP);
    case F_ELEMENTS:
        return new_element(p);
    case F_EL:
        if (f->field && f->field->kind == FK_ROUND) {
            cur_el(p)->roundness = 2;
            return push(p, F_ROUND);
        }
        if (f->field)
            return shape(p, f->field->key, "has the wrong type");
        return push(p, F_SKIP);
    case F_FILES: {
        struct draw_doc *d = p->doc;
        d->files = grow(p->a, d->files, d->nfiles, &p->cap_files, sizeof *d->files);
        struct draw_file *file = &d->files[d->nfiles++];
        memset(file, 0, sizeof *file);
        file->id = p->file_key;
        return push(p, F_FILE);
    }
    case F_POINTS: return shape(p, NULL, "must be a pair of numbers");
    case F_POINT: return shape(p, NULL, "must hold numbers");
    case F_FILE:
    case F_APPSTATE:
    case F_ROUND:
        if (f->key >= 0)
            return shape(p, pending_name(f), "has the wrong type");
        return push(p, F_SKIP);
    case F_SKIP: return push(p, F_SKIP);
    }
    return 1;
}

static int on_start_array(void *ctx)
{
    struct parser *p = ctx;
    struct frame *f = value_frame(p);
    if (!f) {
        if (p->put)
            return shape(p, NULL, "must be an object {title, data, _version}");
        p->doc->bare_array = true;
        return push(p, F_ELEMENTS);
    }
    switch (f->kind) {
    case F_PUT:
        if (f->key == KP_DATA) {
            data_begins(p);
            p->doc->bare_array = true;
            return push(p, F_ELEMENTS);
        }
        if (f->key >= 0)
            return shape(p, pending_name(f), "has the wrong type");
        return push(p, F_SKIP);
    case F_DOC:
        if (f->key == KD_ELEMENTS) {
            f->seen |= 1u << KD_ELEMENTS;
            return push(p, F_ELEMENTS);
        }
        if (f->key >= 0)
            return shape(p, pending_name(f), "must be an object");
        return push(p, F_SKIP);
    case F_ELEMENTS: return shape(p, NULL, "must be an object");
    case F_EL:
        if (f->field && f->field->kind == FK_POINTS) {
            cur_el(p)->npts = 0;   /* a repeated key: the last one counts */
            return push(p, F_POINTS);
        }
        if (f->field)
            return shape(p, f->field->key, "has the wrong type");
        return push(p, F_SKIP);
    case F_POINTS: {
        struct draw_el *e = cur_el(p);
        if (e->npts * 2 + 2 > p->cap_pts) {
            size_t ncap = p->cap_pts ? p->cap_pts * 2 : 32;
            double *bigger = arena_alloc(p->a, ncap * sizeof *bigger);
            if (e->npts)
                memcpy(bigger, e->pts, e->npts * 2 * sizeof *bigger);
            e->pts = bigger;
            p->cap_pts = ncap;
        }
        e->npts++;
        return push(p, F_POINT);
    }
    case F_POINT: return shape(p, NULL, "must hold numbers");
    case F_FILES: return shape(p, NULL, "an entry must be an object");
    case F_FILE:
    case F_APPSTATE:
    case F_ROUND:
        if (f->key >= 0)
            return shape(p, pending_name(f), "has the wrong type");
        return push(p, F_SKIP);
    case F_SKIP: return push(p, F_SKIP);
    }
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    struct parser *p = ctx;
    struct frame *f = top(p);
    if (f->kind == F_EL) {
        char tmp[32];
        f->field = NULL;
        if (len < sizeof tmp) {
            memcpy(tmp, key, len);
            tmp[len] = '\0';
            struct field k = {tmp, FK_STR, 0};
            f->field = bsearch(&k, el_fields, N_EL_FIELDS, sizeof el_fields[0], field_cmp);
        }
        return 1;
    }
    if (f->kind == F_FILES) {
        p->file_key = arena_strndup(p->a, (const char *)key, len);
        return 1;
    }
    const char *const *keys = keys_of(f->kind);
    f->key = -1;
    for (int i = 0; keys && keys[i]; i++)
        if (strlen(keys[i]) == len && memcmp(keys[i], key, len) == 0) {
            if (f->kind == F_DOC && (f->seen & (1u << i)))
                return shape(p, keys[i], "appears twice");
            f->key = i;
            if (f->kind == F_DOC)
                f->seen |= 1u << i;
            break;
        }
    return 1;
}

/* finish_frame: checks when an object or array closes. */
static int finish_frame(struct parser *p, struct frame *f)
{
    switch (f->kind) {
    case F_EL:
        if (!(f->seen & 1))
            return shape(p, "type", "is missing");
        return 1;
    case F_POINT:
        if (f->n != 2)
            return shape(p, NULL, "must be a pair of numbers");
        return 1;
    case F_FILE:
        if (!(f->seen & (1u << KF_DATAURL)))
            return shape(p, "dataURL", "is missing");
        return 1;
    case F_DOC:
        if (!(f->seen & (1u << KD_ELEMENTS)))
            return shape(p, "elements", "is missing");
        return 1;
    default:
        return 1;
    }
}

static int on_end(void *ctx)
{
    struct parser *p = ctx;
    if (!finish_frame(p, top(p)))
        return 0;
    if (p->put && p->depth == p->data_depth) {
        p->put->data_len = yajl_get_bytes_consumed(p->h) - p->put->data_off;
        p->data_depth = 0;
    }
    p->depth--;
    if (p->depth > 0) {
        top(p)->key = -1;
        top(p)->field = NULL;
    }
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null, on_boolean, NULL, NULL, on_number, on_string,
    on_start_map, on_map_key, on_end, on_start_array, on_end,
};

/* run: parse text with p set up; the status. */
static int run(struct parser *p, const char *text, size_t len)
{
    p->h = yajl_alloc(&callbacks, NULL, p);
    /* Request bodies are checked as UTF-8 by the dispatcher and database text is UTF-8; the
     * renderer drops broken sequences anyway.  (Saves a pass over every string.) */
    yajl_config(p->h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(p->h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(p->h);
    if (st == yajl_status_error && p->status == DRAW_OK) {
        unsigned char *msg = yajl_get_error(p->h, 0, (const unsigned char *)text, len);
        buf_printf(p->err, "Invalid JSON at byte %zu: %s", yajl_get_bytes_consumed(p->h),
                   msg ? (const char *)msg : "syntax error");
        if (msg)
            yajl_free_error(p->h, msg);
        p->status = DRAW_ERR_SYNTAX;
    }
    yajl_free(p->h);
    return p->status;
}

int draw_doc_parse(struct arena *a, const char *text, size_t len, unsigned flags,
                   struct draw_doc *doc, struct buf *err)
{
    memset(doc, 0, sizeof *doc);
    if (len > DRAW_MAX_BYTES) {
        buf_printf(err, "drawing: larger than %u bytes", DRAW_MAX_BYTES);
        return DRAW_ERR_TOO_BIG;
    }
    struct parser *p = arena_alloc(a, sizeof *p);
    *p = (struct parser){.a = a, .doc = doc, .err = err, .flags = flags};
    return run(p, text, len);
}

int draw_put_parse(struct arena *a, const char *body, size_t len, unsigned flags,
                   struct draw_put *put, struct buf *err)
{
    memset(put, 0, sizeof *put);
    struct parser *p = arena_alloc(a, sizeof *p);
    *p = (struct parser){.a = a, .doc = &put->doc, .put = put, .err = err, .flags = flags};
    int rc = run(p, body, len);
    if (rc == DRAW_OK && put->data_len > DRAW_MAX_BYTES) {
        buf_printf(err, "data: larger than %u bytes", DRAW_MAX_BYTES);
        return DRAW_ERR_TOO_BIG;
    }
    return rc;
}

void draw_doc_write_text(const struct draw_doc *doc, const char *text, size_t len,
                         struct buf *out)
{
    if (!doc->bare_array) {
        buf_append(out, text, len);
        return;
    }
    buf_puts(out, "{\"elements\":");
    buf_append(out, text, len);
    buf_puts(out, ",\"appState\":{},\"files\":{}}");
}

bool draw_attachment_url(const char *url)
{
    static const char prefix[] = "/attachments/";
    if (!url || strncmp(url, prefix, sizeof prefix - 1) != 0)
        return false;
    const char *uid = url + sizeof prefix - 1;
    size_t n = strlen(uid);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = uid[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}
