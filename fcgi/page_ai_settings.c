/* page_ai_settings.c — Settings → AI (/settings/ai), plain forms that work without script:
 * per provider the API key (never refilled: the field shows only its hint), the model, enabled,
 * and "test" (one tiny request through ai_provider_ping; sets verified); the user's rules per
 * view (erd, notes, flowchart; seeded from ai_rule_defaults on first visit); system prompts —
 * the built-in ones read-only, the user's own editable, exactly one default (the user's own
 * default, else the built-in one). */
#include "license.h"
#include "ai_config.h"
#include "ai_settings.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "view.h"
#include <string.h>

static const char *const view_types[] = {"erd", "notes", "flowchart"};
static const char *const view_labels[] = {"ERD diagrams", "Notes", "Flowcharts"};

/* providers_ctx: ai_user_configs_json with each model marked selected for the select box. */
static json_t *providers_ctx(struct req *r)
{
    json_t *all = ai_user_configs_json(r);
    for (size_t i = 0; all && i < json_array_size(all); i++) {
        json_t *p = json_array_get(all, i);
        json_t *cfg = json_object_get(p, "config");
        const char *sel = json_string_value(json_object_get(cfg, "model_identifier"));
        json_t *models = json_object_get(p, "models");
        for (size_t k = 0; k < json_array_size(models); k++) {
            json_t *m = json_array_get(models, k);
            const char *id = json_string_value(json_object_get(m, "model_identifier"));
            json_object_set_new(m, "selected", json_boolean(sel && id && strcmp(sel, id) == 0));
        }
    }
    return all;
}

static json_t *rules_ctx(struct req *r)
{
    if (!db_query(r,
                  "INSERT INTO user_ai_rules (id, user_id, view_type, content, is_enabled)"
                  " SELECT gen_random_uuid()::text, $1, d.view_type, d.content, true FROM ai_rule_defaults d"
                  " ON CONFLICT (user_id, view_type) DO NOTHING",
                  DB_ARGS(r->user->id)))
        return NULL;
    PGresult *res = db_query(r, "SELECT view_type, content, is_enabled FROM user_ai_rules", DB_NOARGS);
    if (!res)
        return NULL;
    json_t *out = json_array();
    for (size_t v = 0; v < sizeof view_types / sizeof *view_types; v++)
        for (int i = 0; i < PQntuples(res); i++)
            if (strcmp(db_val(res, i, 0), view_types[v]) == 0)
                json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:b}", "view_type", view_types[v],
                                                     "label", view_labels[v], "content", db_val(res, i, 1),
                                                     "is_enabled", db_bool(res, i, 2)));
    return out;
}

static json_t *prompts_ctx(struct req *r)
{
    PGresult *res = db_query(
        r,
        "SELECT id, name, content, is_built_in IS TRUE, user_id IS NOT NULL,"
        "       is_default IS TRUE AND (user_id IS NOT NULL OR NOT EXISTS"
        "         (SELECT 1 FROM ai_system_prompts o WHERE o.is_default IS TRUE AND o.user_id IS NOT NULL))"
        "  FROM ai_system_prompts"
        " ORDER BY is_built_in IS TRUE DESC, user_id IS NOT NULL, created_at, id",
        DB_NOARGS);
    if (!res)
        return NULL;
    json_t *out = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b}", "id", db_val(res, i, 0),
                                             "name", db_val(res, i, 1), "content", db_val(res, i, 2),
                                             "is_built_in", db_bool(res, i, 3), "own", db_bool(res, i, 4),
                                             "is_default", db_bool(res, i, 5)));
    return out;
}

static void settings_render(struct req *r, int status, json_t *errors)
{
    json_t *providers = view_keep(r, providers_ctx(r));
    json_t *rules = providers ? view_keep(r, rules_ctx(r)) : NULL;
    json_t *prompts = rules ? view_keep(r, prompts_ctx(r)) : NULL;
    if (!prompts) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_object_set(ctx, "providers", providers);
    json_object_set(ctx, "rules", rules);
    json_object_set(ctx, "prompts", prompts);
    json_object_set_new(ctx, "errors", errors ? json_incref(errors) : json_object());
    const char *done = req_query(r, "done");
    if (done && strcmp(done, "tested") == 0)
        json_object_set_new(ctx, "flash", json_string("Key tested: the result is shown beside the provider."));
    else
        view_flash(r, ctx);
    view_render(r, status, "ai_settings", ctx);
}

void page_ai_settings(struct req *r)
{
    if (!module_gate(r, NULL, "ai"))
        return;     /* license gate (sql/027_licenses): personal AI settings follow the instance */
    settings_render(r, 200, NULL);
}

/* form_answer: redirect after a save, or the page again with the error above the forms
 * (field names the field for the JSON API; the page shows the message alone). */
static void form_answer(struct req *r, int rc, const char *field, const char *message)
{
    (void)field;
    if (rc == AI_SAVE_OK)
        resp_redirect(r, "/settings/ai?done=saved");
    else if (rc == AI_SAVE_INVALID)
        settings_render(r, 422, view_field_error(r, "form", message));
    else if (rc == AI_SAVE_NOT_FOUND)
        page_error(r, 404, "Not found", "There is no such provider.");
    else
        page_db_error(r);
}

void page_ai_provider_save(struct req *r)
{
    struct ai_config_input in = {
        .api_key = req_form(r, "api_key"),
        .model_identifier = req_form(r, "model_identifier"),
        .is_enabled = req_form_bool(r, "is_enabled"),
    };
    const char *field = NULL, *message = NULL;
    int rc = ai_user_config_save(r, r->params[0], &in, &field, &message);
    form_answer(r, rc, field ? arena_printf(r->arena, "%s_%s", r->params[0], field) : NULL, message);
}

