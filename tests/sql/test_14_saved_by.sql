-- test_14_saved_by.sql — sql/029: updated_by follows app.user_id on insert and update of each file
-- table (a writer without it leaves NULL, never the previous saver), a diagram's viewport-only
-- update keeps it (and _version), card_user_label names oneself but not a user one shares no
-- organization with, and the audit trigger's throttle still holds for one author. Run as card_app.

DO $$
DECLARE
    a text; b text;
    nid int; did int; v int;
    t text;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('sb-a-' || gen_random_uuid() || '@example.test', 'Ana', 'h');
    SELECT user_id INTO b FROM sqltest.signup('sb-b-' || gen_random_uuid() || '@example.test', 'Ben', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO notes (uid, title, content, user_id, updated_by) VALUES (gen_random_uuid()::text, 'n', '', a, b)
        RETURNING id INTO nid;
    IF (SELECT updated_by FROM notes WHERE id = nid) IS DISTINCT FROM a THEN
        RAISE EXCEPTION 'insert: updated_by is not the session user (a writer cannot name someone else)';
    END IF;
    UPDATE notes SET content = '<p>1</p>', updated_by = b WHERE id = nid;
    IF (SELECT updated_by FROM notes WHERE id = nid) IS DISTINCT FROM a THEN
        RAISE EXCEPTION 'update: updated_by is not the session user';
    END IF;
    FOREACH t IN ARRAY ARRAY['drawings', 'flowcharts'] LOOP
        EXECUTE format('INSERT INTO %I (uid, title, user_id) VALUES (gen_random_uuid()::text, %L, %L) RETURNING updated_by',
                       t, 'x', a) INTO b;
        IF b IS DISTINCT FROM a THEN RAISE EXCEPTION '%: updated_by %', t, b; END IF;
    END LOOP;

    INSERT INTO diagrams (uid, name, user_id) VALUES (gen_random_uuid()::text, 'd', a) RETURNING id, _version INTO did, v;
    IF (SELECT updated_by FROM diagrams WHERE id = did) IS DISTINCT FROM a THEN RAISE EXCEPTION 'diagram insert'; END IF;
    -- a viewport-only update (018) is no save: _version and updated_by stay
    PERFORM set_config('app.viewport_only', 'on', true);
    UPDATE diagrams SET viewport_zoom = 2 WHERE id = did;
    PERFORM set_config('app.viewport_only', '', true);
    IF (SELECT updated_by FROM diagrams WHERE id = did) IS DISTINCT FROM a
       OR (SELECT _version FROM diagrams WHERE id = did) IS DISTINCT FROM v THEN
        RAISE EXCEPTION 'viewport-only update changed updated_by or _version';
    END IF;

    -- names: oneself yes; a user in no shared organization no; an unknown id no
    IF card_user_label(a) IS DISTINCT FROM 'Ana' THEN RAISE EXCEPTION 'own label: %', card_user_label(a); END IF;
    SELECT user_id INTO b FROM sqltest.signup('sb-c-' || gen_random_uuid() || '@example.test', 'Cy', 'h');
    IF card_user_label(b) IS NOT NULL THEN RAISE EXCEPTION 'a stranger''s name was told'; END IF;
    IF card_user_label('no-such-user') IS NOT NULL OR card_user_label(NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'a label for no user';
    END IF;

    -- the throttle: one author's saves within 5 minutes add no snapshot
    v := (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid::text);
    UPDATE notes SET content = '<p>2</p>' WHERE id = nid;
    UPDATE notes SET content = '<p>3</p>' WHERE id = nid;
    IF (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid::text) <> v THEN
        RAISE EXCEPTION 'the same author''s quick saves were each snapshotted';
    END IF;
    -- (another member's save getting its own snapshot needs a team: tests/integration/saved_by.test.js)
END $$;
