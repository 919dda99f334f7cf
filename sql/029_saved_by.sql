-- 029_saved_by.sql — who saved a file last, and who made each history snapshot (issue 12: team
-- members edit the same files; the editor shows "Saved by Ana 2 minutes ago", history "by Ana").
-- Additive and idempotent: one nullable column of our own on each file table, a trigger that
-- fills it, a name lookup, and the audit trigger of 017 made author-aware.
--
--   * updated_by (text, user id, nullable): set by a BEFORE INSERT OR UPDATE trigger to the
--     transaction-local app.user_id that our server sets after BEGIN (fcgi/db.c).  A writer that
--     does not set it (ERD Builder Pro, a psql session, a maintenance job) leaves NULL there,
--     which means "unknown" — never the previous saver's id.  No foreign key: deleting a user
--     must not rewrite (and re-version) the files they saved; a stale id simply has no name.
--     A diagram's viewport-only update (018) keeps the row's updated_by, as it keeps _version.
--   * card_user_label(id): the display name (name, else e-mail) of a user the caller may know —
--     themselves or a member of an organization they belong to (every team member is one); NULL
--     otherwise.  SECURITY DEFINER because row-level security lets card_app read its own users
--     row only.
--   * log_entity_changes: as in 017, except that the 5-minute throttle only skips a snapshot
--     when the file's latest snapshot is by the same author: when another member saves, their
--     version gets its own snapshot, so history shows each author.

DO $cols$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts']
    LOOP
        EXECUTE format('ALTER TABLE public.%I ADD COLUMN IF NOT EXISTS updated_by text', t);
    END LOOP;
END
$cols$;

CREATE OR REPLACE FUNCTION public.card_set_updated_by()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'diagrams'
       AND current_setting('app.viewport_only', true) IS NOT DISTINCT FROM 'on'
       AND (to_jsonb(OLD) - ARRAY['viewport_x', 'viewport_y', 'viewport_zoom', 'updated_by'])
           IS NOT DISTINCT FROM (to_jsonb(NEW) - ARRAY['viewport_x', 'viewport_y', 'viewport_zoom', 'updated_by']) THEN
        NEW.updated_by := OLD.updated_by;
        RETURN NEW;
    END IF;
    NEW.updated_by := NULLIF(current_setting('app.user_id', true), '');
    RETURN NEW;
END;
$$;

-- BEFORE triggers run in name order: tr_<t>_saved_by runs before tr_<t>_version (004, 018), so
-- the version trigger's WHEN (018) sees the row as it will be stored.
DO $trg$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON public.%I', 'tr_' || t || '_saved_by', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON public.%I FOR EACH ROW '
                       'EXECUTE FUNCTION public.card_set_updated_by()', 'tr_' || t || '_saved_by', t);
    END LOOP;
END
$trg$;

CREATE OR REPLACE FUNCTION public.card_user_label(p_user_id text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(NULLIF(btrim(u.name), ''), u.email)
      FROM public.users u
     WHERE u.id = p_user_id AND u.deleted_at IS NULL
       AND public.app_user_id() IS NOT NULL
       AND (u.id = public.app_user_id()
            OR EXISTS (SELECT 1 FROM public.organization_members a
                         JOIN public.organization_members b ON b.org_id = a.org_id
                        WHERE a.user_id = public.app_user_id() AND b.user_id = u.id))
$$;
REVOKE ALL ON FUNCTION public.card_user_label(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_user_label(text) TO card_app;

-- The audit trigger of 017 with an author-aware throttle (see above).
CREATE OR REPLACE FUNCTION public.log_entity_changes()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_user_id text;
    v_row     jsonb;
    v_version integer;
    v_last    record;
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'diagrams' THEN
        RETURN NEW;
    END IF;
    v_row := to_jsonb(NEW);
    v_user_id := NULLIF(current_setting('app.user_id', true), '');
    IF v_user_id IS NULL THEN
        v_user_id := v_row ->> 'user_id';
    END IF;
    IF v_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = v_user_id) THEN
        v_user_id := NULL;
    END IF;
    v_version := COALESCE((v_row ->> '_version')::integer, 0);

    IF TG_OP = 'UPDATE' THEN
        SELECT e.created_at, e.user_id INTO v_last FROM public.entity_changes e
         WHERE e.entity_type = TG_TABLE_NAME AND e.entity_id = NEW.id::text
         ORDER BY e.id DESC LIMIT 1;
        IF FOUND AND v_last.created_at > now() - interval '5 minutes'
           AND v_last.user_id IS NOT DISTINCT FROM v_user_id THEN
            RETURN NEW;
        END IF;
    END IF;

    INSERT INTO public.entity_changes (entity_type, entity_id, version, user_id, changes, change_type)
    VALUES (TG_TABLE_NAME::text, NEW.id::text, v_version, v_user_id, v_row::text, lower(TG_OP)::text);
    RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION public.log_entity_changes() FROM PUBLIC;
