/* history.h — version history of every file kind: snapshots in entity_changes (see
 * sql/017_history.sql for who writes them when), read back, drawn, compared and restored.
 *
 * Each kind plugs in with one line of history_kinds[] (history.c): a struct history_ops of
 * five functions over one decoded state, struct history_doc.  Routes (routes.c) are derived
 * from the file-kind registry for every kind; a kind without ops answers 404 there. */
#ifndef CARD_HISTORY_H
#define CARD_HISTORY_H
#include "files.h"
#include <jansson.h>
#include <stddef.h>
struct buf;
struct req;

enum {
    HISTORY_OK = 0,
    HISTORY_NOT_FOUND = -1,   /* no such live file (or version) this user may see */
    HISTORY_CONFLICT = -2,    /* the file changed meanwhile */
    HISTORY_INVALID = -3,     /* the snapshot cannot be stored again (message in err) */
    HISTORY_DB = -4,          /* a database error (answer page_db_error) */
};

/* One state of a file: the current one or a snapshot, decoded. */
struct history_doc {
    const char *title;
    const char *body;         /* diagram: model JSON; note: HTML; flowchart, drawing: data JSON */
    size_t body_len;
    long long version;        /* the file's _version in that state */
    const char *updated_at;   /* ISO 8601 UTC: when it was saved (snapshot: taken) */
};

struct history_ops {
    /* current: the stored file uid now, into *d, and *text its snapshot text (what a
     * snapshot row's `changes` holds).  HISTORY_OK, _NOT_FOUND or _DB. */
    int (*current)(struct req *r, const char *uid, struct history_doc *d, const char **text);
    /* decode: a snapshot's text (from any writer: the trigger's row JSON too) into *d
     * (version and updated_at are the caller's).  HISTORY_OK or HISTORY_INVALID. */
    int (*decode)(struct req *r, const char *text, size_t len, struct history_doc *d);
    /* doc_json: d in the shape GET /api/<kind>s/<uid> answers (JSON text, arena). */
    const char *(*doc_json)(struct req *r, const char *uid, const struct history_doc *d);
    /* render: append d drawn read-only (inline SVG, or sanitized HTML) to out. */
    void (*render)(struct req *r, const struct history_doc *d, struct buf *out);
    /* compare: what changed from a to b, a new JSON object for the API and the page. */
    json_t *(*compare)(struct req *r, const struct history_doc *a, const struct history_doc *b);
    /* restore: store d as uid's content over version base (the _version trigger gives the
     * new one).  HISTORY_OK, _CONFLICT, _NOT_FOUND, _INVALID (err says why) or _DB. */
    int (*restore)(struct req *r, const char *uid, const struct history_doc *d, long long base,
                   struct buf *err);
};

extern const struct history_ops history_diagram, history_note, history_flowchart, history_drawing;

/* history_ops_of: the ops of kind fk, or NULL when the kind has no history yet. */
const struct history_ops *history_ops_of(const struct file_kind *fk);

/* history_snapshot: write a snapshot of file uid of kind fk as it is now, whatever the
 * throttle: change_type ("version", "before_restore", "before_import"), name (NULL: none),
 * named (kept by the retention purge).  Its id in *id when id is not NULL.
 * HISTORY_OK, HISTORY_NOT_FOUND or HISTORY_DB. */
int history_snapshot(struct req *r, const struct file_kind *fk, const char *uid,
                     const char *change_type, const char *name, int named, long long *id);

/* history_after_save: the throttled snapshot the application writes itself after a save of
 * a kind whose trigger cannot (diagrams): one when the file's last snapshot is older than 5
 * minutes.  HISTORY_OK (also when none was due) or a negative code. */
int history_after_save(struct req *r, const struct file_kind *fk, const char *uid);

/* history_items_diff: compare two JSON arrays of objects by their "id" member: a new object
 * {"added":[{id, label}], "removed":[…], "changed":[{id, label, what:[member names]}]}, label
 * from member label_key (or data.label_key) when it is a string.  Items without a string id
 * are left out.  For flowchart nodes and edges, drawing elements. */
json_t *history_items_diff(const json_t *from, const json_t *to, const char *label_key);

/* ---- for the history handlers (api_history.c, page_history.c) ---------------------------- */

/* A file whose history a request reads: its kind (from the path), ops, uid and row id. */
struct history_file {
    const struct file_kind *fk;
    const struct history_ops *ops;
    const char *uid;
    const char *id;           /* the file's id as text (entity_changes.entity_id) */
    long long version;        /* its _version now */
};

/* history_file_open: the file named by the request path (/api/<table>/:uid/… or
 * /<table>/:uid/…).  HISTORY_OK, HISTORY_NOT_FOUND (no such kind with history, bad uid, not
 * visible) or HISTORY_DB. */
int history_file_open(struct req *r, struct history_file *f);

/* history_list: the file's snapshots newest first (at most HISTORY_LIST_MAX): columns id,
 * version, created_at (ISO), user name, name, change_type, size (bytes), size change from
 * the snapshot before (NULL for the first), named.  NULL after a database error. */
#define HISTORY_LIST_MAX 500
typedef struct pg_result PGresult;
PGresult *history_list(struct req *r, const struct history_file *f);

/* history_load: state `which` of the file — "current" or a snapshot id — decoded into *d;
 * *snapshot_name its name (NULL: none, or current).  HISTORY_OK, _NOT_FOUND (no such
 * snapshot of this file, or one that cannot be read), _DB. */
int history_load(struct req *r, const struct history_file *f, const char *which,
                 struct history_doc *d, const char **snapshot_name);

/* history_restore: snapshot the current state (before_restore), then store snapshot `which`
 * as the file's new content; *now gets the restored state as stored (new _version).
 * HISTORY_OK or a negative code (err says why for HISTORY_INVALID). */
int history_restore(struct req *r, const struct history_file *f, const char *which,
                    struct history_doc *now, struct buf *err);

/* history_name_valid: a version name from the user: NULL/empty (none) or up to 200 bytes
 * after trimming; the trimmed name in *out (NULL for none).  0, or -1 when too long. */
int history_name_valid(struct req *r, const char *name, const char **out);

/* history_versions_json (api_history.c): history_list's rows as [{version, file_version,
 * created_at, user_name, name, change_type, size, size_change, named}]. */
json_t *history_versions_json(PGresult *res);
/* history_compare_json (api_history.c): states from and to ("current" or a snapshot id) of f
 * compared — the kind's comparison plus {from, to, title: {from, to} when it changed},
 * owned by the arena — with the two states in *a and *b; NULL after answering 404/422/5xx
 * (page_error: JSON for the API, a page otherwise). */
json_t *history_compare_json(struct req *r, const struct history_file *f, const char *from,
                             const char *to, struct history_doc *a, struct history_doc *b);
#endif
