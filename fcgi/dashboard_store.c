/* dashboard_store.c — analytics dashboards as rows and their refresh through the database
 * workspace's query path; see dashboard_store.h.  Row-level security (sql/026) decides whose
 * rows are seen: no query here filters by user. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "dashboard_store.h"
#include "db.h"
#include "dbws_store.h"
#include "files.h"
#include "html.h"
#include "http.h"
#include "svg_chart.h"
#include "view.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 200
#define SQL_MAX_LEN 100000
#define CONFIG_MAX_LEN 10000
#define REFRESH_MAX_S 604800

long dashboard_refresh_floor(void)
{
    const char *s = getenv("CARD_DASHBOARD_REFRESH_FLOOR");
    char *end = NULL;
    long v = s && *s ? strtol(s, &end, 10) : -1;
    return s && *s && *end == '\0' && v >= 0 ? v : DASH_REFRESH_FLOOR_DEFAULT;
}

/* effective_refresh: the interval refresh_s is stored as (0 stays manual-only). */
static long long effective_refresh(long long refresh_s)
{
    long floor_s = dashboard_refresh_floor();
    return refresh_s > 0 && refresh_s < floor_s ? floor_s : refresh_s;
}

static const char *num(struct req *r, long long v)
{
    return arena_printf(r->arena, "%lld", v);
}

static int failed(struct req *r)
{
    return r->db->failed ? DASH_DB : DASH_NOT_FOUND;
}

/* project_id: the live project's id, or NULL. */
static const char *project_id(struct req *r, const char *project_uid)
{
    PGresult *p = uid_valid(project_uid) ? db_query(r, "SELECT id FROM projects WHERE uid = $1 AND is_deleted IS NOT TRUE",
                                                    DB_ARGS(project_uid)) : NULL;
    return p && PQntuples(p) == 1 ? db_val(p, 0, 0) : NULL;
}

int dashboard_create(struct req *r, const char *project_uid, const char *name, long long refresh_s,
                     const char **uid, const char **msg)
{
    if (!name || !*name || strlen(name) > NAME_MAX_LEN)
        return *msg = "name: enter 1 to 200 characters", DASH_INVALID;
    if (refresh_s < 0 || refresh_s > REFRESH_MAX_S)
        return *msg = "refresh_interval_s: use 0 (manual) to 604800 seconds", DASH_INVALID;
    const char *pid = project_id(r, project_uid);
    if (!pid)
        return failed(r);
    PGresult *res = db_query(r, "INSERT INTO dashboards (user_id, project_id, name, refresh_interval_s) "
                                "VALUES ($1, $2::int, $3, $4::int) RETURNING uid",
                             DB_ARGS(r->user->id, pid, name, num(r, effective_refresh(refresh_s))));
    if (!res)
        return DASH_DB;
    *uid = db_val(res, 0, 0);
    return DASH_OK;
}

json_t *dashboard_list_json(struct req *r, const char *project_uid, int *rc)
{
    const char *pid = project_id(r, project_uid);
    if (!pid) {
        *rc = failed(r);
        return NULL;
    }
    PGresult *res = db_query(r, "SELECT d.uid, d.name, d.refresh_interval_s, "
                                "(SELECT count(*) FROM dashboard_widgets w WHERE w.dashboard_id = d.id), d.is_public "
                                "FROM dashboards d WHERE d.project_id = $1::int ORDER BY d.name, d.id", DB_ARGS(pid));
    if (!res) {
        *rc = DASH_DB;
        return NULL;
    }
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:I, s:b}", "uid", db_val(res, i, 0), "name",
                                              db_val(res, i, 1), "refresh_interval_s", (json_int_t)db_int(res, i, 2),
                                              "widgets", (json_int_t)db_int(res, i, 3), "is_public", db_bool(res, i, 4)));
    *rc = DASH_OK;
    return list;
}

/* json_col: a jsonb column parsed (NULL when SQL NULL or unparsable). */
static json_t *json_col(PGresult *res, int row, int col)
{
    return db_isnull(res, row, col) ? NULL : json_loads(db_val(res, row, col), 0, NULL);
}

