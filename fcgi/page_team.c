/* page_team.c — the pages of organizations and teams (issue 12), without JavaScript: the
 * organizations list (/orgs), an organization (/orgs/:uid: members, teams, new team), a team
 * (/teams/:uid: members and roles, projects, invitations, leave), an invitation's accept page
 * (/invite/:token), moving a project into a team (project settings), personal API tokens
 * (/account/tokens).  Rules are sql/021's; errors map through team_db_error. */
#include "auth.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "team.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* rows_json: [{names[0]: col 0, …}] of res, every value a string ("t"/"f" for booleans). */
static json_t *rows_json(PGresult *res, const char *const *names, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *o = json_object();
        for (int c = 0; c < n; c++)
            json_object_set_new(o, names[c], json_string(db_val(res, i, c)));
        json_array_append_new(a, o);
    }
    return a;
}

void page_orgs(struct req *r)
{
    PGresult *orgs = db_query(r, "SELECT o.uid, o.name, app_org_role(o.id) FROM organizations o ORDER BY lower(o.name)", DB_NOARGS);
    PGresult *teams = orgs ? db_query(r, "SELECT t.uid, t.name, o.name, app_team_role(t.id) FROM teams t "
                                         "JOIN organizations o ON o.id = t.org_id "
                                         "WHERE t.id IN (SELECT app_team_ids(false)) ORDER BY lower(o.name), lower(t.name)",
                                      DB_NOARGS) : NULL;
    if (!teams) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "orgs", rows_json(orgs, (const char *[]){"uid", "name", "role"}, 3));
    json_object_set_new(ctx, "teams", rows_json(teams, (const char *[]){"uid", "name", "org_name", "role"}, 4));
    json_object_set_new(ctx, "nav_orgs", json_true());
    view_render(r, 200, "orgs", ctx);
}

void page_org_create(struct req *r)
{
    PGresult *res = db_query(r, "SELECT card_org_create($1)", DB_ARGS(req_form(r, "name")));
    if (!res)
        team_db_error(r);
    else
        resp_redirect(r, arena_printf(r->arena, "/orgs/%s", db_val(res, 0, 0)));
}

void page_org_show(struct req *r)
{
    const char *uid = r->params[0];
    PGresult *org = uid_valid(uid) ? db_query(r, "SELECT o.uid, o.name, app_org_role(o.id) FROM organizations o WHERE o.uid = $1",
                                              DB_ARGS(uid)) : NULL;
    if (org && PQntuples(org) != 1)
        org = NULL, r->status = 404;
    PGresult *members = org ? db_query(r, "SELECT email, name, role FROM card_org_members($1)", DB_ARGS(uid)) : NULL;
    PGresult *teams = members ? db_query(r, "SELECT t.uid, t.name, coalesce(app_team_role(t.id), '') FROM teams t "
                                            "JOIN organizations o ON o.id = t.org_id WHERE o.uid = $1 ORDER BY lower(t.name)",
                                         DB_ARGS(uid)) : NULL;
    if (!teams) {
        if (r->db->failed)
            page_db_error(r);
        else
            page_error(r, 404, "Page not found", "There is no such organization.");
        return;
    }
    const char *role = db_val(org, 0, 2);
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "org", json_pack("{s:s, s:s, s:s, s:b}", "uid", uid, "name", db_val(org, 0, 1),
        "role", role, "manage", strcmp(role, "owner") == 0 || strcmp(role, "admin") == 0));
    json_object_set_new(ctx, "members", rows_json(members, (const char *[]){"email", "name", "role"}, 3));
    json_object_set_new(ctx, "teams", rows_json(teams, (const char *[]){"uid", "name", "role"}, 3));
    json_object_set_new(ctx, "nav_orgs", json_true());
    view_render(r, 200, "org", ctx);
}

void page_team_create(struct req *r)
{
    PGresult *res = uid_valid(r->params[0])
        ? db_query(r, "SELECT card_team_create($1, $2)", DB_ARGS(r->params[0], req_form(r, "name"))) : NULL;
    if (!res)
        team_db_error(r);
    else
        resp_redirect(r, arena_printf(r->arena, "/teams/%s", db_val(res, 0, 0)));
}

