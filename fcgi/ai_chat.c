/* ai_chat.c — the AI chat API, served by the stream worker (nginx sends /api/ai/ there):
 *   POST /api/ai/chat                  a message in, the answer out as Server-Sent Events:
 *                                      start, delta…, then done or error (issue 13);
 *   GET  /api/ai/chat/:id/stream       the same answer again, from Last-Event-ID (a byte
 *                                      offset of the answer): live when still streaming, else
 *                                      the stored message;
 *   POST /api/ai/chat/:id/stop         stop it (the provider call is cancelled within 1 s);
 *   GET  /api/ai/sessions, /api/ai/sessions/:uid   the chat panel's lists.
 * One turn uses two short transactions and none while streaming.  Before the provider call
 * there is one round trip: every read (the sign-in, license, limits, provider and key, the
 * session and its history, the prompts, the file in view) and the new rows' ids (nextval) in
 * one pipeline; every refusal (403, 429, 409, 404) is answered from it.  The writes (the session, the user's message, an empty
 * answer row, COMMIT) are then sent without waiting and the provider is called at once: their
 * results are read while it thinks (on_poll, on_text) and at the latest before the answer is
 * stored, so they are committed whatever the provider does.  The answer (text, status,
 * tokens, cost) and its usage row are the second transaction. */
#include "ai_config.h"
#include "ai_live.h"
#include "ai_prompt.h"
#include "ai_provider.h"
#include "app.h"
#include "db.h"
#include "dispatch.h"
#include "handlers.h"
#include "http.h"
#include "license.h"
#include "log.h"
#include "ai_netpolicy.h"
#include "stream.h"
#include "view.h"
#include <fcgiapp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHAT_MESSAGE_MAX (100u << 10)
#define CHAT_HISTORY_MAX 200           /* messages read back; trimmed to the window after */

static const char DEFAULT_SYSTEM_PROMPT[] =
    "You are the assistant of Cardinality, a database-design workspace (ERD diagrams, notes, "
    "drawings, flowcharts). Answer concisely; put SQL in ```sql blocks.";

/* One turn of POST /api/ai/chat. */
struct turn {
    struct req *r;
    const char *project_uid, *entity_type, *entity_uid, *message, *selection, *session_uid;
    long long session_id, message_id, user_message_id;
    const char *project_id;        /* a new session's project (its id as text), else NULL */
    PGresult *history;             /* the conversation before this turn: role, content */
    const char *prompt, *rules;    /* the system prompt and the view's rules (read with the rest) */
    struct buf *file;              /* the file in view as text for the model (read with the rest) */
    struct db_step write_steps[2]; /* sent before the provider call, read while it answers */
    PGresult *write_out[2];
    int stored;                    /* those: 0 still due, 1 committed, -1 failed (rolled back) */
    long long us_begin, us_read, us_sent, us_stored;   /* when: the handler began, the reads came
                                                         * back, the writes went, came back */
    struct ai_target t;
    struct ai_message *msgs;
    int nmsgs;
    long long prompt_tokens;
    struct ai_live *live;
    struct buf *answer;
    int started, client_gone, stopped;   /* the start event sent (send_start) */
};

/* ---- request and first transaction ---------------------------------------------------- */

static const char *json_str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* turn_problem: what is wrong with the JSON body (t filled from it), or NULL. */
static const char *turn_problem(struct req *r, struct turn *t, int *status)
{
    json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
    *status = 422;
    if (!json_is_object(j)) {
        json_decref(j);
        *status = 400;
        return "Send a JSON object.";
    }
    arena_defer(r->arena, (void (*)(void *))json_decref, j);
    t->message = json_str(j, "message");
    t->project_uid = json_str(j, "project_uid");
    t->session_uid = json_str(j, "session_uid");
    t->entity_type = json_str(j, "entity_type");
    t->entity_uid = json_str(j, "entity_uid");
    t->selection = json_str(j, "selection_text");
    if (!t->message || !t->message[0] || strlen(t->message) > CHAT_MESSAGE_MAX)
        return arena_printf(r->arena, "message: write 1 to %u bytes of text", CHAT_MESSAGE_MAX);
    if (t->selection && strlen(t->selection) > CHAT_MESSAGE_MAX)
        return arena_printf(r->arena, "selection_text: at most %u bytes", CHAT_MESSAGE_MAX);
    if (!t->project_uid)
        return "project_uid: name the project";
    if (t->entity_type && !ai_entity_view(t->entity_type))
        return "entity_type: diagram, note, drawing or flowchart";
    return NULL;
}

