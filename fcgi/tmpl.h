/* tmpl.h — mustache templates (the full spec, with inheritance and dynamic names),
 * compiled once, rendered with a jansson value as the context.
 *
 * A tmpl_set holds every template of a directory: "templates/login.mustache" is named
 * "login", "templates/partials/nav.mustache" is "partials/nav"; partials and parents
 * ({{> name}}, {{< name}}) resolve by these names.  {{x}} is HTML-escaped with html_escape;
 * {{{x}}} and {{& x}} are raw.  Sections render for any value but missing, null, false, [],
 * "" and 0 (as in mustache.js); numbers print as integers or the shortest exact decimal.
 * Partials, parents and block overrides nest at most 64 deep: deeper is a render error.
 * On any render error the output is left as it was before the call. */
#ifndef CARD_TMPL_H
#define CARD_TMPL_H
#include <jansson.h>
#include <stddef.h>
struct buf;
struct tmpl_set;

/* tmpl_set_new: an empty set. */
struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);
/* tmpl_set_add: compile src[0..len) under name.  0, or -1 with a message in err
 * ("login:12: unclosed section 'user'"). Replaces an existing template of that name. */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len,
                 struct buf *err);
/* tmpl_set_load_dir: add every *.mustache below dir (recursively).  0, or -1 with err. */
int tmpl_set_load_dir(struct tmpl_set *set, const char *dir, struct buf *err);
/* tmpl_set_limits: per-render budgets: bytes of output and steps (nodes visited); 0 keeps
 * the default (64 MiB, 2^26 steps).  A render that exceeds one fails with a message. */
void tmpl_set_limits(struct tmpl_set *set, size_t max_output, unsigned long max_steps);
/* tmpl_render: render template name with ctx (may be NULL) into out.  A missing partial
 * renders as empty (spec).  0, or -1 if name is unknown (message in err when not NULL). */
int tmpl_render(const struct tmpl_set *set, const char *name, json_t *ctx, struct buf *out,
                struct buf *err);
#endif
