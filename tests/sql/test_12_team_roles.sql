-- test_12_team_roles.sql — row-level security of sql/021 (and 024's follow-ups) per team role,
-- for every table that hangs off a project: projects, diagrams, notes, drawings, flowcharts,
-- entities, columns, relationships, attachments, entity_changes, ai_chat_sessions and
-- ai_chat_messages.  Five callers — a team viewer, editor and admin, a member of the same
-- organization who is not in the team, and an outsider — each try to read, update, insert and
-- delete; every attempt runs in a subtransaction that is rolled back, so all start from the same
-- rows.  Outcomes: 'ok' (a row read/written), 'none' (no row: row-level security hid it),
-- 'denied' (42501: a WITH CHECK policy, a guard trigger or a missing privilege).  Run as card_app.

-- One attempt as p_user: the statement runs and is rolled back; the outcome is returned.
CREATE FUNCTION pg_temp.attempt(p_user text, p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    res text;
BEGIN
    PERFORM set_config('app.user_id', p_user, true);
    BEGIN
        EXECUTE p_sql;
        GET DIAGNOSTICS n = ROW_COUNT;
        res := CASE WHEN n > 0 THEN 'ok' ELSE 'none' END;
        RAISE EXCEPTION 'roll back' USING ERRCODE = 'CT999';
    EXCEPTION
        WHEN SQLSTATE 'CT999' THEN NULL;
        WHEN insufficient_privilege THEN res := 'denied';
    END;
    RETURN res;
END $$;

-- Scenario: O owns the organization, the team T (O is its admin) and project P in T with one of
-- everything; V viewer, E editor, A admin of T; M is in the organization through another team;
-- X is in nothing.
DO $$
DECLARE
    sfx text := replace(gen_random_uuid()::text, '-', '');
    u record;
    o text;
    org text;
    team text;
    team2 text;
    tid bigint;
    pid int;
    did int;
    nid int;
    sid int;
    note_uid text := gen_random_uuid()::text;
BEGIN
    FOR u IN SELECT * FROM unnest(ARRAY['o', 'v', 'e', 'a', 'm', 'x']) AS k
    LOOP
        PERFORM set_config('test.' || u.k,
            (SELECT user_id FROM sqltest.signup('role-' || u.k || '-' || sfx || '@example.test', upper(u.k), 'h')), false);
    END LOOP;
    o := current_setting('test.o');
    PERFORM set_config('app.user_id', o, true);
    org := public.card_org_create('Org ' || sfx);
    team := public.card_team_create(org, 'Team ' || sfx);
    team2 := public.card_team_create(org, 'Other ' || sfx);
    PERFORM public.card_team_member_set(team, 'role-v-' || sfx || '@example.test', 'viewer');
    PERFORM public.card_team_member_set(team, 'role-e-' || sfx || '@example.test', 'editor');
    PERFORM public.card_team_member_set(team, 'role-a-' || sfx || '@example.test', 'admin');
    PERFORM public.card_team_member_set(team2, 'role-m-' || sfx || '@example.test', 'editor');
    SELECT id INTO tid FROM teams WHERE uid = team;

    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'P', o) RETURNING id INTO pid;
    UPDATE projects SET team_id = tid WHERE id = pid;
    INSERT INTO diagrams (uid, name, user_id, project_id) VALUES (gen_random_uuid()::text, 'D', o, pid) RETURNING id INTO did;
    INSERT INTO entities (id, diagram_id, name, x, y) VALUES ('e-' || sfx, did, 'customer', 0, 0);
    INSERT INTO columns (id, entity_id, name, type) VALUES ('c-' || sfx, 'e-' || sfx, 'id', 'int');
    INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id)
        VALUES ('r-' || sfx, did, 'e-' || sfx, 'e-' || sfx);
    INSERT INTO notes (uid, title, content, user_id, project_id) VALUES (note_uid, 'N', '<p>n</p>', o, pid) RETURNING id INTO nid;
    INSERT INTO drawings (uid, title, user_id, project_id) VALUES (gen_random_uuid()::text, 'W', o, pid);
    INSERT INTO flowcharts (uid, title, user_id, project_id) VALUES (gen_random_uuid()::text, 'F', o, pid);
    INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256)
        VALUES (o, 'note', note_uid, 'image/png', 1, '\x00', repeat('0', 64));
    INSERT INTO ai_chat_sessions (uid, user_id, project_id, title) VALUES (gen_random_uuid()::text, o, pid, 'chat') RETURNING id INTO sid;
    INSERT INTO ai_chat_messages (session_id, role, content) VALUES (sid, 'user', 'hello');
    IF NOT EXISTS (SELECT 1 FROM entity_changes WHERE entity_type = 'notes' AND entity_id = nid::text) THEN
        RAISE EXCEPTION 'fixture: the note has no history snapshot';
    END IF;
    PERFORM set_config('test.sfx', sfx, false);
    PERFORM set_config('test.tid', tid::text, false);
    PERFORM set_config('test.pid', pid::text, false);
    PERFORM set_config('test.did', did::text, false);
    PERFORM set_config('test.nid', nid::text, false);
    PERFORM set_config('test.sid', sid::text, false);
    PERFORM set_config('test.note_uid', note_uid, false);
