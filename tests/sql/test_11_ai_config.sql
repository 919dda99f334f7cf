-- test_11_ai_config.sql — sql/019: the AI seed is there once (migrations ran twice), users see and
-- change only their own AI configurations and usage, super admins see all usage, usage rows are
-- append-only, limits and instance settings are written by super admins only, built-in prompts are
-- read-only, a user has at most one default prompt, chat totals follow messages. Run as card_app
-- with -v admin_id=… (run.sh).

SELECT set_config('test.admin11', :'admin_id', false) AS admin \gset

-- the seed, once
DO $$
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.admin11'), true);
    IF (SELECT count(*) FROM ai_system_prompts WHERE id = 'builtin-default' AND is_built_in AND is_default) <> 1 THEN
        RAISE EXCEPTION 'built-in default prompt missing';
    END IF;
    IF (SELECT count(*) FROM ai_rule_defaults) <> 3 THEN RAISE EXCEPTION 'rule defaults: %', (SELECT count(*) FROM ai_rule_defaults); END IF;
    IF (SELECT count(*) FROM ai_settings) <> 1 THEN RAISE EXCEPTION 'ai_settings must hold one row'; END IF;
    IF (SELECT count(*) FROM ai_models m JOIN ai_providers p ON p.id = m.provider_id
         WHERE p.code = 'openai' AND m.model_identifier = 'gpt-4o-mini' AND m.input_price IS NOT NULL) <> 1 THEN
        RAISE EXCEPTION 'gpt-4o-mini missing, duplicated or unpriced';
    END IF;
    IF EXISTS (SELECT 1 FROM ai_providers WHERE wire IS NULL) THEN RAISE EXCEPTION 'a provider without a wire format'; END IF;
END $$;

