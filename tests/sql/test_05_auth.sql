-- test_05_auth.sql — the SECURITY DEFINER functions used before a user id is known: card_signup,
-- card_login_lookup, card_session_lookup, card_sessions_purge and the login throttle. Run as card_app
-- after run.sh's signup race (so the users table is no longer empty). card_app may not call the
-- sign-up, login lookup and purge functions itself (011; test_08): their behaviour is checked here
-- through run.sh's owner-defined fixtures sqltest.*, which call them unchanged.

-- signup: e-mail normalised, later users are not super admins, duplicates in any case refused
DO $$
DECLARE
    sfx text := replace(gen_random_uuid()::text, '-', '');
    r record;
    r2 record;
BEGIN
    SELECT * INTO r FROM sqltest.signup('  Mixed.Case-' || sfx || '@Example.TEST ', 'Mixed', 'hash1');
    IF r.user_id IS NULL OR r.user_id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        RAISE EXCEPTION 'signup returned a bad id %', r.user_id;
    END IF;
    IF r.is_super_admin THEN RAISE EXCEPTION 'a later signup became super admin'; END IF;
    PERFORM set_config('app.user_id', r.user_id, true);
    IF (SELECT email FROM users WHERE id = r.user_id) <> 'mixed.case-' || sfx || '@example.test' THEN
        RAISE EXCEPTION 'email not lower-cased and trimmed: %', (SELECT email FROM users WHERE id = r.user_id);
    END IF;
    IF (SELECT password_hash FROM sqltest.login_lookup(' MIXED.case-' || sfx || '@EXAMPLE.test')) <> 'hash1'
       OR (SELECT is_super_admin FROM users WHERE id = r.user_id) IS DISTINCT FROM false THEN
        RAISE EXCEPTION 'signup stored the wrong password or admin flag';
    END IF;
    BEGIN
        PERFORM sqltest.signup('MIXED.CASE-' || upper(sfx) || '@example.test', 'Again', 'hash2');
        RAISE EXCEPTION 'duplicate e-mail in another case was accepted';
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
    BEGIN
        PERFORM sqltest.signup('', 'Nobody', 'hash');
        RAISE EXCEPTION 'empty e-mail accepted';
    EXCEPTION WHEN invalid_parameter_value THEN NULL;
    END;
    -- login lookup, in any case and with blanks
    SELECT * INTO r2 FROM sqltest.login_lookup(' MIXED.case-' || sfx || '@EXAMPLE.test');
    IF r2.user_id IS DISTINCT FROM r.user_id OR r2.password_hash <> 'hash1' OR r2.name <> 'Mixed'
       OR r2.is_super_admin IS DISTINCT FROM false THEN
        RAISE EXCEPTION 'card_login_lookup returned %', r2;
    END IF;
    IF EXISTS (SELECT 1 FROM sqltest.login_lookup('nobody-' || sfx || '@example.test')) THEN
        RAISE EXCEPTION 'card_login_lookup found an unknown e-mail';
    END IF;
    PERFORM set_config('test.user', r.user_id, false);
    PERFORM set_config('test.email', 'mixed.case-' || sfx || '@example.test', false);
    PERFORM set_config('test.sfx', sfx, false);
END $$;

-- the race winner of run.sh is the one super admin, and login lookup says so
SELECT set_config('test.admin', :'admin_id', false) AS admin \gset
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sqltest.login_lookup('racer1@example.test'))
       OR (SELECT count(*) FROM generate_series(1, 6) i
            JOIN LATERAL sqltest.login_lookup('RACER' || i || '@example.test') l ON true
           WHERE l.is_super_admin) <> 1 THEN
        RAISE EXCEPTION 'not exactly one of the racing first signups is super admin';
    END IF;
    IF (SELECT l.user_id FROM generate_series(1, 6) i
          JOIN LATERAL sqltest.login_lookup('racer' || i || '@example.test') l ON true
         WHERE l.is_super_admin) IS DISTINCT FROM current_setting('test.admin') THEN
        RAISE EXCEPTION 'super admin is not the signup that was told so';
    END IF;
END $$;

-- sessions: lookup by token hash, epochs read as UTC, last_seen falls back to created_at
DO $$
DECLARE
    u text := current_setting('test.user');
    sfx text := current_setting('test.sfx');
    r record;
BEGIN
    PERFORM set_config('app.user_id', u, true);
    PERFORM sqltest.insert_session('sess-' || sfx, 'hash-' || sfx, u, current_setting('test.email'), 'Mixed',
                                   '2020-01-01 00:00:00', NULL, 'csrf-' || sfx);
