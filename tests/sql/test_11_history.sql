-- test_11_history.sql — sql/017: the retention purge (card_history_purge, run through the owner's
-- fixture sqltest.history_purge) deletes old snapshots but never a named version nor the newest
-- snapshot of a file, and leaves recent ones; only the owner may run it; the audit trigger no
-- longer snapshots diagram updates (the application writes those with the whole model) but
-- still writes a diagram's insert row, and still snapshots notes. Run as card_app.

DO $$
DECLARE
    a text;
    nid int; did int;
    n int;
    kept int[];
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('hist-' || gen_random_uuid() || '@example.test', 'H', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO notes (uid, title, content, user_id) VALUES (gen_random_uuid()::text, 'h', '<p>0</p>', a)
        RETURNING id INTO nid;
    -- four more snapshots: old unnamed, old named, old unnamed (the newest of all is recent)
    INSERT INTO entity_changes (entity_type, entity_id, version, user_id, changes, change_type, name, is_named, created_at)
    VALUES ('notes', nid::text, 1, a, '{"title":"h","content":"<p>1</p>"}', 'update', NULL, false, now() - interval '200 days'),
           ('notes', nid::text, 2, a, '{"title":"h","content":"<p>2</p>"}', 'version', 'keep', true, now() - interval '200 days'),
           ('notes', nid::text, 3, a, '{"title":"h","content":"<p>3</p>"}', 'update', NULL, false, now() - interval '100 days'),
           ('notes', nid::text, 4, a, '{"title":"h","content":"<p>4</p>"}', 'update', NULL, false, now() - interval '1 day');
    -- the insert row is recent too: age it so only the rules keep it
    UPDATE entity_changes SET created_at = now() - interval '300 days'
     WHERE entity_type = 'notes' AND entity_id = nid::text AND change_type = 'insert';

    -- a second file whose only snapshot is old: the newest of its file, so kept
    INSERT INTO notes (uid, title, content, user_id) VALUES (gen_random_uuid()::text, 'lone', '', a) RETURNING id INTO did;
    UPDATE entity_changes SET created_at = now() - interval '300 days'
     WHERE entity_type = 'notes' AND entity_id = did::text;

    -- card_app may not purge
    BEGIN
        PERFORM card_history_purge(1);
        RAISE EXCEPTION 'card_app ran card_history_purge';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;

    IF sqltest.history_purge(0) <> 0 THEN RAISE EXCEPTION 'purge(0) deleted something'; END IF;
    n := sqltest.history_purge(90);
    IF n < 3 THEN RAISE EXCEPTION 'purge deleted % rows, expected at least 3', n; END IF;
    SELECT array_agg(version ORDER BY version) INTO kept FROM entity_changes
     WHERE entity_type = 'notes' AND entity_id = nid::text;
    IF kept IS DISTINCT FROM ARRAY[2, 4] THEN
        RAISE EXCEPTION 'after the purge the versions kept are %, expected {2,4} (named + recent)', kept;
    END IF;
    IF (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = did::text) <> 1 THEN
        RAISE EXCEPTION 'the only (newest) snapshot of a file was purged';
    END IF;
    -- with everything old, the newest unnamed snapshot still stays
    UPDATE entity_changes SET created_at = now() - interval '500 days'
     WHERE entity_type = 'notes' AND entity_id = nid::text;
    PERFORM sqltest.history_purge(90);
    SELECT array_agg(version ORDER BY version) INTO kept FROM entity_changes
     WHERE entity_type = 'notes' AND entity_id = nid::text;
    IF kept IS DISTINCT FROM ARRAY[2, 4] THEN RAISE EXCEPTION 'newest or named snapshot purged: %', kept; END IF;
END $$;

-- the trigger: a diagram's insert is snapshotted, its updates are not (the application's job);
-- notes keep their throttled update snapshots
DO $$
DECLARE
    a text;
    did int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('hist-t-' || gen_random_uuid() || '@example.test', 'T', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO diagrams (uid, name, user_id) VALUES (gen_random_uuid()::text, 'd', a) RETURNING id INTO did;
    UPDATE entity_changes SET created_at = created_at - interval '6 minutes' WHERE entity_id = did::text;
    UPDATE diagrams SET name = 'd2' WHERE id = did;
    IF (SELECT count(*) FROM entity_changes WHERE entity_type = 'diagrams' AND entity_id = did::text) <> 1 THEN
        RAISE EXCEPTION 'diagram update snapshotted by the trigger';
    END IF;
    IF (SELECT change_type FROM entity_changes WHERE entity_type = 'diagrams' AND entity_id = did::text) <> 'insert' THEN
        RAISE EXCEPTION 'diagram insert row missing';
    END IF;
    -- the new columns: named versions are written by the application as the user
    INSERT INTO entity_changes (entity_type, entity_id, version, user_id, changes, change_type, name, is_named)
    VALUES ('diagrams', did::text, 1, a, '{}', 'version', 'mine', true);
    IF (SELECT count(*) FROM entity_changes WHERE is_named AND name = 'mine') <> 1 THEN
        RAISE EXCEPTION 'named version not stored';
    END IF;
END $$;
