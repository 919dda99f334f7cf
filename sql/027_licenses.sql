-- 027_licenses.sql — licenses as the instance's switchboard (issue 12, seed 004's licenses and
-- license_modules): an organization's license enables modules (ai, database_workspace,
-- dashboards) for its teams' projects, with a number of seats and an expiry.  Personal projects
-- (no team) and organizations without a license follow instance settings (all modules unless the
-- super admin says otherwise).  Additive and idempotent.
--
-- card_modules(project_uid, org_uid) answers the modules enabled where the caller stands; the C
-- side (fcgi/license.c, modules_enabled) asks it before the AI and database-workspace routes.
-- card_license_set is the super admin's only way to write a license.  Errors: CN001 no such
-- organization (404), 42501 not a super admin / no seat left (403), 22023 invalid (422).

CREATE TABLE IF NOT EXISTS public.instance_settings (
    key text PRIMARY KEY,
    value text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.instance_settings (key, value) VALUES
    ('personal_modules', 'ai,database_workspace,dashboards'),
    ('unlicensed_org_modules', 'ai,database_workspace,dashboards')
ON CONFLICT (key) DO NOTHING;

CREATE TABLE IF NOT EXISTS public.licenses (
    id bigserial PRIMARY KEY,
    uid text NOT NULL DEFAULT gen_random_uuid()::text UNIQUE,
    org_id bigint NOT NULL UNIQUE REFERENCES public.organizations(id) ON DELETE CASCADE,
    license_key uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    seats integer CHECK (seats IS NULL OR seats > 0),
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.license_modules (
    license_id bigint NOT NULL REFERENCES public.licenses(id) ON DELETE CASCADE,
    module text NOT NULL CHECK (module IN ('ai', 'database_workspace', 'dashboards')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (license_id, module)
);

DO $rls$
DECLARE
    t text;
    p record;
BEGIN
    FOREACH t IN ARRAY ARRAY['instance_settings', 'licenses', 'license_modules']
    LOOP
        FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = t
        LOOP
            EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, t);
        END LOOP;
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY card_owner_all ON public.%I TO %I USING (true) WITH CHECK (true)',
                       t, current_user);
        EXECUTE format('CREATE POLICY admin_write ON public.%I USING (public.app_is_super_admin())'
                       ' WITH CHECK (public.app_is_super_admin())', t);
    END LOOP;
    CREATE POLICY read_signed_in ON public.instance_settings FOR SELECT USING (public.app_user_id() IS NOT NULL);
    CREATE POLICY member_read ON public.licenses FOR SELECT USING (org_id IN (SELECT public.app_org_ids()));
    CREATE POLICY member_read ON public.license_modules FOR SELECT USING (license_id IN (SELECT l.id FROM public.licenses l));
END
$rls$;
REVOKE TRUNCATE ON public.instance_settings, public.licenses, public.license_modules FROM card_app;

-- The instance setting p_key as a list ('' or missing: none).
CREATE OR REPLACE FUNCTION public.card_setting_list(p_key text)
RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE((SELECT array_remove(string_to_array(s.value, ','), '') FROM public.instance_settings s
                      WHERE s.key = p_key), '{}')
$$;

-- card_modules: the modules enabled for the caller in project p_project_uid (its team's
-- organization), else in organization p_org_uid (one the caller belongs to), else personally.
-- A project or organization the caller cannot see counts as personal (its route answers 404).
CREATE OR REPLACE FUNCTION public.card_modules(p_project_uid text, p_org_uid text)
RETURNS text[] LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_org bigint;
    lic record;
BEGIN
    IF p_project_uid IS NOT NULL THEN
        SELECT t.org_id INTO v_org FROM public.projects p JOIN public.teams t ON t.id = p.team_id
         WHERE p.uid = p_project_uid AND p.id IN (SELECT public.app_project_ids(false));
    ELSIF p_org_uid IS NOT NULL THEN
        SELECT o.id INTO v_org FROM public.organizations o
         WHERE o.uid = p_org_uid AND o.id IN (SELECT public.app_org_ids());
    END IF;
    IF v_org IS NULL THEN
        RETURN public.card_setting_list('personal_modules');
    END IF;
    SELECT * INTO lic FROM public.licenses l WHERE l.org_id = v_org;
    IF NOT FOUND THEN
        RETURN public.card_setting_list('unlicensed_org_modules');
    END IF;
    IF lic.expires_at IS NOT NULL AND lic.expires_at <= now() THEN
        RETURN '{}';
    END IF;
    RETURN ARRAY(SELECT m.module FROM public.license_modules m WHERE m.license_id = lic.id ORDER BY m.module);
END;
$$;

-- card_license_set: the super admin gives organization p_org_uid a license with these modules,
-- seats (NULL: unlimited) and expiry (NULL: none), replacing the one it had.  Returns its uid.
CREATE OR REPLACE FUNCTION public.card_license_set(p_org_uid text, p_modules text[], p_seats integer,
                                                   p_expires_at timestamptz)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_org bigint;
    v_id bigint;
    v_uid text;
BEGIN
    IF NOT public.app_is_super_admin() THEN
        RAISE EXCEPTION 'only a super admin manages licenses' USING ERRCODE = '42501';
    END IF;
    SELECT o.id INTO v_org FROM public.organizations o WHERE o.uid = p_org_uid;
    IF v_org IS NULL THEN RAISE EXCEPTION 'no such organization' USING ERRCODE = 'CN001'; END IF;
    IF p_modules IS NULL OR EXISTS (SELECT 1 FROM unnest(p_modules) m
                                     WHERE m IS NULL OR m NOT IN ('ai', 'database_workspace', 'dashboards')) THEN
        RAISE EXCEPTION 'modules must be among ai, database_workspace, dashboards' USING ERRCODE = '22023';
    END IF;
    IF p_seats IS NOT NULL AND p_seats < 1 THEN
        RAISE EXCEPTION 'seats must be at least 1' USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.licenses (org_id, seats, expires_at) VALUES (v_org, p_seats, p_expires_at)
    ON CONFLICT (org_id) DO UPDATE SET seats = EXCLUDED.seats, expires_at = EXCLUDED.expires_at, updated_at = now()
    RETURNING id, uid INTO v_id, v_uid;
    DELETE FROM public.license_modules WHERE license_id = v_id;
    INSERT INTO public.license_modules (license_id, module) SELECT DISTINCT v_id, m FROM unnest(p_modules) m;
    RETURN v_uid;
END;
$$;

-- Seats: an organization with a licensed number of seats takes no member beyond it.
CREATE OR REPLACE FUNCTION public.card_license_seats_check()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_seats integer;
BEGIN
    IF EXISTS (SELECT 1 FROM public.organization_members m
                WHERE m.org_id = NEW.org_id AND m.user_id = NEW.user_id) THEN
        RETURN NEW;     -- already a member: the insert's ON CONFLICT keeps the row as it is
    END IF;
    SELECT l.seats INTO v_seats FROM public.licenses l WHERE l.org_id = NEW.org_id;
    IF v_seats IS NOT NULL
       AND (SELECT count(*) FROM public.organization_members m WHERE m.org_id = NEW.org_id) >= v_seats THEN
        RAISE EXCEPTION 'the organization''s license has % seats, all taken', v_seats USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS tr_organization_members_seats ON public.organization_members;
CREATE TRIGGER tr_organization_members_seats BEFORE INSERT ON public.organization_members
    FOR EACH ROW EXECUTE FUNCTION public.card_license_seats_check();

DO $grants$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['public.card_setting_list(text)', 'public.card_modules(text, text)',
        'public.card_license_set(text, text[], integer, timestamptz)', 'public.card_license_seats_check()']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
    GRANT EXECUTE ON FUNCTION public.card_setting_list(text), public.card_modules(text, text),
        public.card_license_set(text, text[], integer, timestamptz) TO card_app;
END
$grants$;
