/* api_dbws_ai.c — natural language → SQL for the SQL editor (issue 14):
 * POST /api/connections/{uid}/ai-sql {"prompt"} asks the user's configured AI provider
 * (ai_config.h, ai_provider.h: one call whose streamed pieces are collected) for one query in
 * the connection's dialect, with the cached schema (db_table_schema, db_erd_relations; read
 * from the live catalog when nothing is cached) as context, and answers {"sql", "writes",
 * "write_count", "log_id", "model", "usage"}.  The SQL is only returned — it lands in the
 * editor and never runs here; "writes" uses the editor's own confirmation rule
 * (dbws_sqltext.h).  Each request is logged in db_ai_query_logs (seed 001's AIQueryLogs) and
 * in ai_usage.  Gated like the chat (the "ai" module) and the workspace; the user's AI limits
 * apply before any provider call.  The call runs on the query worker (R_QUERY), capped at
 * 25 s so the call and the statements around it fit well inside nginx's read timeout there,
 * outside any transaction of ours. */
#include "ai_config.h"
#include "ai_prompt.h"
#include "ai_provider.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "dbws_sqltext.h"
#include "dbws_store.h"
#include "erd_doc.h"
#include "handlers.h"
#include "http.h"
#include "license.h"
#include "log.h"
#include "ai_netpolicy.h"
#include "view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AI_SQL_PROMPT_MAX 4000
#define AI_SQL_TIMEOUT_S 25          /* well below the query location's fastcgi_read_timeout (600 s) */
#define AI_SQL_ANSWER_MAX (256u << 10)

static const char *const dialect_names[] = {"PostgreSQL", "MySQL/MariaDB", "SQLite"};

/* schema_text: the connection's cached tables as "name(col type PK, …)" lines and its foreign
 * keys as "a.x -> b.y" lines, at most AI_PROMPT_CONTEXT_MAX bytes; NULL when a query failed. */
static const char *schema_text(struct req *r, const char *id)
{
    PGresult *res = db_query(r,
        "SELECT left(coalesce((SELECT string_agg(s.table_name || '(' || coalesce((SELECT string_agg("
        "(col->>'name') || ' ' || coalesce(col->>'type', '') || CASE WHEN (col->>'is_pk')::boolean "
        "THEN ' PRIMARY KEY' ELSE '' END, ', ' ORDER BY o) FROM jsonb_array_elements(s.definition->'columns') "
        "WITH ORDINALITY AS c(col, o)), '') || ')', E'\\n' ORDER BY s.table_name) FROM db_table_schema s "
        "WHERE s.account_id = $1::int), '') || coalesce(E'\\nForeign keys:\\n' || (SELECT string_agg("
        "f.table_from || '.' || f.column_from || ' -> ' || f.table_to || coalesce('.' || f.column_to, ''), "
        "E'\\n' ORDER BY f.id) FROM db_erd_relations f WHERE f.account_id = $1::int), ''), $2::int), "
        "(SELECT count(*) FROM db_table_schema WHERE account_id = $1::int)",
        DB_ARGS(id, arena_printf(r->arena, "%u", AI_PROMPT_CONTEXT_MAX)));
    if (!res)
        return NULL;
    return atoi(db_val(res, 0, 1)) > 0 ? db_val(res, 0, 0) : "";
}

/* context: schema_text, reading the live catalog first when nothing is cached.  NULL after
 * answering. */
static const char *context(struct req *r, const struct dbws_conn *c, const char *id)
{
    const char *text = schema_text(r, id);
    if (text && !*text) {
        struct erd_doc live;
        struct dbws_error err;
        if (dbws_live_schema(r, c, &live, &err) != 0) {
            resp_json(r, 422, json_pack("{s:s, s:s}", "error", "schema", "message",
                                        arena_printf(r->arena, "The schema could not be read: %s", err.message)));
            return NULL;
        }
        text = schema_text(r, id);
    }
    if (!text)
        page_db_error(r);
    return text;
}

struct collect {
    struct buf *answer;
    int too_long;
};

static int on_text(void *ctx, const char *text, size_t n)
{
    struct collect *k = ctx;
    if (k->answer->len + n > AI_SQL_ANSWER_MAX) {
        k->too_long = 1;
        return 1;   /* cancels the call */
    }
    buf_append(k->answer, text, n);
    return 0;
}

/* gate: both modules on for the connection's project, and the user under the AI limits. */
static int gate(struct req *r, const char *uid)
{
    if (!module_gate_connection(r, uid, "database_workspace") || !module_gate_connection(r, uid, "ai"))
        return 0;
    long long retry = 0;
    int lim = ai_limits_check(r, r->user->id, &retry);
    if (lim == AI_CONFIG_DB) {
        page_db_error(r);
        return 0;
    }
    if (lim < 0) {
        resp_headerf(r, "Retry-After", "%lld", retry);
        resp_json(r, 429, json_pack("{s:s, s:s, s:I}", "error", "rate_limited", "message",
                                    arena_printf(r->arena, "You have reached your AI usage limit; it resets in %lld s.",
                                                 retry), "retry_after", (json_int_t)retry));
        return 0;
    }
    return 1;
}

