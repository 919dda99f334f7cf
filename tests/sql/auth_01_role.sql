-- auth_01_role.sql — the sign-in role card_auth (sql/011): no superuser, no BYPASSRLS, owns
-- nothing, may touch no table directly (with or without app.user_id), may call exactly the
-- sign-in functions — sign up, look a login up, create a session, set a password — and not the
-- purge. Run as card_auth.

DO $$
DECLARE
    r record;
    n int;
BEGIN
    IF current_user <> 'card_auth' THEN RAISE EXCEPTION 'this file must run as card_auth, not %', current_user; END IF;
    SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb INTO r FROM pg_roles WHERE rolname = current_user;
    IF r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb THEN
        RAISE EXCEPTION 'card_auth has too many powers: %', r;
    END IF;
    SELECT count(*) INTO n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user);
    IF n <> 0 THEN RAISE EXCEPTION 'card_auth owns % relations', n; END IF;
    SELECT count(*) INTO n FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S')
       AND (has_table_privilege(c.oid, 'SELECT') OR has_table_privilege(c.oid, 'INSERT')
            OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')
            OR has_any_column_privilege(c.oid, 'SELECT'));
    IF n <> 0 THEN RAISE EXCEPTION 'card_auth has privileges on % tables or sequences', n; END IF;
    IF has_function_privilege('card_sessions_purge(integer,integer)', 'EXECUTE') THEN
        RAISE EXCEPTION 'card_auth may purge every session';
    END IF;
    IF has_function_privilege('card_session_lookup(text)', 'EXECUTE') THEN
        RAISE EXCEPTION 'card_auth may look sessions up (the runtime role''s job)';
    END IF;
END $$;

-- the sign-in path: sign up, look up, new session, re-hash; tables stay closed all along
DO $$
DECLARE
    sfx text := replace(gen_random_uuid()::text, '-', '');
    email text := 'auth-' || sfx || '@example.test';
    tok text := encode(sha256(convert_to('tok' || sfx, 'UTF8')), 'hex');
    u text;
    r record;
BEGIN
    SELECT user_id INTO u FROM card_signup(email, 'Auth', 'hash-' || sfx);
    SELECT * INTO r FROM card_login_lookup(upper(email));
    IF r.user_id IS DISTINCT FROM u OR r.password_hash <> 'hash-' || sfx THEN
        RAISE EXCEPTION 'card_login_lookup returned %', r;
    END IF;
    PERFORM card_session_create(u, tok, email, 'Auth');
    BEGIN
        PERFORM card_session_create(u, 'not-a-hash', email, 'Auth');
        RAISE EXCEPTION 'card_session_create took a token that is not a SHA-256';
    EXCEPTION WHEN invalid_parameter_value THEN NULL;
    END;
    BEGIN
        PERFORM card_session_create('no-such-user', tok || '', email, 'Auth');
        RAISE EXCEPTION 'card_session_create made a session for no user';
    EXCEPTION WHEN invalid_parameter_value THEN NULL;
    END;
    PERFORM card_password_set(u, 'rehashed-' || sfx, false);
    IF (SELECT password_hash FROM card_login_lookup(email)) <> 'rehashed-' || sfx THEN
        RAISE EXCEPTION 'card_password_set did not store the hash';
    END IF;
    BEGIN
        PERFORM card_password_set('no-such-user', 'x', true);
        RAISE EXCEPTION 'card_password_set accepted an unknown user';
    EXCEPTION WHEN invalid_parameter_value THEN NULL;
    END;
    PERFORM set_config('app.user_id', u, true);
    BEGIN
        PERFORM count(*) FROM sessions;
        RAISE EXCEPTION 'card_auth read sessions';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        PERFORM id FROM users;
        RAISE EXCEPTION 'card_auth read users';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        PERFORM card_sessions_purge(1, 1);
        RAISE EXCEPTION 'card_auth purged every session';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;
