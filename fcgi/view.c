/* view.c — page rendering through the template set and the shared root context. */
#include "view.h"
#include "app.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "tmpl.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void json_release(void *j)
{
    json_decref(j);
}

json_t *view_keep(struct req *r, json_t *j)
{
    if (j)
        arena_defer(r->arena, json_release, j);
    return j;
}

json_t *view_field_error(struct req *r, const char *field, const char *message)
{
    return view_keep(r, json_pack("{s:s}", field, message));
}

json_t *view_ctx(struct req *r)
{
    json_t *ctx = view_keep(r, json_object());
    json_object_set_new(ctx, "app_name", json_string("Cardinality"));
    json_object_set_new(ctx, "asset_version", json_string(g_app.cfg.asset_version));
    json_object_set_new(ctx, "static_url", json_sprintf("/static/%s", g_app.cfg.asset_version));
    json_object_set_new(ctx, "csrf", json_string(r->csrf ? r->csrf : ""));
    if (r->user) {
        json_object_set_new(ctx, "user", json_pack("{s:s, s:s, s:b}", "name", r->user->name,
                                                   "email", r->user->email, "is_super_admin",
                                                   r->user->is_super_admin));
        /* the organization switcher in the header (sql/021; none when the transaction failed) */
        PGresult *orgs = r->db && !r->db->failed && !r->db->fake_exec
            ? db_query(r, "SELECT uid, name FROM organizations ORDER BY lower(name) LIMIT 20", DB_NOARGS) : NULL;
        json_t *menu = json_array();
        for (int i = 0; orgs && i < PQntuples(orgs); i++)
            json_array_append_new(menu, json_pack("{s:s, s:s}", "uid", db_val(orgs, i, 0), "name", db_val(orgs, i, 1)));
        json_object_set_new(ctx, "has_orgs_menu", json_boolean(json_array_size(menu) > 0));
        json_object_set_new(ctx, "orgs_menu", menu);
    }
    return ctx;
}

void view_render(struct req *r, int status, const char *name, json_t *ctx)
{
    struct buf err = BUF_INIT;
    if (g_app.cfg.dev)
        app_load_templates(&g_app);
    buf_reset(r->resp_body);
    pthread_rwlock_rdlock(&g_app.lock);
    int rc = tmpl_render(g_app.templates, name, ctx, r->resp_body, &err);
    pthread_rwlock_unlock(&g_app.lock);
    if (rc != 0) {
        log_msg("view: template %s: %s", name, buf_cstr(&err));
        buf_free(&err);
        static const char msg[] = "Internal error: a page template is missing.\n";
        resp_text(r, 500, "text/plain; charset=utf-8", msg, sizeof msg - 1);
        return;
    }
    buf_free(&err);
    r->status = status;
    r->resp_type = "text/html; charset=utf-8";
}

void page_error(struct req *r, int status, const char *title, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(r->arena, fmt, ap);
    va_end(ap);
    buf_reset(r->resp_headers);
    if (req_wants_json(r)) {
        static const struct { int status; const char *code; } codes[] = {
            {400, "bad_request"}, {401, "unauthorized"}, {403, "forbidden"}, {404, "not_found"},
            {405, "method_not_allowed"}, {409, "conflict"}, {413, "too_large"},
            {415, "unsupported_media_type"}, {421, "misdirected"}, {422, "invalid"}, {429, "too_many_requests"},
            {503, "unavailable"},
        };
        const char *code = "error";
        for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
            if (codes[i].status == status)
                code = codes[i].code;
        resp_json_error(r, status, code, "%s", msg);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "status", json_integer(status));
    json_object_set_new(ctx, "title", json_string(title));
    json_object_set_new(ctx, "message", json_string(msg));
    view_render(r, status, "error", ctx);
    if (r->status == 500 && status != 500)
        r->status = status;
}

char *view_script_text(struct arena *a, const char *text)
{
    struct buf *b = buf_arena(a);
    size_t start = 0, i = 0;
    for (;;) {
        i += strcspn(text + i, "<>&\xE2");   /* runs with nothing to replace go in one copy */
        if (!text[i])
            break;
        const char *rep = NULL;
        size_t skip = 1;
        const unsigned char *u = (const unsigned char *)text + i;
        if (text[i] == '<') rep = "\\u003c";
        else if (text[i] == '>') rep = "\\u003e";
        else if (text[i] == '&') rep = "\\u0026";
        else if (u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)) {
            rep = u[2] == 0xA8 ? "\\u2028" : "\\u2029";
            skip = 3;
        }
        if (!rep) {
            i++;
            continue;
        }
        buf_append(b, text + start, i - start);
        buf_puts(b, rep);
        i += skip;
        start = i;
    }
    buf_append(b, text + start, i - start);
    return b->data;
}

char *view_script_json(struct arena *a, const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *out = view_script_text(a, s ? s : "null");
    free(s);
    return out;
}

const char *view_ago(struct arena *a, double epoch)
{
    double d = (double)time(NULL) - epoch;
    static const struct { double limit, unit; const char *one, *many; } steps[] = {
        {3600, 60, "1 minute ago", "%d minutes ago"},
        {86400, 3600, "1 hour ago", "%d hours ago"},
        {86400 * 30, 86400, "yesterday", "%d days ago"},
    };
    if (d < 60)
        return "just now";
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (d < steps[i].limit) {
            int n = (int)(d / steps[i].unit);
            return n <= 1 ? steps[i].one : arena_printf(a, steps[i].many, n);
        }
    }
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[32];
    strftime(out, sizeof out, "%b %e, %Y", &tm);
    return arena_strdup(a, out);
}

const char *view_iso(struct arena *a, double epoch)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[32];
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(a, out);
}

void page_db_error(struct req *r)
{
    if (db_unavailable(r->db) || db_sqlstate_is(r->db, DB_SQLSTATE_CONNECTION))
        page_error(r, 503, "Service unavailable", "The database is unavailable; try again in a moment.");
    else
        page_error(r, 500, "Internal error", "Something went wrong; nothing was saved.");
}

void view_flash(struct req *r, json_t *ctx)
{
    static const struct { const char *code, *message; } flashes[] = {
        {"project-deleted", "Project moved to the trash."},
        {"file-deleted", "File moved to the trash."},
        {"restored", "Restored from the trash."},
        {"purged", "Deleted forever."},
        {"saved", "Changes saved."},
        {"shared", "Sharing settings saved."},
        {"version-saved", "Version saved."},
        {"version-restored", "Version restored. The state before it is in the history."},
        {"signed-up", "If this address can be used, your account is ready: sign in to continue."},
        {"password-reset", "Your new password is set: sign in with it."},
    };
    const char *code = req_query(r, "done");
    for (size_t i = 0; code && i < sizeof flashes / sizeof flashes[0]; i++)
        if (strcmp(code, flashes[i].code) == 0)
            json_object_set_new(ctx, "flash", json_string(flashes[i].message));
}
