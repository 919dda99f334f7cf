-- test_06_ai_and_misc.sql — the AI catalogue (readable by all, written by super admins only), seeded
-- providers/models, system prompts (global ones readable by all), chat messages following their
-- conversation, db_catalogs following their account. Run as card_app with -v admin_id=… (run.sh).

SELECT set_config('test.admin', :'admin_id', false) AS admin \gset

-- seed of 008, readable without any user
DO $$
BEGIN
    IF (SELECT count(*) FROM ai_providers WHERE code IN ('openai', 'gemini', 'openai_compatible')) <> 3 THEN
        RAISE EXCEPTION 'seeded providers not visible: %', (SELECT array_agg(code) FROM ai_providers);
    END IF;
    IF (SELECT count(*) FROM ai_models m JOIN ai_providers p ON p.id = m.provider_id
         WHERE (p.code, m.model_identifier) IN (('openai', 'gpt-4o'), ('openai', 'gpt-4o-mini'),
               ('gemini', 'gemini-1.5-pro'), ('gemini', 'gemini-1.5-flash'))) <> 4 THEN
        RAISE EXCEPTION 'seeded models missing or duplicated (migrations ran twice)';
    END IF;
END $$;

-- an ordinary user cannot change the catalogue
DO $$
DECLARE
    u text;
BEGIN
    SELECT user_id INTO u FROM sqltest.signup('ai-' || gen_random_uuid() || '@example.test', 'U', 'h');
    PERFORM set_config('app.user_id', u, true);
    IF app_is_super_admin() THEN RAISE EXCEPTION 'an ordinary user is super admin'; END IF;
    BEGIN
        INSERT INTO ai_providers (name, code) VALUES ('Evil', 'evil-' || u);
        RAISE EXCEPTION 'ordinary user inserted a provider';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    UPDATE ai_providers SET base_url = 'https://evil.example' WHERE code = 'openai';
    IF FOUND THEN RAISE EXCEPTION 'ordinary user changed a provider'; END IF;
    DELETE FROM ai_models;
    IF FOUND THEN RAISE EXCEPTION 'ordinary user deleted models'; END IF;
    PERFORM set_config('test.user', u, false);
END $$;

-- the super admin can
DO $$
DECLARE
    adm text := current_setting('test.admin');
    pid int;
BEGIN
    PERFORM set_config('app.user_id', adm, true);
    IF NOT app_is_super_admin() THEN RAISE EXCEPTION 'the first user (%) is not super admin', adm; END IF;
    SELECT id INTO pid FROM ai_providers WHERE code = 'openai';
    INSERT INTO ai_models (provider_id, model_identifier, display_name) VALUES (pid, 'test-model-' || adm, 'Test');
    UPDATE ai_models SET is_active = false WHERE model_identifier = 'test-model-' || adm;
    IF NOT FOUND THEN RAISE EXCEPTION 'super admin could not update a model'; END IF;
    DELETE FROM ai_models WHERE model_identifier = 'test-model-' || adm;
    IF NOT FOUND THEN RAISE EXCEPTION 'super admin could not delete a model'; END IF;
END $$;

-- system prompts: global ones readable by all; own ones private
DO $$
DECLARE
    u text := current_setting('test.user');
    adm text := current_setting('test.admin');
BEGIN
    PERFORM set_config('app.user_id', adm, true);
    INSERT INTO ai_system_prompts (id, name, content, user_id) VALUES ('global-' || u, 'global', 'be nice', NULL);
    INSERT INTO ai_system_prompts (id, name, content, user_id) VALUES ('admin-own-' || u, 'mine', 'secret', adm);
    PERFORM set_config('app.user_id', u, true);
    IF NOT EXISTS (SELECT 1 FROM ai_system_prompts WHERE id = 'global-' || u) THEN
        RAISE EXCEPTION 'global prompt not readable';
    END IF;
    IF EXISTS (SELECT 1 FROM ai_system_prompts WHERE id = 'admin-own-' || u) THEN
        RAISE EXCEPTION 'another user''s prompt is readable';
    END IF;
    UPDATE ai_system_prompts SET content = 'be evil' WHERE id = 'global-' || u;
    IF FOUND THEN RAISE EXCEPTION 'ordinary user changed a global prompt'; END IF;
    INSERT INTO ai_system_prompts (id, name, content, user_id) VALUES ('user-own-' || u, 'mine', 'x', u);
    UPDATE ai_system_prompts SET content = 'y' WHERE id = 'user-own-' || u;
    IF NOT FOUND THEN RAISE EXCEPTION 'user could not change their own prompt'; END IF;
    BEGIN
        INSERT INTO ai_system_prompts (id, name, content, user_id) VALUES ('user-global-' || u, 'g', 'x', NULL);
        RAISE EXCEPTION 'ordinary user created a global prompt';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- chat messages follow their conversation; db_catalogs follow their account
DO $$
DECLARE
    u text := current_setting('test.user');
    adm text := current_setting('test.admin');
    sid int;
    acc int;
BEGIN
    PERFORM set_config('app.user_id', u, true);
    INSERT INTO ai_chat_sessions (uid, user_id, title) VALUES (gen_random_uuid()::text, u, 'chat') RETURNING id INTO sid;
    INSERT INTO ai_chat_messages (session_id, role, content) VALUES (sid, 'user', 'hello');
    INSERT INTO db_accounts (user_id, name, type) VALUES (u, 'db', 'postgres') RETURNING id INTO acc;
    INSERT INTO db_catalogs (account_id, database_name) VALUES (acc, 'shop');
    IF (SELECT count(*) FROM ai_chat_messages WHERE session_id = sid) <> 1
       OR (SELECT count(*) FROM db_catalogs WHERE account_id = acc) <> 1 THEN
        RAISE EXCEPTION 'owner cannot see own chat messages or catalogs';
    END IF;
    PERFORM set_config('app.user_id', adm, true);
    IF (SELECT count(*) FROM ai_chat_messages WHERE session_id = sid) <> 0 THEN RAISE EXCEPTION 'other user sees chat messages'; END IF;
    IF (SELECT count(*) FROM db_catalogs WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'other user sees db catalogs'; END IF;
    BEGIN
        INSERT INTO ai_chat_messages (session_id, role, content) VALUES (sid, 'user', 'injected');
        RAISE EXCEPTION 'other user wrote into a conversation';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO db_catalogs (account_id, database_name) VALUES (acc, 'evil');
        RAISE EXCEPTION 'other user added a catalog to an account';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;
