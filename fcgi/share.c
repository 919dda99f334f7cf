/* share.c — share links: token shape, typed expiry times, and a file's link state switched
 * on, off or to a new token (see share.h).  The statements are derived from the file-kind
 * registry, one per kind; row-level security limits them to the signed-in user's files. */
#include "share.h"
#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

int share_token_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n != SHARE_TOKEN_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
              c == '_'))
            return 0;
    }
    return 1;
}

/* digits: n decimal digits at *p into *out, advancing *p; 0 or -1. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* expect: the character c at *p, advancing; 0 or -1. */
static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

/* date_time_separator: 'T', 't' or a space at *p, advancing; 0 or -1. */
static int date_time_separator(const char **p)
{
    return expect(p, 'T') && expect(p, 't') && expect(p, ' ') ? -1 : 0;
}

/* zone_offset: "Z", "±HH:MM" or "±HHMM" at p, the whole rest of the text, into seconds
 * east of UTC; 0 or -1. */
static int zone_offset(const char *p, long *off)
{
    if ((p[0] == 'Z' || p[0] == 'z') && p[1] == '\0') {
        *off = 0;
        return 0;
    }
    int sign = p[0] == '+' ? 1 : p[0] == '-' ? -1 : 0, hh, mm;
    if (!sign)
        return -1;
    p++;
    if (digits(&p, 2, &hh))
        return -1;
    if (*p == ':')
        p++;
    if (digits(&p, 2, &mm) || *p || hh > 14 || mm > 59)
        return -1;
    *off = sign * (hh * 3600L + mm * 60L);
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

int share_time_parse(const char *s, double *epoch)
{
    const char *p = s;
    int y, mo, d, h, mi, sec = 0;
    long off;
    if (!p || digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
        digits(&p, 2, &d) || date_time_separator(&p) || digits(&p, 2, &h) ||
        expect(&p, ':') || digits(&p, 2, &mi))
        return -1;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec))
            return -1;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    if (zone_offset(p, &off) || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || sec > 59)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi,
                    .tm_sec = sec};
    *epoch = (double)timegm(&tm) - (double)off;
    return 0;
}

/* One statement per kind.  $1 uid, $2 public, $3 expiry (epoch seconds or NULL), $4
 * regenerate, $5 a fresh token (used when the link needs one).  Only live files in a live
 * project (or none); RLS adds "the user's own". */
#define SHARE_SET_SQL(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                              \
    "UPDATE " #TABLE " f SET is_public = $2::boolean, "                                            \
    "share_token = CASE WHEN NOT $2::boolean THEN NULL "                                           \
    "WHEN $4::boolean OR f.share_token IS NULL THEN $5 ELSE f.share_token END, "                   \
    "expiry_date = to_timestamp($3::double precision) AT TIME ZONE 'UTC', "                        \
    "published_at = CASE WHEN NOT $2::boolean THEN NULL "                                          \
    "WHEN f.is_public IS TRUE AND f.published_at IS NOT NULL THEN f.published_at ELSE now() END "  \
    "WHERE f.uid = $1 AND f.is_deleted IS NOT TRUE AND (f.project_id IS NULL OR f.project_id IN "  \
    "(SELECT p.id FROM projects p WHERE p.is_deleted IS NOT TRUE)) "                               \
    "RETURNING " SHARE_STATE_SQL(f),
#define SHARE_GET_SQL(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                              \
    "SELECT " SHARE_STATE_SQL(f) " FROM " #TABLE " f "                                            \
    "WHERE f.uid = $1 AND f.is_deleted IS NOT TRUE AND (f.project_id IS NULL OR f.project_id IN "  \
    "(SELECT p.id FROM projects p WHERE p.is_deleted IS NOT TRUE))",

static const char *const sql_set[FILE_KIND_COUNT] = {FILE_KINDS(SHARE_SET_SQL, )};
static const char *const sql_get[FILE_KIND_COUNT] = {FILE_KINDS(SHARE_GET_SQL, )};

