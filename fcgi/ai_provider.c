/* ai_provider.c — streamed calls to AI providers (see ai_provider.h).  A table of wire
 * formats, each: the URL, the key header, the request body and the reader of one SSE frame.
 * The transfer runs in a curl multi loop that wakes every AI_POLL_MS so the caller can cancel
 * (stop button, closed tab) well within a second and send heartbeats. */
#include "ai_provider.h"
#include "buf.h"
#include "log.h"
#include "ai_netpolicy.h"
#include "sse.h"
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define GEMINI_DEFAULT_BASE "https://generativelanguage.googleapis.com/v1beta"
#define ERROR_BODY_MAX (64u << 10)

struct wire {
    const char *name;
    const char *default_base;
    const char *path_fmt;          /* after the base URL; %s = the escaped model */
    const char *key_header;        /* "Authorization: Bearer " or "x-goog-api-key: " */
    json_t *(*body)(const struct ai_request *rq);
    int (*frame)(json_t *j, struct ai_frame_state *st,
                 int (*on_text)(void *, const char *, size_t), void *ctx);
    int ends_with_done;            /* "data: [DONE]" closes the stream */
};

/* ---- OpenAI Chat Completions ---------------------------------------------------------- */

static json_t *openai_body(const struct ai_request *rq)
{
    json_t *msgs = json_array();
    for (int i = 0; i < rq->nmsgs; i++)
        json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", rq->msgs[i].role,
                                              "content", rq->msgs[i].content));
    return json_pack("{s:s, s:b, s:{s:b}, s:o}", "model", rq->model, "stream", 1,
                     "stream_options", "include_usage", 1, "messages", msgs);
}

static int openai_frame(json_t *j, struct ai_frame_state *st,
                        int (*on_text)(void *, const char *, size_t), void *ctx)
{
    json_t *err = json_object_get(j, "error");
    if (err) {
        const char *m = json_string_value(json_object_get(err, "message"));
        snprintf(st->error, sizeof st->error, "%s", m ? m : "the provider reported an error");
        return AI_ERR_HTTP;
    }
    json_t *choices = json_object_get(j, "choices");
    if (choices && !json_is_array(choices))
        return AI_ERR_MALFORMED;
    json_t *usage = json_object_get(j, "usage");
    if (json_is_object(usage)) {
        st->input_tokens = json_integer_value(json_object_get(usage, "prompt_tokens"));
        st->output_tokens = json_integer_value(json_object_get(usage, "completion_tokens"));
        st->usage_known = 1;
    }
    if (!choices && !json_is_object(usage))
        return AI_ERR_MALFORMED;
    json_t *text = json_object_get(json_object_get(json_array_get(choices, 0), "delta"), "content");
    if (json_is_string(text) && json_string_length(text) &&
        on_text(ctx, json_string_value(text), json_string_length(text)))
        return AI_ERR_CANCELLED;
    return AI_OK;
}

/* ---- Gemini streamGenerateContent ----------------------------------------------------- */

static json_t *gemini_body(const struct ai_request *rq)
{
    json_t *contents = json_array();
    struct buf sys = BUF_INIT;
    for (int i = 0; i < rq->nmsgs; i++) {
        const struct ai_message *m = &rq->msgs[i];
        if (strcmp(m->role, "system") == 0) {
            if (sys.len)
                buf_puts(&sys, "\n\n");
            buf_puts(&sys, m->content);
            continue;
        }
        json_array_append_new(contents, json_pack("{s:s, s:[{s:s}]}", "role",
            strcmp(m->role, "assistant") == 0 ? "model" : "user", "parts", "text", m->content));
    }
    json_t *body = json_pack("{s:o}", "contents", contents);
    if (sys.len)
        json_object_set_new(body, "systemInstruction",
                            json_pack("{s:[{s:s}]}", "parts", "text", buf_cstr(&sys)));
    buf_free(&sys);
    return body;
}

