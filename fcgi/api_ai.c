/* api_ai.c — the AI configuration's JSON API (issue 13), each write with X-CSRF-Token:
 *   GET  /api/settings/ai                     → {"providers": [… ai_user_configs_json …]} (no key)
 *   PUT  /api/settings/ai/{provider}          {"api_key", "model_identifier", "is_enabled"}
 *   POST /api/settings/ai/{provider}/test     → {"ok", "message"} (ai_provider_ping)
 *   PUT  /api/admin/providers/{code}          {"name", "base_url", "is_active", "wire"?}
 *   PUT  /api/admin/models/{provider}/{model} {"display_name", "context_window", "is_active",
 *                                              "input_price", "output_price"}
 *   PUT  /api/admin/limits                    {"requests_per_hour", …, "monthly_budget"}
 *   PUT  /api/admin/users/{id}/limits         {"requests_per_hour", …}
 *   GET  /api/ai/limits                       → {"allowed", "retry_after"} (ai_limits_check)
 * Admin routes answer 403 to anyone but a super admin, unknown providers 404, invalid bodies
 * 422 {"error": "invalid", "field", "message"}. */
#include "license.h"
#include "admin.h"
#include "ai_config.h"
#include "ai_settings.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <stdio.h>
#include <string.h>

/* body_object: the request's JSON object (arena-owned), or NULL after answering 422. */
static json_t *body_object(struct req *r)
{
    json_t *b = view_keep(r, json_loadb(r->body, r->body_len, 0, NULL));
    if (!json_is_object(b)) {
        resp_json_error(r, 422, "invalid", "Send a JSON object.");
        return NULL;
    }
    return b;
}

/* Field readers: 0, or -1 when the member is there but of the wrong type.  Absent or null
 * leaves *out as it was (the "keep" value). */
static int get_str(json_t *o, const char *k, const char **out)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return -1;
    *out = json_string_value(v);
    return 0;
}
static int get_bool(json_t *o, const char *k, int *out)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return -1;
    *out = json_is_true(v);
    return 0;
}
static int get_int(json_t *o, const char *k, long long *out, long long if_null)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        return 0;
    if (json_is_null(v)) {
        *out = if_null;
        return 0;
    }
    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 0;
}
/* get_decimal: a price as a string or a number ("" for null); the text is checked later. */
static int get_decimal(struct req *r, json_t *o, const char *k, const char **out)
{
    json_t *v = json_object_get(o, k);
    if (!v)
        return 0;
    if (json_is_null(v))
        *out = "";
    else if (json_is_string(v))
        *out = json_string_value(v);
    else if (json_is_integer(v))
        *out = arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1e9) {
        char *s = arena_printf(r->arena, "%.6f", json_real_value(v));
        size_t n = strlen(s);
        while (n > 1 && s[n - 1] == '0')
            s[--n] = '\0';
        if (s[n - 1] == '.')
            s[n - 1] = '\0';
        *out = s;
    } else
        return -1;
    return 0;
}

static void answer_invalid(struct req *r, const char *field, const char *message)
{
    resp_json(r, 422, json_pack("{s:s, s:s, s:s}", "error", "invalid", "field", field, "message", message));
}

/* answer_save: the response to an ai_settings save. */
static int answer_save(struct req *r, int rc, const char *field, const char *message,
                       const char *not_found)
{
    if (rc == AI_SAVE_INVALID)
        answer_invalid(r, field, message);
    else if (rc == AI_SAVE_NOT_FOUND)
        resp_json_error(r, 404, "not_found", "%s", not_found);
    else if (rc != AI_SAVE_OK)
        page_db_error(r);
    return rc == AI_SAVE_OK;
}

void api_ai_settings_get(struct req *r)
{
    if (!module_gate(r, NULL, "ai"))
        return;     /* license gate (sql/027_licenses): personal AI settings follow the instance */
    json_t *providers = ai_user_configs_json(r);
    if (!providers) {
        page_db_error(r);
        return;
    }
    resp_json(r, 200, json_pack("{s:o}", "providers", providers));
}

void api_ai_settings_put(struct req *r)
{
    if (!module_gate(r, NULL, "ai"))
        return;     /* license gate (sql/027_licenses): personal AI settings follow the instance */
    json_t *b = body_object(r);
    if (!b)
        return;
    struct ai_config_input in = {.is_enabled = AI_UNSET};
    if (get_str(b, "api_key", &in.api_key) || get_str(b, "model_identifier", &in.model_identifier) ||
        get_bool(b, "is_enabled", &in.is_enabled)) {
        answer_invalid(r, "body", "api_key and model_identifier are strings, is_enabled true or false.");
        return;
    }
    const char *field = NULL, *message = NULL;
    int rc = ai_user_config_save(r, r->params[0], &in, &field, &message);
    if (!answer_save(r, rc, field, message, "There is no such provider."))
        return;
    json_t *all = view_keep(r, ai_user_configs_json(r));
    for (size_t i = 0; all && i < json_array_size(all); i++) {
        json_t *p = json_array_get(all, i);
        if (strcmp(json_string_value(json_object_get(p, "code")), r->params[0]) == 0) {
            resp_json(r, 200, json_incref(p));
            return;
        }
    }
    page_db_error(r);
}

