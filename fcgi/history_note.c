/* history_note.c — the version history of notes (history.h): a snapshot is the note's row as
 * JSON (title, content — the HTML — and _version; the audit trigger writes the whole row, the
 * application {uid, title, content, _version}), drawn and sent sanitized like the note page
 * and API, compared word by word on the text (word_diff.h), restored sanitized. */
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "history.h"
#include "http.h"
#include "note_html.h"
#include "word_diff.h"
#include <string.h>

/* HISTORY_NOTE_TEXT_MAX: bytes of a note's text the comparison reads. */
#define HISTORY_NOTE_TEXT_MAX (1024u * 1024u)

static const char SQL_CURRENT[] =
    "SELECT title, coalesce(content, ''), _version, "
    "to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "jsonb_build_object('uid', uid, 'title', title, 'content', coalesce(content, ''), "
    "'_version', _version)::text "
    "FROM notes WHERE uid = $1 AND is_deleted IS NOT TRUE";
static const char SQL_RESTORE[] =
    "UPDATE notes SET title = $2, content = $3 "
    "WHERE uid = $1 AND _version = $4::int AND is_deleted IS NOT TRUE RETURNING _version";

static int current(struct req *r, const char *uid, struct history_doc *d, const char **text)
{
    PGresult *res = db_query(r, SQL_CURRENT, DB_ARGS(uid));
    if (!res)
        return HISTORY_DB;
    if (PQntuples(res) != 1)
        return HISTORY_NOT_FOUND;
    *d = (struct history_doc){db_val(res, 0, 0), db_val(res, 0, 1), strlen(db_val(res, 0, 1)),
                              db_int(res, 0, 2), db_val(res, 0, 3)};
    *text = db_val(res, 0, 4);
    return HISTORY_OK;
}

static int decode(struct req *r, const char *text, size_t len, struct history_doc *d)
{
    json_t *row = json_loadb(text, len, 0, NULL);
    const json_t *title = json_object_get(row, "title"), *content = json_object_get(row, "content");
    int ok = json_is_string(title) && (json_is_string(content) || json_is_null(content) || !content);
    memset(d, 0, sizeof *d);
    if (ok) {
        d->title = arena_strdup(r->arena, json_string_value(title));
        d->body = json_is_string(content)
            ? arena_strndup(r->arena, json_string_value(content), json_string_length(content)) : "";
        d->body_len = strlen(d->body);
    }
    json_decref(row);
    return ok ? HISTORY_OK : HISTORY_INVALID;
}

static const char *doc_json(struct req *r, const char *uid, const struct history_doc *d)
{
    struct buf *clean = buf_arena(r->arena);
    note_html_sanitize(r->arena, d->body, d->body_len, clean);
    json_t *j = json_pack("{s:s, s:s, s:s%, s:I, s:s}", "uid", uid, "title", d->title, "content",
                          buf_cstr(clean), clean->len, "_version", (json_int_t)d->version,
                          "updated_at", d->updated_at ? d->updated_at : "");
    char *s = json_dumps(j, JSON_COMPACT);
    const char *out = arena_strdup(r->arena, s ? s : "{}");
    free(s);
    json_decref(j);
    return out;
}

static void render(struct req *r, const struct history_doc *d, struct buf *out)
{
    note_html_view(r->arena, d->body, d->body_len, out, NULL);
}

/* text_of: the note's words, one line per block. */
static const char *text_of(struct req *r, const struct history_doc *d)
{
    struct note_html_info info = {.text_max = HISTORY_NOTE_TEXT_MAX};
    note_html_view(r->arena, d->body, d->body_len, buf_arena(r->arena), &info);
    return info.text ? info.text : "";
}

static json_t *compare(struct req *r, const struct history_doc *a, const struct history_doc *b)
{
    static const char *const kinds[] = {"same", "added", "removed"};
    const char *ta = text_of(r, a), *tb = text_of(r, b);
    struct word_diff wd;
    word_diff(r->arena, ta, strlen(ta), tb, strlen(tb), &wd);
    json_t *runs = json_array();
    for (size_t i = 0; i < wd.nruns; i++)
        json_array_append_new(runs, json_pack("{s:s, s:s}", "op", kinds[wd.runs[i].kind],
                                              "text", wd.runs[i].text));
    return json_pack("{s:o, s:I, s:I, s:b, s:b}", "words", runs, "added", (json_int_t)wd.added,
                     "removed", (json_int_t)wd.removed, "coarse", wd.coarse,
                     "truncated", wd.truncated);
}

static int restore(struct req *r, const char *uid, const struct history_doc *d, long long base,
                   struct buf *err)
{
    (void)err;
    struct buf *clean = buf_arena(r->arena);
    note_html_sanitize(r->arena, d->body, d->body_len, clean);
    PGresult *res = db_query(r, SQL_RESTORE, DB_ARGS(uid, d->title, buf_cstr(clean),
                                                     arena_printf(r->arena, "%lld", base)));
    if (!res)
        return HISTORY_DB;
    return PQntuples(res) == 1 ? HISTORY_OK : HISTORY_CONFLICT;
}

const struct history_ops history_note = {current, decode, doc_json, render, compare, restore};
