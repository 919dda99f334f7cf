-- test_14_backup_schedules.sql — scheduled automatic backups (sql/030): a schedule is its
-- owner's only (another user neither reads, changes nor creates one for them), its checks hold
-- (frequency, keep 1–100, a next run when on), and card_backup_schedule_enqueue, called with no
-- user as the task runner does, queues one backup task of the owner per due slot and moves the
-- slot on, so a second call queues nothing.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    n int;
    q record;
    got text;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('sched-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('sched-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO backup_schedules (user_id, frequency, keep, next_run_at)
    VALUES (a, 'daily', 2, now() - interval '1 second');
    BEGIN
        INSERT INTO backup_schedules (user_id, frequency, next_run_at) VALUES (b, 'daily', now());
        RAISE EXCEPTION 'created a schedule for another user';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE backup_schedules SET keep = 0 WHERE user_id = a;
        RAISE EXCEPTION 'keep 0 accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        UPDATE backup_schedules SET keep = 101 WHERE user_id = a;
        RAISE EXCEPTION 'keep 101 accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        UPDATE backup_schedules SET frequency = 'hourly' WHERE user_id = a;
        RAISE EXCEPTION 'frequency hourly accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        UPDATE backup_schedules SET next_run_at = NULL WHERE user_id = a;
        RAISE EXCEPTION 'a daily schedule without a next run accepted';
    EXCEPTION WHEN check_violation THEN NULL;
    END;

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM backup_schedules) <> 0 THEN RAISE EXCEPTION 'another user reads a schedule'; END IF;
    UPDATE backup_schedules SET keep = 50 WHERE user_id = a;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 0 THEN RAISE EXCEPTION 'another user changed a schedule'; END IF;

    -- The runner: no user.
    PERFORM set_config('app.user_id', '', true);
    n := 0;
    FOR q IN SELECT * FROM card_backup_schedule_enqueue(100) LOOP
        IF q.user_id = a THEN n := n + 1; got := q.task_uid; END IF;
    END LOOP;
    IF n <> 1 THEN RAISE EXCEPTION 'the due slot queued % tasks', n; END IF;
    IF EXISTS (SELECT 1 FROM card_backup_schedule_enqueue(100) WHERE user_id = a) THEN
        RAISE EXCEPTION 'the same slot was queued twice';
    END IF;

    PERFORM set_config('app.user_id', a, true);
    IF NOT EXISTS (SELECT 1 FROM tasks WHERE uid = got AND user_id = a AND kind = 'backup' AND status = 'queued'
                   AND params = '{"scheduled": true, "keep": 2, "all": true}'::jsonb) THEN
        RAISE EXCEPTION 'the queued task is not the owner''s scheduled backup of all projects';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM backup_schedules WHERE user_id = a AND last_task_uid = got
                   AND next_run_at > now() + interval '23 hours') THEN
        RAISE EXCEPTION 'the slot did not move a day on';
    END IF;
    PERFORM set_config('app.user_id', b, true);
    IF EXISTS (SELECT 1 FROM tasks WHERE uid = got) THEN RAISE EXCEPTION 'another user sees the task'; END IF;
END
$$;
