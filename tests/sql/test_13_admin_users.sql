-- test_13_admin_users.sql — the super admin's user management (sql/028): only a super admin
-- lists users, disables, grants admin or makes reset links; card_app can neither write
-- disabled_at nor read reset token hashes nor use a link; disabling ends the user's sessions and
-- hides new ones from card_session_lookup; nobody disables themselves; the last enabled super
-- admin stays; a newer reset link closes the older one.  Run as card_app.

DO $$
DECLARE
    sfx text := replace(gen_random_uuid()::text, '-', '');
    a text; b text; boss text;
    ea text := 'adm-a-' || sfx || '@example.test';
    h1 text := encode(sha256(('one' || sfx)::bytea), 'hex');
    h2 text := encode(sha256(('two' || sfx)::bytea), 'hex');
    st text := encode(sha256(('sess' || sfx)::bytea), 'hex');
    st2 text := encode(sha256(('sess2' || sfx)::bytea), 'hex');
    n int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup(ea, 'Alpha', 'h');
    SELECT user_id INTO b FROM sqltest.signup('adm-b-' || sfx || '@example.test', 'Beta', 'h');
    boss := sqltest.super_admin();
    IF boss IS NULL OR boss IN (a, b) THEN RAISE EXCEPTION 'no earlier super admin to test with'; END IF;

    IF has_column_privilege('public.users', 'disabled_at', 'UPDATE') THEN
        RAISE EXCEPTION 'card_app may update users.disabled_at';
    END IF;
    IF has_column_privilege('public.password_resets', 'token_hash', 'SELECT')
       OR has_table_privilege('public.password_resets', 'INSERT')
       OR has_table_privilege('public.password_resets', 'UPDATE') THEN
        RAISE EXCEPTION 'card_app reads reset token hashes or writes reset links';
    END IF;
    IF has_function_privilege('public.card_password_reset_use(text, text)', 'EXECUTE')
       OR has_function_privilege('public.card_login_disabled(text)', 'EXECUTE') THEN
        RAISE EXCEPTION 'card_app may use a reset link or ask the sign-in question';
    END IF;

    -- an ordinary user: every admin function refuses
    PERFORM set_config('app.user_id', a, true);
    BEGIN PERFORM * FROM card_admin_users(NULL, 10, 0); RAISE EXCEPTION 'a user listed users';
    EXCEPTION WHEN insufficient_privilege THEN NULL; END;
    BEGIN PERFORM card_admin_user_set(b, true, NULL); RAISE EXCEPTION 'a user disabled another';
    EXCEPTION WHEN insufficient_privilege THEN NULL; END;
    BEGIN PERFORM card_admin_user_set(a, NULL, true); RAISE EXCEPTION 'a user made themselves admin';
    EXCEPTION WHEN insufficient_privilege THEN NULL; END;
    BEGIN PERFORM * FROM card_password_reset_create(b, h1, 24); RAISE EXCEPTION 'a user made a reset link';
    EXCEPTION WHEN insufficient_privilege THEN NULL; END;
    BEGIN PERFORM * FROM card_admin_orgs(); RAISE EXCEPTION 'a user listed organizations';
    EXCEPTION WHEN insufficient_privilege THEN NULL; END;

    -- the super admin
    PERFORM set_config('app.user_id', boss, true);
    SELECT count(*) INTO n FROM card_admin_users(upper(ea), 10, 0);
    IF n <> 1 THEN RAISE EXCEPTION 'search by e-mail found % users', n; END IF;
    SELECT count(*) INTO n FROM card_admin_users('%', 10, 0);
    IF n <> 0 THEN RAISE EXCEPTION 'a %% search is a pattern: % users', n; END IF;
    BEGIN PERFORM card_admin_user_set(boss, true, NULL); RAISE EXCEPTION 'the admin disabled themselves';
    EXCEPTION WHEN SQLSTATE 'CN403' THEN NULL; END;
    BEGIN PERFORM card_admin_user_set('no such user', true, NULL); RAISE EXCEPTION 'disabled nobody';
    EXCEPTION WHEN SQLSTATE 'CN002' THEN NULL; END;
    IF (SELECT count(*) FROM card_admin_users(NULL, 200, 0) WHERE is_super_admin AND NOT disabled) = 1 THEN
        BEGIN PERFORM card_admin_user_set(boss, NULL, false); RAISE EXCEPTION 'the last admin stepped down';
        EXCEPTION WHEN SQLSTATE 'CN409' THEN NULL; END;
    END IF;

    PERFORM sqltest.insert_session(gen_random_uuid()::text, st, b, 'b');
    IF (SELECT count(*) FROM card_session_lookup(st)) <> 1 THEN RAISE EXCEPTION 'no session before'; END IF;
    PERFORM card_admin_user_set(b, true, NULL);
    IF (SELECT count(*) FROM card_session_lookup(st)) <> 0 THEN RAISE EXCEPTION 'the session outlived the disable'; END IF;
    PERFORM sqltest.insert_session(gen_random_uuid()::text, st2, b, 'b');
    IF (SELECT count(*) FROM card_session_lookup(st2)) <> 0 THEN RAISE EXCEPTION 'a disabled user''s session is found'; END IF;
    IF NOT (SELECT disabled FROM card_admin_users(NULL, 200, 0) WHERE id = b) THEN RAISE EXCEPTION 'not listed disabled'; END IF;
    PERFORM card_admin_user_set(b, false, NULL);
    IF (SELECT count(*) FROM card_session_lookup(st2)) <> 1 THEN RAISE EXCEPTION 'enabled, the session is not found'; END IF;

    PERFORM * FROM card_password_reset_create(b, h1, 24);
    IF (SELECT state FROM card_password_reset_info(h1)) <> 'open' THEN RAISE EXCEPTION 'a new link is not open'; END IF;
    PERFORM * FROM card_password_reset_create(b, h2, 24);
    IF (SELECT state FROM card_password_reset_info(h1)) <> 'expired' THEN RAISE EXCEPTION 'the older link stays open'; END IF;
    IF (SELECT state FROM card_password_reset_info(h2)) <> 'open' THEN RAISE EXCEPTION 'the newer link is not open'; END IF;
    BEGIN PERFORM * FROM card_password_reset_create(b, 'not-a-hash', 24); RAISE EXCEPTION 'a malformed hash stored';
    EXCEPTION WHEN invalid_parameter_value THEN NULL; END;
    IF (SELECT count(*) FROM card_password_reset_info('unknown')) <> 0 THEN RAISE EXCEPTION 'an unknown link has a state'; END IF;
END
$$;
