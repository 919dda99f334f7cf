/* flow_store.h — a flowchart row (flowcharts: title, data, _version) read and saved inside
 * the request's transaction; row-level security decides whose rows these are.  data is kept
 * as the JSON text the client sent, never re-serialised. */
#ifndef CARD_FLOW_STORE_H
#define CARD_FLOW_STORE_H
#include <stddef.h>
struct buf;
struct db_step;
struct req;
typedef struct pg_result PGresult;

enum {
    FLOW_STORE_OK = 0,
    FLOW_STORE_NOT_FOUND = -1,    /* no such live flowchart the user may see */
    FLOW_STORE_CONFLICT = -2,     /* it changed since the base version */
    FLOW_STORE_DB = -3,           /* a database error (answer page_db_error) */
};

struct flow_row {
    const char *uid, *title;
    const char *data;             /* the document's JSON text: ERD Builder Pro's default
                                     chart when the stored one is NULL, unreadable or empty */
    size_t data_len;
    long long version;
    const char *updated_at;       /* ISO 8601 UTC */
    const char *saved_by;         /* the last saver's name, "" when unknown (saved_by.h) */
};

/* flow_store_load: the live flowchart uid into *row (strings live until the arena resets).
 * FLOW_STORE_OK, FLOW_STORE_NOT_FOUND or FLOW_STORE_DB. */
int flow_store_load(struct req *r, const char *uid, struct flow_row *row);
/* The same in a caller's pipeline (db_pipeline): the statement (uid: one parameter, living as
 * long as st), then its result (NULL: FLOW_STORE_DB). */
void flow_store_load_step(const char *const *uid, struct db_step *st);
int flow_store_load_from(PGresult *res, struct flow_row *row);

/* flow_store_save: store data (checked JSON text) and title (NULL: keep) when the flowchart
 * is still at base_version; *saved gets the new row header (data not filled).  On
 * FLOW_STORE_CONFLICT *saved is the current row, data included; nothing was written. */
int flow_store_save(struct req *r, const char *uid, long long base_version, const char *title,
                    const char *data, struct flow_row *saved);

/* flow_store_row_json: {uid, title, data, _version, updated_at, updated_by_name} with data spliced in as
 * the stored JSON text (an arena string). */
const char *flow_store_row_json(struct req *r, const struct flow_row *row);

/* flow_store_svg: append svg_flow_render of row's data to out, from the render cache
 * (render_cache.h, by a digest of the text) when the same text was drawn before; *nodes and
 * *edges (when not NULL) get its counts.  0, or -1 when the text is no flowchart (nothing
 * appended, counts 0). */
int flow_store_svg(struct req *r, const struct flow_row *row, struct buf *out, size_t *nodes,
                   size_t *edges);

/* flow_store_thumb: the file-kind thumbnail function (files.h): flowchart uid's thumbnail
 * SVG (svg_flow_thumb_render) as an arena string, or "" when it has none. */
const char *flow_store_thumb(struct req *r, const char *uid, const char *version);
#endif
