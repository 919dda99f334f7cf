-- 005_rls.sql — row-level security: the second line of defence behind the application's own
-- WHERE user_id = $1. Every table holding user data gets ENABLE + FORCE ROW LEVEL SECURITY; the
-- application role sees only rows of the user named in the transaction-local setting app.user_id
-- (set with set_config('app.user_id', $1, true) after BEGIN), plus shared files whose token is in
-- app.share_token. The migration role (which owns the tables and the SECURITY DEFINER functions of
-- 004/006) gets an all-rows policy, since FORCE would otherwise hide the rows from it too.
-- This file owns the policy set of these tables: it drops any policy already on them (e.g. the
-- permissive ones of ERD Builder Pro's Supabase block) before creating its own.

-- The signed-in user of this transaction, or NULL. After COMMIT the setting reads back as ''.
CREATE OR REPLACE FUNCTION public.app_user_id()
RETURNS text
LANGUAGE sql
STABLE
AS $$ SELECT NULLIF(current_setting('app.user_id', true), '') $$;

-- The share token presented on a public page in this transaction, or NULL.
CREATE OR REPLACE FUNCTION public.app_share_token()
RETURNS text
LANGUAGE sql
STABLE
AS $$ SELECT NULLIF(current_setting('app.share_token', true), '') $$;

-- Whether the signed-in user is a (not deleted) super admin. SECURITY DEFINER: it must read users
-- whatever the caller's policies allow.
CREATE OR REPLACE FUNCTION public.app_is_super_admin()
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT COALESCE((SELECT u.is_super_admin
                       FROM public.users u
                      WHERE u.id = public.app_user_id()
                        AND u.deleted_at IS NULL), false)
$$;
REVOKE ALL ON FUNCTION public.app_is_super_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.app_is_super_admin() TO card_app;

DO $rls$
DECLARE
    t text;
    p record;
    user_tables text[] := ARRAY['users', 'sessions', 'projects', 'diagrams', 'entities', 'columns',
        'relationships', 'notes', 'drawings', 'flowcharts', 'entity_changes', 'backups',
        'user_preferences', 'user_ai_configs', 'ai_chat_sessions', 'ai_chat_messages',
        'ai_system_prompts', 'user_ai_rules', 'db_accounts', 'db_catalogs', 'login_throttle',
        'ai_providers', 'ai_models'];
    -- tables whose rows carry the owner in user_id
    owned_by_user_id text[] := ARRAY['sessions', 'projects', 'entity_changes', 'backups',
        'user_preferences', 'user_ai_configs', 'ai_chat_sessions', 'user_ai_rules', 'db_accounts'];
    files text[] := ARRAY['diagrams', 'notes', 'drawings', 'flowcharts'];
    -- a file is shared with this transaction when its live link matches app.share_token
    shared text := 'is_public IS TRUE AND share_token IS NOT NULL'
        || ' AND share_token = public.app_share_token()'
        || ' AND (expiry_date IS NULL OR expiry_date > now())'
        || ' AND is_deleted IS NOT TRUE';
    -- the same, for the diagram d of an ERD child row
    shared_d text := 'd.is_public IS TRUE AND d.share_token IS NOT NULL'
        || ' AND d.share_token = public.app_share_token()'
        || ' AND (d.expiry_date IS NULL OR d.expiry_date > now())'
        || ' AND d.is_deleted IS NOT TRUE';
BEGIN
    FOREACH t IN ARRAY user_tables
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

    -- users: one's own row only (sign-up and login go through 006's functions).
    CREATE POLICY own_row ON public.users
        USING (id = public.app_user_id()) WITH CHECK (id = public.app_user_id());

    FOREACH t IN ARRAY owned_by_user_id
    LOOP
        EXECUTE format('CREATE POLICY own_rows ON public.%I USING (user_id = public.app_user_id())'
                       ' WITH CHECK (user_id = public.app_user_id())', t);
    END LOOP;

    -- Files: own rows (and a project, if named, must be one's own too); shared ones read-only.
    FOREACH t IN ARRAY files
    LOOP
        EXECUTE format('CREATE POLICY own_rows ON public.%I USING (user_id = public.app_user_id())'
                       ' WITH CHECK (user_id = public.app_user_id() AND (project_id IS NULL OR EXISTS'
                       ' (SELECT 1 FROM public.projects p WHERE p.id = project_id AND p.user_id = public.app_user_id())))', t);
        EXECUTE format('CREATE POLICY shared_read ON public.%I FOR SELECT USING (%s)', t, shared);
    END LOOP;

    -- ERD children follow their diagram.  Uncorrelated IN (…) subqueries: PostgreSQL runs
    -- each once per statement as a hashed subplan, instead of once per row (a 5,000-column
    -- diagram loads and saves in a few milliseconds instead of hundreds).
    CREATE POLICY own_rows ON public.entities
        USING (diagram_id IN (SELECT d.id FROM public.diagrams d WHERE d.user_id = public.app_user_id()))
        WITH CHECK (diagram_id IN (SELECT d.id FROM public.diagrams d WHERE d.user_id = public.app_user_id()));
    CREATE POLICY own_rows ON public.relationships
        USING (diagram_id IN (SELECT d.id FROM public.diagrams d WHERE d.user_id = public.app_user_id()))
        WITH CHECK (diagram_id IN (SELECT d.id FROM public.diagrams d WHERE d.user_id = public.app_user_id()));
    CREATE POLICY own_rows ON public.columns
        USING (entity_id IN (SELECT e.id FROM public.entities e JOIN public.diagrams d ON d.id = e.diagram_id
                              WHERE d.user_id = public.app_user_id()))
        WITH CHECK (entity_id IN (SELECT e.id FROM public.entities e JOIN public.diagrams d ON d.id = e.diagram_id
                                   WHERE d.user_id = public.app_user_id()));
    EXECUTE format('CREATE POLICY shared_read ON public.entities FOR SELECT USING (diagram_id IN'
                   ' (SELECT d.id FROM public.diagrams d WHERE %s))', shared_d);
    EXECUTE format('CREATE POLICY shared_read ON public.relationships FOR SELECT USING (diagram_id IN'
                   ' (SELECT d.id FROM public.diagrams d WHERE %s))', shared_d);
    EXECUTE format('CREATE POLICY shared_read ON public.columns FOR SELECT USING (entity_id IN'
                   ' (SELECT e.id FROM public.entities e JOIN public.diagrams d ON d.id = e.diagram_id'
                   ' WHERE %s))', shared_d);

    -- AI chat: messages follow their conversation.
    CREATE POLICY own_rows ON public.ai_chat_messages
        USING (EXISTS (SELECT 1 FROM public.ai_chat_sessions s
                        WHERE s.id = ai_chat_messages.session_id AND s.user_id = public.app_user_id()))
        WITH CHECK (EXISTS (SELECT 1 FROM public.ai_chat_sessions s
                             WHERE s.id = ai_chat_messages.session_id AND s.user_id = public.app_user_id()));

    -- Saved database connections: catalogs follow their account.
    CREATE POLICY own_rows ON public.db_catalogs
        USING (EXISTS (SELECT 1 FROM public.db_accounts a
                        WHERE a.id = db_catalogs.account_id AND a.user_id = public.app_user_id()))
        WITH CHECK (EXISTS (SELECT 1 FROM public.db_accounts a
                             WHERE a.id = db_catalogs.account_id AND a.user_id = public.app_user_id()));

    -- System prompts: built-in/global ones (user_id IS NULL) readable by all and managed by super
    -- admins; one's own managed by oneself.
    CREATE POLICY global_read ON public.ai_system_prompts FOR SELECT USING (user_id IS NULL);
    CREATE POLICY own_rows ON public.ai_system_prompts
        USING (user_id = public.app_user_id()) WITH CHECK (user_id = public.app_user_id());
    CREATE POLICY global_admin ON public.ai_system_prompts
        USING (user_id IS NULL AND public.app_is_super_admin())
        WITH CHECK (user_id IS NULL AND public.app_is_super_admin());

    -- AI catalogue: readable by everyone, written by super admins only.
    FOREACH t IN ARRAY ARRAY['ai_providers', 'ai_models']
    LOOP
        EXECUTE format('CREATE POLICY read_all ON public.%I FOR SELECT USING (true)', t);
        EXECUTE format('CREATE POLICY admin_insert ON public.%I FOR INSERT WITH CHECK (public.app_is_super_admin())', t);
        EXECUTE format('CREATE POLICY admin_update ON public.%I FOR UPDATE USING (public.app_is_super_admin())'
                       ' WITH CHECK (public.app_is_super_admin())', t);
        EXECUTE format('CREATE POLICY admin_delete ON public.%I FOR DELETE USING (public.app_is_super_admin())', t);
    END LOOP;

    -- login_throttle: deliberately no policy for the application (only card_owner_all above).
END
$rls$;