void api_ai_settings_test(struct req *r)
{
    if (!module_gate(r, NULL, "ai"))
        return;     /* license gate (sql/027_licenses): personal AI settings follow the instance */
    int ok;
    const char *message;
    int status = ai_test_run(r, r->params[0], &ok, &message);
    if (status >= 500 && status != 501)
        page_db_error(r);
    else if (status == 404)
        resp_json_error(r, 404, "not_found", "%s", message);
    else if (status == 501) {
        r->commit_on_error = 1;     /* keep the stored "not available" result */
        resp_json_error(r, 501, "unavailable", "%s", message);
    }
    else
        resp_json(r, 200, json_pack("{s:b, s:s}", "ok", ok, "message", message));
}

void api_admin_provider_put(struct req *r)
{
    json_t *b;
    if (!admin_gate(r) || !(b = body_object(r)))
        return;
    struct ai_provider_input in = {.is_active = AI_UNSET};
    if (get_str(b, "name", &in.name) || get_str(b, "base_url", &in.base_url) ||
        get_str(b, "wire", &in.wire) || get_bool(b, "is_active", &in.is_active)) {
        answer_invalid(r, "body", "name, base_url and wire are strings, is_active true or false.");
        return;
    }
    int created;
    const char *field = NULL, *message = NULL;
    int rc = ai_provider_save(r, r->params[0], &in, &created, &field, &message);
    if (answer_save(r, rc, field, message, "There is no such provider."))
        resp_json(r, created ? 201 : 200, json_pack("{s:s, s:b}", "code", r->params[0], "created", created));
}

void api_admin_model_put(struct req *r)
{
    json_t *b;
    if (!admin_gate(r) || !(b = body_object(r)))
        return;
    size_t n;
    const char *model = http_url_decode(r->arena, r->params[1], strlen(r->params[1]), 0, &n);
    struct ai_model_input in = {.context_window = AI_UNSET, .is_active = AI_UNSET};
    if (get_str(b, "display_name", &in.display_name) ||
        get_int(b, "context_window", &in.context_window, 0) ||
        get_bool(b, "is_active", &in.is_active) || get_decimal(r, b, "input_price", &in.input_price) ||
        get_decimal(r, b, "output_price", &in.output_price)) {
        answer_invalid(r, "body", "display_name is a string, context_window a whole number, is_active "
                       "true or false, the prices numbers or decimal strings.");
        return;
    }
    int created;
    const char *field = NULL, *message = NULL;
    int rc = model ? ai_model_save(r, r->params[0], model, &in, &created, &field, &message)
                   : AI_SAVE_INVALID;
    if (!model)
        field = "model_identifier", message = "The model identifier is malformed.";
    if (answer_save(r, rc, field, message, "There is no such provider."))
        resp_json(r, created ? 201 : 200, json_pack("{s:s, s:s, s:b}", "provider_code", r->params[0],
                                                    "model_identifier", model, "created", created));
}

/* limits_from: the four limits of body b (null or absent: none). */
static int limits_from(json_t *b, struct ai_limits_input *in)
{
    in->requests_per_hour = in->requests_per_day = in->tokens_per_hour = in->tokens_per_day = -1;
    return get_int(b, "requests_per_hour", &in->requests_per_hour, -1) ||
           get_int(b, "requests_per_day", &in->requests_per_day, -1) ||
           get_int(b, "tokens_per_hour", &in->tokens_per_hour, -1) ||
           get_int(b, "tokens_per_day", &in->tokens_per_day, -1);
}

void api_admin_limits_put(struct req *r)
{
    json_t *b;
    if (!admin_gate(r) || !(b = body_object(r)))
        return;
    struct ai_limits_input in = {0};
    in.monthly_budget = "";
    if (limits_from(b, &in) || get_decimal(r, b, "monthly_budget", &in.monthly_budget)) {
        answer_invalid(r, "body", "Limits are whole numbers or null; the budget a number or null.");
        return;
    }
    const char *field = NULL, *message = NULL;
    int rc = ai_limits_save(r, r->nparams ? r->params[0] : NULL, &in, &field, &message);
    if (answer_save(r, rc, field, message, "There is no such user."))
        resp_json(r, 200, json_pack("{s:b}", "saved", 1));
}

/* api_ai_limits_get: GET /api/ai/limits — may the signed-in user ask the assistant now?
 * {"allowed": bool, "retry_after": seconds} (ai_limits_check), for the chat panel to show
 * when it can ask again. */
void api_ai_limits_get(struct req *r)
{
    long long retry;
    int rc = ai_limits_check(r, r->user->id, &retry);
    if (rc == AI_CONFIG_DB) {
        page_db_error(r);
        return;
    }
    resp_json(r, 200, json_pack("{s:b, s:I}", "allowed", rc == 0, "retry_after", (json_int_t)retry));
}
