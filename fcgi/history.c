/* history.c — the version history's core (history.h): the table of kinds that have a
 * history, finding a request's file, listing, loading, writing and restoring snapshots in
 * entity_changes, and the by-id comparison of JSON item arrays.  Row-level security decides
 * what is visible: another user's file is simply not found. */
#include "history.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

/* history_kinds: the kinds with a history, one line each. */
static const struct history_ops *const history_kinds[FILE_KIND_COUNT] = {
    [FILE_KIND_diagram] = &history_diagram,
    [FILE_KIND_note] = &history_note,
    [FILE_KIND_flowchart] = &history_flowchart,
    [FILE_KIND_drawing] = &history_drawing,
};

const struct history_ops *history_ops_of(const struct file_kind *fk)
{
    return fk ? history_kinds[fk - file_kinds] : NULL;
}

/* The file's id and version, by uid: live, and not in a deleted project (registry-derived). */
#define HISTORY_FILE_SQL(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                           \
    [FILE_KIND_##KIND] = "SELECT f.id::text, coalesce(f._version, 0) FROM " #TABLE " f "           \
    "LEFT JOIN projects p ON p.id = f.project_id WHERE f.uid = $1 AND f.is_deleted IS NOT TRUE "  \
    "AND (p.id IS NULL OR p.is_deleted IS NOT TRUE)",
static const char *const sql_file[FILE_KIND_COUNT] = {FILE_KINDS(HISTORY_FILE_SQL, )};

#define ISO(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static const char SQL_LIST[] =
    "SELECT e.id, e.version, " ISO("e.created_at") ", coalesce(card_user_label(e.user_id), ''), e.name, "
    "coalesce(e.change_type, 'update'), octet_length(e.changes), "
    "octet_length(e.changes) - lag(octet_length(e.changes)) OVER (ORDER BY e.id), "
    "e.is_named IS TRUE "
    "FROM entity_changes e "
    "WHERE e.entity_type = $1 AND e.entity_id = $2 ORDER BY e.id DESC LIMIT 500";
static const char SQL_VERSION[] =
    "SELECT e.changes, e.version, " ISO("e.created_at") ", e.name FROM entity_changes e "
    "WHERE e.id = $1::int AND e.entity_type = $2 AND e.entity_id = $3";
static const char SQL_INSERT[] =
    "INSERT INTO entity_changes (entity_type, entity_id, version, user_id, changes, change_type, "
    "name, is_named) VALUES ($1, $2, $3::int, NULLIF(current_setting('app.user_id', true), ''), "
    "$4, $5, $6, $7::boolean) RETURNING id";
/* A diagram's update snapshot is due unless its latest snapshot is under 5 minutes old and by
 * the same author (sql/029: another member's save gets its own snapshot). */
static const char SQL_DUE[] =
    "SELECT NOT EXISTS (SELECT 1 FROM (SELECT created_at, user_id FROM entity_changes "
    "WHERE entity_type = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 1) l "
    "WHERE l.created_at > now() - interval '5 minutes' "
    "AND l.user_id IS NOT DISTINCT FROM NULLIF(current_setting('app.user_id', true), ''))";

/* file_find: fill f->id and f->version for f->fk, f->uid. */
static int file_find(struct req *r, struct history_file *f)
{
    if (!f->ops || !uid_valid(f->uid))
        return HISTORY_NOT_FOUND;
    PGresult *res = db_query(r, sql_file[f->fk - file_kinds], DB_ARGS(f->uid));
    if (!res)
        return HISTORY_DB;
    if (PQntuples(res) != 1)
        return HISTORY_NOT_FOUND;
    f->id = db_val(res, 0, 0);
    f->version = db_int(res, 0, 1);
    return HISTORY_OK;
}

int history_file_open(struct req *r, struct history_file *f)
{
    const char *path = r->path ? r->path : "";
    if (strncmp(path, "/api/", 5) == 0)
        path += 4;
    memset(f, 0, sizeof *f);
    f->fk = file_kind_by_path(path);
    f->ops = history_ops_of(f->fk);
    f->uid = r->nparams > 0 ? r->params[0] : NULL;
    return file_find(r, f);
}

PGresult *history_list(struct req *r, const struct history_file *f)
{
    return db_query(r, SQL_LIST, DB_ARGS(f->fk->table, f->id));
}

/* version_id: which as a snapshot id (1..INT_MAX), or NULL. */
static const char *version_id(const char *which)
{
    char *end = NULL;
    long long v = which && *which >= '1' && *which <= '9' ? strtoll(which, &end, 10) : 0;
    return v > 0 && v <= 2147483647 && end && !*end ? which : NULL;
}

int history_load(struct req *r, const struct history_file *f, const char *which,
                 struct history_doc *d, const char **snapshot_name)
{
    const char *text, *id = version_id(which);
    memset(d, 0, sizeof *d);
    *snapshot_name = NULL;
    if (which && strcmp(which, "current") == 0)
        return f->ops->current(r, f->uid, d, &text);
    if (!id)
        return HISTORY_NOT_FOUND;
    PGresult *res = db_query(r, SQL_VERSION, DB_ARGS(id, f->fk->table, f->id));
    if (!res)
        return HISTORY_DB;
    if (PQntuples(res) != 1)
        return HISTORY_NOT_FOUND;
    text = db_val(res, 0, 0);
    if (f->ops->decode(r, text, strlen(text), d) != HISTORY_OK)
        return HISTORY_NOT_FOUND;
    d->version = db_int(res, 0, 1);
    d->updated_at = db_val(res, 0, 2);
    *snapshot_name = db_isnull(res, 0, 3) ? NULL : db_val(res, 0, 3);
    return HISTORY_OK;
}

int history_snapshot(struct req *r, const struct file_kind *fk, const char *uid,
                     const char *change_type, const char *name, int named, long long *id)
{
    struct history_file f = {.fk = fk, .ops = history_ops_of(fk), .uid = uid};
    struct history_doc d;
    const char *text;
    int rc = file_find(r, &f);
    if (rc == HISTORY_OK)
        rc = f.ops->current(r, uid, &d, &text);
    if (rc != HISTORY_OK)
        return rc;
    PGresult *res = db_query(r, SQL_INSERT, DB_ARGS(fk->table, f.id,
        arena_printf(r->arena, "%lld", d.version), text, change_type, name, named ? "t" : "f"));
    if (!res || PQntuples(res) != 1)
        return HISTORY_DB;
    if (id)
        *id = db_int(res, 0, 0);
    return HISTORY_OK;
}

int history_after_save(struct req *r, const struct file_kind *fk, const char *uid)
{
    struct history_file f = {.fk = fk, .ops = history_ops_of(fk), .uid = uid};
    int rc = file_find(r, &f);
    if (rc != HISTORY_OK)
        return rc;
    PGresult *due = db_query(r, SQL_DUE, DB_ARGS(fk->table, f.id));
    if (!due)
        return HISTORY_DB;
    return db_bool(due, 0, 0) ? history_snapshot(r, fk, uid, "update", NULL, 0, NULL) : HISTORY_OK;
}

int history_restore(struct req *r, const struct history_file *f, const char *which,
                    struct history_doc *now, struct buf *err)
{
    struct history_doc old;
    const char *name, *text;
    int rc = history_load(r, f, which, &old, &name);
    if (rc == HISTORY_OK)
        rc = history_snapshot(r, f->fk, f->uid, "before_restore", NULL, 0, NULL);
    if (rc == HISTORY_OK)
        rc = f->ops->restore(r, f->uid, &old, f->version, err);
    if (rc == HISTORY_OK)
        rc = f->ops->current(r, f->uid, now, &text);
    return rc;
}

int history_name_valid(struct req *r, const char *name, const char **out)
{
    const char *t = name ? arena_strtrim(r->arena, name) : NULL;
    *out = t && *t ? t : NULL;
    return t && strlen(t) > FILE_NAME_MAX ? -1 : 0;
}

/* ---- comparing item arrays by id ----------------------------------------------------------- */

/* item_label: member key of item, or of item.data. */
static const char *item_label(const json_t *item, const char *key)
{
    const json_t *l = json_object_get(item, key);
    if (!json_is_string(l))
        l = json_object_get(json_object_get(item, "data"), key);
    return json_is_string(l) ? json_string_value(l) : "";
}

/* by_id: {id: item} of the items of array a that have a string id. */
static json_t *by_id(const json_t *a)
{
    json_t *m = json_object(), *item;
    size_t i;
    json_array_foreach(a, i, item) {
        const json_t *id = json_object_get(item, "id");
        if (json_is_object(item) && json_is_string(id))
            json_object_set(m, json_string_value(id), item);
    }
    return m;
}

/* changed_members: names of the members that differ between items x and y. */
static json_t *changed_members(const json_t *x, const json_t *y)
{
    json_t *what = json_array(), *v;
    const char *k;
    json_object_foreach((json_t *)x, k, v)
        if (!json_equal(v, json_object_get(y, k)))
            json_array_append_new(what, json_string(k));
    json_object_foreach((json_t *)y, k, v)
        if (!json_object_get(x, k))
            json_array_append_new(what, json_string(k));
    return what;
}

static json_t *item_entry(const char *id, const json_t *item, const char *label_key)
{
    return json_pack("{s:s, s:s}", "id", id, "label", item_label(item, label_key));
}

json_t *history_items_diff(const json_t *from, const json_t *to, const char *label_key)
{
    json_t *a = by_id(from), *b = by_id(to), *item;
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    const char *id;
    json_object_foreach(b, id, item) {
        const json_t *old = json_object_get(a, id);
        if (!old)
            json_array_append_new(added, item_entry(id, item, label_key));
        else if (!json_equal(old, item)) {
            json_t *e = item_entry(id, item, label_key);
            json_object_set_new(e, "what", changed_members(old, item));
            json_array_append_new(changed, e);
        }
    }
    json_object_foreach(a, id, item)
        if (!json_object_get(b, id))
            json_array_append_new(removed, item_entry(id, item, label_key));
    json_decref(a);
    json_decref(b);
    return json_pack("{s:o, s:o, s:o}", "added", added, "removed", removed, "changed", changed);
}
