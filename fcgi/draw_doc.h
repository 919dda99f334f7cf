/* draw_doc.h — a drawing (drawings.data) in ERD Builder Pro's stored format: the JSON text
 * {"elements":[…], "appState":{…}, "files":{…}} its ExcalidrawEditor writes (Excalidraw 0.18
 * elements, the app state without collaborators, the binary-files map whose dataURLs are
 * stored URLs), or a bare element array (older data, read as {"elements": […]}).
 *
 * The reader checks the shape and the limits and keeps only what the SVG renderer draws; the
 * text itself is what gets stored (every field we do not read is kept byte for byte): a save
 * stores the "data" value exactly as sent, only a bare array is wrapped in the object form. */
#ifndef CARD_DRAW_DOC_H
#define CARD_DRAW_DOC_H
#include <stdbool.h>
#include <stddef.h>
struct arena;
struct buf;

#define DRAW_MAX_ELEMENTS 50000
#define DRAW_MAX_BYTES (10u * 1024u * 1024u)   /* the data text */

enum draw_type {
    DT_UNKNOWN, DT_RECTANGLE, DT_ELLIPSE, DT_DIAMOND, DT_LINE, DT_ARROW, DT_FREEDRAW, DT_TEXT,
    DT_IMAGE, DT_FRAME, DT_MAGICFRAME, DT_EMBEDDABLE, DT_IFRAME, DT_SELECTION
};

/* One element, as far as drawing it goes (strings NULL when absent or null). */
struct draw_el {
    enum draw_type type;
    const char *id, *stroke, *bg, *fill_style, *stroke_style, *text, *container_id, *file_id;
    const char *name, *start_head, *end_head, *text_align, *valign;
    double x, y, w, h, angle, stroke_width, opacity, font_size, line_height;
    int font_family;
    int roundness;      /* 0 sharp, else roundness.type (1 legacy, 2 proportional, 3 adaptive) */
    bool deleted, elbowed;
    double *pts;        /* x0, y0, x1, y1, … relative to (x, y) */
    size_t npts;        /* points (pairs) */
};

/* One entry of the files map. */
struct draw_file {
    const char *id, *data_url, *mime;
};

struct draw_doc {
    struct draw_el *els;
    size_t nels;
    struct draw_file *files;
    size_t nfiles;
    const char *view_bg;    /* appState.viewBackgroundColor, or NULL */
    bool bare_array;        /* the text was an element array (older data) */
};

enum {
    DRAW_OK = 0,
    DRAW_ERR_SYNTAX = -1,    /* not JSON */
    DRAW_ERR_SHAPE = -2,     /* JSON, but not a drawing (err names the item) */
    DRAW_ERR_TOO_BIG = -3,   /* the data text is over DRAW_MAX_BYTES */
};

/* Flags of draw_doc_parse / draw_put_parse. */
enum {
    DRAW_STRICT = 1 << 0,    /* a save: files' dataURLs must be /attachments/{uid} or http(s)
                                URLs (no inline data: images); stored data is read without it */
};

/* draw_doc_parse: read the drawing text[0..len) into *doc (arena memory).  DRAW_OK or an
 * error with a message in err ("elements[3].x: must be a number"). */
int draw_doc_parse(struct arena *a, const char *text, size_t len, unsigned flags,
                   struct draw_doc *doc, struct buf *err);

/* A save request {title, data, _version}. */
struct draw_put {
    const char *title;        /* NULL when absent or null */
    long long version;
    bool has_version;
    bool has_data;
    size_t data_off, data_len;   /* the "data" value's bytes in the body */
    struct draw_doc doc;
};

/* draw_put_parse: read a PUT body: title (string or null), _version (integer), data (the
 * drawing, read as draw_doc_parse does with flags); other keys are ignored.  DRAW_OK or an
 * error with err set (DRAW_ERR_TOO_BIG when data's text alone is over DRAW_MAX_BYTES). */
int draw_put_parse(struct arena *a, const char *body, size_t len, unsigned flags,
                   struct draw_put *put, struct buf *err);

/* draw_doc_write_text: the text to store or send for a drawing whose JSON text is
 * text[0..len) and which parsed as doc: the text itself, or for a bare array the object form
 * {"elements":<the array>,"appState":{},"files":{}}.  Appended to out. */
void draw_doc_write_text(const struct draw_doc *doc, const char *text, size_t len,
                         struct buf *out);

/* DRAW_EMPTY_JSON: the data of a drawing that has none. */
#define DRAW_EMPTY_JSON "{\"elements\":[],\"appState\":{},\"files\":{}}"

/* draw_attachment_url: url is "/attachments/<uid>" (the only image URL the renderer links). */
bool draw_attachment_url(const char *url);
#endif
