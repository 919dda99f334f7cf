/* share.h — public share links (issue 11): the token's shape, the expiry time a user types,
 * switching a file's link on, off or to a new token, the link's state for the share dialog,
 * and the kinds' public renderers (the FILE_PUBLIC_<kind> slots of files.h). */
#ifndef CARD_SHARE_H
#define CARD_SHARE_H
#include "files.h"
#include <jansson.h>
struct req;
struct buf;

/* SHARE_TOKEN_LEN: a token is 32 random bytes (libsodium's randombytes_buf) in base64url
 * without padding. */
#define SHARE_TOKEN_LEN 43

/* share_token_valid: s has the shape of a token (43 characters of [A-Za-z0-9_-]); anything
 * else cannot name a file, so it is answered 404 without a query. */
int share_token_valid(const char *s);
/* share_time_parse: an ISO-8601 time with an explicit zone — "2026-12-31T23:59Z",
 * "2026-12-31T23:59:30.5+02:00", "2026-12-31 23:59-0500" (seconds optional, 'T' or a space,
 * 'Z'/'z' or ±HH:MM / ±HHMM) — into seconds since the epoch (fraction dropped).  0, or -1
 * when s is anything else (no zone, out-of-range fields, years outside 1970–9999). */
int share_time_parse(const char *s, double *epoch);

/* What a file's link is now. */
struct share_state {
    int is_public;
    const char *token;          /* NULL: no link */
    int has_expiry;
    double expiry;              /* epoch seconds, when has_expiry */
    int expired;
};

enum { SHARE_SET_NOT_FOUND = -1, SHARE_SET_DB = -2 };

/* SHARE_STATE_SQL(f): the four columns share_state_read reads, of the file row aliased f
 * (public, token, expiry in epoch seconds, expired). */
#define SHARE_STATE_SQL(f)                                                                     \
    #f ".is_public IS TRUE, " #f ".share_token, extract(epoch from " #f ".expiry_date), "       \
    #f ".expiry_date IS NOT NULL AND " #f ".expiry_date <= now()"
/* share_state_read: those columns of row, from col on, into *st (strings copied). */
struct pg_result;
void share_state_read(struct req *r, const struct pg_result *res, int row, int col,
                      struct share_state *st);

/* share_set: set the signed-in user's live file uid of kind fk public or not, with an expiry
 * (expiry NULL: none; past times are allowed and make the link expired) and a new token when
 * regenerate.  Turning a link on issues a token when it has none; turning it off clears the
 * token, so a later "on" gives a new link (the old one never comes back); regenerate replaces
 * it, and the old token stops working with this commit.  published_at is set when the file
 * becomes public and cleared when it stops.  None of this moves _version or updated_at
 * (sql/014).  0 with *out filled, SHARE_SET_NOT_FOUND (no such file of this user: row-level
 * security hides others') or SHARE_SET_DB. */
int share_set(struct req *r, const struct file_kind *fk, const char *uid, int is_public,
              const double *expiry, int regenerate, struct share_state *out);
/* share_get: the state of the signed-in user's live file uid (for the dialog).  Same codes. */
int share_get(struct req *r, const struct file_kind *fk, const char *uid, struct share_state *out);
/* share_state_json: the dialog's view of st for file uid of kind fk: {uid, kind, is_public,
 * share_url (CARD_BASE_URL/s/TOKEN or null), expiry_date (ISO-8601 UTC or null), expired,
 * api_url, form_url, svg_url, sql_url, md_url (null when the kind's renderer does not offer
 * the format), embed_html}; a new reference. */
json_t *share_state_json(struct req *r, const struct file_kind *fk, const char *uid,
                         const struct share_state *st);

/* The kinds' public renderers (file_public_fn, see files.h): each lives with its kind.  A
 * renderer called with out == NULL only answers whether it offers the format (0 or
 * SHARE_NO_FORMAT), without a query. */
int share_diagram_render(struct req *r, const char *uid, enum share_format f, struct buf *out);
int share_note_render(struct req *r, const char *uid, enum share_format f, struct buf *out);
int share_drawing_render(struct req *r, const char *uid, enum share_format f, struct buf *out);
int share_flowchart_render(struct req *r, const char *uid, enum share_format f, struct buf *out);
#endif
