-- test_16_ai_relay_fast.sql — sql/037's SECURITY DEFINER writes of a chat turn check what the
-- policies would: card_ai_turn_store makes a session only in a live project the caller may write
-- and adds messages only to the caller's own session (or one of a project the caller may
-- write); card_ai_answer_store updates only an answer in the caller's own session; refused calls
-- write nothing.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    p_a int; p_dead int; s int; s2 int; m3 int; m1 int; m2 int; n int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('relay16a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('relay16b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'mine', a) RETURNING id INTO p_a;
    INSERT INTO projects (uid, name, user_id, is_deleted) VALUES (gen_random_uuid()::text, 'dead', a, true) RETURNING id INTO p_dead;
    s := nextval('ai_chat_sessions_id_seq'); m1 := nextval('ai_chat_messages_id_seq'); m2 := nextval('ai_chat_messages_id_seq');

    -- another user can put no session in A's project, nor a message in A's session
    PERFORM set_config('app.user_id', b, true);
    IF card_ai_turn_store(s, 'u16-' || sfx, p_a, 't', NULL, NULL, m1, 'q', NULL, m2, 'openai', 'm') THEN
        RAISE EXCEPTION 'a session made in another user''s project';
    END IF;
    PERFORM set_config('app.user_id', a, true);
    IF EXISTS (SELECT 1 FROM ai_chat_sessions WHERE id = s) THEN RAISE EXCEPTION 'a refused session was written'; END IF;

    -- nor A in a deleted project
    IF card_ai_turn_store(s, 'u16-' || sfx, p_dead, 't', NULL, NULL, m1, 'q', NULL, m2, 'openai', 'm') THEN
        RAISE EXCEPTION 'a session made in a deleted project';
    END IF;

    -- A: the session, the question and the empty answer, under the ids taken
    IF NOT card_ai_turn_store(s, 'u16-' || sfx, p_a, 'title', 'diagram', 'd1', m1, 'q', 'sel', m2, 'openai', 'm') THEN
        RAISE EXCEPTION 'the owner''s turn refused';
    END IF;
    SELECT count(*) INTO n FROM ai_chat_sessions WHERE id = s AND user_id = a AND project_id = p_a AND title = 'title'
        AND entity_type = 'diagram' AND entity_uid = 'd1';
    IF n <> 1 THEN RAISE EXCEPTION 'session not stored as asked'; END IF;
    SELECT count(*) INTO n FROM ai_chat_messages WHERE (id = m1 AND session_id = s AND role = 'user' AND content = 'q'
        AND selection_text = 'sel') OR (id = m2 AND session_id = s AND role = 'assistant' AND content = '' AND status IS NULL
        AND provider_code = 'openai' AND model = 'm');
    IF n <> 2 THEN RAISE EXCEPTION 'turn messages not stored as asked (% of 2)', n; END IF;

    -- B can neither add a turn to A's session nor write A's answer
    PERFORM set_config('app.user_id', b, true);
    s2 := nextval('ai_chat_messages_id_seq'); m3 := nextval('ai_chat_messages_id_seq');
    IF card_ai_turn_store(s, NULL, NULL, NULL, NULL, NULL, s2, 'intruder', NULL, m3, 'openai', 'm') THEN
        RAISE EXCEPTION 'a message added to another user''s session';
    END IF;
    IF card_ai_answer_store(m2, 'forged', 'complete', 1, 1, 0.5, 1, false) THEN
        RAISE EXCEPTION 'another user''s answer written';
    END IF;
    PERFORM set_config('app.user_id', a, true);
    IF EXISTS (SELECT 1 FROM ai_chat_messages WHERE content IN ('intruder', 'forged')) THEN
        RAISE EXCEPTION 'a refused write was stored';
    END IF;

    -- A stores the answer: the totals follow (trigger), a user message is no answer
    IF NOT card_ai_answer_store(m2, 'a', 'complete', 10, 4, 0.25, 7, false) THEN
        RAISE EXCEPTION 'the owner''s answer refused';
    END IF;
    IF card_ai_answer_store(m1, 'x', 'complete', 1, 1, 0, 1, false) THEN
        RAISE EXCEPTION 'a user message written as an answer';
    END IF;
    SELECT count(*) INTO n FROM ai_chat_sessions WHERE id = s AND total_input_tokens = 10 AND total_output_tokens = 4
        AND total_cost = 0.25;
    IF n <> 1 THEN RAISE EXCEPTION 'session totals not updated'; END IF;
    SELECT count(*) INTO n FROM ai_chat_messages WHERE id = m2 AND content = 'a' AND status = 'complete' AND duration_ms = 7;
    IF n <> 1 THEN RAISE EXCEPTION 'answer not stored'; END IF;

    -- a second turn of A's session (no project: an existing session)
    IF NOT card_ai_turn_store(s, NULL, NULL, NULL, NULL, NULL, s2, 'again', NULL, m3, 'openai', 'm') THEN
        RAISE EXCEPTION 'the owner''s second turn refused';
    END IF;
    IF (SELECT count(*) FROM ai_chat_messages WHERE session_id = s) <> 4 THEN RAISE EXCEPTION 'second turn not stored'; END IF;
END $$;
