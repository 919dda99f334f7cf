-- 040_access_checks_fast.sql — the access helpers every policy calls, with their plans kept
-- (issue 13: the AI relay's time to first token; and every page's statements).  A SECURITY
-- DEFINER function in SQL is never inlined, so PostgreSQL plans its body again in every
-- statement that calls it: app_project_ids(), in 49 policies, cost 0.33 ms a statement on this
-- machine (pgbench, prepared, one project: 0.53 ms vs 0.20 ms for SELECT 1), the same in
-- PL/pgSQL 0.006 ms, its plan kept for the session.  Here the helpers of sql/005, 014 and 021 are
-- PL/pgSQL with the very same queries (same signatures, same answers), and:
--   card_modules (sql/027): its questions (project visible, organization membership, the
--     instance setting) in its own body instead of through app_project_ids() and
--     card_setting_list() (0.32–0.46 ms a call in the AI turn's pipeline before);
--   card_ai_turn_store (sql/037): app_can_write_project(one project) instead of "among
--     app_project_ids(true)".
-- Idempotent (CREATE OR REPLACE; grants kept).
CREATE OR REPLACE FUNCTION public.app_project_ids(p_write boolean)
RETURNS SETOF integer LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT p.id FROM public.projects p WHERE p.user_id = public.app_user_id()
    UNION
    SELECT p.id FROM public.projects p JOIN public.team_members m ON m.team_id = p.team_id
     WHERE m.user_id = public.app_user_id() AND (NOT p_write OR m.role IN ('editor', 'admin'));
END $$;

CREATE OR REPLACE FUNCTION public.app_team_ids(p_write boolean)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT m.team_id FROM public.team_members m
     WHERE m.user_id = public.app_user_id() AND (NOT p_write OR m.role IN ('editor', 'admin'));
END $$;

CREATE OR REPLACE FUNCTION public.app_org_ids()
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT m.org_id FROM public.organization_members m WHERE m.user_id = public.app_user_id();
END $$;

-- (team_id, user_id) and (org_id, user_id) are primary keys: one row at most.
CREATE OR REPLACE FUNCTION public.app_team_role(p_team_id bigint)
RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN (SELECT m.role FROM public.team_members m
             WHERE m.team_id = p_team_id AND m.user_id = public.app_user_id());
END $$;

CREATE OR REPLACE FUNCTION public.app_org_role(p_org_id bigint)
RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN (SELECT m.role FROM public.organization_members m
             WHERE m.org_id = p_org_id AND m.user_id = public.app_user_id());
END $$;

CREATE OR REPLACE FUNCTION public.app_is_super_admin()
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN COALESCE((SELECT u.is_super_admin
                       FROM public.users u
                      WHERE u.id = public.app_user_id()
                        AND u.deleted_at IS NULL), false);
END $$;

CREATE OR REPLACE FUNCTION public.card_project_live(p_project_id integer)
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.projects p WHERE p.id = p_project_id AND p.is_deleted IS NOT TRUE);
END $$;

CREATE OR REPLACE FUNCTION public.app_can_read_project(p_project_id integer)
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.projects p
                    WHERE p.id = p_project_id
                      AND (p.user_id = public.app_user_id()
                           OR EXISTS (SELECT 1 FROM public.team_members m
                                       WHERE m.team_id = p.team_id AND m.user_id = public.app_user_id())));
END $$;

CREATE OR REPLACE FUNCTION public.app_can_write_project(p_project_id integer)
RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM public.projects p
                    WHERE p.id = p_project_id
                      AND (p.user_id = public.app_user_id()
                           OR EXISTS (SELECT 1 FROM public.team_members m
                                       WHERE m.team_id = p.team_id AND m.user_id = public.app_user_id()
                                         AND m.role IN ('editor', 'admin'))));
END $$;

CREATE OR REPLACE FUNCTION public.card_modules(p_project_uid text, p_org_uid text)
RETURNS text[] LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_org bigint;
    v_key text;
    lic record;
BEGIN
    IF p_project_uid IS NOT NULL THEN
        SELECT t.org_id INTO v_org FROM public.projects p JOIN public.teams t ON t.id = p.team_id
         WHERE p.uid = p_project_uid
           AND (p.user_id = public.app_user_id()
                OR EXISTS (SELECT 1 FROM public.team_members m
                            WHERE m.team_id = p.team_id AND m.user_id = public.app_user_id()));
    ELSIF p_org_uid IS NOT NULL THEN
        SELECT o.id INTO v_org FROM public.organizations o
         WHERE o.uid = p_org_uid
           AND EXISTS (SELECT 1 FROM public.organization_members m
                        WHERE m.org_id = o.id AND m.user_id = public.app_user_id());
    END IF;
    IF v_org IS NULL THEN
        v_key := 'personal_modules';
    ELSE
        SELECT * INTO lic FROM public.licenses l WHERE l.org_id = v_org;
        IF NOT FOUND THEN
            v_key := 'unlicensed_org_modules';
        END IF;
    END IF;
    IF v_key IS NOT NULL THEN   -- card_setting_list(v_key)
        RETURN COALESCE((SELECT array_remove(string_to_array(s.value, ','), '') FROM public.instance_settings s
                          WHERE s.key = v_key), '{}');
    END IF;
    IF lic.expires_at IS NOT NULL AND lic.expires_at <= now() THEN
        RETURN '{}';
    END IF;
    RETURN ARRAY(SELECT m.module FROM public.license_modules m WHERE m.license_id = lic.id ORDER BY m.module);
END;
$$;

-- card_ai_turn_store (sql/037) with the same one-project question: the caller may write the
-- project of the new session, or of the existing one (app_can_write_project: owner, or the
-- project's team's editor or admin, the halves of app_project_ids(true)).
CREATE OR REPLACE FUNCTION public.card_ai_turn_store(
    p_session_id integer, p_session_uid text, p_project_id integer, p_title text,
    p_entity_type text, p_entity_uid text,
    p_user_message_id integer, p_message text, p_selection text,
    p_answer_id integer, p_provider_code text, p_model text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := public.app_user_id();
BEGIN
    IF me IS NULL THEN
        RETURN false;
    END IF;
    IF p_project_id IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM public.projects p
                        WHERE p.id = p_project_id AND p.is_deleted IS NOT TRUE
                          AND public.app_can_write_project(p.id)) THEN
            RETURN false;
        END IF;
        INSERT INTO public.ai_chat_sessions (id, uid, user_id, project_id, title, entity_type, entity_uid)
        VALUES (p_session_id, p_session_uid, me, p_project_id, p_title, p_entity_type, p_entity_uid);
    ELSIF NOT EXISTS (SELECT 1 FROM public.ai_chat_sessions s
                       WHERE s.id = p_session_id
                         AND (s.user_id = me OR public.app_can_write_project(s.project_id))) THEN
        RETURN false;
    ELSE
        UPDATE public.ai_chat_sessions SET updated_at = now() WHERE id = p_session_id;
    END IF;
    INSERT INTO public.ai_chat_messages (id, session_id, role, content, selection_text)
    VALUES (p_user_message_id, p_session_id, 'user', p_message, p_selection);
    INSERT INTO public.ai_chat_messages (id, session_id, role, content, provider_code, model)
    VALUES (p_answer_id, p_session_id, 'assistant', '', p_provider_code, p_model);
    RETURN true;
END $$;
