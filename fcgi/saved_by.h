/* saved_by.h — who saved a file last (issue 12, sql/029): the file tables' updated_by column,
 * named through card_user_label (NULL when unknown: another writer, a deleted user, someone the
 * viewer shares no organization with), shown on every editor page as "Saved by Ana 2 minutes
 * ago" (templates/partials/saved_by.mustache) and returned by the file APIs as updated_by_name. */
#ifndef CARD_SAVED_BY_H
#define CARD_SAVED_BY_H
#include <jansson.h>
struct req;
struct buf;

/* SAVED_BY_SQL(alias): the select-list expression of the last saver's name (NULL: unknown) for
 * the file row alias ("f", or "" for a bare table). */
#define SAVED_BY_SQL(alias) "card_user_label(" alias "updated_by)"

/* saved_by_ctx: the partial's context {saved_by_name (absent when unknown:
 * mustache would otherwise find an outer name), saved_iso, saved_human} for a file saved
 * at epoch seconds by name (NULL or "": unknown). */
json_t *saved_by_ctx(struct req *r, const char *name, double epoch);

/* saved_by_set: obj.updated_by_name = name, or null when name is NULL or "". */
void saved_by_set(json_t *obj, const char *name);

/* saved_by_append: ,"updated_by_name":<name or null> appended to a JSON object being written. */
void saved_by_append(struct buf *out, const char *name);
/* saved_by_load: the last saver's name ("" when unknown or no such row) and the save time (epoch
 * seconds) of the file uid in table (diagrams, notes, drawings or flowcharts); 0, or -1 when the
 * query failed or the table is not a file table. */
int saved_by_load(struct req *r, const char *table, const char *uid, const char **name,
                  double *epoch);
#endif
