/* ai_settings.c — validating and saving the AI catalogue, limits and a user's provider
 * configuration (see ai_settings.h). */
#include "ai_settings.h"
#include "ai_config.h"
#include "app.h"
#include "arena.h"
#include "db.h"
#include "http.h"
#include "secret.h"
#include <string.h>

/* chars_ok: s[0..n) is 1–max bytes of the allowed set (NULL allowed: printable ASCII). */
static int chars_ok(const char *s, size_t max, const char *allowed)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (allowed ? !strchr(allowed, c) : (c < 0x21 || c > 0x7e))
            return 0;
    }
    return 1;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

static int code_ok(const char *s) { return chars_ok(s, 40, LOWER DIGIT "_-"); }
static int model_id_ok(const char *s) { return chars_ok(s, 200, LOWER UPPER DIGIT "._:@/-"); }

/* text_ok: 1–max bytes with no control character (UTF-8 was checked with the body). */
static int text_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

/* url_ok: http:// or https:// with a host, printable ASCII without quotes, spaces or '\'. */
static int url_ok(const char *s)
{
    const char *rest = !s ? NULL : strncmp(s, "https://", 8) == 0 ? s + 8
                                 : strncmp(s, "http://", 7) == 0  ? s + 7 : NULL;
    if (!rest || !*rest || *rest == '/' || *rest == ':' || !chars_ok(s, 500, NULL))
        return 0;
    return !strpbrk(s, "\"'<>\\`{}|^");
}

static int invalid(const char **field, const char **message, const char *f, const char *m)
{
    *field = f;
    *message = m;
    return AI_SAVE_INVALID;
}

static const char *bool_arg(int v) { return v == AI_UNSET ? NULL : v ? "t" : "f"; }

int ai_provider_save(struct req *r, const char *code, const struct ai_provider_input *in,
                     int *created, const char **field, const char **message)
{
    *created = 0;
    if (!code_ok(code))
        return invalid(field, message, "code", "A provider code is 1–40 of a–z, 0–9, _ and -.");
    if (!text_ok(in->name, 100))
        return invalid(field, message, "name", "Give the provider a name (at most 100 characters).");
    if (in->base_url && *in->base_url && !url_ok(in->base_url))
        return invalid(field, message, "base_url", "The base URL must be an http:// or https:// address.");
    if (in->wire && strcmp(in->wire, "openai") != 0 && strcmp(in->wire, "gemini") != 0)
        return invalid(field, message, "wire", "The wire format is \"openai\" or \"gemini\".");
    PGresult *res = db_query(
        r,
        "INSERT INTO ai_providers (name, code, base_url, is_active, wire)"
        " VALUES ($2, $1, NULLIF($3, ''), COALESCE($4::boolean, true),"
        "         COALESCE($5, CASE WHEN $1 = 'gemini' THEN 'gemini' ELSE 'openai' END))"
        " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, base_url = EXCLUDED.base_url,"
        "   is_active = COALESCE($4::boolean, ai_providers.is_active),"
        "   wire = COALESCE($5, ai_providers.wire), updated_at = CURRENT_TIMESTAMP"
        " RETURNING (xmax = 0)",
        DB_ARGS(code, in->name, in->base_url ? in->base_url : "", bool_arg(in->is_active), in->wire));
    if (!res)
        return AI_SAVE_DB;
    *created = PQntuples(res) == 1 && db_bool(res, 0, 0);
    return AI_SAVE_OK;
}

