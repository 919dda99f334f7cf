/* license.h — licenses as the instance's switchboard (sql/027_licenses.sql): which modules
 * (ai, database_workspace, dashboards) are enabled where the caller stands, and the 403 answer
 * of a route whose module is off. */
#ifndef CARD_LICENSE_H
#define CARD_LICENSE_H
struct req;

/* modules_enabled: 1 when `module` is enabled for the caller in project project_uid (its team's
 * organization's license; a personal project follows the instance setting), else in
 * organization org_uid, else personally (both NULL); 0 when it is not; -1 after a failed query. */
int modules_enabled(struct req *r, const char *project_uid, const char *org_uid, const char *module);

/* module_gate: 1 when `module` is enabled for project_uid (NULL: personally); else answers
 * 403 {"error": "module_disabled", "message"} (the error page for non-API requests) — or the
 * database error page — and returns 0. */
int module_gate(struct req *r, const char *project_uid, const char *module);

/* module_gate_connection: module_gate for the project of database connection conn_uid (an
 * unknown connection passes: its route answers 404). */
int module_gate_connection(struct req *r, const char *conn_uid, const char *module);
#endif
