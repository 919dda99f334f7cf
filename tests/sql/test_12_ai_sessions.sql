-- test_12_ai_sessions.sql — public chats after sql/020: card_ai_chat_shared() answers the chat
-- of this transaction's share token only, only while it is public, never for a chat in a
-- deleted project; a share transaction still reads no chat table directly; another user can
-- neither make someone's chat public nor vote on its answers. Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    p_live int; p_dead int; s_pub int; s_priv int; s_dead int; m int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('chat12a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('chat12b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'live', a) RETURNING id INTO p_live;
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'dead', a) RETURNING id INTO p_dead;
    INSERT INTO ai_chat_sessions (uid, user_id, project_id, title, is_public, share_token)
        VALUES (gen_random_uuid()::text, a, p_live, 'pub', true, 'pub-' || sfx) RETURNING id INTO s_pub;
    INSERT INTO ai_chat_sessions (uid, user_id, project_id, title, is_public, share_token)
        VALUES (gen_random_uuid()::text, a, p_live, 'priv', false, 'priv-' || sfx) RETURNING id INTO s_priv;
    INSERT INTO ai_chat_sessions (uid, user_id, project_id, title, is_public, share_token)
        VALUES (gen_random_uuid()::text, a, p_dead, 'dead', true, 'dead-' || sfx) RETURNING id INTO s_dead;
    INSERT INTO ai_chat_messages (session_id, role, content) VALUES (s_pub, 'user', 'q'), (s_priv, 'user', 'secret'), (s_dead, 'user', 'gone');
    INSERT INTO ai_chat_messages (session_id, role, content, status) VALUES (s_pub, 'assistant', 'a', 'complete') RETURNING id INTO m;
    UPDATE projects SET is_deleted = true WHERE id = p_dead;

    -- the owner's own transaction (no share token): the function answers nothing
    IF EXISTS (SELECT 1 FROM card_ai_chat_shared()) THEN RAISE EXCEPTION 'shared chat without a share token'; END IF;

    -- another user: cannot publish the chat, cannot vote on its answer
    PERFORM set_config('app.user_id', b, true);
    UPDATE ai_chat_sessions SET is_public = true, share_token = 'b-' || sfx WHERE id = s_priv;
    BEGIN
        INSERT INTO ai_message_votes (message_id, session_id, is_upvoted) VALUES (m, s_pub, true);
        RAISE EXCEPTION 'another user voted on an answer';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    PERFORM set_config('app.user_id', a, true);
    IF (SELECT is_public FROM ai_chat_sessions WHERE id = s_priv) THEN RAISE EXCEPTION 'another user published a chat'; END IF;
    PERFORM set_config('test.sfx12', sfx, false);
END $$;

DO $$
DECLARE
    sfx text := current_setting('test.sfx12');
    n int;
BEGIN
    PERFORM set_config('app.user_id', '', true);
    PERFORM set_config('app.share_token', 'pub-' || sfx, true);
    SELECT count(*) INTO n FROM card_ai_chat_shared() WHERE title = 'pub' AND content IN ('q', 'a');
    IF n <> 2 THEN RAISE EXCEPTION 'public chat: % messages, want 2', n; END IF;
    IF EXISTS (SELECT 1 FROM ai_chat_sessions) OR EXISTS (SELECT 1 FROM ai_chat_messages) THEN
        RAISE EXCEPTION 'a share transaction reads the chat tables directly';
    END IF;
    PERFORM set_config('app.share_token', 'priv-' || sfx, true);
    IF EXISTS (SELECT 1 FROM card_ai_chat_shared()) THEN RAISE EXCEPTION 'a private chat opened by its old token'; END IF;
    PERFORM set_config('app.share_token', 'dead-' || sfx, true);
    IF EXISTS (SELECT 1 FROM card_ai_chat_shared()) THEN RAISE EXCEPTION 'a chat in a deleted project is shared'; END IF;
END $$;
