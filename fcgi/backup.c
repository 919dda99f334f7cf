/* backup.c — the backup and restore tasks (task.h).  A backup is one .tar.gz (targz.h):
 *   manifest.json                 {format: "cardinality-backup", version: 1, created_at,
 *                                   projects: [{uid, name, color, files: [{kind, uid, title,
 *                                   path, history}]}], attachments: [{uid, file_kind, file_uid,
 *                                   mime, size, path}]}  (one project, or all the user owns)
 *   files/<kind>/<uid>.json       the file as its GET API answers it (diagram model JSON,
 *                                   note {title, content}, drawing/flowchart {title, data})
 *   history/<kind>/<uid>.json     its history snapshots [{version, change_type, name,
 *                                   is_named, created_at, changes}]
 *   attachments/<uid>             the attachment's bytes
 * stored in `backups` (data bytea) and downloaded from /api/backups/{uid}/download.
 * A scheduled backup (params.scheduled, queued by card_backup_schedule_enqueue: sql/030,
 * backup_schedule.c) is marked automatic, and in the same transaction the owner's older
 * automatic archives beyond the schedule's keep count are deleted (manual ones never).
 * A restore reads the archive from tasks.input and first checks EVERYTHING — the gzip and tar
 * framing (targz.h: no path traversal, links or bombs), the manifest's format and version,
 * every entry named by it and none other, sizes and counts, and every document with its kind's
 * own checker (erd_doc_parse + erd_doc_check, the note sanitizer's nesting bound,
 * draw_put_parse, flow_doc_read) — and only then writes, into NEW projects, through the same
 * PUT handlers as the editors (which check again).  All of it is one transaction: any failure
 * leaves nothing behind. */
#include "app.h"
#include "db.h"
#include "draw_doc.h"
#include "erd_doc.h"
#include "files.h"
#include "flow_doc.h"
#include "handlers.h"
#include "note_html.h"
#include "targz.h"
#include "task.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BACKUP_FORMAT "cardinality-backup"
#define BACKUP_VERSION 1
#define BACKUP_MAX_PROJECTS 1000
#define BACKUP_MAX_FILES 20000
#define BACKUP_MAX_ATTACHMENTS 5000
#define BACKUP_MAX_SNAPSHOTS 100000
#define BACKUP_DOC_MAX (11u << 20)        /* one file's JSON: a 10 MB document and its wrapping */
#define BACKUP_ATTACHMENT_MAX (5u << 20)  /* as sql/012 */
#define BACKUP_MANIFEST_MAX (8u << 20)
#define BACKUP_HISTORY_MAX (64u << 20)    /* one file's snapshots */
#define BACKUP_INFLATED_MAX (256u << 20)
#define BACKUP_UPLOAD_MAX (1ull << 32)    /* a chunked upload (api_upload.c checks the configured limit) */

/* The kinds as a backup sees them: their API handlers, checker and title key. */
typedef int (*doc_check_fn)(struct arena *a, const char *text, size_t len, struct buf *err);

static int check_diagram(struct arena *a, const char *text, size_t len, struct buf *err)
{
    struct erd_doc doc;
    return erd_doc_parse(a, text, len, &doc, err) == ERD_PARSE_OK && erd_doc_check(a, &doc, err) == 0
         ? 0 : -1;
}

static int check_note(struct arena *a, const char *text, size_t len, struct buf *err)
{
    (void)a;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *content = json_object_get(j, "content");
    int ok = json_is_object(j) && json_is_string(content) &&
             note_html_nesting_ok(json_string_value(content), json_string_length(content));
    if (!ok)
        buf_printf(err, "not a note {title, content} with elements nested at most %d deep",
                   NOTE_HTML_MAX_NESTING);
    json_decref(j);
    return ok ? 0 : -1;
}

static int check_drawing(struct arena *a, const char *text, size_t len, struct buf *err)
{
    struct draw_put put;
    if (draw_put_parse(a, text, len, DRAW_STRICT, &put, err) != DRAW_OK)
        return -1;
    if (!put.has_data) {
        buf_puts(err, "data is missing");
        return -1;
    }
    return 0;
}

static int check_flowchart(struct arena *a, const char *text, size_t len, struct buf *err)
{
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    struct flow_doc doc;
    int rc = -1;
    if (!json_is_object(j) || !json_object_get(j, "data"))
        buf_puts(err, "not a flowchart {title, data}");
    else
        rc = flow_doc_read(a, json_object_get(j, "data"), 1, &doc, err) == FLOW_OK ? 0 : -1;
    json_decref(j);
    return rc;
}

static const struct backup_kind {
    const char *kind;
    void (*get)(struct req *r);
    void (*put)(struct req *r);
    doc_check_fn check;
    const char *title_key;
} backup_kinds[] = {
    {"diagram", api_diagram_get, api_diagram_put, check_diagram, "name"},
    {"note", api_note_get, api_note_put, check_note, "title"},
    {"drawing", api_drawing_get, api_drawing_put, check_drawing, "title"},
    {"flowchart", api_flowchart_get, api_flowchart_put, check_flowchart, "title"},
};
#define BACKUP_KIND_COUNT (int)(sizeof backup_kinds / sizeof backup_kinds[0])

static const struct backup_kind *backup_kind(const char *kind)
{
    for (int i = 0; kind && i < BACKUP_KIND_COUNT; i++)
        if (strcmp(backup_kinds[i].kind, kind) == 0)
            return &backup_kinds[i];
    return NULL;
}

/* call_api: run handler on the work request as a call of method on the file uid with body;
 * the response status (its body in r->resp_body). */
