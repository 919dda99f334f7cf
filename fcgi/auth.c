/* auth.c — password hashing, tokens, CSRF and sessions (see auth.h and DESIGN.md §4). */

#include "auth.h"
#include "app.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static char dummy_hash[AUTH_HASH_MAX];

/* A few dozen of the most common passwords of 8+ characters (breach corpora). */
static const char *const common_passwords[] = {
    "password", "12345678", "123456789", "1234567890", "qwertyuiop", "password1", "iloveyou",
    "11111111", "00000000", "sunshine", "princess", "football", "baseball", "welcome1",
    "abc12345", "qwerty123", "1q2w3e4r", "1qaz2wsx", "passw0rd", "password123", "superman",
    "trustno1", "starwars", "whatever", "master12", "letmein1", "zaq12wsx", "qazwsxedc",
    "asdfghjkl", "987654321", "88888888", "12341234", "11223344", "computer", "internet",
    "michelle", "jennifer", "q1w2e3r4", "changeme", "administrator", "welcome123",
    "qwertyui", "1234qwer", "a1b2c3d4", "aa123456", "dragon12", "monkey123", "shadow12",
};

int auth_init(void)
{
    if (sodium_init() < 0)
        return -1;
    unsigned char rnd[16];
    char pw[33];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(pw, sizeof pw, rnd, sizeof rnd);
    return auth_hash_password(pw, dummy_hash);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

enum auth_pw_check auth_password_check(const char *pw)
{
    size_t len = strlen(pw);
    if (len > AUTH_PASSWORD_MAX_BYTES)
        return AUTH_PW_LONG;
    if (!http_utf8_valid(pw, len))
        return AUTH_PW_BAD_UTF8;
    if (utf8_chars(pw) < AUTH_PASSWORD_MIN_CHARS)
        return AUTH_PW_SHORT;
    for (size_t i = 0; i < sizeof common_passwords / sizeof common_passwords[0]; i++)
        if (strcasecmp(pw, common_passwords[i]) == 0)
            return AUTH_PW_COMMON;
    return AUTH_PW_OK;
}

const char *auth_password_message(enum auth_pw_check c)
{
    static const struct { enum auth_pw_check code; const char *text; } messages[] = {
        {AUTH_PW_SHORT, "Use at least 8 characters."},
        {AUTH_PW_LONG, "Use at most 1024 bytes."},
        {AUTH_PW_COMMON, "This password is too common; choose another."},
        {AUTH_PW_BAD_UTF8, "The password is not valid text."},
    };
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++)
        if (messages[i].code == c)
            return messages[i].text;
    return NULL;
}

int auth_hash_password(const char *pw, char out[AUTH_HASH_MAX])
{
    return crypto_pwhash_str_alg(out, pw, strlen(pw), AUTH_OPSLIMIT, AUTH_MEMLIMIT,
                                 crypto_pwhash_ALG_ARGON2ID13);
}

static int is_bcrypt(const char *hash)
{
    return strncmp(hash, "$2a$", 4) == 0 || strncmp(hash, "$2b$", 4) == 0 ||
           strncmp(hash, "$2y$", 4) == 0;
}

int auth_verify_password(const char *hash, const char *pw, int *needs_rehash)
{
    *needs_rehash = 0;
    if (strlen(pw) > AUTH_PASSWORD_MAX_BYTES)
        return -1;
    if (strncmp(hash, "$argon2", 7) == 0) {
        if (crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0)
            return -1;
        *needs_rehash = crypto_pwhash_str_needs_rehash(hash, AUTH_OPSLIMIT, AUTH_MEMLIMIT) != 0;
        return 0;
    }
    if (is_bcrypt(hash)) {
        struct crypt_data cd;
        memset(&cd, 0, sizeof cd);
        const char *out = crypt_r(pw, hash, &cd);
        if (!out || out[0] == '*' || strlen(out) != strlen(hash) ||
            sodium_memcmp(out, hash, strlen(hash)) != 0)
            return -1;
        *needs_rehash = 1;
        return 0;
    }
    return -1;
}

void auth_burn_dummy(const char *pw)
{
    if (crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0)
        log_msg("auth: dummy hash matched"); /* cannot happen: random secret */
}

char *auth_new_token(struct arena *a)
{
    unsigned char rnd[AUTH_TOKEN_BYTES];
    randombytes_buf(rnd, sizeof rnd);
    size_t n = sodium_base64_ENCODED_LEN(sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, n);
    sodium_bin2base64(out, n, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

char *auth_token_hash(struct arena *a, const char *token)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    char *out = arena_alloc(a, sizeof h * 2 + 1);
    sodium_bin2hex(out, sizeof h * 2 + 1, h, sizeof h);
    return out;
}

char *auth_csrf_token(struct arena *a, const unsigned char secret[32], const char *binding)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, secret, 32);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf:", 5);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)binding, strlen(binding));
    crypto_auth_hmacsha256_final(&st, mac);
    size_t n = sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, n);
    sodium_bin2base64(out, n, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

int auth_token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb || la == 0)
        return 0;
    return sodium_memcmp(a, b, la) == 0;
}

const char *auth_cookie_name(void)
{
    return g_app.cfg.https ? "__Host-sid" : "sid";
}

