-- test_20_erd_policies_scale.sql — sql/041: the policies of entities, relationships and columns
-- (and of chat messages) cost what the caller can see, not what the instance holds.  Another
-- user keeps 400 project diagrams of 25 tables (10,000 entities) and 3,000 project chats; the caller's 4-table diagram is loaded as
-- fcgi/erd_store.c loads it (entities, columns, relationships by the diagram's uid) and its
-- columns are updated and deleted as an autosave does.  Each statement's plan (EXPLAIN ANALYZE,
-- JSON) may read at most a few hundred rows of entities and columns in all, counting those its
-- filters (the policies) removed; sql/021's policies read every project entity of the instance
-- for the columns (10,000+).  (The diagrams, a few hundred here, the planner may rightly scan
-- whole at this size; with 20,000 it takes the indexes.)  The rows the caller gets are checked
-- too.  Run as card_app.
CREATE OR REPLACE FUNCTION pg_temp.rows_read(q text, rels text[] DEFAULT ARRAY['entities', 'columns']) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
    RETURN (SELECT COALESCE(sum(((n->>'Actual Rows')::numeric + COALESCE((n->>'Rows Removed by Filter')::numeric, 0)
                                 + COALESCE((n->>'Rows Removed by Index Recheck')::numeric, 0))
                                * (n->>'Actual Loops')::numeric), 0)::bigint
              FROM jsonb_path_query(plan, 'strict $.**') AS n
             WHERE jsonb_typeof(n) = 'object' AND n->>'Relation Name' = ANY (rels));
END $$;

-- plan_of: the plan's scans of those tables (relation, node, rows), for a failure's message
CREATE OR REPLACE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
    RETURN (SELECT string_agg(format('%s %s rows=%s removed=%s loops=%s', n->>'Relation Name', n->>'Node Type',
                                     n->>'Actual Rows', COALESCE(n->>'Rows Removed by Filter', '0'), n->>'Actual Loops'), '; ')
              FROM jsonb_path_query(plan, 'strict $.**') AS n
             WHERE jsonb_typeof(n) = 'object'
               AND n->>'Relation Name' IN ('entities', 'columns', 'diagrams', 'relationships'));
END $$;

DO $$
DECLARE
    sfx text := replace(gen_random_uuid()::text, '-', '');
    other text;
    me text;
    pid int;
    did int;
    d_uid text;
    ids text;
    q text;
    n bigint;
    got bigint;
    sid int;