static int gemini_frame(json_t *j, struct ai_frame_state *st,
                        int (*on_text)(void *, const char *, size_t), void *ctx)
{
    json_t *err = json_object_get(j, "error");
    if (err) {
        const char *m = json_string_value(json_object_get(err, "message"));
        snprintf(st->error, sizeof st->error, "%s", m ? m : "the provider reported an error");
        return AI_ERR_HTTP;
    }
    json_t *cands = json_object_get(j, "candidates");
    json_t *usage = json_object_get(j, "usageMetadata");
    if (!json_is_array(cands) && !json_is_object(usage))
        return AI_ERR_MALFORMED;
    if (json_is_object(usage)) {
        st->input_tokens = json_integer_value(json_object_get(usage, "promptTokenCount"));
        st->output_tokens = json_integer_value(json_object_get(usage, "candidatesTokenCount"));
        st->usage_known = 1;
    }
    json_t *cand = json_array_get(cands, 0);
    json_t *parts = json_object_get(json_object_get(cand, "content"), "parts");
    size_t i;
    json_t *part;
    json_array_foreach(parts, i, part) {
        json_t *text = json_object_get(part, "text");
        if (json_is_string(text) && json_string_length(text) &&
            on_text(ctx, json_string_value(text), json_string_length(text)))
            return AI_ERR_CANCELLED;
    }
    if (json_is_string(json_object_get(cand, "finishReason")))
        st->finished = 1;
    return AI_OK;
}

static const struct wire wires[] = {
    {"openai", NULL, "/chat/completions", "Authorization: Bearer ", openai_body, openai_frame, 1},
    {"gemini", GEMINI_DEFAULT_BASE, "/models/%s:streamGenerateContent?alt=sse", "x-goog-api-key: ",
     gemini_body, gemini_frame, 0},
};

static const struct wire *wire_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof wires / sizeof wires[0]; i++)
        if (strcmp(wires[i].name, name) == 0)
            return &wires[i];
    return NULL;
}

int ai_wire_known(const char *wire)
{
    return wire_find(wire) != NULL;
}

int ai_frame_feed(const char *wire_name, const char *data, size_t len, struct ai_frame_state *st,
                  int (*on_text)(void *ctx, const char *text, size_t len), void *ctx)
{
    const struct wire *w = wire_find(wire_name);
    if (!w)
        return AI_ERR_CONFIG;
    if (w->ends_with_done && len == 6 && memcmp(data, "[DONE]", 6) == 0) {
        st->finished = 1;
        return AI_OK;
    }
    json_t *j = json_loadb(data, len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return AI_ERR_MALFORMED;
    }
    int rc = w->frame(j, st, on_text, ctx);
    json_decref(j);
    return rc;
}

/* ---- the transfer --------------------------------------------------------------------- */

struct call {
    const struct ai_request *rq;
    const struct wire *w;
    struct ai_result *out;
    CURL *h;
    struct sse_parser sse;
    struct ai_frame_state st;
    struct buf error_body;
    long http_status;
    size_t bytes;
    int refused;           /* the open-socket check refused an address */
    char refusal[256];     /* why (the first refusal), for the user */
    int stop;              /* an ai_status that ended the transfer early, or 0 */
    long long start_us;
};

static int text_out(void *ctx, const char *text, size_t len)
{
    struct call *c = ctx;
    if (!c->out->first_us)
        c->out->first_us = log_now_us() - c->start_us;
    c->out->text_bytes += len;
    return c->rq->on_text(c->rq->ctx, text, len);
}

static int on_sse(void *ctx, const char *event, const char *data, size_t len)
{
    struct call *c = ctx;
    (void)event;
    if (c->st.finished && c->w->ends_with_done)
        return 0;          /* nothing counts after [DONE] */
    int rc = ai_frame_feed(c->w->name, data, len, &c->st, text_out, c);
    if (rc != AI_OK) {
        c->stop = rc;
        return 1;
    }
    return 0;
}

static size_t on_write(char *p, size_t size, size_t n, void *ctx)
{
    struct call *c = ctx;
    size_t len = size * n;
    if (!c->http_status)
        curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &c->http_status);
    c->bytes += len;
    if (c->bytes > AI_MAX_BYTES) {
        c->stop = AI_ERR_TOO_LARGE;
        return 0;
    }
    if (c->http_status >= 300) {    /* an error answer: keep some of it, never show it raw */
        if (c->error_body.len < ERROR_BODY_MAX)
            buf_append(&c->error_body, p, len);
        return len;
    }
    int rc = sse_feed(&c->sse, p, len, on_sse, c);
    if (rc == SSE_ERR_TOO_LONG)
        c->stop = AI_ERR_MALFORMED;
    return c->stop ? 0 : len;
}

/* on_open_socket: the address libcurl is about to connect to, after DNS: refuse what the
 * policy does not allow (loopback, private, link-local, the own database … unless allowed);
 * the first refusal's reason becomes the call's message (and a log line). */
