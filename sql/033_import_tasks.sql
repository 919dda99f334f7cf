-- 033_import_tasks.sql — large diagram imports run as background tasks (issue 12): the task
-- runner's "import" kind (fcgi/import_task.c), queued by POST /api/diagrams/:uid/import?async=1.
-- Additive and idempotent: the kind check of our own tasks table (023) also allows 'import', and
-- 'import-ebp' (the `cardinality import-ebp` command records its run as a task: import_ebp_task.c).
ALTER TABLE public.tasks DROP CONSTRAINT IF EXISTS tasks_kind_check;
ALTER TABLE public.tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('backup', 'restore', 'import', 'import-ebp'));
