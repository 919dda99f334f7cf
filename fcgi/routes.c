/* routes.c — the application's route table.  Every POST/PUT/DELETE is CSRF-checked by
 * dispatch.c; R_LOGIN routes need a signed-in user. */
#include "files.h"
#include "handlers.h"
#include "route.h"

#define FILE_ROUTES(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                     \
    {"GET", "/" #TABLE "/:uid", SHOW, R_LOGIN},                                          \
    {"POST", "/" #TABLE "/:uid/rename", page_file_rename, R_LOGIN | R_FORM},             \
    {"POST", "/" #TABLE "/:uid/delete", page_file_delete, R_LOGIN | R_FORM},            \
    {"GET", "/" #TABLE "/:uid/thumb.svg", page_file_thumb, R_LOGIN},                     \
    {"POST", "/api/" #TABLE "/:uid/attachments", api_attachment_upload, R_LOGIN | R_BINARY},

const struct route route_table[] = {
    {"GET", "/healthz", page_healthz, R_NODB},
    {"GET", "/", page_home, 0},
    {"GET", "/login", page_login_form, 0},
    {"POST", "/login", page_login, R_FORM},
    {"GET", "/signup", page_signup_form, 0},
    {"POST", "/signup", page_signup, R_FORM},
    {"POST", "/logout", page_logout, R_FORM},
    {"GET", "/dashboard", page_dashboard, R_LOGIN},
    {"POST", "/projects", page_project_create, R_LOGIN | R_FORM},
    {"GET", "/projects/:uid", page_project_show, R_LOGIN},
    {"POST", "/projects/:uid", page_project_update, R_LOGIN | R_FORM},
    {"POST", "/projects/:uid/delete", page_project_delete, R_LOGIN | R_FORM},
    {"POST", "/projects/:uid/files", page_project_file_create, R_LOGIN | R_FORM},
    /* Every file kind: its page, rename and move to the trash (files.h's registry). */
    FILE_KINDS(FILE_ROUTES, )
    {"GET", "/account", page_account, R_LOGIN},
    {"POST", "/account/password", page_account_password, R_LOGIN | R_FORM},
    {"POST", "/account/sessions/revoke", page_account_revoke, R_LOGIN | R_FORM},
    {"POST", "/account/delete", page_account_delete, R_LOGIN | R_FORM},
    {"GET", "/trash", page_trash, R_LOGIN},
    {"POST", "/trash/restore", page_trash_restore, R_LOGIN | R_FORM},
    {"POST", "/trash/purge", page_trash_purge, R_LOGIN | R_FORM},
    {"GET", "/api/diagrams/:uid", api_diagram_get, R_LOGIN},
    {"PUT", "/api/diagrams/:uid", api_diagram_put, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/diagrams/:uid/viewport", api_diagram_viewport_put, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/diagrams/:uid/layout", api_diagram_layout, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/diagrams/:uid/import", api_diagram_import, R_LOGIN | R_RAW},
    {"GET", "/api/diagrams/:uid/export", api_diagram_export, R_LOGIN},
    /* api_flowchart.c */
    {"GET", "/api/flowcharts/:uid", api_flowchart_get, R_LOGIN},
    {"PUT", "/api/flowcharts/:uid", api_flowchart_put, R_LOGIN | R_JSON_TEXT},
    {"GET", "/api/flowcharts/:uid/export", api_flowchart_export, R_LOGIN},
    /* notes (api_note.c, page_note.c) and attachments (api_attachment.c) */
    {"GET", "/api/notes/:uid", api_note_get, R_LOGIN},
    {"PUT", "/api/notes/:uid", api_note_put, R_LOGIN | R_JSON_TEXT},
    {"GET", "/api/notes/:uid/export", api_note_export, R_LOGIN},
    {"POST", "/api/notes/:uid/import", api_note_import, R_LOGIN | R_RAW},
    {"POST", "/notes/:uid/import", page_note_import, R_LOGIN | R_FORM},
    {"GET", "/attachments/:uid", page_attachment_show, R_LOGIN},
};
const int route_count = sizeof route_table / sizeof route_table[0];
