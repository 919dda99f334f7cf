/* api_search.c — project search (sql/021's card_search: full-text with websearch syntax plus
 * trigram matching of identifiers, through row-level security, so only what the user may read).
 *   GET /api/search?q=…[&project_uid=…][&limit=1–100] → [{"kind","uid","title","snippet","url"}]
 *       best first; snippet is HTML: the text escaped, the matched words in <mark>…</mark>.
 *   GET /search?q=…[&project_uid=…] — the same as a page (the global and per-project box). */
#include "buf.h"
#include "db.h"
#include "files.h"
#include "handlers.h"
#include "html.h"
#include "http.h"
#include "view.h"
#include <string.h>

#define SEARCH_Q_MAX 200

/* snippet_html: ts_headline's text with matches between \1 and \2 → escaped HTML with marks. */
static const char *snippet_html(struct req *r, const char *s)
{
    struct buf *b = buf_arena(r->arena);
    while (*s) {
        size_t n = strcspn(s, "\1\2");
        html_escape(b, s, n);
        s += n;
        if (*s)
            buf_puts(b, *s++ == '\1' ? "<mark>" : "</mark>");
    }
    return buf_cstr(b);
}

/* search_run: the results as a JSON array, or NULL after answering (422, 500/503). */
json_t *search_run(struct req *r, const char *q, const char *project_uid)
{
    long long limit;
    if (!q || !*q || strlen(q) > SEARCH_Q_MAX || (project_uid && *project_uid && !uid_valid(project_uid)) ||
        req_query_int(r, "limit", 1, 100, 20, &limit) != 0) {
        page_error(r, 422, "Invalid search", "Send q (1 to %d characters), optionally project_uid and limit (1–100).",
                   SEARCH_Q_MAX);
        return NULL;
    }
    char lbuf[8];
    snprintf(lbuf, sizeof lbuf, "%lld", limit);
    PGresult *res = db_query(r, "SELECT kind, uid, title, snippet FROM card_search($1, $2, $3::int)",
                             DB_ARGS(q, project_uid && *project_uid ? project_uid : NULL, lbuf));
    if (!res) {
        page_db_error(r);
        return NULL;
    }
    json_t *a = view_keep(r, json_array());
    for (int i = 0; i < PQntuples(res); i++) {
        const struct file_kind *fk = file_kind_by_name(db_val(res, i, 0));
        if (!fk)
            continue;
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", fk->kind,
            "kind_label", fk->label, "uid", db_val(res, i, 1), "title", db_val(res, i, 2),
            "snippet", snippet_html(r, db_val(res, i, 3)),
            "url", arena_printf(r->arena, "%s%s", fk->url_prefix, db_val(res, i, 1))));
    }
    return a;
}

void api_search(struct req *r)
{
    json_t *a = search_run(r, req_query(r, "q"), req_query(r, "project_uid"));
    if (a)
        resp_json(r, 200, json_incref(a));
}

void page_search(struct req *r)
{
    const char *q = req_query(r, "q"), *project = req_query(r, "project_uid");
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "q", json_string(q ? q : ""));
    json_object_set_new(ctx, "project_uid", json_string(project ? project : ""));
    if (q && *q) {
        json_t *a = search_run(r, q, project);
        if (!a)
            return;
        json_object_set_new(ctx, "searched", json_true());
        json_object_set(ctx, "results", a);
        json_object_set_new(ctx, "count", json_integer((json_int_t)json_array_size(a)));
    }
    view_render(r, 200, "search", ctx);
}