/* read_turn: the JSON body into t; 0, or -1 after answering 400/422 (to a signed-in user: the
 * sign-in is checked first, R_AUTH_LATE). */
static int read_turn(struct req *r, struct turn *t)
{
    int status;
    const char *problem = turn_problem(r, t, &status);
    if (!problem)
        return 0;
    if (dispatch_auth_now(r) == 0)
        resp_json_error(r, status, status == 400 ? "bad_request" : "invalid", "%s", problem);
    return -1;
}

/* The turn's reads ($1 the session's uid, $2 the project's), one round trip with the license,
 * limits and provider questions.  The writability test is the one the inserts' policies make
 * (sql/005, 021, 024), so a refused write is answered 404 before the provider is called. */
#define TURN_SESSION "FROM ai_chat_sessions s JOIN projects p ON p.id = s.project_id " \
    "WHERE s.uid = $1 AND p.uid = $2 AND p.is_deleted IS NOT TRUE"
/* Both: the session's id, may the caller write to it, the project's id (a new session's), then
 * the ids of the user's message and of the answer. */
#define TURN_IDS "(SELECT min(v) a, max(v) b FROM (SELECT nextval('ai_chat_messages_id_seq') v " \
    "FROM generate_series(1, 2)) x) ids"
static const char SQL_OLD_SESSION[] =
    "SELECT s.id, s.user_id = public.app_user_id() "
    "OR public.app_can_write_project(s.project_id), NULL, ids.a, ids.b "
    "FROM ai_chat_sessions s JOIN projects p ON p.id = s.project_id CROSS JOIN " TURN_IDS " "
    "WHERE s.uid = $1 AND p.uid = $2 AND p.is_deleted IS NOT TRUE";
static const char SQL_NEW_SESSION[] =   /* $1 the project's uid */
    "SELECT nextval('ai_chat_sessions_id_seq'), public.app_can_write_project(p.id), p.id, ids.a, ids.b "
    "FROM projects p CROSS JOIN " TURN_IDS " WHERE p.uid = $1 AND p.is_deleted IS NOT TRUE";
static const char SQL_HISTORY[] =
    "SELECT role, content FROM (SELECT m.id, m.role, m.content FROM ai_chat_messages m "
    "WHERE m.session_id = (SELECT s.id " TURN_SESSION ") AND m.content <> '' "
    "AND m.role IN ('user', 'assistant') ORDER BY m.id DESC LIMIT 200) m ORDER BY id";
/* The writes, by the ids read: sql/037's function checks what the policies would (once) and
 * stores the session when new, the user's message and the empty answer row (status NULL:
 * streaming). */
static const char SQL_TURN_STORE[] =
    "SELECT card_ai_turn_store($1::int, $2, $3::int, $4, $5, $6, $7::int, $8, $9, $10::int, $11, $12)";

/* new_uid: a random (version 4) UUID as text. */
static void new_uid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

static void target_error(struct req *r, int rc);

/* read_all's pipeline: the reads always made, then those made when they apply (index -1 when
 * not): the session lookup (first: it names the user the rest read as), the view's rules, the
 * conversation, the file in view. */
enum { RD_GATE, RD_LIMITS, RD_RECENT, RD_TARGET, RD_SESSION, RD_PROMPT, RD_ALWAYS };
#define RD_MAX (1 + RD_ALWAYS + 2 + AI_PROMPT_CONTEXT_STEPS)

struct reads {
    struct db_step st[RD_MAX];
    PGresult *out[RD_MAX];
    int n, at;                        /* statements; where the always-made ones begin */
    int auth, rules, history, file;   /* where these are, or -1 */
};

/* reads_add: step at the end of the pipeline; its place. */
static int reads_add(struct reads *rd, struct db_step step)
{
    rd->st[rd->n] = step;
    return rd->n++;
}

static void answer_429(struct req *r, long long retry)
{
    resp_headerf(r, "Retry-After", "%lld", retry);
    resp_json(r, 429, json_pack("{s:s, s:s, s:I}", "error", "rate_limited", "message",
                                arena_printf(r->arena, "You have reached your AI usage limit; "
                                             "it resets in %lld s.", retry),
                                "retry_after", (json_int_t)retry));
}

