-- test_07_columns_digest.sql — entities.columns_digest (009): any write to a table's columns
-- that does not set the digest afterwards clears it, so a save never trusts a digest someone
-- else's change has made stale.  Run as card_app.

DO $$
DECLARE
    a text;
    did int;
    d text;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('digest-' || gen_random_uuid() || '@example.test', 'D', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO diagrams (uid, name, user_id) VALUES (gen_random_uuid()::text, 'dg', a) RETURNING id INTO did;
    INSERT INTO entities (id, diagram_id, name, x, y) VALUES
        ('dg_e1_' || did, did, 'a', 0, 0), ('dg_e2_' || did, did, 'b', 0, 0);
    INSERT INTO columns (id, entity_id, name, type, sort_order) VALUES
        ('dg_c1_' || did, 'dg_e1_' || did, 'id', 'int', 0),
        ('dg_c2_' || did, 'dg_e2_' || did, 'id', 'int', 0);
    -- what a save does: write the columns, then the digests
    UPDATE entities SET columns_digest = 'D1' WHERE diagram_id = did;

    -- an insert clears only its entity's digest
    INSERT INTO columns (id, entity_id, name, type, sort_order) VALUES ('dg_c3_' || did, 'dg_e1_' || did, 'x', 'text', 1);
    SELECT columns_digest INTO d FROM entities WHERE id = 'dg_e1_' || did;
    IF d IS NOT NULL THEN RAISE EXCEPTION 'insert left digest %', d; END IF;
    SELECT columns_digest INTO d FROM entities WHERE id = 'dg_e2_' || did;
    IF d IS DISTINCT FROM 'D1' THEN RAISE EXCEPTION 'insert cleared another entity''s digest'; END IF;

    -- an update clears it, also for the entity a column moves away from
    UPDATE entities SET columns_digest = 'D2' WHERE diagram_id = did;
    UPDATE columns SET entity_id = 'dg_e2_' || did WHERE id = 'dg_c3_' || did;
    IF EXISTS (SELECT 1 FROM entities WHERE diagram_id = did AND columns_digest IS NOT NULL) THEN
        RAISE EXCEPTION 'moving a column left a digest';
    END IF;

    -- a delete clears it
    UPDATE entities SET columns_digest = 'D3' WHERE diagram_id = did;
    DELETE FROM columns WHERE id = 'dg_c1_' || did;
    SELECT columns_digest INTO d FROM entities WHERE id = 'dg_e1_' || did;
    IF d IS NOT NULL THEN RAISE EXCEPTION 'delete left digest %', d; END IF;
    SELECT columns_digest INTO d FROM entities WHERE id = 'dg_e2_' || did;
    IF d IS DISTINCT FROM 'D3' THEN RAISE EXCEPTION 'delete cleared another entity''s digest'; END IF;

    -- a statement that changes no row clears nothing; entity edits keep the digest
    UPDATE entities SET columns_digest = 'D4', x = 10 WHERE diagram_id = did;
    UPDATE columns SET name = 'nope' WHERE id = 'no-such-column';
    UPDATE entities SET name = 'renamed' WHERE id = 'dg_e2_' || did;
    IF EXISTS (SELECT 1 FROM entities WHERE diagram_id = did AND columns_digest IS DISTINCT FROM 'D4') THEN
        RAISE EXCEPTION 'a statement touching no column cleared a digest';
    END IF;

    -- deleting the entity cascades to its columns without error
    DELETE FROM entities WHERE id = 'dg_e2_' || did;
    IF EXISTS (SELECT 1 FROM columns WHERE entity_id = 'dg_e2_' || did) THEN
        RAISE EXCEPTION 'columns of a deleted entity survived';
    END IF;
END $$;
