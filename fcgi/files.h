/* files.h — the four kinds of project files and the SQL for each (table names are
 * compile-time constants; every value is a $n parameter). */
#ifndef CARD_FILES_H
#define CARD_FILES_H
struct req;

struct file_kind {
    const char *kind;          /* "diagram" */
    const char *label;         /* "Diagram" */
    const char *plural;        /* "Diagrams" */
    const char *url_prefix;    /* "/diagrams/" */
    const char *sql_insert;    /* $1 title, $2 user_id, $3 project id → uid */
    const char *sql_get;       /* $1 uid, $2 user → uid, title, epoch(updated_at), project uid, project name, _version */
    const char *sql_soft_delete;   /* $1 uid, $2 user */
    const char *sql_restore;       /* $1 uid, $2 user */
    const char *sql_purge;         /* $1 uid, $2 user (only deleted ones) */
    const char *sql_rename;        /* $1 uid, $2 user, $3 title */
};

extern const struct file_kind file_kinds[4];
/* file_kind_by_name: "diagram" → kind, or NULL.  file_kind_by_path: from "/notes/…". */
const struct file_kind *file_kind_by_name(const char *name);
const struct file_kind *file_kind_by_path(const char *path);
/* uid_valid: plausible uid text (1–64 chars of [0-9A-Za-z-_]). */
int uid_valid(const char *uid);

/* palette_class: the CSS class of a palette color ("swatch-indigo"); unknown → indigo. */
const char *palette_class(const char *color);
/* palette_valid: color is one of the eight palette values. */
int palette_valid(const char *color);
/* palette_json: [{value, name, class, selected}] with selected marking `current`. */
struct json_t;
struct json_t *palette_json(const char *current);
#endif