int ai_model_save(struct req *r, const char *provider_code, const char *identifier,
                  const struct ai_model_input *in, int *created, const char **field,
                  const char **message)
{
    *created = 0;
    if (!model_id_ok(identifier))
        return invalid(field, message, "model_identifier",
                       "A model identifier is 1–200 of letters, digits and . _ : @ / -.");
    if (in->display_name && !text_ok(in->display_name, 200))
        return invalid(field, message, "display_name", "Give the model a display name (at most 200 characters).");
    if (in->context_window != AI_UNSET && (in->context_window < 0 || in->context_window > 100000000))
        return invalid(field, message, "context_window", "The context window is a whole number of tokens up to 100,000,000.");
    if (in->input_price && *in->input_price && !ai_price_valid(in->input_price))
        return invalid(field, message, "input_price", "A price is dollars per million tokens, e.g. 2.5 (at most 6 decimals).");
    if (in->output_price && *in->output_price && !ai_price_valid(in->output_price))
        return invalid(field, message, "output_price", "A price is dollars per million tokens, e.g. 10 (at most 6 decimals).");
    PGresult *p = db_query(r, "SELECT id FROM ai_providers WHERE code = $1", DB_ARGS(provider_code));
    if (!p)
        return AI_SAVE_DB;
    if (PQntuples(p) != 1)
        return AI_SAVE_NOT_FOUND;
    const char *pid = db_val(p, 0, 0);
    const char *ctx = in->context_window == AI_UNSET ? NULL
                                                      : arena_printf(r->arena, "%lld", in->context_window);
    /* $n IS NULL keeps the stored value; "" (prices) and 0 (context) clear it. */
    PGresult *up = db_query(
        r,
        "UPDATE ai_models SET display_name = COALESCE($3, display_name),"
        "   context_window = CASE WHEN $4::int IS NULL THEN context_window ELSE NULLIF($4::int, 0) END,"
        "   is_active = COALESCE($5::boolean, is_active),"
        "   input_price = CASE WHEN $6::text IS NULL THEN input_price ELSE NULLIF($6, '')::numeric END,"
        "   output_price = CASE WHEN $7::text IS NULL THEN output_price ELSE NULLIF($7, '')::numeric END,"
        "   updated_at = CURRENT_TIMESTAMP"
        " WHERE provider_id = $1::int AND model_identifier = $2",
        DB_ARGS(pid, identifier, in->display_name, ctx, bool_arg(in->is_active), in->input_price,
                in->output_price));
    if (!up)
        return AI_SAVE_DB;
    if (strcmp(PQcmdTuples(up), "0") != 0)
        return AI_SAVE_OK;
    PGresult *ins = db_query(
        r,
        "INSERT INTO ai_models (provider_id, model_identifier, display_name, context_window,"
        "                       is_active, input_price, output_price)"
        " VALUES ($1::int, $2, COALESCE($3, $2), NULLIF($4::int, 0), COALESCE($5::boolean, true),"
        "         NULLIF($6, '')::numeric, NULLIF($7, '')::numeric)",
        DB_ARGS(pid, identifier, in->display_name, ctx, bool_arg(in->is_active), in->input_price,
                in->output_price));
    if (!ins)
        return AI_SAVE_DB;
    *created = 1;
    return AI_SAVE_OK;
}

int ai_limits_save(struct req *r, const char *user_id, const struct ai_limits_input *in,
                   const char **field, const char **message)
{
    const long long v[4] = {in->requests_per_hour, in->requests_per_day, in->tokens_per_hour,
                            in->tokens_per_day};
    const char *txt[4];
    static const char *const names[4] = {"requests_per_hour", "requests_per_day", "tokens_per_hour",
                                         "tokens_per_day"};
    for (int i = 0; i < 4; i++) {
        if (v[i] < -1 || v[i] > (i < 2 ? 2000000000LL : 1000000000000LL))
            return invalid(field, message, names[i], "A limit is a whole number of 0 or more (empty: none).");
        txt[i] = v[i] < 0 ? NULL : arena_printf(r->arena, "%lld", v[i]);
    }
    PGresult *res;
    if (!user_id) {
        const char *budget = in->monthly_budget ? in->monthly_budget : "";
        if (*budget && !ai_price_valid(budget))
            return invalid(field, message, "monthly_budget", "The budget is an amount in dollars, e.g. 100 or 99.50.");
        res = db_query(r,
                       "UPDATE ai_settings SET requests_per_hour = $1::int, requests_per_day = $2::int,"
                       "   tokens_per_hour = $3::bigint, tokens_per_day = $4::bigint,"
                       "   monthly_budget = round(NULLIF($5, '')::numeric, 2),"
                       "   updated_at = CURRENT_TIMESTAMP WHERE id",
                       DB_ARGS(txt[0], txt[1], txt[2], txt[3], budget));
    } else {
        res = db_query(r,
                       "INSERT INTO ai_user_limits (user_id, requests_per_hour, requests_per_day,"
                       "                            tokens_per_hour, tokens_per_day)"
                       " SELECT u.id, $2::int, $3::int, $4::bigint, $5::bigint FROM ai_admin_users() u"
                       "  WHERE u.id = $1"
                       " ON CONFLICT (user_id) DO UPDATE SET requests_per_hour = EXCLUDED.requests_per_hour,"
                       "   requests_per_day = EXCLUDED.requests_per_day,"
                       "   tokens_per_hour = EXCLUDED.tokens_per_hour,"
                       "   tokens_per_day = EXCLUDED.tokens_per_day, updated_at = CURRENT_TIMESTAMP",
                       DB_ARGS(user_id, txt[0], txt[1], txt[2], txt[3]));
        if (res && strcmp(PQcmdTuples(res), "0") == 0)
            return AI_SAVE_NOT_FOUND;
    }
    return res ? AI_SAVE_OK : AI_SAVE_DB;
}

