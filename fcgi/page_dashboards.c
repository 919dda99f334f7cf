/* page_dashboards.c — analytics dashboard pages (issue 14): a project's dashboards
 * (/projects/:uid/dashboards: list, create), one dashboard (/dashboards/:uid: the grid of
 * widgets drawn by the server from their cached results, readable with scripts off; forms to
 * add, edit and delete widgets, refresh, rename, share), and the public read-only copy
 * (/s/dashboards/:token: cached results only, never a query).  Every action is a form POST;
 * static/js/dashboards.js only adds drag/resize and auto-refresh on top. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "dashboard_store.h"
#include "db.h"
#include "dbws_store.h"
#include "files.h"
#include "handlers.h"
#include "html.h"
#include "http.h"
#include "share.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

static const char *param(struct req *r, int i)
{
    return r->nparams > i ? r->params[i] : NULL;
}

static void not_found(struct req *r, int rc, const char *what)
{
    if (rc == DASH_DB)
        page_db_error(r);
    else
        page_error(r, 404, "Page not found", "There is no such %s.", what);
}

/* form_int: a form field as a number (empty or absent: def; not a number: -2). */
static long long form_int(struct req *r, const char *key, long long def)
{
    const char *s = req_form(r, key);
    char *end = NULL;
    if (!s || !*s)
        return def;
    long long v = strtoll(s, &end, 10);
    return *end ? -2 : v;
}

void page_dashboards_list(struct req *r)
{
    int rc;
    json_t *list = dashboard_list_json(r, param(r, 0), &rc);
    if (!list) {
        not_found(r, rc, "project");
        return;
    }
    PGresult *p = db_query(r, "SELECT uid, name FROM projects WHERE uid = $1", DB_ARGS(param(r, 0)));
    if (!p || PQntuples(p) != 1) {
        json_decref(list);
        not_found(r, p ? DASH_NOT_FOUND : DASH_DB, "project");
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "project", json_pack("{s:s, s:s}", "uid", db_val(p, 0, 0), "name", db_val(p, 0, 1)));
    json_object_set_new(ctx, "dashboards", list);
    json_object_set_new(ctx, "floor_s", json_integer(dashboard_refresh_floor()));
    const char *err = req_query(r, "error");
    if (err)
        json_object_set_new(ctx, "form_error", json_string(err));
    view_render(r, 200, "dashboards", ctx);
}

void page_dashboards_create(struct req *r)
{
    const char *uid = NULL, *msg = NULL;
    long long refresh = form_int(r, "refresh_interval_s", 0);
    int rc = refresh < 0 ? (msg = "Refresh: enter seconds (0 for manual refresh only).", DASH_INVALID)
                         : dashboard_create(r, param(r, 0), arena_strtrim(r->arena, req_form(r, "name")), refresh, &uid, &msg);
    if (rc == DASH_OK) {
        resp_redirect(r, arena_printf(r->arena, "/dashboards/%s", uid));
    } else if (rc == DASH_INVALID) {
        struct buf *to = buf_arena(r->arena);
        buf_printf(to, "/projects/%s/dashboards?error=", param(r, 0));
        html_url_arg(to, msg);
        resp_redirect(r, buf_cstr(to));
    } else {
        not_found(r, rc, "project");
    }
}

/* config_from_form: the widget config the form describes. */
static json_t *config_from_form(struct req *r)
{
    json_t *cfg = json_object();
    const char *kind = req_form(r, "kind"), *x = arena_strtrim(r->arena, req_form(r, "x_column"));
    const char *ys = req_form(r, "y_columns"), *color = req_form(r, "color");
    if (kind && *kind)
        json_object_set_new(cfg, "kind", json_string(kind));
    if (x && *x)
        json_object_set_new(cfg, "x", json_string(x));
    json_t *y = json_array();
    for (char *s = arena_strdup(r->arena, ys ? ys : ""), *save = NULL, *t = strtok_r(s, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        t = arena_strtrim(r->arena, t);
        if (*t)
            json_array_append_new(y, json_string(t));
    }
    if (json_array_size(y))
        json_object_set(cfg, "y", json_array_size(y) == 1 ? json_array_get(y, 0) : y);
    json_decref(y);
    if (color && *color)
        json_object_set_new(cfg, "colors", json_pack("[s]", color));
    return view_keep(r, cfg);
}

static struct dash_widget_fields fields_from_form(struct req *r)
{
    return (struct dash_widget_fields){
        .type = req_form(r, "type"), .title = arena_strtrim(r->arena, req_form(r, "title")),
        .connection_uid = req_form(r, "connection_uid"), .sql = req_form(r, "sql"), .config = config_from_form(r),
        .x = form_int(r, "x", -1), .y = form_int(r, "y", -1), .w = form_int(r, "w", -1), .h = form_int(r, "h", -1),
    };
}

/* widget_form: the form's values for a widget (or the posted ones). */
static json_t *widget_form(json_t *w)
{
    json_t *cfg = json_object_get(w, "config"), *y = json_object_get(cfg, "y");
    struct buf ys = BUF_INIT;
    if (json_is_string(y))
        buf_puts(&ys, json_string_value(y));
    for (size_t i = 0; i < json_array_size(y); i++) {
        buf_puts(&ys, i ? ", " : "");
        buf_puts(&ys, json_string_value(json_array_get(y, i)) ? json_string_value(json_array_get(y, i)) : "");
    }
    json_t *f = json_pack("{s:O, s:O, s:O, s:O, s:s, s:s, s:O, s:O}", "uid", json_object_get(w, "uid"), "title",
                          json_object_get(w, "title"), "sql", json_object_get(w, "sql"), "connection_uid",
                          json_object_get(w, "connection_uid"), "x_column",
                          json_string_value(json_object_get(cfg, "x")) ? json_string_value(json_object_get(cfg, "x")) : "",
                          "y_columns", buf_cstr(&ys), "w", json_object_get(w, "w"), "h", json_object_get(w, "h"));
    buf_free(&ys);
    return f;
}

/* selected_options: [{value, label, selected}] of values with current marked. */
static json_t *options(const char *const *values, const char *const *labels, size_t n, const char *current)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", values[i], "label", labels[i], "selected",
                                           current && strcmp(current, values[i]) == 0));
    return a;
}