/* read_all: everything the turn needs before the provider call, in one round trip, answering
 * each refusal in the order the checks always had (license 403, limits 429 before any
 * provider call, provider 409, session or project 404).  0, or -1 after answering. */
static int read_all(struct req *r, struct turn *t)
{
    struct reads *rd = arena_alloc(r->arena, sizeof *rd);
    const char *s = t->session_uid, *p = t->project_uid;
    const char *view = t->entity_type ? ai_entity_view(t->entity_type) : NULL;
    int late = r->auth_late != NULL;   /* the session lookup goes first (R_AUTH_LATE) */
    rd->n = 0;
    rd->auth = late ? reads_add(rd, *r->auth_late) : -1;
    struct db_step *always = &rd->st[rd->at = rd->n];
    always[RD_GATE] = (struct db_step)DB_STEP_PREPARED(MODULES_ENABLED_SQL, p, NULL, "ai");
    ai_limits_steps(r, late ? NULL : r->user->id, &always[RD_LIMITS]);
    ai_target_step(r, NULL, 1, &always[RD_TARGET]);
    always[RD_SESSION] = s ? (struct db_step)DB_STEP_PREPARED(SQL_OLD_SESSION, s, p)
                           : (struct db_step)DB_STEP_PREPARED(SQL_NEW_SESSION, p);
    ai_system_prompt_step(&always[RD_PROMPT]);
    rd->n += RD_ALWAYS;
    rd->rules = rd->history = rd->file = -1;
    if (view) {
        rd->rules = rd->n++;
        ai_rules_step(r, view, &rd->st[rd->rules]);
    }
    const struct db_step history = DB_STEP_PREPARED(SQL_HISTORY, s, p);   /* its parameters live here */
    if (s)
        rd->history = reads_add(rd, history);
    int nfile = ai_prompt_context_steps(r, t->entity_type, t->entity_uid, &rd->st[rd->n]);
    if (nfile) {
        rd->file = rd->n;
        rd->n += nfile;
    }
    int rc = db_pipeline(r, rd->st, rd->n, rd->out);
    if (late && dispatch_auth_late(r, rd->out[rd->auth]) != 0)
        return -1;   /* not signed in (401), CSRF (403): nothing read is used */
    PGresult **out = &rd->out[rd->at];
    if (!module_gate_res(r, p, "ai", out[RD_GATE]))
        return -1;   /* license gate (sql/027_licenses): the project's organization must enable AI */
    long long retry = 0;
    int lim = rc == 0 ? ai_limits_from(r, out[RD_LIMITS], out[RD_RECENT], &retry) : AI_CONFIG_DB;
    if (lim == AI_CONFIG_DB) {
        page_db_error(r);
        return -1;
    }
    if (lim < 0) {
        answer_429(r, retry);
        return -1;
    }
    int tc = ai_target_from(r, out[RD_TARGET], 1, &t->t);
    if (tc != AI_CONFIG_OK) {
        target_error(r, tc);
        return -1;
    }
    PGresult *sess = out[RD_SESSION];
    if (PQntuples(sess) == 0 || !db_bool(sess, 0, 1)) {
        if (!s)
            resp_json_error(r, 404, "not_found", "There is no such project.");
        else
            resp_json_error(r, 404, "not_found", "There is no such chat in this project.");
        return -1;
    }
    t->session_id = db_int(sess, 0, 0);
    t->user_message_id = db_int(sess, 0, 3);
    t->message_id = db_int(sess, 0, 4);
    t->prompt = ai_system_prompt_from(out[RD_PROMPT]);
    t->rules = view ? ai_rules_from(rd->out[rd->rules]) : NULL;
    t->history = s ? rd->out[rd->history] : NULL;
    t->file = buf_arena(r->arena);
    if (nfile)
        ai_prompt_context_from(r, t->entity_type, &rd->out[rd->file], t->file);
    if (!s) {
        char *uid = arena_alloc(r->arena, 37);
        new_uid(uid);
        t->session_uid = uid;
        t->project_id = db_val(sess, 0, 2);
    }
    return 0;
}

/* send_writes: card_ai_turn_store (the session when new, else its updated_at; the user's
 * message; the empty answer row) and COMMIT, sent without waiting for them (collect_writes reads
 * them; the pooled connection stays held until it has). */
