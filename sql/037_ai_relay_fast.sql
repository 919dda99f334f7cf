-- 037_ai_relay_fast.sql — an AI chat turn's writes in one statement each (issue 13: the time the
-- relay adds).  Through row-level security every INSERT and UPDATE of ai_chat_messages and
-- ai_chat_sessions evaluated app_project_ids() in several policies (005, 021, 024), and the
-- ai_chat_totals trigger's UPDATE of the session went through them again: 15-45 ms a turn on a
-- loaded server, for rows whose ownership the handler had just read.  Here two SECURITY DEFINER
-- functions check it once, with the very conditions of those policies, and write as the owner:
--   card_ai_turn_store   a turn's rows before the answer: the session (when new), the user's
--                        message and the empty answer row, under ids the caller took from the
--                        sequences (nextval), and the session's updated_at;
--   card_ai_answer_store the answer after it: text, status, tokens, cost, time; the session's
--                        updated_at (its totals follow from the trigger, as before).
-- Additive: the tables, policies and trigger are unchanged (ERD Builder Pro writes them as
-- before); idempotent (CREATE OR REPLACE).

-- card_ai_turn_store: p_project_id names the project of a NEW session p_session_id (uid
-- p_session_uid, title, entity); NULL: p_session_id is an existing session.  The caller must be
-- allowed what the policies allow: a new session only in a live project the caller may write
-- (own_rows + team_only_insert), a message only in a session the caller owns or whose project
-- the caller may write (own_rows, project_write).  false (nothing written) otherwise.
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
                          AND p.id IN (SELECT public.app_project_ids(true))) THEN
            RETURN false;
        END IF;
        INSERT INTO public.ai_chat_sessions (id, uid, user_id, project_id, title, entity_type, entity_uid)
        VALUES (p_session_id, p_session_uid, me, p_project_id, p_title, p_entity_type, p_entity_uid);
    ELSIF NOT EXISTS (SELECT 1 FROM public.ai_chat_sessions s
                       WHERE s.id = p_session_id
                         AND (s.user_id = me OR s.project_id IN (SELECT public.app_project_ids(true)))) THEN
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
REVOKE ALL ON FUNCTION public.card_ai_turn_store(integer, text, integer, text, text, text, integer,
    text, text, integer, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_ai_turn_store(integer, text, integer, text, text, text, integer,
    text, text, integer, text, text) TO card_app;

-- card_ai_answer_store: the answer p_id, when it is an answer in a session of the caller (the
-- UPDATE policy of ai_chat_messages, own_rows, allows no more).  false otherwise.
CREATE OR REPLACE FUNCTION public.card_ai_answer_store(
    p_id integer, p_content text, p_status text, p_input_tokens integer, p_output_tokens integer,
    p_cost numeric, p_duration_ms integer, p_estimated boolean)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    sid integer;
BEGIN
    SELECT m.session_id INTO sid
      FROM public.ai_chat_messages m JOIN public.ai_chat_sessions s ON s.id = m.session_id
     WHERE m.id = p_id AND m.role = 'assistant' AND s.user_id = public.app_user_id();
    IF sid IS NULL THEN
        RETURN false;
    END IF;
    UPDATE public.ai_chat_messages
       SET content = p_content, status = p_status, input_tokens = p_input_tokens,
           output_tokens = p_output_tokens, cost = p_cost, duration_ms = p_duration_ms,
           estimated = p_estimated
     WHERE id = p_id;
    UPDATE public.ai_chat_sessions SET updated_at = now() WHERE id = sid;
    RETURN true;
END $$;
REVOKE ALL ON FUNCTION public.card_ai_answer_store(integer, text, text, integer, integer, numeric,
    integer, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_ai_answer_store(integer, text, text, integer, integer, numeric,
    integer, boolean) TO card_app;
