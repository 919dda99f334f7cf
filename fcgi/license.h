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

/* MODULES_ENABLED_SQL ($1 project_uid, $2 org_uid, $3 module) and module_gate_res: module_gate
 * split for a caller that sends the question with others in one round trip (db_pipeline): res
 * is that statement's result (NULL: it failed). */
#define MODULES_ENABLED_SQL "SELECT $3 = ANY (card_modules($1, $2))"
typedef struct pg_result PGresult;
int module_gate_res(struct req *r, const char *project_uid, const char *module, const PGresult *res);

/* module_gate_connection: module_gate for the project of database connection conn_uid (an
 * unknown connection passes: its route answers 404). */
int module_gate_connection(struct req *r, const char *conn_uid, const char *module);

/* What license_save and modules_setting_save answer. */
enum { LICENSE_OK = 0, LICENSE_INVALID = 1, LICENSE_NOT_FOUND = 2, LICENSE_DB = -1 };

/* license_save: the super admin gives organization org_uid a license (card_license_set, the one
 * writer: the JSON API and the /admin/orgs form both come here): modules_json a JSON array of
 * module names, seats decimal text (NULL: unlimited), expires_at a date or timestamp (NULL: none).
 * LICENSE_OK with *uid; LICENSE_INVALID with *field ("modules", "seats", "expires_at") and
 * *message, the transaction still usable; LICENSE_NOT_FOUND (no such organization, or the caller
 * is no super admin); LICENSE_DB. */
int license_save(struct req *r, const char *org_uid, const char *modules_json, const char *seats,
                 const char *expires_at, const char **uid, const char **field, const char **message);

/* modules_setting_save: the instance setting key ("personal_modules", "unlicensed_org_modules")
 * becomes the known modules of modules_json (a JSON array of names).  LICENSE_OK, LICENSE_INVALID
 * (another key), LICENSE_DB. */
int modules_setting_save(struct req *r, const char *key, const char *modules_json);
#endif
