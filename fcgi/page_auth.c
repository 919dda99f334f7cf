/* page_auth.c — sign up, sign in, sign out, the home redirect and the health check.  Neither form
 * tells a stranger whether an address has an account (see README.md "Accounts"). */
#include "auth.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <ctype.h>
#include <string.h>

void page_healthz(struct req *r)
{
    static const char ok[] = "ok\n";
    resp_text(r, 200, "text/plain; charset=utf-8", ok, sizeof ok - 1);
}

void page_home(struct req *r)
{
    resp_redirect(r, r->user ? "/dashboard" : "/login");
}

/* safe_next: a local path to return to after login, never another origin. */
static const char *safe_next(const char *next)
{
    return http_safe_local_path(next) ? next : "/dashboard";
}

static char *trimmed_lower(struct req *r, const char *s)
{
    char *out = arena_strtrim(r->arena, s);
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static void render_login(struct req *r, int status, const char *email, const char *next, json_t *errors)
{
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "email", json_string(email ? email : ""));
    json_object_set_new(ctx, "next", json_string(next ? next : ""));
    json_object_set_new(ctx, "errors", errors ? errors : json_object());
    view_flash(r, ctx);
    view_render(r, status, "login", ctx);
}

void page_login_form(struct req *r)
{
    if (r->user) {
        resp_redirect(r, safe_next(req_query(r, "next")));
        return;
    }
    render_login(r, 200, "", req_query(r, "next"), NULL);
}

/* login_failed: one response for unknown email and wrong password alike; the failure counts
 * against this email from this client address, and against the email's hourly ceiling (sql/010). */
static void login_failed(struct req *r, const char *email)
{
    if (!db_query(r, "SELECT card_login_throttle_fail($1, $2)", DB_ARGS(email, r->remote_addr))) {
        page_db_error(r);
        return;
    }
    r->commit_on_error = 1;
    render_login(r, 401, email, req_form(r, "next"),
                 json_pack("{s:s}", "form", "Email or password is incorrect."));
}

/* login_disabled: 1 after answering when the account (whose password was right) is disabled by
 * the administrator (sql/028) or the question failed; 0 when it may sign in. */
static int login_disabled(struct req *r, const char *uid, const char *email)
{
    PGresult *d = db_auth_query(r, "SELECT card_login_disabled($1)", DB_ARGS(uid));
    if (!d) {
        page_db_error(r);
        return 1;
    }
    if (!db_bool(d, 0, 0))
        return 0;
    render_login(r, 403, email, req_form(r, "next"),
                 json_pack("{s:s}", "form", "This account is disabled. Ask your administrator to enable it."));
    return 1;
}

void page_login(struct req *r)
{
    const char *pw = req_form(r, "password");
    char *email = trimmed_lower(r, req_form(r, "email"));
    if (!pw || !*pw || !*email) {
        render_login(r, 422, email, req_form(r, "next"),
                     json_pack("{s:s}", "form", "Enter your email and password."));
        return;
    }
    if (strlen(pw) > AUTH_PASSWORD_MAX_BYTES) {
        page_error(r, 400, "Bad request", "That password is longer than %d bytes.", AUTH_PASSWORD_MAX_BYTES);
        return;
    }
    PGresult *wait = db_query(r, "SELECT card_login_throttle_wait($1, $2)", DB_ARGS(email, r->remote_addr));
    if (!wait) {
        page_db_error(r);
        return;
    }
    if (db_int(wait, 0, 0) > 0) {
        resp_headerf(r, "Retry-After", "%lld", db_int(wait, 0, 0));
        render_login(r, 429, email, req_form(r, "next"),
                     json_pack("{s:s}", "form", "Too many failed attempts. Wait a moment and try again."));
        return;
    }
    PGresult *u = db_auth_query(r, "SELECT user_id, password_hash, coalesce(name, ''), is_super_admin "
                                   "FROM card_login_lookup($1)", DB_ARGS(email));
    if (!u) {
        page_db_error(r);
        return;
    }
    int rehash = 0;
    if (PQntuples(u) != 1) {
        auth_burn_dummy(pw);
        login_failed(r, email);
        return;
    }
    if (auth_verify_password(db_val(u, 0, 1), pw, &rehash) != 0) {
        login_failed(r, email);
        return;
    }
    const char *uid = db_val(u, 0, 0);
    if (login_disabled(r, uid, email))
        return;
    char fresh[AUTH_HASH_MAX];
    if (!db_query(r, "SELECT card_login_throttle_clear($1, $2)", DB_ARGS(email, r->remote_addr)) ||
        auth_start_session(r, uid, email, db_val(u, 0, 2)) != 0 ||
        (rehash && (auth_hash_password(pw, fresh) != 0 ||
                    !db_auth_query(r, "SELECT card_password_set($1, $2, false)", DB_ARGS(uid, fresh))))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, safe_next(req_form(r, "next")));
}