void dashboard_widget_html(struct buf *out, json_t *w)
{
    const char *error = json_string_value(json_object_get(w, "error"));
    json_t *result = json_object_get(w, "result");
    if (error) {
        buf_puts(out, "<p class=\"widget-error\">");
        html_txt(out, error);
        buf_puts(out, "</p>");
    } else if (!json_is_object(result)) {
        buf_puts(out, "<p class=\"widget-empty\">Not run yet: refresh the dashboard.</p>");
    } else {
        char id[80];
        snprintf(id, sizeof id, "w-%s", json_string_value(json_object_get(w, "uid")));
        json_t *cfg = json_copy(json_object_get(w, "config"));   /* the chart's title: the widget's */
        if (!cfg)
            cfg = json_object();
        if (!json_object_get(cfg, "title"))
            json_object_set(cfg, "title", json_object_get(w, "title"));
        svg_chart_widget(out, json_string_value(json_object_get(w, "type")), cfg, result, id);
        json_decref(cfg);
    }
}

json_t *dashboard_get_json(struct req *r, const char *key, int shared, int *rc)
{
    if (!key || (!shared && !uid_valid(key))) {
        *rc = DASH_NOT_FOUND;
        return NULL;
    }
    PGresult *d = db_query(r, shared
        ? "SELECT d.id, d.uid, d.name, d.refresh_interval_s, d.is_public, d.share_token, NULL, NULL, "
          "extract(epoch FROM d.updated_at) FROM dashboards d "
          "WHERE d.share_token = $1 AND d.is_public"
        : "SELECT d.id, d.uid, d.name, d.refresh_interval_s, d.is_public, d.share_token, p.uid, p.name, "
          "extract(epoch FROM d.updated_at) FROM dashboards d JOIN projects p ON p.id = d.project_id "
          "WHERE d.uid = $1 AND p.is_deleted IS NOT TRUE", DB_ARGS(key));
    if (!d || PQntuples(d) != 1) {
        *rc = failed(r);
        return NULL;
    }
    long long refresh = db_int(d, 0, 3);
    long floor_s = dashboard_refresh_floor();
    json_t *out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:b}", "uid", db_val(d, 0, 1), "name", db_val(d, 0, 2),
                            "refresh_interval_s", (json_int_t)refresh, "effective_refresh_s",
                            (json_int_t)(refresh > 0 && refresh < floor_s ? floor_s : refresh), "floor_s",
                            (json_int_t)floor_s, "is_public", db_bool(d, 0, 4));
    if (!shared) {
        json_object_set_new(out, "project_uid", json_string(db_val(d, 0, 6)));
        json_object_set_new(out, "project_name", json_string(db_val(d, 0, 7)));
        json_object_set_new(out, "share_url", db_bool(d, 0, 4) && !db_isnull(d, 0, 5)
            ? json_string(arena_printf(r->arena, "/s/dashboards/%s", db_val(d, 0, 5))) : json_null());
    }
    json_object_set_new(out, "updated_iso", json_string(view_iso(r->arena, atof(db_val(d, 0, 8)))));
    PGresult *w = db_query(r,
        "SELECT w.uid, w.type, w.title, a.uid, w.sql_query, w.config_json, w.pos_x, w.pos_y, w.width, w.height, "
        "res.result, res.error, extract(epoch FROM res.fetched_at) "
        "FROM dashboard_widgets w LEFT JOIN db_accounts a ON a.id = w.account_id "
        "LEFT JOIN dashboard_widget_results res ON res.widget_id = w.id "
        "WHERE w.dashboard_id = $1::bigint ORDER BY w.pos_y, w.pos_x, w.id", DB_ARGS(db_val(d, 0, 0)));
    if (!w) {
        json_decref(out);
        *rc = DASH_DB;
        return NULL;
    }
    json_t *widgets = json_array();
    for (int i = 0; i < PQntuples(w); i++) {
        json_t *cfg = json_col(w, i, 5), *result = json_col(w, i, 10);
        json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:o, s:o}", "uid", db_val(w, i, 0),
            "type", db_val(w, i, 1), "title", db_val(w, i, 2), "config", cfg ? cfg : json_object(),
            "x", (json_int_t)db_int(w, i, 6), "y", (json_int_t)db_int(w, i, 7), "w", (json_int_t)db_int(w, i, 8),
            "h", (json_int_t)db_int(w, i, 9), "result", result ? result : json_null(),
            "error", db_isnull(w, i, 11) ? json_null() : json_string(db_val(w, i, 11)));
        json_object_set_new(o, "fetched_at", db_isnull(w, i, 12) ? json_null()
                                             : json_string(view_iso(r->arena, atof(db_val(w, i, 12)))));
        if (!shared) {
            json_object_set_new(o, "connection_uid", db_isnull(w, i, 3) ? json_null() : json_string(db_val(w, i, 3)));
            json_object_set_new(o, "sql", json_string(db_val(w, i, 4)));
        }
        struct buf *html = buf_arena(r->arena);
        dashboard_widget_html(html, o);
        json_object_set_new(o, "html", json_string(buf_cstr(html)));
        json_array_append_new(widgets, o);
    }
    json_object_set_new(out, "widgets", widgets);
    *rc = DASH_OK;
    return out;
}

