-- 032_dbws_ai_relations.sql — the database workspace's last two seed 001 tables (issue 14),
-- beside sql/022's connections, history and table metadata:
--   db_ai_query_logs  natural language → SQL requests (seed 001's AIQueryLogs): the prompt, the
--                     SQL the model answered, which provider and model, tokens, who, when, and
--                     whether it failed.  Written once, never rewritten (like db_queries).
--   db_erd_relations  the foreign keys read from a connection's live schema (seed 001's
--                     ERDRelations), one row per key column, refreshed with db_table_schema.
-- Row-level security like sql/022: everything follows its connection
-- (card_db_account_owned); a log row is also its writer's.  Idempotent.

CREATE TABLE IF NOT EXISTS public.db_ai_query_logs (
    id bigserial PRIMARY KEY,
    account_id int4 NOT NULL REFERENCES public.db_accounts(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    prompt_text text NOT NULL CHECK (length(prompt_text) BETWEEN 1 AND 4000),
    generated_query text,
    provider_code text,
    model_identifier text,
    input_tokens bigint,
    output_tokens bigint,
    estimated boolean NOT NULL DEFAULT false,
    writes boolean,
    status text NOT NULL CHECK (status IN ('complete', 'failed')),
    error text,
    duration_ms bigint,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_db_ai_query_logs_account ON public.db_ai_query_logs (account_id, created_at DESC);

CREATE TABLE IF NOT EXISTS public.db_erd_relations (
    id bigserial PRIMARY KEY,
    account_id int4 NOT NULL REFERENCES public.db_accounts(id) ON DELETE CASCADE,
    constraint_name text,
    table_from text NOT NULL,          -- the table holding the foreign key
    column_from text NOT NULL,
    table_to text NOT NULL,            -- the referenced table
    column_to text,                    -- NULL: its primary key (SQLite's short form)
    relation_type text NOT NULL,       -- one-to-many, one-to-one (as the ERD labels them)
    on_delete text,
    on_update text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_db_erd_relations_account ON public.db_erd_relations (account_id);

DO $rls$
DECLARE
    t text;
    p record;
BEGIN
    FOREACH t IN ARRAY ARRAY['db_ai_query_logs', 'db_erd_relations']
    LOOP
        FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = t
        LOOP
            EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, t);
        END LOOP;
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY card_owner_all ON public.%I TO %I USING (true) WITH CHECK (true)',
                       t, current_user);
    END LOOP;
END
$rls$;
CREATE POLICY own_rows ON public.db_erd_relations
    USING (public.card_db_account_owned(account_id))
    WITH CHECK (public.card_db_account_owned(account_id));
CREATE POLICY own_rows ON public.db_ai_query_logs
    USING (public.card_db_account_owned(account_id))
    WITH CHECK (public.card_db_account_owned(account_id) AND user_id = public.app_user_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON public.db_erd_relations TO card_app;
GRANT SELECT, INSERT, DELETE ON public.db_ai_query_logs TO card_app;
REVOKE UPDATE ON public.db_ai_query_logs FROM card_app;
GRANT USAGE, SELECT ON SEQUENCE public.db_ai_query_logs_id_seq, public.db_erd_relations_id_seq TO card_app;
