/* team.c — answers for the errors of sql/021's membership functions (see team.h). */
#include "team.h"
#include "db.h"
#include "http.h"
#include "view.h"

void team_db_error(struct req *r)
{
    static const struct { const char *state; int status; const char *title, *message; } map[] = {
        {"CN001", 404, "Not found", "There is no such organization, team or invitation."},
        {"CN002", 404, "No such user", "No account uses that e-mail address (or it is not a member)."},
        {"CN410", 410, "Invitation no longer valid", "This invitation was already used, has expired or was revoked."},
        {"42501", 403, "Forbidden", "Your role does not allow this."},
        {"22023", 422, "Invalid", "Check the name and role (a team also keeps at least one admin)."},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (db_sqlstate_is(r->db, map[i].state)) {
            page_error(r, map[i].status, map[i].title, "%s", map[i].message);
            return;
        }
    page_db_error(r);
}
