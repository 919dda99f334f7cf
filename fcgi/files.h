/* files.h — the file-kind registry: the one list of the kinds of project files (diagrams,
 * notes, drawings, flowcharts), from which their SQL, the routes, the page labels and the
 * UNION ALL queries of the dashboard, project, trash and account pages are all derived.
 *
 * Adding a kind is one line in FILE_KINDS (plus its table's migration, its show handler
 * and its template).  Table and column names are compile-time constants; every value is a
 * $n parameter.  Access is row-level security's job (sql/005_rls.sql): the statements below
 * carry no "AND user_id = …" owner filter, so a rule that lets another user reach a file
 * (teams) is written once, in a policy, and every statement follows it. */
#ifndef CARD_FILES_H
#define CARD_FILES_H
#include <stddef.h>
struct req;
struct json_t;

/* FILE_KINDS(X, SEP): X(kind, Label, Plural, table, title column, show handler, thumbnail)
 * for every kind, with SEP between two kinds (empty, ",", " UNION ALL " …).  The URL of a
 * file is /<table>/<uid>; the thumbnail is a function (or NULL) drawing a small SVG.  */
#define FILE_KINDS(X, SEP)                                                                     \
    X(diagram, "Diagram", "Diagrams", diagrams, name, page_diagram_show, svg_cache_thumb)      \
    SEP X(note, "Note", "Notes", notes, title, page_note_show, note_thumb)                      \
    SEP X(drawing, "Drawing", "Drawings", drawings, title, page_drawing_show, drawing_thumb)    \
    SEP X(flowchart, "Flowchart", "Flowcharts", flowcharts, title, page_flowchart_show, flow_store_thumb)

#define FILE_KIND_ENUM_(kind, label, plural, table, title, show, thumb) FILE_KIND_##kind,
enum file_kind_id { FILE_KINDS(FILE_KIND_ENUM_, ) FILE_KIND_COUNT };

/* FILES_UNION(BRANCH): the SQL text "<branch> UNION ALL <branch> …", one branch a kind;
 * BRANCH(kind, label, plural, table, title, show, thumb) writes one SELECT as a string
 * literal (FILE_KIND_SQL_NAME gives 'kind' as an SQL literal). */
#define FILES_UNION(BRANCH) FILE_KINDS(BRANCH, " UNION ALL ")
#define FILE_KIND_SQL_NAME(kind) "'" #kind "'"

typedef void (*file_show_fn)(struct req *r);

/* The public renderer of a kind, for share links (/s/<token>, page_share.c): what the file
 * looks like to anyone holding its link, read in the share transaction (row-level security
 * shows that one file only).  fn(r, uid, format, out) appends to out:
 *   SHARE_PAGE  the read-only view as an HTML fragment (every user string escaped, no script),
 *   SHARE_SVG   the image alone (an <svg> document), SHARE_SQL / SHARE_MD  text,
 * and answers 0, SHARE_NO_FORMAT (the kind offers no such format: 404), SHARE_INVALID (it
 * cannot be drawn: 422) or SHARE_DB (a database error).  FILE_PUBLIC_<kind> names the kind's
 * function, or NULL while it has none (the page then shows the title alone, other formats 404):
 * plugging a kind in is its one line below (the function declared in share.h). */
enum share_format { SHARE_PAGE, SHARE_SVG, SHARE_SQL, SHARE_MD };
enum { SHARE_NO_FORMAT = -1, SHARE_INVALID = -2, SHARE_DB = -3 };
struct buf;
typedef int (*file_public_fn)(struct req *r, const char *uid, enum share_format format,
                              struct buf *out);
#define FILE_PUBLIC_diagram share_diagram_render
#define FILE_PUBLIC_note share_note_render
#define FILE_PUBLIC_drawing share_drawing_render
#define FILE_PUBLIC_flowchart share_flowchart_render
typedef const char *(*file_thumb_fn)(struct req *r, const char *uid, const char *version);

struct file_kind {
    const char *kind;          /* "diagram" */
    const char *label;         /* "Diagram" */
    const char *plural;        /* "Diagrams" */
    const char *table;         /* "diagrams" */
    const char *url_prefix;    /* "/diagrams/" */
    file_show_fn show;         /* GET /diagrams/:uid */
    file_thumb_fn thumb;       /* small SVG for lists, or NULL */
    const char *sql_insert;    /* $1 title, $2 owner user id, $3 project id → uid */
    const char *sql_get;       /* $1 uid → uid, title, epoch(updated_at), project uid, project name, _version */
    const char *sql_soft_delete;   /* $1 uid → uid */
    const char *sql_restore;       /* $1 uid → uid */
    const char *sql_purge;         /* $1 uid (only deleted ones) → uid */
    const char *sql_rename;        /* $1 uid, $2 title → uid */
    const char *sql_purge_project; /* $1 uid of a deleted project: delete its files of this kind */
    const char *sql_delete_owned;  /* $1 user id: delete every file of this kind the user owns */
    file_public_fn publish;        /* FILE_PUBLIC_<kind>: its share-link renderer, or NULL */
};

extern const struct file_kind file_kinds[FILE_KIND_COUNT];
/* file_kind_by_name: "diagram" → kind, or NULL.  file_kind_by_path: from "/notes/…". */
const struct file_kind *file_kind_by_name(const char *name);
const struct file_kind *file_kind_by_path(const char *path);
/* file_thumb_url: the URL of the thumbnail of file uid at version ("/diagrams/<uid>/thumb.svg
 * ?v=<version>", an arena string), or NULL when the kind draws none. */
struct arena;
const char *file_thumb_url(struct arena *a, const struct file_kind *fk, const char *uid,
                           const char *version);
/* file_download_name: name (a title) as a download's file name: reduced to [A-Za-z0-9._-]
 * (runs of anything else one '_', no leading dot or '_', none trailing), at most 100 bytes;
 * fallback when nothing is left.  An arena string. */
const char *file_download_name(struct arena *a, const char *name, const char *fallback);
/* file_kinds_json: [{kind, label, selected}] for a "new file" form, `selected` marking the
 * kind named (the first kind when NULL or unknown). */
struct json_t *file_kinds_json(const char *selected);
/* uid_valid: plausible uid text (1–64 chars of [0-9A-Za-z-_]). */
int uid_valid(const char *uid);

/* FILE_NAME_MAX: the longest name of a project or file title, in bytes. */
#define FILE_NAME_MAX 200

/* PALETTE_DEFAULT: the colour of a project (or table) that has none. */
#define PALETTE_DEFAULT "#6366f1"
/* palette_color: the i-th palette colour, cycling ("#6366f1" for 0, 8, 16…). */
const char *palette_color(size_t i);
/* palette_class: the CSS class of a palette color ("swatch-indigo"); unknown → indigo. */
const char *palette_class(const char *color);
/* palette_valid: color is one of the eight palette values. */
int palette_valid(const char *color);
/* palette_at: the i-th palette value, cycling (charts' default series colours). */
const char *palette_at(unsigned long i);
/* palette_json: [{value, name, class, selected}] with selected marking `current`. */
struct json_t *palette_json(const char *current);
#endif
