-- 030_backup_schedules.sql — scheduled automatic backups (issue 12).  Seed 000's
-- user_preferences holds only backup_folder (a path on the old desktop app's disk), so the
-- schedule is a table of our own, one row per user (fcgi/backup_schedule.c):
--   frequency    off | daily | weekly
--   project_uid  the one project to back up, or NULL: every project the user owns
--   keep         how many automatic archives to keep (1–100); older ones are deleted after each
--                scheduled backup succeeds (manual backups are never touched)
--   next_run_at  when the next scheduled backup is due (NULL when off)
--   last_run_at / last_task_uid  the last slot enqueued and its task
-- backups.automatic marks the archives a schedule made.
-- card_backup_schedule_enqueue (SECURITY DEFINER: the task runner has no user) turns due
-- schedules into ordinary queued backup tasks owned by their user, advancing next_run_at in the
-- same transaction; rows are taken FOR UPDATE SKIP LOCKED and re-checked, so two runners (or a
-- restart) never enqueue one slot twice.  Idempotent, additive.

CREATE TABLE IF NOT EXISTS public.backup_schedules (
    user_id text PRIMARY KEY REFERENCES public.users(id) ON DELETE CASCADE,
    frequency text NOT NULL DEFAULT 'off' CHECK (frequency IN ('off', 'daily', 'weekly')),
    project_uid text CHECK (project_uid IS NULL OR length(project_uid) BETWEEN 1 AND 100),
    keep int NOT NULL DEFAULT 7 CHECK (keep BETWEEN 1 AND 100),
    next_run_at timestamptz,
    last_run_at timestamptz,
    last_task_uid text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT backup_schedules_next_run CHECK (frequency = 'off' OR next_run_at IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS idx_backup_schedules_due ON public.backup_schedules (next_run_at)
    WHERE frequency <> 'off';

ALTER TABLE public.backups ADD COLUMN IF NOT EXISTS automatic boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS idx_backups_automatic ON public.backups (user_id, created_at DESC)
    WHERE automatic;

DO $rls$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = 'backup_schedules'
    LOOP
        EXECUTE format('DROP POLICY %I ON public.backup_schedules', p.policyname);
    END LOOP;
    ALTER TABLE public.backup_schedules ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.backup_schedules FORCE ROW LEVEL SECURITY;
    EXECUTE format('CREATE POLICY card_owner_all ON public.backup_schedules TO %I USING (true) WITH CHECK (true)',
                   current_user);
    -- One's own schedule only.
    CREATE POLICY own_rows ON public.backup_schedules USING (user_id = public.app_user_id())
        WITH CHECK (user_id = public.app_user_id());
END
$rls$;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.backup_schedules TO card_app;

-- card_backup_schedule_enqueue: at most p_limit due schedules become queued backup tasks
-- (params {scheduled: true, keep, and project_uid or all}); their next_run_at moves one period
-- on (or one period from now when the server was down longer than that).  Answers the users
-- and task uids enqueued.  Disabled and deleted users are skipped (their slot stays due).
CREATE OR REPLACE FUNCTION public.card_backup_schedule_enqueue(p_limit int)
RETURNS TABLE (user_id text, task_uid text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    s record;
    per interval;
    t text;
BEGIN
    FOR s IN
        SELECT b.user_id, b.frequency, b.project_uid, b.keep, b.next_run_at
          FROM public.backup_schedules b
          JOIN public.users u ON u.id = b.user_id
         WHERE b.frequency <> 'off' AND b.next_run_at <= now()
           AND u.deleted_at IS NULL AND u.disabled_at IS NULL
         ORDER BY b.next_run_at
         LIMIT greatest(p_limit, 0)
           FOR UPDATE OF b SKIP LOCKED
    LOOP
        per := CASE s.frequency WHEN 'daily' THEN interval '1 day' ELSE interval '7 days' END;
        INSERT INTO public.tasks (user_id, kind, params)
        VALUES (s.user_id, 'backup',
                jsonb_build_object('scheduled', true, 'keep', s.keep)
                || CASE WHEN s.project_uid IS NULL THEN jsonb_build_object('all', true)
                        ELSE jsonb_build_object('project_uid', s.project_uid) END)
        RETURNING uid INTO t;
        UPDATE public.backup_schedules b
           SET next_run_at = CASE WHEN s.next_run_at + per > now() THEN s.next_run_at + per
                                  ELSE now() + per END,
               last_run_at = now(), last_task_uid = t
         WHERE b.user_id = s.user_id;
        user_id := s.user_id;
        task_uid := t;
        RETURN NEXT;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION public.card_backup_schedule_enqueue(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_backup_schedule_enqueue(int) TO card_app;