static int call_api(struct req *r, void (*handler)(struct req *), const char *method,
                    const char *uid, const char *body, size_t len)
{
    r->method = method;
    r->params[0] = uid;
    r->nparams = 1;
    r->body = (char *)body;
    r->body_len = len;
    r->content_type = "application/json";
    r->status = 500;
    r->resp_body = buf_arena(r->arena);
    r->resp_headers = buf_arena(r->arena);
    handler(r);
    return r->status;
}

/* api_message: the "message" of a JSON error answer, or the status. */
static const char *api_message(struct req *r)
{
    json_t *j = json_loadb(r->resp_body->data ? r->resp_body->data : "", r->resp_body->len, 0, NULL);
    const char *m = json_string_value(json_object_get(j, "message"));
    const char *out = arena_printf(r->arena, "%s", m ? m : arena_printf(r->arena, "status %d", r->status));
    json_decref(j);
    return out;
}

/* ---- backup ------------------------------------------------------------------------------- */

#define BACKUP_FILES_BRANCH(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                      \
    "SELECT " FILE_KIND_SQL_NAME(KIND) " AS kind, f.uid, f.id, '" #TABLE "' AS tbl FROM " #TABLE \
    " f WHERE f.project_id = $1::int AND f.is_deleted IS NOT TRUE"
static const char SQL_FILES[] =
    "SELECT kind, uid, id::text, tbl FROM (" FILES_UNION(BACKUP_FILES_BRANCH) ") f ORDER BY kind, id";
static const char SQL_HISTORY[] =
    "SELECT version, coalesce(change_type, 'update'), coalesce(changes, ''), name, is_named IS TRUE, "
    "to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM entity_changes "
    "WHERE entity_type = $1 AND entity_id = $2 ORDER BY id";
static const char SQL_ATTACHMENTS[] =
    "SELECT uid, mime, bytes FROM attachments WHERE file_kind = $1 AND file_uid = $2 ORDER BY id";

static void tar_json(struct buf *tar, const char *name, json_t *j, int *bad)
{
    char *text = json_dumps(j, JSON_COMPACT);
    if (!text || targz_add(tar, name, text, strlen(text)) != 0)
        *bad = 1;
    free(text);
}

/* backup_file: one file into the archive and its manifest entry; 0 or a TASK_* failure. */
static int backup_file(struct task_run *t, PGresult *files, int i, struct buf *tar, json_t *mfiles,
                       json_t *matts, int *natt, int progress)
{
    struct req *r = &t->work;
    const char *kind = db_val(files, i, 0), *uid = db_val(files, i, 1);
    const struct backup_kind *bk = backup_kind(kind);
    if (!bk || call_api(r, bk->get, "GET", uid, NULL, 0) != 200)
        return task_fail(t, "%s %s could not be read: %s", kind, uid, api_message(r));
    json_t *doc = json_loadb(r->resp_body->data, r->resp_body->len, 0, NULL);
    const char *title = json_string_value(json_object_get(doc, bk->title_key));
    const char *path = arena_printf(r->arena, "files/%s/%s.json", kind, uid);
    const char *hpath = arena_printf(r->arena, "history/%s/%s.json", kind, uid);
    int bad = !doc || targz_add(tar, path, r->resp_body->data, r->resp_body->len) != 0;
    json_array_append_new(mfiles, json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", kind, "uid", uid,
                                            "title", title ? title : "", "path", path, "history", hpath));
    const char *title_copy = arena_strdup(r->arena, title ? title : uid);
    json_decref(doc);
    PGresult *h = db_query(r, SQL_HISTORY, DB_ARGS(db_val(files, i, 3), db_val(files, i, 2)));
    if (!h)
        return task_fail(t, "the history of %s %s could not be read", kind, uid);
    json_t *snaps = json_array();
    for (int k = 0; k < PQntuples(h); k++)
        json_array_append_new(snaps, json_pack("{s:I, s:s, s:s, s:o, s:b, s:s}",
            "version", (json_int_t)db_int(h, k, 0), "change_type", db_val(h, k, 1),
            "changes", db_val(h, k, 2), "name", db_isnull(h, k, 3) ? json_null() : json_string(db_val(h, k, 3)),
            "is_named", db_bool(h, k, 4), "created_at", db_val(h, k, 5)));
    tar_json(tar, hpath, snaps, &bad);
    json_decref(snaps);
    /* In binary (text columns are their text; the bytes without hex text twice their size). */
    PGresult *a = db_query_bin(r, SQL_ATTACHMENTS, (const char *const[]){kind, uid}, NULL, 2, DB_BINARY_RESULT);
    if (!a)
        return task_fail(t, "the attachments of %s %s could not be read", kind, uid);
    for (int k = 0; k < PQntuples(a); k++) {
        size_t len = (size_t)PQgetlength(a, k, 2);
        const char *bytes = PQgetvalue(a, k, 2);
        const char *apath = arena_printf(r->arena, "attachments/%s", db_val(a, k, 0));
        if (!bytes || targz_add(tar, apath, bytes, len) != 0)
            bad = 1;
        json_array_append_new(matts, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "uid", db_val(a, k, 0),
            "file_kind", kind, "file_uid", uid, "mime", db_val(a, k, 1), "size", (json_int_t)len,
            "path", apath));
        (*natt)++;
    }
    if (bad)
        return task_fail(t, "%s %s could not be archived (a uid unusable as a file name)", kind, uid);
    return task_step(t, progress, "Backed up the %s \"%s\" (%d history snapshot%s, %d attachment%s).",
                     kind, title_copy, PQntuples(h), PQntuples(h) == 1 ? "" : "s",
                     PQntuples(a), PQntuples(a) == 1 ? "" : "s");
}