/* posted_form: a refused widget form's values, to show them again. */
static json_t *posted_form(struct req *r)
{
    const char *keys[] = {"title", "sql", "x_column", "y_columns", "w", "h", "type", "connection_uid"};
    json_t *f = json_object();
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = req_form(r, keys[i]);
        json_object_set_new(f, keys[i], json_string(v ? v : ""));
    }
    json_object_set(f, "config", config_from_form(r));
    return f;
}

/* render_show: the dashboard page; editing: the widget whose form is open (NULL: none);
 * form_error: a refused form's message (the posted values are shown again). */
static void render_show(struct req *r, int status, const char *uid, const char *editing, const char *form_error)
{
    int rc;
    json_t *d = dashboard_get_json(r, uid, 0, &rc);
    if (!d) {
        not_found(r, rc, "dashboard");
        return;
    }
    json_t *conns = dbws_list_json(r, json_string_value(json_object_get(d, "project_uid")));
    if (!conns) {
        json_decref(d);
        page_db_error(r);
        return;
    }
    json_t *edit = NULL, *w;
    size_t i;
    json_array_foreach(json_object_get(d, "widgets"), i, w) {
        if (editing && strcmp(json_string_value(json_object_get(w, "uid")), editing) == 0) {
            edit = widget_form(w);
            json_object_set(edit, "config", json_object_get(w, "config"));
            json_object_set(edit, "type", json_object_get(w, "type"));
        }
    }
    static const char *const types[] = {"chart", "table", "counter", "sql"};
    static const char *const type_labels[] = {"Chart", "Table", "Counter (KPI)", "Custom SQL (result table)"};
    static const char *const kinds[] = {"bar", "line", "area", "pie", "scatter"};
    static const char *const kind_labels[] = {"Bar", "Line", "Area", "Pie", "Scatter"};
    int editing_form = edit != NULL;
    if (form_error) {
        json_t *posted = posted_form(r);
        if (edit) {
            json_object_update(edit, posted);
            json_decref(posted);
        } else {
            edit = posted;
        }
    }
    json_t *form = edit ? edit : json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "title", "", "sql", "", "x_column", "",
                                           "y_columns", "", "w", 6, "h", 4);
    const char *cur_type = json_string_value(json_object_get(form, "type"));
    const char *cur_kind = json_string_value(json_object_get(json_object_get(form, "config"), "kind"));
    const char *cur_conn = json_string_value(json_object_get(form, "connection_uid"));
    const char *cur_color = json_string_value(json_array_get(json_object_get(json_object_get(form, "config"), "colors"), 0));
    json_object_set_new(form, "types", options(types, type_labels, 4, cur_type ? cur_type : "chart"));
    json_object_set_new(form, "kinds", options(kinds, kind_labels, 5, cur_kind ? cur_kind : "bar"));
    json_object_set_new(form, "colors", palette_json(cur_color));
    json_t *c;
    json_array_foreach(conns, i, c)
        json_object_set_new(c, "selected", json_boolean(cur_conn && strcmp(cur_conn, json_string_value(json_object_get(c, "uid"))) == 0));
    json_object_set_new(form, "connections", conns);
    json_object_set_new(form, "action", json_string(editing_form ? arena_printf(r->arena, "/widgets/%s", editing)
                                                         : arena_printf(r->arena, "/dashboards/%s/widgets", uid)));
    json_object_set_new(form, "editing", json_boolean(editing_form));
    if (form_error)
        json_object_set_new(form, "error", json_string(form_error));
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "dashboard", d);
    json_object_set_new(ctx, "form", form);
    view_flash(r, ctx);
    view_render(r, status, "dashboard_view", ctx);
}

