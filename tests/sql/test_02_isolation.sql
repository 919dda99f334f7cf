-- test_02_isolation.sql — row-level security between users: without app.user_id nothing is
-- visible; user A cannot see, update or delete user B's projects, diagrams, entities, columns,
-- notes (and the other per-user tables), nor insert rows in B's name. Run as card_app.

-- Scenario data: two users, B owns one of everything. Ids travel between transactions through
-- session-level settings named test.* (never read by any policy).
DO $$
DECLARE
    a text;
    b text;
    pid int;
    did int;
    nid int;
    sfx text := replace(gen_random_uuid()::text, '-', '');
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('iso-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('iso-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', b, true);
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'B project', b) RETURNING id INTO pid;
    INSERT INTO diagrams (uid, name, user_id, project_id) VALUES (gen_random_uuid()::text, 'B diagram', b, pid) RETURNING id INTO did;
    INSERT INTO entities (id, diagram_id, name, x, y) VALUES ('e-' || sfx, did, 'customer', 0, 0);
    INSERT INTO columns (id, entity_id, name, type) VALUES ('c-' || sfx, 'e-' || sfx, 'id', 'int');
    INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id) VALUES ('r-' || sfx, did, 'e-' || sfx, 'e-' || sfx);
    INSERT INTO notes (uid, title, content, user_id) VALUES (gen_random_uuid()::text, 'B note', '<p>secret</p>', b) RETURNING id INTO nid;
    INSERT INTO drawings (uid, title, user_id) VALUES (gen_random_uuid()::text, 'B drawing', b);
    INSERT INTO flowcharts (uid, title, user_id) VALUES (gen_random_uuid()::text, 'B flow', b);
    PERFORM sqltest.insert_session('s-' || sfx, 'tok-' || sfx, b, 'b@example.test');
    INSERT INTO user_preferences (id, user_id) VALUES ('pref-' || sfx, b);
    INSERT INTO db_accounts (user_id, name, type) VALUES (b, 'B db', 'postgres');
    -- B sees its own rows
    IF (SELECT count(*) FROM projects) <> 1 OR (SELECT count(*) FROM diagrams) <> 1
       OR (SELECT count(*) FROM entities WHERE diagram_id = did) <> 1
       OR (SELECT count(*) FROM columns WHERE entity_id = 'e-' || sfx) <> 1
       OR (SELECT count(*) FROM notes WHERE id = nid) <> 1
       OR (SELECT count(*) FROM users) <> 1 THEN
        RAISE EXCEPTION 'B does not see exactly its own rows';
    END IF;
    PERFORM set_config('test.a', a, false);
    PERFORM set_config('test.b', b, false);
    PERFORM set_config('test.sfx', sfx, false);
    PERFORM set_config('test.did', did::text, false);
    PERFORM set_config('test.pid', pid::text, false);
    PERFORM set_config('test.nid', nid::text, false);
END $$;

-- no app.user_id: nothing visible, nothing writable
DO $$
DECLARE
    t text;
    n bigint;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'sessions', 'projects', 'diagrams', 'entities', 'columns',
        'relationships', 'notes', 'drawings', 'flowcharts', 'entity_changes', 'user_preferences',
        'db_accounts']
    LOOP
        EXECUTE format('SELECT count(*) FROM public.%I', t) INTO n;
        IF n <> 0 THEN RAISE EXCEPTION 'without app.user_id, % rows of % are visible', n, t; END IF;
    END LOOP;
    UPDATE projects SET name = 'x' WHERE id = current_setting('test.pid')::int;
    IF FOUND THEN RAISE EXCEPTION 'without app.user_id a project was updated'; END IF;
    BEGIN
        INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'anon', NULL);
        RAISE EXCEPTION 'without app.user_id a project was inserted';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- user A sees none of B's rows
DO $$
DECLARE
    t text;
    n bigint;
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.a'), true);
    FOREACH t IN ARRAY ARRAY['sessions', 'projects', 'diagrams', 'entities', 'columns',
        'relationships', 'notes', 'drawings', 'flowcharts', 'entity_changes', 'user_preferences',
        'db_accounts']
    LOOP
        EXECUTE format('SELECT count(*) FROM public.%I', t) INTO n;
        IF n <> 0 THEN RAISE EXCEPTION 'A sees % rows of B in %', n, t; END IF;
    END LOOP;
    SELECT count(*) INTO n FROM users;
    IF n <> 1 THEN RAISE EXCEPTION 'A sees % users, expected only itself', n; END IF;
    IF (SELECT id FROM users) <> current_setting('test.a') THEN RAISE EXCEPTION 'A sees another user'; END IF;
END $$;

