/* page_share.c — what a share link opens (GET /s/:token, .svg, .sql, .md, ?embed=1) and the
 * share dialog's no-JavaScript form (POST /<kind>s/:uid/share).
 *
 * Public pages run in the share transaction dispatch.c opens for R_SHARE routes:
 * app.share_token set, no session looked up, no user — a signed-in owner gets exactly what a
 * stranger gets.  They are plain HTML with inline SVG and no script, and answer 404 with one
 * body for every token that opens nothing (unknown, revoked, private, deleted, in a deleted
 * project) and 410 for an expired one.  Every public answer is marked for nginx's share cache
 * (nginx/server.conf.in): fresh until the end of the current second, so a revoked or expired
 * link stops working everywhere within a second, while a busy link costs the workers one
 * render a second. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "share.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* No script-src (default-src 'none' refuses every script), no forms, no framing — but an
 * embed (?embed=1) may be framed by any site. */
#define SHARE_CSP_BASE "default-src 'none'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; " \
                       "base-uri 'none'; " \
                       "form-action 'none'; "
#define SHARE_CSP SHARE_CSP_BASE "frame-ancestors 'none'"
#define SHARE_EMBED_CSP SHARE_CSP_BASE "frame-ancestors *"

/* One statement: the definer function says whether the token names a file at all, whether
 * it expired and whose it is (sql/014); the file itself is read through row-level security. */
#define SHARED_FILE_BRANCH(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                        \
    "SELECT " FILE_KIND_SQL_NAME(KIND) " AS kind, uid, " #TITLE " AS title, updated_at, _version " \
    "FROM " #TABLE " WHERE share_token = $1"
static const char SQL_SHARED[] =
    "SELECT i.kind, i.expired, i.owner_name, f.uid, f.title, extract(epoch from f.updated_at), "
    "coalesce(f._version, 0) FROM card_share_info() i LEFT JOIN ("
    FILES_UNION(SHARED_FILE_BRANCH) ") f ON f.kind = i.kind";

/* public_headers: what every public answer carries, before anything can fail. */
static void public_headers(struct req *r, int embed)
{
    resp_header(r, "X-Robots-Tag", "noindex, nofollow");
    resp_header(r, "Referrer-Policy", "no-referrer");
    r->csp = embed ? SHARE_EMBED_CSP : SHARE_CSP;
    r->frameable = embed;
    r->cache_control = "public, no-cache";
    resp_headerf(r, "X-Accel-Expires", "@%lld", (long long)time(NULL));
}

/* share_error: the one 404 (or 410) page of the public side. */
static void share_error(struct req *r, int status)
{
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "title", json_string(status == 410 ? "This link has expired"
                                                                : "Page not found"));
    json_object_set_new(ctx, "message", json_string(status == 410
        ? "This link has expired. Ask the person who shared it for a new one."
        : "There is nothing at this address."));
    view_render(r, status, "share_error", ctx);
}

/* human_date: "2026-01-05 14:03 UTC" — fixed text, so a page is the same until it changes. */
static const char *human_date(struct arena *a, double epoch)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    char out[32];
    gmtime_r(&t, &tm);
    strftime(out, sizeof out, "%Y-%m-%d %H:%M UTC", &tm);
    return arena_strdup(a, out);
}

static const char *const format_types[] = {
    [SHARE_PAGE] = "text/html; charset=utf-8",
    [SHARE_SVG] = "image/svg+xml; charset=utf-8",
    [SHARE_SQL] = "text/plain; charset=utf-8",
    [SHARE_MD] = "text/markdown; charset=utf-8",
};

/* render_page: the read-only page (or its embed frame) around the kind's fragment. */
static void render_page(struct req *r, const struct file_kind *fk, PGresult *f, const char *body,
                        int embed)
{
    json_t *ctx = view_ctx(r);
    const char *link = arena_printf(r->arena, "/s/%s", r->params[0]);
    json_t *file = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", fk->kind,
        "kind_label", fk->label, "title", db_val(f, 0, 4), "owner", db_val(f, 0, 2),
        "updated_iso", view_iso(r->arena, strtod(db_val(f, 0, 5), NULL)),
        "updated_human", human_date(r->arena, strtod(db_val(f, 0, 5), NULL)), "url", link);
    static const struct { const char *key, *ext; enum share_format fmt; } formats[] = {
        {"svg_url", ".svg", SHARE_SVG}, {"sql_url", ".sql", SHARE_SQL}, {"md_url", ".md", SHARE_MD},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (fk->publish && fk->publish(r, NULL, formats[i].fmt, NULL) == 0)
            json_object_set_new(file, formats[i].key, json_sprintf("%s%s", link, formats[i].ext));
    json_object_set_new(ctx, "file", file);
    json_object_set_new(ctx, "body", json_stringn_nocheck(body, strlen(body)));
    view_render(r, 200, embed ? "share_embed" : "share", ctx);
}

