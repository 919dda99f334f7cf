/* routes.c — the application's route table.  Every POST/PUT/DELETE is CSRF-checked by
 * dispatch.c; R_LOGIN routes need a signed-in user.  R_QUERY routes (statements on users'
 * databases) are served by the query worker only: nginx/server.conf.in's query location must
 * match exactly these paths (tests/unit/test_routes_query.c checks both lists agree). */
#include "files.h"
#include "handlers.h"
#include "route.h"

#define FILE_ROUTES(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                     \
    {"GET", "/" #TABLE "/:uid", SHOW, R_LOGIN},                                          \
    {"POST", "/" #TABLE "/:uid/rename", page_file_rename, R_LOGIN | R_FORM},             \
    {"POST", "/" #TABLE "/:uid/delete", page_file_delete, R_LOGIN | R_FORM},            \
    {"GET", "/" #TABLE "/:uid/thumb.svg", page_file_thumb, R_LOGIN},                     \
    {"POST", "/api/" #TABLE "/:uid/attachments", api_attachment_upload, R_LOGIN | R_BINARY}, \
    {"POST", "/" #TABLE "/:uid/share", page_share_update, R_LOGIN | R_FORM},             \
    {"POST", "/api/" #TABLE "/:uid/share", api_share_update, R_LOGIN | R_JSON_TEXT},

/* Version history of every kind (api_history.c, page_history.c; history.h). */
#define HISTORY_ROUTES(KIND, LABEL, PLURAL, TABLE, TITLE, SHOW, THUMB)                    \
    {"GET", "/api/" #TABLE "/:uid/history", api_history_list, R_LOGIN},                 \
    {"GET", "/api/" #TABLE "/:uid/history/:version", api_history_version, R_LOGIN},      \
    {"GET", "/api/" #TABLE "/:uid/compare", api_history_compare, R_LOGIN},               \
    {"POST", "/api/" #TABLE "/:uid/versions", api_history_save, R_LOGIN | R_JSON_TEXT},  \
    {"POST", "/api/" #TABLE "/:uid/restore", api_history_restore, R_LOGIN | R_JSON_TEXT}, \
    {"GET", "/" #TABLE "/:uid/history", page_history_list, R_LOGIN},                     \
    {"GET", "/" #TABLE "/:uid/history/:version", page_history_version, R_LOGIN},          \
    {"GET", "/" #TABLE "/:uid/compare", page_history_compare, R_LOGIN},                   \
    {"POST", "/" #TABLE "/:uid/versions", page_history_save, R_LOGIN | R_FORM},          \
    {"POST", "/" #TABLE "/:uid/restore", page_history_restore, R_LOGIN | R_FORM},

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
    /* Share links: the token is the first parameter; the extensions come before the bare
     * ":token", which would take "TOKEN.svg" whole. */
    {"GET", "/s/:token.svg", page_share_svg, R_SHARE},
    {"GET", "/s/:token.sql", page_share_sql, R_SHARE},
    {"GET", "/s/:token.md", page_share_md, R_SHARE},
    {"GET", "/s/chat/:token", page_ai_chat_share, R_SHARE},
    {"GET", "/s/:token", page_share_show, R_SHARE},
    {"GET", "/s/:token/attachments/:uid", page_share_attachment, R_SHARE},
    {"GET", "/api/diagrams/:uid", api_diagram_get, R_LOGIN},
    {"PUT", "/api/diagrams/:uid", api_diagram_put, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/diagrams/:uid/viewport", api_diagram_viewport_put, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/diagrams/:uid/layout", api_diagram_layout, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/diagrams/:uid/import", api_diagram_import, R_LOGIN | R_RAW},
    {"GET", "/api/diagrams/:uid/export", api_diagram_export, R_LOGIN | R_READ},
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
    /* api_drawing.c */
    {"GET", "/api/drawings/:uid", api_drawing_get, R_LOGIN},
    {"PUT", "/api/drawings/:uid", api_drawing_put, R_LOGIN | R_JSON_TEXT},
    {"GET", "/api/drawings/:uid/export", api_drawing_export, R_LOGIN},
    FILE_KINDS(HISTORY_ROUTES, )
    /* organizations, teams, invitations, tokens, search (api_team.c, api_token.c,
     * api_search.c, page_team.c) */
    {"POST", "/api/orgs", api_org_create, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/orgs/:uid/teams", api_team_create, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/teams/:uid/members/:email", api_team_member_put, R_LOGIN | R_JSON_TEXT},
    {"DELETE", "/api/teams/:uid/members/:email", api_team_member_delete, R_LOGIN},
    {"POST", "/api/teams/:uid/invitations", api_invitation_create, R_LOGIN | R_JSON_TEXT},
    {"DELETE", "/api/invitations/:uid", api_invitation_revoke, R_LOGIN},
    {"POST", "/api/invitations/accept", api_invitation_accept, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/projects/:uid/team", api_project_team_put, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/tokens", api_token_create, R_LOGIN | R_JSON_TEXT},
    {"DELETE", "/api/tokens/:uid", api_token_delete, R_LOGIN},
    {"GET", "/api/search", api_search, R_LOGIN},
    /* the module switchboard: licenses, instance settings (api_license.c, sql/027_licenses) */
    {"GET", "/api/modules", api_modules_get, R_LOGIN},
    {"PUT", "/api/admin/orgs/:uid/license", api_admin_license_put, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/admin/settings/modules", api_admin_modules_put, R_LOGIN | R_JSON_TEXT},
    {"GET", "/search", page_search, R_LOGIN},
    {"GET", "/orgs", page_orgs, R_LOGIN},
    {"POST", "/orgs", page_org_create, R_LOGIN | R_FORM},
    {"GET", "/orgs/:uid", page_org_show, R_LOGIN},
    {"POST", "/orgs/:uid/teams", page_team_create, R_LOGIN | R_FORM},
    {"GET", "/teams/:uid", page_team_show, R_LOGIN},
    {"POST", "/teams/:uid/members", page_team_member_set, R_LOGIN | R_FORM},
    {"POST", "/teams/:uid/members/remove", page_team_member_remove, R_LOGIN | R_FORM},
    {"POST", "/teams/:uid/invitations", page_invitation_create, R_LOGIN | R_FORM},
    {"POST", "/invitations/:uid/revoke", page_invitation_revoke, R_LOGIN | R_FORM},
    {"GET", "/invite/:token", page_invite_show, R_LOGIN},
    {"POST", "/invite/:token", page_invite_accept, R_LOGIN | R_FORM},
    {"POST", "/projects/:uid/team", page_project_team, R_LOGIN | R_FORM},
    {"GET", "/account/tokens", page_tokens, R_LOGIN},
    {"POST", "/account/tokens", page_token_create, R_LOGIN | R_FORM},
    {"POST", "/account/tokens/:uid/revoke", page_token_revoke, R_LOGIN | R_FORM},
    /* ai_chat.c — served by the stream worker (nginx: location /api/ai/) */
    {"POST", "/api/ai/chat", api_ai_chat, R_LOGIN | R_JSON_TEXT | R_AUTH_LATE},
    {"GET", "/api/ai/chat/:id/stream", api_ai_chat_resume, R_LOGIN},
    {"POST", "/api/ai/chat/:id/stop", api_ai_chat_stop, R_LOGIN},
    {"GET", "/api/ai/sessions", api_ai_sessions, R_LOGIN},
    {"GET", "/api/ai/sessions/:uid", api_ai_session_get, R_LOGIN},
    /* api_ai_session.c (also on the stream worker: short answers) */
    {"PATCH", "/api/ai/sessions/:uid", api_ai_session_patch, R_LOGIN | R_JSON_TEXT},
    {"DELETE", "/api/ai/sessions/:uid", api_ai_session_delete, R_LOGIN},
    {"PUT", "/api/ai/messages/:id/vote", api_ai_message_vote, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/ai/markdown", api_ai_markdown, R_LOGIN | R_RAW},
    /* AI settings and administration (api_ai.c, page_ai_settings.c, page_admin.c) */
    {"GET", "/api/settings/ai", api_ai_settings_get, R_LOGIN},
    {"GET", "/api/ai/limits", api_ai_limits_get, R_LOGIN},
    {"PUT", "/api/settings/ai/:code", api_ai_settings_put, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/settings/ai/:code/test", api_ai_settings_test, R_LOGIN | R_RAW},
    {"PUT", "/api/admin/providers/:code", api_admin_provider_put, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/admin/models/:code/:model", api_admin_model_put, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/admin/limits", api_admin_limits_put, R_LOGIN | R_JSON_TEXT},
    {"PUT", "/api/admin/users/:id/limits", api_admin_limits_put, R_LOGIN | R_JSON_TEXT},
    {"GET", "/settings/ai", page_ai_settings, R_LOGIN},
    {"POST", "/settings/ai/providers/:code", page_ai_provider_save, R_LOGIN | R_FORM},
    {"POST", "/settings/ai/providers/:code/test", page_ai_provider_test, R_LOGIN | R_FORM},
    {"POST", "/settings/ai/rules", page_ai_rules_save, R_LOGIN | R_FORM},
    {"POST", "/settings/ai/prompts", page_ai_prompt_create, R_LOGIN | R_FORM},
    {"POST", "/settings/ai/prompts/default", page_ai_prompt_default, R_LOGIN | R_FORM},
    {"POST", "/settings/ai/prompts/:id", page_ai_prompt_update, R_LOGIN | R_FORM},
    {"POST", "/settings/ai/prompts/:id/delete", page_ai_prompt_delete, R_LOGIN | R_FORM},
    {"GET", "/admin", page_admin, R_LOGIN},
    {"POST", "/admin/providers", page_admin_provider_save, R_LOGIN | R_FORM},
    {"POST", "/admin/models", page_admin_model_save, R_LOGIN | R_FORM},
    {"POST", "/admin/limits", page_admin_limits_save, R_LOGIN | R_FORM},
    {"POST", "/admin/users/:id/limits", page_admin_user_limits_save, R_LOGIN | R_FORM},
    {"GET", "/admin/usage", page_admin_usage, R_LOGIN},
    {"GET", "/admin/usage.csv", page_admin_usage_csv, R_LOGIN},
    /* page_admin_users.c, page_admin_orgs.c, page_reset.c — users, organizations, settings */
    {"GET", "/admin/users", page_admin_users, R_LOGIN},
    {"POST", "/admin/users/:id/disable", page_admin_user_disable, R_LOGIN | R_FORM},
    {"POST", "/admin/users/:id/enable", page_admin_user_enable, R_LOGIN | R_FORM},
    {"POST", "/admin/users/:id/admin", page_admin_user_admin, R_LOGIN | R_FORM},
    {"POST", "/admin/users/:id/reset-link", page_admin_user_reset, R_LOGIN | R_FORM},
    {"PUT", "/api/admin/users/:id", api_admin_user_put, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/admin/users/:id/reset-link", api_admin_user_reset, R_LOGIN},
    {"GET", "/admin/orgs", page_admin_orgs, R_LOGIN},
    {"POST", "/admin/orgs/:uid/license", page_admin_org_license, R_LOGIN | R_FORM},
    {"POST", "/admin/settings/modules", page_admin_settings_modules, R_LOGIN | R_FORM},
    {"GET", "/reset-password/:token", page_reset_form, 0},
    {"POST", "/reset-password/:token", page_reset, R_FORM},
    /* api_dbws.c, page_dbws.c — the database workspace */
    {"GET", "/api/connections", api_dbws_list, R_LOGIN},
    {"POST", "/api/connections", api_dbws_create, R_LOGIN | R_JSON_TEXT},
    {"GET", "/api/connections/:uid", api_dbws_get, R_LOGIN},
    {"DELETE", "/api/connections/:uid", api_dbws_delete, R_LOGIN},
    {"POST", "/api/connections/:uid/test", api_dbws_test, R_LOGIN | R_QUERY},
    {"POST", "/api/connections/:uid/query", api_dbws_query, R_LOGIN | R_JSON_TEXT | R_QUERY},
    {"POST", "/api/connections/:uid/cancel", api_dbws_cancel, R_LOGIN},   /* at once, on a page worker: the running list is shared */
    {"GET", "/api/connections/:uid/history", api_dbws_history, R_LOGIN},
    {"POST", "/api/connections/:uid/import-schema", api_dbws_import_schema, R_LOGIN | R_JSON_TEXT | R_QUERY},
    {"POST", "/api/connections/sqlite", api_dbws_sqlite_upload, R_LOGIN | R_BINARY},
    /* api_dbws_migrate.c — compare with a diagram, download and run the migration */
    {"GET", "/api/connections/:uid/compare", api_dbws_compare, R_LOGIN | R_QUERY},
    {"GET", "/api/connections/:uid/compare.sql", api_dbws_compare_sql, R_LOGIN | R_QUERY},
    {"POST", "/api/connections/:uid/compare/execute", api_dbws_compare_execute, R_LOGIN | R_JSON_TEXT | R_QUERY},
    /* api_dbws_ai.c — natural language to SQL through the user's AI provider */
    {"POST", "/api/connections/:uid/ai-sql", api_dbws_ai_sql, R_LOGIN | R_JSON_TEXT | R_QUERY},
    {"GET", "/api/connections/:uid/ai-sql", api_dbws_ai_sql_log, R_LOGIN | R_QUERY},
    /* api_dbws_sqled.c — the SQL editor and table explorer */
    {"GET", "/api/connections/:uid/schema", api_dbws_schema, R_LOGIN | R_QUERY},
    {"GET", "/api/connections/:uid/saved-queries", api_dbws_saved_list, R_LOGIN},
    {"POST", "/api/connections/:uid/saved-queries", api_dbws_saved_save, R_LOGIN | R_JSON_TEXT},
    {"DELETE", "/api/connections/:uid/saved-queries/:sq", api_dbws_saved_delete, R_LOGIN},
    {"POST", "/api/connections/:uid/explain", api_dbws_explain, R_LOGIN | R_JSON_TEXT | R_QUERY},
    {"GET", "/api/connections/:uid/tables/:table/rows", api_dbws_rows, R_LOGIN | R_QUERY},
    {"POST", "/api/connections/:uid/tables/:table/rows/apply", api_dbws_rows_apply, R_LOGIN | R_JSON_TEXT | R_QUERY},
    {"GET", "/api/connections/:uid/tables/:table/state", api_dbws_state_get, R_LOGIN},
    {"PUT", "/api/connections/:uid/tables/:table/state", api_dbws_state_put, R_LOGIN | R_JSON_TEXT},
    {"GET", "/projects/:uid/databases", page_dbws_show, R_LOGIN},
    {"POST", "/projects/:uid/databases", page_dbws_create, R_LOGIN | R_FORM},
    {"POST", "/projects/:uid/databases/:conn/test", page_dbws_test, R_LOGIN | R_FORM | R_QUERY},
    {"POST", "/projects/:uid/databases/:conn/query", page_dbws_query, R_LOGIN | R_FORM | R_QUERY},
    {"POST", "/projects/:uid/databases/:conn/delete", page_dbws_delete, R_LOGIN | R_FORM},
    {"POST", "/projects/:uid/databases/:conn/migrate", page_dbws_migrate, R_LOGIN | R_FORM | R_QUERY},
    {"GET", "/projects/:uid/databases/:conn/compare", page_dbws_compare, R_LOGIN | R_QUERY},
    /* api_task.c, page_task.c — background tasks, backups and restores */
    {"GET", "/api/tasks/:uid", api_task_get, R_LOGIN},
    {"POST", "/api/tasks/:uid/cancel", api_task_cancel, R_LOGIN},
    {"POST", "/api/projects/:uid/backup", api_project_backup, R_LOGIN},
    {"POST", "/api/backups", api_backup_all, R_LOGIN},
    {"POST", "/api/backups/restore", api_backup_restore, R_LOGIN | R_BINARY},
    {"POST", "/api/backups/uploads", api_upload_create, R_LOGIN | R_JSON_TEXT},
    {"GET", "/api/backups/uploads/:uid", api_upload_get, R_LOGIN},
    {"PUT", "/api/backups/uploads/:uid/parts/:n", api_upload_put_part, R_LOGIN | R_BINARY},
    {"POST", "/api/backups/uploads/:uid/restore", api_upload_restore, R_LOGIN},
    {"GET", "/api/backups/:uid/download", api_backup_download, R_LOGIN},
    {"GET", "/api/backups/schedule", api_backup_schedule_get, R_LOGIN},
    {"PUT", "/api/backups/schedule", api_backup_schedule_put, R_LOGIN | R_JSON_TEXT},
    {"POST", "/backups/schedule", page_backup_schedule, R_LOGIN | R_FORM},
    {"GET", "/tasks/:uid", page_task_show, R_LOGIN},
    {"POST", "/tasks/:uid/cancel", page_task_cancel, R_LOGIN | R_FORM},
    {"POST", "/projects/:uid/backup", page_project_backup, R_LOGIN | R_FORM},
    {"GET", "/backups", page_backups, R_LOGIN},
    {"POST", "/backups", page_backup_all, R_LOGIN | R_FORM},
    {"POST", "/backups/restore", page_backup_restore, R_LOGIN | R_MULTIPART},
    /* api_dashboard.c, page_dashboards.c — analytics dashboards */
    {"GET", "/api/projects/:uid/dashboards", api_dashboard_list, R_LOGIN},
    {"POST", "/api/projects/:uid/dashboards", api_dashboard_create, R_LOGIN | R_JSON_TEXT},
    {"GET", "/api/dashboards/:uid", api_dashboard_get, R_LOGIN},
    {"PUT", "/api/dashboards/:uid", api_dashboard_update, R_LOGIN | R_JSON_TEXT},
    {"DELETE", "/api/dashboards/:uid", api_dashboard_delete, R_LOGIN},
    {"POST", "/api/dashboards/:uid/share", api_dashboard_share, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/dashboards/:uid/widgets", api_dashboard_widget_add, R_LOGIN | R_JSON_TEXT},
    {"POST", "/api/dashboards/:uid/refresh", api_dashboard_refresh, R_LOGIN | R_JSON_TEXT | R_QUERY},
    {"PUT", "/api/widgets/:uid", api_dashboard_widget_update, R_LOGIN | R_JSON_TEXT},
    {"DELETE", "/api/widgets/:uid", api_dashboard_widget_delete, R_LOGIN},
    {"GET", "/widgets/:uid.svg", page_dashboard_widget_svg, R_LOGIN},
    {"GET", "/projects/:uid/dashboards", page_dashboards_list, R_LOGIN},
    {"POST", "/projects/:uid/dashboards", page_dashboards_create, R_LOGIN | R_FORM},
    {"GET", "/dashboards/:uid", page_dashboards_show, R_LOGIN},
    {"POST", "/dashboards/:uid", page_dashboards_update, R_LOGIN | R_FORM},
    {"POST", "/dashboards/:uid/delete", page_dashboards_delete, R_LOGIN | R_FORM},
    {"POST", "/dashboards/:uid/refresh", page_dashboards_refresh, R_LOGIN | R_FORM | R_QUERY},
    {"POST", "/dashboards/:uid/share", page_dashboards_share, R_LOGIN | R_FORM},
    {"POST", "/dashboards/:uid/widgets", page_dashboards_widget_add, R_LOGIN | R_FORM},
    {"POST", "/widgets/:uid", page_dashboards_widget_update, R_LOGIN | R_FORM},
    {"POST", "/widgets/:uid/delete", page_dashboards_widget_delete, R_LOGIN | R_FORM},
    {"GET", "/s/dashboards/:token", page_dashboards_shared, R_SHARE},
};
const int route_count = sizeof route_table / sizeof route_table[0];
