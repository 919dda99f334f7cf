/* page_admin_users.c — /admin/users, the super admin's list of accounts (search by e-mail or
 * name, 50 a page) with disable/enable, make admin/remove admin and a single-use password reset
 * link shown once (sql/028_admin_users.sql does the checks: the last enabled super admin stays,
 * nobody disables themselves); the same as JSON: PUT /api/admin/users/{id}
 * {"disabled"?: bool, "is_super_admin"?: bool}, POST /api/admin/users/{id}/reset-link → 201
 * {"url", "expires_at"}.  Everyone else gets 404 (admin.h). */
#include "admin.h"
#include "app.h"
#include "auth.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "http.h"
#include "view.h"
#include <string.h>

enum { USERS_PER_PAGE = 50, RESET_HOURS = 24 };

/* What a failed card_admin_user_set / card_password_reset_create means, by SQLSTATE. */
static const struct {
    const char *state;
    int status;
    const char *code, *message;
} user_errors[] = {
    {"CN403", 422, "invalid", "You cannot disable your own account."},
    {"CN409", 409, "last_admin", "The instance keeps at least one enabled super admin: make someone else a "
                                 "super admin first."},
};

/* A page's worth of the matching users (card_admin_users), or NULL after a failed query. */
static PGresult *users_query(struct req *r, const char *q, long long page)
{
    return db_query(r, "SELECT id, email, name, is_super_admin, disabled, created, last_seen, total "
                       "FROM card_admin_users($1, $2, $3)",
                    DB_ARGS(q, arena_printf(r->arena, "%d", USERS_PER_PAGE),
                            arena_printf(r->arena, "%lld", (page - 1) * USERS_PER_PAGE)));
}

/* users_json: the rows for the template; the row of error_id carries error. */
static json_t *users_json(struct req *r, const PGresult *res, const char *error_id, const char *error)
{
    json_t *rows = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = db_val(res, i, 0);
        json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:b}", "id", id, "email", db_val(res, i, 1),
                              "name", db_val(res, i, 2), "is_super_admin", db_bool(res, i, 3),
                              "disabled", db_bool(res, i, 4), "created", db_val(res, i, 5),
                              "last_seen", db_val(res, i, 6), "is_me", strcmp(id, r->user->id) == 0);
        if (error_id && error && strcmp(id, error_id) == 0)
            json_object_set_new(o, "error", json_string(error));
        json_array_append_new(rows, o);
    }
    return rows;
}

/* pager: ctx.pager {page, pages, prev, next} (links keep the search). */
static void pager(struct req *r, json_t *ctx, const char *q, long long page, long long total)
{
    long long pages = total ? (total + USERS_PER_PAGE - 1) / USERS_PER_PAGE : 1;
    json_t *p = json_pack("{s:I, s:I, s:I}", "page", page, "pages", pages, "total", total);
    struct buf *b = buf_arena(r->arena);
    html_url_arg(b, q);
    const char *qa = buf_cstr(b);
    if (page > 1)
        json_object_set_new(p, "prev", json_string(arena_printf(r->arena, "/admin/users?q=%s&page=%lld", qa, page - 1)));
    if (page < pages)
        json_object_set_new(p, "next", json_string(arena_printf(r->arena, "/admin/users?q=%s&page=%lld", qa, page + 1)));
    json_object_set_new(ctx, "pager", p);
}

/* users_render: the page; error (for user error_id) beside that user; reset: a link just made. */
static void users_render(struct req *r, int status, const char *error_id, const char *error, json_t *reset)
{
    long long page;
    const char *q = arena_strtrim(r->arena, req_query(r, "q"));
    if (strlen(q) > 200 || !http_utf8_valid(q, strlen(q)))
        q = "";
    if (req_query_int(r, "page", 1, 1000000, 1, &page) != 0)
        page = 1;
    PGresult *res = users_query(r, q, page);
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "users", users_json(r, res, error_id, error));
    json_object_set_new(ctx, "q", json_string(q));
    pager(r, ctx, q, page, PQntuples(res) ? db_int(res, 0, 7) : 0);
    if (reset)
        json_object_set_new(ctx, "reset", reset);
    json_object_set_new(ctx, "errors", error && !error_id ? view_field_error(r, "form", error) : json_object());
    admin_tabs(r, ctx, "users");
    view_flash(r, ctx);
    view_render(r, status, "admin_users", ctx);
}

void page_admin_users(struct req *r)
{
    if (admin_gate(r))
        users_render(r, 200, NULL, NULL, NULL);
}

/* user_set: card_admin_user_set(id, disabled, admin) ("t"/"f"/NULL).  0; else 1 with *status,
 * *code and *message (the transaction still usable), or -1 after a failed query. */
