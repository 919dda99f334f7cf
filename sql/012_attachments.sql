-- 012_attachments.sql — images in notes and drawings, stored by us (never inline base64 in a
-- document): one row per uploaded image, tied to the file it belongs to by (file_kind, file_uid).
-- Row-level security: an attachment is readable exactly when its file is readable (the EXISTS
-- runs under the file table's own policies, so a share link that shows the file shows its
-- images too); only the owner of a file adds attachments to it; the uploader may delete them.
-- ENABLE + FORCE like sql/005, grants like sql/007. Idempotent.

CREATE TABLE IF NOT EXISTS public.attachments (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    file_kind text NOT NULL CHECK (file_kind IN ('diagram', 'note', 'drawing', 'flowchart')),
    file_uid text NOT NULL,
    mime text NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    size int NOT NULL CHECK (size > 0 AND size <= 5242880),
    bytes bytea NOT NULL CHECK (octet_length(bytes) = size),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS attachments_uid_key ON public.attachments (uid);
CREATE INDEX IF NOT EXISTS idx_attachments_file ON public.attachments (file_kind, file_uid);
CREATE INDEX IF NOT EXISTS idx_attachments_user ON public.attachments (user_id);

-- card_attachment_file_visible: the file (kind, uid) is visible to this transaction under its
-- table's policies (own, or shared through app.share_token); owned: and it is the user's own.
CREATE OR REPLACE FUNCTION public.card_attachment_file_visible(kind text, file text, owned boolean)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT CASE kind
        WHEN 'diagram' THEN EXISTS (SELECT 1 FROM public.diagrams f WHERE f.uid = file
                                    AND (NOT owned OR f.user_id = public.app_user_id()))
        WHEN 'note' THEN EXISTS (SELECT 1 FROM public.notes f WHERE f.uid = file
                                 AND (NOT owned OR f.user_id = public.app_user_id()))
        WHEN 'drawing' THEN EXISTS (SELECT 1 FROM public.drawings f WHERE f.uid = file
                                    AND (NOT owned OR f.user_id = public.app_user_id()))
        WHEN 'flowchart' THEN EXISTS (SELECT 1 FROM public.flowcharts f WHERE f.uid = file
                                      AND (NOT owned OR f.user_id = public.app_user_id()))
        ELSE false
    END
$$;
GRANT EXECUTE ON FUNCTION public.card_attachment_file_visible(text, text, boolean) TO card_app;

ALTER TABLE public.attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.attachments FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS card_owner_all ON public.attachments;
DROP POLICY IF EXISTS file_read ON public.attachments;
DROP POLICY IF EXISTS own_insert ON public.attachments;
DROP POLICY IF EXISTS own_delete ON public.attachments;
DO $pol$
BEGIN
    EXECUTE format('CREATE POLICY card_owner_all ON public.attachments TO %I USING (true) WITH CHECK (true)',
                   current_user);
END
$pol$;
CREATE POLICY file_read ON public.attachments FOR SELECT
    USING (public.card_attachment_file_visible(file_kind, file_uid, false));
CREATE POLICY own_insert ON public.attachments FOR INSERT
    WITH CHECK (user_id = public.app_user_id()
                AND public.card_attachment_file_visible(file_kind, file_uid, true));
CREATE POLICY own_delete ON public.attachments FOR DELETE
    USING (user_id = public.app_user_id());

GRANT SELECT, INSERT, DELETE ON public.attachments TO card_app;
GRANT USAGE, SELECT ON SEQUENCE public.attachments_id_seq TO card_app;
