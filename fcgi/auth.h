/* auth.h — passwords (argon2id; legacy bcrypt verify), session tokens, CSRF tokens,
 * and loading the signed-in user of a request. */
#ifndef CARD_AUTH_H
#define CARD_AUTH_H
#include <stddef.h>
#include <sodium.h>

struct req;
struct arena;

#define AUTH_HASH_MAX crypto_pwhash_STRBYTES
#define AUTH_OPSLIMIT 2
#define AUTH_MEMLIMIT (19456u * 1024u)   /* OWASP floor: m=19 MiB, t=2, p=1 */
#define AUTH_PASSWORD_MIN_CHARS 8
#define AUTH_PASSWORD_MAX_BYTES 1024
#define AUTH_TOKEN_BYTES 32

enum auth_pw_check { AUTH_PW_OK = 0, AUTH_PW_SHORT = -1, AUTH_PW_LONG = -2, AUTH_PW_COMMON = -3,
                     AUTH_PW_BAD_UTF8 = -4 };

/* auth_init: sodium_init and the dummy hash used for unknown emails.  0 or -1. */
int auth_init(void);
/* auth_password_check: policy (8+ characters, ≤ 1024 bytes, not a well-known password). */
enum auth_pw_check auth_password_check(const char *pw);
/* auth_password_message: what to tell the user about a failed check (NULL for AUTH_PW_OK). */
const char *auth_password_message(enum auth_pw_check c);
/* auth_hash_password: argon2id string into out.  0 or -1. */
int auth_hash_password(const char *pw, char out[AUTH_HASH_MAX]);
/* auth_verify_password: 0 when pw matches hash ($argon2id$ or bcrypt $2a$/$2b$/$2y$);
 * *needs_rehash set when the hash should be replaced by a fresh argon2id one. */
int auth_verify_password(const char *hash, const char *pw, int *needs_rehash);
/* auth_burn_dummy: verify against the dummy hash (same cost as a real miss). */
void auth_burn_dummy(const char *pw);

/* auth_new_token: 32 random bytes as base64url (43 chars) in the arena. */
char *auth_new_token(struct arena *a);
/* auth_token_hash: hex SHA-256 of token (64 chars) in the arena. */
char *auth_token_hash(struct arena *a, const char *token);
/* auth_csrf_token: base64url HMAC-SHA256(secret, purpose ":" binding) in the arena. */
char *auth_csrf_token(struct arena *a, const unsigned char secret[32], const char *binding);
/* auth_token_equal: constant-time comparison of two NUL-terminated tokens. */
int auth_token_equal(const char *a, const char *b);

/* auth_load_session: read the sid cookie, look the session up, apply idle/absolute
 * expiry, set r->user / r->session_token_hash / r->csrf (pre-session CSRF from the
 * "pre" cookie otherwise, set when missing).  Runs inside the request transaction.
 * 0, or -1 when the database failed. */
int auth_load_session(struct req *r);
/* auth_load_session in two halves, for a handler that sends the lookup with its first reads
 * (R_AUTH_LATE, dispatch.h): auth_session_step fills *out with the lookup (which also sets
 * app.user_id for the statements after it) and answers 0, or 1 when there is no session
 * cookie (the pre-session CSRF token is bound); auth_session_from takes its result (NULL: the
 * database failed) and does the rest.  0, or -1 when the database failed. */
struct db_step;
typedef struct pg_result PGresult;
int auth_session_step(struct req *r, struct db_step *out);
int auth_session_from(struct req *r, PGresult *res);
/* auth_start_session: new token for user_id, row in sessions, Set-Cookie, r->csrf rebound.
 * 0 or -1. */
int auth_start_session(struct req *r, const char *user_id, const char *email, const char *name);
/* auth_end_session: delete the session row and expire the cookie. */
int auth_end_session(struct req *r);
/* auth_cookie_name: "sid", or "__Host-sid" when the base URL is https. */
const char *auth_cookie_name(void);
#endif