/* team_render: the team page; invite_url: a just-created invitation link (shown once). */
static void team_render(struct req *r, const char *uid, const char *invite_url)
{
    PGresult *team = uid_valid(uid) ? db_query(r, "SELECT t.uid, t.name, o.uid, o.name, coalesce(app_team_role(t.id), ''), "
                                                  "(SELECT manage FROM card_team_lookup(t.uid)) "
                                                  "FROM teams t JOIN organizations o ON o.id = t.org_id WHERE t.uid = $1",
                                               DB_ARGS(uid)) : NULL;
    if (team && PQntuples(team) != 1) {
        page_error(r, 404, "Page not found", "There is no such team.");
        return;
    }
    PGresult *members = team ? db_query(r, "SELECT email, name, role, is_me FROM card_team_members($1)", DB_ARGS(uid)) : NULL;
    PGresult *projects = members ? db_query(r, "SELECT p.uid, p.name FROM projects p JOIN teams t ON t.id = p.team_id "
                                              "WHERE t.uid = $1 AND p.is_deleted IS NOT TRUE ORDER BY lower(p.name)",
                                           DB_ARGS(uid)) : NULL;
    PGresult *invites = projects ? db_query(r, "SELECT i.uid, coalesce(i.email, 'anyone with the link'), i.role, "
                                              "to_char(i.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC', "
                                              "CASE WHEN i.revoked_at IS NOT NULL THEN 'revoked' WHEN i.used_at IS NOT NULL THEN 'used' "
                                              "WHEN i.expires_at <= now() THEN 'expired' ELSE 'open' END "
                                              "FROM team_invitations i JOIN teams t ON t.id = i.team_id WHERE t.uid = $1 "
                                              "ORDER BY i.created_at DESC LIMIT 50", DB_ARGS(uid)) : NULL;
    if (!invites) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_t *ms = json_array();
    for (int i = 0; i < PQntuples(members); i++)
        json_array_append_new(ms, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "email", db_val(members, i, 0),
            "name", db_val(members, i, 1), "role", db_val(members, i, 2), "is_me", db_bool(members, i, 3),
            "is_admin", strcmp(db_val(members, i, 2), "admin") == 0,
            "is_editor", strcmp(db_val(members, i, 2), "editor") == 0,
            "is_viewer", strcmp(db_val(members, i, 2), "viewer") == 0));
    json_object_set_new(ctx, "team", json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "uid", uid,
        "name", db_val(team, 0, 1), "org_uid", db_val(team, 0, 2), "org_name", db_val(team, 0, 3),
        "role", db_val(team, 0, 4), "manage", db_bool(team, 0, 5), "member", *db_val(team, 0, 4) != '\0'));
    json_object_set_new(ctx, "members", ms);
    json_object_set_new(ctx, "projects", rows_json(projects, (const char *[]){"uid", "name"}, 2));
    json_object_set_new(ctx, "invitations", rows_json(invites, (const char *[]){"uid", "email", "role", "expires", "state"}, 5));
    if (invite_url)
        json_object_set_new(ctx, "invite_url", json_string(invite_url));
    json_object_set_new(ctx, "nav_orgs", json_true());
    view_flash(r, ctx);
    view_render(r, 200, "team", ctx);
}

void page_team_show(struct req *r)
{
    team_render(r, r->params[0], NULL);
}

void page_team_member_set(struct req *r)
{
    if (!db_query(r, "SELECT card_team_member_set($1, $2, $3)",
                  DB_ARGS(r->params[0], req_form(r, "email"), req_form(r, "role"))))
        team_db_error(r);
    else
        resp_redirect(r, arena_printf(r->arena, "/teams/%s?done=saved", r->params[0]));
}

void page_team_member_remove(struct req *r)
{
    const char *email = req_form(r, "email");
    if (!db_query(r, "SELECT card_team_member_remove($1, $2)", DB_ARGS(r->params[0], email)))
        team_db_error(r);
    else if (email && strcasecmp(email, r->user->email) == 0)
        resp_redirect(r, "/orgs");
    else
        resp_redirect(r, arena_printf(r->arena, "/teams/%s?done=saved", r->params[0]));
}

void page_invitation_create(struct req *r)
{
    long long days = atoll(req_form(r, "days") ? req_form(r, "days") : "7");
    const char *uid, *url;
    if (days < 1 || days > 90)
        days = 7;
    if (team_invitation_create(r, r->params[0], req_form(r, "email"), req_form(r, "role"), days * 24, &uid, &url))
        team_db_error(r);
    else
        team_render(r, r->params[0], url);
}

void page_invitation_revoke(struct req *r)
{
    const char *team = req_form(r, "team_uid");
    if (!db_query(r, "SELECT card_invitation_revoke($1)", DB_ARGS(r->params[0])))
        team_db_error(r);
    else
        resp_redirect(r, uid_valid(team) ? arena_printf(r->arena, "/teams/%s?done=saved", team) : "/orgs");
}

