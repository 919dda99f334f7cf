/* page_reset.c — GET/POST /reset-password/{token}: the single-use link a super admin made on
 * /admin/users (sql/028_admin_users.sql).  The page asks for a new password (the sign-up rules,
 * auth.h); storing it marks the link used and ends the user's sessions.  An unknown, malformed,
 * used or expired link answers a friendly page (404 / 410), never a crash. */
#include "auth.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <string.h>

/* token_ok: 43 characters of base64url, as auth_new_token makes them. */
static int token_ok(const char *t)
{
    return t && strlen(t) == 43 && strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 43;
}

static void link_gone(struct req *r, int status)
{
    page_error(r, status, status == 410 ? "Link no longer valid" : "Page not found",
               status == 410 ? "This password reset link was already used or has expired. Ask your administrator "
                               "for a new one."
                             : "This password reset link is not valid. Check that you copied all of it.");
}

/* link_state: "open", "used" or "expired" and *email; NULL for an unknown link (or after a
 * failed query: r->db->failed). */
static const char *link_state(struct req *r, const char *token, const char **email)
{
    PGresult *res = db_query(r, "SELECT email, state FROM card_password_reset_info($1)",
                             DB_ARGS(auth_token_hash(r->arena, token)));
    if (!res || PQntuples(res) != 1)
        return NULL;
    *email = db_val(res, 0, 0);
    return db_val(res, 0, 1);
}

static void reset_render(struct req *r, int status, const char *email, json_t *errors)
{
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "token", json_string(r->params[0]));
    json_object_set_new(ctx, "email", json_string(email));
    json_object_set_new(ctx, "errors", errors ? json_incref(errors) : json_object());
    view_render(r, status, "reset_password", ctx);
}

/* open_link: the link's e-mail when it can be used; else NULL after answering. */
static const char *open_link(struct req *r)
{
    const char *email = "";
    const char *state = token_ok(r->params[0]) ? link_state(r, r->params[0], &email) : NULL;
    if (!state && r->db->failed)
        page_db_error(r);
    else if (!state)
        link_gone(r, 404);
    else if (strcmp(state, "open") != 0)
        link_gone(r, 410);
    else
        return email;
    return NULL;
}

void page_reset_form(struct req *r)
{
    const char *email = open_link(r);
    if (email)
        reset_render(r, 200, email, NULL);
}

/* reset_errors: {field: message} for the form, or NULL when the password may be stored. */
static json_t *reset_errors(struct req *r, const char *pw, const char *confirm)
{
    const char *msg = auth_password_message(auth_password_check(pw));
    if (msg)
        return view_field_error(r, "password", msg);
    if (strcmp(pw, confirm) != 0)
        return view_field_error(r, "confirm", "The two passwords differ.");
    return NULL;
}

void page_reset(struct req *r)
{
    const char *email = open_link(r);
    if (!email)
        return;
    const char *pw = req_form(r, "password"), *confirm = req_form(r, "confirm");
    json_t *errors = reset_errors(r, pw ? pw : "", confirm ? confirm : "");
    char hash[AUTH_HASH_MAX];
    if (errors) {
        reset_render(r, 422, email, errors);
        return;
    }
    if (auth_hash_password(pw, hash) != 0) {
        page_error(r, 500, "Internal error", "Could not secure the password.");
        return;
    }
    if (db_auth_query(r, "SELECT card_password_reset_use($1, $2)",
                      DB_ARGS(auth_token_hash(r->arena, r->params[0]), hash)))
        resp_redirect(r, "/login?done=password-reset");
    else if (db_sqlstate_is(r->db, "CN410") || db_sqlstate_is(r->db, "CN001"))
        link_gone(r, 410);    /* used by a concurrent request since the check above */
    else
        page_db_error(r);
}