static const char *now_iso(struct arena *a)
{
    char at[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(a, at);
}

/* backup_project: project row i of p (id, uid, name, color) and its files into the archive;
 * its manifest entry appended to mprojects, *nfiles counting the files. */
static int backup_project(struct task_run *t, PGresult *p, int i, struct buf *tar, json_t *mprojects,
                          json_t *matts, int *natt, int *nfiles)
{
    struct req *r = &t->work;
    PGresult *files = db_query(r, SQL_FILES, DB_ARGS(db_val(p, i, 0)));
    if (!files)
        return task_fail(t, "the files of \"%s\" could not be listed", db_val(p, i, 2));
    int n = PQntuples(files), rc;
    if ((rc = task_step(t, -1, "Backing up the project \"%s\": %d file%s.", db_val(p, i, 2), n,
                        n == 1 ? "" : "s")) != TASK_OK)
        return rc;
    json_t *mfiles = json_array();
    json_array_append_new(mprojects, json_pack("{s:s, s:s, s:s, s:o}", "uid", db_val(p, i, 1), "name",
                                               db_val(p, i, 2), "color", db_val(p, i, 3), "files", mfiles));
    int np = PQntuples(p);
    for (int k = 0; k < n; k++) {
        int progress = 5 + (int)(85LL * (i * n + k + 1) / ((long long)np * n));
        if ((rc = backup_file(t, files, k, tar, mfiles, matts, natt, progress)) != TASK_OK)
            return rc;
        (*nfiles)++;
    }
    return TASK_OK;
}

/* backup_prune: after the scheduled backup keep_uid, the owner's automatic archives beyond the
 * schedule's keep count (its current one, else the task's), newest kept and keep_uid always,
 * deleted; manual archives are never touched.  The number deleted into *pruned; TASK_OK or
 * TASK_FAILED. */
static int backup_prune(struct task_run *t, const char *keep_uid, int *pruned)
{
    struct req *r = &t->work;
    PGresult *s = db_query(r, "SELECT keep FROM backup_schedules WHERE user_id = $1", DB_ARGS(t->owner));
    if (!s)
        return task_fail(t, "the backup schedule could not be read");
    json_t *k = json_object_get(t->params, "keep");
    long long keep = PQntuples(s) == 1 ? db_int(s, 0, 0) : json_is_integer(k) ? json_integer_value(k) : 7;
    keep = keep < 1 ? 1 : keep > 100 ? 100 : keep;
    PGresult *d = db_query(r,
        "DELETE FROM backups WHERE user_id = $1 AND automatic AND uid <> $2 AND uid NOT IN "
        "(SELECT uid FROM backups WHERE user_id = $1 AND automatic AND uid <> $2 "
        "ORDER BY created_at DESC, uid DESC LIMIT $3::int - 1) RETURNING uid",
        DB_ARGS(t->owner, keep_uid, arena_printf(r->arena, "%lld", keep)));
    if (!d)
        return task_fail(t, "older automatic backups could not be removed");
    *pruned = PQntuples(d);
    return task_step(t, -1, "Keeping the newest %lld automatic backup%s: removed %d older one%s.", keep,
                     keep == 1 ? "" : "s", *pruned, *pruned == 1 ? "" : "s");
}

int backup_task_run(struct task_run *t)
{
    struct req *r = &t->work;
    const char *puid = json_string_value(json_object_get(t->params, "project_uid"));
    /* One project, or ("all") every project the owner owns — not those a team shares. */
    PGresult *p = puid ? db_query(r, "SELECT id::text, uid, name, coalesce(color, '') FROM projects "
                                     "WHERE uid = $1 AND is_deleted IS NOT TRUE", DB_ARGS(puid))
                       : db_query(r, "SELECT id::text, uid, name, coalesce(color, '') FROM projects "
                                     "WHERE user_id = $1 AND is_deleted IS NOT TRUE ORDER BY id",
                                  DB_ARGS(t->owner));
    if (!p || (puid && PQntuples(p) != 1))
        return task_fail(t, "the project no longer exists (or is not yours to back up)");
    int rc = task_step(t, 5, puid ? "Backing up one project." : "Backing up your %d project%s.",
                       PQntuples(p), PQntuples(p) == 1 ? "" : "s");
    if (rc != TASK_OK)
        return rc;
    struct buf *tar = buf_arena(r->arena);
    json_t *mprojects = json_array(), *matts = json_array();
    int natt = 0, n = 0;
    for (int i = 0; i < PQntuples(p); i++)
        if ((rc = backup_project(t, p, i, tar, mprojects, matts, &natt, &n)) != TASK_OK) {
            json_decref(mprojects);
            json_decref(matts);
            return rc;
        }
    json_t *manifest = json_pack("{s:s, s:i, s:s, s:o, s:o}", "format", BACKUP_FORMAT, "version",
        BACKUP_VERSION, "created_at", now_iso(r->arena), "projects", mprojects, "attachments", matts);
    int bad = 0;
    tar_json(tar, "manifest.json", manifest, &bad);
    json_decref(manifest);
    struct buf *gz = buf_arena(r->arena);
    if (bad || targz_finish(tar, gz) != 0)
        return task_fail(t, "the archive could not be written");
    const char *size = arena_printf(r->arena, "%zu", gz->len);
    int scheduled = json_is_true(json_object_get(t->params, "scheduled"));
    const char *name = arena_printf(r->arena, "%s%s — %s", scheduled ? "Automatic: " : "",
                                    puid ? db_val(p, 0, 2) : "All projects", now_iso(r->arena));
    const int lengths[] = {-1, -1, -1, -1, -1, (int)gz->len, -1};
    PGresult *b = db_query_bin(r,
        "INSERT INTO backups (id, uid, user_id, name, status, file_size, project_uid, task_uid, data, automatic) "
        "VALUES (gen_random_uuid()::text, gen_random_uuid()::text, $1, $2, 'completed', $3::int, $4, $5, "
        "$6::bytea, $7::boolean) RETURNING uid",
        (const char *const[]){t->owner, name, size, puid, t->uid, gz->data, scheduled ? "t" : "f"}, lengths, 7, 0);
    if (!b || PQntuples(b) != 1)
        return task_fail(t, "the archive could not be stored");
    int pruned = 0;
    if (scheduled && (rc = backup_prune(t, db_val(b, 0, 0), &pruned)) != TASK_OK)
        return rc;
    const char *url = arena_printf(r->arena, "/api/backups/%s/download", db_val(b, 0, 0));
    t->result = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:b, s:i}", "backup_uid", db_val(b, 0, 0),
                          "download_url", url, "projects", PQntuples(p), "files", n, "attachments", natt,
                          "size", (json_int_t)gz->len, "automatic", scheduled, "pruned", pruned);
    return task_step(t, 100, "Backup ready (%zu bytes): download it at %s", gz->len, url);
}