static int send_writes(struct req *r, struct turn *t)
{
    struct arena *a = r->arena;
    char title[81];
    snprintf(title, sizeof title, "%s", t->message);
    size_t len = strlen(title);                /* never end inside a character */
    while (len && ((unsigned char)title[len - 1] & 0xC0) == 0x80)
        len--;
    if (len && (unsigned char)title[len - 1] >= 0xC0)
        len--;
    title[len] = '\0';
    const int is_new = t->project_id != NULL;
    const char *vals[] = {
        arena_printf(a, "%lld", t->session_id), t->session_uid, t->project_id,
        is_new ? arena_strdup(a, title) : NULL, is_new ? t->entity_type : NULL,
        is_new ? t->entity_uid : NULL, arena_printf(a, "%lld", t->user_message_id), t->message,
        t->selection, arena_printf(a, "%lld", t->message_id), t->t.provider_code,
        t->t.model_identifier,
    };
    const char **p = arena_alloc(a, sizeof vals);
    memcpy(p, vals, sizeof vals);
    t->write_steps[0] = (struct db_step){SQL_TURN_STORE, p, 12, 1};
    t->write_steps[1] = (struct db_step){"COMMIT", NULL, 0, 0};
    return db_pipeline_send(r, t->write_steps, 2, t->write_out);
}

/* collect_writes: read what has come of send_writes (wait: until all has); t->stored. */
static int collect_writes(struct turn *t, int wait)
{
    if (t->stored == 0) {
        t->stored = db_pipeline_collect(t->r, wait);
        if (t->stored > 0 && !db_bool(t->write_out[0], 0, 0))
            t->stored = -1;   /* refused (it wrote nothing): ownership changed since read_all */
        if (t->stored)
            t->us_stored = log_now_us();
        if (t->stored < 0)
            log_msg("ai: message=%lld: the turn could not be stored", t->message_id);
    }
    return t->stored;
}

/* build_prompt: system text (prompt, rules, file, selection), the conversation, the message. */
static void build_prompt(struct req *r, struct turn *t)
{
    struct buf *sys = buf_arena(r->arena);
    const char *prompt = t->prompt;
    buf_puts(sys, prompt && prompt[0] ? prompt : DEFAULT_SYSTEM_PROMPT);
    const char *rules = t->rules;
    if (rules && rules[0])
        buf_printf(sys, "\n\nThe user's rules for this view:\n%s", rules);
    if (t->file->len) {
        buf_puts(sys, "\n\n");
        buf_append(sys, t->file->data, t->file->len);
    }
    if (t->selection && t->selection[0])
        buf_printf(sys, "\n\nThe user selected this part of the file:\n%s", t->selection);
    PGresult *res = t->history;
    int n = res ? PQntuples(res) : 0;
    t->msgs = arena_alloc(r->arena, (size_t)(n + 2) * sizeof *t->msgs);
    t->msgs[0] = (struct ai_message){"system", buf_cstr(sys)};
    for (int i = 0; i < n; i++)
        t->msgs[i + 1] = (struct ai_message){arena_strdup(r->arena, db_val(res, i, 0)),
                                             arena_strdup(r->arena, db_val(res, i, 1))};
    t->msgs[n + 1] = (struct ai_message){"user", t->message};
    t->nmsgs = n + 2;
    t->prompt_tokens = ai_prompt_trim(t->msgs, &t->nmsgs, t->t.context_window);
}

/* target_error: answer why there is no provider to call. */
static void target_error(struct req *r, int rc)
{
    if (rc == AI_CONFIG_NONE)
        resp_json_error(r, 409, "not_configured",
                        "No AI provider is set up: add an API key and a model in Settings → AI.");
    else if (rc == AI_CONFIG_KEY)
        resp_json_error(r, 409, "key_unreadable",
                        "The stored API key cannot be opened; enter it again in Settings → AI.");
    else
        page_db_error(r);
}

/* ---- streaming ------------------------------------------------------------------------ */

/* begin_again: a new transaction for the signed-in user after the first was committed (the
 * dispatcher's began before the session was known).  0 or -1. */
static int begin_again(struct req *r)
{
    db_want_tx(r, NULL);
    return db_set_user(r, r->user->id);
}

static int send_delta(struct req *r, const char *text, size_t n, size_t end)
{
    json_t *j = json_pack("{s:s%}", "text", text, n);
    char *data = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char id[24];
    snprintf(id, sizeof id, "%zu", end);
    int rc = data ? stream_event(r, "delta", id, data) : -1;
    free(data);
    return rc;
}

