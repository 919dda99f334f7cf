/* api_diagram_viewport.c — PUT /api/diagrams/:uid/viewport {x, y, zoom}: the editor's pan and
 * zoom, a view preference rather than an edit.  It writes only the viewport columns, names no
 * _version and never conflicts; sql/018_viewport.sql keeps such an update from bumping _version
 * (and from writing an audit snapshot), so another tab's next save is not refused because
 * someone scrolled. */
#include "app.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Zoom limits wider than the editor's (static/js/lib/panzoom.js), so any zoom it sends fits. */
#define VIEWPORT_ZOOM_MIN 0.001
#define VIEWPORT_ZOOM_MAX 100.0
#define VIEWPORT_COORD_MAX 1e9

/* The flag sql/018_viewport.sql's triggers read: on only around the viewport UPDATE. */
static const char SQL_VIEWPORT_ONLY[] = "SELECT set_config('app.viewport_only', $1, true)";

static const char SQL_SET_VIEWPORT[] =
    "UPDATE diagrams SET viewport_x = $2::float8, viewport_y = $3::float8, viewport_zoom = $4::float8 "
    "WHERE uid = $1 AND is_deleted IS NOT TRUE "
    "AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = diagrams.project_id AND p.is_deleted IS TRUE) "
    "RETURNING COALESCE(_version, 0)";

/* read_part: member key of body as a finite number within [lo, hi] into *out; 0, or -1. */
static int read_part(const json_t *body, const char *key, double lo, double hi, double *out)
{
    const json_t *v = json_object_get(body, key);
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return isfinite(*out) && *out >= lo && *out <= hi ? 0 : -1;
}

/* read_viewport: the body's {x, y, zoom}; 0, or -1 after answering 400/422. */
static int read_viewport(struct req *r, double vp[3])
{
    json_error_t je;
    json_t *body = view_keep(r, json_loadb(r->body ? r->body : "", r->body_len, 0, &je));
    if (!body) {
        resp_json_error(r, 400, "bad_request", "The body is not JSON: %s.", je.text);
        return -1;
    }
    if (!json_is_object(body) ||
        read_part(body, "x", -VIEWPORT_COORD_MAX, VIEWPORT_COORD_MAX, &vp[0]) != 0 ||
        read_part(body, "y", -VIEWPORT_COORD_MAX, VIEWPORT_COORD_MAX, &vp[1]) != 0 ||
        read_part(body, "zoom", VIEWPORT_ZOOM_MIN, VIEWPORT_ZOOM_MAX, &vp[2]) != 0) {
        resp_json_error(r, 422, "invalid", "Send {x, y, zoom}: finite numbers, zoom between "
                        "0.001 and 100.");
        return -1;
    }
    return 0;
}

void api_diagram_viewport_put(struct req *r)
{
    double vp[3];
    const char *uid = r->nparams > 0 ? r->params[0] : NULL;
    if (!uid_valid(uid)) {
        resp_json_error(r, 404, "not_found", "There is no such diagram.");
        return;
    }
    if (read_viewport(r, vp) != 0)
        return;
    const char *x = arena_printf(r->arena, "%.17g", vp[0]);
    const char *y = arena_printf(r->arena, "%.17g", vp[1]);
    const char *z = arena_printf(r->arena, "%.17g", vp[2]);
    PGresult *res = NULL;
    if (db_query_prepared(r, SQL_VIEWPORT_ONLY, DB_ARGS("on")))
        res = db_query_prepared(r, SQL_SET_VIEWPORT, DB_ARGS(uid, x, y, z));
    if (!res || !db_query_prepared(r, SQL_VIEWPORT_ONLY, DB_ARGS(""))) {
        page_db_error(r);
        return;
    }
    if (PQntuples(res) != 1) {
        resp_json_error(r, 404, "not_found", "There is no such diagram.");
        return;
    }
    resp_json(r, 200, json_pack("{s:{s:f, s:f, s:f}, s:I}", "viewport", "x", vp[0], "y", vp[1],
                                "zoom", vp[2], "_version",
                                (json_int_t)strtoll(db_val(res, 0, 0), NULL, 10)));
}