void page_invite_show(struct req *r)
{
    const char *tok = r->params[0];
    PGresult *res = strlen(tok) == 43 ? db_query(r, "SELECT team_uid, team_name, org_name, role, coalesce(email, ''), state "
                                                    "FROM card_invitation_info($1)",
                                                 DB_ARGS(auth_token_hash(r->arena, tok))) : NULL;
    if (res == NULL && r->db->failed) {
        page_db_error(r);
        return;
    }
    if (!res || PQntuples(res) != 1) {
        page_error(r, 404, "Page not found", "There is no such invitation.");
        return;
    }
    json_t *ctx = view_ctx(r);
    const char *state = db_val(res, 0, 5);
    json_object_set_new(ctx, "invite", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "token", tok,
        "team_uid", db_val(res, 0, 0), "team_name", db_val(res, 0, 1), "org_name", db_val(res, 0, 2),
        "role", db_val(res, 0, 3), "email", db_val(res, 0, 4), "open", strcmp(state, "open") == 0));
    json_object_set_new(ctx, "state", json_string(state));
    view_render(r, strcmp(state, "open") == 0 ? 200 : 410, "invite", ctx);
}

void page_invite_accept(struct req *r)
{
    const char *tok = r->params[0];
    PGresult *res = strlen(tok) == 43
        ? db_query(r, "SELECT card_invitation_accept($1)", DB_ARGS(auth_token_hash(r->arena, tok))) : NULL;
    if (!res && !r->db->failed)
        page_error(r, 404, "Page not found", "There is no such invitation.");
    else if (!res)
        team_db_error(r);
    else
        resp_redirect(r, arena_printf(r->arena, "/teams/%s?done=saved", db_val(res, 0, 0)));
}

void page_project_team(struct req *r)
{
    const char *team = req_form(r, "team_uid");
    if (team && !*team)
        team = NULL;
    if (!uid_valid(r->params[0]) || (team && !uid_valid(team))) {
        page_error(r, 404, "Page not found", "There is no such project or team.");
        return;
    }
    int rc = team_project_move(r, r->params[0], team);
    if (rc < 0)
        team_db_error(r);
    else if (rc == 0)
        resp_redirect(r, arena_printf(r->arena, "/projects/%s?done=saved", r->params[0]));
}

json_t *project_team_json(struct req *r, const char *project_uid)
{
    PGresult *res = db_query(r, "SELECT t.uid, o.name || ' / ' || t.name, coalesce(t.id = p.team_id, false) "
                                "FROM teams t JOIN organizations o ON o.id = t.org_id "
                                "LEFT JOIN projects p ON p.uid = $1 "
                                "WHERE t.id IN (SELECT app_team_ids(true)) OR t.id = p.team_id "
                                "ORDER BY 2", DB_ARGS(project_uid));
    json_t *a = json_array();
    for (int i = 0; res && i < PQntuples(res); i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "uid", db_val(res, i, 0),
                                           "name", db_val(res, i, 1), "selected", db_bool(res, i, 2)));
    return a;
}

/* ---- Account → API tokens ---- */

static void tokens_render(struct req *r, int status, const char *new_token, const char *error)
{
    PGresult *res = db_query(r, "SELECT uid, name, scope, "
        "coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC', 'never'), "
        "coalesce(extract(epoch from last_used_at)::text, ''), "
        "CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at <= now() THEN 'expired' ELSE 'active' END "
        "FROM api_tokens ORDER BY created_at DESC", DB_NOARGS);
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        const char *used = db_val(res, i, 4);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "uid", db_val(res, i, 0),
            "name", db_val(res, i, 1), "scope", db_val(res, i, 2), "expires", db_val(res, i, 3),
            "last_used", *used ? view_ago(r->arena, strtod(used, NULL)) : "never",
            "state", db_val(res, i, 5), "active", strcmp(db_val(res, i, 5), "active") == 0));
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "tokens", a);
    if (new_token)
        json_object_set_new(ctx, "new_token", json_string(new_token));
    if (error)
        json_object_set_new(ctx, "error", json_string(error));
    view_flash(r, ctx);
    view_render(r, status, "tokens", ctx);
}

void page_tokens(struct req *r)
{
    tokens_render(r, 200, NULL, NULL);
}

void page_token_create(struct req *r)
{
    const char *expires = req_form(r, "expires_at");
    const char *iso = expires && *expires ? arena_printf(r->arena, "%sT23:59:59Z", expires) : NULL;
    const char *uid, *tok, *err = NULL;
    int rc = token_create(r, req_form(r, "name"), req_form(r, "scope"), iso, &uid, &tok, &err);
    if (rc < 0)
        page_db_error(r);
    else
        tokens_render(r, rc > 0 ? 422 : 200, rc == 0 ? tok : NULL, err);
}

void page_token_revoke(struct req *r)
{
    int rc = uid_valid(r->params[0]) ? token_revoke(r, r->params[0]) : 1;
    if (rc < 0)
        page_db_error(r);
    else if (rc > 0)
        page_error(r, 404, "Page not found", "There is no such token.");
    else
        resp_redirect(r, "/account/tokens?done=saved");
}
