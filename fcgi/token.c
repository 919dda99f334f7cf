/* token.c — bearer authentication by personal API token (see token.h). */
#include "token.h"
#include "auth.h"
#include "db.h"
#include "http.h"
#include "view.h"
#include <string.h>
#include <strings.h>

int token_wanted(const struct req *r)
{
    return r->authorization && r->authorization[0] && strncmp(r->path, "/api/", 5) == 0;
}

char *token_new(struct arena *a)
{
    return arena_printf(a, "%s%s", TOKEN_PREFIX, auth_new_token(a));
}

/* refuse: 401 with the Bearer challenge; TOKEN_REFUSED. */
static int refuse(struct req *r, const char *error, const char *message)
{
    resp_headerf(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    resp_json_error(r, 401, error, "%s", message);
    return TOKEN_REFUSED;
}

int token_load(struct req *r)
{
    const char *h = r->authorization;
    if (strncasecmp(h, "Bearer ", 7) != 0)
        return refuse(r, "invalid_token", "Send Authorization: Bearer <token>.");
    const char *tok = h + 7;
    while (*tok == ' ')
        tok++;
    size_t plen = strlen(TOKEN_PREFIX);
    if (strlen(tok) != plen + 43 || strncmp(tok, TOKEN_PREFIX, plen) != 0)
        return refuse(r, "invalid_token", "The token is not valid.");
    const char *hash = auth_token_hash(r->arena, tok);
    PGresult *res = db_query(r, "SELECT user_id, email, name, is_super_admin, scope, state "
                                "FROM card_token_use($1)", DB_ARGS(hash));
    if (!res)
        return TOKEN_DB;
    if (PQntuples(res) != 1)
        return refuse(r, "invalid_token", "The token is not valid.");
    static const struct { const char *state, *error, *message; } refusals[] = {
        {"expired", "token_expired", "The token has expired."},
        {"revoked", "token_revoked", "The token was revoked."},
        {"disabled", "account_disabled", "This account is disabled."},
    };
    const char *state = db_val(res, 0, 5);
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
        if (strcmp(state, refusals[i].state) == 0)
            return refuse(r, refusals[i].error, refusals[i].message);
    if (strcmp(state, "ok") != 0)
        return refuse(r, "invalid_token", "The token is not valid.");
    struct user *u = arena_alloc(r->arena, sizeof *u);
    u->id = arena_strdup(r->arena, db_val(res, 0, 0));
    u->email = arena_strdup(r->arena, db_val(res, 0, 1));
    u->name = arena_strdup(r->arena, db_isnull(res, 0, 2) ? db_val(res, 0, 1) : db_val(res, 0, 2));
    u->is_super_admin = db_bool(res, 0, 3);
    r->user = u;
    r->bearer = 1;
    r->bearer_read_only = strcmp(db_val(res, 0, 4), "read") == 0;
    return db_set_user(r, u->id) == 0 ? TOKEN_OK : TOKEN_DB;
}