-- two users with a config and usage each
DO $$
DECLARE
    a text; b text; pid int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('ai11-a-' || gen_random_uuid() || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('ai11-b-' || gen_random_uuid() || '@example.test', 'B', 'h');
    PERFORM set_config('test.a11', a, false);
    PERFORM set_config('test.b11', b, false);
    SELECT id INTO pid FROM ai_providers WHERE code = 'openai';
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO user_ai_configs (user_id, provider_id, api_key) VALUES (a, pid, 'v1:sealed-a');
    INSERT INTO ai_usage (user_id, provider_code, model_identifier, input_tokens, output_tokens, cost)
        VALUES (a, 'openai', 'gpt-4o', 1, 2, 0.5);
    BEGIN
        INSERT INTO ai_usage (user_id, provider_code, model_identifier) VALUES (b, 'openai', 'gpt-4o');
        RAISE EXCEPTION 'a user recorded usage for another user';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO user_ai_configs (user_id, provider_id, api_key) VALUES (b, pid, 'planted');
        RAISE EXCEPTION 'a user created a config for another user';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE ai_usage SET cost = 0;
        RAISE EXCEPTION 'usage rows were rewritten';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        DELETE FROM ai_usage;
        RAISE EXCEPTION 'usage rows were deleted';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    PERFORM set_config('app.user_id', b, true);
    INSERT INTO ai_usage (user_id, provider_code, model_identifier, cost) VALUES (b, 'gemini', 'gemini-1.5-pro', 0.25);
    IF EXISTS (SELECT 1 FROM user_ai_configs WHERE user_id = a) THEN RAISE EXCEPTION 'B sees A''s config'; END IF;
    UPDATE user_ai_configs SET api_key = 'stolen' WHERE user_id = a;
    IF FOUND THEN RAISE EXCEPTION 'B changed A''s config'; END IF;
    IF (SELECT count(*) FROM ai_usage) <> 1 THEN RAISE EXCEPTION 'B sees % usage rows, not only its own', (SELECT count(*) FROM ai_usage); END IF;
    -- the month's cost covers every user (SECURITY DEFINER), though B sees only its rows
    IF ai_month_cost() < 0.75 THEN RAISE EXCEPTION 'ai_month_cost misses other users: %', ai_month_cost(); END IF;
    IF EXISTS (SELECT 1 FROM ai_admin_users()) THEN RAISE EXCEPTION 'an ordinary user lists users'; END IF;
    -- limits and instance settings: readable defaults, not writable by users
    IF (SELECT count(*) FROM ai_settings) <> 1 THEN RAISE EXCEPTION 'a user cannot read the instance defaults'; END IF;
    UPDATE ai_settings SET monthly_budget = 1000000;
    IF FOUND THEN RAISE EXCEPTION 'a user changed the budget'; END IF;
    BEGIN
        INSERT INTO ai_user_limits (user_id, requests_per_hour) VALUES (b, 1000000);
        RAISE EXCEPTION 'a user set their own limits';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- the super admin sees all usage and sets limits; built-in prompts stay read-only even for it
DO $$
DECLARE
    a text := current_setting('test.a11');
    b text := current_setting('test.b11');
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.admin11'), true);
    IF (SELECT count(*) FROM ai_usage WHERE user_id IN (a, b)) <> 2 THEN RAISE EXCEPTION 'the admin does not see all usage'; END IF;
    IF EXISTS (SELECT 1 FROM user_ai_configs WHERE user_id = a) THEN RAISE EXCEPTION 'the admin sees a user''s key row'; END IF;
    IF NOT EXISTS (SELECT 1 FROM ai_admin_users() WHERE id = b) THEN RAISE EXCEPTION 'the admin cannot list users'; END IF;
    INSERT INTO ai_user_limits (user_id, requests_per_hour) VALUES (b, 5)
        ON CONFLICT (user_id) DO UPDATE SET requests_per_hour = 5;
    UPDATE ai_settings SET requests_per_day = requests_per_day;
    IF NOT FOUND THEN RAISE EXCEPTION 'the admin cannot change instance settings'; END IF;
    UPDATE ai_system_prompts SET content = 'changed' WHERE id = 'builtin-default';
    IF FOUND THEN RAISE EXCEPTION 'a built-in prompt was changed'; END IF;
    DELETE FROM ai_system_prompts WHERE id = 'builtin-default';
    IF FOUND THEN RAISE EXCEPTION 'a built-in prompt was deleted'; END IF;
    PERFORM set_config('app.user_id', b, true);
    IF (SELECT requests_per_hour FROM ai_user_limits) <> 5 THEN RAISE EXCEPTION 'B cannot read its limits'; END IF;
    IF EXISTS (SELECT 1 FROM ai_usage WHERE user_id = a) THEN RAISE EXCEPTION 'B sees A''s usage'; END IF;
END $$;

-- one default of one's own; chat totals follow messages; votes follow their chat
DO $$
DECLARE
    a text := current_setting('test.a11');
    b text := current_setting('test.b11');
    sid int; mid int;
BEGIN
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO ai_system_prompts (id, name, content, user_id, is_default) VALUES ('p1-' || a, 'one', 'x', a, true);
    INSERT INTO ai_system_prompts (id, name, content, user_id, is_default) VALUES ('p2-' || a, 'two', 'y', a, true);
    IF (SELECT count(*) FROM ai_system_prompts WHERE user_id = a AND is_default) <> 1 THEN RAISE EXCEPTION 'two defaults'; END IF;
    IF NOT (SELECT is_default FROM ai_system_prompts WHERE id = 'builtin-default') THEN RAISE EXCEPTION 'built-in default cleared by a user'; END IF;
    BEGIN
        INSERT INTO ai_system_prompts (id, name, content, user_id, is_built_in) VALUES ('fake-' || a, 'f', 'z', a, true);
        RAISE EXCEPTION 'a user created a built-in prompt';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    INSERT INTO ai_chat_sessions (uid, user_id, title) VALUES (gen_random_uuid()::text, a, 'c') RETURNING id INTO sid;
    INSERT INTO ai_chat_messages (session_id, role, content, input_tokens, output_tokens, cost, status)
        VALUES (sid, 'assistant', 'hi', 10, 20, 0.001, 'partial') RETURNING id INTO mid;
    UPDATE ai_chat_messages SET output_tokens = 25, cost = 0.002, status = 'complete' WHERE id = mid;
    INSERT INTO ai_chat_messages (session_id, role, content, input_tokens, output_tokens, cost)
        VALUES (sid, 'assistant', 'again', 1, 1, 0.0005);
    IF (SELECT total_input_tokens || '/' || total_output_tokens || '/' || total_cost FROM ai_chat_sessions WHERE id = sid)
       <> '11/26/0.00250000' THEN
        RAISE EXCEPTION 'chat totals: %', (SELECT total_input_tokens || '/' || total_output_tokens || '/' || total_cost FROM ai_chat_sessions WHERE id = sid);
    END IF;
    BEGIN
        INSERT INTO ai_chat_messages (session_id, role, content, status) VALUES (sid, 'assistant', 'x', 'done');
        RAISE EXCEPTION 'a message status outside complete|partial|failed';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    INSERT INTO ai_message_votes (message_id, session_id, is_upvoted) VALUES (mid, sid, true);
    PERFORM set_config('app.user_id', b, true);
    IF EXISTS (SELECT 1 FROM ai_message_votes WHERE message_id = mid) THEN RAISE EXCEPTION 'B sees A''s vote'; END IF;
    BEGIN
        INSERT INTO ai_message_votes (message_id, session_id, is_upvoted) VALUES (mid + 1, sid, false);
        RAISE EXCEPTION 'B voted in A''s chat';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;
