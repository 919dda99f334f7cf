/* ai_config.c — a user's AI target, limits, usage accounting and the arithmetic under them
 * (see ai_config.h).  Row-level security decides whose rows a statement sees (sql/019). */
#include "ai_config.h"
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "secret.h"
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEMINI_BASE_URL "https://generativelanguage.googleapis.com/v1beta"
#define OPENAI_BASE_URL "https://api.openai.com/v1"
#define PRICE_SCALE 1000000ULL      /* prices are held in millionths of a dollar */
#define MAX_TOKENS 1000000000000LL  /* ai_cost_text's range: 10^12 tokens */

const char *ai_key_ad(struct arena *a, const char *config_id)
{
    return arena_printf(a, "user_ai_configs:%s:api_key", config_id);
}

/* ---- cost arithmetic ------------------------------------------------------------------------ */

/* price_parse: decimal text → millionths of a dollar per million tokens.  0 or -1. */
static int price_parse(const char *s, unsigned long long *out)
{
    unsigned long long whole = 0, frac = 0;
    int digits = 0, fdigits = 0;
    *out = 0;
    if (!s || !*s)
        return 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (digits == 9)
            return -1;
        whole = whole * 10 + (unsigned)(*s - '0');
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
            if (fdigits == 6)
                return -1;
            frac = frac * 10 + (unsigned)(*s - '0');
        }
        if (fdigits == 0)
            return -1;
    }
    if (*s || digits + fdigits == 0)
        return -1;
    for (int i = fdigits; i < 6; i++)
        frac *= 10;
    *out = whole * PRICE_SCALE + frac;
    return 0;
}

int ai_price_valid(const char *s)
{
    unsigned long long v;
    return s && *s && price_parse(s, &v) == 0;
}

int ai_cost_text(long long in_tokens, long long out_tokens, const char *in_price,
                 const char *out_price, char out[32])
{
    unsigned long long pin, pout;
    snprintf(out, 32, "0.00000000");
    if (in_tokens < 0 || out_tokens < 0 || in_tokens > MAX_TOKENS || out_tokens > MAX_TOKENS ||
        price_parse(in_price, &pin) != 0 || price_parse(out_price, &pout) != 0)
        return -1;
    /* tokens × (µ$ per 10^6 tokens) = 10^-12 $; round half up to 10^-8 $. */
    unsigned __int128 pico = (unsigned __int128)in_tokens * pin + (unsigned __int128)out_tokens * pout;
    unsigned __int128 units = (pico + 5000) / 10000;
    unsigned long long whole = (unsigned long long)(units / 100000000u);
    unsigned long long frac = (unsigned long long)(units % 100000000u);
    snprintf(out, 32, "%llu.%08llu", whole, frac);
    return 0;
}

/* ---- limits window arithmetic ---------------------------------------------------------------- */

long long ai_window_retry(const struct ai_usage_point *p, int n, double now, double window_s,
                          long long limit, int count_tokens)
{
    if (limit < 0)
        return 0;
    int first = 0;
    while (first < n && p[first].at <= now - window_s)
        first++;
    long long used = 0;
    for (int i = first; i < n; i++)
        used += count_tokens ? p[i].tokens : 1;
    if (used < limit)
        return 0;
    for (int i = first; i < n; i++) {
        used -= count_tokens ? p[i].tokens : 1;
        if (used < limit) {
            long long s = (long long)ceil(p[i].at + window_s - now);
            return s < 1 ? 1 : s;
        }
    }
    return (long long)ceil(window_s);
}

/* ---- the user's target ------------------------------------------------------------------------ */

static const char *const target_sql =
    "SELECT c.id, p.code, p.name, p.base_url,"
    "       COALESCE(p.wire, CASE WHEN p.code = 'gemini' THEN 'gemini' ELSE 'openai' END),"
    "       m.model_identifier, m.display_name, COALESCE(m.context_window, 0),"
    "       COALESCE(m.input_price, 0)::text, COALESCE(m.output_price, 0)::text,"
    "       c.api_key, c.verified, m.is_active IS NOT FALSE"
    "  FROM user_ai_configs c"
    "  JOIN ai_providers p ON p.id = c.provider_id"
    "  LEFT JOIN LATERAL (SELECT * FROM ai_models m"
    "                      WHERE m.provider_id = p.id"
    "                        AND (m.id = c.selected_model_id"
    "                             OR (c.selected_model_id IS NULL AND m.is_active IS NOT FALSE))"
    "                      ORDER BY m.id LIMIT 1) m ON true"
    " WHERE ($1::text IS NULL OR p.code = $1)"
    "   AND c.api_key IS NOT NULL AND c.api_key <> ''"
    "   AND ($2::boolean IS FALSE OR (c.is_enabled IS NOT FALSE AND p.is_active IS NOT FALSE))"
    " ORDER BY c.updated_at DESC NULLS LAST, c.id DESC LIMIT 1";

