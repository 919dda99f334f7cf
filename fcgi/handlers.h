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
/* api_diagram_import_run: the import with a time budget of seconds (the task runner's is longer). */
void api_diagram_import_run(struct req *r, int seconds);
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
/* page_share_attachment: GET /s/:token/attachments/:uid — an image of a shared note */
void page_share_attachment(struct req *r);
/* page_share.c — public share links (R_SHARE) and the share dialog's no-JS form */
void page_share_show(struct req *r);
void page_share_svg(struct req *r);
void page_share_sql(struct req *r);
void page_share_md(struct req *r);
void page_share_update(struct req *r);
/* api_share.c — POST /api/<kind>s/:uid/share */
void api_share_update(struct req *r);
/* page_drawing.c — the drawing page (Excalidraw island) and the drawing thumbnail */
void page_drawing_show(struct req *r);
const char *drawing_thumb(struct req *r, const char *uid, const char *version);
/* api_drawing.c — the drawing JSON API */
void api_drawing_get(struct req *r);
void api_drawing_put(struct req *r);
void api_drawing_export(struct req *r);
/* api_history.c, page_history.c — version history of every file kind (history.h) */
void api_history_list(struct req *r);
void api_history_version(struct req *r);
void api_history_compare(struct req *r);
void api_history_save(struct req *r);
void api_history_restore(struct req *r);
void page_history_list(struct req *r);
void page_history_version(struct req *r);
void page_history_compare(struct req *r);
void page_history_save(struct req *r);
void page_history_restore(struct req *r);
/* api_team.c — organizations, teams, members, invitations, a project's team (issue 12) */
void api_org_create(struct req *r);
void api_team_create(struct req *r);
void api_team_member_put(struct req *r);
void api_team_member_delete(struct req *r);
void api_invitation_create(struct req *r);
void api_invitation_revoke(struct req *r);
void api_invitation_accept(struct req *r);
void api_project_team_put(struct req *r);
/* api_token.c — personal API tokens */
void api_token_create(struct req *r);
void api_token_delete(struct req *r);
/* api_license.c — modules where the caller stands; licenses and module settings (super admin) */
void api_modules_get(struct req *r);
void api_admin_license_put(struct req *r);
void api_admin_modules_put(struct req *r);
/* api_search.c — project search (API and page) */
void api_search(struct req *r);
void page_search(struct req *r);
/* page_team.c — organization, team, invitation and API-token pages */
void page_orgs(struct req *r);
void page_org_create(struct req *r);
void page_org_show(struct req *r);
void page_team_create(struct req *r);
void page_team_show(struct req *r);
void page_team_member_set(struct req *r);
void page_team_member_remove(struct req *r);
void page_invitation_create(struct req *r);
void page_invitation_revoke(struct req *r);
void page_invite_show(struct req *r);
void page_invite_accept(struct req *r);
void page_project_team(struct req *r);
void page_tokens(struct req *r);
void page_token_create(struct req *r);
void page_token_revoke(struct req *r);
/* ai_chat.c — the AI chat (Server-Sent Events on the stream worker) and its lists */
void api_ai_chat(struct req *r);
void api_ai_chat_resume(struct req *r);
void api_ai_chat_stop(struct req *r);
void api_ai_sessions(struct req *r);
void api_ai_session_get(struct req *r);
/* api_ai_session.c — a chat's rename, public link, delete, votes; Markdown for notes */
void api_ai_session_patch(struct req *r);
void api_ai_session_delete(struct req *r);
void api_ai_message_vote(struct req *r);
void api_ai_markdown(struct req *r);
void page_ai_chat_share(struct req *r);
/* api_ai.c — AI settings and catalogue JSON (issue 13) */
void api_ai_settings_get(struct req *r);
void api_ai_settings_put(struct req *r);
void api_ai_settings_test(struct req *r);
void api_admin_provider_put(struct req *r);
void api_admin_model_put(struct req *r);
void api_admin_limits_put(struct req *r);
void api_ai_limits_get(struct req *r);
/* page_ai_settings.c — Settings → AI: keys, models, rules per view, system prompts */
void page_ai_settings(struct req *r);
void page_ai_provider_save(struct req *r);
void page_ai_provider_test(struct req *r);
void page_ai_rules_save(struct req *r);
void page_ai_prompt_create(struct req *r);
void page_ai_prompt_update(struct req *r);
void page_ai_prompt_delete(struct req *r);
void page_ai_prompt_default(struct req *r);
/* page_admin.c — /admin for super admins: providers, models, prices, limits, budget, usage */
void page_admin(struct req *r);
void page_admin_provider_save(struct req *r);
void page_admin_model_save(struct req *r);
void page_admin_limits_save(struct req *r);
void page_admin_user_limits_save(struct req *r);
void page_admin_usage(struct req *r);
void page_admin_usage_csv(struct req *r);
/* page_admin_users.c — /admin/users: disable, enable, make admin, password reset links */
void page_admin_users(struct req *r);
void page_admin_user_disable(struct req *r);
void page_admin_user_enable(struct req *r);
void page_admin_user_admin(struct req *r);
void page_admin_user_reset(struct req *r);
void api_admin_user_put(struct req *r);
void api_admin_user_reset(struct req *r);
/* page_admin_orgs.c — /admin/orgs: organizations, their licenses, the instance's modules */
void page_admin_orgs(struct req *r);
void page_admin_org_license(struct req *r);
void page_admin_settings_modules(struct req *r);
/* page_reset.c — /reset-password/:token, a reset link's page */
void page_reset_form(struct req *r);
void page_reset(struct req *r);
/* api_dbws.c — the database workspace API (connections, queries, schema import, compare) */
void api_dbws_create(struct req *r);
void api_dbws_list(struct req *r);
void api_dbws_get(struct req *r);
void api_dbws_delete(struct req *r);
void api_dbws_test(struct req *r);
void api_dbws_query(struct req *r);
void api_dbws_cancel(struct req *r);
void api_dbws_history(struct req *r);
void api_dbws_import_schema(struct req *r);
void api_dbws_sqlite_upload(struct req *r);
/* api_dbws_migrate.c — compare with a diagram; the migration downloaded or run after a confirm */
void api_dbws_compare(struct req *r);
void api_dbws_compare_sql(struct req *r);
void api_dbws_compare_execute(struct req *r);
/* api_dbws_ai.c — natural language to SQL (AI), and its log */
void api_dbws_ai_sql(struct req *r);
void api_dbws_ai_sql_log(struct req *r);
/* api_dbws_sqled.c — the SQL editor's and table explorer's API */
void api_dbws_schema(struct req *r);
void api_dbws_saved_list(struct req *r);
void api_dbws_saved_save(struct req *r);
void api_dbws_saved_delete(struct req *r);
void api_dbws_explain(struct req *r);
void api_dbws_rows(struct req *r);
void api_dbws_rows_apply(struct req *r);
void api_dbws_state_get(struct req *r);
void api_dbws_state_put(struct req *r);
/* page_dbws.c — a project's database workspace page (no JavaScript needed) */
void page_dbws_show(struct req *r);
void page_dbws_create(struct req *r);
void page_dbws_test(struct req *r);
void page_dbws_query(struct req *r);
void page_dbws_delete(struct req *r);
void page_dbws_migrate(struct req *r);
void page_dbws_compare(struct req *r);
/* api_task.c — background tasks and backups (task.h) */
void api_task_get(struct req *r);
void api_task_cancel(struct req *r);
void api_project_backup(struct req *r);
void api_backup_all(struct req *r);
void api_backup_restore(struct req *r);
void api_backup_download(struct req *r);
/* task_cancel: ask task uid to stop (a queued one is cancelled at once); 0, or -1 after
 * answering 404/5xx.  backup_queue: queue a backup of project_uid (404 unless the user may
 * read it), or with NULL of every project the user owns; the task uid, or NULL after answering.  task_json: the API shape of row `row` of a task query (api_task.c). */
