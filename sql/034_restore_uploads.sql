-- 034_restore_uploads.sql — resumable chunked uploads of backup archives to restore (issue 12:
-- any project that can be backed up can be restored elsewhere, however large).  nginx and the
-- application refuse request bodies over ~11 MB, so a larger archive comes in parts
-- (fcgi/api_upload.c): POST /api/backups/uploads declares {size, name} and gets a uid and the
-- part size; each part is PUT as raw bytes (re-sending one replaces it); once all are there
-- POST …/restore queues an ordinary restore task with params {upload_uid}, whose runner reads
-- the parts in order (backup.c).  The upload (and, by cascade, its parts) is deleted when that
-- task ends (task_runner.c), and any upload is deleted 24 h after it began
-- (card_restore_uploads_purge, called by the runner's heartbeat).  Owner-only by row-level
-- security: another user's upload is a 404.  Additive and idempotent.

CREATE TABLE IF NOT EXISTS public.restore_uploads (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    size bigint NOT NULL CHECK (size > 0),
    part_size int NOT NULL CHECK (part_size > 0),
    parts int NOT NULL CHECK (parts > 0 AND parts = (size + part_size - 1) / part_size),
    task_uid text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL DEFAULT now() + interval '24 hours'
);
CREATE UNIQUE INDEX IF NOT EXISTS restore_uploads_uid_key ON public.restore_uploads (uid);
CREATE INDEX IF NOT EXISTS idx_restore_uploads_expires ON public.restore_uploads (expires_at);

CREATE TABLE IF NOT EXISTS public.restore_upload_parts (
    upload_id bigint NOT NULL REFERENCES public.restore_uploads(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    n int NOT NULL CHECK (n >= 0),
    data bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (upload_id, n)
);
-- The parts are read whole and in order: keep them out of line and uncompressed (archives
-- are gzip already).
ALTER TABLE public.restore_upload_parts ALTER COLUMN data SET STORAGE EXTERNAL;

DO $rls$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT tablename, policyname FROM pg_policies
              WHERE schemaname = 'public' AND tablename IN ('restore_uploads', 'restore_upload_parts')
    LOOP
        EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, p.tablename);
    END LOOP;
    ALTER TABLE public.restore_uploads ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.restore_uploads FORCE ROW LEVEL SECURITY;
    ALTER TABLE public.restore_upload_parts ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.restore_upload_parts FORCE ROW LEVEL SECURITY;
    EXECUTE format('CREATE POLICY card_owner_all ON public.restore_uploads TO %I USING (true) WITH CHECK (true)',
                   current_user);
    EXECUTE format('CREATE POLICY card_owner_all ON public.restore_upload_parts TO %I USING (true) WITH CHECK (true)',
                   current_user);
    -- One's own uploads only, and parts only of one's own uploads.
    CREATE POLICY own_rows ON public.restore_uploads USING (user_id = public.app_user_id())
        WITH CHECK (user_id = public.app_user_id());
    CREATE POLICY own_rows ON public.restore_upload_parts
        USING (user_id = public.app_user_id())
        WITH CHECK (user_id = public.app_user_id() AND EXISTS (
            SELECT 1 FROM public.restore_uploads u
             WHERE u.id = upload_id AND u.user_id = public.app_user_id()));
END
$rls$;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.restore_uploads, public.restore_upload_parts TO card_app;
GRANT USAGE, SELECT ON SEQUENCE public.restore_uploads_id_seq TO card_app;

-- card_restore_uploads_purge: delete every upload begun more than 24 h ago (whoever owns it;
-- the runner has no user), with its parts.  Answers how many.
CREATE OR REPLACE FUNCTION public.card_restore_uploads_purge()
RETURNS int
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    n int;
BEGIN
    DELETE FROM public.restore_uploads WHERE expires_at <= now();
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION public.card_restore_uploads_purge() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_restore_uploads_purge() TO card_app;
