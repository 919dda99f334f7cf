/* page_account.c — the signed-in user's settings: change password (and sign out other
 * sessions), sign out everywhere else, delete the account with all its data. */
#include "auth.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <string.h>

static void account_render(struct req *r, int status, json_t *errors)
{
    PGresult *res = db_query(r, "SELECT count(*) FROM sessions WHERE user_id = $1 AND token <> $2",
                             DB_ARGS(r->user->id, r->session_token_hash));
    if (!res) {
        json_decref(errors);
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "sessions", json_integer(db_int(res, 0, 0)));
    json_object_set_new(ctx, "errors", errors ? errors : json_object());
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
            account_render(r, 422, json_pack("{s:s}", "current", "That is not your current password."));
        return;
    }
    const char *msg = auth_password_message(auth_password_check(pw ? pw : ""));
    if (msg) {
        account_render(r, 422, json_pack("{s:s}", "password", msg));
        return;
    }
    char hash[AUTH_HASH_MAX];
    const char *logout = req_form(r, "logout_others");
    /* The other sessions go first, in the request's transaction: should storing the password
     * (the sign-in role's own statement, committed at once) fail, that is rolled back too. */
    if (auth_hash_password(pw, hash) != 0 ||
        (logout && strcmp(logout, "1") == 0 &&
         !db_query(r, "DELETE FROM sessions WHERE user_id = $1 AND token <> $2",
                   DB_ARGS(r->user->id, r->session_token_hash))) ||
        !db_auth_query(r, "SELECT card_password_set($1, $2, true)", DB_ARGS(r->user->id, hash))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, "/account?done=saved");
}

void page_account_revoke(struct req *r)
{
    if (!db_query(r, "DELETE FROM sessions WHERE user_id = $1 AND token <> $2",
                  DB_ARGS(r->user->id, r->session_token_hash))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, "/account?done=saved");
}

/* Everything of the user's, children first; the users row last (sessions cascade). */
static const char *const delete_account_sql[] = {
    "DELETE FROM entity_changes WHERE user_id = $1",
    "DELETE FROM diagrams WHERE user_id = $1",
    "DELETE FROM notes WHERE user_id = $1",
    "DELETE FROM drawings WHERE user_id = $1",
    "DELETE FROM flowcharts WHERE user_id = $1",
    "DELETE FROM projects WHERE user_id = $1",
    "DELETE FROM sessions WHERE user_id = $1",
    "DELETE FROM users WHERE id = $1",
};

void page_account_delete(struct req *r)
{
    int failed_db;
    if (!current_password_ok(r, &failed_db)) {
        if (failed_db)
            page_db_error(r);
        else
            account_render(r, 422, json_pack("{s:s}", "delete", "Enter your password to delete the account."));
        return;
    }
    for (size_t i = 0; i < sizeof delete_account_sql / sizeof delete_account_sql[0]; i++) {
        if (!db_query(r, delete_account_sql[i], DB_ARGS(r->user->id))) {
            page_db_error(r);
            return;
        }
    }
    auth_end_session(r);
    resp_redirect(r, "/signup");
}
