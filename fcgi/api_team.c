/* api_team.c — organizations, teams, members, invitations and moving a project into a team
 * (issue 12's API).  Every rule is in sql/021 (row-level security and the SECURITY DEFINER
 * membership functions); these handlers parse, call, and map the SQLSTATE (team.h).
 *   POST   /api/orgs {"name"}                        → 201 {"uid"} (the creator is its owner)
 *   POST   /api/orgs/:uid/teams {"name"}             → 201 {"uid"} (org owners/admins; creator = team admin)
 *   PUT    /api/teams/:uid/members/:email {"role"}  → 200 {"email","role"} (team admins)
 *   DELETE /api/teams/:uid/members/:email           → 200 (team admins; anyone for themselves)
 *   POST   /api/teams/:uid/invitations {"role", "email"|null, "expires_in_hours"}
 *                                                   → 201 {"uid","token","url"} (shown only here)
 *   DELETE /api/invitations/:uid                    → 200 (revoke)
 *   POST   /api/invitations/accept {"token"}        → 200 {"team_uid"}
 *   PUT    /api/projects/:uid/team {"team_uid"|null} → 200 {"uid","team_uid"} */
#include "app.h"
#include "auth.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "team.h"
#include "view.h"
#include <string.h>

/* body_object: the JSON object body, or NULL after answering 422. */
static json_t *body_object(struct req *r, const char *shape)
{
    json_error_t jerr;
    json_t *b = view_keep(r, json_loadb(r->body, r->body_len, 0, &jerr));
    if (!json_is_object(b)) {
        resp_json_error(r, 422, "invalid", "Send %s.", shape);
        return NULL;
    }
    return b;
}