BEGIN
    other := (SELECT user_id FROM sqltest.signup('scale-o-' || sfx || '@example.test', 'O', 'h'));
    me := (SELECT user_id FROM sqltest.signup('scale-m-' || sfx || '@example.test', 'M', 'h'));
    -- the other user's instance-sized share: project diagrams (what sql/021's project_read scanned)
    PERFORM set_config('app.user_id', other, true);
    INSERT INTO projects (name, user_id) VALUES ('big ' || sfx, other) RETURNING id INTO pid;
    INSERT INTO diagrams (name, user_id, project_id) SELECT 'D' || g, other, pid FROM generate_series(1, 400) g;
    INSERT INTO ai_chat_sessions (uid, user_id, project_id) SELECT gen_random_uuid()::text, other, pid FROM generate_series(1, 3000) g;
    INSERT INTO entities (id, diagram_id, name, x, y)
    SELECT 'se-' || sfx || '-' || d.id || '-' || g, d.id, 't' || g, 0, 0
      FROM diagrams d CROSS JOIN generate_series(1, 25) g WHERE d.project_id = pid;
    IF (SELECT count(*) FROM entities WHERE id LIKE 'se-' || sfx || '-%') <> 10000 THEN
        RAISE EXCEPTION 'set-up: the other user''s 10,000 entities';
    END IF;

    -- the caller's own small diagram in its own project
    PERFORM set_config('app.user_id', me, true);
    INSERT INTO projects (name, user_id) VALUES ('mine ' || sfx, me) RETURNING id INTO pid;
    d_uid := gen_random_uuid()::text;
    INSERT INTO diagrams (uid, name, user_id, project_id) VALUES (d_uid, 'small', me, pid) RETURNING id INTO did;
    INSERT INTO entities (id, diagram_id, name, x, y)
    SELECT 'me-' || sfx || '-' || g, did, 't' || g, 0, 0 FROM generate_series(1, 4) g;
    INSERT INTO columns (id, entity_id, name, type)
    SELECT 'mc-' || sfx || '-' || g || '-' || c, 'me-' || sfx || '-' || g, 'c' || c, 'int'
      FROM generate_series(1, 4) g CROSS JOIN generate_series(1, 3) c;
    INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id)
    VALUES ('mr-' || sfx, did, 'me-' || sfx || '-1', 'me-' || sfx || '-2');

    ids := format('(SELECT d.id FROM diagrams d WHERE d.uid = %L AND d.is_deleted IS NOT TRUE)', d_uid);
    FOREACH q IN ARRAY ARRAY[
        'SELECT id, name FROM entities WHERE diagram_id = ' || ids || ' ORDER BY created_at, id',
        'SELECT c.id FROM columns c WHERE c.entity_id = ANY ((SELECT array_agg(e.id) FROM entities e WHERE e.diagram_id = ' || ids || ')::text[])',
        'SELECT id FROM relationships WHERE diagram_id = ' || ids || ' ORDER BY created_at, id',
        'UPDATE columns SET name = name WHERE entity_id = ANY ((SELECT array_agg(e.id) FROM entities e WHERE e.diagram_id = ' || ids || ')::text[])',
        'UPDATE entities SET x = x + 1 WHERE diagram_id = ' || ids]
    LOOP
        n := pg_temp.rows_read(q);
        IF n > 600 THEN
            RAISE EXCEPTION 'reads % rows of entities and columns (the instance holds 10,000 others'' entities): %; plan: %', n, q, pg_temp.plan_of(q);
        END IF;
    END LOOP;

    -- and the caller gets exactly its rows
    got := (SELECT count(*) FROM columns c WHERE c.entity_id = ANY ((SELECT array_agg(e.id) FROM entities e WHERE e.diagram_id = did)::text[]));
    IF got <> 12 THEN
        RAISE EXCEPTION 'the caller reads % of its 12 columns', got;
    END IF;
    IF (SELECT count(*) FROM entities WHERE id LIKE 'se-' || sfx || '-%') <> 0
       OR (SELECT count(*) FROM relationships WHERE diagram_id = did) <> 1 THEN
        RAISE EXCEPTION 'the caller sees another user''s entities, or not its relationship';
    END IF;
    -- a chat's messages (the AI turn's history): not every project chat of the instance
    INSERT INTO ai_chat_sessions (uid, user_id, project_id) VALUES (gen_random_uuid()::text, me, pid) RETURNING id INTO sid;
    INSERT INTO ai_chat_messages (session_id, role, content) VALUES (sid, 'user', 'hi'), (sid, 'assistant', 'hello');
    n := pg_temp.rows_read(format('SELECT role, content FROM ai_chat_messages WHERE session_id = %s ORDER BY id', sid),
                           ARRAY['ai_chat_sessions', 'ai_chat_messages']);
    IF n > 600 OR (SELECT count(*) FROM ai_chat_messages WHERE session_id = sid) <> 2 THEN
        RAISE EXCEPTION 'reading a chat''s 2 messages read % rows of chats and messages (the instance holds 3,000 others'' chats)', n;
    END IF;
    n := pg_temp.rows_read('DELETE FROM columns WHERE entity_id = ' || quote_literal('me-' || sfx || '-4'));
    IF n > 600 OR (SELECT count(*) FROM columns WHERE entity_id = 'me-' || sfx || '-4') <> 0 THEN
        RAISE EXCEPTION 'deleting a table''s columns read % rows, or left some', n;
    END IF;
END $$;
