-- test_11_dbws.sql — database-workspace rows (sql/022) follow their connection: the owner of
-- a db_accounts row reads and writes its history, saved queries, schema cache and SQLite file;
-- another user sees none of them and cannot add any to it; history rows name their writer and
-- are never rewritten; connections get a uid.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    acc int;
    acc_uid text;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('dbws-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('dbws-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO db_accounts (user_id, name, type, host, port, "user", password, options)
        VALUES (a, 'pg', 'postgres', '10.0.0.9', 5432, 'u', 'v1:sealed', '{"read_only": true}')
        RETURNING id, uid INTO acc, acc_uid;
    IF acc_uid IS NULL OR length(acc_uid) < 30 THEN RAISE EXCEPTION 'no generated uid'; END IF;
    INSERT INTO db_queries (account_id, user_id, sql_text, row_count, duration_ms) VALUES (acc, a, 'SELECT 1', 1, 0.5);
    INSERT INTO db_saved_queries (account_id, name, sql_text) VALUES (acc, 'one', 'SELECT 1');
    INSERT INTO db_table_schema (account_id, table_name, definition) VALUES (acc, 't', '{}');
    INSERT INTO db_sqlite_files (account_id, size, bytes) VALUES (acc, 3, '\x010203');
    IF (SELECT count(*) FROM db_queries WHERE account_id = acc) <> 1 THEN RAISE EXCEPTION 'owner cannot read history'; END IF;
    BEGIN
        INSERT INTO db_queries (account_id, user_id, sql_text) VALUES (acc, b, 'SELECT 2');
        RAISE EXCEPTION 'history written in another user''s name';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE db_queries SET sql_text = 'rewritten' WHERE account_id = acc;
        RAISE EXCEPTION 'history rewritten';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM db_accounts WHERE id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads the connection'; END IF;
    IF (SELECT count(*) FROM db_queries WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads history'; END IF;
    IF (SELECT count(*) FROM db_saved_queries WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads saved queries'; END IF;
    IF (SELECT count(*) FROM db_table_schema WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads the schema cache'; END IF;
    IF (SELECT count(*) FROM db_sqlite_files WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'another user reads the SQLite file'; END IF;
    BEGIN
        INSERT INTO db_saved_queries (account_id, name, sql_text) VALUES (acc, 'x', 'DROP TABLE t');
        RAISE EXCEPTION 'saved a query on another user''s connection';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO db_queries (account_id, user_id, sql_text) VALUES (acc, b, 'SELECT 3');
        RAISE EXCEPTION 'history added to another user''s connection';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    PERFORM set_config('app.user_id', a, true);
    DELETE FROM db_accounts WHERE id = acc;
    IF (SELECT count(*) FROM db_queries WHERE account_id = acc) <> 0 THEN RAISE EXCEPTION 'history outlived its connection'; END IF;
END
$$;