static const char *cookie_attrs(void)
{
    return g_app.cfg.https ? "; Path=/; Secure; HttpOnly; SameSite=Lax"
                           : "; Path=/; HttpOnly; SameSite=Lax";
}

static const char *pre_cookie_name(void)
{
    return g_app.cfg.https ? "__Host-pre" : "pre";
}

static void bind_pre_session_csrf(struct req *r)
{
    const char *pre = req_cookie(r, pre_cookie_name());
    if (!pre || strlen(pre) != 43) {
        pre = auth_new_token(r->arena);
        resp_headerf(r, "Set-Cookie", "%s=%s%s", pre_cookie_name(), pre, cookie_attrs());
    }
    r->csrf = auth_csrf_token(r->arena, g_app.secret, arena_printf(r->arena, "pre:%s", pre));
}

static void bind_session_csrf(struct req *r)
{
    r->csrf = auth_csrf_token(r->arena, g_app.secret,
                              arena_printf(r->arena, "sid:%s", r->session_token_hash));
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char SQL_SESSION_LOOKUP[] =
    "SELECT user_id, email, name, is_super_admin, created_epoch, last_seen_epoch, "
    "set_config('app.user_id', user_id, true) FROM card_session_lookup($1)";

int auth_session_step(struct req *r, struct db_step *out)
{
    const char *tok = req_cookie(r, auth_cookie_name());
    if (!tok || strlen(tok) != 43) {
        bind_pre_session_csrf(r);
        return 1;
    }
    char *hash = auth_token_hash(r->arena, tok);
    const char **params = arena_alloc(r->arena, sizeof *params);
    params[0] = hash;
    r->session_token_hash = hash;   /* cleared by auth_session_from when there is no session */
    *out = (struct db_step){SQL_SESSION_LOOKUP, params, 1, 1};
    return 0;
}

int auth_session_from(struct req *r, PGresult *res)
{
    const char *hash = r->session_token_hash;
    r->session_token_hash = NULL;
    if (!res)
        return -1;
    double now = wall_now();
    if (PQntuples(res) != 1 ||
        now - strtod(db_val(res, 0, 4), NULL) > (double)g_app.cfg.session_absolute ||
        now - strtod(db_val(res, 0, 5), NULL) > (double)g_app.cfg.session_idle) {
        if (PQntuples(res) > 0 && db_set_user(r, "") != 0)
            return -1;
        if (PQntuples(res) == 1)
            resp_headerf(r, "Set-Cookie", "%s=; Max-Age=0%s", auth_cookie_name(), cookie_attrs());
        bind_pre_session_csrf(r);
        return 0;
    }
    struct user *u = arena_alloc(r->arena, sizeof *u);
    u->id = arena_strdup(r->arena, db_val(res, 0, 0));
    u->email = arena_strdup(r->arena, db_val(res, 0, 1));
    u->name = arena_strdup(r->arena, db_isnull(res, 0, 2) ? db_val(res, 0, 1) : db_val(res, 0, 2));
    u->is_super_admin = db_bool(res, 0, 3);
    r->user = u;
    r->session_token_hash = hash;
    bind_session_csrf(r);
    if (now - strtod(db_val(res, 0, 5), NULL) > 60 &&
        !db_query(r, "UPDATE sessions SET last_seen_at = now() WHERE token = $1", DB_ARGS(hash)))
        return -1;
    return 0;
}

int auth_load_session(struct req *r)
{
    /* A pipeline of one: the transaction's BEGIN and settings travel with it, and the lookup
     * sets app.user_id itself (one round trip, not four); an expired session's user is taken
     * back before anything else runs. */
    struct db_step lookup;
    if (auth_session_step(r, &lookup) != 0)
        return 0;
    PGresult *res;
    if (db_pipeline(r, &lookup, 1, &res) != 0)
        res = NULL;
    return auth_session_from(r, res);
}

int auth_start_session(struct req *r, const char *user_id, const char *email, const char *name)
{
    char *tok = auth_new_token(r->arena);
    char *hash = auth_token_hash(r->arena, tok);
    /* Only the sign-in role may create sessions (sql/011). */
    if (!db_auth_query(r, "SELECT card_session_create($1, $2, $3, $4)",
                       DB_ARGS(user_id, hash, email, name)))
        return -1;
    if (db_set_user(r, user_id))
        return -1;
    resp_headerf(r, "Set-Cookie", "%s=%s%s", auth_cookie_name(), tok, cookie_attrs());
    struct user *u = arena_alloc(r->arena, sizeof *u);
    u->id = arena_strdup(r->arena, user_id);
    u->email = arena_strdup(r->arena, email);
    u->name = arena_strdup(r->arena, name);
    r->user = u;
    r->session_token_hash = hash;
    bind_session_csrf(r);
    return 0;
}

int auth_end_session(struct req *r)
{
    if (r->session_token_hash &&
        !db_query(r, "DELETE FROM sessions WHERE token = $1", DB_ARGS(r->session_token_hash)))
        return -1;
    resp_headerf(r, "Set-Cookie", "%s=; Max-Age=0%s", auth_cookie_name(), cookie_attrs());
    r->user = NULL;
    r->session_token_hash = NULL;
    return 0;
}