static void send_start(struct turn *t);

static int on_text(void *ctx, const char *text, size_t n)
{
    struct turn *t = ctx;
    send_start(t);
    if (collect_writes(t, 0) < 0)
        return 1;   /* the turn could not be stored: stop (finish says so) */
    buf_append(t->answer, text, n);
    ai_live_append(t->live, text, n);
    if (!t->client_gone && send_delta(t->r, text, n, t->answer->len) != 0)
        t->client_gone = 1;   /* the tab closed: stop the provider too */
    return t->client_gone;
}

static int on_poll(void *ctx)
{
    struct turn *t = ctx;
    send_start(t);
    if (t->client_gone)
        return 1;
    if (collect_writes(t, 0) < 0)
        return 1;
    if (ai_live_stop_requested(t->live))
        t->stopped = 1;
    else if (stream_client_gone(t->r) || stream_heartbeat(t->r) != 0)
        t->client_gone = 1;
    return t->stopped || t->client_gone;
}

/* outcome: the stored status of an answer. */
static const char *outcome(const struct ai_result *res, size_t text_len)
{
    if (res->status == AI_OK)
        return "complete";
    return text_len ? "partial" : "failed";
}

static const char SQL_STORE_ANSWER[] =   /* sql/037; also the session's updated_at */
    "SELECT card_ai_answer_store($1::int, $2, $3, $4::int, $5::int, $6::numeric, $7::int, $8::boolean)";

/* store_answer: the second transaction, its statements in one round trip (then the commit);
 * cost gets the cost.  0 or -1. */
static int store_answer(struct req *r, struct turn *t, const struct ai_result *res,
                        long long in, long long out, int estimated, long long ms, char cost[32])
{
    const char *status = outcome(res, t->answer->len);
    db_want_tx(r, NULL);
    db_want_user(r, r->user->id);
    struct ai_usage u = {
        .provider_code = t->t.provider_code, .model_identifier = t->t.model_identifier,
        .input_tokens = in, .output_tokens = out, .estimated = estimated,
        .input_price = t->t.input_price, .output_price = t->t.output_price,
        .duration_ms = ms, .status = status, .session_uid = t->session_uid,
        .message_id = t->message_id,
    };
    struct arena *a = r->arena;
    struct db_step steps[2];
    ai_usage_step(r, &u, cost, &steps[0]);
    const char *mid = arena_printf(a, "%lld", t->message_id);
    steps[1] = (struct db_step)DB_STEP_PREPARED(SQL_STORE_ANSWER, mid, buf_cstr(t->answer), status,
                                       arena_printf(a, "%lld", in), arena_printf(a, "%lld", out), cost,
                                       arena_printf(a, "%lld", ms), estimated ? "true" : "false");
    PGresult *outs[2];
    int rc = db_pipeline(r, steps, 2, outs);
    return db_finish(r, rc == 0);
}

