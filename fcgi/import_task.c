/* import_task.c — the "import" task kind (task.h): a large DDL, DBML or JSON import queued by
 * POST /api/diagrams/:uid/import?async=1 runs here, in the task runner, through the very handler
 * the synchronous route uses (api_diagram_import_run) with IMPORT_TASK_BUDGET times the request's
 * time budget.  The handler's answer becomes the task's end: 200 → succeeded with {diagram_uid,
 * tables, skipped, summary} as the result; anything else → failed with the handler's message
 * (and line), nothing kept.  Params {diagram_uid, dialect, mode, content_type}; the SQL is the
 * task's input. */
#include "app.h"
#include "db.h"
#include "handlers.h"
#include "task.h"
#include <string.h>

#define IMPORT_TASK_BUDGET 6   /* × CARD_IMPORT_SECONDS */

static const char *param(const struct task_run *t, const char *key)
{
    const char *v = json_string_value(json_object_get(t->params, key));
    return v ? v : "";
}

/* aim: the work request as the route would see it: POST, :uid, query, body. */
static int aim(struct task_run *t, char *body, size_t len)
{
    struct req *w = &t->work;
    struct arena *a = w->arena;
    const char *query = arena_printf(a, "dialect=%s&mode=%s", param(t, "dialect"), param(t, "mode"));
    w->method = "POST";
    w->path = arena_printf(a, "/api/diagrams/%s/import", param(t, "diagram_uid"));
    w->query = query;
    w->content_type = param(t, "content_type");
    w->params[0] = param(t, "diagram_uid");
    w->nparams = 1;
    w->body = body;
    w->body_len = len;
    return http_parse_urlencoded(a, query, strlen(query), &w->query_params);
}

/* outcome: the handler's answer as the task's end. */
static int outcome(struct task_run *t)
{
    struct req *w = &t->work;
    json_t *ans = json_loadb(buf_cstr(w->resp_body), w->resp_body->len, 0, NULL);
    const char *msg = json_string_value(json_object_get(ans, "message"));
    json_int_t line = json_integer_value(json_object_get(ans, "line"));
    int rc;
    if (w->status != 200) {
        rc = line > 0 ? task_fail(t, "line %lld: %s", (long long)line, msg ? msg : "the SQL could not be read")
                      : task_fail(t, "%s", msg ? msg : "the import failed");
    } else {
        json_t *diff = json_object_get(ans, "diff");
        size_t tables = json_array_size(json_object_get(ans, "entities"));
        json_int_t skipped = json_integer_value(json_object_get(ans, "skipped"));
        const char *summary = json_string_value(json_object_get(diff, "summary"));
        t->result = json_pack("{s:s, s:I, s:I, s:s}", "diagram_uid", param(t, "diagram_uid"),
                              "tables", (json_int_t)tables, "skipped", skipped, "summary",
                              summary ? summary : "");
        rc = task_step(t, 100, "Imported %zu tables (%lld statements skipped). %s", tables,
                       (long long)skipped, summary ? summary : "");
    }
    json_decref(ans);
    return rc;
}

int import_task_run(struct task_run *t)
{
    struct req *w = &t->work;
    PGresult *in = db_query(w, "SELECT input FROM tasks WHERE uid = $1 AND input IS NOT NULL", DB_ARGS(t->uid));
    size_t len = 0;
    char *sql = in && PQntuples(in) == 1 ? db_hex_bytes(w->arena, db_val(in, 0, 0), &len) : NULL;
    if (!sql)
        return task_fail(t, "the uploaded SQL is missing");
    if (aim(t, sql, len) != 0)
        return task_fail(t, "the import's options are unreadable");
    int rc = task_step(t, 5, "Reading %zu KB of %s…", (len + 1023) / 1024, param(t, "dialect"));
    if (rc != TASK_OK)
        return rc;
    api_diagram_import_run(w, w->app->cfg.import_seconds * IMPORT_TASK_BUDGET);
    return outcome(t);
}
