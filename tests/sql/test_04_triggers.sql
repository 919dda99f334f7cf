-- test_04_triggers.sql — the version trigger (optimistic lock) and the audit trigger (one history
-- snapshot per file, at most one every 5 minutes on updates). Run as card_app.

-- version: every update bumps _version by one and refreshes updated_at; a stale save touches nothing
DO $$
DECLARE
    a text;
    did int;
    pid int;
    v int;
    t0 timestamp;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('ver-' || gen_random_uuid() || '@example.test', 'V', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO diagrams (uid, name, user_id, updated_at) VALUES (gen_random_uuid()::text, 'v0', a, '2001-01-01')
        RETURNING id, _version INTO did, v;
    IF v <> 0 THEN RAISE EXCEPTION 'new diagram has _version %, expected 0', v; END IF;
    UPDATE diagrams SET name = 'v1' WHERE id = did AND _version = 0 RETURNING _version, updated_at INTO v, t0;
    IF v IS DISTINCT FROM 1 THEN RAISE EXCEPTION 'after one update _version is %, expected 1', v; END IF;
    IF t0 <= '2001-01-02' THEN RAISE EXCEPTION 'updated_at not refreshed (%)', t0; END IF;
    -- the client may not set the version itself
    UPDATE diagrams SET name = 'v2', _version = 100 WHERE id = did RETURNING _version INTO v;
    IF v IS DISTINCT FROM 2 THEN RAISE EXCEPTION 'after two updates _version is %, expected 2', v; END IF;
    -- a save based on version 1 is stale now
    UPDATE diagrams SET name = 'stale' WHERE id = did AND _version = 1;
    IF FOUND THEN RAISE EXCEPTION 'a stale save was applied'; END IF;
    IF (SELECT name FROM diagrams WHERE id = did) <> 'v2' THEN RAISE EXCEPTION 'stale save changed the name'; END IF;
    -- same trigger on projects, notes, drawings, flowcharts
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'p', a) RETURNING id INTO pid;
    UPDATE projects SET name = 'p1' WHERE id = pid RETURNING _version INTO v;
    IF v IS DISTINCT FROM 1 THEN RAISE EXCEPTION 'projects _version is % after an update', v; END IF;
    WITH n AS (INSERT INTO notes (uid, title, user_id) VALUES (gen_random_uuid()::text, 'n', a) RETURNING id)
    SELECT id INTO pid FROM n;
    UPDATE notes SET title = 'n1' WHERE id = pid RETURNING _version INTO v;
    IF v IS DISTINCT FROM 1 THEN RAISE EXCEPTION 'notes _version is % after an update', v; END IF;
    WITH n AS (INSERT INTO drawings (uid, title, user_id) VALUES (gen_random_uuid()::text, 'd', a) RETURNING id)
    SELECT id INTO pid FROM n;
    UPDATE drawings SET title = 'd1' WHERE id = pid RETURNING _version INTO v;
    IF v IS DISTINCT FROM 1 THEN RAISE EXCEPTION 'drawings _version is % after an update', v; END IF;
    WITH n AS (INSERT INTO flowcharts (uid, title, user_id) VALUES (gen_random_uuid()::text, 'f', a) RETURNING id)
    SELECT id INTO pid FROM n;
    UPDATE flowcharts SET title = 'f1' WHERE id = pid RETURNING _version INTO v;
    IF v IS DISTINCT FROM 1 THEN RAISE EXCEPTION 'flowcharts _version is % after an update', v; END IF;
END $$;

