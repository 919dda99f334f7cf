/* token.h — personal API tokens: `Authorization: Bearer <token>` on /api/ routes instead of the
 * session cookie.  A token is "card_" followed by 43 base64url characters (32 random bytes);
 * only its SHA-256 is stored (api_tokens, sql/021), looked up through the SECURITY DEFINER
 * card_token_use, which also stamps last_used_at at most once a minute. */
#ifndef CARD_TOKEN_H
#define CARD_TOKEN_H
struct req;
struct arena;

#define TOKEN_PREFIX "card_"

enum token_load { TOKEN_OK = 0, TOKEN_DB = -1, TOKEN_REFUSED = -2 };

/* token_wanted: the request names a bearer token and may use one (a path under /api/). */
int token_wanted(const struct req *r);
/* token_load: inside the request transaction, authenticate r->authorization: sets r->user,
 * r->bearer, r->bearer_read_only and app.user_id; TOKEN_OK.  An unknown, malformed, expired or
 * revoked token: TOKEN_REFUSED after answering 401.  TOKEN_DB when the database failed. */
int token_load(struct req *r);
/* token_new: a fresh token (TOKEN_PREFIX + 43 characters) in the arena. */
char *token_new(struct arena *a);
#endif
