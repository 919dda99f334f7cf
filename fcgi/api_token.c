/* api_token.c — personal API tokens (token.h):
 *   POST   /api/tokens {"name", "scope": "read"|"read-write", "expires_at": ISO-8601|null}
 *          → 201 {"uid", "token"} — the token is shown only in this answer (stored as SHA-256);
 *   DELETE /api/tokens/:uid → 200 {"revoked": true}.
 * Managing tokens needs the session (a token cannot mint or revoke tokens: 403).  The rows are
 * the user's own through row-level security; card_app cannot read a token's hash back. */
#include "auth.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "share.h"
#include "team.h"
#include "token.h"
#include "view.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

int token_create(struct req *r, const char *name, const char *scope, const char *expires_at,
                 const char **uid, const char **token, const char **error)
{
    double exp = 0;
    size_t nlen = name ? strlen(name) : 0;
    if (nlen == 0 || nlen > 100) {
        *error = "name must be 1 to 100 characters.";
        return 1;
    }
    if (!scope || (strcmp(scope, "read") != 0 && strcmp(scope, "read-write") != 0)) {
        *error = "scope must be \"read\" or \"read-write\".";
        return 1;
    }
    if (expires_at && *expires_at && (share_time_parse(expires_at, &exp) != 0 || exp <= (double)time(NULL))) {
        *error = "expires_at must be a future ISO-8601 time with a zone (e.g. 2027-01-31T00:00:00Z) or null.";
        return 1;
    }
    char ebuf[32];
    snprintf(ebuf, sizeof ebuf, "%.0f", exp);
    char *tok = token_new(r->arena);
    PGresult *res = db_query(r, "INSERT INTO api_tokens (user_id, name, scope, token_hash, expires_at) "
                                "VALUES ($1, $2, $3, $4, CASE WHEN $5::float8 > 0 THEN to_timestamp($5::float8) END) "
                                "RETURNING uid",
                             DB_ARGS(r->user->id, name, scope, auth_token_hash(r->arena, tok), ebuf));
    if (!res)
        return -1;
    *uid = arena_strdup(r->arena, db_val(res, 0, 0));
    *token = tok;
    return 0;
}

int token_revoke(struct req *r, const char *uid)
{
    PGresult *res = db_query(r, "UPDATE api_tokens SET revoked_at = now() WHERE uid = $1 RETURNING uid",
                             DB_ARGS(uid));
    return !res ? -1 : PQntuples(res) == 1 ? 0 : 1;
}

static int session_only(struct req *r)
{
    if (!r->bearer)
        return 0;
    resp_json_error(r, 403, "forbidden", "Tokens are managed from a signed-in session, not with a token.");
    return -1;
}

void api_token_create(struct req *r)
{
    if (session_only(r))
        return;
    json_error_t jerr;
    json_t *b = view_keep(r, json_loadb(r->body, r->body_len, 0, &jerr));
    json_t *n = json_object_get(b, "name"), *s = json_object_get(b, "scope"), *e = json_object_get(b, "expires_at");
    if (!json_is_object(b) || !json_is_string(n) || !json_is_string(s) || (e && !json_is_null(e) && !json_is_string(e))) {
        resp_json_error(r, 422, "invalid", "Send {\"name\", \"scope\": \"read\"|\"read-write\", \"expires_at\": \"…\"|null}.");
        return;
    }
    const char *uid, *tok, *err = NULL;
    int rc = token_create(r, json_string_value(n), json_string_value(s),
                          json_is_string(e) ? json_string_value(e) : NULL, &uid, &tok, &err);
    if (rc > 0)
        resp_json_error(r, 422, "invalid", "%s", err);
    else if (rc < 0)
        page_db_error(r);
    else
        resp_json(r, 201, json_pack("{s:s, s:s}", "uid", uid, "token", tok));
}

void api_token_delete(struct req *r)
{
    if (session_only(r))
        return;
    int rc = uid_valid(r->params[0]) ? token_revoke(r, r->params[0]) : 1;
    if (rc > 0)
        resp_json_error(r, 404, "not_found", "There is no such token.");
    else if (rc < 0)
        page_db_error(r);
    else
        resp_json(r, 200, json_pack("{s:b}", "revoked", 1));
}
