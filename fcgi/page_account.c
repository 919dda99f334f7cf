/* page_account.c — the signed-in user's settings: change password (and sign out other
 * sessions), sign out everywhere else, delete the account with all its data. */
#include "auth.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <string.h>

static void account_render(struct req *r, int status, json_t *errors)
{
    PGresult *res = db_query(r, "SELECT count(*) FROM sessions WHERE token <> $1",
                             DB_ARGS(r->session_token_hash));
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "sessions", json_integer(db_int(res, 0, 0)));
    json_object_set_new(ctx, "errors", errors ? json_incref(errors) : json_object());
    view_flash(r, ctx);
    view_render(r, status, "account", ctx);
}

void page_account(struct req *r)
{
    account_render(r, 200, NULL);
}

/* current_password_ok: the form's current_password matches the stored hash. */
static int current_password_ok(struct req *r, int *failed_db)
{
    const char *pw = req_form(r, "current_password");
    *failed_db = 0;
    if (!pw || strlen(pw) > AUTH_PASSWORD_MAX_BYTES)
        return 0;
    PGresult *u = db_auth_query(r, "SELECT password_hash FROM card_login_lookup($1)", DB_ARGS(r->user->email));
    if (!u) {
        *failed_db = 1;
        return 0;
    }
    int rehash;
    return PQntuples(u) == 1 && auth_verify_password(db_val(u, 0, 0), pw, &rehash) == 0;
}

void page_account_password(struct req *r)
{
    int failed_db;
    const char *pw = req_form(r, "password");
    if (!current_password_ok(r, &failed_db)) {
        if (failed_db)
            page_db_error(r);
        else
            account_render(r, 422, view_field_error(r, "current", "That is not your current password."));
        return;
    }
    const char *msg = auth_password_message(auth_password_check(pw ? pw : ""));
    if (msg) {
        account_render(r, 422, view_field_error(r, "password", msg));
        return;
    }
    char hash[AUTH_HASH_MAX];
    int logout_others = req_form_bool(r, "logout_others");
    /* The other sessions go first, in the request's transaction: should storing the password
     * (the sign-in role's own statement, committed at once) fail, that is rolled back too. */
    if (auth_hash_password(pw, hash) != 0 ||
        (logout_others &&
         !db_query(r, "DELETE FROM sessions WHERE token <> $1", DB_ARGS(r->session_token_hash))) ||
        !db_auth_query(r, "SELECT card_password_set($1, $2, true)", DB_ARGS(r->user->id, hash))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, "/account?done=saved");
}

void page_account_revoke(struct req *r)
{
    if (!db_query(r, "DELETE FROM sessions WHERE token <> $1", DB_ARGS(r->session_token_hash))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, "/account?done=saved");
}

/* Everything the user owns, children first, the users row last (sessions cascade).  The
 * owner filter here is the rule itself ("what this account owns"), not an access check. */
static const char *const delete_owned_before_files[] = {
    "DELETE FROM entity_changes WHERE user_id = $1",
};
static const char *const delete_owned_after_files[] = {
    "DELETE FROM projects WHERE user_id = $1",
    "DELETE FROM sessions WHERE user_id = $1",
    "DELETE FROM users WHERE id = $1",
};

/* delete_owned: run each statement of sql[0..n) for the signed-in user; 0 or -1. */
static int delete_owned(struct req *r, const char *const *sql, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!db_query(r, sql[i], DB_ARGS(r->user->id)))
            return -1;
    return 0;
}

void page_account_delete(struct req *r)
{
    int failed_db;
    if (!current_password_ok(r, &failed_db)) {
        if (failed_db)
            page_db_error(r);
        else
            account_render(r, 422, view_field_error(r, "delete", "Enter your password to delete the account."));
        return;
    }
    int rc = delete_owned(r, delete_owned_before_files,
                          sizeof delete_owned_before_files / sizeof *delete_owned_before_files);
    for (int k = 0; rc == 0 && k < FILE_KIND_COUNT; k++)
        rc = db_query(r, file_kinds[k].sql_delete_owned, DB_ARGS(r->user->id)) ? 0 : -1;
    if (rc != 0 || delete_owned(r, delete_owned_after_files,
                                     sizeof delete_owned_after_files / sizeof *delete_owned_after_files) != 0) {
        page_db_error(r);
        return;
    }
    auth_end_session(r);
    resp_redirect(r, "/signup");
}
