-- 016_uid_defaults.sql — what other writers of the same database rely on, and what
-- `cardinality import-ebp` needs:
--
-- 1. uid defaults. ERD Builder Pro (and psql, a restore script…) inserts projects, diagrams, notes,
--    drawings and flowcharts without a uid and relies on `DEFAULT gen_random_uuid()`; the Pure
--    PostgreSQL schema has none, so such rows had no address. Every public table with a text `uid`
--    column gets `DEFAULT gen_random_uuid()::text`, and rows already without one get one.
-- 2. relationships.constraint_name: the foreign key's own name (importers keep it here; exports
--    use it). `label` is what ERD Builder Pro shows on the edge ("1:N"), as it writes it.
-- 3. card_import_map: which row of an ERD Builder Pro (Supabase) database each imported row came
--    from, so `cardinality import-ebp` run twice adds nothing. Only the owner role uses it.
-- Additive: defaults, one nullable column, one table.

DO $uid$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.table_name
          FROM information_schema.columns c
          JOIN information_schema.tables t
            ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND c.column_name = 'uid' AND c.data_type = 'text'
           AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name
    LOOP
        EXECUTE format('ALTER TABLE public.%I ALTER COLUMN uid SET DEFAULT gen_random_uuid()::text',
                       r.table_name);
        EXECUTE format('UPDATE public.%I SET uid = gen_random_uuid()::text WHERE uid IS NULL',
                       r.table_name);
    END LOOP;
END
$uid$;

ALTER TABLE public.relationships ADD COLUMN IF NOT EXISTS constraint_name text;

CREATE TABLE IF NOT EXISTS public.card_import_map (
    source      text NOT NULL,      -- the source database (its system identifier and name)
    kind        text NOT NULL,      -- users, projects, diagrams, entities, columns, relationships, …
    source_id   text NOT NULL,      -- the row's id there
    target_id   text NOT NULL,      -- its id here
    imported_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (source, kind, source_id)
);
-- 007's default privileges grant every new table to card_app; this one is the owner's alone
-- (row-level security on, not forced, no policy: the owner reads it, nobody else would).
ALTER TABLE public.card_import_map ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.card_import_map FROM PUBLIC;
DO $revoke$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'card_app') THEN
        REVOKE ALL ON public.card_import_map FROM card_app;
    END IF;
END
$revoke$;
