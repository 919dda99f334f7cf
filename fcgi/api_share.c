/* api_share.c — the share dialog's JSON API: POST /api/<kind>s/:uid/share with
 * {"is_public": bool, "expiry_date": ISO-8601 with a zone | null, "regenerate": bool} →
 * 200 {"is_public", "share_url", "expiry_date", …} (share_state_json).  Another user's file
 * (or none) → 404; a bad body or date → 422.  Routes for every kind come from files.h. */
#include "arena.h"
#include "files.h"
#include "handlers.h"
#include "http.h"
#include "share.h"
#include "view.h"
#include <string.h>

/* kind_of: the kind named by /api/<table>/… */
static const struct file_kind *kind_of(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 ? file_kind_by_path(path + 4) : NULL;
}

void api_share_update(struct req *r)
{
    const struct file_kind *fk = kind_of(r->path);
    const char *uid = r->params[0];
    if (!fk || !uid_valid(uid)) {
        resp_json_error(r, 404, "not_found", "There is no such file.");
        return;
    }
    json_error_t jerr;
    json_t *body = view_keep(r, json_loadb(r->body, r->body_len, 0, &jerr));
    json_t *pub = body ? json_object_get(body, "is_public") : NULL;
    json_t *exp = body ? json_object_get(body, "expiry_date") : NULL;
    json_t *regen = body ? json_object_get(body, "regenerate") : NULL;
    double expiry;
    if (!json_is_object(body) || !json_is_boolean(pub) || (regen && !json_is_boolean(regen))) {
        resp_json_error(r, 422, "invalid", "Send {\"is_public\": true|false, \"expiry_date\": "
                        "\"2026-12-31T23:59:00Z\"|null, \"regenerate\": true|false}.");
        return;
    }
    if (exp && !json_is_null(exp) &&
        (!json_is_string(exp) || share_time_parse(json_string_value(exp), &expiry) != 0)) {
        resp_json_error(r, 422, "invalid_date", "expiry_date must be an ISO-8601 time with a zone "
                        "(e.g. 2026-12-31T23:59:00Z) or null.");
        return;
    }
    struct share_state st;
    int rc = share_set(r, fk, uid, json_is_true(pub), exp && json_is_string(exp) ? &expiry : NULL,
                       regen && json_is_true(regen), &st);
    if (rc == SHARE_SET_NOT_FOUND)
        resp_json_error(r, 404, "not_found", "There is no such file.");
    else if (rc != 0)
        page_db_error(r);
    else
        resp_json(r, 200, share_state_json(r, fk, uid, &st));
}
