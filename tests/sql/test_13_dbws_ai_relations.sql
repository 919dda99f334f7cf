-- test_13_dbws_ai_relations.sql — sql/032: AI query logs and ERD relations follow their
-- connection.  The owner logs a request in their own name (not another user's) and cannot
-- rewrite it; another user reads no log and no relation and writes none onto the connection; a
-- log needs a prompt and a known status; both go with their connection.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    acc int;
    n int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('aisql-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('aisql-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO db_accounts (user_id, name, type, host, port, "user", password)
        VALUES (a, 'pg', 'postgres', '10.0.0.9', 5432, 'u', 'v1:sealed') RETURNING id INTO acc;
    INSERT INTO db_ai_query_logs (account_id, user_id, prompt_text, generated_query, status)
        VALUES (acc, a, 'all artists', 'SELECT * FROM artist', 'complete');
    INSERT INTO db_erd_relations (account_id, table_from, column_from, table_to, column_to, relation_type)
        VALUES (acc, 'album', 'artist_id', 'artist', 'artist_id', 'one-to-many');
    BEGIN
        INSERT INTO db_ai_query_logs (account_id, user_id, prompt_text, status) VALUES (acc, b, 'x', 'complete');
        RAISE EXCEPTION 'a log written in another user''s name';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO db_ai_query_logs (account_id, user_id, prompt_text, status) VALUES (acc, a, '', 'complete');
        RAISE EXCEPTION 'an empty prompt was logged';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        INSERT INTO db_ai_query_logs (account_id, user_id, prompt_text, status) VALUES (acc, a, 'x', 'maybe');
        RAISE EXCEPTION 'an unknown status was logged';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        UPDATE db_ai_query_logs SET generated_query = 'DROP TABLE x' WHERE account_id = acc;
        RAISE EXCEPTION 'a log was rewritten';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM db_ai_query_logs WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads logs'; END IF;
    IF (SELECT count(*) FROM db_erd_relations WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads relations'; END IF;
    BEGIN
        INSERT INTO db_erd_relations (account_id, table_from, column_from, table_to, relation_type)
            VALUES (acc, 'x', 'y', 'z', 'one-to-many');
        RAISE EXCEPTION 'a relation written onto another user''s connection';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO db_ai_query_logs (account_id, user_id, prompt_text, status) VALUES (acc, b, 'x', 'complete');
        RAISE EXCEPTION 'a log written onto another user''s connection';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    DELETE FROM db_erd_relations WHERE account_id = acc;
    DELETE FROM db_ai_query_logs WHERE account_id = acc;

    PERFORM set_config('app.user_id', a, true);
    SELECT count(*) INTO n FROM db_erd_relations WHERE account_id = acc;
    IF n <> 1 OR (SELECT count(*) FROM db_ai_query_logs WHERE account_id = acc) <> 1 THEN
        RAISE EXCEPTION 'another user deleted rows';
    END IF;
    DELETE FROM db_accounts WHERE id = acc;
    IF (SELECT count(*) FROM db_ai_query_logs WHERE account_id = acc) + (SELECT count(*) FROM db_erd_relations WHERE account_id = acc) <> 0 THEN
        RAISE EXCEPTION 'logs or relations outlived their connection';
    END IF;
END
$$;
