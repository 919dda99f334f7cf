/* license.c — the module switchboard (see license.h): one question to card_modules (sql/024)
 * per gated request, and the clear 403 a disabled module answers. */
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
    PGresult *res = db_query(r, "SELECT $3 = ANY (card_modules($1, $2))",
                             DB_ARGS(project_uid, org_uid, module));
    if (!res || PQntuples(res) != 1)
        return -1;
    return strcmp(db_val(res, 0, 0), "t") == 0;
}

int module_gate(struct req *r, const char *project_uid, const char *module)
{
    int on = modules_enabled(r, project_uid, NULL, module);
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
