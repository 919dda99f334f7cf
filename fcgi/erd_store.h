/* erd_store.h — an ERD diagram in the database (diagrams + entities, columns, relationships,
 * ERD Builder Pro's tables) as an erd_doc: load it whole, save it whole.  Both run inside the
 * request's transaction, scoped to the signed-in user, with a fixed number of statements
 * whatever the size of the diagram. */
#ifndef CARD_ERD_STORE_H
#define CARD_ERD_STORE_H
#include "erd_doc.h"

struct buf;
struct db_step;
struct req;
typedef struct pg_result PGresult;

enum {
    ERD_STORE_OK = 0,
    ERD_STORE_NOT_FOUND = -1,   /* no such live diagram of this user */
    ERD_STORE_CONFLICT = -2,    /* the diagram changed since base_version */
    ERD_STORE_INVALID = -3,     /* the model cannot be stored (message given) */
    ERD_STORE_DB = -4,          /* a database error (answer page_db_error) */
};

/* erd_store_load: the signed-in user's live diagram uid (not deleted, not in a deleted
 * project) into *doc, every field filled (uid, name, _version, viewport, defaults applied);
 * its strings live in the request's results until the arena resets.  Four queries, one
 * round trip.  0, ERD_STORE_NOT_FOUND or ERD_STORE_DB. */
int erd_store_load(struct req *r, const char *uid, struct erd_doc *doc);

/* The same in a caller's own pipeline (db_pipeline): erd_store_load_steps fills st with the four
 * statements (uid: one parameter, living as long as st); erd_store_load_from reads their
 * results (all non-NULL).  Returns ERD_STORE_LOAD_STEPS; 0 or ERD_STORE_NOT_FOUND. */
#define ERD_STORE_LOAD_STEPS 4
int erd_store_load_steps(const char *const *uid, struct db_step *st);
int erd_store_load_from(struct req *r, PGresult *const out[ERD_STORE_LOAD_STEPS], struct erd_doc *doc);

/* erd_store_version: the live diagram's _version as text (one small query), for caches.
 * 0, ERD_STORE_NOT_FOUND or ERD_STORE_DB. */
int erd_store_version(struct req *r, const char *uid, const char **version);

/* What a save did, for its answer. */
struct erd_store_saved {
    struct erd_doc header;          /* uid, name, _version, viewport as stored (no children) */
    size_t tables_rewritten;        /* entities whose columns were compared and written */
};

/* erd_store_save: replace diagram uid's name (when doc has one), viewport (the parts given),
 * entities, columns and relationships by doc, provided the diagram is still at base_version.
 * doc is checked with erd_doc_check first; nothing is written unless everything is.  Returns
 *   0                   *saved filled (the new _version comes from the version trigger);
 *   ERD_STORE_INVALID   err names the item — also when an id is taken by another diagram
 *                       (rows may be written by then: the caller must roll back, as any
 *                       status >= 400 does);
 *   ERD_STORE_CONFLICT  *current = the stored model (nothing written);
 *   ERD_STORE_NOT_FOUND / ERD_STORE_DB. */
int erd_store_save(struct req *r, const char *uid, int base_version, const struct erd_doc *doc,
                   struct erd_store_saved *saved, struct erd_doc *current, struct buf *err);
#endif