-- user A can neither update nor delete B's rows (they stay as they were)
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.a'), true);
    UPDATE projects SET name = 'pwned' WHERE id = current_setting('test.pid')::int;
    IF FOUND THEN RAISE EXCEPTION 'A updated B''s project'; END IF;
    UPDATE diagrams SET name = 'pwned' WHERE id = current_setting('test.did')::int;
    IF FOUND THEN RAISE EXCEPTION 'A updated B''s diagram'; END IF;
    UPDATE entities SET name = 'pwned' WHERE id = 'e-' || sfx;
    IF FOUND THEN RAISE EXCEPTION 'A updated B''s entity'; END IF;
    UPDATE columns SET name = 'pwned' WHERE id = 'c-' || sfx;
    IF FOUND THEN RAISE EXCEPTION 'A updated B''s column'; END IF;
    UPDATE notes SET content = 'pwned' WHERE id = current_setting('test.nid')::int;
    IF FOUND THEN RAISE EXCEPTION 'A updated B''s note'; END IF;
    UPDATE users SET name = 'pwned' WHERE id = current_setting('test.b');
    IF FOUND THEN RAISE EXCEPTION 'A updated B''s user row'; END IF;
    DELETE FROM columns WHERE id = 'c-' || sfx;
    IF FOUND THEN RAISE EXCEPTION 'A deleted B''s column'; END IF;
    DELETE FROM entities WHERE id = 'e-' || sfx;
    IF FOUND THEN RAISE EXCEPTION 'A deleted B''s entity'; END IF;
    DELETE FROM notes WHERE id = current_setting('test.nid')::int;
    IF FOUND THEN RAISE EXCEPTION 'A deleted B''s note'; END IF;
    DELETE FROM diagrams WHERE id = current_setting('test.did')::int;
    IF FOUND THEN RAISE EXCEPTION 'A deleted B''s diagram'; END IF;
    DELETE FROM projects WHERE id = current_setting('test.pid')::int;
    IF FOUND THEN RAISE EXCEPTION 'A deleted B''s project'; END IF;
    DELETE FROM sessions WHERE user_id = current_setting('test.b');
    IF FOUND THEN RAISE EXCEPTION 'A deleted B''s session'; END IF;
END $$;

-- user A cannot write rows in B's name, nor hang rows under B's diagram or project
DO $$
DECLARE
    a text := current_setting('test.a');
    b text := current_setting('test.b');
    sfx text := current_setting('test.sfx');
BEGIN
    PERFORM set_config('app.user_id', a, true);
    BEGIN
        INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'forged', b);
        RAISE EXCEPTION 'A inserted a project owned by B';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO notes (uid, title, user_id) VALUES (gen_random_uuid()::text, 'forged', b);
        RAISE EXCEPTION 'A inserted a note owned by B';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO entities (id, diagram_id, name, x, y) VALUES ('ea-' || sfx, current_setting('test.did')::int, 'x', 0, 0);
        RAISE EXCEPTION 'A inserted an entity into B''s diagram';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO columns (id, entity_id, name, type) VALUES ('ca-' || sfx, 'e-' || sfx, 'x', 'int');
        RAISE EXCEPTION 'A inserted a column into B''s entity';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO diagrams (uid, name, user_id, project_id)
        VALUES (gen_random_uuid()::text, 'into B project', a, current_setting('test.pid')::int);
        RAISE EXCEPTION 'A put a diagram into B''s project';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO sessions (id, token, user_id, email) VALUES ('sa-' || sfx, 'toka-' || sfx, b, 'x');
        RAISE EXCEPTION 'A created a session for B';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    -- A's own diagram cannot be handed over to B either
    INSERT INTO diagrams (uid, name, user_id) VALUES ('a-diag-' || sfx, 'A diagram', a);
    BEGIN
        UPDATE diagrams SET user_id = b WHERE uid = 'a-diag-' || sfx;
        RAISE EXCEPTION 'A gave a diagram to B';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- B's rows are all still there and unchanged
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.b'), true);
    IF (SELECT name FROM projects WHERE id = current_setting('test.pid')::int) IS DISTINCT FROM 'B project'
       OR (SELECT name FROM diagrams WHERE id = current_setting('test.did')::int) IS DISTINCT FROM 'B diagram'
       OR (SELECT name FROM entities WHERE id = 'e-' || sfx) IS DISTINCT FROM 'customer'
       OR (SELECT name FROM columns WHERE id = 'c-' || sfx) IS DISTINCT FROM 'id'
       OR (SELECT content FROM notes WHERE id = current_setting('test.nid')::int) IS DISTINCT FROM '<p>secret</p>'
       OR (SELECT name FROM users WHERE id = current_setting('test.b')) IS DISTINCT FROM 'B'
       OR (SELECT count(*) FROM sessions) <> 1 THEN
        RAISE EXCEPTION 'B''s rows were changed by A';
    END IF;
    -- B can delete its own column (and the policy lets the cascade through)
    DELETE FROM entities WHERE id = 'e-' || sfx;
    IF NOT FOUND THEN RAISE EXCEPTION 'B could not delete its own entity'; END IF;
    IF (SELECT count(*) FROM columns WHERE id = 'c-' || sfx) <> 0 THEN RAISE EXCEPTION 'column not cascaded'; END IF;
END $$;
