/* api_license.c — the JSON API of the module switchboard (sql/027_licenses.sql):
 *   GET /api/modules[?project_uid=…|org_uid=…] → {"modules": [...]} where the caller stands;
 *   PUT /api/admin/orgs/{uid}/license {"modules": [...], "seats": n|null, "expires_at": "…"|null}
 *       → 200 {"uid"} (super admin; 404 for anyone else and for no such organization, 422
 *       invalid with the field);
 *   PUT /api/admin/settings/modules {"personal_modules": [...], "unlicensed_org_modules": [...]}
 *       → 200 (super admin; 404 otherwise): the modules of personal projects and of unlicensed
 *       organizations.  Both writes are license.c's, shared with the /admin/orgs forms. */
#include "admin.h"
#include "db.h"
#include "license.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <string.h>

void api_modules_get(struct req *r)
{
    PGresult *res = db_query(r, "SELECT to_json(card_modules($1, $2))::text",
                             DB_ARGS(req_query(r, "project_uid"), req_query(r, "org_uid")));
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *mods = json_loads(db_val(res, 0, 0), 0, NULL);
    resp_json(r, 200, json_pack("{s:o}", "modules", mods ? mods : json_array()));
}

/* body: the JSON object body, or NULL after answering 422. */
static json_t *body(struct req *r, const char *shape)
{
    json_t *b = view_keep(r, json_loadb(r->body, r->body_len, 0, NULL));
    if (!json_is_object(b)) {
        resp_json_error(r, 422, "invalid", "Send %s.", shape);
        return NULL;
    }
    return b;
}

/* string_list: the member `key` as JSON text when it is an array of strings, else NULL. */
static const char *string_list(struct req *r, json_t *b, const char *key)
{
    json_t *a = json_object_get(b, key);
    size_t i;
    json_t *v;
    if (!json_is_array(a))
        return NULL;
    json_array_foreach(a, i, v) if (!json_is_string(v)) return NULL;
    char *text = json_dumps(a, JSON_COMPACT);
    const char *out = text ? arena_printf(r->arena, "%s", text) : NULL;
    free(text);
    return out;
}

void api_admin_license_put(struct req *r)
{
    static const char shape[] = "{\"modules\": [\"ai\"|\"database_workspace\"|\"dashboards\"…], "
                                "\"seats\": n|null, \"expires_at\": \"…\"|null}";
    if (!admin_gate(r))
        return;
    json_t *b = body(r, shape);
    if (!b)
        return;
    const char *mods = string_list(r, b, "modules");
    json_t *seats = json_object_get(b, "seats"), *exp = json_object_get(b, "expires_at");
    if (!mods || (seats && !json_is_null(seats) && !json_is_integer(seats))
        || (exp && !json_is_null(exp) && !json_is_string(exp))) {
        resp_json_error(r, 422, "invalid", "Send %s.", shape);
        return;
    }
    const char *seats_s = json_is_integer(seats)
        ? arena_printf(r->arena, "%lld", (long long)json_integer_value(seats)) : NULL;
    const char *uid = NULL, *field = NULL, *message = NULL;
    int rc = license_save(r, r->params[0], mods, seats_s, json_string_value(exp), &uid, &field, &message);
    if (rc == LICENSE_OK)
        resp_json(r, 200, json_pack("{s:s}", "uid", uid));
    else if (rc == LICENSE_INVALID)
        resp_json(r, 422, json_pack("{s:s, s:s, s:s}", "error", "invalid", "field", field, "message", message));
    else if (rc == LICENSE_NOT_FOUND)
        resp_json_error(r, 404, "not_found", "There is no such organization.");
    else
        page_db_error(r);
}

void api_admin_modules_put(struct req *r)
{
    static const char shape[] = "{\"personal_modules\": [...], \"unlicensed_org_modules\": [...]}";
    if (!admin_gate(r))
        return;
    json_t *b = body(r, shape);
    if (!b)
        return;
    static const char *const keys[] = {"personal_modules", "unlicensed_org_modules"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        if (!json_object_get(b, keys[k]))
            continue;
        const char *list = string_list(r, b, keys[k]);
        if (!list) {
            resp_json_error(r, 422, "invalid", "Send %s.", shape);
            return;
        }
        if (modules_setting_save(r, keys[k], list) != LICENSE_OK) {
            page_db_error(r);
            return;
        }
    }
    resp_json(r, 200, json_pack("{s:b}", "saved", 1));
}
