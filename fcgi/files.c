/* files.c — the file-kind registry's table: one row of constant SQL per kind, derived from
 * FILE_KINDS (see files.h).  No statement filters on the owner: row-level security decides
 * which files a transaction sees. */
#include "files.h"
#include "arena.h"
#include "handlers.h"
#include "flow_store.h"
#include "share.h"
#include "svg_cache.h"
#include <jansson.h>
#include <string.h>
#include <strings.h>

#define FILE_KIND_ROW(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB) {                          \
    #KIND, LABEL, PLURAL, #TABLE, "/" #TABLE "/", SHOW, THUMB,                                     \
    "INSERT INTO " #TABLE " (uid, " #TITLE ", user_id, project_id) "                               \
    "VALUES (gen_random_uuid()::text, $1, $2, $3) RETURNING uid",                                   \
    "SELECT f.uid, f." #TITLE ", extract(epoch from f.updated_at), p.uid, p.name, "                 \
    "coalesce(f._version, 0) "                                                                     \
    "FROM " #TABLE " f LEFT JOIN projects p ON p.id = f.project_id "                               \
    "WHERE f.uid = $1 AND f.is_deleted IS NOT TRUE AND (p.id IS NULL OR p.is_deleted IS NOT TRUE)", \
    "UPDATE " #TABLE " SET is_deleted = true, deleted_at = now() "                                 \
    "WHERE uid = $1 AND is_deleted IS NOT TRUE RETURNING uid",                                     \
    "UPDATE " #TABLE " SET is_deleted = false, deleted_at = NULL "                                 \
    "WHERE uid = $1 AND is_deleted IS TRUE RETURNING uid",                                         \
    "DELETE FROM " #TABLE " WHERE uid = $1 AND is_deleted IS TRUE RETURNING uid",                  \
    "UPDATE " #TABLE " SET " #TITLE " = $2 WHERE uid = $1 AND is_deleted IS NOT TRUE RETURNING uid", \
    "DELETE FROM " #TABLE " WHERE project_id = "                                                   \
    "(SELECT id FROM projects WHERE uid = $1 AND is_deleted IS TRUE)",                             \
    /* "owns", not "may see": an account's deletion takes what it owns, whoever else can see */  \
    "DELETE FROM " #TABLE " WHERE user_id = $1",                                                   \
    FILE_PUBLIC_##KIND,                                                                            \
},

const struct file_kind file_kinds[FILE_KIND_COUNT] = {FILE_KINDS(FILE_KIND_ROW, )};

const struct file_kind *file_kind_by_name(const char *name)
{
    for (int i = 0; name && i < FILE_KIND_COUNT; i++)
        if (strcmp(file_kinds[i].kind, name) == 0)
            return &file_kinds[i];
    return NULL;
}

const struct file_kind *file_kind_by_path(const char *path)
{
    for (int i = 0; path && i < FILE_KIND_COUNT; i++)
        if (strncmp(path, file_kinds[i].url_prefix, strlen(file_kinds[i].url_prefix)) == 0)
            return &file_kinds[i];
    return NULL;
}

const char *file_thumb_url(struct arena *a, const struct file_kind *fk, const char *uid,
                           const char *version)
{
    return fk->thumb ? arena_printf(a, "%s%s/thumb.svg?v=%s", fk->url_prefix, uid, version) : NULL;
}

const char *file_download_name(struct arena *a, const char *name, const char *fallback)
{
    enum { MAX = 100 };
    char *out = arena_alloc(a, MAX + 1);
    size_t n = 0;
    for (const char *p = name ? name : ""; *p && n < MAX; p++) {
        char c = *p;
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        if (!ok)
            c = '_';
        if ((c == '_' && n && out[n - 1] == '_') || ((c == '.' || c == '_') && n == 0))
            continue;
        out[n++] = c;
    }
    while (n && (out[n - 1] == '_' || out[n - 1] == '.'))
        n--;
    out[n] = '\0';
    return n ? out : fallback;
}

json_t *file_kinds_json(const char *selected)
{
    const struct file_kind *sel = file_kind_by_name(selected);
    json_t *a = json_array();
    for (int k = 0; k < FILE_KIND_COUNT; k++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "kind", file_kinds[k].kind, "label",
            file_kinds[k].label, "selected", sel ? sel == &file_kinds[k] : k == 0));
    return a;
}

int uid_valid(const char *uid)
{
    size_t n = uid ? strlen(uid) : 0;
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = uid[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
              c == '_'))
            return 0;
    }
    return 1;
}

static const struct { const char *value, *name, *cls; } palette[] = {
    {PALETTE_DEFAULT, "Indigo", "swatch-indigo"}, {"#8b5cf6", "Violet", "swatch-violet"},
    {"#ec4899", "Pink", "swatch-pink"},     {"#f43f5e", "Rose", "swatch-rose"},
    {"#f59e0b", "Amber", "swatch-amber"},   {"#10b981", "Emerald", "swatch-emerald"},
    {"#06b6d4", "Cyan", "swatch-cyan"},     {"#64748b", "Slate", "swatch-slate"},
};
#define PALETTE_N (sizeof palette / sizeof palette[0])

const char *palette_color(size_t i)
{
    return palette[i % PALETTE_N].value;
}

const char *palette_class(const char *color)
{
    for (size_t i = 0; color && i < PALETTE_N; i++)
        if (strcasecmp(palette[i].value, color) == 0)
            return palette[i].cls;
    return palette[0].cls;
}

int palette_valid(const char *color)
{
    for (size_t i = 0; color && i < PALETTE_N; i++)
        if (strcasecmp(palette[i].value, color) == 0)
            return 1;
    return 0;
}

const char *palette_at(unsigned long i)
{
    return palette[i % PALETTE_N].value;
}

json_t *palette_json(const char *current)
{
    json_t *a = json_array();
    int any = palette_valid(current);
    for (size_t i = 0; i < PALETTE_N; i++) {
        int sel = any ? strcasecmp(palette[i].value, current) == 0 : i == 0;
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b}", "value", palette[i].value, "name",
                                           palette[i].name, "class", palette[i].cls, "selected", sel));
    }
    return a;
}
