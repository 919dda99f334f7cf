/* team.h — what the team pages and the team API share: mapping the SQLSTATEs raised by
 * sql/021's membership functions to answers. */
#ifndef CARD_TEAM_H
#define CARD_TEAM_H
struct req;

/* team_db_error: after a failed call of a card_org_* / card_team_* / card_invitation_*
 * function: CN001 → 404, CN002 → 404 (no such user), CN410 → 410, 42501 → 403, 22023 → 422
 * (JSON for API clients, the error page otherwise); anything else 500/503. */
void team_db_error(struct req *r);

/* team_invitation_create (api_team.c): a new invitation to team_uid for role (email: for that
 * existing user only; NULL or "": anyone with the link) valid for hours; *uid and *url (the
 * link, holding the token: shown once).  0, or -1 after a failed query (team_db_error). */
int team_invitation_create(struct req *r, const char *team_uid, const char *email, const char *role,
                           long long hours, const char **uid, const char **url);
/* team_project_move (api_team.c): set the team of project_uid (team_uid NULL: personal again).
 * 0 done; 1 after answering 404 (no such team or project); -1 after a failed query. */
int team_project_move(struct req *r, const char *project_uid, const char *team_uid);
/* project_team_json (page_team.c): [{uid, name, selected}] — the teams a project can be moved
 * to by this user, and its current one. */
struct json_t;
struct json_t *project_team_json(struct req *r, const char *project_uid);

/* token_create (api_token.c): a new personal API token: 0 with *uid and *token (shown once);
 * 1 with *error when a field is invalid; -1 when the database failed.  expires_at: ISO-8601
 * with a zone, or NULL/"" for none.  token_revoke: 0, 1 (no such token of the user's), -1. */
int token_create(struct req *r, const char *name, const char *scope, const char *expires_at,
                 const char **uid, const char **token, const char **error);
int token_revoke(struct req *r, const char *uid);
#endif