static int target(struct req *r, struct ai_target *t)
{
    int rc = ai_config_for_user(r, NULL, t);
    if (rc == AI_CONFIG_NONE)
        resp_json_error(r, 409, "not_configured",
                        "No AI provider is set up: add an API key and a model in Settings → AI.");
    else if (rc == AI_CONFIG_KEY)
        resp_json_error(r, 409, "key_unreadable",
                        "The stored API key cannot be opened; enter it again in Settings → AI.");
    else if (rc != AI_CONFIG_OK)
        page_db_error(r);
    return rc == AI_CONFIG_OK ? 0 : -1;
}

/* One request's outcome, for the log row and the answer. */
struct outcome {
    const char *sql;
    int writes;
    long long in, out, ms;
    int estimated;
    struct ai_result res;
};

/* record: the log row and the usage row, in a new transaction.  The log id, or -1. */
static long long record(struct req *r, const char *id, const char *prompt, const struct ai_target *t,
                        const struct outcome *o)
{
    db_want_tx(r, NULL);
    if (db_set_user(r, r->user->id) != 0)
        return -1;
    r->commit_on_error = 1;   /* a failed request is logged too */
    int ok = o->res.status == AI_OK;
    struct ai_usage u = {
        .provider_code = t->provider_code, .model_identifier = t->model_identifier,
        .input_tokens = o->in, .output_tokens = o->out, .estimated = o->estimated,
        .input_price = t->input_price, .output_price = t->output_price, .duration_ms = o->ms,
        .status = ok ? "complete" : "failed",
    };
    if (ai_usage_record(r, &u, NULL) != 0)
        return -1;
    struct arena *a = r->arena;
    PGresult *q = db_query(r,
        "INSERT INTO db_ai_query_logs (account_id, user_id, prompt_text, generated_query, provider_code, "
        "model_identifier, input_tokens, output_tokens, estimated, writes, status, error, duration_ms) "
        "VALUES ($1::int, $2, $3, $4, $5, $6, $7::bigint, $8::bigint, $9::boolean, $10::boolean, $11, $12, "
        "$13::bigint) RETURNING id",
        DB_ARGS(id, r->user->id, prompt, ok ? o->sql : NULL, t->provider_code, t->model_identifier,
                arena_printf(a, "%lld", o->in), arena_printf(a, "%lld", o->out), o->estimated ? "true" : "false",
                ok ? (o->writes ? "true" : "false") : NULL, ok ? "complete" : "failed",
                ok ? NULL : o->res.message, arena_printf(a, "%lld", o->ms)));
    return q ? atoll(db_val(q, 0, 0)) : -1;
}

/* ask: the provider call, outside any transaction. */
static void ask(struct req *r, const struct dbws_conn *c, const struct ai_target *t, const char *schema,
                const char *prompt, struct outcome *o)
{
    const char *system = arena_printf(r->arena,
        "You write SQL for a %s database. Answer the user's request with exactly one SQL statement "
        "in a ```sql fenced block and nothing else. Use only the tables and columns below; quote "
        "identifiers when needed. Prefer read-only queries unless the user clearly asks for a change.\n\n"
        "Schema:\n%s", dialect_names[c->type], schema);
    struct ai_message msgs[2] = {{"system", system}, {"user", prompt}};
    struct collect k = {buf_arena(r->arena), 0};
    int timeout = g_app.cfg.ai_timeout > 0 && g_app.cfg.ai_timeout < AI_SQL_TIMEOUT_S ? g_app.cfg.ai_timeout
                                                                                      : AI_SQL_TIMEOUT_S;
    struct ai_request rq = {
        .wire = t->wire, .base_url = t->base_url, .model = t->model_identifier, .api_key = t->api_key,
        .msgs = msgs, .nmsgs = 2, .policy = ai_net_policy_for(r), .timeout_s = timeout, .on_text = on_text,
        .ctx = &k,
    };
    long long t0 = log_now_us();
    ai_provider_stream(&rq, &o->res);
    o->ms = (log_now_us() - t0) / 1000;
    if (k.too_long)
        snprintf(o->res.message, sizeof o->res.message, "The answer was longer than %u bytes.", AI_SQL_ANSWER_MAX);
    o->sql = dbws_sql_from_answer(r->arena, buf_cstr(k.answer));
    if (o->res.status == AI_OK && !*o->sql) {
        o->res.status = AI_ERR_MALFORMED;
        snprintf(o->res.message, sizeof o->res.message, "The model answered no SQL.");
    }
    o->writes = dbws_sql_writes(o->sql, c->type);
    o->estimated = !o->res.usage_known;
    o->in = o->res.usage_known ? o->res.input_tokens : ai_tokens_estimate(strlen(system) + strlen(prompt));
    o->out = o->res.usage_known ? o->res.output_tokens : ai_tokens_estimate(k.answer->len);
    log_msg("ai-sql: conn=%lld provider=%s model=%s status=%d http=%ld in=%lld out=%lld total=%lldms", c->id,
            t->provider_code, t->model_identifier, (int)o->res.status, o->res.http_status, o->in, o->out, o->ms);
}