/* ---- restore ------------------------------------------------------------------------------ */

struct rfile {
    const struct backup_kind *bk;
    const struct file_kind *fk;
    const char *uid, *title;
    const struct targz_entry *doc, *history;
    json_t *snaps;                   /* parsed history (owned) or NULL */
    int project;                     /* index into restore.projects */
    const char *new_uid;
};
struct rproject {
    const char *name, *color;        /* checked */
    const char *new_id, *new_uid;    /* of the project made for it */
};
struct ratt {
    const char *uid, *file_uid, *file_kind, *mime, *new_uid;
    const struct targz_entry *entry;
};
struct restore {
    struct targz_entry *entries;
    int nentries;
    char *used;                      /* entries named by the manifest */
    json_t *manifest;
    struct rproject *projects;
    int nprojects;
    struct rfile *files;
    int nfiles;
    struct ratt *atts;
    int natts;
    int nsnaps;
};

static const struct targz_entry *entry_find(struct restore *rs, const char *path)
{
    for (int i = 0; path && i < rs->nentries; i++)
        if (strcmp(rs->entries[i].name, path) == 0) {
            rs->used[i] = 1;
            return &rs->entries[i];
        }
    return NULL;
}

static int text_ok(const struct targz_entry *e)
{
    return http_utf8_valid(e->data, e->len) && !memchr(e->data, '\0', e->len);
}

