/* dashboard_store.h — analytics dashboards as rows (sql/026): a project's dashboards, their
 * widgets (a connection's saved query + a JSON config + a place in a 12-column grid) and each
 * widget's cached result.  Queries run only through dashboard_refresh, which goes through the
 * database workspace's query path (dbws_query: limits, history) and never more often than the
 * floor (CARD_DASHBOARD_REFRESH_FLOOR seconds, default 60) per widget, whoever asks: a refresh
 * within the floor answers the cache.  Share transactions read cached results only. */
#ifndef CARD_DASHBOARD_STORE_H
#define CARD_DASHBOARD_STORE_H
#include <jansson.h>

struct req;
struct buf;

enum {
    DASH_OK = 0,
    DASH_NOT_FOUND = -20,   /* no such dashboard / widget / project / connection for this user */
    DASH_INVALID = -21,     /* the fields are wrong (message given) */
    DASH_DB = -22,          /* Cardinality's own database failed */
};

#define DASH_GRID_COLUMNS 12
#define DASH_GRID_ROWS 60
#define DASH_WIDGET_H_MAX 12
#define DASH_REFRESH_FLOOR_DEFAULT 60

/* dashboard_refresh_floor: CARD_DASHBOARD_REFRESH_FLOOR (seconds, ≥ 0), else 60. */
long dashboard_refresh_floor(void);

/* What a widget is made of (the API's and the form's fields); x/y/w/h < 0: default (add) or
 * unchanged (update). */
struct dash_widget_fields {
    const char *type, *title, *connection_uid, *sql;
    json_t *config;
    long long x, y, w, h;
};

/* dashboard_create: a dashboard in project_uid; *uid its uid.  refresh_s 0: manual only,
 * else raised to the floor. */
int dashboard_create(struct req *r, const char *project_uid, const char *name, long long refresh_s,
                     const char **uid, const char **msg);
/* dashboard_list_json: the project's dashboards [{uid, name, widgets, refresh_interval_s}],
 * or NULL (DASH_NOT_FOUND / DASH_DB in *rc). */
json_t *dashboard_list_json(struct req *r, const char *project_uid, int *rc);
/* dashboard_get_json: {uid, name, project_uid, project_name, refresh_interval_s,
 * effective_refresh_s, floor_s, is_public, share_url, widgets: [{uid, type, title,
 * connection_uid, sql, config, x, y, w, h, result, error, fetched_at, html}]} or NULL (*rc).
 * With shared set (a share transaction), by token and without sql or connection_uid. */
json_t *dashboard_get_json(struct req *r, const char *uid_or_token, int shared, int *rc);
/* dashboard_update: name (NULL: same) and refresh_s (< 0: same). */
int dashboard_update(struct req *r, const char *uid, const char *name, long long refresh_s, const char **msg);
/* dashboard_layout: positions [{uid, x, y, w, h}] of the dashboard's widgets, all or none. */
int dashboard_layout(struct req *r, const char *uid, json_t *items, const char **msg);
int dashboard_delete(struct req *r, const char *uid);
/* dashboard_share: turn the public link on (a new token when regenerate or none yet) or off;
 * *token the token or NULL. */
int dashboard_share(struct req *r, const char *uid, int is_public, int regenerate, const char **token);

/* dashboard_widget_add / _update: validate and store; an update that changes the query or its
 * connection drops the cached result. */
int dashboard_widget_add(struct req *r, const char *dash_uid, const struct dash_widget_fields *f,
                         const char **uid, const char **msg);
int dashboard_widget_update(struct req *r, const char *widget_uid, const struct dash_widget_fields *f,
                            const char **msg);
/* dashboard_widget_delete: *dash_uid the dashboard it was on. */
int dashboard_widget_delete(struct req *r, const char *widget_uid, const char **dash_uid);
/* dashboard_widget_dashboard: the uid of the dashboard a widget is on, or NULL. */
const char *dashboard_widget_dashboard(struct req *r, const char *widget_uid);

/* dashboard_refresh: run the queries of the dashboard's widgets (only widget_uid's when
 * given) whose cached result is older than the floor, each widget's row locked meanwhile so
 * concurrent refreshes wait and then find the fresh cache; cache what comes back (or the
 * error).  *report: [{uid, ran, fetched_at, error}]. */
int dashboard_refresh(struct req *r, const char *dash_uid, const char *widget_uid, json_t **report);

/* dashboard_widget_html: a widget's body from its cached result (the chart, table or counter;
 * its error; or "not run yet") into out. */
void dashboard_widget_html(struct buf *out, json_t *widget);
#endif
