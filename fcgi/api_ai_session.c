/* api_ai_session.c — what the chat panel does to a chat besides talking (issue 13, "Chat"):
 *   PATCH  /api/ai/sessions/:uid           {title?, is_public?} → {uid, title, is_public, share_url}
 *   DELETE /api/ai/sessions/:uid           the chat and its messages (cascade)
 *   PUT    /api/ai/messages/:id/vote       {vote: "up"|"down"|null} on an answer (seed 002's votes)
 *   POST   /api/ai/markdown                Markdown (an answer) → {html}: the sanitized TipTap
 *                                          HTML a note editor inserts (fcgi/note_md.h)
 *   GET    /s/chat/:token                  a public chat, read-only, plain HTML, no script,
 *                                          in nginx's share cache for at most a second.
 * Row-level security does access (sql/005, 019, 020): another user's chat or message is simply
 * not there, and answers 404 like a missing one.  Making a chat public gives it a new token;
 * making it private clears the token, so an old link stays dead. */
#include "app.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "handlers.h"
#include "http.h"
#include "note_md.h"
#include "share.h"
#include "view.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CHAT_TITLE_MAX 200     /* bytes of a chat's title */
#define CHAT_MD_MAX (1u << 20) /* bytes of Markdown converted at once */

/* No script, no forms, no framing: what a share page gets (page_share.c). */
#define CHAT_SHARE_CSP "default-src 'none'; style-src 'self'; img-src 'self' data:; " \
                       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/* new_token: 32 random bytes in base64url without padding (SHARE_TOKEN_LEN characters). */