/* finish: store the answer, then the last event (for the client and any follower). */
static void finish(struct req *r, struct turn *t, struct ai_result *res, long long ms)
{
    if (t->stopped && res->status == AI_ERR_CANCELLED)
        res->status = AI_ERR_CANCELLED;
    int estimated = !res->usage_known;
    long long in = res->usage_known ? res->input_tokens : t->prompt_tokens;
    long long out = res->usage_known ? res->output_tokens : ai_tokens_estimate(t->answer->len);
    if (estimated && res->status != AI_OK && t->answer->len == 0 && res->status != AI_ERR_CANCELLED)
        in = 0;   /* refused before answering: nothing was generated, nothing to estimate */
    char cost[32];
    snprintf(cost, sizeof cost, "0");
    long long us_end = log_now_us();
    int stored = collect_writes(t, 1) > 0;
    long long us_collected = log_now_us();
    stored = stored && store_answer(r, t, res, in, out, estimated, ms, cost) == 0;
    const char *status = outcome(res, t->answer->len);
    log_msg("ai: message=%lld provider=%s model=%s status=%s http=%ld in=%lld out=%lld%s "
            "first=%.1fms total=%lldms session=%.1fms reads=%.1fms before_call=%.1fms turn_stored=%.1fms "
            "waited=%.1fms answer_stored=%.1fms", t->message_id, t->t.provider_code, t->t.model_identifier,
            status, res->http_status, in, out, estimated ? " (estimated)" : "",
            (double)res->first_us / 1000.0, ms, (double)(t->us_begin - r->start_us) / 1000.0,
            (double)(t->us_read - t->us_begin) / 1000.0, (double)(t->us_sent - t->us_begin) / 1000.0,
            (double)(t->us_stored - t->us_sent) / 1000.0, (double)(us_collected - us_end) / 1000.0,
            (double)(log_now_us() - us_collected) / 1000.0);
    json_t *data;
    const char *event;
    if (!stored) {
        event = "error";
        data = json_pack("{s:s}", "message", "The answer could not be saved.");
    } else if (res->status == AI_OK || t->stopped) {
        event = "done";
        data = json_pack("{s:s, s:I, s:{s:I, s:I}, s:s, s:s, s:b}", "session_uid", t->session_uid,
                         "message_id", (json_int_t)t->message_id, "usage", "input_tokens",
                         (json_int_t)in, "output_tokens", (json_int_t)out, "cost", cost,
                         "status", status, "estimated", estimated);
    } else {
        event = "error";
        data = json_pack("{s:s, s:s, s:I, s:s}", "message", res->message, "session_uid",
                         t->session_uid, "message_id", (json_int_t)t->message_id, "status", status);
    }
    char *text = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    ai_live_finish(t->live, event, text);
    if (!t->client_gone)
        stream_event(r, event, NULL, text);
    free(text);
}

/* send_start: the response head and the start event (the session and message ids), once:
 * sent when the provider request is on its way (the first on_poll or on_text), so the
 * request leaves first; else by finish. */
static void send_start(struct turn *t)
{
    if (t->started)
        return;
    t->started = 1;
    json_t *start = json_pack("{s:s, s:I}", "session_uid", t->session_uid, "message_id",
                              (json_int_t)t->message_id);
    char *text = json_dumps(start, JSON_COMPACT);
    json_decref(start);
    if (!text || stream_begin(t->r) != 0 || stream_event(t->r, "start", NULL, text) != 0)
        t->client_gone = 1;
    free(text);
}

static void relay(struct req *r, struct turn *t)
{
    t->answer = buf_arena(r->arena);
    t->live = ai_live_open(t->message_id, r->user->id);
    struct ai_request rq = {
        .wire = t->t.wire, .base_url = t->t.base_url, .model = t->t.model_identifier,
        .api_key = t->t.api_key, .msgs = t->msgs, .nmsgs = t->nmsgs, .policy = ai_net_policy_for(r),
        .timeout_s = g_app.cfg.ai_timeout, .on_text = on_text, .poll = on_poll, .ctx = t,
    };
    struct ai_result res;
    long long t0 = log_now_us();
    ai_provider_stream(&rq, &res);
    send_start(t);   /* a provider that failed before the first poll */
    finish(r, t, &res, (log_now_us() - t0) / 1000);
    ai_live_close(t->live);
}

void api_ai_chat(struct req *r)
{
    struct turn t;
    memset(&t, 0, sizeof t);
    t.r = r;
    t.us_begin = log_now_us();
    if (read_turn(r, &t) != 0 || read_all(r, &t) != 0)
        return;
    t.us_read = log_now_us();
    build_prompt(r, &t);
    if (send_writes(r, &t) != 0) {   /* committed while the provider thinks (collect_writes) */
        page_db_error(r);
        return;
    }
    t.us_sent = log_now_us();
    relay(r, &t);
}

/* ---- resume and stop ------------------------------------------------------------------ */

struct follow {
    struct req *r;
    int gone;
};

static int follow_send(void *ctx, const char *text, size_t n, size_t end)
{
    struct follow *f = ctx;
    f->gone = f->gone || send_delta(f->r, text, n, end) != 0;
    return f->gone;
}

static int follow_last(void *ctx, const char *event, const char *data)
{
    struct follow *f = ctx;
    f->gone = f->gone || stream_event(f->r, event, NULL, data) != 0;
    return f->gone;
}

static int follow_idle(void *ctx)
{
    struct follow *f = ctx;
    f->gone = f->gone || stream_client_gone(f->r) || stream_heartbeat(f->r) != 0;
    return f->gone;
}