/* base_url_of: the stored base URL without a trailing '/', or the wire's public default. */
static const char *base_url_of(struct req *r, const char *stored, const char *wire)
{
    if (!stored || !*stored)
        return strcmp(wire, "gemini") == 0 ? GEMINI_BASE_URL : OPENAI_BASE_URL;
    size_t n = strlen(stored);
    while (n > 0 && stored[n - 1] == '/')
        n--;
    return arena_strndup(r->arena, stored, n);
}

/* key_open: the plaintext of config id's stored key; a plaintext one is sealed in place. */
static int key_open(struct req *r, const char *id, const char *stored, const char **plain)
{
    unsigned char key[32];
    secret_key_derive(r->app->secret, key);
    const char *ad = ai_key_ad(r->arena, id);
    int rc = AI_CONFIG_OK;
    if (!secret_is_sealed(stored)) {
        *plain = stored;
        const char *sealed = secret_seal(r->arena, key, ad, stored, strlen(stored));
        if (!db_query(r, "UPDATE user_ai_configs SET api_key = $2, api_key_hint = $3"
                         " WHERE id = $1::int AND api_key = $4",
                      DB_ARGS(id, sealed, secret_hint(r->arena, stored), stored)))
            rc = AI_CONFIG_DB;
    } else if (secret_open(r->arena, key, ad, stored, plain) != SECRET_OK) {
        rc = AI_CONFIG_KEY;
    }
    memset(key, 0, sizeof key);
    return rc;
}

int ai_config_target(struct req *r, const char *provider_code, int require_enabled,
                     struct ai_target *out)
{
    struct db_step st;
    ai_target_step(r, provider_code, require_enabled, &st);
    return ai_target_from(r, db_query(r, st.sql, st.params, st.nparams), require_enabled, out);
}

/* args: a copy of n parameters in r's arena, for a db_step that outlives its caller's frame. */
static const char *const *args(struct req *r, const char *const *vals, size_t n)
{
    const char **p = arena_alloc(r->arena, n * sizeof *p);
    memcpy(p, vals, n * sizeof *p);
    return p;
}

void ai_target_step(struct req *r, const char *provider_code, int require_enabled, struct db_step *out)
{
    const char *vals[] = {provider_code, require_enabled ? "t" : "f"};
    *out = (struct db_step){target_sql, args(r, vals, 2), 2, 1};
}

int ai_target_from(struct req *r, PGresult *res, int require_enabled, struct ai_target *out)
{
    memset(out, 0, sizeof *out);
    if (!res)
        return AI_CONFIG_DB;
    if (PQntuples(res) != 1 || db_isnull(res, 0, 5) ||
        (require_enabled && !db_bool(res, 0, 12)))
        return AI_CONFIG_NONE;
    const char *id = db_val(res, 0, 0);
    out->config_id = db_int(res, 0, 0);
    out->provider_code = db_val(res, 0, 1);
    out->provider_name = db_val(res, 0, 2);
    out->wire = db_val(res, 0, 4);
    out->base_url = base_url_of(r, db_val(res, 0, 3), out->wire);
    out->model_identifier = db_val(res, 0, 5);
    out->model_display_name = db_val(res, 0, 6);
    out->context_window = db_int(res, 0, 7);
    out->input_price = db_val(res, 0, 8);
    out->output_price = db_val(res, 0, 9);
    out->verified = db_bool(res, 0, 11);
    return key_open(r, id, db_val(res, 0, 10), &out->api_key);
}

int ai_config_for_user(struct req *r, const char *provider_code, struct ai_target *out)
{
    return ai_config_target(r, provider_code, 1, out);
}

/* ---- limits ------------------------------------------------------------------------------------ */

static const char *const limits_sql =
    "SELECT COALESCE(l.requests_per_hour, s.requests_per_hour),"
    "       COALESCE(l.requests_per_day, s.requests_per_day),"
    "       COALESCE(l.tokens_per_hour, s.tokens_per_hour),"
    "       COALESCE(l.tokens_per_day, s.tokens_per_day),"
    "       s.monthly_budget IS NOT NULL AND public.ai_month_cost() >= s.monthly_budget,"
    "       extract(epoch FROM now())::float8,"
    "       extract(epoch FROM date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month')::float8"
    "  FROM (SELECT 1) one"
    "  LEFT JOIN ai_settings s ON s.id"
    "  LEFT JOIN ai_user_limits l ON l.user_id = COALESCE($1::text, public.app_user_id())";