/* key_ok: an API key is 1–512 printable ASCII characters without spaces. */
static int key_ok(const char *s) { return chars_ok(s, 512, NULL); }

int ai_user_config_save(struct req *r, const char *provider_code, const struct ai_config_input *in,
                        const char **field, const char **message)
{
    const char *key = in->api_key && *in->api_key ? in->api_key : NULL;
    if (key && !key_ok(key))
        return invalid(field, message, "api_key", "An API key is up to 512 printable characters without spaces.");
    PGresult *p = db_query(r,
                           "SELECT p.id, c.id FROM ai_providers p"
                           "  LEFT JOIN user_ai_configs c ON c.provider_id = p.id"
                           " WHERE p.code = $1",
                           DB_ARGS(provider_code));
    if (!p)
        return AI_SAVE_DB;
    if (PQntuples(p) < 1)
        return AI_SAVE_NOT_FOUND;
    const char *pid = db_val(p, 0, 0);
    const char *model_id = NULL;   /* ai_models.id text; NULL keeps or none */
    if (in->model_identifier && *in->model_identifier) {
        PGresult *m = db_query(r, "SELECT id FROM ai_models WHERE provider_id = $1::int"
                                  " AND model_identifier = $2 ORDER BY id LIMIT 1",
                               DB_ARGS(pid, in->model_identifier));
        if (!m)
            return AI_SAVE_DB;
        if (PQntuples(m) != 1)
            return invalid(field, message, "model_identifier", "That model is not one of this provider's.");
        model_id = db_val(m, 0, 0);
    }
    int clear_model = in->model_identifier && !*in->model_identifier;
    const char *id = db_isnull(p, 0, 1) ? NULL : db_val(p, 0, 1);
    int fresh = !id;
    if (fresh) {
        if (!key)
            return invalid(field, message, "api_key", "Enter the API key for this provider.");
        PGresult *n = db_query(r, "SELECT nextval(pg_get_serial_sequence('user_ai_configs', 'id'))",
                               DB_NOARGS);
        if (!n)
            return AI_SAVE_DB;
        id = db_val(n, 0, 0);
    }
    const char *sealed = NULL, *hint = NULL;
    if (key) {
        unsigned char k[32];
        secret_key_derive(r->app->secret, k);
        sealed = secret_seal(r->arena, k, ai_key_ad(r->arena, id), key, strlen(key));
        memset(k, 0, sizeof k);
        hint = secret_hint(r->arena, key);
    }
    PGresult *res;
    if (fresh)
        res = db_query(r,
                       "INSERT INTO user_ai_configs (id, user_id, provider_id, selected_model_id, api_key,"
                       "                             api_key_hint, is_enabled, verified, updated_at)"
                       " VALUES ($1::int, $2, $3::int, $4::int, $5, $6, COALESCE($7::boolean, true), false,"
                       "         CURRENT_TIMESTAMP)",
                       DB_ARGS(id, r->user->id, pid, model_id, sealed, hint, bool_arg(in->is_enabled)));
    else
        res = db_query(r,
                       "UPDATE user_ai_configs SET"
                       "   selected_model_id = CASE WHEN $2::int IS NOT NULL THEN $2::int"
                       "                            WHEN $7::boolean THEN NULL ELSE selected_model_id END,"
                       "   api_key = COALESCE($3, api_key), api_key_hint = COALESCE($4, api_key_hint),"
                       "   verified = CASE WHEN $3 IS NULL THEN verified ELSE false END,"
                       "   verified_at = CASE WHEN $3 IS NULL THEN verified_at END,"
                       "   last_test_message = CASE WHEN $3 IS NULL THEN last_test_message END,"
                       "   is_enabled = COALESCE($5::boolean, is_enabled), updated_at = CURRENT_TIMESTAMP"
                       " WHERE id = $1::int AND provider_id = $6::int",
                       DB_ARGS(id, model_id, sealed, hint, bool_arg(in->is_enabled), pid,
                               clear_model ? "t" : "f"));
    return res ? AI_SAVE_OK : AI_SAVE_DB;
}

