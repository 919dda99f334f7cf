/* page_admin_orgs.c — /admin/orgs, the super admin's organizations (members, teams, license
 * modules, seats used/allowed, expiry) with a license form each, and the instance's module
 * switchboard (personal projects, unlicensed organizations) as a form.  Both writes are
 * license.c's (license_save, modules_setting_save), the same as the JSON API's. */
#include "admin.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "license.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *module, *label;
} modules[] = {
    {"ai", "AI assistant"},
    {"database_workspace", "Database workspace"},
    {"dashboards", "Dashboards"},
};
#define NMODULES (sizeof modules / sizeof modules[0])

/* in_list: module is one of the comma-separated list. */
static int in_list(const char *list, const char *module)
{
    size_t n = strlen(module);
    for (const char *p = list; (p = strstr(p, module)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

/* module_boxes: the checkboxes of `list` (comma-separated) for the template. */
static json_t *module_boxes(const char *list)
{
    json_t *a = json_array();
    for (size_t i = 0; i < NMODULES; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", modules[i].module, "label", modules[i].label,
                                           "checked", in_list(list, modules[i].module)));
    return a;
}

/* module_names: the labels of `list`, for the table ("none" when empty). */
static const char *module_names(struct req *r, const char *list)
{
    struct buf *b = buf_arena(r->arena);
    for (size_t i = 0; i < NMODULES; i++)
        if (in_list(list, modules[i].module))
            buf_printf(b, "%s%s", b->len ? ", " : "", modules[i].label);
    return b->len ? buf_cstr(b) : "none";
}

/* A form's correction to show in place of an organization's stored license. */
struct org_edit {
    const char *uid, *field, *message, *modules, *seats, *expires;
};

/* org_json: one row of card_admin_orgs, with the edit's values and error when it is this one. */
static json_t *org_json(struct req *r, const PGresult *res, int i, const struct org_edit *e)
{
    int mine = e && strcmp(e->uid, db_val(res, i, 0)) == 0;
    const char *mods = mine ? e->modules : db_val(res, i, 5);
    int licensed = db_bool(res, i, 4);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:o, s:s, s:s, s:b, s:s}", "uid", db_val(res, i, 0),
        "name", db_val(res, i, 1), "members", db_val(res, i, 2), "teams", db_val(res, i, 3), "licensed", licensed,
        "module_names", licensed ? module_names(r, db_val(res, i, 5)) : "instance setting (unlicensed)",
        "modules", module_boxes(mods), "seats", mine ? e->seats : db_val(res, i, 6),
        "expires", mine ? e->expires : db_val(res, i, 7), "expired", db_bool(res, i, 8),
        "seats_allowed", db_isnull(res, i, 6) ? "unlimited" : db_val(res, i, 6));
    json_object_set_new(o, "errors", mine ? view_field_error(r, e->field, e->message) : json_object());
    return o;
}

/* orgs_render: the page; e: a license form to show again with its error (NULL: none). */
static void orgs_render(struct req *r, int status, const struct org_edit *e)
{
    PGresult *o = db_query(r, "SELECT uid, name, members, teams, licensed, modules, seats, expires, expired "
                              "FROM card_admin_orgs()", DB_NOARGS);
    PGresult *s = o ? db_query(r, "SELECT array_to_string(card_setting_list('personal_modules'), ','), "
                                  "array_to_string(card_setting_list('unlicensed_org_modules'), ',')", DB_NOARGS)
                    : NULL;
    if (!s) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r), *orgs = json_array();
    for (int i = 0; i < PQntuples(o); i++)
        json_array_append_new(orgs, org_json(r, o, i, e));
    json_object_set_new(ctx, "orgs", orgs);
    json_object_set_new(ctx, "personal_modules", module_boxes(db_val(s, 0, 0)));
    json_object_set_new(ctx, "unlicensed_org_modules", module_boxes(db_val(s, 0, 1)));
    json_object_set_new(ctx, "errors", json_object());
    admin_tabs(r, ctx, "orgs");
    view_flash(r, ctx);
    view_render(r, status, "admin_orgs", ctx);
}

void page_admin_orgs(struct req *r)
{
    if (admin_gate(r))
        orgs_render(r, 200, NULL);
}

/* form_list: every value of the form field `key` (ticked checkboxes) as a JSON array text, and
 * as a comma-separated list into *csv. */
static const char *form_list(struct req *r, const char *key, const char **csv)
{
    json_t *a = json_array();
    struct buf *b = buf_arena(r->arena);
    for (int i = 0; i < r->form.n; i++)
        if (strcmp(r->form.items[i].key, key) == 0) {
            json_array_append_new(a, json_string(r->form.items[i].val));
            buf_printf(b, "%s%s", b->len ? "," : "", r->form.items[i].val);
        }
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    const char *out = text ? arena_printf(r->arena, "%s", text) : NULL;
    free(text);
    *csv = buf_cstr(b);
    return out;
}

/* optional: the trimmed form field, NULL when empty. */
static const char *optional(struct req *r, const char *key)
{
    const char *v = arena_strtrim(r->arena, req_form(r, key));
    return *v ? v : NULL;
}

void page_admin_org_license(struct req *r)
{
    if (!admin_gate(r))
        return;
    struct org_edit e = {.uid = r->params[0], .seats = optional(r, "seats"), .expires = optional(r, "expires_at")};
    const char *mods = form_list(r, "modules", &e.modules), *uid = NULL;
    if (!mods) {
        page_error(r, 500, "Internal error", "Something went wrong; nothing was saved.");
        return;
    }
    int rc = license_save(r, e.uid, mods, e.seats, e.expires, &uid, &e.field, &e.message);
    if (!e.seats)
        e.seats = "";
    if (!e.expires)
        e.expires = "";
    if (rc == LICENSE_OK)
        resp_redirect(r, "/admin/orgs?done=saved");
    else if (rc == LICENSE_INVALID)
        orgs_render(r, 422, &e);
    else if (rc == LICENSE_NOT_FOUND)
        page_error(r, 404, "Page not found", "There is no such organization.");
    else
        page_db_error(r);
}

void page_admin_settings_modules(struct req *r)
{
    static const char *const keys[] = {"personal_modules", "unlicensed_org_modules"};
    if (!admin_gate(r))
        return;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *csv, *list = form_list(r, keys[k], &csv);
        if (!list || modules_setting_save(r, keys[k], list) != LICENSE_OK) {
            page_db_error(r);
            return;
        }
    }
    resp_redirect(r, "/admin/orgs?done=saved");
}
