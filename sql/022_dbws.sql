-- 022_dbws.sql — the database workspace (issue 14): users' live database connections and what
-- is kept about them.  A connection is seed 000's db_accounts row (the server: type, host, port,
-- user, password sealed by fcgi/secret.h as "v1:…") plus its first db_catalogs row (the
-- database); this file only adds nullable columns to them (uid, project, options, validity) and
-- seed 001's tables with our naming:
--   db_sqlite_files    the uploaded .sqlite file of a type 'sqlite' connection
--   db_queries         history of every executed query (seed 001's Queries)
--   db_saved_queries   saved queries with names and folders
--   db_table_schema    table metadata read from the live database (seed 001's TableSchema)
-- Row-level security like sql/005: a connection is its owner's; everything else follows its
-- connection.  ENABLE + FORCE, the owner role's all-rows policy, grants like sql/007.
-- Idempotent.

ALTER TABLE public.db_accounts ADD COLUMN IF NOT EXISTS uid text;
ALTER TABLE public.db_accounts ADD COLUMN IF NOT EXISTS project_id int4;
ALTER TABLE public.db_accounts ADD COLUMN IF NOT EXISTS options jsonb;
ALTER TABLE public.db_accounts ADD COLUMN IF NOT EXISTS is_valid boolean;
ALTER TABLE public.db_accounts ADD COLUMN IF NOT EXISTS server_version text;
ALTER TABLE public.db_accounts ADD COLUMN IF NOT EXISTS tested_at timestamptz;
ALTER TABLE public.db_accounts ADD COLUMN IF NOT EXISTS test_message text;
-- Rows another writer made get a uid too, so every connection can be addressed.
UPDATE public.db_accounts SET uid = gen_random_uuid()::text WHERE uid IS NULL;
ALTER TABLE public.db_accounts ALTER COLUMN uid SET DEFAULT gen_random_uuid()::text;
CREATE UNIQUE INDEX IF NOT EXISTS db_accounts_uid_key ON public.db_accounts (uid);
CREATE INDEX IF NOT EXISTS idx_db_accounts_project ON public.db_accounts (project_id);
DO $fk$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'db_accounts_project_id_fkey'
                     AND conrelid = 'public.db_accounts'::regclass) THEN
        ALTER TABLE public.db_accounts ADD CONSTRAINT db_accounts_project_id_fkey
            FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE SET NULL;
    END IF;
END
$fk$;

CREATE TABLE IF NOT EXISTS public.db_sqlite_files (
    account_id int4 PRIMARY KEY REFERENCES public.db_accounts(id) ON DELETE CASCADE,
    size int NOT NULL CHECK (size > 0 AND size <= 104857600),
    bytes bytea NOT NULL CHECK (octet_length(bytes) = size),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.db_queries (
    id bigserial PRIMARY KEY,
    account_id int4 NOT NULL REFERENCES public.db_accounts(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    sql_text text NOT NULL,
    row_count bigint,
    duration_ms double precision,
    error text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_db_queries_account ON public.db_queries (account_id, created_at DESC);

CREATE TABLE IF NOT EXISTS public.db_saved_queries (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text,
    account_id int4 NOT NULL REFERENCES public.db_accounts(id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    folder text,
    sql_text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS db_saved_queries_uid_key ON public.db_saved_queries (uid);
CREATE INDEX IF NOT EXISTS idx_db_saved_queries_account ON public.db_saved_queries (account_id);

CREATE TABLE IF NOT EXISTS public.db_table_schema (
    id bigserial PRIMARY KEY,
    account_id int4 NOT NULL REFERENCES public.db_accounts(id) ON DELETE CASCADE,
    table_name text NOT NULL,
    definition jsonb NOT NULL,        -- the table as an ERD entity (erd_model.h's shape)
    relationships jsonb NOT NULL DEFAULT '[]',  -- its foreign keys as ERD relationships
    fetched_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS db_table_schema_table_key ON public.db_table_schema (account_id, table_name);

-- card_db_account_owned: account is the signed-in user's connection.
CREATE OR REPLACE FUNCTION public.card_db_account_owned(account int4)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM public.db_accounts a
                    WHERE a.id = account AND a.user_id = public.app_user_id())
$$;
GRANT EXECUTE ON FUNCTION public.card_db_account_owned(int4) TO card_app;

DO $rls$
DECLARE
    t text;
    p record;
BEGIN
    FOREACH t IN ARRAY ARRAY['db_sqlite_files', 'db_queries', 'db_saved_queries', 'db_table_schema']
    LOOP
        FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = t
        LOOP
            EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, t);
        END LOOP;
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY card_owner_all ON public.%I TO %I USING (true) WITH CHECK (true)',
                       t, current_user);
        EXECUTE format('CREATE POLICY own_rows ON public.%I USING (public.card_db_account_owned(account_id))'
                       ' WITH CHECK (public.card_db_account_owned(account_id))', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO card_app', t);
    END LOOP;
END
$rls$;
-- History rows are written by the user who ran the query, and never rewritten.
DROP POLICY IF EXISTS own_rows ON public.db_queries;
CREATE POLICY own_rows ON public.db_queries
    USING (public.card_db_account_owned(account_id))
    WITH CHECK (public.card_db_account_owned(account_id) AND user_id = public.app_user_id());
REVOKE UPDATE ON public.db_queries FROM card_app;
GRANT USAGE, SELECT ON SEQUENCE public.db_queries_id_seq, public.db_saved_queries_id_seq,
    public.db_table_schema_id_seq TO card_app;