static int user_set(struct req *r, const char *id, const char *disabled, const char *admin, int *status,
                    const char **code, const char **message)
{
    if (db_try(r) != 0)
        return -1;
    if (db_query(r, "SELECT card_admin_user_set($1, $2::boolean, $3::boolean)", DB_ARGS(id, disabled, admin)))
        return 0;
    if (db_sqlstate_is(r->db, "CN002") || db_sqlstate_is(r->db, "42501")) {
        *status = 404, *code = "not_found", *message = "There is no such user.";
        return db_try_undo(r) == 0 ? 1 : -1;
    }
    for (size_t i = 0; i < sizeof user_errors / sizeof user_errors[0]; i++)
        if (db_sqlstate_is(r->db, user_errors[i].state)) {
            *status = user_errors[i].status, *code = user_errors[i].code, *message = user_errors[i].message;
            return db_try_undo(r) == 0 ? 1 : -1;
        }
    return -1;
}

/* user_form: one of the page's buttons: the change, then back to the list (or the error beside
 * the user). */
static void user_form(struct req *r, const char *disabled, const char *admin)
{
    if (!admin_gate(r))
        return;
    int status = 0;
    const char *code = NULL, *message = NULL;
    int rc = user_set(r, r->params[0], disabled, admin, &status, &code, &message);
    if (rc < 0)
        page_db_error(r);
    else if (rc == 0)
        resp_redirect(r, "/admin/users?done=saved");
    else if (status == 404)
        page_error(r, 404, "Page not found", "There is no such user.");
    else
        users_render(r, status, r->params[0], message, NULL);
}

void page_admin_user_disable(struct req *r)
{
    user_form(r, "t", NULL);
}

void page_admin_user_enable(struct req *r)
{
    user_form(r, "f", NULL);
}

void page_admin_user_admin(struct req *r)
{
    user_form(r, NULL, req_form_bool(r, "admin") ? "t" : "f");
}

/* reset_create: a new reset link for user id: *url (with the token: shown once, stored only as
 * its hash), *email and *expires.  0; 1 no such user; -1 after a failed query. */
static int reset_create(struct req *r, const char *id, const char **url, const char **email,
                        const char **expires)
{
    const char *token = auth_new_token(r->arena);
    PGresult *res = db_query(r, "SELECT email, expires FROM card_password_reset_create($1, $2, $3)",
                             DB_ARGS(id, auth_token_hash(r->arena, token), arena_printf(r->arena, "%d", RESET_HOURS)));
    if (!res)
        return db_sqlstate_is(r->db, "CN002") || db_sqlstate_is(r->db, "42501") ? 1 : -1;
    *url = arena_printf(r->arena, "%s/reset-password/%s", g_app.cfg.base_url, token);
    *email = db_val(res, 0, 0);
    *expires = db_val(res, 0, 1);
    return 0;
}

void page_admin_user_reset(struct req *r)
{
    if (!admin_gate(r))
        return;
    const char *url, *email, *expires;
    int rc = reset_create(r, r->params[0], &url, &email, &expires);
    if (rc > 0)
        page_error(r, 404, "Page not found", "There is no such user.");
    else if (rc < 0)
        page_db_error(r);
    else
        users_render(r, 200, NULL, NULL, json_pack("{s:s, s:s, s:s}", "url", url, "expires", expires, "email", email));
}

/* ---- JSON ------------------------------------------------------------------------------------ */

/* flag_arg: "t"/"f" for a JSON boolean member, NULL when absent; *bad when it is another type. */
static const char *flag_arg(json_t *b, const char *key, int *bad)
{
    json_t *v = json_object_get(b, key);
    if (!v)
        return NULL;
    if (!json_is_boolean(v))
        *bad = 1;
    return json_is_true(v) ? "t" : "f";
}

void api_admin_user_put(struct req *r)
{
    if (!admin_gate(r))
        return;
    json_t *b = view_keep(r, json_loadb(r->body, r->body_len, 0, NULL));
    int bad = !json_is_object(b);
    const char *disabled = bad ? NULL : flag_arg(b, "disabled", &bad);
    const char *admin = bad ? NULL : flag_arg(b, "is_super_admin", &bad);
    if (bad) {
        resp_json_error(r, 422, "invalid", "Send {\"disabled\"?: true|false, \"is_super_admin\"?: true|false}.");
        return;
    }
    int status = 0;
    const char *code = NULL, *message = NULL;
    int rc = user_set(r, r->params[0], disabled, admin, &status, &code, &message);
    if (rc < 0)
        page_db_error(r);
    else if (rc > 0)
        resp_json_error(r, status, code, "%s", message);
    else
        resp_json(r, 200, json_pack("{s:b}", "saved", 1));
}

void api_admin_user_reset(struct req *r)
{
    if (!admin_gate(r))
        return;
    const char *url, *email, *expires;
    int rc = reset_create(r, r->params[0], &url, &email, &expires);
    if (rc > 0)
        resp_json_error(r, 404, "not_found", "There is no such user.");
    else if (rc < 0)
        page_db_error(r);
    else
        resp_json(r, 201, json_pack("{s:s, s:s}", "url", url, "expires_at", expires));
}