-- audit: an insert writes one snapshot; updates within 5 minutes write none
DO $$
DECLARE
    a text;
    nid int;
    r record;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('audit-' || gen_random_uuid() || '@example.test', 'Au', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO notes (uid, title, content, user_id) VALUES (gen_random_uuid()::text, 'audited', '<p>one</p>', a)
        RETURNING id INTO nid;
    IF (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid::text) <> 1 THEN
        RAISE EXCEPTION 'insert wrote % snapshots, expected 1',
            (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid::text);
    END IF;
    SELECT * INTO r FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid::text;
    IF r.user_id IS DISTINCT FROM a THEN RAISE EXCEPTION 'snapshot user is %, expected %', r.user_id, a; END IF;
    IF r.change_type <> 'insert' THEN RAISE EXCEPTION 'change_type is %', r.change_type; END IF;
    IF r.version <> 0 THEN RAISE EXCEPTION 'snapshot version is %', r.version; END IF;
    IF (r.changes::jsonb ->> 'title') IS DISTINCT FROM 'audited'
       OR (r.changes::jsonb ->> 'content') IS DISTINCT FROM '<p>one</p>' THEN
        RAISE EXCEPTION 'snapshot does not hold the row: %', r.changes;
    END IF;
    PERFORM set_config('test.audit_user', a, false);
    PERFORM set_config('test.audit_note', nid::text, false);
END $$;

DO $$
DECLARE
    nid text := current_setting('test.audit_note');
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.audit_user'), true);
    UPDATE notes SET content = '<p>two</p>' WHERE id = nid::int;
    UPDATE notes SET content = '<p>three</p>' WHERE id = nid::int;
    IF (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid) <> 1 THEN
        RAISE EXCEPTION 'updates within 5 minutes were not throttled (% snapshots)',
            (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid);
    END IF;
END $$;

-- once the last snapshot is older than 5 minutes, the next update writes one (with user and version)
DO $$
DECLARE
    nid text := current_setting('test.audit_note');
    r record;
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.audit_user'), true);
    UPDATE entity_changes SET created_at = created_at - interval '6 minutes'
     WHERE entity_type = 'notes' AND entity_id = nid;
    UPDATE notes SET content = '<p>four</p>' WHERE id = nid::int;
    IF (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid) <> 2 THEN
        RAISE EXCEPTION 'update after 5 minutes wrote no snapshot';
    END IF;
    SELECT * INTO r FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid ORDER BY id DESC LIMIT 1;
    IF r.change_type <> 'update' OR r.version <> 3 OR r.user_id IS DISTINCT FROM current_setting('test.audit_user')
       OR (r.changes::jsonb ->> 'content') <> '<p>four</p>' THEN
        RAISE EXCEPTION 'bad update snapshot: type % version % user % changes %', r.change_type, r.version, r.user_id, r.changes;
    END IF;
    -- a just-written snapshot throttles again
    UPDATE notes SET content = '<p>five</p>' WHERE id = nid::int;
    IF (SELECT count(*) FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid) <> 2 THEN
        RAISE EXCEPTION 'throttle did not restart after a snapshot';
    END IF;
END $$;

-- the audit trigger covers diagrams, drawings and flowcharts too; another user sees no history
DO $$
DECLARE
    a text := current_setting('test.audit_user');
    b text;
    id1 int; id2 int; id3 int;
BEGIN
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO diagrams (uid, name, user_id) VALUES (gen_random_uuid()::text, 'ad', a) RETURNING id INTO id1;
    INSERT INTO drawings (uid, title, user_id) VALUES (gen_random_uuid()::text, 'adr', a) RETURNING id INTO id2;
    INSERT INTO flowcharts (uid, title, user_id) VALUES (gen_random_uuid()::text, 'af', a) RETURNING id INTO id3;
    IF (SELECT count(*) FROM entity_changes WHERE (entity_type, entity_id) IN
            (('diagrams', id1::text), ('drawings', id2::text), ('flowcharts', id3::text))) <> 3 THEN
        RAISE EXCEPTION 'audit trigger missing on diagrams/drawings/flowcharts';
    END IF;
    SELECT user_id INTO b FROM sqltest.signup('audit-b-' || gen_random_uuid() || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM entity_changes) <> 0 THEN RAISE EXCEPTION 'another user sees the history'; END IF;
END $$;