static curl_socket_t on_open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct call *c = ctx;
    char why[sizeof c->out->message];
    struct ai_net_policy none;
    const struct ai_net_policy *p = c->rq->policy;
    if (!p) {
        ai_net_policy_init(&none, 0, NULL, NULL, 0);   /* public addresses only */
        p = &none;
    }
    if (purpose != CURLSOCKTYPE_IPCXN) {
        snprintf(why, sizeof why, "The AI provider's connection is not a plain IP connection.");
    } else if (ai_net_check(p, &a->addr, why, sizeof why)) {
        return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
    }
    if (!c->refused) {
        log_msg("ai: %s", why);
        snprintf(c->refusal, sizeof c->refusal, "%s", why);
    }
    c->refused = 1;
    return CURL_SOCKET_BAD;
}

static int on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    struct call *c = ctx;
    (void)dt, (void)dn, (void)ut, (void)un;
    if (!c->stop && c->rq->poll && c->rq->poll(c->rq->ctx))
        c->stop = AI_ERR_CANCELLED;
    return c->stop != 0;
}

static const char *build_url(const struct wire *w, const struct ai_request *rq, struct buf *url)
{
    const char *base = rq->base_url && rq->base_url[0] ? rq->base_url : w->default_base;
    if (!base)
        return NULL;
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    buf_append(url, base, n);
    char *model = curl_easy_escape(NULL, rq->model, 0);
    buf_printf(url, w->path_fmt, model ? model : "");
    curl_free(model);
    return buf_cstr(url);
}

/* http_message: a clear sentence for an HTTP error, never the provider's own text (which may
 * quote the key back). */
static void http_message(struct ai_result *out, long status, const char *model)
{
    static const struct { long lo, hi; const char *fmt; } table[] = {
        {401, 401, "The provider refused the API key (HTTP %ld). Check the key in Settings → AI."},
        {403, 403, "The provider refused the request (HTTP %ld). Check the key and its permissions."},
        {404, 404, "The provider does not know the model \"%2$s\" (HTTP %1$ld)."},
        {408, 408, "The provider timed out (HTTP %ld). Try again."},
        {429, 429, "The provider is rate-limiting or out of quota (HTTP %ld). Try again later."},
        {500, 599, "The provider had an error (HTTP %ld). Try again in a moment."},
        {300, 399, "The provider answered with a redirect (HTTP %ld), which is not followed."},
        {400, 499, "The provider rejected the request (HTTP %ld)."},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (status >= table[i].lo && status <= table[i].hi) {
            snprintf(out->message, sizeof out->message, table[i].fmt, status, model);
            return;
        }
    snprintf(out->message, sizeof out->message, "The provider answered HTTP %ld.", status);
}

static const struct { enum ai_status st; const char *msg; } status_messages[] = {
    {AI_ERR_CONFIG, "The AI provider is not configured correctly (wire format or base URL)."},
    {AI_ERR_REFUSED, "The provider's address is on a private or local network, which is not allowed."},
    {AI_ERR_CONNECT, "Could not connect to the AI provider."},
    {AI_ERR_TIMEOUT, "The AI provider took too long to answer."},
    {AI_ERR_MALFORMED, "The AI provider sent a malformed answer; what arrived before is kept."},
    {AI_ERR_CUT, "The connection to the AI provider dropped before the answer was finished."},
    {AI_ERR_CANCELLED, "Stopped."},
    {AI_ERR_TOO_LARGE, "The AI provider's answer was too large and was cut."},
};

static void set_status(struct ai_result *out, enum ai_status st)
{
    out->status = st;
    if (out->message[0])
        return;
    for (size_t i = 0; i < sizeof status_messages / sizeof status_messages[0]; i++)
        if (status_messages[i].st == st)
            snprintf(out->message, sizeof out->message, "%s", status_messages[i].msg);
}

/* classify: the outcome of a finished transfer. */
static void classify(struct call *c, CURLcode cc)
{
    struct ai_result *out = c->out;
    out->http_status = c->http_status;
    out->usage_known = c->st.usage_known;
    out->input_tokens = c->st.input_tokens;
    out->output_tokens = c->st.output_tokens;
    if (c->stop == AI_ERR_HTTP && c->st.error[0]) {   /* an error object inside the stream */
        snprintf(out->message, sizeof out->message, "The provider reported an error: %.180s",
                 c->st.error);
        set_status(out, AI_ERR_HTTP);
    } else if (c->stop) {
        set_status(out, (enum ai_status)c->stop);
    } else if (c->refused && !c->http_status) {   /* no other address answered either */
        snprintf(out->message, sizeof out->message, "%s", c->refusal);
        set_status(out, AI_ERR_REFUSED);
    } else if (c->http_status >= 300) {
        http_message(out, c->http_status, c->rq->model);
        set_status(out, AI_ERR_HTTP);
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        set_status(out, AI_ERR_TIMEOUT);
    } else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
               (cc != CURLE_OK && !c->http_status)) {
        set_status(out, AI_ERR_CONNECT);
    } else if (cc != CURLE_OK || !c->st.finished) {
        set_status(out, AI_ERR_CUT);
    } else {
        out->status = AI_OK;
    }
}

