/* license.c — the module switchboard (see license.h): one question to card_modules (sql/024)
 * per gated request, the clear 403 a disabled module answers, and the two writes of the super
 * admin (an organization's license, the instance's module settings) shared by API and pages. */
#include "license.h"
#include "arena.h"
#include "db.h"
#include "http.h"
#include "view.h"
#include <string.h>

/* What each module is called in the 403 message. */
static const struct {
    const char *module, *label;
} module_labels[] = {
    {"ai", "The AI assistant"},
    {"database_workspace", "The database workspace"},
    {"dashboards", "Dashboards"},
};

static const char *module_label(const char *module)
{
    for (size_t i = 0; i < sizeof module_labels / sizeof module_labels[0]; i++)
        if (strcmp(module_labels[i].module, module) == 0)
            return module_labels[i].label;
    return module;
}

int modules_enabled(struct req *r, const char *project_uid, const char *org_uid, const char *module)
{
    PGresult *res = db_query(r, MODULES_ENABLED_SQL, DB_ARGS(project_uid, org_uid, module));
    if (!res || PQntuples(res) != 1)
        return -1;
    return strcmp(db_val(res, 0, 0), "t") == 0;
}

int module_gate(struct req *r, const char *project_uid, const char *module)
{
    return module_gate_res(r, project_uid, module,
                           db_query(r, MODULES_ENABLED_SQL, DB_ARGS(project_uid, NULL, module)));
}

int module_gate_res(struct req *r, const char *project_uid, const char *module, const PGresult *res)
{
    int on = !res || PQntuples(res) != 1 ? -1 : strcmp(db_val(res, 0, 0), "t") == 0;
    if (on == 1)
        return 1;
    if (on < 0) {
        page_db_error(r);
        return 0;
    }
    const char *msg = project_uid
        ? arena_printf(r->arena, "%s is not enabled by this organization's license (or the license has "
                                 "expired). Ask your instance's administrator.", module_label(module))
        : arena_printf(r->arena, "%s is turned off on this instance for personal projects. Ask your "
                                 "instance's administrator.", module_label(module));
    if (req_wants_json(r))
        resp_json_error(r, 403, "module_disabled", "%s", msg);
    else
        page_error(r, 403, "Not enabled", "%s", msg);
    return 0;
}

int module_gate_connection(struct req *r, const char *conn_uid, const char *module)
{
    PGresult *res = db_query(r, "SELECT p.uid FROM db_accounts a JOIN projects p ON p.id = a.project_id "
                                "WHERE a.uid = $1", DB_ARGS(conn_uid));
    if (!res) {
        page_db_error(r);
        return 0;
    }
    return module_gate(r, PQntuples(res) == 1 ? db_val(res, 0, 0) : NULL, module);
}

/* What a failed card_license_set (sql/028) means, by SQLSTATE: the field and what to say. */
static const struct {
    const char *state, *field, *message;
} license_errors[] = {
    {"22023", "modules", "Choose among the AI assistant, the database workspace and dashboards."},
    {"22003", "seats", "Seats: a whole number of at least 1 (empty: unlimited)."},
    {"22P02", "seats", "Seats: a whole number of at least 1 (empty: unlimited)."},
    {"22007", "expires_at", "Enter a date such as 2027-12-31 (empty: no expiry)."},
    {"22008", "expires_at", "Enter a date such as 2027-12-31 (empty: no expiry)."},
};

int license_save(struct req *r, const char *org_uid, const char *modules_json, const char *seats,
                 const char *expires_at, const char **uid, const char **field, const char **message)
{
    if (db_try(r) != 0)
        return LICENSE_DB;
    PGresult *res = db_query(r, "SELECT card_license_set($1, ARRAY(SELECT json_array_elements_text($2::json)), "
                                "$3::int, $4::timestamptz)",
                             DB_ARGS(org_uid, modules_json, seats, expires_at));
    if (res) {
        *uid = db_val(res, 0, 0);
        return LICENSE_OK;
    }
    if (db_sqlstate_is(r->db, "CN001") || db_sqlstate_is(r->db, "42501"))
        return LICENSE_NOT_FOUND;
    for (size_t i = 0; i < sizeof license_errors / sizeof license_errors[0]; i++)
        if (db_sqlstate_is(r->db, license_errors[i].state)) {
            *field = license_errors[i].field;
            *message = license_errors[i].message;
            return db_try_undo(r) == 0 ? LICENSE_INVALID : LICENSE_DB;
        }
    return LICENSE_DB;
}

int modules_setting_save(struct req *r, const char *key, const char *modules_json)
{
    if (strcmp(key, "personal_modules") != 0 && strcmp(key, "unlicensed_org_modules") != 0)
        return LICENSE_INVALID;
    PGresult *res = db_query(r,
        "INSERT INTO instance_settings (key, value) "
        "SELECT $1, coalesce(string_agg(m, ',' ORDER BY m), '') FROM json_array_elements_text($2::json) m "
        "WHERE m IN ('ai', 'database_workspace', 'dashboards') "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now() RETURNING value",
        DB_ARGS(key, modules_json));
    return res ? LICENSE_OK : LICENSE_DB;
}