/* the day's usage, read only while a limit applies to the user (it is sent in the same round
 * trip as limits_sql, before that answer is known) */
static const char *const recent_sql =
    "SELECT extract(epoch FROM created_at)::float8, input_tokens::bigint + output_tokens"
    "  FROM ai_usage"
    " WHERE user_id = COALESCE($1::text, public.app_user_id()) AND created_at > (now() AT TIME ZONE 'UTC') - interval '1 day'"
    "   AND EXISTS (SELECT 1 FROM (SELECT 1) one LEFT JOIN ai_settings s ON s.id"
    "                 LEFT JOIN ai_user_limits l ON l.user_id = COALESCE($1::text, public.app_user_id())"
    "                WHERE COALESCE(l.requests_per_hour, s.requests_per_hour, l.requests_per_day,"
    "                               s.requests_per_day, l.tokens_per_hour, s.tokens_per_hour,"
    "                               l.tokens_per_day, s.tokens_per_day) IS NOT NULL)"
    " ORDER BY created_at, id";

static long long limit_of(const PGresult *res, int col)
{
    return db_isnull(res, 0, col) ? -1 : db_int(res, 0, col);
}

int ai_limits_check(struct req *r, const char *user_id, long long *retry_after_s)
{
    *retry_after_s = 0;
    PGresult *lim = db_query(r, limits_sql, DB_ARGS(user_id));
    if (!lim)
        return AI_CONFIG_DB;
    if (ai_limits_from(r, lim, NULL, retry_after_s) == 0)
        return 0;
    if (*retry_after_s > 0)
        return -1;
    PGresult *res = db_query(r, recent_sql, DB_ARGS(user_id));   /* a limit is set: the usage */
    return res ? ai_limits_from(r, lim, res, retry_after_s) : AI_CONFIG_DB;
}

void ai_limits_steps(struct req *r, const char *user_id, struct db_step *out)
{
    const char *const *p = args(r, (const char *const[]){user_id}, 1);
    out[0] = (struct db_step){limits_sql, p, 1, 1};
    out[1] = (struct db_step){recent_sql, p, 1, 1};
}

int ai_limits_from(struct req *r, PGresult *lim, PGresult *recent, long long *retry_after_s)
{
    *retry_after_s = 0;
    if (!lim)
        return AI_CONFIG_DB;
    double now = strtod(db_val(lim, 0, 5), NULL);
    if (db_bool(lim, 0, 4)) {
        double left = strtod(db_val(lim, 0, 6), NULL) - now;
        *retry_after_s = left < 1 ? 1 : (long long)ceil(left);
        return -1;
    }
    static const struct { int col; double window; int tokens; } checks[] = {
        {0, 3600, 0}, {1, 86400, 0}, {2, 3600, 1}, {3, 86400, 1},
    };
    int any = 0;
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
        any |= limit_of(lim, checks[i].col) >= 0;
    if (!any)
        return 0;
    if (!recent)
        return AI_CONFIG_DB;
    PGresult *res = recent;
    int n = PQntuples(res);
    struct ai_usage_point *p = arena_alloc(r->arena, (size_t)(n ? n : 1) * sizeof *p);
    for (int i = 0; i < n; i++) {
        p[i].at = strtod(db_val(res, i, 0), NULL);
        p[i].tokens = db_int(res, i, 1);
    }
    long long worst = 0;
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        long long s = ai_window_retry(p, n, now, checks[i].window, limit_of(lim, checks[i].col),
                                      checks[i].tokens);
        if (s > worst)
            worst = s;
    }
    *retry_after_s = worst;
    return worst > 0 ? -1 : 0;
}

/* ---- usage --------------------------------------------------------------------------------------- */

static const char usage_sql[] =
    "INSERT INTO ai_usage (user_id, provider_code, model_identifier, session_uid, message_id,"
    "                      input_tokens, output_tokens, cost, estimated, status, duration_ms,"
    "                      created_at)"
    " VALUES ($1, $2, $3, $4, NULLIF($5, '0')::int, $6::int, $7::int, $8::numeric, $9::boolean,"
    "         $10, $11::int, now() AT TIME ZONE 'UTC')";