static void configure(struct call *c, const char *url, const char *body, struct curl_slist *hdrs)
{
    CURL *h = c->h;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");          /* never a proxy from the environment */
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->rq->timeout_s);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);  /* 120 s without a byte: timed out */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 120L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)AI_MAX_BYTES);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, c);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "Cardinality");
}

/* The thread's multi handle, kept for its life: its connection cache keeps the provider's
 * connection open (HTTP keep-alive, TLS session) from one answer to the next, so an answer
 * does not begin with a TCP and TLS handshake.  Every call of the process has the same network
 * policy (ai_net_policy_for: the process's settings), so a kept connection was checked by the
 * same rules a new one would be. */
static _Thread_local CURLM *thread_multi;

void ai_provider_thread_end(void)
{
    if (thread_multi)
        curl_multi_cleanup(thread_multi);   /* closes the kept connections */
    thread_multi = NULL;
}

/* run: the multi loop; the caller's poll runs between waits of at most AI_POLL_MS. */
static CURLcode run(struct call *c)
{
    if (!thread_multi && (thread_multi = curl_multi_init()))
        curl_multi_setopt(thread_multi, CURLMOPT_MAXCONNECTS, 2L);
    CURLM *m = thread_multi ? thread_multi : curl_multi_init();
    if (!m)
        return CURLE_OUT_OF_MEMORY;
    curl_multi_add_handle(m, c->h);
    int running = 1;
    CURLcode cc = CURLE_OK;
    while (running) {
        if (curl_multi_perform(m, &running) != CURLM_OK)
            break;
        if (!running)
            break;
        if (!c->stop && c->rq->poll && c->rq->poll(c->rq->ctx))
            c->stop = AI_ERR_CANCELLED;
        if (c->stop)
            break;
        curl_multi_poll(m, NULL, 0, AI_POLL_MS, NULL);
    }
    int left;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(m, &left)))
        if (msg->msg == CURLMSG_DONE)
            cc = msg->data.result;
    curl_multi_remove_handle(m, c->h);   /* closes the connection when it was cut short */
    if (m != thread_multi)
        curl_multi_cleanup(m);
    return cc;
}

int ai_provider_stream(const struct ai_request *rq, struct ai_result *out)
{
    memset(out, 0, sizeof *out);
    const struct wire *w = wire_find(rq->wire);
    struct buf url = BUF_INIT, key = BUF_INIT;
    if (!w || !build_url(w, rq, &url)) {
        set_status(out, AI_ERR_CONFIG);
        buf_free(&url);
        return out->status;
    }
    struct call c = {.rq = rq, .w = w, .out = out, .start_us = log_now_us()};
    sse_init(&c.sse);
    buf_init(&c.error_body);
    json_t *j = w->body(rq);
    char *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Accept: text/event-stream");
    if (rq->api_key && rq->api_key[0]) {
        buf_printf(&key, "%s%s", w->key_header, rq->api_key);
        hdrs = curl_slist_append(hdrs, buf_cstr(&key));
    }
    c.h = curl_easy_init();
    configure(&c, buf_cstr(&url), body, hdrs);
    CURLcode cc = run(&c);
    if (!c.stop && cc == CURLE_OK && sse_pending(&c.sse) && c.http_status < 300)
        c.stop = c.st.finished ? 0 : AI_ERR_CUT;   /* bytes of an unfinished event at the end */
    classify(&c, cc);
    curl_easy_cleanup(c.h);
    curl_slist_free_all(hdrs);
    if (key.data)
        memset(key.data, 0, key.len);
    buf_free(&key);
    buf_free(&url);
    free(body);
    sse_free(&c.sse);
    buf_free(&c.error_body);
    return out->status;
}