/* resume_offset: Last-Event-ID (or ?from=) as a byte offset. */
static size_t resume_offset(struct req *r)
{
    const char *v = r->fcgx ? FCGX_GetParam("HTTP_LAST_EVENT_ID", ((FCGX_Request *)r->fcgx)->envp) : NULL;
    if (!v)
        v = req_query(r, "from");
    long long n = v ? strtoll(v, NULL, 10) : 0;
    return n > 0 ? (size_t)n : 0;
}

static const char SQL_ANSWER[] =
    "SELECT m.content, m.status, s.uid, COALESCE(m.input_tokens, 0), COALESCE(m.output_tokens, 0), "
    "COALESCE(m.cost, 0)::text, m.estimated FROM ai_chat_messages m "
    "JOIN ai_chat_sessions s ON s.id = m.session_id WHERE m.id = $1 AND m.role = 'assistant'";

/* send_stored: the stored answer from byte `from`, then its last event. */
static void send_stored(struct req *r, PGresult *res, long long id, size_t from)
{
    const char *content = db_val(res, 0, 0), *status = db_val(res, 0, 1);
    size_t len = strlen(content);
    if (from > len)
        from = len;
    while (from > 0 && ((unsigned char)content[from] & 0xC0) == 0x80)
        from--;   /* a whole character */
    if (len > from && send_delta(r, content + from, len - from, len) != 0)
        return;
    json_t *data;
    const char *event = "done";
    if (!status[0] || strcmp(status, "failed") == 0) {
        event = "error";
        data = json_pack("{s:s, s:I, s:s}", "message", status[0] ? "The answer failed."
                         : "The answer was interrupted.", "message_id", (json_int_t)id,
                         "status", status[0] ? status : "failed");
    } else {
        data = json_pack("{s:s, s:I, s:{s:I, s:I}, s:s, s:s, s:b}", "session_uid", db_val(res, 0, 2),
                         "message_id", (json_int_t)id, "usage", "input_tokens",
                         (json_int_t)db_int(res, 0, 3), "output_tokens", (json_int_t)db_int(res, 0, 4),
                         "cost", db_val(res, 0, 5), "status", status, "estimated", db_bool(res, 0, 6));
    }
    char *text = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    stream_event(r, event, NULL, text);
    free(text);
}

static long long path_id(struct req *r)
{
    char *end;
    long long id = r->nparams ? strtoll(r->params[0], &end, 10) : 0;
    return r->nparams && *end == '\0' && id > 0 && id < 2147483648LL ? id : 0;
}

void api_ai_chat_resume(struct req *r)
{
    long long id = path_id(r);
    const char *ids = arena_printf(r->arena, "%lld", id);
    PGresult *res = id ? db_query(r, SQL_ANSWER, DB_ARGS(ids)) : NULL;
    if (id && !res) {
        page_db_error(r);
        return;
    }
    if (!id || PQntuples(res) == 0) {
        resp_json_error(r, 404, "not_found", "There is no such answer.");
        return;
    }
    if (db_finish(r, 1) != 0) {
        page_db_error(r);
        return;
    }
    size_t from = resume_offset(r);
    if (stream_begin(r) != 0)
        return;
    struct follow f = {r, 0};
    if (!db_isnull(res, 0, 1) ||
        !ai_live_follow(id, r->user->id, from, follow_send, follow_last, follow_idle, &f)) {
        /* finished meanwhile (or its worker died): the stored one */
        res = begin_again(r) == 0 ? db_query(r, SQL_ANSWER, DB_ARGS(ids)) : NULL;
        db_finish(r, 1);
        if (res && PQntuples(res))
            send_stored(r, res, id, from);
    }
}

void api_ai_chat_stop(struct req *r)
{
    long long id = path_id(r);
    PGresult *res = id ? db_query(r, "SELECT 1 FROM ai_chat_messages WHERE id = $1 AND role = 'assistant'",
                                  DB_ARGS(arena_printf(r->arena, "%lld", id))) : NULL;
    if (id && !res) {
        page_db_error(r);
        return;
    }
    if (!id || PQntuples(res) == 0) {
        resp_json_error(r, 404, "not_found", "There is no such answer.");
        return;
    }
    int live = ai_live_stop(id, r->user->id);
    resp_json(r, 200, json_pack("{s:b}", "stopping", live));
}

/* ---- the panel's lists ---------------------------------------------------------------- */

