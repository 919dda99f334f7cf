-- 021_teams.sql — organizations, teams with roles, invitations, personal API tokens and project
-- search (issue 12).  Additive only: new tables, one nullable column (projects.team_id), search
-- columns and indexes on the file tables, new policies beside 005's.  Idempotent (tests/sql/run.sh
-- applies every migration twice).
--
-- Access stays row-level security's alone.  A project with a team is reachable by the team's
-- members: viewers read, editors read and write, admins also manage members and move projects in
-- and out; the project's owner keeps every right.  The rules live in a few SECURITY DEFINER STABLE
-- helpers (they read team_members and projects whatever the caller's policies say), used by
-- policies as uncorrelated IN (SELECT …) subqueries: PostgreSQL runs each once per statement as
-- a hashed subplan, as 005's diagram policies do, so a 5,000-column diagram still loads in a few
-- milliseconds.  RESTRICTIVE policies (card_app only) take back what 005's own_rows would still
-- give a file's author who left the team or became a viewer.
-- Membership changes go through SECURITY DEFINER functions (card_org_create, card_team_member_set
-- …), which check the caller's role and raise: CN001 no such organization/team/invitation (404),
-- CN002 no such user (404), CN410 invitation used/expired/revoked (410), 42501 not allowed (403),
-- 22023 invalid (422).  card_app has no INSERT/UPDATE/DELETE on the membership tables.

CREATE TABLE IF NOT EXISTS public.organizations (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text UNIQUE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_by text REFERENCES public.users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.organization_members (
    org_id bigint NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX IF NOT EXISTS idx_organization_members_user ON public.organization_members (user_id);

CREATE TABLE IF NOT EXISTS public.teams (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text UNIQUE,
    org_id bigint NOT NULL REFERENCES public.organizations(id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_by text REFERENCES public.users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_teams_org ON public.teams (org_id);

CREATE TABLE IF NOT EXISTS public.team_members (
    team_id bigint NOT NULL REFERENCES public.teams(id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX IF NOT EXISTS idx_team_members_user ON public.team_members (user_id, team_id);

ALTER TABLE public.projects ADD COLUMN IF NOT EXISTS team_id bigint
    REFERENCES public.teams(id) ON DELETE SET NULL;
CREATE INDEX IF NOT EXISTS idx_projects_team ON public.projects (team_id) WHERE team_id IS NOT NULL;

-- Invitations: a link (token_hash = SHA-256 hex of 32 random bytes, never stored in clear) or
-- addressed to an existing user (email); single use, expiring, revocable.
CREATE TABLE IF NOT EXISTS public.team_invitations (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text UNIQUE,
    team_id bigint NOT NULL REFERENCES public.teams(id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    email text,
    role text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    created_by text REFERENCES public.users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_by text REFERENCES public.users(id) ON DELETE SET NULL,
    revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS idx_team_invitations_team ON public.team_invitations (team_id);

-- Personal API tokens (seed 004's key store): only the SHA-256 hex of the token is kept.
CREATE TABLE IF NOT EXISTS public.api_tokens (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text UNIQUE,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    scope text NOT NULL CHECK (scope IN ('read', 'read-write')),
    token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS idx_api_tokens_user ON public.api_tokens (user_id);

-- ---------------------------------------------------------------------------------------------
-- Access helpers.  All STABLE SECURITY DEFINER with a fixed search_path, executable by card_app.

-- The caller's role in a team, or NULL.
CREATE OR REPLACE FUNCTION public.app_team_role(p_team_id bigint)
RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT m.role FROM public.team_members m
     WHERE m.team_id = p_team_id AND m.user_id = public.app_user_id()
$$;

-- The caller's role in an organization, or NULL.
CREATE OR REPLACE FUNCTION public.app_org_role(p_org_id bigint)
RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT m.role FROM public.organization_members m
     WHERE m.org_id = p_org_id AND m.user_id = public.app_user_id()
$$;

-- Organizations the caller belongs to.
CREATE OR REPLACE FUNCTION public.app_org_ids()
RETURNS SETOF bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT m.org_id FROM public.organization_members m WHERE m.user_id = public.app_user_id()
$$;

-- Teams the caller belongs to (p_write: as editor or admin).
CREATE OR REPLACE FUNCTION public.app_team_ids(p_write boolean)
RETURNS SETOF bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT m.team_id FROM public.team_members m
     WHERE m.user_id = public.app_user_id() AND (NOT p_write OR m.role IN ('editor', 'admin'))
$$;

-- Projects the caller may read (p_write: write): their own, and their teams' projects.
CREATE OR REPLACE FUNCTION public.app_project_ids(p_write boolean)
RETURNS SETOF integer LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT p.id FROM public.projects p WHERE p.user_id = public.app_user_id()
    UNION
    SELECT p.id FROM public.projects p JOIN public.team_members m ON m.team_id = p.team_id
     WHERE m.user_id = public.app_user_id() AND (NOT p_write OR m.role IN ('editor', 'admin'))
$$;

CREATE OR REPLACE FUNCTION public.app_can_read_project(p_project_id integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM public.projects p
                    WHERE p.id = p_project_id
                      AND (p.user_id = public.app_user_id()
                           OR public.app_team_role(p.team_id) IS NOT NULL))
$$;

CREATE OR REPLACE FUNCTION public.app_can_write_project(p_project_id integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM public.projects p
                    WHERE p.id = p_project_id
                      AND (p.user_id = public.app_user_id()
                           OR public.app_team_role(p.team_id) IN ('editor', 'admin')))
$$;

-- A file row (its owner and project) may be written by the caller: a personal file by its owner,
-- a file in a project by whoever may write the project.
CREATE OR REPLACE FUNCTION public.app_can_write_file(p_user_id text, p_project_id integer)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_project_id IS NULL THEN p_user_id = public.app_user_id()
                ELSE public.app_can_write_project(p_project_id) END
$$;

-- The attachment's file (kind, uid) is visible to this transaction and writable by the caller.
CREATE OR REPLACE FUNCTION public.card_attachment_file_writable(kind text, file text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE kind
        WHEN 'diagram' THEN EXISTS (SELECT 1 FROM public.diagrams f WHERE f.uid = file
                                    AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'note' THEN EXISTS (SELECT 1 FROM public.notes f WHERE f.uid = file
                                 AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'drawing' THEN EXISTS (SELECT 1 FROM public.drawings f WHERE f.uid = file
                                    AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'flowchart' THEN EXISTS (SELECT 1 FROM public.flowcharts f WHERE f.uid = file
                                      AND public.app_can_write_file(f.user_id, f.project_id))
        ELSE false
    END
$$;

DO $grants$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['public.app_team_role(bigint)', 'public.app_org_role(bigint)',
        'public.app_org_ids()', 'public.app_team_ids(boolean)', 'public.app_project_ids(boolean)',
        'public.app_can_read_project(integer)', 'public.app_can_write_project(integer)',
        'public.app_can_write_file(text, integer)', 'public.card_attachment_file_writable(text, text)']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO card_app', f);
    END LOOP;
END
$grants$;

-- ---------------------------------------------------------------------------------------------
-- Row-level security.

DO $rls$
DECLARE
    t text;
    p record;
    files text[] := ARRAY['diagrams', 'notes', 'drawings', 'flowcharts'];
    new_tables text[] := ARRAY['organizations', 'organization_members', 'teams', 'team_members',
                               'team_invitations', 'api_tokens'];
    -- the writable diagrams, for the ERD child rows
    wd text := '(SELECT d.id FROM public.diagrams d WHERE d.project_id IN (SELECT public.app_project_ids(true)))';
BEGIN
    FOREACH t IN ARRAY new_tables
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
    CREATE POLICY member_read ON public.organizations FOR SELECT
        USING (id IN (SELECT public.app_org_ids()));
    CREATE POLICY member_read ON public.organization_members FOR SELECT
        USING (org_id IN (SELECT public.app_org_ids()));
    CREATE POLICY member_read ON public.teams FOR SELECT
        USING (org_id IN (SELECT public.app_org_ids()) OR id IN (SELECT public.app_team_ids(false)));
    CREATE POLICY member_read ON public.team_members FOR SELECT
        USING (team_id IN (SELECT tm.id FROM public.teams tm));
    CREATE POLICY admin_read ON public.team_invitations FOR SELECT
        USING (public.app_team_role(team_id) = 'admin');
    CREATE POLICY own_rows ON public.api_tokens
        USING (user_id = public.app_user_id()) WITH CHECK (user_id = public.app_user_id());

    -- projects: team members read, editors and admins write (who may move a project or
    -- change its owner is card_project_guard's business, below)
    DROP POLICY IF EXISTS team_read ON public.projects;
    DROP POLICY IF EXISTS team_write ON public.projects;
    CREATE POLICY team_read ON public.projects FOR SELECT
        USING (team_id IN (SELECT public.app_team_ids(false)));
    CREATE POLICY team_write ON public.projects FOR UPDATE
        USING (team_id IN (SELECT public.app_team_ids(true))) WITH CHECK (true);

    FOREACH t IN ARRAY files
    LOOP
        FOR p IN SELECT unnest(ARRAY['project_read', 'project_write', 'project_insert',
                                         'project_delete', 'team_only_read', 'team_only_insert',
                                         'team_only_update', 'team_only_delete']) AS policyname
        LOOP
            EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', p.policyname, t);
        END LOOP;
        EXECUTE format('CREATE POLICY project_read ON public.%I FOR SELECT'
                       ' USING (project_id IN (SELECT public.app_project_ids(false)))', t);
        EXECUTE format('CREATE POLICY project_write ON public.%I FOR UPDATE'
                       ' USING (project_id IN (SELECT public.app_project_ids(true)))'
                       ' WITH CHECK (project_id IN (SELECT public.app_project_ids(true)))', t);
        EXECUTE format('CREATE POLICY project_insert ON public.%I FOR INSERT'
                       ' WITH CHECK (user_id = public.app_user_id()'
                       ' AND project_id IN (SELECT public.app_project_ids(true)))', t);
        EXECUTE format('CREATE POLICY project_delete ON public.%I FOR DELETE'
                       ' USING (project_id IN (SELECT public.app_project_ids(true)))', t);
        -- a file in a project: only those with rights on the project, whoever wrote it
        EXECUTE format('CREATE POLICY team_only_read ON public.%I AS RESTRICTIVE FOR SELECT TO card_app'
                       ' USING (public.app_user_id() IS NULL OR project_id IS NULL'
                       ' OR project_id IN (SELECT public.app_project_ids(false)))', t);
        EXECUTE format('CREATE POLICY team_only_insert ON public.%I AS RESTRICTIVE FOR INSERT TO card_app'
                       ' WITH CHECK (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)))', t);
        EXECUTE format('CREATE POLICY team_only_update ON public.%I AS RESTRICTIVE FOR UPDATE TO card_app'
                       ' USING (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)))'
                       ' WITH CHECK (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)))', t);
        EXECUTE format('CREATE POLICY team_only_delete ON public.%I AS RESTRICTIVE FOR DELETE TO card_app'
                       ' USING (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)))', t);
    END LOOP;

    -- ERD children follow their diagram: read whatever diagram is readable (its policies run
    -- inside the subquery), write those of writable projects.
    FOREACH t IN ARRAY ARRAY['entities', 'relationships', 'columns']
    LOOP
        FOR p IN SELECT unnest(ARRAY['project_read', 'project_write', 'team_only_insert',
                                         'team_only_update', 'team_only_delete']) AS policyname
        LOOP
            EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', p.policyname, t);
        END LOOP;
    END LOOP;
    CREATE POLICY project_read ON public.entities FOR SELECT
        USING (diagram_id IN (SELECT d.id FROM public.diagrams d WHERE d.project_id IS NOT NULL));
    CREATE POLICY project_read ON public.relationships FOR SELECT
        USING (diagram_id IN (SELECT d.id FROM public.diagrams d WHERE d.project_id IS NOT NULL));
    CREATE POLICY project_read ON public.columns FOR SELECT
        USING (entity_id IN (SELECT e.id FROM public.entities e JOIN public.diagrams d ON d.id = e.diagram_id
                              WHERE d.project_id IS NOT NULL));
    EXECUTE format('CREATE POLICY project_write ON public.entities USING (diagram_id IN %s)'
                   ' WITH CHECK (diagram_id IN %s)', wd, wd);
    EXECUTE format('CREATE POLICY project_write ON public.relationships USING (diagram_id IN %s)'
                   ' WITH CHECK (diagram_id IN %s)', wd, wd);
    EXECUTE format('CREATE POLICY project_write ON public.columns USING (entity_id IN'
                   ' (SELECT e.id FROM public.entities e WHERE e.diagram_id IN %s))'
                   ' WITH CHECK (entity_id IN (SELECT e.id FROM public.entities e WHERE e.diagram_id IN %s))', wd, wd);
    -- and a viewer who authored the diagram cannot write its rows either
    FOREACH t IN ARRAY ARRAY['entities', 'relationships']
    LOOP
        EXECUTE format('CREATE POLICY team_only_insert ON public.%I AS RESTRICTIVE FOR INSERT TO card_app'
                       ' WITH CHECK (diagram_id NOT IN (SELECT d.id FROM public.diagrams d WHERE d.project_id IS NOT NULL)'
                       ' OR diagram_id IN %s)', t, wd);
        EXECUTE format('CREATE POLICY team_only_update ON public.%I AS RESTRICTIVE FOR UPDATE TO card_app'
                       ' USING (diagram_id NOT IN (SELECT d.id FROM public.diagrams d WHERE d.project_id IS NOT NULL)'
                       ' OR diagram_id IN %s)', t, wd);
        EXECUTE format('CREATE POLICY team_only_delete ON public.%I AS RESTRICTIVE FOR DELETE TO card_app'
                       ' USING (diagram_id NOT IN (SELECT d.id FROM public.diagrams d WHERE d.project_id IS NOT NULL)'
                       ' OR diagram_id IN %s)', t, wd);
    END LOOP;
    EXECUTE format('CREATE POLICY team_only_insert ON public.columns AS RESTRICTIVE FOR INSERT TO card_app'
                   ' WITH CHECK (entity_id NOT IN (SELECT e.id FROM public.entities e JOIN public.diagrams d'
                   ' ON d.id = e.diagram_id WHERE d.project_id IS NOT NULL)'
                   ' OR entity_id IN (SELECT e.id FROM public.entities e WHERE e.diagram_id IN %s))', wd);
    EXECUTE format('CREATE POLICY team_only_update ON public.columns AS RESTRICTIVE FOR UPDATE TO card_app'
                   ' USING (entity_id NOT IN (SELECT e.id FROM public.entities e JOIN public.diagrams d'
                   ' ON d.id = e.diagram_id WHERE d.project_id IS NOT NULL)'
                   ' OR entity_id IN (SELECT e.id FROM public.entities e WHERE e.diagram_id IN %s))', wd);
    EXECUTE format('CREATE POLICY team_only_delete ON public.columns AS RESTRICTIVE FOR DELETE TO card_app'
                   ' USING (entity_id NOT IN (SELECT e.id FROM public.entities e JOIN public.diagrams d'
                   ' ON d.id = e.diagram_id WHERE d.project_id IS NOT NULL)'
                   ' OR entity_id IN (SELECT e.id FROM public.entities e WHERE e.diagram_id IN %s))', wd);

    -- history: snapshots of the files of readable projects
    DROP POLICY IF EXISTS project_read ON public.entity_changes;
    CREATE POLICY project_read ON public.entity_changes FOR SELECT
        USING (public.app_user_id() IS NOT NULL AND (entity_type, entity_id) IN (
            SELECT 'diagrams', f.id::text FROM public.diagrams f WHERE f.project_id IS NOT NULL
            UNION ALL SELECT 'notes', f.id::text FROM public.notes f WHERE f.project_id IS NOT NULL
            UNION ALL SELECT 'drawings', f.id::text FROM public.drawings f WHERE f.project_id IS NOT NULL
            UNION ALL SELECT 'flowcharts', f.id::text FROM public.flowcharts f WHERE f.project_id IS NOT NULL));

    -- AI chats of a project, and their messages
    DROP POLICY IF EXISTS project_read ON public.ai_chat_sessions;
    DROP POLICY IF EXISTS project_write ON public.ai_chat_sessions;
    DROP POLICY IF EXISTS project_read ON public.ai_chat_messages;
    DROP POLICY IF EXISTS project_write ON public.ai_chat_messages;
    CREATE POLICY project_read ON public.ai_chat_sessions FOR SELECT
        USING (project_id IN (SELECT public.app_project_ids(false)));
    CREATE POLICY project_write ON public.ai_chat_sessions FOR UPDATE
        USING (project_id IN (SELECT public.app_project_ids(true)))
        WITH CHECK (project_id IN (SELECT public.app_project_ids(true)));
    CREATE POLICY project_read ON public.ai_chat_messages FOR SELECT
        USING (session_id IN (SELECT s.id FROM public.ai_chat_sessions s WHERE s.project_id IS NOT NULL));
    CREATE POLICY project_write ON public.ai_chat_messages FOR INSERT
        WITH CHECK (session_id IN (SELECT s.id FROM public.ai_chat_sessions s
                                    WHERE s.project_id IN (SELECT public.app_project_ids(true))));

    -- attachments: editors may attach to their team's files; nobody to a file they cannot write
    DROP POLICY IF EXISTS project_insert ON public.attachments;
    DROP POLICY IF EXISTS team_only_insert ON public.attachments;
    CREATE POLICY project_insert ON public.attachments FOR INSERT
        WITH CHECK (user_id = public.app_user_id()
                    AND public.card_attachment_file_writable(file_kind, file_uid));
    CREATE POLICY team_only_insert ON public.attachments AS RESTRICTIVE FOR INSERT TO card_app
        WITH CHECK (public.card_attachment_file_writable(file_kind, file_uid));
END
$rls$;

-- Membership tables are written through the functions below only; tokens: the hash is never read
-- back by card_app (card_token_use looks it up), and only revoked_at changes.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.organizations, public.organization_members,
    public.teams, public.team_members, public.team_invitations FROM card_app;
REVOKE ALL ON public.api_tokens FROM card_app;
GRANT SELECT (id, uid, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at),
      INSERT (user_id, name, scope, token_hash, expires_at)
   ON public.api_tokens TO card_app;
GRANT UPDATE (revoked_at) ON public.api_tokens TO card_app;
REVOKE SELECT ON public.team_invitations FROM card_app;
GRANT SELECT (id, uid, team_id, email, role, created_by, created_at, expires_at, used_at, used_by, revoked_at)
   ON public.team_invitations TO card_app;

-- Who may move a project between teams, delete it or give it away (the policies let every
-- editor update a team project's row).  Raises 42501.
CREATE OR REPLACE FUNCTION public.card_project_guard()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    me text := public.app_user_id();
    owner boolean;
BEGIN
    IF me IS NULL THEN
        RETURN NEW;
    END IF;
    owner := OLD.user_id IS NOT DISTINCT FROM me;
    IF NEW.user_id IS DISTINCT FROM OLD.user_id AND NEW.user_id IS NOT NULL THEN
        RAISE EXCEPTION 'a project''s owner cannot be changed' USING ERRCODE = '42501';
    END IF;
    IF NEW.team_id IS DISTINCT FROM OLD.team_id THEN
        IF NOT owner AND (OLD.team_id IS NULL OR public.app_team_role(OLD.team_id) IS DISTINCT FROM 'admin') THEN
            RAISE EXCEPTION 'only the project''s owner or a team admin may move it' USING ERRCODE = '42501';
        END IF;
        IF NEW.team_id IS NOT NULL AND NOT (public.app_team_role(NEW.team_id) = 'admin'
                OR (owner AND public.app_team_role(NEW.team_id) = 'editor')) THEN
            RAISE EXCEPTION 'moving a project into a team needs its admin (or an editor who owns it)'
                USING ERRCODE = '42501';
        END IF;
    END IF;
    IF NEW.is_deleted IS DISTINCT FROM OLD.is_deleted AND NOT owner
       AND public.app_team_role(OLD.team_id) IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'only the project''s owner or a team admin may delete it' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS tr_projects_guard ON public.projects;
CREATE TRIGGER tr_projects_guard BEFORE UPDATE ON public.projects
    FOR EACH ROW EXECUTE FUNCTION public.card_project_guard();

-- ---------------------------------------------------------------------------------------------
-- Membership functions (SECURITY DEFINER: they read users by e-mail and write the membership
-- tables after checking the caller's role).

CREATE OR REPLACE FUNCTION public.card_org_create(p_name text)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := public.app_user_id();
    v_id bigint;
    v_uid text;
BEGIN
    IF me IS NULL THEN RAISE EXCEPTION 'sign in first' USING ERRCODE = '42501'; END IF;
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'name must be 1 to 200 characters' USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.organizations (name, created_by) VALUES (btrim(p_name), me) RETURNING id, uid INTO v_id, v_uid;
    INSERT INTO public.organization_members (org_id, user_id, role) VALUES (v_id, me, 'owner');
    RETURN v_uid;
END;
$$;

CREATE OR REPLACE FUNCTION public.card_team_create(p_org_uid text, p_name text)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := public.app_user_id();
    v_org bigint;
    v_id bigint;
    v_uid text;
BEGIN
    SELECT o.id INTO v_org FROM public.organizations o WHERE o.uid = p_org_uid;
    IF v_org IS NULL OR public.app_org_role(v_org) IS NULL THEN
        RAISE EXCEPTION 'no such organization' USING ERRCODE = 'CN001';
    END IF;
    IF public.app_org_role(v_org) NOT IN ('owner', 'admin') THEN
        RAISE EXCEPTION 'only the organization''s owners and admins create teams' USING ERRCODE = '42501';
    END IF;
    IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'name must be 1 to 200 characters' USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.teams (org_id, name, created_by) VALUES (v_org, btrim(p_name), me) RETURNING id, uid INTO v_id, v_uid;
    INSERT INTO public.team_members (team_id, user_id, role) VALUES (v_id, me, 'admin');
    RETURN v_uid;
END;
$$;

-- card_team_manageable: the team by uid when the caller may see it (member of it or of its
-- organization), raising CN001 otherwise; *manage: the caller is its admin or an org owner/admin.
CREATE OR REPLACE FUNCTION public.card_team_lookup(p_team_uid text, OUT team_id bigint, OUT org_id bigint,
                                                   OUT manage boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    SELECT t.id, t.org_id INTO team_id, org_id FROM public.teams t WHERE t.uid = p_team_uid;
    IF team_id IS NULL OR (public.app_team_role(team_id) IS NULL AND public.app_org_role(org_id) IS NULL) THEN
        RAISE EXCEPTION 'no such team' USING ERRCODE = 'CN001';
    END IF;
    manage := public.app_team_role(team_id) = 'admin' OR public.app_org_role(org_id) IN ('owner', 'admin');
END;
$$;

-- the last admin of a team stays (22023)
CREATE OR REPLACE FUNCTION public.card_team_keep_admin(p_team_id bigint, p_user_id text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.team_members m WHERE m.team_id = p_team_id AND m.user_id = p_user_id AND m.role = 'admin')
       AND NOT EXISTS (SELECT 1 FROM public.team_members m WHERE m.team_id = p_team_id AND m.role = 'admin'
                          AND m.user_id <> p_user_id) THEN
        RAISE EXCEPTION 'a team keeps at least one admin' USING ERRCODE = '22023';
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION public.card_team_member_set(p_team_uid text, p_email text, p_role text)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t record;
    v_user text;
BEGIN
    SELECT * INTO t FROM public.card_team_lookup(p_team_uid);
    IF NOT t.manage THEN RAISE EXCEPTION 'only team admins manage members' USING ERRCODE = '42501'; END IF;
    IF p_role IS NULL OR p_role NOT IN ('admin', 'editor', 'viewer') THEN
        RAISE EXCEPTION 'role must be admin, editor or viewer' USING ERRCODE = '22023';
    END IF;
    SELECT u.id INTO v_user FROM public.users u
     WHERE lower(btrim(u.email)) = lower(btrim(p_email)) AND u.deleted_at IS NULL
     ORDER BY u.created_at LIMIT 1;
    IF v_user IS NULL THEN RAISE EXCEPTION 'no such user' USING ERRCODE = 'CN002'; END IF;
    IF p_role <> 'admin' THEN PERFORM public.card_team_keep_admin(t.team_id, v_user); END IF;
    INSERT INTO public.organization_members (org_id, user_id, role) VALUES (t.org_id, v_user, 'member')
        ON CONFLICT DO NOTHING;
    INSERT INTO public.team_members (team_id, user_id, role) VALUES (t.team_id, v_user, p_role)
        ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role;
END;
$$;

-- Removes a member; a member may remove themselves (leave the team).
CREATE OR REPLACE FUNCTION public.card_team_member_remove(p_team_uid text, p_email text)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t record;
    v_user text;
BEGIN
    SELECT * INTO t FROM public.card_team_lookup(p_team_uid);
    SELECT u.id INTO v_user FROM public.users u
     WHERE lower(btrim(u.email)) = lower(btrim(p_email)) AND u.deleted_at IS NULL
     ORDER BY u.created_at LIMIT 1;
    IF NOT t.manage AND v_user IS DISTINCT FROM public.app_user_id() THEN
        RAISE EXCEPTION 'only team admins manage members' USING ERRCODE = '42501';
    END IF;
    IF v_user IS NULL OR NOT EXISTS (SELECT 1 FROM public.team_members m WHERE m.team_id = t.team_id AND m.user_id = v_user) THEN
        RAISE EXCEPTION 'no such member' USING ERRCODE = 'CN002';
    END IF;
    PERFORM public.card_team_keep_admin(t.team_id, v_user);
    DELETE FROM public.team_members m WHERE m.team_id = t.team_id AND m.user_id = v_user;
END;
$$;

-- Members of a team the caller may see: e-mail, name, role (never another column of users).
CREATE OR REPLACE FUNCTION public.card_team_members(p_team_uid text)
RETURNS TABLE (email text, name text, role text, is_me boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t record;
BEGIN
    SELECT * INTO t FROM public.card_team_lookup(p_team_uid);
    RETURN QUERY SELECT u.email, COALESCE(u.name, u.email), m.role, u.id = public.app_user_id()
      FROM public.team_members m JOIN public.users u ON u.id = m.user_id
     WHERE m.team_id = t.team_id AND u.deleted_at IS NULL
     ORDER BY CASE m.role WHEN 'admin' THEN 0 WHEN 'editor' THEN 1 ELSE 2 END, lower(u.email);
END;
$$;

-- Members of an organization the caller belongs to.
CREATE OR REPLACE FUNCTION public.card_org_members(p_org_uid text)
RETURNS TABLE (email text, name text, role text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.email, COALESCE(u.name, u.email), m.role
      FROM public.organizations o
      JOIN public.organization_members m ON m.org_id = o.id
      JOIN public.users u ON u.id = m.user_id AND u.deleted_at IS NULL
     WHERE o.uid = p_org_uid AND public.app_org_role(o.id) IS NOT NULL
     ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, lower(u.email)
$$;

-- A new invitation (by link; or for an existing user's e-mail) → its uid.  Team admins only.
CREATE OR REPLACE FUNCTION public.card_invitation_create(p_team_uid text, p_token_hash text, p_email text,
                                                         p_role text, p_expires_at timestamptz)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t record;
    v_uid text;
BEGIN
    SELECT * INTO t FROM public.card_team_lookup(p_team_uid);
    IF NOT t.manage THEN RAISE EXCEPTION 'only team admins invite' USING ERRCODE = '42501'; END IF;
    IF p_role IS NULL OR p_role NOT IN ('admin', 'editor', 'viewer') THEN
        RAISE EXCEPTION 'role must be admin, editor or viewer' USING ERRCODE = '22023';
    END IF;
    IF p_expires_at IS NULL OR p_expires_at <= now() OR p_expires_at > now() + interval '90 days' THEN
        RAISE EXCEPTION 'an invitation expires within 90 days' USING ERRCODE = '22023';
    END IF;
    IF p_email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.users u
            WHERE lower(btrim(u.email)) = lower(btrim(p_email)) AND u.deleted_at IS NULL) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = 'CN002';
    END IF;
    INSERT INTO public.team_invitations (team_id, token_hash, email, role, created_by, expires_at)
    VALUES (t.team_id, p_token_hash, lower(btrim(p_email)), p_role, public.app_user_id(), p_expires_at)
    RETURNING uid INTO v_uid;
    RETURN v_uid;
END;
$$;

CREATE OR REPLACE FUNCTION public.card_invitation_revoke(p_uid text)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_team bigint;
BEGIN
    SELECT i.team_id INTO v_team FROM public.team_invitations i WHERE i.uid = p_uid;
    IF v_team IS NULL OR public.app_team_role(v_team) IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'no such invitation' USING ERRCODE = 'CN001';
    END IF;
    UPDATE public.team_invitations SET revoked_at = now() WHERE uid = p_uid AND revoked_at IS NULL;
END;
$$;

-- What an invitation offers, for its accept page: team, organization, role, e-mail it is for,
-- and its state ('open', 'used', 'expired', 'revoked').  No row: unknown token.
CREATE OR REPLACE FUNCTION public.card_invitation_info(p_token_hash text)
RETURNS TABLE (team_uid text, team_name text, org_name text, role text, email text, state text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT t.uid, t.name, o.name, i.role, i.email,
           CASE WHEN i.revoked_at IS NOT NULL THEN 'revoked' WHEN i.used_at IS NOT NULL THEN 'used'
                WHEN i.expires_at <= now() THEN 'expired' ELSE 'open' END
      FROM public.team_invitations i
      JOIN public.teams t ON t.id = i.team_id
      JOIN public.organizations o ON o.id = t.org_id
     WHERE i.token_hash = p_token_hash AND public.app_user_id() IS NOT NULL
$$;

-- Accept: the caller joins the team with the invitation's role (and the organization as member);
-- the invitation is used up.  CN001 unknown, CN410 used/expired/revoked, 42501 for another e-mail.
CREATE OR REPLACE FUNCTION public.card_invitation_accept(p_token_hash text)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := public.app_user_id();
    i record;
    v_org bigint;
    v_team_uid text;
BEGIN
    IF me IS NULL THEN RAISE EXCEPTION 'sign in first' USING ERRCODE = '42501'; END IF;
    SELECT * INTO i FROM public.team_invitations WHERE token_hash = p_token_hash FOR UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no such invitation' USING ERRCODE = 'CN001'; END IF;
    IF i.revoked_at IS NOT NULL OR i.used_at IS NOT NULL OR i.expires_at <= now() THEN
        RAISE EXCEPTION 'this invitation was revoked, used or has expired' USING ERRCODE = 'CN410';
    END IF;
    IF i.email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = me
                                               AND lower(btrim(u.email)) = i.email) THEN
        RAISE EXCEPTION 'this invitation is for another account' USING ERRCODE = '42501';
    END IF;
    SELECT t.org_id, t.uid INTO v_org, v_team_uid FROM public.teams t WHERE t.id = i.team_id;
    INSERT INTO public.organization_members (org_id, user_id, role) VALUES (v_org, me, 'member')
        ON CONFLICT DO NOTHING;
    INSERT INTO public.team_members (team_id, user_id, role) VALUES (i.team_id, me, i.role)
        ON CONFLICT (team_id, user_id) DO NOTHING;
    UPDATE public.team_invitations SET used_at = now(), used_by = me WHERE id = i.id;
    RETURN v_team_uid;
END;
$$;

-- Bearer tokens: the live token with this hash (never another), its user, scope and state;
-- last_used_at written at most once a minute.  card_app never reads token hashes itself.
CREATE OR REPLACE FUNCTION public.card_token_use(p_token_hash text)
RETURNS TABLE (user_id text, email text, name text, is_super_admin boolean, scope text, state text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE public.api_tokens k SET last_used_at = now()
     WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
       AND (k.expires_at IS NULL OR k.expires_at > now())
       AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute');
    RETURN QUERY
    SELECT u.id, u.email, u.name, COALESCE(u.is_super_admin, false), k.scope,
           CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'expired' ELSE 'ok' END
      FROM public.api_tokens k JOIN public.users u ON u.id = k.user_id AND u.deleted_at IS NULL
     WHERE k.token_hash = p_token_hash;
END;
$$;

DO $grants$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['public.card_org_create(text)', 'public.card_team_create(text, text)',
        'public.card_team_lookup(text)', 'public.card_team_keep_admin(bigint, text)',
        'public.card_team_member_set(text, text, text)', 'public.card_team_member_remove(text, text)',
        'public.card_team_members(text)', 'public.card_org_members(text)',
        'public.card_invitation_create(text, text, text, text, timestamptz)',
        'public.card_invitation_revoke(text)', 'public.card_invitation_info(text)',
        'public.card_invitation_accept(text)', 'public.card_token_use(text)']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO card_app', f);
    END LOOP;
    REVOKE ALL ON FUNCTION public.card_team_keep_admin(bigint, text) FROM card_app;
END
$grants$;

-- ---------------------------------------------------------------------------------------------
-- Project search.  Each file table (and entities, columns) carries search_tsv, a tsvector kept by
-- a BEFORE trigger from the row itself (title weight A; body weight B: a note's text without its
-- tags, a drawing's "text" strings, a flowchart's "label" strings, a table's or column's name and
-- comment), with a GIN index.  pg_trgm, when it can be created (Debian's postgresql-contrib;
-- CREATE EXTENSION as the database owner), adds trigram indexes on lower(title/name) so that
-- identifiers like order_items match by similarity; without it, card_search_match falls back to
-- LIKE.  card_search runs with the caller's rights: row-level security decides what it finds.

DO $trgm$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm unavailable (%): search matches identifiers with LIKE only', SQLERRM;
    END;
END
$trgm$;

-- The text of note HTML: tags dropped (block ends become spaces), the entities TipTap writes decoded.
CREATE OR REPLACE FUNCTION public.card_html_text(p_html text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT replace(replace(replace(replace(replace(replace(
        regexp_replace(regexp_replace(COALESCE(p_html, ''),
            '<(br|/p|/h[1-6]|/li|/td|/th|/div|/blockquote|/pre|/tr)[^>]*>', ' ', 'gi'), '<[^>]*>', '', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&')
$$;

-- Every string value under the key p_key anywhere in a JSON document ('' when it is not JSON).
CREATE OR REPLACE FUNCTION public.card_json_strings(p_data text, p_key text)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN COALESCE((SELECT string_agg(DISTINCT v #>> '{}', ' ')
                       FROM jsonb_path_query(p_data::jsonb, ('lax $.**.' || p_key)::jsonpath) v
                      WHERE jsonb_typeof(v) = 'string'), '');
EXCEPTION WHEN OTHERS THEN
    RETURN '';
END;
$$;

-- The searchable body of a file row of kind p_kind ('note', 'drawing', 'flowchart'; '' else).
CREATE OR REPLACE FUNCTION public.card_search_body(p_kind text, p_data text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT left(CASE p_kind WHEN 'note' THEN public.card_html_text(p_data)
                            WHEN 'drawing' THEN public.card_json_strings(p_data, 'text')
                            WHEN 'flowchart' THEN public.card_json_strings(p_data, 'label')
                            ELSE '' END, 200000)
$$;

CREATE OR REPLACE FUNCTION public.card_search_vector(p_title text, p_body text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english', COALESCE(p_title, '')), 'A')
        || setweight(to_tsvector('english', left(COALESCE(p_body, ''), 200000)), 'B')
$$;

CREATE OR REPLACE FUNCTION public.card_search_refresh()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'diagrams' THEN
        NEW.search_tsv := public.card_search_vector(NEW.name, '');
    ELSIF TG_TABLE_NAME = 'notes' THEN
        NEW.search_tsv := public.card_search_vector(NEW.title, public.card_search_body('note', NEW.content));
    ELSIF TG_TABLE_NAME = 'drawings' THEN
        NEW.search_tsv := public.card_search_vector(NEW.title, public.card_search_body('drawing', NEW.data));
    ELSIF TG_TABLE_NAME = 'flowcharts' THEN
        NEW.search_tsv := public.card_search_vector(NEW.title, public.card_search_body('flowchart', NEW.data));
    ELSE    -- entities, columns
        NEW.search_tsv := public.card_search_vector(NEW.name, NEW.comment);
    END IF;
    RETURN NEW;
END;
$$;

DO $search$
DECLARE
    t text;
    cols text;
    title text;
    trgm boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm');
BEGIN
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts', 'entities', 'columns']
    LOOP
        cols := CASE t WHEN 'diagrams' THEN 'name' WHEN 'notes' THEN 'title, content'
                       WHEN 'drawings' THEN 'title, data' WHEN 'flowcharts' THEN 'title, data'
                       ELSE 'name, comment' END;
        title := CASE WHEN t IN ('diagrams', 'entities', 'columns') THEN 'name' ELSE 'title' END;
        IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ('public.' || t)::regclass
                          AND attname = 'search_tsv' AND NOT attisdropped) THEN
            EXECUTE format('ALTER TABLE public.%I ADD COLUMN search_tsv tsvector', t);
            -- fill it without bumping _version or writing history
            EXECUTE format('ALTER TABLE public.%I DISABLE TRIGGER USER', t);
            EXECUTE format('UPDATE public.%I SET search_tsv = public.card_search_vector(%s, %s)', t,
                CASE t WHEN 'diagrams' THEN 'name' WHEN 'entities' THEN 'name' WHEN 'columns' THEN 'name' ELSE 'title' END,
                CASE t WHEN 'notes' THEN 'public.card_search_body(''note'', content)'
                       WHEN 'drawings' THEN 'public.card_search_body(''drawing'', data)'
                       WHEN 'flowcharts' THEN 'public.card_search_body(''flowchart'', data)'
                       WHEN 'diagrams' THEN '''''' ELSE 'comment' END);
            EXECUTE format('ALTER TABLE public.%I ENABLE TRIGGER USER', t);
        END IF;
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON public.%I', 'tr_' || t || '_search', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OF %s ON public.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION public.card_search_refresh()', 'tr_' || t || '_search', cols, t);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON public.%I USING gin (search_tsv)', 'idx_' || t || '_search', t);
        IF trgm THEN
            EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON public.%I USING gin (lower(%I) gin_trgm_ops)',
                           'idx_' || t || '_trgm', t, title);
        END IF;
    END LOOP;

    IF trgm THEN
        EXECUTE $f$CREATE OR REPLACE FUNCTION public.card_search_match(p_text text, p_raw text, p_pat text)
            RETURNS boolean LANGUAGE sql STABLE AS 'SELECT p_text LIKE p_pat OR p_text % p_raw'$f$;
        EXECUTE $f$CREATE OR REPLACE FUNCTION public.card_search_similarity(p_text text, p_raw text)
            RETURNS real LANGUAGE sql STABLE AS 'SELECT similarity(p_text, p_raw)'$f$;
    ELSE
        EXECUTE $f$CREATE OR REPLACE FUNCTION public.card_search_match(p_text text, p_raw text, p_pat text)
            RETURNS boolean LANGUAGE sql STABLE AS 'SELECT p_text LIKE p_pat'$f$;
        EXECUTE $f$CREATE OR REPLACE FUNCTION public.card_search_similarity(p_text text, p_raw text)
            RETURNS real LANGUAGE sql STABLE AS 'SELECT 0::real'$f$;
    END IF;
END
$search$;

-- card_search: the files matching p_q (websearch syntax; identifiers also by trigram/LIKE) that
-- the caller may read, in project p_project_uid (NULL: everywhere), best first, at most p_limit:
-- kind, file uid, title, snippet (ts_headline, matches between chr(1) and chr(2); the caller
-- escapes the text and turns those into marks), rank.  A table or column matches as its diagram.
CREATE OR REPLACE FUNCTION public.card_search(p_q text, p_project_uid text, p_limit integer)
RETURNS TABLE (kind text, uid text, title text, snippet text, rank real)
LANGUAGE sql STABLE AS $$
WITH q AS (
    SELECT websearch_to_tsquery('english', p_q) AS tsq, lower(btrim(p_q)) AS raw,
           '%' || regexp_replace(lower(btrim(p_q)), '([%_\\])', '\\\1', 'g') || '%' AS pat
), scope AS (
    SELECT p.id FROM public.projects p WHERE p.uid = p_project_uid AND p.is_deleted IS NOT TRUE
), live AS (
    SELECT p.id FROM public.projects p WHERE p.is_deleted IS TRUE
), hits AS (
    SELECT 'diagram'::text AS kind, f.uid, f.name AS title, f.name AS src, 'title'::text AS src_kind,
           ts_rank(f.search_tsv, q.tsq) + public.card_search_similarity(lower(f.name), q.raw) AS rank, f.project_id
      FROM public.diagrams f, q
     WHERE f.is_deleted IS NOT TRUE AND (f.search_tsv @@ q.tsq OR public.card_search_match(lower(f.name), q.raw, q.pat))
    UNION ALL
    SELECT 'note', f.uid, f.title, f.content, 'note',
           ts_rank(f.search_tsv, q.tsq) + public.card_search_similarity(lower(f.title), q.raw), f.project_id
      FROM public.notes f, q
     WHERE f.is_deleted IS NOT TRUE AND (f.search_tsv @@ q.tsq OR public.card_search_match(lower(f.title), q.raw, q.pat))
    UNION ALL
    SELECT 'drawing', f.uid, f.title, f.data, 'drawing',
           ts_rank(f.search_tsv, q.tsq) + public.card_search_similarity(lower(f.title), q.raw), f.project_id
      FROM public.drawings f, q
     WHERE f.is_deleted IS NOT TRUE AND (f.search_tsv @@ q.tsq OR public.card_search_match(lower(f.title), q.raw, q.pat))
    UNION ALL
    SELECT 'flowchart', f.uid, f.title, f.data, 'flowchart',
           ts_rank(f.search_tsv, q.tsq) + public.card_search_similarity(lower(f.title), q.raw), f.project_id
      FROM public.flowcharts f, q
     WHERE f.is_deleted IS NOT TRUE AND (f.search_tsv @@ q.tsq OR public.card_search_match(lower(f.title), q.raw, q.pat))
    UNION ALL
    SELECT 'diagram', d.uid, d.name, 'table ' || e.name || COALESCE(': ' || e.comment, ''), 'title',
           ts_rank(e.search_tsv, q.tsq) + public.card_search_similarity(lower(e.name), q.raw), d.project_id
      FROM public.entities e JOIN public.diagrams d ON d.id = e.diagram_id, q
     WHERE d.is_deleted IS NOT TRUE AND (e.search_tsv @@ q.tsq OR public.card_search_match(lower(e.name), q.raw, q.pat))
    UNION ALL
    SELECT 'diagram', d.uid, d.name, 'column ' || e.name || '.' || c.name || COALESCE(': ' || c.comment, ''), 'title',
           ts_rank(c.search_tsv, q.tsq) + public.card_search_similarity(lower(c.name), q.raw), d.project_id
      FROM public.columns c JOIN public.entities e ON e.id = c.entity_id JOIN public.diagrams d ON d.id = e.diagram_id, q
     WHERE d.is_deleted IS NOT TRUE AND (c.search_tsv @@ q.tsq OR public.card_search_match(lower(c.name), q.raw, q.pat))
), best AS (
    SELECT DISTINCT ON (h.kind, h.uid) h.*
      FROM hits h
     WHERE (p_project_uid IS NULL OR h.project_id IN (SELECT id FROM scope))
       AND (h.project_id IS NULL OR h.project_id NOT IN (SELECT id FROM live))
     ORDER BY h.kind, h.uid, h.rank DESC
), top AS (
    SELECT * FROM best ORDER BY rank DESC, title LIMIT GREATEST(1, LEAST(COALESCE(p_limit, 20), 100))
)
SELECT t.kind, t.uid, t.title,
       ts_headline('english',
                   translate(CASE t.src_kind WHEN 'title' THEN t.src
                                             ELSE public.card_search_body(t.src_kind, t.src) END,
                             chr(1) || chr(2), ''),
                   q.tsq,
                   'StartSel=' || chr(1) || ', StopSel=' || chr(2)
                   || ', MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'),
       t.rank::real
  FROM top t, q
 ORDER BY t.rank DESC, t.title
$$;
REVOKE ALL ON FUNCTION public.card_search(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_search(text, text, integer) TO card_app;
