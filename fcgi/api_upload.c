/* api_upload.c — resumable chunked uploads of backup archives to restore (issue 12,
 * sql/034_restore_uploads.sql).  A request body may be ~11 MB at most (nginx and
 * CARD_MAX_BODY), so a larger archive comes in parts:
 *   POST /api/backups/uploads {size, name}       → 201 {uid, part_size, parts}  (413 beyond
 *                                                   CARD_MAX_RESTORE_BYTES)
 *   PUT  /api/backups/uploads/{uid}/parts/{n}     raw bytes; every part but the last is exactly
 *                                                   part_size, the last the rest; re-sending a
 *                                                   part replaces it → 200 {n, size}
 *   GET  /api/backups/uploads/{uid}              → {uid, name, size, part_size, parts, received,
 *                                                   missing, complete, task_uid}  (to resume)
 *   POST /api/backups/uploads/{uid}/restore       → 202 {task_uid} when every part is there
 *                                                   (422 naming the missing ones otherwise)
 * The restore task (backup.c) reads the parts in order; the upload is deleted when that task
 * ends (task_runner.c) or 24 h after it began.  Row-level security makes another user's
 * upload a 404; every write is behind CSRF (dispatch.c). */
#include "app.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "task.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

/* UPLOAD_PART_SIZE: the size of every part but the last (below CARD_MAX_BODY's default). */
#define UPLOAD_PART_SIZE (8u << 20)
#define UPLOAD_NAME_MAX 255

/* part_size: UPLOAD_PART_SIZE, or less when CARD_MAX_BODY is set lower. */
static size_t part_size(void)
{
    size_t max = g_app.cfg.max_body;
    return max && max < UPLOAD_PART_SIZE ? max : UPLOAD_PART_SIZE;
}

struct upload {
    const char *id, *uid, *name, *task_uid;
    long long size, part_size, parts;
};

/* upload_load: the signed-in user's live upload uid (FOR UPDATE when lock), or NULL after
 * answering 404/5xx. */
static int upload_load(struct req *r, const char *uid, int lock, struct upload *u)
{
    PGresult *res = uid_valid(uid) ? db_query(r, lock
        ? "SELECT id::text, uid, name, size, part_size, parts, coalesce(task_uid, '') FROM restore_uploads "
          "WHERE uid = $1 AND expires_at > now() FOR UPDATE"
        : "SELECT id::text, uid, name, size, part_size, parts, coalesce(task_uid, '') FROM restore_uploads "
          "WHERE uid = $1 AND expires_at > now()", DB_ARGS(uid)) : NULL;
    if (uid_valid(uid) && !res) {
        page_db_error(r);
        return -1;
    }
    if (!res || PQntuples(res) != 1) {
        resp_json_error(r, 404, "not_found", "There is no such upload (uploads are kept for 24 hours).");
        return -1;
    }
    u->id = db_val(res, 0, 0);
    u->uid = db_val(res, 0, 1);
    u->name = db_val(res, 0, 2);
    u->size = db_int(res, 0, 3);
    u->part_size = db_int(res, 0, 4);
    u->parts = db_int(res, 0, 5);
    u->task_uid = db_val(res, 0, 6);
    return 0;
}

/* upload_received: the part numbers stored, ascending (NULL after a database error). */
static PGresult *upload_received(struct req *r, const struct upload *u)
{
    return db_query(r, "SELECT n FROM restore_upload_parts WHERE upload_id = $1::bigint ORDER BY n",
                    DB_ARGS(u->id));
}

/* upload_missing: the numbers of the parts not yet stored, as a JSON array. */
static json_t *upload_missing(const struct upload *u, PGresult *got)
{
    json_t *missing = json_array();
    int k = 0, rows = PQntuples(got);
    for (long long n = 0; n < u->parts; n++) {
        while (k < rows && db_int(got, k, 0) < n)
            k++;
        if (k >= rows || db_int(got, k, 0) != n)
            json_array_append_new(missing, json_integer(n));
    }
    return missing;
}

void api_upload_create(struct req *r)
{
    json_t *b = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL);
    json_t *size = json_object_get(b, "size");
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *trimmed = name ? arena_strtrim(r->arena, name) : NULL;
    int size_ok = json_is_integer(size) && json_integer_value(size) > 0;
    json_int_t sz = size_ok ? json_integer_value(size) : 0;
    json_decref(b);
    if (!size_ok) {
        resp_json_error(r, 422, "invalid", "size: the archive's size in bytes (a positive whole number) is required.");
        return;
    }
    if (!trimmed || !*trimmed || strlen(trimmed) > UPLOAD_NAME_MAX || !http_utf8_valid(trimmed, strlen(trimmed))) {
        resp_json_error(r, 422, "invalid", "name: the archive's file name (1 to %d bytes) is required.", UPLOAD_NAME_MAX);
        return;
    }
    if ((unsigned long long)sz > g_app.cfg.max_restore) {
        resp_json_error(r, 413, "too_large", "The archive is %lld bytes; a restore may be at most %zu bytes "
                        "(%zu MiB, CARD_MAX_RESTORE_BYTES).", (long long)sz, g_app.cfg.max_restore,
                        g_app.cfg.max_restore >> 20);
        return;
    }
    size_t ps = part_size();
    long long parts = ((long long)sz + (long long)ps - 1) / (long long)ps;
    PGresult *res = db_query(r,
        "INSERT INTO restore_uploads (user_id, name, size, part_size, parts) "
        "VALUES ($1, $2, $3::bigint, $4::int, $5::int) RETURNING uid",
        DB_ARGS(r->user->id, trimmed, arena_printf(r->arena, "%lld", (long long)sz),
                arena_printf(r->arena, "%zu", ps), arena_printf(r->arena, "%lld", parts)));
    if (!res || PQntuples(res) != 1) {
        page_db_error(r);
        return;
    }
    const char *uid = db_val(res, 0, 0);
    resp_header(r, "Location", arena_printf(r->arena, "/api/backups/uploads/%s", uid));
    resp_json(r, 201, json_pack("{s:s, s:I, s:I, s:I}", "uid", uid, "part_size", (json_int_t)ps,
                                "parts", (json_int_t)parts, "size", (json_int_t)sz));
}

