/* ai_provider.h — one streamed call to an AI provider over libcurl, in one of the wire formats
 * of a table (OpenAI Chat Completions, Gemini streamGenerateContent; OpenAI-compatible servers
 * speak the first at their own base URL).  Text pieces reach the caller as they arrive, each
 * whole UTF-8; usage arrives at the end.  The outbound rules live here: http/https only, no
 * redirects, no proxy, the address actually connected to checked with netpolicy.h, byte and
 * time caps, the key only in a header (never in the URL, a log line or an error message). */
#ifndef CARD_AI_PROVIDER_H
#define CARD_AI_PROVIDER_H
#include <stddef.h>
struct arena;
struct ai_net_policy;

#define AI_MAX_BYTES (16u << 20)      /* a provider answer larger than this is cut */
#define AI_POLL_MS 100                /* the caller's poll runs at least this often */

enum ai_status {
    AI_OK = 0,
    AI_ERR_CONFIG = -1,       /* unknown wire format, no base URL */
    AI_ERR_REFUSED = -2,      /* the address is not allowed (netpolicy) */
    AI_ERR_CONNECT = -3,      /* could not connect / resolve */
    AI_ERR_HTTP = -4,         /* the provider answered an HTTP error (http_status) */
    AI_ERR_TIMEOUT = -5,
    AI_ERR_MALFORMED = -6,    /* a chunk that is not the wire format */
    AI_ERR_CUT = -7,          /* the stream ended before the provider said it was finished */
    AI_ERR_CANCELLED = -8,    /* the caller stopped it (stop button, closed tab) */
    AI_ERR_TOO_LARGE = -9,
};

struct ai_message {
    const char *role;         /* "system", "user" or "assistant" */
    const char *content;
};

struct ai_request {
    const char *wire;         /* "openai" or "gemini" */
    const char *base_url;     /* "https://api.openai.com/v1", Gemini's "…/v1beta" */
    const char *model;
    const char *api_key;      /* may be "" (a local server) */
    const struct ai_message *msgs;
    int nmsgs;
    const struct ai_net_policy *policy; /* where it may connect (ai_netpolicy.h) */
    int timeout_s;            /* whole call */
    /* on_text: a piece of the answer (whole UTF-8 characters); nonzero cancels. */
    int (*on_text)(void *ctx, const char *text, size_t len);
    /* poll: called every AI_POLL_MS or sooner while waiting; nonzero cancels within it. */
    int (*poll)(void *ctx);
    void *ctx;
};

struct ai_result {
    enum ai_status status;
    long http_status;
    long long input_tokens, output_tokens;
    int usage_known;          /* the provider reported usage (else the caller estimates) */
    size_t text_bytes;        /* answer bytes passed to on_text */
    long long first_us;       /* microseconds to the first piece of text (0: none) */
    char message[256];        /* for the user, when status != AI_OK; never holds the key */
};

/* ai_provider_stream: run the call, blocking until it ends, is cancelled or fails; fills *out.
 * Returns out->status. */
int ai_provider_stream(const struct ai_request *rq, struct ai_result *out);
/* ai_provider_thread_end: close the calling thread's kept provider connections (a worker
 * thread's last act). */
void ai_provider_thread_end(void);

/* ai_wire_known: wire is a format of the table. */
int ai_wire_known(const char *wire);

/* ai_frame_feed: feed one SSE data payload of wire's format (tests and the call itself):
 * pieces of text go to on_text, usage and the "finished" mark into *st.  0 or an ai_status. */
struct ai_frame_state {
    int finished;             /* [DONE] (OpenAI) or a finishReason (Gemini) seen */
    int usage_known;
    long long input_tokens, output_tokens;
    char error[200];          /* an error object inside the stream */
};
int ai_frame_feed(const char *wire, const char *data, size_t len, struct ai_frame_state *st,
                  int (*on_text)(void *ctx, const char *text, size_t len), void *ctx);
#endif
