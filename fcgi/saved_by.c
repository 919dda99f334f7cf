/* saved_by.c — the "Saved by" label's context and the updated_by_name member of the file APIs
 * (see saved_by.h). */
#include "saved_by.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

json_t *saved_by_ctx(struct req *r, const char *name, double epoch)
{
    json_t *j = json_pack("{s:s, s:s}", "saved_iso", view_iso(r->arena, epoch),
                          "saved_human", view_ago(r->arena, epoch));
    if (name && *name)
        json_object_set_new(j, "saved_by_name", json_string(name));
    return j;
}

void saved_by_set(json_t *obj, const char *name)
{
    json_object_set_new(obj, "updated_by_name", name && *name ? json_string(name) : json_null());
}

void saved_by_append(struct buf *out, const char *name)
{
    buf_puts(out, ",\"updated_by_name\":");
    json_t *j = name && *name ? json_string(name) : NULL;
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    buf_puts(out, t ? t : "null");
    free(t);
    json_decref(j);
}

/* One query per file table (the table name is never request input). */
#define SAVED_BY_ROW(table) "SELECT " SAVED_BY_SQL("") ", extract(epoch FROM updated_at) FROM " \
    table " WHERE uid = $1"
static const struct { const char *table, *sql; } row_sql[] = {
    {"diagrams", SAVED_BY_ROW("diagrams")},
    {"notes", SAVED_BY_ROW("notes")},
    {"drawings", SAVED_BY_ROW("drawings")},
    {"flowcharts", SAVED_BY_ROW("flowcharts")},
};

int saved_by_load(struct req *r, const char *table, const char *uid, const char **name,
                  double *epoch)
{
    for (size_t i = 0; i < sizeof row_sql / sizeof row_sql[0]; i++) {
        if (strcmp(row_sql[i].table, table) != 0)
            continue;
        PGresult *res = db_query(r, row_sql[i].sql, DB_ARGS(uid));
        if (!res)
            return -1;
        *name = PQntuples(res) == 1 ? db_val(res, 0, 0) : "";
        *epoch = PQntuples(res) == 1 ? strtod(db_val(res, 0, 1), NULL) : 0;
        return 0;
    }
    return -1;
}
