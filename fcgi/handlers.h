/* handlers.h — every route handler, one file per resource (page_*.c, api_*.c). */
#ifndef CARD_HANDLERS_H
#define CARD_HANDLERS_H
struct req;
#include <stddef.h>

/* page_auth.c */
void page_home(struct req *r);
void page_healthz(struct req *r);
void page_login_form(struct req *r);
void page_login(struct req *r);
void page_signup_form(struct req *r);
void page_signup(struct req *r);
void page_logout(struct req *r);
/* page_dashboard.c */
void page_dashboard(struct req *r);
/* dashboard_render: the dashboard with the given status; name/color/errors refill the
 * "new project" form after a failed create (errors: {"name": message}, stolen; NULL: none). */
struct json_t;
void dashboard_render(struct req *r, int status, const char *name, const char *color,
                      struct json_t *errors);
/* page_project.c */
void page_project_create(struct req *r);
void page_project_show(struct req *r);
void page_project_update(struct req *r);
void page_project_delete(struct req *r);
void page_project_file_create(struct req *r);
/* page_file.c — notes, drawings, flowcharts (plain pages for now) and file delete/rename */
void page_file_show(struct req *r);
void page_file_delete(struct req *r);
void page_file_rename(struct req *r);
/* page_file_thumb: GET /<kind>s/:uid/thumb.svg — the kind's thumbnail as an image, with an
 * ETag from _version (304 on a match), cached for good when ?v= names the current version */
void page_file_thumb(struct req *r);
/* page_account.c */
void page_account(struct req *r);
void page_account_password(struct req *r);
void page_account_revoke(struct req *r);
void page_account_delete(struct req *r);
/* page_trash.c */
void page_trash(struct req *r);
void page_trash_restore(struct req *r);
void page_trash_purge(struct req *r);
/* page_diagram.c — the ERD editor page */
void page_diagram_show(struct req *r);
/* api_diagram.c — the diagram JSON API */
void api_diagram_get(struct req *r);
void api_diagram_put(struct req *r);
void api_diagram_import(struct req *r);
void api_diagram_export(struct req *r);
/* api_diagram_viewport.c — the editor's pan and zoom, saved without a version bump */
void api_diagram_viewport_put(struct req *r);
/* api_diagram_layout.c — the tidy layout for the editor's Auto-layout (nothing stored) */
void api_diagram_layout(struct req *r);
/* page_flowchart.c — the flowchart page (server-drawn view + editor island) */
void page_flowchart_show(struct req *r);
/* api_flowchart.c — the flowchart JSON API */
void api_flowchart_get(struct req *r);
void api_flowchart_put(struct req *r);
void api_flowchart_export(struct req *r);
/* page_note.c — the note page (read-only view, TOC, editor mount) and its no-JS import form */
void page_note_show(struct req *r);
void page_note_import(struct req *r);
/* note_thumb: a note's first lines as a small SVG (files.h thumbnail fn) */
const char *note_thumb(struct req *r, const char *uid, const char *version);
/* api_note.c — the note JSON API */
void api_note_get(struct req *r);
void api_note_put(struct req *r);
void api_note_export(struct req *r);
void api_note_import(struct req *r);
/* note_import_markdown: replace note uid's content by Markdown md[0..n) saved over version
 * base; answers like the import API (200 with the note, 404, 409, 413) */
void note_import_markdown(struct req *r, const char *uid, const char *md, size_t n, long long base);
/* api_attachment.c — images of notes and drawings */
void api_attachment_upload(struct req *r);
void page_attachment_show(struct req *r);
#endif