int dashboard_update(struct req *r, const char *uid, const char *name, long long refresh_s, const char **msg)
{
    if (name && (!*name || strlen(name) > NAME_MAX_LEN))
        return *msg = "name: enter 1 to 200 characters", DASH_INVALID;
    if (refresh_s > REFRESH_MAX_S)
        return *msg = "refresh_interval_s: use 0 (manual) to 604800 seconds", DASH_INVALID;
    if (!uid_valid(uid))
        return DASH_NOT_FOUND;
    PGresult *res = db_query(r, "UPDATE dashboards SET name = coalesce($2, name), "
                                "refresh_interval_s = CASE WHEN $3::int < 0 THEN refresh_interval_s ELSE $3::int END, "
                                "updated_at = now() WHERE uid = $1 RETURNING id",
                             DB_ARGS(uid, name, num(r, refresh_s < 0 ? -1 : effective_refresh(refresh_s))));
    return !res ? DASH_DB : PQntuples(res) ? DASH_OK : DASH_NOT_FOUND;
}

/* place_ok: the grid place is inside the 12-column grid. */
static const char *place_ok(long long x, long long y, long long w, long long h)
{
    if (x < 0 || x >= DASH_GRID_COLUMNS || w < 1 || w > DASH_GRID_COLUMNS || x + w > DASH_GRID_COLUMNS)
        return "x, w: the widget must fit the 12 columns (x 0–11, w 1–12, x + w ≤ 12)";
    if (y < 0 || y >= DASH_GRID_ROWS || h < 1 || h > DASH_WIDGET_H_MAX)
        return "y, h: use y 0–59 and h 1–12";
    return NULL;
}

int dashboard_layout(struct req *r, const char *uid, json_t *items, const char **msg)
{
    if (!json_is_array(items))
        return *msg = "layout: send an array of {uid, x, y, w, h}", DASH_INVALID;
    PGresult *d = uid_valid(uid) ? db_query(r, "SELECT id FROM dashboards WHERE uid = $1 FOR UPDATE", DB_ARGS(uid)) : NULL;
    if (!d || PQntuples(d) != 1)
        return failed(r);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        long long x = json_integer_value(json_object_get(it, "x")), y = json_integer_value(json_object_get(it, "y"));
        long long w = json_integer_value(json_object_get(it, "w")), h = json_integer_value(json_object_get(it, "h"));
        const char *wuid = json_string_value(json_object_get(it, "uid"));
        if ((*msg = place_ok(x, y, w, h)) != NULL)
            return DASH_INVALID;
        PGresult *u = uid_valid(wuid) ? db_query(r, "UPDATE dashboard_widgets SET pos_x = $3::int, pos_y = $4::int, "
            "width = $5::int, height = $6::int, updated_at = now() WHERE uid = $2 AND dashboard_id = $1::bigint RETURNING id",
            DB_ARGS(db_val(d, 0, 0), wuid, num(r, x), num(r, y), num(r, w), num(r, h))) : NULL;
        if (!u || PQntuples(u) != 1) {
            if (r->db->failed)
                return DASH_DB;
            return *msg = "layout: a uid is not a widget of this dashboard", DASH_INVALID;
        }
    }
    return db_query(r, "UPDATE dashboards SET updated_at = now() WHERE id = $1::bigint", DB_ARGS(db_val(d, 0, 0)))
        ? DASH_OK : DASH_DB;
}

int dashboard_delete(struct req *r, const char *uid)
{
    PGresult *res = uid_valid(uid) ? db_query(r, "DELETE FROM dashboards WHERE uid = $1 RETURNING id", DB_ARGS(uid)) : NULL;
    return res && PQntuples(res) ? DASH_OK : failed(r);
}