void api_ai_sessions(struct req *r)
{
    const char *project = req_query(r, "project_uid"), *entity = req_query(r, "entity_uid");
    PGresult *res = db_query(r,
        "SELECT s.uid, s.title, to_char(s.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "COALESCE(s.entity_type, ''), COALESCE(s.entity_uid, ''), s.total_input_tokens, "
        "s.total_output_tokens, s.total_cost::text FROM ai_chat_sessions s "
        "JOIN projects p ON p.id = s.project_id WHERE p.uid = $1 "
        "AND ($2::text IS NULL OR s.entity_uid = $2) ORDER BY s.updated_at DESC, s.id DESC LIMIT 100",
        DB_ARGS(project ? project : "", entity));
    if (!res) {
        page_db_error(r);
        return;
    }
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s}",
            "uid", db_val(res, i, 0), "title", db_val(res, i, 1), "updated_at", db_val(res, i, 2),
            "entity_type", db_val(res, i, 3), "entity_uid", db_val(res, i, 4),
            "total_input_tokens", (json_int_t)db_int(res, i, 5),
            "total_output_tokens", (json_int_t)db_int(res, i, 6), "total_cost", db_val(res, i, 7)));
    resp_json(r, 200, json_pack("{s:o}", "sessions", list));
}

void api_ai_session_get(struct req *r)
{
    PGresult *res = db_query(r,
        "SELECT m.id, m.role, m.content, COALESCE(m.status, ''), COALESCE(m.model, ''), "
        "COALESCE(m.input_tokens, 0), COALESCE(m.output_tokens, 0), COALESCE(m.cost, 0)::text, "
        "m.estimated, s.title, s.is_public, s.share_token, "
        "CASE v.is_upvoted WHEN true THEN 'up' WHEN false THEN 'down' END "
        "FROM ai_chat_sessions s LEFT JOIN ai_chat_messages m ON m.session_id = s.id "
        "LEFT JOIN ai_message_votes v ON v.message_id = m.id "
        "WHERE s.uid = $1 ORDER BY m.id", DB_ARGS(r->params[0]));
    if (!res) {
        page_db_error(r);
        return;
    }
    if (PQntuples(res) == 0) {
        resp_json_error(r, 404, "not_found", "There is no such chat.");
        return;
    }
    json_t *msgs = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        if (db_isnull(res, i, 0))
            continue;
        json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:b}",
            "id", (json_int_t)db_int(res, i, 0), "role", db_val(res, i, 1), "content", db_val(res, i, 2),
            "status", db_val(res, i, 3), "model", db_val(res, i, 4),
            "input_tokens", (json_int_t)db_int(res, i, 5), "output_tokens", (json_int_t)db_int(res, i, 6),
            "cost", db_val(res, i, 7), "estimated", db_bool(res, i, 8));
        json_object_set_new(m, "vote", db_isnull(res, i, 12) ? json_null() : json_string(db_val(res, i, 12)));
        json_array_append_new(msgs, m);
    }
    int is_public = db_bool(res, 0, 10);
    json_t *out = json_pack("{s:s, s:s, s:b, s:o}", "uid", r->params[0], "title", db_val(res, 0, 9),
                            "is_public", is_public, "messages", msgs);
    const char *base = g_app.cfg.base_url ? g_app.cfg.base_url : "";
    size_t nb = strlen(base);
    while (nb && base[nb - 1] == '/')
        nb--;
    json_object_set_new(out, "share_url", is_public && !db_isnull(res, 0, 11)
        ? json_string(arena_printf(r->arena, "%.*s/s/chat/%s", (int)nb, base, db_val(res, 0, 11)))
        : json_null());
    resp_json(r, 200, out);
}

/* ---- the settings page's "test" ------------------------------------------------------- */

static int ping_text(void *ctx, const char *text, size_t n)
{
    (void)ctx, (void)text, (void)n;
    return 0;
}

int ai_provider_ping(struct req *r, const struct ai_target *t, const char **message)
{
    struct ai_message msg = {"user", "Reply with the single word: ok"};
    struct ai_request rq = {
        .wire = t->wire, .base_url = t->base_url, .model = t->model_identifier,
        .api_key = t->api_key, .msgs = &msg, .nmsgs = 1, .policy = ai_net_policy_for(r),
        .timeout_s = 30, .on_text = ping_text,
    };
    struct ai_result res;
    int rc = ai_provider_stream(&rq, &res);
    *message = arena_strdup(r->arena, rc == AI_OK ? "The provider answered." : res.message);
    return rc;
}
