/* api_dashboard.c — analytics dashboards' JSON API (issue 14): a project's dashboards (list,
 * create), one dashboard with its widgets and cached results (show, rename, refresh interval,
 * layout, delete, public link), widgets (add, edit, delete), refresh (runs queries at most
 * once per floor per widget), and a widget's chart as a standalone SVG.  Writes carry
 * X-CSRF-Token (dispatch.c); row-level security keeps dashboards their owner's (404). */
#include "arena.h"
#include "buf.h"
#include "dashboard_store.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "svg_chart.h"
#include "view.h"
#include <string.h>

static const char *param(struct req *r, int i)
{
    return r->nparams > i ? r->params[i] : NULL;
}

/* answer: the store's failure codes as the API's statuses. */
static void answer(struct req *r, int rc, const char *msg, const char *what)
{
    if (rc == DASH_INVALID)
        resp_json_error(r, 422, "invalid", "%s", msg ? msg : "invalid");
    else if (rc == DASH_NOT_FOUND)
        resp_json_error(r, 404, "not_found", "There is no such %s.", what);
    else
        page_db_error(r);
}

static json_t *body_json(struct req *r)
{
    json_t *j = json_loadb(r->body ? r->body : "", r->body_len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        resp_json_error(r, 400, "bad_request", "Send a JSON object.");
        return NULL;
    }
    arena_defer(r->arena, (void (*)(void *))json_decref, j);
    return j;
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* jint: an integer field, def when absent; -2 when present but not an integer. */
static long long jint(json_t *o, const char *key, long long def)
{
    json_t *v = json_object_get(o, key);
    return !v || json_is_null(v) ? def : json_is_integer(v) ? json_integer_value(v) : -2;
}

void api_dashboard_list(struct req *r)
{
    int rc;
    json_t *list = dashboard_list_json(r, param(r, 0), &rc);
    if (list)
        resp_json(r, 200, json_pack("{s:o}", "dashboards", list));
    else
        answer(r, rc, NULL, "project");
}

void api_dashboard_create(struct req *r)
{
    json_t *b = body_json(r);
    if (!b)
        return;
    const char *uid = NULL, *msg = NULL;
    long long refresh = jint(b, "refresh_interval_s", 0);
    int rc = refresh < 0 ? (msg = "refresh_interval_s: use 0 (manual) to 604800 seconds", DASH_INVALID)
                         : dashboard_create(r, param(r, 0), jstr(b, "name"), refresh, &uid, &msg);
    if (rc == DASH_OK)
        resp_json(r, 201, json_pack("{s:s}", "uid", uid));
    else
        answer(r, rc, msg, "project");
}

void api_dashboard_get(struct req *r)
{
    int rc;
    json_t *d = dashboard_get_json(r, param(r, 0), 0, &rc);
    if (d)
        resp_json(r, 200, d);
    else
        answer(r, rc, NULL, "dashboard");
}

void api_dashboard_update(struct req *r)
{
    json_t *b = body_json(r);
    if (!b)
        return;
    const char *msg = NULL, *uid = param(r, 0);
    json_t *name = json_object_get(b, "name");
    long long refresh = jint(b, "refresh_interval_s", -1);
    int rc = DASH_OK;
    if ((name && !json_is_string(name)) || refresh == -2)
        rc = DASH_INVALID, msg = "name: send text; refresh_interval_s: send seconds";
    if (rc == DASH_OK && (name || refresh >= 0))
        rc = dashboard_update(r, uid, json_string_value(name), refresh, &msg);
    if (rc == DASH_OK && json_object_get(b, "layout"))
        rc = dashboard_layout(r, uid, json_object_get(b, "layout"), &msg);
    if (rc != DASH_OK) {
        answer(r, rc, msg, "dashboard");
        return;
    }
    json_t *d = dashboard_get_json(r, uid, 0, &rc);
    if (d)
        resp_json(r, 200, d);
    else
        answer(r, rc, NULL, "dashboard");
}

void api_dashboard_delete(struct req *r)
{
    int rc = dashboard_delete(r, param(r, 0));
    if (rc == DASH_OK)
        resp_text(r, 204, "text/plain", "", 0);
    else
        answer(r, rc, NULL, "dashboard");
}

void api_dashboard_share(struct req *r)
{
    json_t *b = body_json(r);
    if (!b)
        return;
    const char *token = NULL;
    int rc = dashboard_share(r, param(r, 0), json_is_true(json_object_get(b, "is_public")),
                             json_is_true(json_object_get(b, "regenerate")), &token);
    if (rc == DASH_OK)
        resp_json(r, 200, json_pack("{s:b, s:o}", "is_public", token != NULL, "url",
                                    token ? json_string(arena_printf(r->arena, "/s/dashboards/%s", token)) : json_null()));
    else
        answer(r, rc, NULL, "dashboard");
}

/* widget_fields: the body's widget fields (absent: NULL / -1); -1 after answering 422. */
static int widget_fields(struct req *r, json_t *b, struct dash_widget_fields *f)
{
    json_t *cfg = json_object_get(b, "config");
    *f = (struct dash_widget_fields){
        .type = jstr(b, "type"), .title = jstr(b, "title"), .connection_uid = jstr(b, "connection_uid"),
        .sql = jstr(b, "sql"), .config = cfg,
        .x = jint(b, "x", -1), .y = jint(b, "y", -1), .w = jint(b, "w", -1), .h = jint(b, "h", -1),
    };
    if (f->x == -2 || f->y == -2 || f->w == -2 || f->h == -2) {
        resp_json_error(r, 422, "invalid", "x, y, w, h: send whole numbers");
        return -1;
    }
    return 0;
}

void api_dashboard_widget_add(struct req *r)
{
    json_t *b = body_json(r);
    struct dash_widget_fields f;
    if (!b || widget_fields(r, b, &f) != 0)
        return;
    const char *uid = NULL, *msg = NULL;
    int rc = dashboard_widget_add(r, param(r, 0), &f, &uid, &msg);
    if (rc == DASH_OK)
        resp_json(r, 201, json_pack("{s:s}", "uid", uid));
    else
        answer(r, rc, msg, "dashboard");
}

void api_dashboard_widget_update(struct req *r)
{
    json_t *b = body_json(r);
    struct dash_widget_fields f;
    if (!b || widget_fields(r, b, &f) != 0)
        return;
    const char *msg = NULL;
    int rc = dashboard_widget_update(r, param(r, 0), &f, &msg);
    if (rc == DASH_OK)
        resp_json(r, 200, json_pack("{s:s}", "uid", param(r, 0)));
    else
        answer(r, rc, msg, "widget");
}

void api_dashboard_widget_delete(struct req *r)
{
    const char *dash = NULL;
    int rc = dashboard_widget_delete(r, param(r, 0), &dash);
    if (rc == DASH_OK)
        resp_text(r, 204, "text/plain", "", 0);
    else
        answer(r, rc, NULL, "widget");
}

/* api_dashboard_refresh: {"widgets": [{uid, ran, fetched_at, error, html}]}; body
 * {"widget_uid"} (optional) refreshes one widget. */
void api_dashboard_refresh(struct req *r)
{
    json_t *b = r->body_len ? body_json(r) : NULL;
    if (r->body_len && !b)
        return;
    json_t *report = NULL;
    const char *uid = param(r, 0);
    int rc = dashboard_refresh(r, uid, b ? jstr(b, "widget_uid") : NULL, &report);
    if (rc != DASH_OK) {
        answer(r, rc, NULL, "dashboard");
        return;
    }
    arena_defer(r->arena, (void (*)(void *))json_decref, report);
    json_t *d = dashboard_get_json(r, uid, 0, &rc);
    if (!d) {
        answer(r, rc, NULL, "dashboard");
        return;
    }
    arena_defer(r->arena, (void (*)(void *))json_decref, d);
    size_t i, k;
    json_t *e, *w;
    json_array_foreach(report, i, e) {
        json_array_foreach(json_object_get(d, "widgets"), k, w) {
            if (strcmp(json_string_value(json_object_get(w, "uid")), json_string_value(json_object_get(e, "uid"))) == 0)
                json_object_set(e, "html", json_object_get(w, "html"));
        }
    }
    resp_json(r, 200, json_pack("{s:O, s:O}", "widgets", report, "effective_refresh_s",
                                json_object_get(d, "effective_refresh_s")));
}

/* page_dashboard_widget_svg: GET /widgets/:uid.svg — a chart widget's cached result as a
 * standalone SVG (the same drawing as the page), 404 when there is none. */
void page_dashboard_widget_svg(struct req *r)
{
    const char *dash = dashboard_widget_dashboard(r, param(r, 0));
    int rc = DASH_NOT_FOUND;
    json_t *d = dash ? dashboard_get_json(r, dash, 0, &rc) : NULL;
    if (!d) {
        if (r->db->failed)
            page_db_error(r);
        else
            page_error(r, 404, "Page not found", "There is no such chart.");
        return;
    }
    arena_defer(r->arena, (void (*)(void *))json_decref, d);
    size_t k;
    json_t *w;
    json_array_foreach(json_object_get(d, "widgets"), k, w) {
        if (strcmp(json_string_value(json_object_get(w, "uid")), param(r, 0)) != 0)
            continue;
        struct buf *out = buf_arena(r->arena);
        if (strcmp(json_string_value(json_object_get(w, "type")), "chart") == 0 &&
            svg_chart_svg(out, json_object_get(w, "config"), json_object_get(w, "result"),
                          arena_printf(r->arena, "w-%s", param(r, 0))) == SVG_CHART_OK) {
            resp_text(r, 200, "image/svg+xml; charset=utf-8", buf_cstr(out), out->len);
            return;
        }
    }
    page_error(r, 404, "Page not found", "This widget has no chart to show yet.");
}