static void render_signup(struct req *r, int status, const char *name, const char *email, json_t *errors)
{
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "name", json_string(name ? name : ""));
    json_object_set_new(ctx, "email", json_string(email ? email : ""));
    json_object_set_new(ctx, "errors", errors ? errors : json_object());
    view_render(r, status, "signup", ctx);
}

void page_signup_form(struct req *r)
{
    if (r->user) {
        resp_redirect(r, "/dashboard");
        return;
    }
    render_signup(r, 200, "", "", NULL);
}

/* signup_errors: field → message for everything wrong with the form, or NULL. */
static json_t *signup_errors(const char *name, const char *email, const char *pw)
{
    json_t *e = json_object();
    if (!*name || strlen(name) > 100)
        json_object_set_new(e, "name", json_string(*name ? "Use at most 100 characters." : "Enter your name."));
    const char *at = strchr(email, '@');
    if (!at || at == email || !strchr(at, '.') || strlen(email) > 254 || strpbrk(email, " <>\"'"))
        json_object_set_new(e, "email", json_string("Enter a valid email address."));
    const char *pm = auth_password_message(auth_password_check(pw));
    if (pm)
        json_object_set_new(e, "password", json_string(pm));
    if (json_object_size(e) == 0) {
        json_decref(e);
        return NULL;
    }
    return e;
}

void page_signup(struct req *r)
{
    const char *pw = req_form(r, "password");
    char *email = trimmed_lower(r, req_form(r, "email"));
    const char *raw_name = req_form(r, "name");
    char *name = arena_strdup(r->arena, raw_name ? raw_name : "");
    for (size_t n = strlen(name); n && isspace((unsigned char)name[n - 1]); n--)
        name[n - 1] = '\0';
    while (isspace((unsigned char)*name))
        name++;
    if (pw && strlen(pw) > AUTH_PASSWORD_MAX_BYTES) {
        page_error(r, 400, "Bad request", "That password is longer than %d bytes.", AUTH_PASSWORD_MAX_BYTES);
        return;
    }
    json_t *errors = signup_errors(name, email, pw ? pw : "");
    if (errors) {
        render_signup(r, 422, name, email, errors);
        return;
    }
    char hash[AUTH_HASH_MAX];
    if (auth_hash_password(pw, hash) != 0) {
        page_error(r, 500, "Internal error", "Could not secure the password.");
        return;
    }
    /* A taken address and a new account get the same answer (no session, the same redirect):
     * without e-mail, anything else tells a stranger which addresses have accounts. */
    if (!db_auth_query(r, "SELECT user_id FROM card_signup_if_new($1, $2, $3)", DB_ARGS(email, name, hash))) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, "/login?done=signed-up");
}

void page_logout(struct req *r)
{
    if (auth_end_session(r) != 0) {
        page_db_error(r);
        return;
    }
    resp_redirect(r, "/login");
}
