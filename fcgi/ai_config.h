/* ai_config.h — what an AI request needs before and after it talks to a provider: the signed-in
 * user's provider, model, prices and opened API key (ai_config_for_user), whether the user may
 * ask now (ai_limits_check: hourly/daily request and token limits, the instance's monthly
 * budget), and the accounting row written after each answer (ai_usage_record).  Also the pure
 * arithmetic under them (ai_cost_text, ai_window_retry: unit-tested), the user's rules per view
 * and default system prompt, and the start-up pass that seals keys another writer left in
 * plaintext (ai_config_seal_plaintext).  Schema: sql/019_ai.sql.  Keys are sealed with
 * secret.h under the associated data "user_ai_configs:<id>:api_key"; an opened key lives only
 * in the request's arena and is never logged. */
#ifndef CARD_AI_CONFIG_H
#define CARD_AI_CONFIG_H
#include <stddef.h>

struct req;
struct arena;

enum {
    AI_CONFIG_OK = 0,
    AI_CONFIG_NONE = -1,   /* no enabled configuration with a key, or its provider/model is off */
    AI_CONFIG_DB = -2,     /* a query failed (r->db->failed is set) */
    AI_CONFIG_KEY = -3,    /* the stored key does not open (another instance key, tampered row) */
};

/* One provider call's target.  Every string is the request arena's. */
struct ai_target {
    long long config_id;             /* user_ai_configs.id */
    const char *provider_code;       /* "openai", "gemini", "openai_compatible", … */
    const char *provider_name;       /* "OpenAI" */
    const char *base_url;            /* http(s), no trailing '/'; Gemini's default filled in */
    const char *wire;                /* "openai" (Chat Completions) or "gemini" */
    const char *model_identifier;    /* "gpt-4o-mini" */
    const char *model_display_name;
    const char *api_key;             /* opened plaintext: never log it, never send it back */
    long long context_window;        /* tokens; 0 when the catalogue does not say */
    const char *input_price;         /* USD per million input tokens as decimal text ("0.15") */
    const char *output_price;        /* USD per million output tokens ("0.6"); "0" when unset */
    int verified;                    /* the last "test" of this key succeeded */
};

/* ai_config_for_user: the signed-in user's target for provider_code (NULL: the enabled
 * configuration saved most recently).  The configuration must be enabled with a key, its
 * provider active, and its model — the one selected, else the provider's first active model
 * by id — active.  A key found in plaintext (another writer's) is used and sealed in place.
 * AI_CONFIG_OK and *out filled; AI_CONFIG_NONE; AI_CONFIG_KEY; AI_CONFIG_DB. */
int ai_config_for_user(struct req *r, const char *provider_code, struct ai_target *out);

/* ai_target_step / ai_target_from: ai_config_target split for a caller that sends its question
 * with others in one round trip (db_pipeline); res is that step's result (NULL: it failed). */
struct db_step;
typedef struct pg_result PGresult;
void ai_target_step(struct req *r, const char *provider_code, int require_enabled, struct db_step *out);
int ai_target_from(struct req *r, PGresult *res, int require_enabled, struct ai_target *out);

/* ai_config_target: the same for one configuration row of the user, enabled or not (the
 * settings page's "test" button).  Same answers. */
int ai_config_target(struct req *r, const char *provider_code, int require_enabled,
                     struct ai_target *out);

/* ai_limits_check: may user_id send one more AI request now?  Sliding windows of the last hour
 * and the last 24 hours over the user's ai_usage rows (requests and input+output tokens)
 * against the user's limits (ai_user_limits; a NULL column takes the instance default of
 * ai_settings; NULL there = no limit), and the instance-wide cost of the current UTC calendar
 * month against ai_settings.monthly_budget.  0: go ahead (*retry_after_s = 0).  -1: over a
 * limit; *retry_after_s = whole seconds (≥ 1) until enough usage leaves the window (for the
 * budget: until the next month begins) — answer 429 with Retry-After before any provider
 * call.  AI_CONFIG_DB when a query failed.  Usage is recorded after each answer, so requests
 * sent at the same moment are counted only once they finish. */
int ai_limits_check(struct req *r, const char *user_id, long long *retry_after_s);
/* ai_limits_steps / ai_limits_from: the same split for one round trip: the limits and the
 * user's last day of usage (read whether or not a limit is set), then the same answers.
 * user_id NULL: the transaction's app.user_id (set by a session lookup earlier in the same
 * round trip, R_AUTH_LATE). */
void ai_limits_steps(struct req *r, const char *user_id, struct db_step *out);
int ai_limits_from(struct req *r, PGresult *lim, PGresult *recent, long long *retry_after_s);