/* str_field: a string member (NULL when absent, null or not a string). */
static const char *str_field(json_t *b, const char *key)
{
    json_t *v = json_object_get(b, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* path_email: the :email parameter (index i) percent-decoded, or NULL after answering 404. */
static const char *path_email(struct req *r, int i)
{
    size_t n;
    const char *raw = r->nparams > i ? r->params[i] : NULL;
    char *e = raw ? http_url_decode(r->arena, raw, strlen(raw), 0, &n) : NULL;
    if (!e || !*e || !strchr(e, '@')) {
        resp_json_error(r, 404, "not_found", "There is no such member.");
        return NULL;
    }
    return e;
}

static int uid_or_404(struct req *r, const char *uid)
{
    if (uid_valid(uid))
        return 0;
    resp_json_error(r, 404, "not_found", "There is no such organization or team.");
    return -1;
}

void api_org_create(struct req *r)
{
    json_t *b = body_object(r, "{\"name\": \"…\"}");
    if (!b)
        return;
    PGresult *res = db_query(r, "SELECT card_org_create($1)", DB_ARGS(str_field(b, "name")));
    if (!res)
        team_db_error(r);
    else
        resp_json(r, 201, json_pack("{s:s}", "uid", db_val(res, 0, 0)));
}

void api_team_create(struct req *r)
{
    json_t *b = uid_or_404(r, r->params[0]) ? NULL : body_object(r, "{\"name\": \"…\"}");
    if (!b)
        return;
    PGresult *res = db_query(r, "SELECT card_team_create($1, $2)",
                             DB_ARGS(r->params[0], str_field(b, "name")));
    if (!res)
        team_db_error(r);
    else
        resp_json(r, 201, json_pack("{s:s}", "uid", db_val(res, 0, 0)));
}

void api_team_member_put(struct req *r)
{
    const char *email = uid_or_404(r, r->params[0]) ? NULL : path_email(r, 1);
    json_t *b = email ? body_object(r, "{\"role\": \"viewer\"|\"editor\"|\"admin\"}") : NULL;
    if (!b)
        return;
    const char *role = str_field(b, "role");
    if (!db_query(r, "SELECT card_team_member_set($1, $2, $3)", DB_ARGS(r->params[0], email, role)))
        team_db_error(r);
    else
        resp_json(r, 200, json_pack("{s:s, s:s}", "email", email, "role", role));
}

void api_team_member_delete(struct req *r)
{
    const char *email = uid_or_404(r, r->params[0]) ? NULL : path_email(r, 1);
    if (!email)
        return;
    if (!db_query(r, "SELECT card_team_member_remove($1, $2)", DB_ARGS(r->params[0], email)))
        team_db_error(r);
    else
        resp_json(r, 200, json_pack("{s:b}", "removed", 1));
}

int team_invitation_create(struct req *r, const char *team_uid, const char *email, const char *role,
                           long long hours, const char **uid, const char **url)
{
    char *token = auth_new_token(r->arena);
    char hbuf[32];
    snprintf(hbuf, sizeof hbuf, "%lld", hours);
    PGresult *res = db_query(r, "SELECT card_invitation_create($1, $2, $3, $4, now() + make_interval(hours => $5::int))",
                             DB_ARGS(team_uid, auth_token_hash(r->arena, token), email && *email ? email : NULL,
                                     role, hbuf));
    if (!res)
        return -1;
    *uid = arena_strdup(r->arena, db_val(res, 0, 0));
    *url = arena_printf(r->arena, "%s/invite/%s", g_app.cfg.base_url, token);
    return 0;
}

void api_invitation_create(struct req *r)
{
    json_t *b = uid_or_404(r, r->params[0]) ? NULL
        : body_object(r, "{\"role\": \"viewer\"|\"editor\"|\"admin\", \"email\": \"…\"|null, \"expires_in_hours\": 1–2160}");
    if (!b)
        return;
    json_t *h = json_object_get(b, "expires_in_hours");
    long long hours = json_is_integer(h) ? json_integer_value(h) : 168;
    if (hours < 1 || hours > 2160) {
        resp_json_error(r, 422, "invalid", "expires_in_hours must be 1 to 2160.");
        return;
    }
    const char *uid, *url;
    if (team_invitation_create(r, r->params[0], str_field(b, "email"), str_field(b, "role"), hours, &uid, &url))
        team_db_error(r);
    else
        resp_json(r, 201, json_pack("{s:s, s:s, s:s}", "uid", uid, "url", url,
                                    "token", strrchr(url, '/') + 1));
}

void api_invitation_revoke(struct req *r)
{
    if (uid_or_404(r, r->params[0]))
        return;
    if (!db_query(r, "SELECT card_invitation_revoke($1)", DB_ARGS(r->params[0])))
        team_db_error(r);
    else
        resp_json(r, 200, json_pack("{s:b}", "revoked", 1));
}

void api_invitation_accept(struct req *r)
{
    json_t *b = body_object(r, "{\"token\": \"…\"}");
    const char *token = b ? str_field(b, "token") : NULL;
    if (!b)
        return;
    if (!token || strlen(token) != 43) {
        resp_json_error(r, 404, "not_found", "There is no such invitation.");
        return;
    }
    PGresult *res = db_query(r, "SELECT card_invitation_accept($1)", DB_ARGS(auth_token_hash(r->arena, token)));
    if (!res) {
        team_db_error(r);
        return;
    }
    resp_json(r, 200, json_pack("{s:s}", "team_uid", db_val(res, 0, 0)));
}

int team_project_move(struct req *r, const char *project_uid, const char *team_uid)
{
    if (team_uid) {
        PGresult *t = db_query(r, "SELECT 1 FROM teams WHERE uid = $1", DB_ARGS(team_uid));
        if (!t)
            return -1;
        if (PQntuples(t) != 1) {
            page_error(r, 404, "Not found", "There is no such team.");
            return 1;
        }
    }
    /* sql/024: a team admin may move a project out of the team, past their own sight */
    PGresult *res = db_query(r, "SELECT card_project_set_team($1, $2)", DB_ARGS(project_uid, team_uid));
    if (!res)
        return -1;
    if (strcmp(db_val(res, 0, 0), "t") != 0) {
        page_error(r, 404, "Not found", "There is no such project.");
        return 1;
    }
    return 0;
}

void api_project_team_put(struct req *r)
{
    json_t *b = uid_or_404(r, r->params[0]) ? NULL : body_object(r, "{\"team_uid\": \"…\"|null}");
    if (!b)
        return;
    json_t *t = json_object_get(b, "team_uid");
    if (!t || !(json_is_null(t) || (json_is_string(t) && uid_valid(json_string_value(t))))) {
        resp_json_error(r, 422, "invalid", "Send {\"team_uid\": \"…\"|null}.");
        return;
    }
    const char *team = json_is_string(t) ? json_string_value(t) : NULL;
    int rc = team_project_move(r, r->params[0], team);
    if (rc < 0)
        team_db_error(r);
    else if (rc == 0)
        resp_json(r, 200, json_pack("{s:s, s:s?}", "uid", r->params[0], "team_uid", team));
}
