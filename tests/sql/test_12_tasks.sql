-- test_12_tasks.sql — background tasks (sql/023): the owner reads, queues and updates their
-- own tasks, another user sees none of them; the runner's SECURITY DEFINER functions claim the
-- oldest queued task with no user set, and card_task_reap fails the running tasks of a dead
-- runner or of one silent for more than 30 s (with the reason in error and the log), leaving
-- a live runner's tasks alone; backups rows are their owner's.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    t1 text; t2 text; t3 text;
    claimed record;
    n int;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('task-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('task-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO tasks (user_id, kind, params) VALUES (a, 'backup', '{"project_uid": "p"}') RETURNING uid INTO t1;
    INSERT INTO tasks (user_id, kind) VALUES (a, 'restore') RETURNING uid INTO t2;
    INSERT INTO tasks (user_id, kind) VALUES (a, 'restore') RETURNING uid INTO t3;
    BEGIN
        INSERT INTO tasks (user_id, kind) VALUES (b, 'backup');
        RAISE EXCEPTION 'queued a task for another user';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE tasks SET progress = 101 WHERE uid = t1;
        RAISE EXCEPTION 'progress over 100 accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        DELETE FROM tasks WHERE uid = t1;
        RAISE EXCEPTION 'card_app deleted a task';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    INSERT INTO backups (id, user_id, name, data) VALUES (gen_random_uuid()::text, a, 'b', '\x00');

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM tasks) <> 0 THEN RAISE EXCEPTION 'another user reads tasks'; END IF;
    UPDATE tasks SET cancel_requested = true WHERE uid = t1;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 0 THEN RAISE EXCEPTION 'another user cancelled a task'; END IF;
    IF (SELECT count(*) FROM backups WHERE user_id = a) <> 0 THEN RAISE EXCEPTION 'another user reads backups'; END IF;

    -- The runner: no user; claims the oldest first, in order.
    PERFORM set_config('app.user_id', '', true);
    SELECT * INTO claimed FROM card_task_claim('host:1');
    IF claimed.uid IS DISTINCT FROM t1 OR claimed.user_id <> a OR claimed.kind <> 'backup' THEN
        RAISE EXCEPTION 'claimed % instead of the oldest task', claimed.uid;
    END IF;
    SELECT * INTO claimed FROM card_task_claim('host:2');
    IF claimed.uid IS DISTINCT FROM t2 THEN RAISE EXCEPTION 'second claim took %', claimed.uid; END IF;
    SELECT * INTO claimed FROM card_task_claim('host:3');
    IF claimed.uid IS DISTINCT FROM t3 THEN RAISE EXCEPTION 'third claim took %', claimed.uid; END IF;
    SELECT * INTO claimed FROM card_task_claim('host:3');
    IF claimed.uid IS NOT NULL THEN RAISE EXCEPTION 'claimed a task twice'; END IF;

    -- host:1 died; host:2 went silent 31 s ago; host:3 is alive.
    PERFORM set_config('app.user_id', a, true);
    UPDATE tasks SET heartbeat = now() - interval '31 seconds' WHERE uid = t2;
    PERFORM set_config('app.user_id', '', true);
    n := card_task_reap(ARRAY['host:1']);
    IF n <> 2 THEN RAISE EXCEPTION 'reaped % tasks, wanted 2', n; END IF;
    PERFORM set_config('app.user_id', a, true);
    IF (SELECT status FROM tasks WHERE uid = t1) <> 'failed'
       OR (SELECT error FROM tasks WHERE uid = t1) NOT LIKE '%process host:1 died%'
       OR (SELECT log FROM tasks WHERE uid = t1) NOT LIKE '%"level" : "error"%' THEN
        RAISE EXCEPTION 'the dead runner''s task is not failed with its reason: %', (SELECT error || log FROM tasks WHERE uid = t1);
    END IF;
    IF (SELECT error FROM tasks WHERE uid = t2) NOT LIKE '%no heartbeat for 30 s%' THEN
        RAISE EXCEPTION 'the silent runner''s task is not failed';
    END IF;
    IF (SELECT status FROM tasks WHERE uid = t3) <> 'running' THEN
        RAISE EXCEPTION 'a live runner''s task was reaped';
    END IF;
END
$$;