/* One finished (or cut, or failed) provider request, for ai_usage_record. */
struct ai_usage {
    const char *user_id;             /* NULL: the signed-in user */
    const char *provider_code;
    const char *model_identifier;
    long long input_tokens, output_tokens;
    int estimated;                   /* the provider sent no usage: the counts are our estimate */
    const char *input_price;         /* from the ai_target (per million tokens); NULL = "0" */
    const char *output_price;
    long long duration_ms;
    const char *status;              /* "complete" | "partial" | "failed" */
    const char *session_uid;         /* the chat (ai_chat_sessions.uid), or NULL */
    long long message_id;            /* ai_chat_messages.id of the answer, or 0 */
};

/* ai_usage_record: append one ai_usage row in the request's transaction, its cost computed by
 * ai_cost_text from the token counts and prices.  When cost_out is given it receives that cost
 * (decimal text, 8 places: the same string stored), for the message row and the "done" event.
 * 0, or AI_CONFIG_DB. */
int ai_usage_record(struct req *r, const struct ai_usage *u, char cost_out[32]);
/* ai_usage_step: the same statement as a step of db_pipeline (its parameters in r's arena). */
void ai_usage_step(struct req *r, const struct ai_usage *u, char cost_out[32], struct db_step *out);

/* ai_cost_text: cost in USD of in/out tokens at in_price/out_price USD per million tokens
 * (decimal text: digits with at most one '.' and 6 places after it; NULL or "" = 0), exactly,
 * rounded half up to 8 decimal places, into out ("0.00012345").  0, or -1 when a price is not
 * such a decimal or a count is negative (out = "0.00000000"). */
int ai_cost_text(long long in_tokens, long long out_tokens, const char *in_price,
                 const char *out_price, char out[32]);
/* ai_price_valid: s is a price ai_cost_text accepts (at most 9 digits before the point). */
int ai_price_valid(const char *s);

/* One row of a user's recent usage: when (epoch seconds) and how many tokens. */
struct ai_usage_point {
    double at;
    long long tokens;
};
/* ai_window_retry: with points p[0..n) in ascending time, is the limit reached in the window
 * (now − window_s, now]?  used = the number of points in it (count_tokens = 0) or the sum of
 * their tokens (1).  limit < 0: no limit, 0.  used < limit: 0.  Otherwise the whole seconds
 * (≥ 1) until the oldest points have left the window far enough for used < limit; window_s
 * when no point leaving can get there (limit 0). */
long long ai_window_retry(const struct ai_usage_point *p, int n, double now, double window_s,
                          long long limit, int count_tokens);

/* ai_rules_for_view: the user's enabled rules text for view "erd" | "notes" | "flowchart"
 * (seeded defaults when the user has none yet; "" when turned off or for another view), or
 * NULL when a query failed. */
const char *ai_rules_for_view(struct req *r, const char *view_type);
/* ai_system_prompt: the user's default system prompt (their own default, else the built-in
 * default), or NULL when a query failed. */
const char *ai_system_prompt(struct req *r);
/* ai_rules_step / ai_system_prompt_step and their _from: the same two, split for db_pipeline. */
void ai_rules_step(struct req *r, const char *view_type, struct db_step *out);
void ai_system_prompt_step(struct db_step *out);
const char *ai_rules_from(PGresult *res);
const char *ai_system_prompt_from(PGresult *res);

/* ai_key_ad: the associated data of config id's key, "user_ai_configs:<id>:api_key". */
const char *ai_key_ad(struct arena *a, const char *config_id);

/* ai_config_seal_plaintext: connect with conninfo (the owner role: it sees every row) and
 * seal every user_ai_configs.api_key that is not yet sealed (another writer's plaintext,
 * e.g. ERD Builder Pro), setting its hint; each row is replaced only if it still holds the
 * plaintext read.  The master runs it after the migrations.  Answers how many rows were
 * sealed, or -1 after logging why (start-up goes on: the keys stay as they were, and
 * ai_config_for_user seals a plaintext key at its next use). */
int ai_config_seal_plaintext(const char *conninfo, const unsigned char instance_key[32]);

/* ai_provider_ping: one tiny request to t's provider (a one-token completion), answering 0
 * when it succeeded, else a negative code and *message a sentence for the user (never the
 * key).  Defined by the chat client (the aicore helper's file); weak here, so the settings
 * page's "test" can call it when it is linked in and says "not available" otherwise.  Its
 * definition must sit in an object file the program links anyway (next to the chat handler),
 * since a weak reference does not pull a member out of libcard.a. */
int ai_provider_ping(struct req *r, const struct ai_target *t, const char **message)
    __attribute__((weak));
#endif
