/* view.h — rendering pages: the root context every template sees, the layout, error pages,
 * and small formatting helpers (relative times, JSON safe inside <script>). */
#ifndef CARD_VIEW_H
#define CARD_VIEW_H
#include <jansson.h>
struct req;
struct arena;

/* view_ctx: a new context with app_name, asset_version (the build id of static/), static_url
 * ("/static/<build id>": every asset's URL prefix, so ES modules' relative imports carry the
 * id too), csrf and user (when signed in); owned by the request's arena (released when
 * the request ends: never decref it). */
json_t *view_ctx(struct req *r);
/* view_keep: hand j (a new reference, may be NULL) to the request's arena; returns j. */
json_t *view_keep(struct req *r, json_t *j);
/* view_field_error: {field: message}, owned by the arena — a form's error next to its field. */
json_t *view_field_error(struct req *r, const char *field, const char *message);
/* view_render: render template name with ctx (borrowed) as an HTML response with status. */
void view_render(struct req *r, int status, const char *name, json_t *ctx);
/* page_error: an error response — JSON {"error","message"} for API clients, else the
 * friendly error page.  The message is escaped like every other value. */
void page_error(struct req *r, int status, const char *title, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* view_script_json: JSON text of j with <, >, & and U+2028/9 escaped for a <script> block. */
char *view_script_json(struct arena *a, const json_t *j);
/* view_script_text: the same escaping applied to JSON text. */
char *view_script_text(struct arena *a, const char *json_text);
/* view_ago: "just now", "5 minutes ago", "3 days ago", or a date, from epoch seconds. */
const char *view_ago(struct arena *a, double epoch);
/* view_iso: ISO-8601 UTC string from epoch seconds. */
const char *view_iso(struct arena *a, double epoch);
/* view_flash: set ctx.flash from the ?done= code of a redirect (fixed messages only). */
void view_flash(struct req *r, json_t *ctx);
/* page_db_error: 503 when the database connection is gone, else 500. */
void page_db_error(struct req *r);
#endif