void api_upload_get(struct req *r)
{
    struct upload u;
    if (upload_load(r, r->params[0], 0, &u) != 0)
        return;
    PGresult *got = upload_received(r, &u);
    if (!got) {
        page_db_error(r);
        return;
    }
    json_t *received = json_array();
    for (int i = 0; i < PQntuples(got); i++)
        json_array_append_new(received, json_integer(db_int(got, i, 0)));
    json_t *missing = upload_missing(&u, got);
    int complete = json_array_size(missing) == 0;
    resp_json(r, 200, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:b, s:o}", "uid", u.uid, "name", u.name,
                                "size", (json_int_t)u.size, "part_size", (json_int_t)u.part_size,
                                "parts", (json_int_t)u.parts, "received", received, "missing", missing,
                                "complete", complete, "task_uid",
                                *u.task_uid ? json_string(u.task_uid) : json_null()));
}

/* part_number: the decimal part number in text (0 … 999999), or -1. */
static long long part_number(const char *text)
{
    if (!text || !*text || strlen(text) > 6)
        return -1;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    return atoll(text);
}

void api_upload_put_part(struct req *r)
{
    struct upload u;
    if (upload_load(r, r->params[0], 1, &u) != 0)
        return;
    if (*u.task_uid) {
        resp_json_error(r, 409, "conflict", "This upload is already being restored (task %s).", u.task_uid);
        return;
    }
    long long n = part_number(r->params[1]);
    if (n < 0 || n >= u.parts) {
        resp_json_error(r, 422, "invalid", "Part %s is out of range: this upload has parts 0 to %lld.",
                        r->params[1], u.parts - 1);
        return;
    }
    long long want = n < u.parts - 1 ? u.part_size : u.size - u.part_size * (u.parts - 1);
    if ((long long)r->body_len > u.part_size) {
        resp_json_error(r, 413, "too_large", "Part %lld is %zu bytes; a part may be at most %lld bytes.", n,
                        r->body_len, u.part_size);
        return;
    }
    if ((long long)r->body_len != want) {
        resp_json_error(r, 422, "invalid", "Part %lld must be exactly %lld bytes (it was %zu)%s.", n, want,
                        r->body_len, n < u.parts - 1 ? "" : ": the last part is the rest of the archive");
        return;
    }
    const char *nt = arena_printf(r->arena, "%lld", n);
    const int lengths[] = {-1, -1, -1, (int)r->body_len};
    PGresult *res = db_query_bin(r,
        "INSERT INTO restore_upload_parts (upload_id, user_id, n, data) VALUES ($1::bigint, $2, $3::int, $4) "
        "ON CONFLICT (upload_id, n) DO UPDATE SET data = excluded.data, updated_at = now()",
        (const char *const[]){u.id, r->user->id, nt, r->body}, lengths, 4, 0);
    if (!res) {
        page_db_error(r);
        return;
    }
    resp_json(r, 200, json_pack("{s:I, s:I}", "n", (json_int_t)n, "size", (json_int_t)r->body_len));
}

void api_upload_restore(struct req *r)
{
    struct upload u;
    if (upload_load(r, r->params[0], 1, &u) != 0)
        return;
    if (*u.task_uid) {
        resp_json_error(r, 409, "conflict", "This upload is already being restored (task %s).", u.task_uid);
        return;
    }
    PGresult *got = upload_received(r, &u);
    if (!got) {
        page_db_error(r);
        return;
    }
    json_t *missing = upload_missing(&u, got);
    if (json_array_size(missing)) {
        struct buf *list = buf_arena(r->arena);
        size_t i;
        json_t *m;
        json_array_foreach(missing, i, m) {
            if (i == 20) {
                buf_printf(list, " and %zu more", json_array_size(missing) - 20);
                break;
            }
            buf_printf(list, "%s%lld", i ? ", " : "", (long long)json_integer_value(m));
        }
        json_t *err = json_pack("{s:s, s:s, s:o}", "error", "invalid", "message",
                                arena_printf(r->arena, "The upload is incomplete: part%s %s %s missing.",
                                             json_array_size(missing) == 1 ? "" : "s", buf_cstr(list),
                                             json_array_size(missing) == 1 ? "is" : "are"),
                                "missing", missing);
        resp_json(r, 422, err);
        return;
    }
    json_decref(missing);
    const char *task = task_create(r, "restore", json_pack("{s:s, s:I, s:s}", "upload_uid", u.uid,
                                   "size", (json_int_t)u.size, "name", u.name), NULL, 0);
    if (!task || !db_query(r, "UPDATE restore_uploads SET task_uid = $2 WHERE id = $1::bigint",
                           DB_ARGS(u.id, task))) {
        page_db_error(r);
        return;
    }
    resp_json(r, 202, json_pack("{s:s, s:s}", "task_uid", task, "url", arena_printf(r->arena, "/tasks/%s", task)));
}