void api_dbws_ai_sql(struct req *r)
{
    const char *uid = r->nparams ? r->params[0] : NULL;
    json_t *b = json_loadb(r->body ? r->body : "", r->body_len, 0, NULL);
    if (b)
        arena_defer(r->arena, (void (*)(void *))json_decref, b);
    const char *prompt = json_string_value(json_object_get(b, "prompt"));
    if (!json_is_object(b)) {
        resp_json_error(r, 400, "bad_request", "Send a JSON object.");
        return;
    }
    prompt = prompt ? arena_strtrim(r->arena, prompt) : NULL;
    if (!prompt || !*prompt || strlen(prompt) > AI_SQL_PROMPT_MAX) {
        resp_json_error(r, 422, "invalid", "prompt: describe the query in 1 to %d characters", AI_SQL_PROMPT_MAX);
        return;
    }
    struct dbws_conn c;
    int rc = dbws_load(r, uid, &c);
    if (rc != DBWS_STORE_OK) {
        if (rc == DBWS_STORE_NOT_FOUND)
            resp_json_error(r, 404, "not_found", "There is no such connection.");
        else
            page_db_error(r);
        return;
    }
    struct ai_target t;
    const char *id = arena_printf(r->arena, "%lld", c.id);
    if (!gate(r, uid) || target(r, &t) != 0)
        return;
    const char *schema = context(r, &c, id);
    if (!schema)
        return;
    if (db_finish(r, 1) != 0) {   /* no transaction stays open while the provider answers */
        page_db_error(r);
        return;
    }
    struct outcome o;
    memset(&o, 0, sizeof o);
    ask(r, &c, &t, schema, prompt, &o);
    long long log_id = record(r, id, prompt, &t, &o);
    if (log_id < 0) {
        page_db_error(r);
        return;
    }
    if (o.res.status != AI_OK) {
        resp_json(r, 502, json_pack("{s:s, s:s, s:I}", "error", "provider", "message", o.res.message,
                                    "log_id", (json_int_t)log_id));
        return;
    }
    resp_json(r, 200, json_pack("{s:s, s:b, s:i, s:I, s:s, s:s, s:{s:I, s:I, s:b}}", "sql", o.sql,
                                "writes", o.writes > 0, "write_count", o.writes, "log_id", (json_int_t)log_id,
                                "model", t.model_identifier, "dialect", dbws_type_name(c.type), "usage",
                                "input_tokens", (json_int_t)o.in, "output_tokens", (json_int_t)o.out,
                                "estimated", o.estimated));
}

/* GET /api/connections/{uid}/ai-sql: the last 50 requests of the connection (newest first). */
void api_dbws_ai_sql_log(struct req *r)
{
    struct dbws_conn c;
    const char *uid = r->nparams ? r->params[0] : NULL;
    if (!module_gate_connection(r, uid, "database_workspace"))
        return;
    int rc = dbws_load(r, uid, &c);
    if (rc != DBWS_STORE_OK) {
        if (rc == DBWS_STORE_NOT_FOUND)
            resp_json_error(r, 404, "not_found", "There is no such connection.");
        else
            page_db_error(r);
        return;
    }
    PGresult *res = db_query(r,
        "SELECT coalesce(json_agg(json_build_object('id', l.id, 'prompt', l.prompt_text, 'sql', l.generated_query, "
        "'model', l.model_identifier, 'provider', l.provider_code, 'input_tokens', l.input_tokens, 'output_tokens', "
        "l.output_tokens, 'writes', l.writes, 'status', l.status, 'error', l.error, 'user_id', l.user_id, "
        "'created_at', l.created_at) ORDER BY l.id DESC), '[]')::text FROM (SELECT * FROM db_ai_query_logs "
        "WHERE account_id = $1::int ORDER BY id DESC LIMIT 50) l",
        DB_ARGS(arena_printf(r->arena, "%lld", c.id)));
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *list = json_loads(db_val(res, 0, 0), 0, NULL);
    resp_json(r, 200, json_pack("{s:o}", "requests", list ? list : json_array()));
}
