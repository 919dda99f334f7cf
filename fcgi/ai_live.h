/* ai_live.h — the answers a stream worker is streaming right now, by message id, so a client
 * that reconnects (GET /api/ai/chat/{id}/stream with Last-Event-ID) follows the same answer
 * from where it was, and POST …/stop reaches the thread streaming it.  In memory, per process
 * (there is one stream worker per instance); once an answer is stored it leaves the table and
 * the stored message is the fallback. */
#ifndef CARD_AI_LIVE_H
#define CARD_AI_LIVE_H
#include <stddef.h>

struct ai_live;

/* ai_live_open: register message id of user_id as streaming.  Never NULL (aborts on OOM). */
struct ai_live *ai_live_open(long long id, const char *user_id);
/* ai_live_append: more answer text; wakes followers. */
void ai_live_append(struct ai_live *l, const char *text, size_t n);
/* ai_live_stop_requested: POST …/stop asked this answer to stop. */
int ai_live_stop_requested(struct ai_live *l);
/* ai_live_finish: the answer's last event (name "done" or "error", one-line JSON data), for
 * followers; call before storing the answer. */
void ai_live_finish(struct ai_live *l, const char *event, const char *data);
/* ai_live_close: take it out of the table (after the answer is stored); freed when the last
 * follower lets go. */
void ai_live_close(struct ai_live *l);

/* ai_live_stop: ask message id (of user_id) to stop.  1 when it was streaming, else 0. */
int ai_live_stop(long long id, const char *user_id);

/* ai_live_follow: relay message id (of user_id) from byte offset `from`: send(ctx, text, n,
 * end_offset) for each new piece, then last(ctx, event, data) once it finishes; either
 * answering nonzero stops following (the client left).  Returns 1 when the answer was live,
 * 0 when it is not (read the stored message instead). */
int ai_live_follow(long long id, const char *user_id, size_t from,
                   int (*send)(void *ctx, const char *text, size_t n, size_t end),
                   int (*last)(void *ctx, const char *event, const char *data),
                   int (*idle)(void *ctx), void *ctx);
#endif
