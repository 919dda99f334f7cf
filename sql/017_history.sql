-- 017_history.sql — version history (issue 11): named versions, full diagram snapshots and the
-- retention purge.  Additive and idempotent.
--
-- Snapshots live in entity_changes, one row per saved state of a file (entity_type = the file's
-- table, entity_id = its id, version = its _version then, changes = the snapshot text):
--   * notes, drawings, flowcharts: the audit trigger of sql/004 writes them (the whole row as
--     JSON: title, content | data, _version …), at most one every 5 minutes per file;
--   * diagrams: a diagram's row holds no tables (they live in entities/columns/relationships),
--     so from this migration on the trigger writes only the insert row of a diagram (an empty
--     model) and the application writes the update snapshots itself, after a save, under the
--     same rule — when the file's last snapshot is older than 5 minutes — with the whole model
--     (erd_doc_write_json of the stored diagram, fcgi/history_diagram.c);
--   * the application also writes one, whatever the throttle, when the user saves a version
--     ("save version": is_named true, name optional), before every restore and before every
--     import (change_type 'version', 'before_restore', 'before_import').
-- Retention: card_history_purge(days) deletes snapshots older than `days` days except named
-- versions and the newest snapshot of each file.  The server runs it as the owner role at
-- start-up (CARD_HISTORY_DAYS, default 90; 0 keeps everything); run it from cron as card_owner
-- on a long-lived server: SELECT card_history_purge(90).

ALTER TABLE public.entity_changes ADD COLUMN IF NOT EXISTS name text;
ALTER TABLE public.entity_changes ADD COLUMN IF NOT EXISTS is_named boolean DEFAULT false;
CREATE INDEX IF NOT EXISTS idx_entity_changes_file ON public.entity_changes (entity_type, entity_id, id);

-- The audit trigger of sql/004, unchanged except that updates of a diagram are left to the
-- application (see above).
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

-- card_history_purge: delete the snapshots older than p_days days (<= 0 or NULL: none), never a
-- named version nor the newest snapshot of a file; the number deleted.  Owner role only.
CREATE OR REPLACE FUNCTION public.card_history_purge(p_days integer)
RETURNS integer
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
    n integer := 0;
BEGIN
    IF p_days IS NULL OR p_days <= 0 THEN
        RETURN 0;
    END IF;
    DELETE FROM public.entity_changes e
     WHERE e.created_at < (now() AT TIME ZONE 'UTC') - make_interval(days => p_days)
       AND e.is_named IS NOT TRUE
       AND e.id <> (SELECT max(l.id) FROM public.entity_changes l
                     WHERE l.entity_type = e.entity_type AND l.entity_id = e.entity_id);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;
REVOKE ALL ON FUNCTION public.card_history_purge(integer) FROM PUBLIC;