END $$;

-- The expectations: one line per table and operation, the outcome for V, E, A, M, X.
DO $$
DECLARE
    sfx text := current_setting('test.sfx');
    pid text := current_setting('test.pid');
    did text := current_setting('test.did');
    nid text := current_setting('test.nid');
    sid text := current_setting('test.sid');
    tid text := current_setting('test.tid');
    note_uid text := current_setting('test.note_uid');
    me text := 'public.app_user_id()';
    roles text[] := ARRAY['v', 'e', 'a', 'm', 'x'];
    c record;
    i int;
    got text;
    bad text := '';
    n int := 0;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        -- projects: editors write, only admins (and the owner) delete or move; a project enters a
        -- team only through its editors and admins
        ('projects read',    format('SELECT 1 FROM projects WHERE id = %s', pid),                       ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('projects update',  format('UPDATE projects SET name = ''x'' WHERE id = %s', pid),             ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('projects insert',  format('INSERT INTO projects (uid, name, user_id, team_id) VALUES (gen_random_uuid()::text, ''new'', %s, %s)', me, tid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('projects delete',  format('UPDATE projects SET is_deleted = true WHERE id = %s', pid),        ARRAY['none', 'denied', 'ok', 'none', 'none']),
        ('projects move',    format('SELECT 1 WHERE public.card_project_set_team((SELECT uid FROM projects WHERE id = %s), NULL)', pid),
                                                                                                         ARRAY['denied', 'denied', 'ok', 'none', 'none']),
        ('projects purge',   format('DELETE FROM projects WHERE id = %s', pid),                         ARRAY['none', 'none', 'none', 'none', 'none']),
        -- files
        ('diagrams read',    format('SELECT 1 FROM diagrams WHERE id = %s', did),                       ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('diagrams update',  format('UPDATE diagrams SET name = ''x'' WHERE id = %s', did),             ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('diagrams insert',  format('INSERT INTO diagrams (uid, name, user_id, project_id) VALUES (gen_random_uuid()::text, ''x'', %s, %s)', me, pid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('diagrams delete',  format('DELETE FROM diagrams WHERE id = %s', did),                         ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('notes read',       format('SELECT 1 FROM notes WHERE id = %s', nid),                          ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('notes update',     format('UPDATE notes SET content = ''<p>x</p>'' WHERE id = %s', nid),      ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('notes insert',     format('INSERT INTO notes (uid, title, user_id, project_id) VALUES (gen_random_uuid()::text, ''x'', %s, %s)', me, pid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('notes delete',     format('DELETE FROM notes WHERE id = %s', nid),                            ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('drawings read',    format('SELECT 1 FROM drawings WHERE project_id = %s', pid),               ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('drawings update',  format('UPDATE drawings SET title = ''x'' WHERE project_id = %s', pid),    ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('drawings insert',  format('INSERT INTO drawings (uid, title, user_id, project_id) VALUES (gen_random_uuid()::text, ''x'', %s, %s)', me, pid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('drawings delete',  format('DELETE FROM drawings WHERE project_id = %s', pid),                 ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('flowcharts read',  format('SELECT 1 FROM flowcharts WHERE project_id = %s', pid),             ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('flowcharts update', format('UPDATE flowcharts SET title = ''x'' WHERE project_id = %s', pid), ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('flowcharts insert', format('INSERT INTO flowcharts (uid, title, user_id, project_id) VALUES (gen_random_uuid()::text, ''x'', %s, %s)', me, pid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('flowcharts delete', format('DELETE FROM flowcharts WHERE project_id = %s', pid),              ARRAY['none', 'ok', 'ok', 'none', 'none']),
        -- the diagram's rows
        ('entities read',    format('SELECT 1 FROM entities WHERE id = %L', 'e-' || sfx),               ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('entities update',  format('UPDATE entities SET name = ''x'' WHERE id = %L', 'e-' || sfx),     ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('entities insert',  format('INSERT INTO entities (id, diagram_id, name, x, y) VALUES (%L, %s, ''y'', 0, 0)', 'e2-' || sfx, did),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('entities delete',  format('DELETE FROM entities WHERE id = %L', 'e-' || sfx),                 ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('columns read',     format('SELECT 1 FROM columns WHERE id = %L', 'c-' || sfx),                ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('columns update',   format('UPDATE columns SET name = ''x'' WHERE id = %L', 'c-' || sfx),      ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('columns insert',   format('INSERT INTO columns (id, entity_id, name, type) VALUES (%L, %L, ''y'', ''int'')', 'c2-' || sfx, 'e-' || sfx),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('columns delete',   format('DELETE FROM columns WHERE id = %L', 'c-' || sfx),                  ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('relationships read',   format('SELECT 1 FROM relationships WHERE id = %L', 'r-' || sfx),      ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('relationships update', format('UPDATE relationships SET label = ''x'' WHERE id = %L', 'r-' || sfx), ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('relationships insert', format('INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id) VALUES (%L, %s, %L, %L)',
                                        'r2-' || sfx, did, 'e-' || sfx, 'e-' || sfx),                    ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('relationships delete', format('DELETE FROM relationships WHERE id = %L', 'r-' || sfx),        ARRAY['none', 'ok', 'ok', 'none', 'none']),
        -- attachments: editors attach to the team's files; each uploader deletes their own only;
        -- nobody rewrites one (no UPDATE policy: no row to update)
        ('attachments read',   format('SELECT 1 FROM attachments WHERE file_uid = %L', note_uid),       ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('attachments update', format('UPDATE attachments SET mime = ''image/gif'' WHERE file_uid = %L', note_uid),
                                                                                                         ARRAY['none', 'none', 'none', 'none', 'none']),
        ('attachments insert', format('INSERT INTO attachments (user_id, file_kind, file_uid, mime, size, bytes, sha256)'
                                      ' VALUES (%s, ''note'', %L, ''image/png'', 1, ''\x00'', repeat(''0'', 64))', me, note_uid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('attachments delete', format('DELETE FROM attachments WHERE file_uid = %L', note_uid),         ARRAY['none', 'none', 'none', 'none', 'none']),
        -- history: members read the project's snapshots; nobody rewrites or deletes another's;
        -- only those who may write the file add one (a named version)
        ('entity_changes read',   format('SELECT 1 FROM entity_changes WHERE entity_type = ''notes'' AND entity_id = %L', nid),
                                                                                                         ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('entity_changes update', format('UPDATE entity_changes SET changes = ''{}'' WHERE entity_type = ''notes'' AND entity_id = %L', nid),
                                                                                                         ARRAY['none', 'none', 'none', 'none', 'none']),
        ('entity_changes insert', format('INSERT INTO entity_changes (entity_type, entity_id, version, user_id, changes)'
                                         ' VALUES (''notes'', %L, 99, %s, ''{"title":"forged"}'')', nid, me),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('entity_changes delete', format('DELETE FROM entity_changes WHERE entity_type = ''notes'' AND entity_id = %L', nid),
                                                                                                         ARRAY['none', 'none', 'none', 'none', 'none']),
        -- AI chats of the project: members read them; editors and admins write
        ('ai_chat_sessions read',   format('SELECT 1 FROM ai_chat_sessions WHERE id = %s', sid),        ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('ai_chat_sessions update', format('UPDATE ai_chat_sessions SET title = ''x'' WHERE id = %s', sid), ARRAY['none', 'ok', 'ok', 'none', 'none']),
        ('ai_chat_sessions insert', format('INSERT INTO ai_chat_sessions (uid, user_id, project_id) VALUES (gen_random_uuid()::text, %s, %s)', me, pid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('ai_chat_sessions delete', format('DELETE FROM ai_chat_sessions WHERE id = %s', sid),          ARRAY['none', 'none', 'none', 'none', 'none']),
        ('ai_chat_messages read',   format('SELECT 1 FROM ai_chat_messages WHERE session_id = %s', sid), ARRAY['ok', 'ok', 'ok', 'none', 'none']),
        ('ai_chat_messages update', format('UPDATE ai_chat_messages SET content = ''x'' WHERE session_id = %s', sid),
                                                                                                         ARRAY['none', 'none', 'none', 'none', 'none']),
        ('ai_chat_messages insert', format('INSERT INTO ai_chat_messages (session_id, role, content) VALUES (%s, ''user'', ''hi'')', sid),
                                                                                                         ARRAY['denied', 'ok', 'ok', 'denied', 'denied']),
        ('ai_chat_messages delete', format('DELETE FROM ai_chat_messages WHERE session_id = %s', sid),  ARRAY['none', 'none', 'none', 'none', 'none'])
    ) AS t(label, stmt, want)
    LOOP
        FOR i IN 1 .. 5 LOOP
            got := pg_temp.attempt(current_setting('test.' || roles[i]), c.stmt);
            n := n + 1;
            IF got IS DISTINCT FROM c.want[i] THEN
                bad := bad || format(E'\n  %s as %s: got %s, want %s', c.label, upper(roles[i]), got, c.want[i]);
            END IF;
        END LOOP;
    END LOOP;
    IF bad <> '' THEN
        RAISE EXCEPTION 'team roles × tables (% checks):%', n, bad;
    END IF;
    IF n <> 5 * 50 THEN
        RAISE EXCEPTION 'expected 250 checks, ran %', n;
    END IF;
END $$;

-- The rows are unchanged after all of that (every attempt was rolled back), and the owner still
-- has them all: the test above would otherwise pass on an empty scenario.
DO $$
BEGIN
    PERFORM set_config('app.user_id', current_setting('test.o'), true);
    IF (SELECT name FROM projects WHERE id = current_setting('test.pid')::int) <> 'P'
       OR (SELECT count(*) FROM notes WHERE project_id = current_setting('test.pid')::int) <> 1
       OR (SELECT count(*) FROM attachments WHERE file_uid = current_setting('test.note_uid')) <> 1
       OR (SELECT count(*) FROM ai_chat_messages WHERE session_id = current_setting('test.sid')::int) <> 1 THEN
        RAISE EXCEPTION 'the scenario rows changed';
    END IF;
END $$;
