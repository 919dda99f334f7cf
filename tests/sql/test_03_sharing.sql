-- test_03_sharing.sql — share links through RLS: with app.share_token set, exactly the public,
-- unexpired, not deleted file carrying that token is readable (SELECT only), with its entities,
-- columns and relationships; wrong, expired, revoked or missing tokens show nothing, and no other
-- file ever shows. Run as card_app.

DO $$
DECLARE
    a text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    d_ok int; d_other int; d_expired int; d_private int; d_deleted int; n_ok int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('share-' || sfx || '@example.test', 'Sharer', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO diagrams (uid, name, user_id, is_public, share_token, expiry_date)
        VALUES (gen_random_uuid()::text, 'shared', a, true, 'tok-ok-' || sfx, (now() + interval '1 day')::timestamp) RETURNING id INTO d_ok;
    INSERT INTO diagrams (uid, name, user_id, is_public, share_token)
        VALUES (gen_random_uuid()::text, 'other shared', a, true, 'tok-other-' || sfx) RETURNING id INTO d_other;
    INSERT INTO diagrams (uid, name, user_id, is_public, share_token, expiry_date)
        VALUES (gen_random_uuid()::text, 'expired', a, true, 'tok-exp-' || sfx, (now() - interval '1 minute')::timestamp) RETURNING id INTO d_expired;
    INSERT INTO diagrams (uid, name, user_id, is_public, share_token)
        VALUES (gen_random_uuid()::text, 'private', a, false, 'tok-priv-' || sfx) RETURNING id INTO d_private;
    INSERT INTO diagrams (uid, name, user_id, is_public, share_token, is_deleted)
        VALUES (gen_random_uuid()::text, 'trashed', a, true, 'tok-del-' || sfx, true) RETURNING id INTO d_deleted;
    INSERT INTO diagrams (uid, name, user_id) VALUES (gen_random_uuid()::text, 'unshared', a);
    INSERT INTO entities (id, diagram_id, name, x, y) VALUES
        ('ok-e1-' || sfx, d_ok, 'customer', 0, 0), ('ok-e2-' || sfx, d_ok, 'order', 100, 0),
        ('other-e-' || sfx, d_other, 'other', 0, 0), ('exp-e-' || sfx, d_expired, 'old', 0, 0),
        ('priv-e-' || sfx, d_private, 'hidden', 0, 0);
    INSERT INTO columns (id, entity_id, name, type, sort_order) VALUES
        ('ok-c1-' || sfx, 'ok-e1-' || sfx, 'id', 'int', 0), ('ok-c2-' || sfx, 'ok-e1-' || sfx, 'name', 'text', 1),
        ('ok-c3-' || sfx, 'ok-e2-' || sfx, 'id', 'int', 0),
        ('other-c-' || sfx, 'other-e-' || sfx, 'x', 'int', 0), ('priv-c-' || sfx, 'priv-e-' || sfx, 'y', 'int', 0);
    INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id) VALUES
        ('ok-r-' || sfx, d_ok, 'ok-e1-' || sfx, 'ok-e2-' || sfx),
        ('other-r-' || sfx, d_other, 'other-e-' || sfx, 'other-e-' || sfx);
    INSERT INTO notes (uid, title, content, user_id, is_public, share_token)
        VALUES (gen_random_uuid()::text, 'shared note', '<p>hi</p>', a, true, 'note-ok-' || sfx) RETURNING id INTO n_ok;
    INSERT INTO notes (uid, title, user_id, is_public, share_token)
        VALUES (gen_random_uuid()::text, 'other note', a, true, 'note-other-' || sfx);
    PERFORM set_config('test.sfx', sfx, false);
    PERFORM set_config('test.d_ok', d_ok::text, false);
    PERFORM set_config('test.n_ok', n_ok::text, false);
END $$;

-- an anonymous visitor with the right token sees exactly that diagram and its children
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
    d_ok int := current_setting('test.d_ok')::int;
