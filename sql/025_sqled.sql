-- 025_sqled.sql — the SQL editor and table explorer (issue 14), next to sql/022's
-- db_saved_queries: each user's remembered explorer state per table of a connection (seed
-- 001's DataExplorerStates: sort, filters, search, hidden and ordered columns, page size).
-- Row-level security: a state follows its connection (card_db_account_owned) and is its
-- user's own.  Idempotent.

CREATE TABLE IF NOT EXISTS public.db_explorer_states (
    id bigserial PRIMARY KEY,
    account_id int4 NOT NULL REFERENCES public.db_accounts(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    table_name text NOT NULL,
    state jsonb NOT NULL CHECK (jsonb_typeof(state) = 'object' AND octet_length(state::text) <= 65536),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS db_explorer_states_key ON public.db_explorer_states (account_id, user_id, table_name);

ALTER TABLE public.db_explorer_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.db_explorer_states FORCE ROW LEVEL SECURITY;
DO $rls$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = 'db_explorer_states'
    LOOP
        EXECUTE format('DROP POLICY %I ON public.db_explorer_states', p.policyname);
    END LOOP;
    EXECUTE format('CREATE POLICY card_owner_all ON public.db_explorer_states TO %I USING (true) WITH CHECK (true)',
                   current_user);
END
$rls$;
CREATE POLICY own_rows ON public.db_explorer_states
    USING (public.card_db_account_owned(account_id) AND user_id = public.app_user_id())
    WITH CHECK (public.card_db_account_owned(account_id) AND user_id = public.app_user_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON public.db_explorer_states TO card_app;
GRANT USAGE, SELECT ON SEQUENCE public.db_explorer_states_id_seq TO card_app;
