/* erd_store.h — an ERD diagram in the database (diagrams + entities, columns, relationships,
 * ERD Builder Pro's tables) as the model JSON of erd_model.h: load it whole, save it whole.
 * Both run inside the request's transaction, scoped to the signed-in user, with a fixed number
 * of statements whatever the size of the diagram. */
#ifndef CARD_ERD_STORE_H
#define CARD_ERD_STORE_H
#include <jansson.h>

struct req;

enum {
    ERD_STORE_OK = 0,
    ERD_STORE_NOT_FOUND = -1,   /* no such live diagram of this user */
    ERD_STORE_CONFLICT = -2,    /* the diagram changed since base_version */
    ERD_STORE_INVALID = -3,     /* the model cannot be stored (message given) */
    ERD_STORE_DB = -4,          /* a database error (answer page_db_error) */
};

/* erd_store_load: the signed-in user's live diagram uid (not deleted, not in a deleted
 * project) as a new model {uid, name, _version, viewport, entities, relationships} in *model
 * (a new reference the caller owns).  Four queries.  0, ERD_STORE_NOT_FOUND or ERD_STORE_DB;
 * *model is NULL on failure. */
int erd_store_load(struct req *r, const char *uid, json_t **model);

/* erd_store_load_text: the same model as JSON text, built by PostgreSQL in one query (no
 * per-row work in the worker), with its name and _version from the same snapshot (name and
 * version may be NULL when not wanted).  Strings live until the request's arena resets.
 * 0, ERD_STORE_NOT_FOUND or ERD_STORE_DB. */
int erd_store_load_text(struct req *r, const char *uid, const char **text, const char **name,
                        const char **version);

/* erd_store_save: replace diagram uid's name (when model has one), viewport (when given),
 * entities, columns and relationships by model, provided the diagram is still at
 * base_version.  The model is checked with erd_validate first; nothing is written unless
 * everything is.  On return:
 *   0                   *saved = the model as stored (as erd_store_load would read it back,
 *                       built from the input; new _version);
 *   ERD_STORE_INVALID   *saved = {"error":"invalid","message":"… naming the item"} — also
 *                       when an id is already taken by another diagram (some rows may be
 *                       written by then: the caller must roll back, as any status >= 400 does);
 *   ERD_STORE_CONFLICT  *saved = the current model (nothing written);
 *   ERD_STORE_NOT_FOUND / ERD_STORE_DB  *saved = NULL.
 * *saved is a new reference the caller owns.  The version trigger bumps _version. */
int erd_store_save(struct req *r, const char *uid, int base_version, const json_t *model,
                   json_t **saved);
#endif