/* share_serve: the shared file behind r->params[0] in format fmt. */
static void share_serve(struct req *r, enum share_format fmt)
{
    int embed = fmt == SHARE_PAGE && req_query_bool(r, "embed");
    public_headers(r, embed);
    if (!share_token_valid(r->params[0])) {
        share_error(r, 404);
        return;
    }
    PGresult *f = db_query(r, SQL_SHARED, DB_ARGS(r->params[0]));
    if (!f) {
        page_db_error(r);
        return;
    }
    const struct file_kind *fk = PQntuples(f) == 1 ? file_kind_by_name(db_val(f, 0, 0)) : NULL;
    if (fk && db_bool(f, 0, 1)) {
        share_error(r, 410);
        return;
    }
    if (!fk || db_isnull(f, 0, 3) || (fmt != SHARE_PAGE && !(fk->publish && fk->publish(r, NULL, fmt, NULL) == 0))) {
        share_error(r, 404);
        return;
    }
    const char *etag = arena_printf(r->arena, "\"s%s-%d%d-%s\"", db_val(f, 0, 6), (int)fmt, embed,
                                    g_app.cfg.asset_version);
    resp_header(r, "ETag", etag);
    if (r->if_none_match && strcmp(r->if_none_match, etag) == 0) {
        r->status = 304;
        return;
    }
    struct buf *out = buf_arena(r->arena);
    int rc = fk->publish ? fk->publish(r, db_val(f, 0, 3), fmt, out) : 0;
    if (rc == SHARE_DB) {
        page_db_error(r);
    } else if (rc == SHARE_NO_FORMAT) {
        share_error(r, 404);
    } else if (rc == SHARE_INVALID) {
        static const char msg[] = "This file cannot be shown in this format.\n";
        resp_text(r, 422, "text/plain; charset=utf-8", msg, sizeof msg - 1);
    } else if (fmt == SHARE_PAGE) {
        if (!fk->publish)
            buf_puts(out, "<p class=\"share-none\">A preview of this kind of file is not available yet.</p>");
        render_page(r, fk, f, buf_cstr(out), embed);
    } else {
        resp_text(r, 200, format_types[fmt], buf_cstr(out), out->len);
    }
}

void page_share_show(struct req *r) { share_serve(r, SHARE_PAGE); }
void page_share_svg(struct req *r) { share_serve(r, SHARE_SVG); }
void page_share_sql(struct req *r) { share_serve(r, SHARE_SQL); }
void page_share_md(struct req *r) { share_serve(r, SHARE_MD); }

/* back_to: the page the form came from (a same-origin path), with the flash and the file's
 * dialog as the fragment. */
static const char *back_to(struct req *r, const struct file_kind *fk, const char *uid)
{
    const char *next = req_form(r, "next");
    if (!http_safe_local_path(next) || strchr(next, '#'))
        next = arena_printf(r->arena, "%s%s", fk->url_prefix, uid);
    return arena_printf(r->arena, "%s%sdone=shared#share-%s", next, strchr(next, '?') ? "&" : "?", uid);
}

void page_share_update(struct req *r)
{
    const struct file_kind *fk = file_kind_by_path(r->path);
    const char *uid = r->params[0];
    const char *when = arena_strtrim(r->arena, req_form(r, "expiry_date"));
    double expiry;
    if (!fk || !uid_valid(uid)) {
        page_error(r, 404, "Page not found", "There is no such file.");
        return;
    }
    if (*when && share_time_parse(when, &expiry) != 0) {
        page_error(r, 422, "Invalid expiry date",
                   "Enter the expiry as a date and time with its zone, e.g. 2026-12-31T23:59Z "
                   "(UTC) or 2026-12-31T23:59+02:00, or leave it empty for a link that never expires.");
        return;
    }
    struct share_state st;
    int rc = share_set(r, fk, uid, req_form_bool(r, "is_public"), *when ? &expiry : NULL,
                       req_form_bool(r, "regenerate"), &st);
    if (rc == SHARE_SET_NOT_FOUND)
        page_error(r, 404, "Page not found", "There is no such file.");
    else if (rc != 0)
        page_db_error(r);
    else
        resp_redirect(r, back_to(r, fk, uid));
}