void page_ai_provider_test(struct req *r)
{
    int ok;
    const char *message;
    int status = ai_test_run(r, r->params[0], &ok, &message);
    if (status == 500 || status == 503) {
        page_db_error(r);
        return;
    }
    if (status == 404)
        page_error(r, 404, "Not found", "%s", message);
    else
        resp_redirect(r, "/settings/ai?done=tested");
}

void page_ai_rules_save(struct req *r)
{
    for (size_t v = 0; v < sizeof view_types / sizeof *view_types; v++) {
        const char *content = req_form(r, arena_printf(r->arena, "content_%s", view_types[v]));
        if (!content)
            continue;
        if (strlen(content) > 20000) {
            form_answer(r, AI_SAVE_INVALID, arena_printf(r->arena, "rules_%s", view_types[v]),
                        "Rules are at most 20,000 characters.");
            return;
        }
        const char *on = req_form_bool(r, arena_printf(r->arena, "enabled_%s", view_types[v])) ? "t" : "f";
        if (!db_query(r,
                      "INSERT INTO user_ai_rules (id, user_id, view_type, content, is_enabled)"
                      " VALUES (gen_random_uuid()::text, $1, $2, $3, $4::boolean)"
                      " ON CONFLICT (user_id, view_type) DO UPDATE SET content = EXCLUDED.content,"
                      "   is_enabled = EXCLUDED.is_enabled, updated_at = CURRENT_TIMESTAMP",
                      DB_ARGS(r->user->id, view_types[v], content, on))) {
            page_db_error(r);
            return;
        }
    }
    resp_redirect(r, "/settings/ai?done=saved");
}

/* prompt_fields: the form's name (1–200) and content (1–20,000); 0 or AI_SAVE_INVALID. */
static int prompt_fields(struct req *r, const char **name, const char **content, const char **field,
                         const char **message)
{
    *name = arena_strtrim(r->arena, req_form(r, "name") ? req_form(r, "name") : "");
    *content = req_form(r, "content") ? req_form(r, "content") : "";
    if (!**name || strlen(*name) > 200) {
        *field = "prompt_name";
        *message = "Give the prompt a name (at most 200 characters).";
        return AI_SAVE_INVALID;
    }
    if (!**content || strlen(*content) > 20000) {
        *field = "prompt_content";
        *message = "A prompt is 1 to 20,000 characters.";
        return AI_SAVE_INVALID;
    }
    return 0;
}

void page_ai_prompt_create(struct req *r)
{
    const char *name, *content, *field = NULL, *message = NULL;
    int rc = prompt_fields(r, &name, &content, &field, &message);
    if (rc == 0 &&
        !db_query(r,
                  "INSERT INTO ai_system_prompts (id, name, content, category, is_default, is_built_in, user_id)"
                  " VALUES (gen_random_uuid()::text, $1, $2, 'custom', $3::boolean, false, $4)",
                  DB_ARGS(name, content, req_form_bool(r, "is_default") ? "t" : "f", r->user->id)))
        rc = AI_SAVE_DB;
    form_answer(r, rc, field, message);
}

void page_ai_prompt_update(struct req *r)
{
    const char *name, *content, *field = NULL, *message = NULL;
    int rc = prompt_fields(r, &name, &content, &field, &message);
    PGresult *res = NULL;
    if (rc == 0 && !(res = db_query(r,
                                    "UPDATE ai_system_prompts SET name = $2, content = $3,"
                                    "   updated_at = CURRENT_TIMESTAMP"
                                    " WHERE id = $1 AND user_id IS NOT NULL",
                                    DB_ARGS(r->params[0], name, content))))
        rc = AI_SAVE_DB;
    if (res && strcmp(PQcmdTuples(res), "0") == 0) {
        page_error(r, 404, "Not found", "There is no such prompt of yours.");
        return;
    }
    form_answer(r, rc, field, message);
}

void page_ai_prompt_delete(struct req *r)
{
    PGresult *res = db_query(r, "DELETE FROM ai_system_prompts WHERE id = $1 AND user_id IS NOT NULL",
                             DB_ARGS(r->params[0]));
    if (!res)
        page_db_error(r);
    else if (strcmp(PQcmdTuples(res), "0") == 0)
        page_error(r, 404, "Not found", "There is no such prompt of yours.");
    else
        resp_redirect(r, "/settings/ai?done=saved");
}

/* page_ai_prompt_default: the form's "default" is one of the user's prompts (it becomes the
 * default; the trigger of sql/019 clears the others) or "builtin" (the user's own defaults are
 * cleared, so the built-in one applies). */
void page_ai_prompt_default(struct req *r)
{
    const char *id = req_form(r, "default");
    PGresult *res;
    if (!id) {
        form_answer(r, AI_SAVE_INVALID, "prompt_default", "Choose a default prompt.");
        return;
    }
    if (strcmp(id, "builtin") == 0)
        res = db_query(r, "UPDATE ai_system_prompts SET is_default = false"
                          " WHERE user_id IS NOT NULL AND is_default IS TRUE", DB_NOARGS);
    else
        res = db_query(r, "UPDATE ai_system_prompts SET is_default = true"
                          " WHERE id = $1 AND user_id IS NOT NULL", DB_ARGS(id));
    if (!res)
        page_db_error(r);
    else if (strcmp(id, "builtin") != 0 && strcmp(PQcmdTuples(res), "0") == 0)
        page_error(r, 404, "Not found", "There is no such prompt of yours.");
    else
        resp_redirect(r, "/settings/ai?done=saved");
}