END $$;
DO $$
DECLARE
    u text := current_setting('test.user');
    sfx text := current_setting('test.sfx');
    r record;
BEGIN
    -- no app.user_id here: the lookup happens before the user is known
    SELECT * INTO r FROM card_session_lookup('hash-' || sfx);
    IF NOT FOUND THEN RAISE EXCEPTION 'card_session_lookup found nothing'; END IF;
    IF r.session_id <> 'sess-' || sfx OR r.user_id <> u OR r.email <> current_setting('test.email')
       OR r.name <> 'Mixed' OR r.is_super_admin OR r.csrf_secret <> 'csrf-' || sfx THEN
        RAISE EXCEPTION 'card_session_lookup returned %', r;
    END IF;
    IF r.created_epoch <> 1577836800 THEN RAISE EXCEPTION 'created_epoch %, expected 1577836800', r.created_epoch; END IF;
    IF r.last_seen_epoch <> 1577836800 THEN RAISE EXCEPTION 'last_seen_epoch % does not fall back to created', r.last_seen_epoch; END IF;
    IF r.password_changed_epoch IS NOT NULL THEN RAISE EXCEPTION 'password_changed_epoch should be NULL'; END IF;
    IF EXISTS (SELECT 1 FROM card_session_lookup('sess-' || sfx)) OR EXISTS (SELECT 1 FROM card_session_lookup('hash-' || sfx || 'x'))
       OR EXISTS (SELECT 1 FROM card_session_lookup(NULL)) THEN
        RAISE EXCEPTION 'card_session_lookup matched something other than the token hash';
    END IF;
    -- the table itself stays hidden without app.user_id
    IF (SELECT count(*) FROM sessions) <> 0 THEN RAISE EXCEPTION 'sessions visible without a user'; END IF;
END $$;
DO $$
DECLARE
    u text := current_setting('test.user');
    sfx text := current_setting('test.sfx');
    r record;
BEGIN
    PERFORM set_config('app.user_id', u, true);
    UPDATE sessions SET last_seen_at = '2020-01-01 00:10:00.5' WHERE id = 'sess-' || sfx;
    PERFORM sqltest.password_changed_at(u, '2021-06-01 12:00:00');
    SELECT * INTO r FROM card_session_lookup('hash-' || sfx);
    IF r.last_seen_epoch <> 1577837400.5 THEN RAISE EXCEPTION 'last_seen_epoch %', r.last_seen_epoch; END IF;
    IF r.password_changed_epoch <> 1622548800 THEN RAISE EXCEPTION 'password_changed_epoch %', r.password_changed_epoch; END IF;
    -- a soft-deleted user has no session and cannot log in
    UPDATE users SET deleted_at = now() WHERE id = u;
    IF EXISTS (SELECT 1 FROM card_session_lookup('hash-' || sfx)) THEN RAISE EXCEPTION 'deleted user still has a session'; END IF;
    IF EXISTS (SELECT 1 FROM sqltest.login_lookup(current_setting('test.email'))) THEN RAISE EXCEPTION 'deleted user can log in'; END IF;
    UPDATE users SET deleted_at = NULL WHERE id = u;
    IF NOT EXISTS (SELECT 1 FROM card_session_lookup('hash-' || sfx)) THEN RAISE EXCEPTION 'undeleted user lost the session'; END IF;
END $$;

-- purge: idle and absolute expiry, for all users
DO $$
DECLARE
    u text := current_setting('test.user');
    sfx text := current_setting('test.sfx');
    utc_now timestamp := now() AT TIME ZONE 'UTC';
    n int;
BEGIN
    PERFORM set_config('app.user_id', u, true);
    PERFORM sqltest.insert_session('fresh-' || sfx, 'h-fresh-' || sfx, u, 'e', NULL, utc_now - interval '1 hour', utc_now - interval '1 minute');
    PERFORM sqltest.insert_session('idle-' || sfx, 'h-idle-' || sfx, u, 'e', NULL, utc_now - interval '2 hours', utc_now - interval '31 minutes');
    PERFORM sqltest.insert_session('idle2-' || sfx, 'h-idle2-' || sfx, u, 'e', NULL, utc_now - interval '40 minutes', NULL);
    PERFORM sqltest.insert_session('old-' || sfx, 'h-old-' || sfx, u, 'e', NULL, utc_now - interval '25 hours', utc_now - interval '1 minute');
    PERFORM set_config('app.user_id', '', true);
    n := sqltest.sessions_purge(1800, 86400);
    -- the 2020 session of the previous block, plus idle, idle2 and old
    IF n < 4 THEN RAISE EXCEPTION 'card_sessions_purge deleted % sessions, expected at least 4', n; END IF;
    PERFORM set_config('app.user_id', u, true);
    IF (SELECT array_agg(id ORDER BY id) FROM sessions) IS DISTINCT FROM ARRAY['fresh-' || sfx] THEN
        RAISE EXCEPTION 'after purge the sessions are %', (SELECT array_agg(id ORDER BY id) FROM sessions);
    END IF;
    IF sqltest.sessions_purge(1800, 86400) <> 0 THEN RAISE EXCEPTION 'second purge deleted something'; END IF;
