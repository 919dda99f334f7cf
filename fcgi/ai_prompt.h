/* ai_prompt.h — what is sent to the model for one chat turn: the default system prompt, the
 * user's rules for the view, the file in view as context (a diagram as PostgreSQL DDL, a note
 * as Markdown, a flowchart as a node/edge list, a drawing as its text elements), the
 * selection, then the conversation, trimmed to the model's context window. */
#ifndef CARD_AI_PROMPT_H
#define CARD_AI_PROMPT_H
#include "ai_provider.h"
#include <stddef.h>
struct req;
struct buf;
struct db_step;
typedef struct pg_result PGresult;

#define AI_PROMPT_ANSWER_RESERVE 4096   /* tokens of the window kept for the answer */
#define AI_PROMPT_DEFAULT_WINDOW 128000 /* when the catalogue does not say */
#define AI_PROMPT_CONTEXT_MAX (200u << 10)   /* bytes of file context at most */

/* ai_entity_view: the rules' view for an entity_type ("diagram" → "erd", "note" → "notes",
 * "flowchart" → "flowchart", "drawing" → "drawing"), or NULL when the type is unknown. */
const char *ai_entity_view(const char *entity_type);

/* The file entity_type/entity_uid as text for the model, read in the caller's pipeline
 * (db_pipeline, the turn's one round trip): ai_prompt_context_steps puts the statements reading
 * it in st (AI_PROMPT_CONTEXT_STEPS at most) and answers how many (0: no file named, or an
 * unknown type); ai_prompt_context_from writes the text made of their results (all non-NULL)
 * into out, nothing when the file is not found or not readable by the user. */
#define AI_PROMPT_CONTEXT_STEPS 4
int ai_prompt_context_steps(struct req *r, const char *entity_type, const char *entity_uid,
                            struct db_step *st);
void ai_prompt_context_from(struct req *r, const char *entity_type, PGresult *const *res,
                            struct buf *out);

/* ai_tokens_estimate: the token estimate of n bytes of text (bytes / 4, rounded up). */
long long ai_tokens_estimate(size_t n);

/* ai_prompt_trim: keep the system message(s) and as many of the latest history messages as
 * fit window tokens minus the answer reserve (the newest message is always kept).  msgs[0..*n) is edited in place: system first, then
 * history in order.  Answers the estimated input tokens. */
long long ai_prompt_trim(struct ai_message *msgs, int *n, long long window);
#endif
