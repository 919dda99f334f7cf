-- 014_sharing.sql — public share links (issue 11): what 005's shared_read policies leave out.
-- Idempotent, like every migration (tests/sql/run.sh applies each twice).
--  1. A file in a deleted project is not shared: a RESTRICTIVE policy on the four file tables,
--     in force only in a share transaction (app.share_token set), so the owner's own rules are
--     untouched; the ERD children follow, since their shared_read policies read diagrams
--     through row-level security.  The project lookup is a SECURITY DEFINER function: a share
--     transaction cannot read projects itself (and must not).
--  2. card_share_info(): for the token of this transaction only, the kind of the file it names,
--     whether the link has expired (the page answers 410 instead of 404) and the owner's
--     display name — never another column of users, never another user.
--  3. Changing only the sharing columns keeps _version and updated_at: sharing is not an edit,
--     so an open editor's next save is not a conflict and the page's "last update" stays true.

CREATE OR REPLACE FUNCTION public.card_project_live(p_project_id integer)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM public.projects p WHERE p.id = p_project_id AND p.is_deleted IS NOT TRUE)
$$;
REVOKE ALL ON FUNCTION public.card_project_live(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_project_live(integer) TO card_app;

DO $share$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts']
    LOOP
        EXECUTE format('DROP POLICY IF EXISTS shared_project_live ON public.%I', t);
        EXECUTE format('CREATE POLICY shared_project_live ON public.%I AS RESTRICTIVE FOR SELECT'
                       ' USING (public.app_share_token() IS NULL OR project_id IS NULL'
                       ' OR public.card_project_live(project_id))', t);
    END LOOP;
END
$share$;

-- card_share_info: one row when app.share_token names a public, not deleted file in a live
-- project (or none) of a live account: (kind, expired, owner_name); owner_name is NULL once
-- expired.  No row: unknown, revoked, private or deleted — the caller answers 404 for all.
CREATE OR REPLACE FUNCTION public.card_share_info()
RETURNS TABLE (kind text, expired boolean, owner_name text)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    WITH f AS (
        SELECT 'diagram' AS kind, user_id, project_id, expiry_date FROM public.diagrams
         WHERE share_token = public.app_share_token() AND is_public IS TRUE AND is_deleted IS NOT TRUE
        UNION ALL
        SELECT 'note', user_id, project_id, expiry_date FROM public.notes
         WHERE share_token = public.app_share_token() AND is_public IS TRUE AND is_deleted IS NOT TRUE
        UNION ALL
        SELECT 'drawing', user_id, project_id, expiry_date FROM public.drawings
         WHERE share_token = public.app_share_token() AND is_public IS TRUE AND is_deleted IS NOT TRUE
        UNION ALL
        SELECT 'flowchart', user_id, project_id, expiry_date FROM public.flowcharts
         WHERE share_token = public.app_share_token() AND is_public IS TRUE AND is_deleted IS NOT TRUE
    )
    SELECT f.kind,
           f.expiry_date IS NOT NULL AND f.expiry_date <= now(),
           CASE WHEN f.expiry_date IS NULL OR f.expiry_date > now() THEN COALESCE(u.name, '') END
      FROM f JOIN public.users u ON u.id = f.user_id AND u.deleted_at IS NULL
     WHERE public.app_share_token() IS NOT NULL
       AND (f.project_id IS NULL OR public.card_project_live(f.project_id))
     LIMIT 1
$$;
REVOKE ALL ON FUNCTION public.card_share_info() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_share_info() TO card_app;

CREATE OR REPLACE FUNCTION public.share_keeps_version()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF (NEW.is_public, NEW.share_token, NEW.expiry_date, NEW.published_at)
       IS DISTINCT FROM (OLD.is_public, OLD.share_token, OLD.expiry_date, OLD.published_at)
       AND (to_jsonb(NEW) - ARRAY['is_public', 'share_token', 'expiry_date', 'published_at', '_version', 'updated_at'])
         = (to_jsonb(OLD) - ARRAY['is_public', 'share_token', 'expiry_date', 'published_at', '_version', 'updated_at'])
    THEN
        NEW._version := OLD._version;
        NEW.updated_at := OLD.updated_at;
    END IF;
    RETURN NEW;
END;
$$;

-- Named to fire after 004's tr_<table>_version (BEFORE triggers run in name order).
DO $trg$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON public.%I', 'tr_' || t || '_version_share', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.share_keeps_version()',
                       'tr_' || t || '_version_share', t);
    END LOOP;
END
$trg$;