END $$;

-- throttle: free for 4 failures, then 1, 2, 4 … seconds, at most 900; success clears the key
DO $$
DECLARE
    k text := 'ip:test-' || gen_random_uuid();
    other text := 'ip:other-' || gen_random_uuid();
    w int;
BEGIN
    IF card_login_throttle_check(k) <> 0 THEN RAISE EXCEPTION 'unknown key must not wait'; END IF;
    FOR i IN 1..4 LOOP PERFORM card_login_failed(k); END LOOP;
    w := card_login_throttle_check(k);
    IF w <> 0 THEN RAISE EXCEPTION 'after 4 failures the wait is %, expected 0', w; END IF;
    PERFORM card_login_failed(k);
    w := card_login_throttle_check(k);
    IF w <> 1 THEN RAISE EXCEPTION 'after 5 failures the wait is %, expected 1', w; END IF;
    PERFORM card_login_failed(k);
    w := card_login_throttle_check(k);
    IF w <> 2 THEN RAISE EXCEPTION 'after 6 failures the wait is %, expected 2', w; END IF;
    PERFORM card_login_failed(k);
    w := card_login_throttle_check(k);
    IF w <> 4 THEN RAISE EXCEPTION 'after 7 failures the wait is %, expected 4', w; END IF;
    FOR i IN 1..40 LOOP PERFORM card_login_failed(k); END LOOP;
    w := card_login_throttle_check(k);
    IF w <> 900 THEN RAISE EXCEPTION 'after 47 failures the wait is %, expected the 900 s cap', w; END IF;
    IF card_login_throttle_check(other) <> 0 THEN RAISE EXCEPTION 'keys are not independent'; END IF;
    PERFORM card_login_succeeded(k);
    IF card_login_throttle_check(k) <> 0 THEN RAISE EXCEPTION 'success did not clear the key'; END IF;
    PERFORM card_login_failed(k);
    IF card_login_throttle_check(k) <> 0 THEN RAISE EXCEPTION 'count did not restart after success'; END IF;
    PERFORM set_config('test.tkey', k, false);
END $$;

-- the wait counts from the last failure: it shrinks as time passes (across transactions)
DO $$
DECLARE
    k text := current_setting('test.tkey');
BEGIN
    FOR i IN 1..5 LOOP PERFORM card_login_failed(k); END LOOP;   -- 6 failures: 2 s
    IF card_login_throttle_check(k) <> 2 THEN RAISE EXCEPTION 'expected a 2 s wait'; END IF;
END $$;
SELECT pg_sleep(1.1);
DO $$
BEGIN
    IF card_login_throttle_check(current_setting('test.tkey')) <> 1 THEN
        RAISE EXCEPTION 'the wait did not shrink with time: %', card_login_throttle_check(current_setting('test.tkey'));
    END IF;
END $$;

-- the functions are not executable by PUBLIC; card_app keeps those it needs on every request
-- (the sign-in ones belong to card_auth: test_08 and auth_01)
DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['card_session_lookup(text)',
        'card_login_throttle_check(text)', 'card_login_failed(text)', 'card_login_succeeded(text)',
        'app_is_super_admin()']
    LOOP
        IF has_function_privilege('public', f, 'EXECUTE') THEN RAISE EXCEPTION 'PUBLIC may execute %', f; END IF;
        IF NOT has_function_privilege('card_app', f, 'EXECUTE') THEN RAISE EXCEPTION 'card_app may not execute %', f; END IF;
    END LOOP;
    FOREACH f IN ARRAY ARRAY['card_signup(text,text,text)', 'card_login_lookup(text)',
        'card_session_create(text,text,text,text)', 'card_password_set(text,text,boolean)',
        'card_sessions_purge(integer,integer)']
    LOOP
        IF has_function_privilege('public', f, 'EXECUTE') THEN RAISE EXCEPTION 'PUBLIC may execute %', f; END IF;
    END LOOP;
END $$;