int dashboard_share(struct req *r, const char *uid, int is_public, int regenerate, const char **token)
{
    unsigned char raw[32];
    char fresh[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(fresh, sizeof fresh, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    PGresult *res = uid_valid(uid) ? db_query(r,
        "UPDATE dashboards SET is_public = $2::boolean, share_token = CASE WHEN NOT $2::boolean THEN NULL "
        "WHEN $3::boolean OR share_token IS NULL THEN $4 ELSE share_token END WHERE uid = $1 RETURNING share_token",
        DB_ARGS(uid, is_public ? "true" : "false", regenerate ? "true" : "false", fresh)) : NULL;
    if (!res || !PQntuples(res))
        return failed(r);
    *token = db_isnull(res, 0, 0) ? NULL : db_val(res, 0, 0);
    return DASH_OK;
}

/* check_widget: NULL when f can be stored (add: every field; update: those given). */
static const char *check_widget(const struct dash_widget_fields *f, int add)
{
    if ((add || f->type) && !svg_chart_type_valid(f->type))
        return "type: use chart, table, counter or sql";
    if ((add || f->title) && (!f->title || !*f->title || strlen(f->title) > NAME_MAX_LEN))
        return "title: enter 1 to 200 characters";
    if ((add || f->sql) && (!f->sql || !*f->sql || strlen(f->sql) > SQL_MAX_LEN))
        return "sql: enter the query (up to 100000 characters)";
    if (add && (!f->connection_uid || !*f->connection_uid))
        return "connection_uid: choose a connection";
    if (f->config && !json_is_object(f->config))
        return "config: send an object";
    if (f->config) {
        char *t = json_dumps(f->config, JSON_COMPACT);
        size_t n = t ? strlen(t) : 0;
        free(t);
        if (n > CONFIG_MAX_LEN)
            return "config: is larger than 10000 bytes";
        const char *kind = json_string_value(json_object_get(f->config, "kind"));
        if (f->type && strcmp(f->type, "chart") == 0 && !svg_chart_kind_valid(kind))
            return "config.kind: use bar, line, area, pie or scatter";
        json_t *colors = json_object_get(f->config, "colors"), *c;
        size_t i;
        if (colors && !json_is_array(colors))
            return "config.colors: send an array of palette colours";
        json_array_foreach(colors, i, c) {
            if (!palette_valid(json_string_value(c)))
                return "config.colors: use the palette's colours (#6366f1, #8b5cf6, #ec4899, #f43f5e, "
                       "#f59e0b, #10b981, #06b6d4, #64748b)";
        }
    }
    return NULL;
}

/* account_id: the id of the user's connection uid, or NULL. */
static const char *account_id(struct req *r, const char *conn_uid)
{
    PGresult *a = uid_valid(conn_uid) ? db_query(r, "SELECT id FROM db_accounts WHERE uid = $1", DB_ARGS(conn_uid)) : NULL;
    return a && PQntuples(a) == 1 ? db_val(a, 0, 0) : NULL;
}

static const char *config_text(struct req *r, json_t *config)
{
    if (!config)
        return NULL;
    char *t = json_dumps(config, JSON_COMPACT);
    const char *s = arena_strdup(r->arena, t ? t : "{}");
    free(t);
    return s;
}

int dashboard_widget_add(struct req *r, const char *dash_uid, const struct dash_widget_fields *f,
                         const char **uid, const char **msg)
{
    if ((*msg = check_widget(f, 1)) != NULL)
        return DASH_INVALID;
    PGresult *d = uid_valid(dash_uid) ? db_query(r, "SELECT d.id, coalesce(max(w.pos_y + w.height), 0) FROM dashboards d "
        "LEFT JOIN dashboard_widgets w ON w.dashboard_id = d.id WHERE d.uid = $1 GROUP BY d.id", DB_ARGS(dash_uid)) : NULL;
    if (!d || PQntuples(d) != 1)
        return failed(r);
    const char *acc = account_id(r, f->connection_uid);
    if (!acc) {
        if (r->db->failed)
            return DASH_DB;
        return *msg = "connection_uid: there is no such connection", DASH_INVALID;
    }
    long long next_y = db_int(d, 0, 1);
    long long x = f->x >= 0 ? f->x : 0, w = f->w >= 0 ? f->w : 6, h = f->h >= 0 ? f->h : 4;
    long long y = f->y >= 0 ? f->y : (next_y < DASH_GRID_ROWS ? next_y : DASH_GRID_ROWS - 1);
    if ((*msg = place_ok(x, y, w, h)) != NULL)
        return DASH_INVALID;
    PGresult *res = db_query(r, "INSERT INTO dashboard_widgets (dashboard_id, account_id, type, title, sql_query, "
        "config_json, pos_x, pos_y, width, height) VALUES ($1::bigint, $2::int, $3, $4, $5, coalesce($6::jsonb, '{}'), "
        "$7::int, $8::int, $9::int, $10::int) RETURNING uid",
        DB_ARGS(db_val(d, 0, 0), acc, f->type, f->title, f->sql, config_text(r, f->config), num(r, x), num(r, y),
                num(r, w), num(r, h)));
    if (!res)
        return DASH_DB;
    *uid = db_val(res, 0, 0);
    return DASH_OK;
}

int dashboard_widget_update(struct req *r, const char *widget_uid, const struct dash_widget_fields *f, const char **msg)
{
    if (!uid_valid(widget_uid))
        return DASH_NOT_FOUND;
    PGresult *cur = db_query(r, "SELECT type, pos_x, pos_y, width, height FROM dashboard_widgets WHERE uid = $1 FOR UPDATE",
                             DB_ARGS(widget_uid));
    if (!cur || PQntuples(cur) != 1)
        return failed(r);
    struct dash_widget_fields g = *f;
    if (!g.type)
        g.type = db_val(cur, 0, 0);
    if ((*msg = check_widget(&g, 0)) != NULL)
        return DASH_INVALID;
    long long x = f->x >= 0 ? f->x : db_int(cur, 0, 1), y = f->y >= 0 ? f->y : db_int(cur, 0, 2);
    long long w = f->w >= 0 ? f->w : db_int(cur, 0, 3), h = f->h >= 0 ? f->h : db_int(cur, 0, 4);
    if ((*msg = place_ok(x, y, w, h)) != NULL)
        return DASH_INVALID;
    const char *acc = NULL;
    if (f->connection_uid && *f->connection_uid && !(acc = account_id(r, f->connection_uid))) {
        if (r->db->failed)
            return DASH_DB;
        return *msg = "connection_uid: there is no such connection", DASH_INVALID;
    }
    /* A changed query or connection makes the cached result another query's: drop it. */
    PGresult *res = db_query(r, "WITH old AS (SELECT id, sql_query, account_id FROM dashboard_widgets WHERE uid = $1), "
        "upd AS (UPDATE dashboard_widgets w SET type = $2, title = coalesce($3, w.title), sql_query = coalesce($4, w.sql_query), "
        "account_id = coalesce($5::int, w.account_id), config_json = coalesce($6::jsonb, w.config_json), "
        "pos_x = $7::int, pos_y = $8::int, width = $9::int, height = $10::int, updated_at = now() "
        "FROM old WHERE w.id = old.id RETURNING w.id, (w.sql_query IS DISTINCT FROM old.sql_query OR "
        "w.account_id IS DISTINCT FROM old.account_id) AS changed) "
        "SELECT id, changed FROM upd",
        DB_ARGS(widget_uid, g.type, f->title, f->sql, acc, config_text(r, f->config), num(r, x), num(r, y), num(r, w),
                num(r, h)));
    if (!res || PQntuples(res) != 1)
        return failed(r);
    if (db_bool(res, 0, 1) &&
        !db_query(r, "DELETE FROM dashboard_widget_results WHERE widget_id = $1::bigint", DB_ARGS(db_val(res, 0, 0))))
        return DASH_DB;
    return DASH_OK;
}

const char *dashboard_widget_dashboard(struct req *r, const char *widget_uid)
{
    PGresult *res = uid_valid(widget_uid) ? db_query(r, "SELECT d.uid FROM dashboard_widgets w JOIN dashboards d "
        "ON d.id = w.dashboard_id WHERE w.uid = $1", DB_ARGS(widget_uid)) : NULL;
    return res && PQntuples(res) == 1 ? db_val(res, 0, 0) : NULL;
}

int dashboard_widget_delete(struct req *r, const char *widget_uid, const char **dash_uid)
{
    *dash_uid = dashboard_widget_dashboard(r, widget_uid);
    if (!*dash_uid)
        return failed(r);
    PGresult *res = db_query(r, "DELETE FROM dashboard_widgets WHERE uid = $1 RETURNING id", DB_ARGS(widget_uid));
    return res && PQntuples(res) ? DASH_OK : failed(r);
}

/* store_result: the widget's new cache entry (result or error). */
static int store_result(struct req *r, const char *widget_id, const struct dbws_result *res, const char *error)
{
    const char *text = NULL;
    if (!error) {
        json_t *j = json_pack("{s:o, s:o, s:I, s:b}", "columns", res->columns ? json_incref(res->columns) : json_array(),
                              "rows", res->rows ? json_incref(res->rows) : json_array(), "row_count", (json_int_t)res->row_count,
                              "truncated", res->truncated);
        char *t = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        text = arena_strdup(r->arena, t ? t : "{}");
        free(t);
    }
    return db_query(r, "INSERT INTO dashboard_widget_results (widget_id, result, error, duration_ms, fetched_at) "
                       "VALUES ($1::bigint, $2::jsonb, $3, $4::float8, now()) ON CONFLICT (widget_id) DO UPDATE "
                       "SET result = EXCLUDED.result, error = EXCLUDED.error, duration_ms = EXCLUDED.duration_ms, "
                       "fetched_at = EXCLUDED.fetched_at",
                    DB_ARGS(widget_id, text, error, arena_printf(r->arena, "%.3f", res->duration_ms)))
        ? DASH_OK : DASH_DB;
}

/* refresh_one: run widget row i of w (id, uid, sql, connection uid) unless its cache is
 * younger than the floor; its report entry into report. */
static int refresh_one(struct req *r, PGresult *w, int i, long floor_s, json_t *report)
{
    const char *id = db_val(w, i, 0);
    /* A fresh statement (a new snapshot): a refresh that waited for the lock sees the cache
     * the one before it wrote. */
    PGresult *age = db_query(r, "SELECT extract(epoch FROM now() - fetched_at) < $2::float8, "
                                "extract(epoch FROM fetched_at) FROM dashboard_widget_results WHERE widget_id = $1::bigint",
                             DB_ARGS(id, num(r, floor_s)));
    if (!age)
        return DASH_DB;
    int ran = 0;
    const char *error = NULL;
    if (!(PQntuples(age) == 1 && db_bool(age, 0, 0))) {
        struct dbws_conn c;
        struct dbws_result res;
        struct dbws_error err;
        memset(&res, 0, sizeof res);
        int rc = db_isnull(w, i, 3) ? DBWS_STORE_NOT_FOUND : dbws_load(r, db_val(w, i, 3), &c);
        if (rc == DBWS_STORE_DB)
            return DASH_DB;
        if (rc != DBWS_STORE_OK)
            error = "The widget's connection no longer exists: choose another one.";
        else if (dbws_query(r, &c, db_val(w, i, 2), &res, &err) != 0)
            error = arena_strdup(r->arena, err.message);
        ran = 1;
        if (store_result(r, id, &res, error) != DASH_OK)
            return DASH_DB;
        age = db_query(r, "SELECT false, extract(epoch FROM fetched_at) FROM dashboard_widget_results "
                          "WHERE widget_id = $1::bigint", DB_ARGS(id));
        if (!age)
            return DASH_DB;
    }
    json_array_append_new(report, json_pack("{s:s, s:b, s:o, s:o}", "uid", db_val(w, i, 1), "ran", ran,
        "fetched_at", PQntuples(age) ? json_string(view_iso(r->arena, atof(db_val(age, 0, 1)))) : json_null(),
        "error", error ? json_string(error) : json_null()));
    return DASH_OK;
}

int dashboard_refresh(struct req *r, const char *dash_uid, const char *widget_uid, json_t **report)
{
    *report = NULL;
    if (!uid_valid(dash_uid) || (widget_uid && !uid_valid(widget_uid)))
        return DASH_NOT_FOUND;
    PGresult *d = db_query(r, "SELECT id FROM dashboards WHERE uid = $1", DB_ARGS(dash_uid));
    if (!d || PQntuples(d) != 1)
        return failed(r);
    PGresult *w = db_query(r, "SELECT w.id, w.uid, w.sql_query, a.uid FROM dashboard_widgets w "
                              "LEFT JOIN db_accounts a ON a.id = w.account_id "
                              "WHERE w.dashboard_id = $1::bigint AND ($2::text IS NULL OR w.uid = $2) "
                              "ORDER BY w.pos_y, w.pos_x, w.id FOR UPDATE OF w", DB_ARGS(db_val(d, 0, 0), widget_uid));
    if (!w)
        return DASH_DB;
    if (widget_uid && PQntuples(w) == 0)
        return DASH_NOT_FOUND;
    long floor_s = dashboard_refresh_floor();
    json_t *rep = json_array();
    for (int i = 0; i < PQntuples(w); i++) {
        if (refresh_one(r, w, i, floor_s, rep) != DASH_OK) {
            json_decref(rep);
            return DASH_DB;
        }
    }
    *report = rep;
    return DASH_OK;
}
