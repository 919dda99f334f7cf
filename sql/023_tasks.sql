-- 023_tasks.sql — background tasks (issue 12) and backups.  A task is one row of `tasks`
-- (shaped after seed 003's: status queued|running|succeeded|failed|cancelled, progress 0–100,
-- a log of JSON lines, kind, owner, parameters, result, timestamps) claimed by the task runner
-- (fcgi/task_runner.c) with FOR UPDATE SKIP LOCKED through card_task_claim, a SECURITY DEFINER
-- function (the runner has no user: row-level security would hide every queued row from it).
-- The runner then works as card_app with app.user_id = the task's owner, so the work itself
-- and every update of the task row go through the policies below.  `runner` names the process
-- holding a running task ("host:pid") and `heartbeat` the last time it said it was alive;
-- card_task_reap fails the tasks of a dead runner.
-- Backups use seed 000's `backups` (owned through user_id by sql/005's policy) with nullable
-- columns added here: uid, the archive itself (bytea), its project and the task that made it.
-- Restores read their archive from tasks.input.  Idempotent.

CREATE TABLE IF NOT EXISTS public.tasks (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('backup', 'restore')),
    status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress int NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    params jsonb NOT NULL DEFAULT '{}'::jsonb,
    input bytea,
    result jsonb,
    log text NOT NULL DEFAULT '',
    error text,
    cancel_requested boolean NOT NULL DEFAULT false,
    runner text,
    heartbeat timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS tasks_uid_key ON public.tasks (uid);
CREATE INDEX IF NOT EXISTS idx_tasks_queued ON public.tasks (created_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS idx_tasks_user ON public.tasks (user_id, created_at DESC);

ALTER TABLE public.backups ADD COLUMN IF NOT EXISTS uid text;
ALTER TABLE public.backups ADD COLUMN IF NOT EXISTS project_uid text;
ALTER TABLE public.backups ADD COLUMN IF NOT EXISTS task_uid text;
ALTER TABLE public.backups ADD COLUMN IF NOT EXISTS data bytea;
UPDATE public.backups SET uid = id WHERE uid IS NULL;
ALTER TABLE public.backups ALTER COLUMN uid SET DEFAULT gen_random_uuid()::text;
CREATE UNIQUE INDEX IF NOT EXISTS backups_uid_key ON public.backups (uid);

ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tasks FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS card_owner_all ON public.tasks;
DROP POLICY IF EXISTS own_rows ON public.tasks;
DO $own$
BEGIN
    EXECUTE format('CREATE POLICY card_owner_all ON public.tasks TO %I USING (true) WITH CHECK (true)',
                   current_user);
END
$own$;
-- The owner reads, creates and updates (progress, log, cancel) their own tasks; nobody deletes.
CREATE POLICY own_rows ON public.tasks USING (user_id = public.app_user_id())
    WITH CHECK (user_id = public.app_user_id());
GRANT SELECT, INSERT, UPDATE ON public.tasks TO card_app;
REVOKE DELETE ON public.tasks FROM card_app;
GRANT USAGE, SELECT ON SEQUENCE public.tasks_id_seq TO card_app;

-- card_task_claim: the oldest queued task, now running for p_runner, or no row.
CREATE OR REPLACE FUNCTION public.card_task_claim(p_runner text)
RETURNS TABLE (uid text, user_id text, kind text, params jsonb)
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    UPDATE public.tasks t
       SET status = 'running', runner = p_runner, heartbeat = now(), started_at = now(),
           updated_at = now()
     WHERE t.id = (SELECT q.id FROM public.tasks q WHERE q.status = 'queued'
                    ORDER BY q.created_at, q.id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING t.uid, t.user_id, t.kind, t.params
$$;

-- card_task_heartbeat: the running tasks of p_runner are alive.
CREATE OR REPLACE FUNCTION public.card_task_heartbeat(p_runner text)
RETURNS void
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    UPDATE public.tasks SET heartbeat = now() WHERE status = 'running' AND runner = p_runner
$$;

-- card_task_runners: the runners holding running tasks (the caller checks which are dead).
CREATE OR REPLACE FUNCTION public.card_task_runners()
RETURNS SETOF text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT DISTINCT runner FROM public.tasks WHERE status = 'running' AND runner IS NOT NULL $$;

-- card_task_reap: running tasks of a dead runner (p_dead) or silent for more than 30 s are
-- failed, the reason in error and in the log.  Answers how many.
CREATE OR REPLACE FUNCTION public.card_task_reap(p_dead text[])
RETURNS int
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    n int;
BEGIN
    WITH gone AS (
        UPDATE public.tasks t
           SET status = 'failed', finished_at = now(), updated_at = now(),
               error = CASE WHEN t.runner = ANY (p_dead)
                            THEN 'the task runner stopped while the task ran (process ' || t.runner || ' died)'
                            ELSE 'the task runner stopped answering (no heartbeat for 30 s)' END,
               log = t.log || json_build_object('at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                                'level', 'error', 'message',
                                                'Stopped: the task runner died while this task ran; nothing it had begun was kept.')::text || E'\n'
         WHERE t.status = 'running'
           AND (t.runner = ANY (p_dead) OR t.heartbeat IS NULL OR t.heartbeat < now() - interval '30 seconds')
        RETURNING 1)
    SELECT count(*) INTO n FROM gone;
    RETURN n;
END
$$;

REVOKE ALL ON FUNCTION public.card_task_claim(text), public.card_task_heartbeat(text),
    public.card_task_runners(), public.card_task_reap(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_task_claim(text), public.card_task_heartbeat(text),
    public.card_task_runners(), public.card_task_reap(text[]) TO card_app;
