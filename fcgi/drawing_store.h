/* drawing_store.h — a drawing's row: load it (with its data as the text the API sends: the
 * object form, an empty drawing for NULL or '') and save new data with optimistic locking on
 * _version.  Row-level security decides whose rows a request sees. */
#ifndef CARD_DRAWING_STORE_H
#define CARD_DRAWING_STORE_H
#include <stddef.h>
#include "draw_doc.h"
struct req;
struct buf;
struct db_step;
typedef struct pg_result PGresult;

enum {
    DRAWING_OK = 0,
    DRAWING_NOT_FOUND = -1,   /* no such live drawing for this user */
    DRAWING_DB = -2,          /* the query failed */
    DRAWING_CONFLICT = -3,    /* the stored _version is not the one the save started from */
};

struct drawing_row {
    const char *uid, *title;
    const char *data;          /* the data as sent to clients (object form), NUL-terminated */
    size_t data_len;
    struct draw_doc doc;       /* data, read: only after drawing_doc (drawing_load reads it
                                  only when the render cache has not seen this text) */
    int parsed;                /* doc holds the data */
    const char *stored;        /* the stored text (NULL for none) and its render-cache */
    size_t stored_len;         /* digest (render_cache.h), set when it was readable */
    const char *digest;
    int unreadable;            /* the stored text was no drawing: data is the empty one */
    long long version;
    double updated;            /* epoch seconds */
    const char *project_uid, *project_name;   /* "" when it has no project */
    const char *saved_by;      /* the last saver's name, "" when unknown (saved_by.h) */
};

/* drawing_load: the user's live drawing uid into *row (arena memory).  DRAWING_OK,
 * DRAWING_NOT_FOUND or DRAWING_DB. */
int drawing_load(struct req *r, const char *uid, struct drawing_row *row);
/* The same in a caller's pipeline (db_pipeline): the statement (uid: one parameter, living as
 * long as st), then its result (NULL: DRAWING_DB). */
void drawing_load_step(const char *const *uid, struct db_step *st);
int drawing_load_from(struct req *r, PGresult *res, struct drawing_row *row);

/* drawing_doc: row's data read (the empty drawing when it was unreadable). */
const struct draw_doc *drawing_doc(struct req *r, struct drawing_row *row);

/* drawing_svg: append svg_draw_render of row's data with id_prefix to out, from the render
 * cache when the same stored text was drawn with that prefix before. */
void drawing_svg(struct req *r, struct drawing_row *row, const char *id_prefix, struct buf *out);

/* drawing_save: store data[0..len) (already checked; its object form) and title (NULL: keep)
 * as the version after base.  On DRAWING_OK *saved has the new uid, title, version and time
 * (no data); on DRAWING_CONFLICT *current is the stored drawing, loaded whole. */
int drawing_save(struct req *r, const char *uid, long long base, const char *data, size_t len,
                 const char *title, struct drawing_row *saved, struct drawing_row *current);

/* drawing_json: {"uid","title","data","_version","updated_at","updated_by_name"} — the GET document — into out. */
void drawing_json(struct req *r, const struct drawing_row *row, struct buf *out);
#endif
