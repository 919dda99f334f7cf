-- 024_teams_followups.sql — follow-ups to 021 (issue 12): holes in the team policies found by
-- tests/sql/test_12_team_roles.sql, and a function to move a project in and out of a team.
-- Additive only (new policies and functions); idempotent (tests/sql/run.sh applies it twice).
--
-- 1. A project entered a team on INSERT with no check: anyone who knew a team's id could put a
--    project (and its files) in front of that team's members.  Now only the team's editors and
--    admins create a project inside it.
-- 2. entity_changes (history) kept 005's own_rows only: anyone could add a "snapshot" of any file
--    (the file's readers then saw it in its history).  Now a snapshot is added only for a file the
--    caller may write (the history trigger runs as the owner and is not concerned).
-- 3. ai_chat_sessions likewise: a chat could be attached to any project.  Now only to a project
--    the caller may write (or to none).
-- 4. card_project_set_team: a team admin moving a project out of the team (to the owner alone)
--    could not, as a plain UPDATE … RETURNING must still see the row afterwards.

-- The file of a history row (entity_type = its table, entity_id = its id) is writable by the caller.
CREATE OR REPLACE FUNCTION public.card_history_file_writable(p_type text, p_id text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE p_type
        WHEN 'diagrams' THEN EXISTS (SELECT 1 FROM public.diagrams f WHERE f.id::text = p_id
                                     AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'notes' THEN EXISTS (SELECT 1 FROM public.notes f WHERE f.id::text = p_id
                                  AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'drawings' THEN EXISTS (SELECT 1 FROM public.drawings f WHERE f.id::text = p_id
                                     AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'flowcharts' THEN EXISTS (SELECT 1 FROM public.flowcharts f WHERE f.id::text = p_id
                                       AND public.app_can_write_file(f.user_id, f.project_id))
        ELSE false
    END
$$;
REVOKE ALL ON FUNCTION public.card_history_file_writable(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_history_file_writable(text, text) TO card_app;

DROP POLICY IF EXISTS team_only_insert ON public.projects;
CREATE POLICY team_only_insert ON public.projects AS RESTRICTIVE FOR INSERT TO card_app
    WITH CHECK (team_id IS NULL OR public.app_team_role(team_id) IN ('editor', 'admin'));

DROP POLICY IF EXISTS file_writable_insert ON public.entity_changes;
CREATE POLICY file_writable_insert ON public.entity_changes AS RESTRICTIVE FOR INSERT TO card_app
    WITH CHECK (public.card_history_file_writable(entity_type, entity_id));

DROP POLICY IF EXISTS team_only_insert ON public.ai_chat_sessions;
DROP POLICY IF EXISTS team_only_update ON public.ai_chat_sessions;
CREATE POLICY team_only_insert ON public.ai_chat_sessions AS RESTRICTIVE FOR INSERT TO card_app
    WITH CHECK (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)));
CREATE POLICY team_only_update ON public.ai_chat_sessions AS RESTRICTIVE FOR UPDATE TO card_app
    USING (true)
    WITH CHECK (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)));

-- card_project_set_team: move the caller-readable live project p_project_uid into team
-- p_team_uid (NULL: out of its team).  false when the caller cannot see the project; CN001 when
-- the team is not one of the caller's; 42501 (from card_project_guard) when the caller may not
-- move it.  Runs as the owner so the row may leave the caller's sight; the guard still judges
-- the caller (app.user_id).
CREATE OR REPLACE FUNCTION public.card_project_set_team(p_project_uid text, p_team_uid text)
RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := public.app_user_id();
    v_pid integer;
    v_team bigint;
BEGIN
    IF me IS NULL THEN RETURN false; END IF;
    SELECT p.id INTO v_pid FROM public.projects p
     WHERE p.uid = p_project_uid AND p.is_deleted IS NOT TRUE
       AND p.id IN (SELECT public.app_project_ids(false));
    IF v_pid IS NULL THEN RETURN false; END IF;
    IF p_team_uid IS NOT NULL THEN
        SELECT t.id INTO v_team FROM public.teams t
         WHERE t.uid = p_team_uid
           AND (public.app_team_role(t.id) IS NOT NULL OR public.app_org_role(t.org_id) IS NOT NULL);
        IF v_team IS NULL THEN RAISE EXCEPTION 'no such team' USING ERRCODE = 'CN001'; END IF;
    END IF;
    UPDATE public.projects SET team_id = v_team WHERE id = v_pid;
    RETURN true;
END;
$$;
REVOKE ALL ON FUNCTION public.card_project_set_team(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_project_set_team(text, text) TO card_app;
