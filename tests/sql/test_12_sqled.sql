-- test_12_sqled.sql — explorer states (sql/025) are their user's own on their user's
-- connection: the owner keeps one state per table (upsert on the key), another user reads none
-- and cannot write one onto the connection, a state must be a JSON object, and states go with
-- their connection.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    acc int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('sqled-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('sqled-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO db_accounts (user_id, name, type, host, port, "user", password)
        VALUES (a, 'pg', 'postgres', '10.0.0.9', 5432, 'u', 'v1:sealed') RETURNING id INTO acc;
    INSERT INTO db_explorer_states (account_id, user_id, table_name, state) VALUES (acc, a, 'artist', '{"sort": "name"}');
    INSERT INTO db_explorer_states (account_id, user_id, table_name, state) VALUES (acc, a, 'artist', '{"sort": "id"}')
        ON CONFLICT (account_id, user_id, table_name) DO UPDATE SET state = EXCLUDED.state;
    IF (SELECT state->>'sort' FROM db_explorer_states WHERE account_id = acc AND table_name = 'artist') <> 'id' THEN
        RAISE EXCEPTION 'state not replaced';
    END IF;
    BEGIN
        INSERT INTO db_explorer_states (account_id, user_id, table_name, state) VALUES (acc, a, 'album', '[1]');
        RAISE EXCEPTION 'a state that is not an object was kept';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        INSERT INTO db_explorer_states (account_id, user_id, table_name, state) VALUES (acc, b, 'album', '{}');
        RAISE EXCEPTION 'a state written in another user''s name';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM db_explorer_states WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads states'; END IF;
    BEGIN
        INSERT INTO db_explorer_states (account_id, user_id, table_name, state) VALUES (acc, b, 'artist', '{}');
        RAISE EXCEPTION 'a state written onto another user''s connection';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    UPDATE db_explorer_states SET state = '{"x": 1}' WHERE account_id = acc;
    PERFORM set_config('app.user_id', a, true);
    IF (SELECT state->>'sort' FROM db_explorer_states WHERE account_id = acc AND table_name = 'artist') <> 'id' THEN
        RAISE EXCEPTION 'another user changed a state';
    END IF;
    DELETE FROM db_accounts WHERE id = acc;
    IF (SELECT count(*) FROM db_explorer_states WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'states outlived their connection'; END IF;
END
$$;