int task_cancel(struct req *r, const char *uid);
const char *backup_queue(struct req *r, const char *project_uid);
/* api_upload.c — resumable chunked uploads of backup archives to restore (sql/034) */
void api_upload_create(struct req *r);
void api_upload_get(struct req *r);
void api_upload_put_part(struct req *r);
void api_upload_restore(struct req *r);
/* page_task.c — the task page, restore form, dashboard list */
void page_task_show(struct req *r);
void page_task_cancel(struct req *r);
void page_project_backup(struct req *r);
void page_backups(struct req *r);
void page_backup_all(struct req *r);
void page_backup_restore(struct req *r);
/* backups_render: the /backups page with status and the schedule form's view (stolen). */
void backups_render(struct req *r, int status, struct json_t *schedule);
/* backup_schedule.c — scheduled automatic backups: the JSON API and the /backups form.
 * backup_schedule_view: the form's view (what was sent and errors when shown again, else
 * NULLs: the saved schedule); NULL after a database error. */
void api_backup_schedule_get(struct req *r);
void api_backup_schedule_put(struct req *r);
void page_backup_schedule(struct req *r);
struct json_t *backup_schedule_view(struct req *r, const char *frequency, const char *project, const char *keep,
                                    struct json_t *errors);
/* api_dashboard.c — analytics dashboards' JSON API and a widget's chart as SVG */
void api_dashboard_list(struct req *r);
void api_dashboard_create(struct req *r);
void api_dashboard_get(struct req *r);
void api_dashboard_update(struct req *r);
void api_dashboard_delete(struct req *r);
void api_dashboard_share(struct req *r);
void api_dashboard_widget_add(struct req *r);
void api_dashboard_widget_update(struct req *r);
void api_dashboard_widget_delete(struct req *r);
void api_dashboard_refresh(struct req *r);
void page_dashboard_widget_svg(struct req *r);
/* page_dashboards.c — dashboard pages (no JavaScript needed) and the public copy */
void page_dashboards_list(struct req *r);
void page_dashboards_create(struct req *r);
void page_dashboards_show(struct req *r);
void page_dashboards_update(struct req *r);
void page_dashboards_delete(struct req *r);
void page_dashboards_refresh(struct req *r);
void page_dashboards_share(struct req *r);
void page_dashboards_widget_add(struct req *r);
void page_dashboards_widget_update(struct req *r);
void page_dashboards_widget_delete(struct req *r);
void page_dashboards_shared(struct req *r);
#endif
