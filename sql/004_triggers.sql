-- 004_triggers.sql — the optimistic-lock version trigger and the audit (history snapshot) trigger,
-- as in ERD Builder Pro's Supabase block, adapted to Pure PostgreSQL: no auth.uid() (the user comes
-- from the transaction-local setting app.user_id), entity_changes.changes is TEXT and user_id is text.
-- Timestamps are timestamp(3) without zone; the server runs its sessions in UTC.

-- Every UPDATE bumps _version and updated_at; a save names the version it started from
-- (UPDATE … WHERE _version = $n), so a stale save touches no row.
CREATE OR REPLACE FUNCTION public.increment_version()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW._version = COALESCE(OLD._version, 0) + 1;
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

-- Full-row snapshot into entity_changes on INSERT and UPDATE, at most one per file every 5 minutes
-- on updates. SECURITY DEFINER (owned by the migration role) so the throttle sees every snapshot of
-- the file and the insert does not depend on the caller's row-level security.
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
BEGIN
    v_row := to_jsonb(NEW);
    v_user_id := NULLIF(current_setting('app.user_id', true), '');
    IF v_user_id IS NULL THEN
        v_user_id := v_row ->> 'user_id';
    END IF;
    -- entity_changes.user_id references users(id): never record an id that is not a user.
    IF v_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = v_user_id) THEN
        v_user_id := NULL;
    END IF;
    v_version := COALESCE((v_row ->> '_version')::integer, 0);

    -- Throttle: skip if the last snapshot of this file is less than 5 minutes old.
    IF TG_OP = 'UPDATE' THEN
        IF EXISTS (
            SELECT 1 FROM public.entity_changes
             WHERE entity_type = TG_TABLE_NAME
               AND entity_id = NEW.id::text
               AND created_at > now() - interval '5 minutes'
        ) THEN
            RETURN NEW;
        END IF;
    END IF;

    INSERT INTO public.entity_changes (entity_type, entity_id, version, user_id, changes, change_type)
    VALUES (TG_TABLE_NAME::text, NEW.id::text, v_version, v_user_id, v_row::text, lower(TG_OP)::text);
    RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION public.log_entity_changes() FROM PUBLIC;

DO $trg$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['projects', 'diagrams', 'notes', 'drawings', 'flowcharts']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON public.%I', 'tr_' || t || '_version', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.increment_version()',
                       'tr_' || t || '_version', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON public.%I', 'tr_' || t || '_audit', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.log_entity_changes()',
                       'tr_' || t || '_audit', t);
    END LOOP;
END
$trg$;
