-- test_08_auth_boundary.sql — what the runtime role can no longer do (sql/011): call the sign-in
-- functions (learn a user's id and password hash by e-mail, sign up, mint a session, set a
-- password), log everyone out, or — even with app.user_id set to a user it knows — read or write
-- that user's password hash, insert a session or rewrite a session's token. Run as card_app.

-- Scenario: one user with one session, made through the owner's fixtures (run.sh 4b).
DO $$
DECLARE
    sfx text := replace(gen_random_uuid()::text, '-', '');
    v text;
BEGIN
    SELECT user_id INTO v FROM sqltest.signup('victim-' || sfx || '@example.test', 'Victim', 'secret-hash-' || sfx);
    PERFORM sqltest.insert_session('vs-' || sfx, 'vtok-' || sfx, v, 'victim-' || sfx || '@example.test');
    PERFORM set_config('test.victim', v, false);
    PERFORM set_config('test.sfx', sfx, false);
END $$;

-- no session set: none of the sign-in functions answers card_app
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
    email text := 'victim-' || current_setting('test.sfx') || '@example.test';
    tok text := encode(sha256(convert_to(sfx, 'UTF8')), 'hex');
BEGIN
    BEGIN
        PERFORM * FROM card_login_lookup(email);
        RAISE EXCEPTION 'card_app called card_login_lookup (user id and password hash by e-mail)';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        PERFORM * FROM card_signup('new-' || sfx || '@example.test', 'N', 'h');
        RAISE EXCEPTION 'card_app called card_signup';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        PERFORM card_session_create(current_setting('test.victim'), tok, email, 'x');
        RAISE EXCEPTION 'card_app minted a session with card_session_create';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        PERFORM card_password_set(current_setting('test.victim'), 'attacker-hash', false);
        RAISE EXCEPTION 'card_app set a password with card_password_set';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        PERFORM card_sessions_purge(1, 1);
        RAISE EXCEPTION 'card_app purged every session';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- with app.user_id set to the victim (the role can always do that): still no hash, no new
-- session, no token rewrite, no password write
DO $$
DECLARE
    v text := current_setting('test.victim');
    sfx text := current_setting('test.sfx');
BEGIN
    PERFORM set_config('app.user_id', v, true);
    IF (SELECT name FROM users WHERE id = v) IS DISTINCT FROM 'Victim' THEN
        RAISE EXCEPTION 'card_app lost ordinary read access to its user''s row';
    END IF;
    BEGIN
        PERFORM password FROM users WHERE id = v;
        RAISE EXCEPTION 'card_app read users.password';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        PERFORM * FROM users;
        RAISE EXCEPTION 'card_app read users.* (password included)';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE users SET password = 'attacker-hash' WHERE id = v;
        RAISE EXCEPTION 'card_app wrote users.password';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO sessions (id, token, user_id, email) VALUES ('minted-' || sfx, 'mtok-' || sfx, v, 'x');
        RAISE EXCEPTION 'card_app inserted a session';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE sessions SET token = 'known-' || sfx WHERE user_id = v;
        RAISE EXCEPTION 'card_app rewrote a session token';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    -- what the request path needs still works: touch last_seen_at, log out
    UPDATE sessions SET last_seen_at = now() WHERE token = 'vtok-' || sfx;
    IF NOT FOUND THEN RAISE EXCEPTION 'card_app cannot touch last_seen_at'; END IF;
    DELETE FROM sessions WHERE token = 'vtok-' || sfx;
    IF NOT FOUND THEN RAISE EXCEPTION 'card_app cannot log a session out'; END IF;
END $$;

-- the grants say the same
DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['card_signup(text,text,text)', 'card_login_lookup(text)',
        'card_session_create(text,text,text,text)', 'card_password_set(text,text,boolean)',
        'card_sessions_purge(integer,integer)']
    LOOP
        IF has_function_privilege('card_app', f, 'EXECUTE') THEN RAISE EXCEPTION 'card_app may execute %', f; END IF;
    END LOOP;
    IF has_column_privilege('public.users', 'password', 'SELECT') OR has_column_privilege('public.users', 'password', 'UPDATE') THEN
        RAISE EXCEPTION 'card_app may read or write users.password';
    END IF;
    IF has_table_privilege('public.sessions', 'INSERT') OR has_column_privilege('public.sessions', 'token', 'UPDATE')
       OR has_column_privilege('public.sessions', 'user_id', 'UPDATE') THEN
        RAISE EXCEPTION 'card_app may insert sessions or rewrite their token or owner';
    END IF;
    IF pg_has_role('card_auth', 'MEMBER') THEN RAISE EXCEPTION 'card_app is a member of card_auth'; END IF;
END $$;