BEGIN
    PERFORM set_config('app.share_token', 'tok-ok-' || sfx, true);
    IF (SELECT count(*) FROM diagrams) <> 1 THEN RAISE EXCEPTION 'token shows % diagrams, expected 1', (SELECT count(*) FROM diagrams); END IF;
    IF (SELECT id FROM diagrams) <> d_ok THEN RAISE EXCEPTION 'token shows the wrong diagram'; END IF;
    IF (SELECT count(*) FROM entities) <> 2 THEN RAISE EXCEPTION 'token shows % entities, expected 2', (SELECT count(*) FROM entities); END IF;
    IF EXISTS (SELECT 1 FROM entities WHERE diagram_id <> d_ok) THEN RAISE EXCEPTION 'entity of another diagram visible'; END IF;
    IF (SELECT count(*) FROM columns) <> 3 THEN RAISE EXCEPTION 'token shows % columns, expected 3', (SELECT count(*) FROM columns); END IF;
    IF (SELECT count(*) FROM relationships) <> 1 THEN RAISE EXCEPTION 'token shows % relationships, expected 1', (SELECT count(*) FROM relationships); END IF;
    IF (SELECT count(*) FROM notes) + (SELECT count(*) FROM drawings) + (SELECT count(*) FROM flowcharts)
       + (SELECT count(*) FROM projects) + (SELECT count(*) FROM users) + (SELECT count(*) FROM entity_changes) <> 0 THEN
        RAISE EXCEPTION 'a diagram token reveals other tables';
    END IF;
    -- read only
    UPDATE diagrams SET name = 'defaced' WHERE id = d_ok;
    IF FOUND THEN RAISE EXCEPTION 'share token allowed an UPDATE of the diagram'; END IF;
    UPDATE entities SET name = 'defaced';
    IF FOUND THEN RAISE EXCEPTION 'share token allowed an UPDATE of entities'; END IF;
    UPDATE columns SET name = 'defaced';
    IF FOUND THEN RAISE EXCEPTION 'share token allowed an UPDATE of columns'; END IF;
    DELETE FROM columns;
    IF FOUND THEN RAISE EXCEPTION 'share token allowed a DELETE of columns'; END IF;
    DELETE FROM diagrams;
    IF FOUND THEN RAISE EXCEPTION 'share token allowed a DELETE of diagrams'; END IF;
    BEGIN
        INSERT INTO entities (id, diagram_id, name, x, y) VALUES ('intruder-' || sfx, d_ok, 'x', 0, 0);
        RAISE EXCEPTION 'share token allowed an INSERT into the diagram';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- wrong, expired, private, trashed, empty tokens show nothing
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
    tok text;
BEGIN
    FOREACH tok IN ARRAY ARRAY['tok-ok-' || sfx || 'x', 'TOK-OK-' || sfx, 'tok-exp-' || sfx,
                               'tok-priv-' || sfx, 'tok-del-' || sfx, '', '%']
    LOOP
        PERFORM set_config('app.share_token', tok, true);
        IF (SELECT count(*) FROM diagrams) <> 0 THEN RAISE EXCEPTION 'token "%" shows a diagram', tok; END IF;
        IF (SELECT count(*) FROM entities) <> 0 THEN RAISE EXCEPTION 'token "%" shows entities', tok; END IF;
        IF (SELECT count(*) FROM columns) <> 0 THEN RAISE EXCEPTION 'token "%" shows columns', tok; END IF;
        IF (SELECT count(*) FROM relationships) <> 0 THEN RAISE EXCEPTION 'token "%" shows relationships', tok; END IF;
    END LOOP;
END $$;

-- a note token shows that note only, never a diagram with a different token
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
BEGIN
    PERFORM set_config('app.share_token', 'note-ok-' || sfx, true);
    IF (SELECT count(*) FROM notes) <> 1 OR (SELECT id FROM notes) <> current_setting('test.n_ok')::int THEN
        RAISE EXCEPTION 'note token does not show exactly its note';
    END IF;
    IF (SELECT count(*) FROM diagrams) <> 0 THEN RAISE EXCEPTION 'note token shows a diagram'; END IF;
END $$;

-- the owner turns sharing off, or the link expires: the old token dies
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
    d_ok int := current_setting('test.d_ok')::int;
    owner_id text;
BEGIN
    -- find the owner through the share (allowed: the visitor may read the row)
    PERFORM set_config('app.share_token', 'tok-ok-' || sfx, true);
    SELECT user_id INTO owner_id FROM diagrams WHERE id = d_ok;
    PERFORM set_config('app.share_token', '', true);
    PERFORM set_config('app.user_id', owner_id, true);
    UPDATE diagrams SET expiry_date = (now() - interval '1 second')::timestamp WHERE id = d_ok;
    IF NOT FOUND THEN RAISE EXCEPTION 'owner could not change expiry'; END IF;
    PERFORM set_config('app.user_id', '', true);
    PERFORM set_config('app.share_token', 'tok-ok-' || sfx, true);
    IF (SELECT count(*) FROM diagrams) <> 0 OR (SELECT count(*) FROM entities) <> 0 THEN
        RAISE EXCEPTION 'expired link still shows the diagram';
    END IF;
    PERFORM set_config('app.share_token', '', true);
    PERFORM set_config('app.user_id', owner_id, true);
    UPDATE diagrams SET expiry_date = NULL, is_public = false WHERE id = d_ok;
    PERFORM set_config('app.user_id', '', true);
    PERFORM set_config('app.share_token', 'tok-ok-' || sfx, true);
    IF (SELECT count(*) FROM diagrams) <> 0 OR (SELECT count(*) FROM columns) <> 0 THEN
        RAISE EXCEPTION 'link still works after sharing was turned off';
    END IF;
END $$;

-- the share token does not survive its transaction
DO $$
BEGIN
    IF current_setting('app.share_token', true) IS DISTINCT FROM '' THEN
        RAISE EXCEPTION 'app.share_token survived the commit';
    END IF;
    IF (SELECT count(*) FROM notes) <> 0 THEN RAISE EXCEPTION 'notes visible after the share transaction'; END IF;
END $$;
