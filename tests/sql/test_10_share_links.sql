-- test_10_share_links.sql — share links after sql/014: a file in a deleted project is not
-- shared (nor are its ERD rows); card_share_info() names the kind, says "expired" and gives
-- the owner's display name only for the token of this transaction; a share transaction
-- reads nothing but its one file in any table; changing only the sharing columns keeps
-- _version and updated_at, any other change still moves them. Run as card_app.

DO $$
DECLARE
    a text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    p_live int; p_dead int; d_live int; d_dead int; d_exp int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('share10-' || sfx || '@example.test', 'Owner <b>', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'live', a) RETURNING id INTO p_live;
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'dead', a) RETURNING id INTO p_dead;
    INSERT INTO diagrams (uid, name, user_id, project_id, is_public, share_token)
        VALUES (gen_random_uuid()::text, 'live', a, p_live, true, 'live-' || sfx) RETURNING id INTO d_live;
    INSERT INTO diagrams (uid, name, user_id, project_id, is_public, share_token)
        VALUES (gen_random_uuid()::text, 'dead', a, p_dead, true, 'dead-' || sfx) RETURNING id INTO d_dead;
    INSERT INTO diagrams (uid, name, user_id, is_public, share_token, expiry_date)
        VALUES (gen_random_uuid()::text, 'exp', a, true, 'exp-' || sfx, (now() - interval '1 minute')::timestamp) RETURNING id INTO d_exp;
    INSERT INTO entities (id, diagram_id, name, x, y) VALUES ('e-live-' || sfx, d_live, 't', 0, 0), ('e-dead-' || sfx, d_dead, 't', 0, 0);
    INSERT INTO columns (id, entity_id, name, type, sort_order) VALUES ('c-dead-' || sfx, 'e-dead-' || sfx, 'id', 'int', 0);
    INSERT INTO notes (uid, title, user_id, project_id, is_public, share_token)
        VALUES (gen_random_uuid()::text, 'n', a, p_dead, true, 'note-dead-' || sfx);
    UPDATE projects SET is_deleted = true WHERE id = p_dead;
    PERFORM set_config('test.sfx10', sfx, false);
    PERFORM set_config('test.d_live10', d_live::text, false);
END $$;

-- deleted project: nothing of it is shared; the live one is
DO $$
DECLARE
    sfx text := current_setting('test.sfx10');
    tok text;
BEGIN
    FOREACH tok IN ARRAY ARRAY['dead-' || sfx, 'note-dead-' || sfx]
    LOOP
        PERFORM set_config('app.share_token', tok, true);
        IF (SELECT count(*) FROM diagrams) + (SELECT count(*) FROM notes) + (SELECT count(*) FROM entities)
           + (SELECT count(*) FROM columns) <> 0 THEN
            RAISE EXCEPTION 'token % of a deleted project still shows rows', tok;
        END IF;
        IF EXISTS (SELECT 1 FROM card_share_info()) THEN RAISE EXCEPTION 'card_share_info knows %', tok; END IF;
    END LOOP;
    PERFORM set_config('app.share_token', 'live-' || sfx, true);
    IF (SELECT count(*) FROM diagrams) <> 1 OR (SELECT count(*) FROM entities) <> 1 THEN
        RAISE EXCEPTION 'the live project''s shared diagram is hidden';
    END IF;
    IF (SELECT row(kind, expired, owner_name)::text FROM card_share_info()) <> '(diagram,f,"Owner <b>")' THEN
        RAISE EXCEPTION 'card_share_info: %', (SELECT row(kind, expired, owner_name)::text FROM card_share_info());
    END IF;
    PERFORM set_config('app.share_token', 'exp-' || sfx, true);
    IF (SELECT row(kind, expired, owner_name)::text FROM card_share_info()) <> '(diagram,t,)' THEN
        RAISE EXCEPTION 'expired: %', (SELECT row(kind, expired, owner_name)::text FROM card_share_info());
    END IF;
    IF (SELECT count(*) FROM diagrams) <> 0 THEN RAISE EXCEPTION 'expired diagram readable'; END IF;
    PERFORM set_config('app.share_token', '', true);
    IF EXISTS (SELECT 1 FROM card_share_info()) THEN RAISE EXCEPTION 'card_share_info without a token'; END IF;
END $$;

-- with one valid token, every table shows only that file's rows (or none)
DO $$
DECLARE
    sfx text := current_setting('test.sfx10');
    t text;
    n bigint;
BEGIN
    PERFORM set_config('app.share_token', 'live-' || sfx, true);
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
               AND tablename NOT IN ('ai_providers', 'ai_models', 'ai_system_prompts', 'schema_migrations')
    LOOP
        BEGIN
            EXECUTE format('SELECT count(*) FROM public.%I', t) INTO n;
        EXCEPTION WHEN insufficient_privilege THEN
            n := 0;
        END;
        IF t = 'diagrams' AND n <> 1 THEN RAISE EXCEPTION 'diagrams: %', n; END IF;
        IF t = 'entities' AND n <> 1 THEN RAISE EXCEPTION 'entities: %', n; END IF;
        IF t NOT IN ('diagrams', 'entities') AND n <> 0 THEN
            RAISE EXCEPTION 'a share transaction reads % rows of %', n, t;
        END IF;
    END LOOP;
END $$;

-- sharing is not an edit: _version and updated_at stay; an edit still moves them
DO $$
DECLARE
    d int := current_setting('test.d_live10')::int;
    owner text;
    v0 int; u0 timestamp; v1 int; u1 timestamp;
BEGIN
    PERFORM set_config('app.share_token', 'live-' || current_setting('test.sfx10'), true);
    SELECT user_id INTO owner FROM diagrams WHERE id = d;
    PERFORM set_config('app.share_token', '', true);
    PERFORM set_config('app.user_id', owner, true);
    SELECT _version, updated_at INTO v0, u0 FROM diagrams WHERE id = d;
    UPDATE diagrams SET is_public = false, share_token = NULL, published_at = NULL WHERE id = d;
    SELECT _version, updated_at INTO v1, u1 FROM diagrams WHERE id = d;
    IF v1 <> v0 OR u1 <> u0 THEN RAISE EXCEPTION 'sharing moved _version % → %', v0, v1; END IF;
    UPDATE diagrams SET name = 'renamed', is_public = true WHERE id = d;
    SELECT _version INTO v1 FROM diagrams WHERE id = d;
    IF v1 <> v0 + 1 THEN RAISE EXCEPTION 'an edit with a sharing change kept _version'; END IF;
    UPDATE diagrams SET name = 'renamed again' WHERE id = d;
    IF (SELECT _version FROM diagrams WHERE id = d) <> v0 + 2 THEN RAISE EXCEPTION 'an edit kept _version'; END IF;
    UPDATE diagrams SET viewport_zoom = viewport_zoom WHERE id = d;   -- a save's no-change touch
    IF (SELECT _version FROM diagrams WHERE id = d) <> v0 + 3 THEN RAISE EXCEPTION 'a touch kept _version'; END IF;
END $$;
