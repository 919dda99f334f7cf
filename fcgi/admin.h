/* admin.h — what the /admin pages share (page_admin.c, page_admin_users.c, page_admin_orgs.c):
 * the super-admin gate (404 for everyone else, as for any page that does not exist for them)
 * and the section tabs every admin page shows. */
#ifndef CARD_ADMIN_H
#define CARD_ADMIN_H
#include <jansson.h>
struct req;

/* admin_gate: 1 for a super admin; else answers 404 (JSON for API requests) and returns 0. */
int admin_gate(struct req *r);
/* admin_tabs: ctx.admin_tabs = the sections with `current` set on `active` ("ai", "usage",
 * "users", "orgs") and ctx.nav_admin. */
void admin_tabs(struct req *r, json_t *ctx, const char *active);
#endif
