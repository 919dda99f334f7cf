-- 026_dashboards.sql — analytics dashboards (issue 14): seed 001's Dashboards and
-- DashboardWidgets with our naming, plus the cached result of each widget.
--   dashboards                a project's dashboard: name, grid settings, refresh interval,
--                             public link (is_public + share_token, like files)
--   dashboard_widgets         a widget: type chart|table|counter|sql, the connection and saved
--                             query it runs, its JSON config (chart kind, x/y columns, colours)
--                             and its place in the 12-column grid
--   dashboard_widget_results  the last result of each widget and when it was fetched: pages and
--                             public links read only this; a refresh runs the query again only
--                             when fetched_at is older than the floor (fcgi/dashboard_store.c)
-- Row-level security like sql/022: a dashboard is its owner's; a public one is also readable in a
-- share transaction whose app.share_token is its token; widgets and results follow their
-- dashboard (read through its policies) and are written only by its owner.  Idempotent.

CREATE TABLE IF NOT EXISTS public.dashboards (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    project_id int4 NOT NULL REFERENCES public.projects(id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    layout_config jsonb NOT NULL DEFAULT '{"columns": 12}',
    refresh_interval_s int NOT NULL DEFAULT 0 CHECK (refresh_interval_s BETWEEN 0 AND 604800),
    is_public boolean NOT NULL DEFAULT false,
    share_token text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS dashboards_uid_key ON public.dashboards (uid);
CREATE UNIQUE INDEX IF NOT EXISTS dashboards_share_token_key ON public.dashboards (share_token)
    WHERE share_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_dashboards_project ON public.dashboards (project_id);

CREATE TABLE IF NOT EXISTS public.dashboard_widgets (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text,
    dashboard_id bigint NOT NULL REFERENCES public.dashboards(id) ON DELETE CASCADE,
    account_id int4 REFERENCES public.db_accounts(id) ON DELETE SET NULL,
    type text NOT NULL CHECK (type IN ('chart', 'table', 'counter', 'sql')),
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    sql_query text NOT NULL CHECK (length(sql_query) BETWEEN 1 AND 100000),
    config_json jsonb NOT NULL DEFAULT '{}',
    pos_x int NOT NULL DEFAULT 0 CHECK (pos_x BETWEEN 0 AND 11),
    pos_y int NOT NULL DEFAULT 0 CHECK (pos_y BETWEEN 0 AND 59),
    width int NOT NULL DEFAULT 6 CHECK (width BETWEEN 1 AND 12 AND pos_x + width <= 12),
    height int NOT NULL DEFAULT 4 CHECK (height BETWEEN 1 AND 12),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS dashboard_widgets_uid_key ON public.dashboard_widgets (uid);
CREATE INDEX IF NOT EXISTS idx_dashboard_widgets_dashboard ON public.dashboard_widgets (dashboard_id);

CREATE TABLE IF NOT EXISTS public.dashboard_widget_results (
    widget_id bigint PRIMARY KEY REFERENCES public.dashboard_widgets(id) ON DELETE CASCADE,
    result jsonb,                       -- {"columns", "rows", "row_count", "truncated"}; NULL on error
    error text,
    duration_ms double precision,
    fetched_at timestamptz NOT NULL DEFAULT now()
);

-- card_dashboard_visible: the dashboard can be read in this transaction (its own policies).
CREATE OR REPLACE FUNCTION public.card_dashboard_visible(p_dashboard bigint)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM public.dashboards d WHERE d.id = p_dashboard)
$$;
GRANT EXECUTE ON FUNCTION public.card_dashboard_visible(bigint) TO card_app;

-- card_dashboard_owned: the dashboard is the signed-in user's.
CREATE OR REPLACE FUNCTION public.card_dashboard_owned(p_dashboard bigint)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM public.dashboards d
                    WHERE d.id = p_dashboard AND d.user_id = public.app_user_id())
$$;
GRANT EXECUTE ON FUNCTION public.card_dashboard_owned(bigint) TO card_app;

-- card_widget_dashboard: the dashboard of a widget (for the results' policies).
CREATE OR REPLACE FUNCTION public.card_widget_dashboard(p_widget bigint)
RETURNS bigint
LANGUAGE sql
STABLE
AS $$
    SELECT w.dashboard_id FROM public.dashboard_widgets w WHERE w.id = p_widget
$$;
GRANT EXECUTE ON FUNCTION public.card_widget_dashboard(bigint) TO card_app;

DO $rls$
DECLARE
    t text;
    p record;
BEGIN
    FOREACH t IN ARRAY ARRAY['dashboards', 'dashboard_widgets', 'dashboard_widget_results']
    LOOP
        FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = t
        LOOP
            EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, t);
        END LOOP;
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY card_owner_all ON public.%I TO %I USING (true) WITH CHECK (true)',
                       t, current_user);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO card_app', t);
    END LOOP;
END
$rls$;

CREATE POLICY own_rows ON public.dashboards
    USING (user_id = public.app_user_id()) WITH CHECK (user_id = public.app_user_id());
CREATE POLICY shared_read ON public.dashboards FOR SELECT
    USING (is_public AND share_token IS NOT NULL AND share_token = public.app_share_token());

CREATE POLICY read_rows ON public.dashboard_widgets FOR SELECT
    USING (public.card_dashboard_visible(dashboard_id));
CREATE POLICY own_insert ON public.dashboard_widgets FOR INSERT
    WITH CHECK (public.card_dashboard_owned(dashboard_id));
CREATE POLICY own_update ON public.dashboard_widgets FOR UPDATE
    USING (public.card_dashboard_owned(dashboard_id)) WITH CHECK (public.card_dashboard_owned(dashboard_id));
CREATE POLICY own_delete ON public.dashboard_widgets FOR DELETE
    USING (public.card_dashboard_owned(dashboard_id));

CREATE POLICY read_rows ON public.dashboard_widget_results FOR SELECT
    USING (public.card_dashboard_visible(public.card_widget_dashboard(widget_id)));
CREATE POLICY own_insert ON public.dashboard_widget_results FOR INSERT
    WITH CHECK (public.card_dashboard_owned(public.card_widget_dashboard(widget_id)));
CREATE POLICY own_update ON public.dashboard_widget_results FOR UPDATE
    USING (public.card_dashboard_owned(public.card_widget_dashboard(widget_id)))
    WITH CHECK (public.card_dashboard_owned(public.card_widget_dashboard(widget_id)));
CREATE POLICY own_delete ON public.dashboard_widget_results FOR DELETE
    USING (public.card_dashboard_owned(public.card_widget_dashboard(widget_id)));

GRANT USAGE, SELECT ON SEQUENCE public.dashboards_id_seq, public.dashboard_widgets_id_seq TO card_app;