void ai_usage_step(struct req *r, const struct ai_usage *u, char cost_out[32], struct db_step *out)
{
    struct arena *a = r->arena;
    char *cost = arena_alloc(a, 32);
    ai_cost_text(u->input_tokens, u->output_tokens, u->input_price, u->output_price, cost);
    if (cost_out)
        memcpy(cost_out, cost, 32);
    const char *user = u->user_id ? u->user_id : r->user ? r->user->id : NULL;
    const char *vals[] = {user, u->provider_code, u->model_identifier, u->session_uid,
                          arena_printf(a, "%lld", u->message_id), arena_printf(a, "%lld", u->input_tokens),
                          arena_printf(a, "%lld", u->output_tokens), cost, u->estimated ? "t" : "f",
                          u->status ? u->status : "complete", arena_printf(a, "%lld", u->duration_ms)};
    const char **params = arena_alloc(a, sizeof vals);
    memcpy(params, vals, sizeof vals);
    *out = (struct db_step){usage_sql, params, (int)(sizeof vals / sizeof *vals), 1};
}

int ai_usage_record(struct req *r, const struct ai_usage *u, char cost_out[32])
{
    struct db_step st;
    ai_usage_step(r, u, cost_out, &st);
    return db_query(r, st.sql, st.params, st.nparams) ? 0 : AI_CONFIG_DB;
}

/* ---- rules and prompts ------------------------------------------------------------------------- */

static const char rules_sql[] =
    "SELECT COALESCE(u.content, d.content), COALESCE(u.is_enabled, true)"
    "  FROM ai_rule_defaults d"
    "  LEFT JOIN user_ai_rules u ON u.view_type = d.view_type"
    " WHERE d.view_type = $1";
static const char prompt_sql[] =
    "SELECT content FROM ai_system_prompts WHERE is_default IS TRUE"
    " ORDER BY (user_id IS NULL), updated_at DESC NULLS LAST LIMIT 1";

const char *ai_rules_for_view(struct req *r, const char *view_type)
{
    return ai_rules_from(db_query(r, rules_sql, DB_ARGS(view_type)));
}

const char *ai_system_prompt(struct req *r)
{
    return ai_system_prompt_from(db_query(r, prompt_sql, DB_NOARGS));
}

void ai_rules_step(struct req *r, const char *view_type, struct db_step *out)
{
    *out = (struct db_step){rules_sql, args(r, (const char *const[]){view_type}, 1), 1, 1};
}

void ai_system_prompt_step(struct db_step *out)
{
    *out = (struct db_step){prompt_sql, NULL, 0, 1};
}

const char *ai_rules_from(PGresult *res)
{
    if (!res)
        return NULL;
    return PQntuples(res) == 1 && db_bool(res, 0, 1) ? db_val(res, 0, 0) : "";
}

const char *ai_system_prompt_from(PGresult *res)
{
    if (!res)
        return NULL;
    return PQntuples(res) == 1 ? db_val(res, 0, 0) : "";
}

/* ---- start-up: seal what another writer left in plaintext --------------------------------------- */

int ai_config_seal_plaintext(const char *conninfo, const unsigned char instance_key[32])
{
    PGconn *c = PQconnectdb(conninfo);
    int sealed = -1;
    struct arena a;
    arena_init(&a);
    unsigned char key[32];
    secret_key_derive(instance_key, key);
    if (PQstatus(c) != CONNECTION_OK) {
        log_msg("ai keys: cannot connect to seal plaintext keys: %s", PQerrorMessage(c));
        goto out;
    }
    PGresult *res = PQexec(c, "SELECT id::text, api_key FROM user_ai_configs"
                              " WHERE api_key IS NOT NULL AND api_key <> '' AND api_key NOT LIKE 'v1:%'");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_msg("ai keys: cannot read user_ai_configs: %s", PQresultErrorMessage(res));
        PQclear(res);
        goto out;
    }
    sealed = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = PQgetvalue(res, i, 0), *plain = PQgetvalue(res, i, 1);
        const char *params[4] = {
            id, secret_seal(&a, key, ai_key_ad(&a, id), plain, strlen(plain)),
            secret_hint(&a, plain), plain,
        };
        PGresult *up = PQexecParams(c, "UPDATE user_ai_configs SET api_key = $2, api_key_hint = $3"
                                       " WHERE id = $1::int AND api_key = $4",
                                    4, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(up) == PGRES_COMMAND_OK)
            sealed += atoi(PQcmdTuples(up));
        else
            log_msg("ai keys: cannot seal the key of configuration %s (SQLSTATE %s)", id,
                    PQresultErrorField(up, PG_DIAG_SQLSTATE));   /* never the row: it holds the key */
        PQclear(up);
    }
    PQclear(res);
    if (sealed > 0)
        log_msg("ai keys: sealed %d plaintext key(s)", sealed);
out:
    memset(key, 0, sizeof key);
    arena_free(&a);
    PQfinish(c);
    return sealed;
}
