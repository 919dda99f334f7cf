/* ai_settings.h — saving the AI catalogue (providers, models and their prices), the instance's
 * limits and budget, a user's limits and a user's provider configuration (sealed key, model,
 * enabled): the validation and statements shared by the JSON API (api_ai.c) and the forms of
 * Settings → AI and /admin (page_ai_settings.c, page_admin.c).  Row-level security has the
 * last word on who may write what (sql/019); the callers check super admin first to answer 403. */
#ifndef CARD_AI_SETTINGS_H
#define CARD_AI_SETTINGS_H
#include <jansson.h>

struct req;

enum {
    AI_SAVE_OK = 0,
    AI_SAVE_INVALID = -1,    /* 422: *message (and *field) say what */
    AI_SAVE_NOT_FOUND = -2,  /* 404: no such provider (or model, for a user's selection) */
    AI_SAVE_DB = -3,         /* a query failed */
};

#define AI_UNSET (-1)        /* an is_active / is_enabled / number not given: keep (or default) */

struct ai_provider_input {
    const char *name;        /* 1–100 characters */
    const char *base_url;    /* http(s)://host…, or NULL/"" for none (Gemini: its public URL) */
    const char *wire;        /* "openai" | "gemini" | NULL (keep; new: gemini for code gemini) */
    int is_active;           /* 0, 1 or AI_UNSET (new: active) */
};
/* ai_provider_save: create or update provider code ([a-z0-9_-], 1–40).  *created tells which. */
int ai_provider_save(struct req *r, const char *code, const struct ai_provider_input *in,
                     int *created, const char **field, const char **message);

struct ai_model_input {
    const char *display_name;     /* 1–200 characters; NULL keeps (new: the identifier) */
    long long context_window;     /* 1–100,000,000, 0 for none, AI_UNSET keeps */
    int is_active;                /* 0, 1 or AI_UNSET */
    const char *input_price;      /* ai_price_valid text, "" for none, NULL keeps */
    const char *output_price;
};
/* ai_model_save: create or update model identifier (1–200 of [A-Za-z0-9._:@/-]) of provider
 * provider_code; AI_SAVE_NOT_FOUND when there is no such provider. */
int ai_model_save(struct req *r, const char *provider_code, const char *identifier,
                  const struct ai_model_input *in, int *created, const char **field,
                  const char **message);

struct ai_limits_input {
    long long requests_per_hour, requests_per_day, tokens_per_hour, tokens_per_day; /* -1: none */
    const char *monthly_budget;   /* instance only: a price-like decimal, or "" for none */
};
/* ai_limits_save: the instance's defaults and budget (user_id NULL) or one user's limits
 * (-1: the instance default). */
int ai_limits_save(struct req *r, const char *user_id, const struct ai_limits_input *in,
                   const char **field, const char **message);

struct ai_config_input {
    const char *api_key;          /* NULL or "": keep the stored one (required the first time) */
    const char *model_identifier; /* NULL: keep; "": the provider's first active model */
    int is_enabled;               /* 0, 1 or AI_UNSET (new: enabled) */
};
/* ai_user_config_save: the signed-in user's configuration for provider_code, the key sealed
 * for its row (a new key is unverified until tested).  AI_SAVE_NOT_FOUND: no such provider. */
int ai_user_config_save(struct req *r, const char *provider_code, const struct ai_config_input *in,
                        const char **field, const char **message);

/* ai_user_configs_json: the signed-in user's view of every provider — {code, name, base_url,
 * is_active, wire, models: [{model_identifier, display_name, context_window, is_active,
 * input_price, output_price}], config: {model_identifier, is_enabled, has_key, key_hint,
 * verified, verified_at, last_test_message, updated_at} | null}, in a JSON array (new
 * reference); never a key.  NULL when a query failed. */
json_t *ai_user_configs_json(struct req *r);

/* ai_test_store: remember the result of testing provider_code's key (verified, when, message). */
int ai_test_store(struct req *r, const char *provider_code, int ok, const char *message);

/* ai_test_run: test the user's key for provider_code with ai_provider_ping and store the
 * result.  200 with *message the outcome (*ok 1 or 0), 404 when there is no key saved for it,
 * 501 when this build has no provider client, 500/503 when a query failed. */
int ai_test_run(struct req *r, const char *provider_code, int *ok, const char **message);
#endif