void share_state_read(struct req *r, const PGresult *res, int row, int col, struct share_state *st)
{
    st->is_public = db_bool(res, row, col);
    st->token = db_isnull(res, row, col + 1) ? NULL : arena_strdup(r->arena, db_val(res, row, col + 1));
    st->has_expiry = !db_isnull(res, row, col + 2);
    st->expiry = st->has_expiry ? strtod(db_val(res, row, col + 2), NULL) : 0;
    st->expired = db_bool(res, row, col + 3);
}

/* state_from: the one row of a SHARE_STATE_SQL statement into *st; 0 or NOT_FOUND. */
static int state_from(struct req *r, PGresult *res, struct share_state *st)
{
    if (!res)
        return SHARE_SET_DB;
    if (PQntuples(res) != 1)
        return SHARE_SET_NOT_FOUND;
    share_state_read(r, res, 0, 0, st);
    return 0;
}

int share_set(struct req *r, const struct file_kind *fk, const char *uid, int is_public,
              const double *expiry, int regenerate, struct share_state *out)
{
    const char *when = expiry ? arena_printf(r->arena, "%.0f", *expiry) : NULL;
    PGresult *res = db_query(r, sql_set[fk - file_kinds], DB_ARGS(uid, is_public ? "true" : "false",
                             when, regenerate ? "true" : "false", auth_new_token(r->arena)));
    return state_from(r, res, out);
}

int share_get(struct req *r, const struct file_kind *fk, const char *uid, struct share_state *out)
{
    return state_from(r, db_query(r, sql_get[fk - file_kinds], DB_ARGS(uid)), out);
}

/* offered: the kind's renderer gives format f. */
static int offered(struct req *r, const struct file_kind *fk, enum share_format f)
{
    return fk->publish && fk->publish(r, NULL, f, NULL) == 0;
}

/* base_url: CARD_BASE_URL without its trailing slashes. */
static const char *base_url(struct req *r)
{
    const char *b = g_app.cfg.base_url ? g_app.cfg.base_url : "";
    size_t n = strlen(b);
    while (n && b[n - 1] == '/')
        n--;
    return arena_strndup(r->arena, b, n);
}

json_t *share_state_json(struct req *r, const struct file_kind *fk, const char *uid,
                         const struct share_state *st)
{
    const char *link = st->is_public && st->token
        ? arena_printf(r->arena, "%s/s/%s", base_url(r), st->token) : NULL;
    json_t *j = json_pack("{s:s, s:s, s:b, s:b, s:s, s:s}", "uid", uid, "kind", fk->kind,
        "is_public", st->is_public, "expired", st->expired,
        "api_url", arena_printf(r->arena, "/api%s%s/share", fk->url_prefix, uid),
        "form_url", arena_printf(r->arena, "%s%s/share", fk->url_prefix, uid));
    json_object_set_new(j, "share_url", link ? json_string(link) : json_null());
    json_object_set_new(j, "expiry_date", st->has_expiry ? json_string(view_iso(r->arena, st->expiry))
                                                         : json_null());
    static const struct { const char *key, *ext; enum share_format f; } formats[] = {
        {"svg_url", ".svg", SHARE_SVG}, {"sql_url", ".sql", SHARE_SQL}, {"md_url", ".md", SHARE_MD},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        json_object_set_new(j, formats[i].key, link && offered(r, fk, formats[i].f)
            ? json_string(arena_printf(r->arena, "%s%s", link, formats[i].ext)) : json_null());
    json_object_set_new(j, "embed_html", link ? json_string(arena_printf(r->arena,
        "<iframe src=\"%s?embed=1\" width=\"800\" height=\"600\" title=\"%s\" loading=\"lazy\" "
        "style=\"border:0\"></iframe>", link, fk->label)) : json_null());
    return j;
}