static const char *const configs_sql =
    "SELECT p.code, p.name, p.base_url, p.is_active IS NOT FALSE,"
    "       COALESCE(p.wire, CASE WHEN p.code = 'gemini' THEN 'gemini' ELSE 'openai' END),"
    "       (SELECT COALESCE(json_agg(json_build_object('model_identifier', m.model_identifier,"
    "                'display_name', m.display_name, 'context_window', m.context_window,"
    "                'is_active', m.is_active IS NOT FALSE, 'input_price', m.input_price::text,"
    "                'output_price', m.output_price::text) ORDER BY m.id), '[]')"
    "          FROM ai_models m WHERE m.provider_id = p.id),"
    "       c.id IS NOT NULL, sm.model_identifier, c.is_enabled IS NOT FALSE,"
    "       c.api_key IS NOT NULL AND c.api_key <> '', c.api_key_hint, c.verified,"
    "       to_char(c.verified_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), c.last_test_message,"
    "       to_char(c.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    "  FROM ai_providers p"
    "  LEFT JOIN user_ai_configs c ON c.provider_id = p.id"
    "  LEFT JOIN ai_models sm ON sm.id = c.selected_model_id"
    " ORDER BY p.id";

/* str_or_null: the column as a JSON string, or null. */
static json_t *str_or_null(const PGresult *res, int row, int col)
{
    return db_isnull(res, row, col) ? json_null() : json_string(db_val(res, row, col));
}

json_t *ai_user_configs_json(struct req *r)
{
    PGresult *res = db_query(r, configs_sql, DB_NOARGS);
    if (!res)
        return NULL;
    json_t *out = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *models = json_loads(db_val(res, i, 5), 0, NULL);
        json_t *cfg = json_null();
        if (db_bool(res, i, 6))
            cfg = json_pack("{s:o, s:b, s:b, s:o, s:b, s:o, s:o, s:o}",
                            "model_identifier", str_or_null(res, i, 7),
                            "is_enabled", db_bool(res, i, 8),
                            "has_key", db_bool(res, i, 9),
                            "key_hint", str_or_null(res, i, 10),
                            "verified", db_bool(res, i, 11),
                            "verified_at", str_or_null(res, i, 12),
                            "last_test_message", str_or_null(res, i, 13),
                            "updated_at", str_or_null(res, i, 14));
        json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:b, s:s, s:o, s:o}",
                                             "code", db_val(res, i, 0), "name", db_val(res, i, 1),
                                             "base_url", str_or_null(res, i, 2),
                                             "is_active", db_bool(res, i, 3),
                                             "wire", db_val(res, i, 4),
                                             "models", models ? models : json_array(),
                                             "config", cfg));
    }
    return out;
}

int ai_test_store(struct req *r, const char *provider_code, int ok, const char *message)
{
    return db_query(r,
                    "UPDATE user_ai_configs c SET verified = $2::boolean,"
                    "   verified_at = CASE WHEN $2::boolean THEN CURRENT_TIMESTAMP ELSE c.verified_at END,"
                    "   last_test_message = $3"
                    "  FROM ai_providers p WHERE p.id = c.provider_id AND p.code = $1",
                    DB_ARGS(provider_code, ok ? "t" : "f", message))
               ? 0 : -1;
}

int ai_test_run(struct req *r, const char *provider_code, int *ok, const char **message)
{
    struct ai_target t;
    *ok = 0;
    *message = "There is no API key saved for this provider.";
    int rc = ai_config_target(r, provider_code, 0, &t);
    if (rc == AI_CONFIG_DB)
        return db_unavailable(r->db) ? 503 : 500;
    if (rc == AI_CONFIG_NONE)
        return 404;
    if (rc == AI_CONFIG_KEY) {
        *message = "The stored key cannot be opened with this server's secret key; enter it again.";
    } else if (!ai_provider_ping) {
        *message = "Testing keys is not available in this build.";
        return ai_test_store(r, provider_code, 0, *message) == 0 ? 501 : db_unavailable(r->db) ? 503 : 500;
    } else {
        const char *why = NULL;
        *ok = ai_provider_ping(r, &t, &why) == 0;
        *message = *ok ? "The provider answered: the key works." : why ? why : "The provider refused the request.";
    }
    if (ai_test_store(r, provider_code, *ok, *message) != 0)
        return db_unavailable(r->db) ? 503 : 500;
    return 200;
}