static const char *new_token(struct req *r)
{
    unsigned char rnd[32];
    char *out = arena_alloc(r->arena, SHARE_TOKEN_LEN + 1);
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2base64(out, SHARE_TOKEN_LEN + 1, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* share_url: CARD_BASE_URL (no trailing slash) + /s/chat/token. */
static const char *share_url(struct req *r, const char *token)
{
    const char *b = g_app.cfg.base_url ? g_app.cfg.base_url : "";
    size_t n = strlen(b);
    while (n && b[n - 1] == '/')
        n--;
    return arena_printf(r->arena, "%.*s/s/chat/%s", (int)n, b, token);
}

/* json_body: the request's JSON object (kept by the arena), or NULL after answering 400. */
static json_t *json_body(struct req *r)
{
    json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        resp_json_error(r, 400, "bad_request", "Send a JSON object.");
        return NULL;
    }
    return view_keep(r, j);
}

static const char SQL_SESSION_UPDATE[] =
    "UPDATE ai_chat_sessions SET title = COALESCE($2, title), "
    "is_public = COALESCE($3::boolean, is_public), "
    "share_token = CASE WHEN $3::boolean IS NULL THEN share_token "
    "                   WHEN NOT $3::boolean THEN NULL "
    "                   ELSE COALESCE(share_token, $4) END, "
    "updated_at = CASE WHEN $2 IS NULL THEN updated_at ELSE CURRENT_TIMESTAMP END "
    "WHERE uid = $1 RETURNING uid, COALESCE(title, ''), is_public, share_token";

void api_ai_session_patch(struct req *r)
{
    json_t *j = json_body(r);
    if (!j)
        return;
    json_t *t = json_object_get(j, "title"), *p = json_object_get(j, "is_public");
    const char *title = NULL, *pub = NULL;
    if (t && !json_is_null(t)) {
        title = json_is_string(t) ? json_string_value(t) : NULL;
        size_t n = title ? strlen(title) : 0;
        if (!title || n == 0 || n > CHAT_TITLE_MAX) {
            resp_json_error(r, 422, "invalid", "title: write 1 to %d bytes of text", CHAT_TITLE_MAX);
            return;
        }
    }
    if (p && !json_is_null(p)) {
        if (!json_is_boolean(p)) {
            resp_json_error(r, 422, "invalid", "is_public: send true or false");
            return;
        }
        pub = json_is_true(p) ? "true" : "false";
    }
    PGresult *res = db_query(r, SQL_SESSION_UPDATE, DB_ARGS(r->params[0], title, pub, new_token(r)));
    if (!res) {
        page_db_error(r);
        return;
    }
    if (PQntuples(res) == 0) {
        resp_json_error(r, 404, "not_found", "There is no such chat.");
        return;
    }
    int is_public = db_bool(res, 0, 2);
    json_t *out = json_pack("{s:s, s:s, s:b}", "uid", db_val(res, 0, 0), "title", db_val(res, 0, 1),
                            "is_public", is_public);
    json_object_set_new(out, "share_url", is_public && !db_isnull(res, 0, 3)
                                              ? json_string(share_url(r, db_val(res, 0, 3)))
                                              : json_null());
    resp_json(r, 200, out);
}

void api_ai_session_delete(struct req *r)
{
    PGresult *res = db_query(r, "DELETE FROM ai_chat_sessions WHERE uid = $1 RETURNING id",
                             DB_ARGS(r->params[0]));
    if (!res)
        page_db_error(r);
    else if (PQntuples(res) == 0)
        resp_json_error(r, 404, "not_found", "There is no such chat.");
    else
        resp_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

/* The vote on an assistant message of one's own chat (the policy of sql/019 checks the chat). */
static const char SQL_VOTE_SET[] =
    "INSERT INTO ai_message_votes (message_id, session_id, is_upvoted) "
    "SELECT m.id, m.session_id, $2::boolean FROM ai_chat_messages m "
    "WHERE m.id = $1::integer AND m.role = 'assistant' "
    "ON CONFLICT (message_id) DO UPDATE SET is_upvoted = EXCLUDED.is_upvoted, created_at = CURRENT_TIMESTAMP "
    "RETURNING message_id";
/* Clearing: the data-modifying CTE runs whether or not it is read; the select says whether
 * the answer exists (for the 404). */
static const char SQL_VOTE_CLEAR[] =
    "WITH d AS (DELETE FROM ai_message_votes WHERE message_id = $1::integer) "
    "SELECT id FROM ai_chat_messages WHERE id = $1::integer AND role = 'assistant'";

void api_ai_message_vote(struct req *r)
{
    char *end = NULL;
    long long id = strtoll(r->params[0], &end, 10);
    if (!end || *end || id <= 0 || id > 2147483647) {
        resp_json_error(r, 404, "not_found", "There is no such answer.");
        return;
    }
    json_t *j = json_body(r);
    if (!j)
        return;
    json_t *v = json_object_get(j, "vote");
    const char *vote = json_is_string(v) ? json_string_value(v) : NULL;
    if (!(json_is_null(v) || (vote && (!strcmp(vote, "up") || !strcmp(vote, "down"))))) {
        resp_json_error(r, 422, "invalid", "vote: send \"up\", \"down\" or null");
        return;
    }
    PGresult *res = vote ? db_query(r, SQL_VOTE_SET, DB_ARGS(r->params[0], !strcmp(vote, "up") ? "true" : "false"))
                         : db_query(r, SQL_VOTE_CLEAR, DB_ARGS(r->params[0]));
    if (!res) {
        page_db_error(r);
        return;
    }
    if (PQntuples(res) == 0) {
        resp_json_error(r, 404, "not_found", "There is no such answer.");
        return;
    }
    json_t *out = json_pack("{s:I}", "message_id", (json_int_t)id);
    json_object_set_new(out, "vote", vote ? json_string(vote) : json_null());
    resp_json(r, 200, out);
}

/* markdown_type: Content-Type is text/markdown or text/plain. */
static int markdown_type(const char *ct)
{
    return ct && (strncasecmp(ct, "text/markdown", 13) == 0 || strncasecmp(ct, "text/plain", 10) == 0);
}

void api_ai_markdown(struct req *r)
{
    if (!markdown_type(r->content_type)) {
        resp_json_error(r, 415, "unsupported_media_type", "Send the Markdown as text/markdown.");
        return;
    }
    if (r->body_len > CHAT_MD_MAX) {
        resp_json_error(r, 413, "too_large", "Convert at most 1 MB at once.");
        return;
    }
    struct buf *html = buf_arena(r->arena);
    note_md_import(r->arena, r->body ? r->body : "", r->body_len, html);
    resp_json(r, 200, json_pack("{s:s%}", "html", buf_cstr(html), html->len));
}

/* ---- the public page ------------------------------------------------------------------- */

void page_ai_chat_share(struct req *r)
{
    resp_header(r, "X-Robots-Tag", "noindex, nofollow");
    resp_header(r, "Referrer-Policy", "no-referrer");
    r->csp = CHAT_SHARE_CSP;
    /* nginx's share cache (location /s/): fresh to the end of this second, like a file's link */
    r->cache_control = "public, no-cache";
    resp_headerf(r, "X-Accel-Expires", "@%lld", (long long)time(NULL));
    json_t *ctx = view_ctx(r);
    PGresult *res = share_token_valid(r->params[0])
        ? db_query(r, "SELECT title, message_id, role, content, status FROM card_ai_chat_shared()", DB_NOARGS)
        : NULL;
    if (!res || PQntuples(res) == 0) {
        if (!res && share_token_valid(r->params[0])) {
            page_db_error(r);
            return;
        }
        json_object_set_new(ctx, "title", json_string("Page not found"));
        json_object_set_new(ctx, "message", json_string("There is nothing here. The link may be wrong, "
                                                        "or the chat is no longer shared."));
        view_render(r, 404, "share_error", ctx);
        return;
    }
    json_t *msgs = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        if (db_isnull(res, i, 1))
            continue;
        const char *role = db_val(res, i, 2), *status = db_val(res, i, 4);
        json_t *m = json_pack("{s:s, s:s, s:b}", "role", role, "content", db_val(res, i, 3),
                              "assistant", !strcmp(role, "assistant"));
        if (status[0] && strcmp(status, "complete") != 0)
            json_object_set_new(m, "status", json_string(status));
        json_array_append_new(msgs, m);
    }
    json_object_set_new(ctx, "title", json_string(db_val(res, 0, 0)));
    json_object_set_new(ctx, "messages", msgs);
    view_render(r, 200, "chat_share", ctx);
}
