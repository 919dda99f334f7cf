/* api_attachment.c — images stored beside notes and drawings (sql/012_attachments.sql):
 * POST /api/<kind>s/:uid/attachments takes the raw image bytes (PNG, JPEG, GIF or WebP, the
 * type checked from the bytes' signature as well as the Content-Type, at most 5 MB) for a file
 * of the user's own, and GET /attachments/:uid serves one to whoever may read its file (row-
 * level security decides; anyone else gets 404) as an inert image: its own type, nosniff,
 * inline, a CSP that allows nothing, and cached for good (the bytes of a uid never change). */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <sodium.h>
#include <string.h>
#include <strings.h>

/* ATTACHMENT_MAX: the largest image accepted, in bytes. */
#define ATTACHMENT_MAX (5u * 1024 * 1024)

static const char SQL_INSERT[] =
    "INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256) "
    "VALUES ($1, $2, $3, $4, $5::int, decode($6, 'hex'), $7) RETURNING uid";
static const char SQL_GET[] =
    "SELECT mime, encode(bytes, 'hex'), sha256 FROM attachments WHERE uid = $1";

/* The image types: the media type and the signature its bytes must start with. */
static const struct image_type {
    const char *mime;
    const char *magic;
    size_t magic_len;
    size_t magic_at;   /* offset of a second signature part (WebP's "WEBP"), or 0 */
    const char *magic2;
} IMAGE_TYPES[] = {
    {"image/png", "\x89PNG\r\n\x1a\n", 8, 0, NULL},
    {"image/jpeg", "\xff\xd8\xff", 3, 0, NULL},
    {"image/gif", "GIF8", 4, 0, NULL},
    {"image/webp", "RIFF", 4, 8, "WEBP"},
};

/* image_type_of: the type named by Content-Type (parameters ignored), or NULL. */
static const struct image_type *image_type_of(const char *ct)
{
    size_t n = ct ? strcspn(ct, "; ") : 0;
    for (size_t i = 0; i < sizeof IMAGE_TYPES / sizeof *IMAGE_TYPES; i++)
        if (strlen(IMAGE_TYPES[i].mime) == n && strncasecmp(ct, IMAGE_TYPES[i].mime, n) == 0)
            return &IMAGE_TYPES[i];
    return NULL;
}

/* bytes_match: the body starts with the type's signature. */
static int bytes_match(const struct image_type *t, const char *b, size_t n)
{
    if (n < t->magic_len || memcmp(b, t->magic, t->magic_len) != 0)
        return 0;
    return !t->magic2 || (n >= t->magic_at + 4 && memcmp(b + t->magic_at, t->magic2, 4) == 0);
}

/* owner_file_or_answer: the file this upload is for is the user's (visible, live); else 404. */
static int owner_file_or_answer(struct req *r, const struct file_kind *fk, const char *uid)
{
    PGresult *res = db_query(r, fk->sql_get, DB_ARGS(uid));
    if (!res) {
        page_db_error(r);
        return -1;
    }
    if (PQntuples(res) != 1) {
        resp_json_error(r, 404, "not_found", "There is no such %s.", fk->kind);
        return -1;
    }
    return 0;
}

/* check_upload: type, signature and size; 0, or -1 after answering 415/422/413. */
static int check_upload(struct req *r, const struct image_type **type)
{
    *type = image_type_of(r->content_type);
    if (!*type) {
        resp_json_error(r, 415, "unsupported_media_type",
                        "Send a PNG, JPEG, GIF or WebP image with its Content-Type.");
        return -1;
    }
    if (r->body_len > ATTACHMENT_MAX) {
        resp_json_error(r, 413, "too_large", "An image may be at most 5 MB.");
        return -1;
    }
    if (!bytes_match(*type, r->body ? r->body : "", r->body_len)) {
        resp_json_error(r, 422, "invalid", "The bytes are not a %s image.", (*type)->mime);
        return -1;
    }
    return 0;
}

void api_attachment_upload(struct req *r)
{
    const struct file_kind *fk = file_kind_by_path(r->path + strlen("/api"));
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    const struct image_type *type;
    if (!fk || !uid_valid(uid)) {
        resp_json_error(r, 404, "not_found", "There is no such file.");
        return;
    }
    if (check_upload(r, &type) != 0 || owner_file_or_answer(r, fk, uid) != 0)
        return;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(digest, (const unsigned char *)r->body, r->body_len);
    sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
    char *hex = arena_alloc(r->arena, r->body_len * 2 + 1);
    sodium_bin2hex(hex, r->body_len * 2 + 1, (const unsigned char *)r->body, r->body_len);
    const char *size = arena_printf(r->arena, "%zu", r->body_len);
    PGresult *res = db_query(r, SQL_INSERT,
                             DB_ARGS(r->user->id, fk->kind, uid, type->mime, size, hex, sha));
    if (!res || PQntuples(res) != 1) {
        page_db_error(r);
        return;
    }
    const char *att = db_val(res, 0, 0);
    resp_json(r, 201, json_pack("{s:s, s:s, s:s, s:I}", "uid", att, "url",
        arena_printf(r->arena, "/attachments/%s", att), "mime", type->mime,
        "size", (json_int_t)r->body_len));
}

/* serve: attachment uid, as the transaction may read it (its owner's, or through the share
 * token of the file it belongs to), with cache_control. */
static void serve(struct req *r, const char *uid, const char *cache_control)
{
    PGresult *res = uid_valid(uid) ? db_query(r, SQL_GET, DB_ARGS(uid)) : NULL;
    if (uid_valid(uid) && !res) {
        page_db_error(r);
        return;
    }
    if (!res || PQntuples(res) != 1) {
        page_error(r, 404, "Page not found", "There is no such image.");
        return;
    }
    const char *etag = arena_printf(r->arena, "\"%s\"", db_val(res, 0, 2));
    resp_header(r, "ETag", etag);
    resp_header(r, "Content-Disposition", "inline");
    r->csp = "default-src 'none'; sandbox";
    r->cache_control = cache_control;
    if (r->if_none_match && strcmp(r->if_none_match, etag) == 0) {
        r->status = 304;
        return;
    }
    const char *hex = db_val(res, 0, 1);
    size_t hexlen = strlen(hex), n = 0;
    unsigned char *bytes = arena_alloc(r->arena, hexlen / 2 + 1);
    if (sodium_hex2bin(bytes, hexlen / 2 + 1, hex, hexlen, NULL, &n, NULL) != 0) {
        page_error(r, 500, "Server error", "The image could not be read.");
        return;
    }
    resp_text(r, 200, arena_strdup(r->arena, db_val(res, 0, 0)), (const char *)bytes, n);
}

void page_attachment_show(struct req *r)
{
    serve(r, r->nparams > 0 ? r->params[0] : NULL, "private, max-age=31536000, immutable");
}

void page_share_attachment(struct req *r)
{
    /* R_SHARE: row-level security shows the image only while the link shows its file; the
     * browser revalidates (ETag) so a revoked link stops serving it too */
    r->frameable = 0;
    serve(r, r->nparams > 1 ? r->params[1] : NULL, "public, no-cache");
}
