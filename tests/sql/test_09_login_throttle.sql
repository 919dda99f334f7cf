-- test_08_login_throttle.sql — 010: login throttling per (e-mail, client address) with an hourly
-- per-e-mail ceiling, and the sign-up that answers a taken address with no row. Run as card_app.

-- one address is slowed down after 5 failures; another address for the same e-mail is not
DO $$
DECLARE
    e text := 'throttle-' || gen_random_uuid() || '@example.test';
    w int;
BEGIN
    IF card_login_throttle_wait(e, '10.0.0.1') <> 0 THEN RAISE EXCEPTION 'unknown e-mail must not wait'; END IF;
    FOR i IN 1..4 LOOP PERFORM card_login_throttle_fail(e, '10.0.0.1'); END LOOP;
    IF card_login_throttle_wait(e, '10.0.0.1') <> 0 THEN RAISE EXCEPTION 'after 4 failures there is a wait'; END IF;
    PERFORM card_login_throttle_fail(e, '10.0.0.1');
    w := card_login_throttle_wait(e, '10.0.0.1');
    IF w <> 1 THEN RAISE EXCEPTION 'after 5 failures the wait is %, expected 1', w; END IF;
    FOR i IN 1..40 LOOP PERFORM card_login_throttle_fail(e, '10.0.0.1'); END LOOP;
    w := card_login_throttle_wait(e, '10.0.0.1');
    IF w <> 900 THEN RAISE EXCEPTION 'after 45 failures the wait is %, expected the 900 s cap', w; END IF;
    -- the same e-mail in another case and with blanks is the same key
    IF card_login_throttle_wait(' ' || upper(e), '10.0.0.1') <> 900 THEN RAISE EXCEPTION 'e-mail not normalised'; END IF;
    -- the owner, elsewhere, is not held up
    IF card_login_throttle_wait(e, '10.0.0.2') <> 0 THEN RAISE EXCEPTION 'another address waits too'; END IF;
    IF card_login_throttle_wait(e, NULL) <> 0 THEN RAISE EXCEPTION 'a missing address waits too'; END IF;
    -- a success from one address clears that address only
    PERFORM card_login_throttle_fail(e, '10.0.0.2');
    FOR i IN 1..5 LOOP PERFORM card_login_throttle_fail(e, '10.0.0.2'); END LOOP;
    IF card_login_throttle_wait(e, '10.0.0.2') <> 2 THEN RAISE EXCEPTION 'second address: expected a 2 s wait'; END IF;
    PERFORM card_login_throttle_clear(e, '10.0.0.2');
    IF card_login_throttle_wait(e, '10.0.0.2') <> 0 THEN RAISE EXCEPTION 'success did not clear its address'; END IF;
    IF card_login_throttle_wait(e, '10.0.0.1') <> 900 THEN RAISE EXCEPTION 'success cleared another address'; END IF;
END $$;

-- the per-e-mail ceiling: 100 failures within the hour, from any addresses, stop everyone
DO $$
DECLARE
    e text := 'ceiling-' || gen_random_uuid() || '@example.test';
    w int;
BEGIN
    -- 99 failures, 3 from each of 33 addresses: no address is slowed down yet
    FOR a IN 1..33 LOOP
        FOR i IN 1..3 LOOP PERFORM card_login_throttle_fail(e, '10.1.0.' || a); END LOOP;
    END LOOP;
    IF card_login_throttle_wait(e, '10.2.0.1') <> 0 THEN RAISE EXCEPTION 'ceiling reached at 99 failures'; END IF;
    IF card_login_throttle_wait(e, '10.1.0.1') <> 0 THEN RAISE EXCEPTION 'an address with 3 failures waits'; END IF;
    PERFORM card_login_throttle_fail(e, '10.1.0.34');
    w := card_login_throttle_wait(e, '10.2.0.1');
    IF w < 3590 OR w > 3600 THEN RAISE EXCEPTION 'at 100 failures a fresh address waits %, expected about an hour', w; END IF;
    -- a success does not lift the ceiling
    PERFORM card_login_throttle_clear(e, '10.1.0.34');
    IF card_login_throttle_wait(e, '10.1.0.34') < 3590 THEN RAISE EXCEPTION 'success lifted the ceiling'; END IF;
    -- other e-mails are not affected
    IF card_login_throttle_wait('other-' || e, '10.2.0.1') <> 0 THEN RAISE EXCEPTION 'ceiling leaks to another e-mail'; END IF;
END $$;

-- the throttle functions are card_app's only; sign-up is card_auth's (sql/011)
DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['card_login_throttle_wait(text,text)', 'card_login_throttle_fail(text,text)',
        'card_login_throttle_clear(text,text)']
    LOOP
        IF has_function_privilege('public', f, 'EXECUTE') THEN RAISE EXCEPTION 'PUBLIC may execute %', f; END IF;
        IF NOT has_function_privilege('card_app', f, 'EXECUTE') THEN RAISE EXCEPTION 'card_app may not execute %', f; END IF;
    END LOOP;
    IF has_table_privilege('card_app', 'login_throttle', 'SELECT') THEN RAISE EXCEPTION 'card_app reads login_throttle'; END IF;
    IF has_function_privilege('card_app', 'card_signup_if_new(text,text,text)', 'EXECUTE') THEN
        RAISE EXCEPTION 'card_app may sign people up';
    END IF;
END $$;