static int snapshot_ok(json_t *s)
{
    const char *at = json_string_value(json_object_get(s, "created_at"));
    int y, mo, d;
    json_t *name = json_object_get(s, "name");
    return json_is_object(s) && json_is_integer(json_object_get(s, "version")) &&
           json_integer_value(json_object_get(s, "version")) >= 0 &&
           json_integer_value(json_object_get(s, "version")) <= 2147483647 &&
           json_is_string(json_object_get(s, "changes")) &&
           json_is_string(json_object_get(s, "change_type")) &&
           (!name || json_is_null(name) || json_is_string(name)) &&
           json_is_boolean(json_object_get(s, "is_named")) && at &&
           sscanf(at, "%4d-%2d-%2d", &y, &mo, &d) == 3 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

/* check_file: the manifest's files[i]; 0 or TASK_FAILED. */
static int check_file(struct task_run *t, struct restore *rs, json_t *f, int i)
{
    struct arena *a = t->work.arena;
    struct rfile *rf = &rs->files[i];
    const char *kind = json_string_value(json_object_get(f, "kind"));
    rf->uid = json_string_value(json_object_get(f, "uid"));
    rf->bk = backup_kind(kind);
    rf->fk = file_kind_by_name(kind);
    if (!rf->bk || !rf->fk || !rf->uid || !uid_valid(rf->uid))
        return task_fail(t, "manifest.json: files[%d] has no known kind or a malformed uid", i);
    for (int k = 0; k < i; k++)
        if (strcmp(rs->files[k].uid, rf->uid) == 0)
            return task_fail(t, "manifest.json: the file %s is listed twice", rf->uid);
    const char *path = arena_printf(a, "files/%s/%s.json", kind, rf->uid);
    if (!json_is_string(json_object_get(f, "path")) ||
        strcmp(json_string_value(json_object_get(f, "path")), path) != 0 || !(rf->doc = entry_find(rs, path)))
        return task_fail(t, "manifest.json: files[%d] names no file of the archive (%s expected)", i, path);
    if (rf->doc->len > BACKUP_DOC_MAX)
        return task_fail(t, "%s: larger than %u bytes", path, BACKUP_DOC_MAX);
    struct buf *err = buf_arena(a);
    if (!text_ok(rf->doc) || rf->bk->check(a, rf->doc->data, rf->doc->len, err) != 0)
        return task_fail(t, "%s: not a valid %s (%s)", path, kind, err->len ? buf_cstr(err) : "not UTF-8 text");
    json_t *doc = json_loadb(rf->doc->data, rf->doc->len, 0, NULL);
    const char *title = json_string_value(json_object_get(doc, rf->bk->title_key));
    rf->title = title ? arena_strtrim(a, title) : NULL;
    json_decref(doc);
    if (!rf->title || !*rf->title || strlen(rf->title) > FILE_NAME_MAX)
        return task_fail(t, "%s: its %s must be 1 to %d bytes of text", path, rf->bk->title_key, FILE_NAME_MAX);
    const char *hpath = json_string_value(json_object_get(f, "history"));
    if (!hpath)
        return 0;
    if (strcmp(hpath, arena_printf(a, "history/%s/%s.json", kind, rf->uid)) != 0 ||
        !(rf->history = entry_find(rs, hpath)))
        return task_fail(t, "manifest.json: files[%d] names a history that is not in the archive", i);
    if (rf->history->len > BACKUP_HISTORY_MAX || !text_ok(rf->history) ||
        !(rf->snaps = json_loadb(rf->history->data, rf->history->len, JSON_REJECT_DUPLICATES, NULL)) ||
        !json_is_array(rf->snaps))
        return task_fail(t, "%s: not a JSON array of snapshots", hpath);
    size_t k;
    json_t *s;
    json_array_foreach(rf->snaps, k, s) {
        if (!snapshot_ok(s))
            return task_fail(t, "%s: snapshot %zu is malformed", hpath, k);
        if (++rs->nsnaps > BACKUP_MAX_SNAPSHOTS)
            return task_fail(t, "the archive holds more than %d history snapshots", BACKUP_MAX_SNAPSHOTS);
    }
    return 0;
}

static int check_attachment(struct task_run *t, struct restore *rs, json_t *j, int i)
{
    static const char *const mimes[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};
    struct ratt *ra = &rs->atts[i];
    ra->uid = json_string_value(json_object_get(j, "uid"));
    ra->file_uid = json_string_value(json_object_get(j, "file_uid"));
    ra->file_kind = json_string_value(json_object_get(j, "file_kind"));
    ra->mime = json_string_value(json_object_get(j, "mime"));
    if (!ra->uid || !uid_valid(ra->uid) || !ra->file_uid || !ra->file_kind || !ra->mime)
        return task_fail(t, "manifest.json: attachments[%d] is malformed", i);
    int known = 0;
    for (size_t k = 0; k < sizeof mimes / sizeof mimes[0]; k++)
        known |= strcmp(mimes[k], ra->mime) == 0;
    int owner = 0;
    for (int k = 0; k < rs->nfiles; k++)
        owner |= strcmp(rs->files[k].uid, ra->file_uid) == 0 && strcmp(rs->files[k].bk->kind, ra->file_kind) == 0;
    if (!known || !owner)
        return task_fail(t, "manifest.json: attachments[%d] has an unknown type or file", i);
    const char *path = arena_printf(t->work.arena, "attachments/%s", ra->uid);
    const char *given = json_string_value(json_object_get(j, "path"));
    if (!given || strcmp(given, path) != 0 || !(ra->entry = entry_find(rs, path)))
        return task_fail(t, "manifest.json: attachments[%d] is not in the archive", i);
    if (ra->entry->len == 0 || ra->entry->len > BACKUP_ATTACHMENT_MAX)
        return task_fail(t, "%s: empty or larger than %u bytes", path, BACKUP_ATTACHMENT_MAX);
    return 0;
}

/* restore_input: the archive, *gz (arena or the arena's result) of *len bytes: from tasks.input
 * (POST /api/backups/restore), or for params.upload_uid (api_upload.c) its parts concatenated
 * in order.  Read in binary (no hex text twice the size), one part at a time, each result
 * freed at once: at most the archive and one part in memory.  TASK_OK or TASK_FAILED. */
static int restore_input(struct task_run *t, const char **gz, size_t *len)
{
    struct req *r = &t->work;
    const char *upload = json_string_value(json_object_get(t->params, "upload_uid"));
    if (!upload) {
        PGresult *in = db_query_bin(r, "SELECT input FROM tasks WHERE uid = $1 AND input IS NOT NULL",
                                    (const char *const[]){t->uid}, NULL, 1, DB_BINARY_RESULT);
        if (!in || PQntuples(in) != 1)
            return task_fail(t, "the uploaded archive is missing");
        *gz = PQgetvalue(in, 0, 0);
        *len = (size_t)PQgetlength(in, 0, 0);
        return TASK_OK;
    }
    PGresult *u = db_query(r, "SELECT id::text, size, parts, (SELECT count(*) FROM restore_upload_parts p "
                              "WHERE p.upload_id = u.id) FROM restore_uploads u WHERE uid = $1",
                           DB_ARGS(upload));
    if (!u || PQntuples(u) != 1)
        return task_fail(t, "the uploaded archive is missing (uploads are kept for 24 hours)");
    long long size = db_int(u, 0, 1), parts = db_int(u, 0, 2);
    if (db_int(u, 0, 3) != parts || size <= 0 || (unsigned long long)size > BACKUP_UPLOAD_MAX)
        return task_fail(t, "the uploaded archive is incomplete");
    char *buf = arena_alloc(r->arena, (size_t)size + 1);
    size_t at = 0;
    for (long long n = 0; n < parts; n++) {
        const char *id = db_val(u, 0, 0), *nt = arena_printf(r->arena, "%lld", n);
        PGresult *p = db_query_bin(r, "SELECT data FROM restore_upload_parts WHERE upload_id = $1::bigint AND n = $2::int",
                                   (const char *const[]){id, nt}, NULL, 2, DB_BINARY_RESULT | DB_OWNED);
        size_t plen = p && PQntuples(p) == 1 ? (size_t)PQgetlength(p, 0, 0) : 0;
        int ok = p && PQntuples(p) == 1 && plen <= (size_t)size - at;
        if (ok) {
            memcpy(buf + at, PQgetvalue(p, 0, 0), plen);
            at += plen;
        }
        PQclear(p);
        if (!ok)
            return task_fail(t, "part %lld of the uploaded archive is missing or too large", n);
    }
    if (at != (size_t)size)
        return task_fail(t, "the uploaded archive's parts add up to %zu bytes, not %lld", at, size);
    *gz = buf;
    *len = at;
    return TASK_OK;
}

/* restore_check: everything, before any write.  0 or TASK_FAILED. */
static int restore_check(struct task_run *t, struct restore *rs)
{
    struct req *r = &t->work;
    size_t len = 0;
    const char *gz = NULL;
    int rc = restore_input(t, &gz, &len);
    if (rc != TASK_OK)
        return rc;
    struct buf *err = buf_arena(r->arena);
    if (targz_read(r->arena, gz, len, BACKUP_INFLATED_MAX, &rs->entries, &rs->nentries, err) != 0)
        return task_fail(t, "the archive is unreadable: %s", buf_cstr(err));
    rs->used = arena_alloc(r->arena, (size_t)rs->nentries + 1);
    memset(rs->used, 0, (size_t)rs->nentries + 1);
    const struct targz_entry *m = entry_find(rs, "manifest.json");
    if (!m)
        return task_fail(t, "the archive has no manifest.json (is it a Cardinality backup?)");
    if (m->len > BACKUP_MANIFEST_MAX || !text_ok(m) ||
        !(rs->manifest = json_loadb(m->data, m->len, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(rs->manifest))
        return task_fail(t, "manifest.json is not a JSON object");
    const char *format = json_string_value(json_object_get(rs->manifest, "format"));
    json_t *version = json_object_get(rs->manifest, "version");
    if (!format || strcmp(format, BACKUP_FORMAT) != 0)
        return task_fail(t, "manifest.json: the format is not \"%s\"", BACKUP_FORMAT);
    if (!json_is_integer(version) || json_integer_value(version) != BACKUP_VERSION)
        return task_fail(t, "manifest.json: format version %s is not supported (this server reads version %d)",
                         json_is_integer(version) ? arena_printf(r->arena, "%lld", (long long)json_integer_value(version)) : "(missing)",
                         BACKUP_VERSION);
    json_t *projects = json_object_get(rs->manifest, "projects"), *atts = json_object_get(rs->manifest, "attachments");
    if (!json_is_array(projects) || json_array_size(projects) == 0 ||
        json_array_size(projects) > BACKUP_MAX_PROJECTS || !json_is_array(atts) ||
        json_array_size(atts) > BACKUP_MAX_ATTACHMENTS)
        return task_fail(t, "manifest.json: projects must be a list of 1 to %d and attachments a list of at "
                         "most %d", BACKUP_MAX_PROJECTS, BACKUP_MAX_ATTACHMENTS);
    rs->nprojects = (int)json_array_size(projects);
    rs->projects = arena_alloc(r->arena, sizeof *rs->projects * (size_t)rs->nprojects);
    memset(rs->projects, 0, sizeof *rs->projects * (size_t)rs->nprojects);
    size_t total = 0;
    for (int i = 0; i < rs->nprojects; i++) {
        json_t *project = json_array_get(projects, (size_t)i), *files = json_object_get(project, "files");
        const char *name = json_string_value(json_object_get(project, "name"));
        struct rproject *rp = &rs->projects[i];
        rp->name = name ? arena_strtrim(r->arena, name) : NULL;
        if (!rp->name || !*rp->name || strlen(rp->name) > FILE_NAME_MAX - 20)
            return task_fail(t, "manifest.json: projects[%d]: the name must be 1 to %d bytes of text", i,
                             FILE_NAME_MAX - 20);
        const char *color = json_string_value(json_object_get(project, "color"));
        rp->color = color && palette_valid(color) ? color : PALETTE_DEFAULT;
        if (!json_is_array(files))
            return task_fail(t, "manifest.json: projects[%d]: files must be a list", i);
        total += json_array_size(files);
    }
    if (total > BACKUP_MAX_FILES)
        return task_fail(t, "manifest.json: more than %d files", BACKUP_MAX_FILES);
    rs->nfiles = (int)total;
    rs->files = arena_alloc(r->arena, sizeof *rs->files * ((size_t)rs->nfiles + 1));
    memset(rs->files, 0, sizeof *rs->files * ((size_t)rs->nfiles + 1));
    int at = 0;
    for (int i = 0; i < rs->nprojects; i++) {
        json_t *files = json_object_get(json_array_get(projects, (size_t)i), "files");
        for (size_t k = 0; k < json_array_size(files); k++, at++) {
            rs->files[at].project = i;
            if (check_file(t, rs, json_array_get(files, k), at) != 0)
                return TASK_FAILED;
        }
    }
    rs->natts = (int)json_array_size(atts);
    rs->atts = arena_alloc(r->arena, sizeof *rs->atts * ((size_t)rs->natts + 1));
    memset(rs->atts, 0, sizeof *rs->atts * ((size_t)rs->natts + 1));
    for (int i = 0; i < rs->natts; i++)
        if (check_attachment(t, rs, json_array_get(atts, (size_t)i), i) != 0)
            return TASK_FAILED;
    for (int i = 0; i < rs->nentries; i++)
        if (!rs->used[i])
            return task_fail(t, "the archive holds \"%s\", which its manifest does not name", rs->entries[i].name);
    return 0;
}

/* replace_all: text with every occurrence of from replaced by to (arena). */
static const char *replace_all(struct arena *a, const char *text, const char *from, const char *to)
{
    if (!strstr(text, from))
        return text;
    struct buf *b = buf_arena(a);
    size_t fl = strlen(from);
    for (const char *p = text, *hit; *p; p = hit + fl) {
        if (!(hit = strstr(p, from))) {
            buf_puts(b, p);
            break;
        }
        buf_append(b, p, (size_t)(hit - p));
        buf_puts(b, to);
    }
    return buf_cstr(b);
}

/* fresh_id: a new random id for a diagram row ("r" and 24 hex digits, arena). */
static const char *fresh_id(struct arena *a)
{
    unsigned char raw[12];
    randombytes_buf(raw, sizeof raw);
    char *out = arena_alloc(a, 2 * sizeof raw + 2);
    out[0] = 'r';
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 1 + 2 * i, 3, "%02x", raw[i]);
    return out;
}

/* remap_key: obj[key], a string id, replaced by its new id in map (added when absent and
 * fresh is set). */
static void remap_key(struct arena *a, json_t *map, json_t *obj, const char *key, int fresh)
{
    const char *old = json_string_value(json_object_get(obj, key));
    if (!old)
        return;
    json_t *to = json_object_get(map, old);
    if (!to && fresh)
        json_object_set_new(map, old, to = json_string(fresh_id(a)));
    if (to)
        json_object_set(obj, key, to);
}

/* remap_diagram: new ids for the entities, columns and relationships of a diagram model (their
 * ids are unique across all diagrams: the original may still exist on this server), with every
 * reference between them following. */
static void remap_diagram(struct arena *a, json_t *doc)
{
    json_t *map = json_object(), *e, *c, *rel;
    size_t i, k;
    json_array_foreach(json_object_get(doc, "entities"), i, e) {
        remap_key(a, map, e, "id", 1);
        json_array_foreach(json_object_get(e, "columns"), k, c)
            remap_key(a, map, c, "id", 1);
    }
    json_array_foreach(json_object_get(doc, "relationships"), i, rel) {
        remap_key(a, map, rel, "id", 1);
        static const char *const refs[] = {"source_entity_id", "target_entity_id", "source_column_id",
                                           "target_column_id"};
        for (size_t j = 0; j < sizeof refs / sizeof refs[0]; j++)
            remap_key(a, map, rel, refs[j], 0);
    }
    json_decref(map);
}

/* restore_file: create the file rf in project pid with its attachments, then its content
 * through the kind's PUT handler, then its history.  0 or TASK_FAILED. */
static int restore_file(struct task_run *t, struct restore *rs, struct rfile *rf, const char *pid)
{
    struct req *r = &t->work;
    PGresult *res = db_query(r, rf->fk->sql_insert, DB_ARGS(rf->title, t->owner, pid));
    if (!res || PQntuples(res) != 1)
        return task_fail(t, "the %s \"%s\" could not be created", rf->bk->kind, rf->title);
    rf->new_uid = db_val(res, 0, 0);
    PGresult *row = db_query(r, arena_printf(r->arena, "SELECT id::text, _version FROM %s WHERE uid = $1",
                                             rf->fk->table), DB_ARGS(rf->new_uid));
    if (!row || PQntuples(row) != 1)
        return task_fail(t, "the %s \"%s\" could not be read back", rf->bk->kind, rf->title);
    for (int i = 0; i < rs->natts; i++) {
        struct ratt *ra = &rs->atts[i];
        if (strcmp(ra->file_uid, rf->uid) != 0)
            continue;
        const int lengths[] = {-1, -1, -1, -1, -1, (int)ra->entry->len};
        PGresult *a = db_query_bin(r,
            "INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256) "
            "VALUES ($1, $2, $3, $4, $5::int, $6::bytea, encode(sha256($6::bytea), 'hex')) RETURNING uid",
            (const char *const[]){t->owner, ra->file_kind, rf->new_uid, ra->mime,
                                  arena_printf(r->arena, "%zu", ra->entry->len), ra->entry->data},
            lengths, 6, 0);
        if (!a || PQntuples(a) != 1)
            return task_fail(t, "an attachment of \"%s\" could not be stored", rf->title);
        ra->new_uid = db_val(a, 0, 0);
    }
    const char *text = arena_strndup(r->arena, rf->doc->data, rf->doc->len);
    for (int i = 0; i < rs->natts; i++)
        if (rs->atts[i].new_uid && strcmp(rs->atts[i].file_uid, rf->uid) == 0)
            text = replace_all(r->arena, text, arena_printf(r->arena, "/attachments/%s", rs->atts[i].uid),
                               arena_printf(r->arena, "/attachments/%s", rs->atts[i].new_uid));
    json_t *doc = json_loads(text, 0, NULL);
    json_object_set_new(doc, "_version", json_integer(db_int(row, 0, 1)));
    json_object_set_new(doc, "uid", json_string(rf->new_uid));
    if (strcmp(rf->bk->kind, "diagram") == 0)
        remap_diagram(r->arena, doc);
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    const char *b = body ? arena_strdup(r->arena, body) : "";
    free(body);
    if (call_api(r, rf->bk->put, "PUT", rf->new_uid, b, strlen(b)) != 200)
        return task_fail(t, "the %s \"%s\" was refused: %s", rf->bk->kind, rf->title, api_message(r));
    size_t k;
    json_t *s;
    json_array_foreach(rf->snaps, k, s) {
        json_t *name = json_object_get(s, "name");
        if (!db_query(r, "INSERT INTO entity_changes (entity_type, entity_id, version, user_id, changes, "
                         "change_type, created_at, name, is_named) "
                         "VALUES ($1, $2, $3::int, $4, $5, $6, $7::timestamptz, $8, $9::boolean)",
                      DB_ARGS(rf->fk->table, db_val(row, 0, 0),
                              arena_printf(r->arena, "%lld", (long long)json_integer_value(json_object_get(s, "version"))),
                              t->owner, json_string_value(json_object_get(s, "changes")),
                              json_string_value(json_object_get(s, "change_type")),
                              json_string_value(json_object_get(s, "created_at")),
                              json_is_string(name) ? json_string_value(name) : NULL,
                              json_is_true(json_object_get(s, "is_named")) ? "true" : "false")))
            return task_fail(t, "a history snapshot of \"%s\" could not be stored", rf->title);
    }
    return 0;
}

static void restore_free(struct restore *rs)
{
    for (int i = 0; rs->files && i < rs->nfiles; i++)
        json_decref(rs->files[i].snaps);
    json_decref(rs->manifest);
}

static int restore_run(struct task_run *t, struct restore *rs)
{
    struct req *r = &t->work;
    int rc = task_step(t, 2, "Checking the archive before anything is written.");
    if (rc != TASK_OK || (rc = restore_check(t, rs)) != TASK_OK)
        return rc;
    if ((rc = task_step(t, 10, "The archive is valid: %d project%s, %d file%s, %d attachment%s, "
                        "%d history snapshot%s. Restoring into new projects.", rs->nprojects,
                        rs->nprojects == 1 ? "" : "s", rs->nfiles, rs->nfiles == 1 ? "" : "s", rs->natts,
                        rs->natts == 1 ? "" : "s", rs->nsnaps, rs->nsnaps == 1 ? "" : "s")) != TASK_OK)
        return rc;
    json_t *made = json_array();
    for (int i = 0; i < rs->nprojects; i++) {
        struct rproject *rp = &rs->projects[i];
        const char *name = arena_printf(r->arena, "%s (restored)", rp->name);
        PGresult *p = db_query(r,
            "INSERT INTO projects (uid, name, user_id, color, created_at, updated_at) "
            "VALUES (gen_random_uuid()::text, $1, $2, $3, now(), now()) RETURNING id::text, uid",
            DB_ARGS(name, t->owner, rp->color));
        if (!p || PQntuples(p) != 1) {
            json_decref(made);
            return task_fail(t, "the new project \"%s\" could not be created", name);
        }
        rp->new_id = db_val(p, 0, 0);
        rp->new_uid = db_val(p, 0, 1);
        json_array_append_new(made, json_pack("{s:s, s:s, s:s}", "uid", rp->new_uid, "name", name,
                                              "url", arena_printf(r->arena, "/projects/%s", rp->new_uid)));
    }
    int counts[BACKUP_KIND_COUNT] = {0};
    for (int i = 0; i < rs->nfiles; i++) {
        struct rfile *rf = &rs->files[i];
        if ((rc = restore_file(t, rs, rf, rs->projects[rf->project].new_id)) != TASK_OK ||
            (rc = task_step(t, 10 + 88 * (i + 1) / rs->nfiles, "Restored the %s \"%s\".", rf->bk->kind,
                            rf->title)) != TASK_OK) {
            json_decref(made);
            return rc;
        }
        counts[rf->bk - backup_kinds]++;
    }
    struct buf *what = buf_arena(r->arena);
    json_t *per_kind = json_object();
    for (int k = 0; k < BACKUP_KIND_COUNT; k++) {
        json_object_set_new(per_kind, backup_kinds[k].kind, json_integer(counts[k]));
        buf_printf(what, "%s%d %s%s", k ? ", " : "", counts[k], backup_kinds[k].kind, counts[k] == 1 ? "" : "s");
    }
    json_t *map = json_object();
    for (int i = 0; i < rs->nfiles; i++)
        json_object_set_new(map, rs->files[i].uid, json_string(rs->files[i].new_uid));
    json_t *amap = json_object();
    for (int i = 0; i < rs->natts; i++)
        json_object_set_new(amap, rs->atts[i].uid, json_string(rs->atts[i].new_uid));
    /* project_uid / project_url / project_name: the first (for a one-project backup, the) project. */
    const struct rproject *first = &rs->projects[0];
    const char *url = arena_printf(r->arena, "/projects/%s", first->new_uid);
    t->result = json_pack("{s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:o, s:o}", "project_uid", first->new_uid,
                          "project_url", url, "project_name",
                          arena_printf(r->arena, "%s (restored)", first->name), "projects", made,
                          "files", per_kind, "attachments", rs->natts, "history", rs->nsnaps,
                          "file_uids", map, "attachment_uids", amap);
    if (rs->nprojects == 1)
        return task_step(t, 100, "Restored %s (%d attachment%s, %d history snapshot%s) into the new "
                         "project \"%s (restored)\" at %s.", buf_cstr(what), rs->natts,
                         rs->natts == 1 ? "" : "s", rs->nsnaps, rs->nsnaps == 1 ? "" : "s", first->name, url);
    return task_step(t, 100, "Restored %d projects with %s (%d attachment%s, %d history snapshot%s) as new "
                     "projects named \"… (restored)\".", rs->nprojects, buf_cstr(what), rs->natts,
                     rs->natts == 1 ? "" : "s", rs->nsnaps, rs->nsnaps == 1 ? "" : "s");
}

int restore_task_run(struct task_run *t)
{
    struct restore rs;
    memset(&rs, 0, sizeof rs);
    int rc = restore_run(t, &rs);
    restore_free(&rs);
    return rc;
}