void page_dashboards_show(struct req *r)
{
    const char *edit = req_query(r, "edit");
    render_show(r, 200, param(r, 0), edit && uid_valid(edit) ? edit : NULL, NULL);
}

void page_dashboards_update(struct req *r)
{
    const char *msg = NULL, *name = arena_strtrim(r->arena, req_form(r, "name"));
    long long refresh = form_int(r, "refresh_interval_s", -1);
    int rc = refresh == -2 ? (msg = "Refresh: enter seconds (0 for manual refresh only).", DASH_INVALID)
                           : dashboard_update(r, param(r, 0), name && *name ? name : NULL, refresh, &msg);
    if (rc == DASH_OK)
        resp_redirect(r, arena_printf(r->arena, "/dashboards/%s", param(r, 0)));
    else if (rc == DASH_INVALID)
        page_error(r, 422, "Invalid settings", "%s", msg);
    else
        not_found(r, rc, "dashboard");
}

void page_dashboards_delete(struct req *r)
{
    int rc;
    json_t *d = dashboard_get_json(r, param(r, 0), 0, &rc);
    if (!d || (rc = dashboard_delete(r, param(r, 0))) != DASH_OK) {
        json_decref(d);
        not_found(r, rc, "dashboard");
        return;
    }
    resp_redirect(r, arena_printf(r->arena, "/projects/%s/dashboards", json_string_value(json_object_get(d, "project_uid"))));
    json_decref(d);
}

void page_dashboards_refresh(struct req *r)
{
    json_t *report = NULL;
    int rc = dashboard_refresh(r, param(r, 0), NULL, &report);
    json_decref(report);
    if (rc == DASH_OK)
        resp_redirect(r, arena_printf(r->arena, "/dashboards/%s", param(r, 0)));
    else
        not_found(r, rc, "dashboard");
}

void page_dashboards_share(struct req *r)
{
    const char *token = NULL;
    int rc = dashboard_share(r, param(r, 0), req_form_bool(r, "is_public"), req_form_bool(r, "regenerate"), &token);
    if (rc == DASH_OK)
        resp_redirect(r, arena_printf(r->arena, "/dashboards/%s#share", param(r, 0)));
    else
        not_found(r, rc, "dashboard");
}

void page_dashboards_widget_add(struct req *r)
{
    struct dash_widget_fields f = fields_from_form(r);
    const char *uid = NULL, *msg = NULL;
    int rc = dashboard_widget_add(r, param(r, 0), &f, &uid, &msg);
    if (rc == DASH_OK)
        resp_redirect(r, arena_printf(r->arena, "/dashboards/%s#widget-%s", param(r, 0), uid));
    else if (rc == DASH_INVALID)
        render_show(r, 422, param(r, 0), NULL, msg);
    else
        not_found(r, rc, "dashboard");
}

void page_dashboards_widget_update(struct req *r)
{
    struct dash_widget_fields f = fields_from_form(r);
    const char *msg = NULL, *dash = dashboard_widget_dashboard(r, param(r, 0));
    int rc = dash ? dashboard_widget_update(r, param(r, 0), &f, &msg) : (r->db->failed ? DASH_DB : DASH_NOT_FOUND);
    if (rc == DASH_OK)
        resp_redirect(r, arena_printf(r->arena, "/dashboards/%s#widget-%s", dash, param(r, 0)));
    else if (rc == DASH_INVALID)
        render_show(r, 422, dash, param(r, 0), msg);
    else
        not_found(r, rc, "widget");
}

void page_dashboards_widget_delete(struct req *r)
{
    const char *dash = NULL;
    int rc = dashboard_widget_delete(r, param(r, 0), &dash);
    if (rc == DASH_OK)
        resp_redirect(r, arena_printf(r->arena, "/dashboards/%s", dash));
    else
        not_found(r, rc, "widget");
}

/* page_dashboards_shared: the public copy, from the cache only (a share transaction has no
 * user, so it could not load a connection even if it tried). */
void page_dashboards_shared(struct req *r)
{
    resp_header(r, "X-Robots-Tag", "noindex, nofollow");
    resp_header(r, "Referrer-Policy", "no-referrer");
    int rc = DASH_NOT_FOUND;
    json_t *d = share_token_valid(param(r, 0)) ? dashboard_get_json(r, param(r, 0), 1, &rc) : NULL;
    if (!d) {
        not_found(r, rc, "shared dashboard");
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "dashboard", d);
    view_render(r, 200, "dashboard_share", ctx);
}
