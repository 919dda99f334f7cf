-- 028_admin_users.sql — the super admin's user management (issue 12, /admin/users): disabling an
-- account, single-use password reset links, granting and removing super admin, and the overview
-- of organizations (/admin/orgs).  Additive and idempotent: one nullable column on seed 000's
-- users, one table of our own, functions.
--
-- A disabled user (users.disabled_at set) cannot sign in (card_login_disabled tells the login
-- page after the password was right, so no stranger learns anything), their sessions are deleted
-- and no longer found, and their API tokens answer state 'disabled'.  The instance always keeps
-- one enabled super admin, and nobody disables themselves.
-- Errors: 42501 not a super admin, CN002 no such user, CN409 the last super admin,
-- CN403 disabling oneself, CN001 no such reset link, CN410 used or expired.

ALTER TABLE public.users ADD COLUMN IF NOT EXISTS disabled_at timestamp(3);
GRANT SELECT (disabled_at) ON public.users TO card_app;   -- 011 grants every column but password

CREATE TABLE IF NOT EXISTS public.password_resets (
    id bigserial PRIMARY KEY,
    user_id text NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_by text REFERENCES public.users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX IF NOT EXISTS idx_password_resets_user ON public.password_resets (user_id);

DO $rls$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = 'password_resets'
    LOOP
        EXECUTE format('DROP POLICY %I ON public.password_resets', p.policyname);
    END LOOP;
    ALTER TABLE public.password_resets ENABLE ROW LEVEL SECURITY;
    ALTER TABLE public.password_resets FORCE ROW LEVEL SECURITY;
    EXECUTE format('CREATE POLICY card_owner_all ON public.password_resets TO %I USING (true) WITH CHECK (true)',
                   current_user);
    CREATE POLICY admin_read ON public.password_resets FOR SELECT USING (public.app_is_super_admin());
END
$rls$;
-- written only through the functions below; card_app never reads a token hash
REVOKE ALL ON public.password_resets FROM card_app, PUBLIC;
GRANT SELECT (id, user_id, created_by, created_at, expires_at, used_at) ON public.password_resets TO card_app;
REVOKE ALL ON SEQUENCE public.password_resets_id_seq FROM card_app, PUBLIC;

-- Sessions: as 015, and only a user who is not disabled.
CREATE OR REPLACE FUNCTION public.card_session_lookup(p_token_hash text)
RETURNS TABLE(session_id text, user_id text, email text, name text, is_super_admin boolean,
              created_epoch double precision, last_seen_epoch double precision, csrf_secret text,
              password_changed_epoch double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN QUERY
    SELECT s.id, u.id, u.email, u.name, COALESCE(u.is_super_admin, false),
           extract(epoch FROM s.created_at)::double precision,
           extract(epoch FROM COALESCE(s.last_seen_at, s.created_at))::double precision,
           s.csrf_secret,
           extract(epoch FROM u.password_changed_at)::double precision
      FROM public.sessions s
      JOIN public.users u ON u.id = s.user_id
     WHERE s.token = p_token_hash
       AND u.deleted_at IS NULL AND u.disabled_at IS NULL;
END;
$$;

-- A new session (as 011) for a live user who is not disabled.
CREATE OR REPLACE FUNCTION public.card_session_create(p_user_id text, p_token_hash text,
                                                      p_email text, p_name text)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_now timestamp := now() AT TIME ZONE 'UTC';
BEGIN
    IF p_token_hash IS NULL OR p_token_hash !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'token hash must be 64 hex digits' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id AND u.deleted_at IS NULL
                                                  AND u.disabled_at IS NULL) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.sessions (id, token, user_id, email, name, created_at, last_seen_at)
    VALUES (gen_random_uuid()::text, p_token_hash, p_user_id, p_email, p_name, v_now, v_now);
END;
$$;

-- Bearer tokens (as 021), with state 'disabled' for a disabled user's token.
CREATE OR REPLACE FUNCTION public.card_token_use(p_token_hash text)
RETURNS TABLE (user_id text, email text, name text, is_super_admin boolean, scope text, state text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE public.api_tokens k SET last_used_at = now()
     WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
       AND (k.expires_at IS NULL OR k.expires_at > now())
       AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
       AND EXISTS (SELECT 1 FROM public.users u WHERE u.id = k.user_id AND u.disabled_at IS NULL);
    RETURN QUERY
    SELECT u.id, u.email, u.name, COALESCE(u.is_super_admin, false), k.scope,
           CASE WHEN u.disabled_at IS NOT NULL THEN 'disabled'
                WHEN k.revoked_at IS NOT NULL THEN 'revoked'
                WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'expired' ELSE 'ok' END
      FROM public.api_tokens k JOIN public.users u ON u.id = k.user_id AND u.deleted_at IS NULL
     WHERE k.token_hash = p_token_hash;
END;
$$;

-- Whether this user is disabled (asked by the login page once the password was right).
CREATE OR REPLACE FUNCTION public.card_login_disabled(p_user_id text)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE((SELECT u.disabled_at IS NOT NULL FROM public.users u WHERE u.id = p_user_id), false)
$$;

CREATE OR REPLACE FUNCTION public.card_admin_check()
RETURNS void LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT public.app_is_super_admin() THEN
        RAISE EXCEPTION 'only a super admin may do this' USING ERRCODE = '42501';
    END IF;
END;
$$;

-- The users whose e-mail or name contains p_query (case-insensitive; NULL or '': all), oldest
-- first, p_limit from p_offset on, each with the number of all matches (total).
CREATE OR REPLACE FUNCTION public.card_admin_users(p_query text, p_limit integer, p_offset integer)
RETURNS TABLE (id text, email text, name text, is_super_admin boolean, disabled boolean,
               created text, last_seen text, total bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    q text := lower(btrim(COALESCE(p_query, '')));
BEGIN
    PERFORM public.card_admin_check();
    RETURN QUERY
    SELECT u.id, u.email, COALESCE(u.name, ''), COALESCE(u.is_super_admin, false), u.disabled_at IS NOT NULL,
           to_char(u.created_at, 'YYYY-MM-DD'),
           COALESCE((SELECT to_char(max(COALESCE(s.last_seen_at, s.created_at)), 'YYYY-MM-DD HH24:MI')
                       FROM public.sessions s WHERE s.user_id = u.id), ''),
           count(*) OVER ()
      FROM public.users u
     WHERE u.deleted_at IS NULL
       AND (q = '' OR strpos(lower(u.email), q) > 0 OR strpos(lower(COALESCE(u.name, '')), q) > 0)
     ORDER BY u.created_at, u.id
     LIMIT greatest(1, least(COALESCE(p_limit, 50), 200)) OFFSET greatest(0, COALESCE(p_offset, 0));
END;
$$;

-- Disable/enable (p_disabled) and grant/remove super admin (p_admin) of user p_user_id; NULL
-- leaves that side as it is.  Disabling deletes the user's sessions.
CREATE OR REPLACE FUNCTION public.card_admin_user_set(p_user_id text, p_disabled boolean, p_admin boolean)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := public.app_user_id();
    u record;
BEGIN
    PERFORM public.card_admin_check();
    PERFORM pg_advisory_xact_lock(hashtext('cardinality.card_admin_user_set'));
    SELECT * INTO u FROM public.users x WHERE x.id = p_user_id AND x.deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no such user' USING ERRCODE = 'CN002'; END IF;
    IF p_disabled AND u.id = me THEN
        RAISE EXCEPTION 'you cannot disable your own account' USING ERRCODE = 'CN403';
    END IF;
    UPDATE public.users x
       SET disabled_at = CASE WHEN p_disabled IS NULL THEN x.disabled_at
                              WHEN p_disabled THEN COALESCE(x.disabled_at, now() AT TIME ZONE 'UTC') END,
           is_super_admin = COALESCE(p_admin, x.is_super_admin),
           updated_at = now() AT TIME ZONE 'UTC'
     WHERE x.id = u.id;
    IF NOT EXISTS (SELECT 1 FROM public.users x WHERE x.is_super_admin AND x.deleted_at IS NULL
                                                  AND x.disabled_at IS NULL) THEN
        RAISE EXCEPTION 'the instance keeps at least one enabled super admin' USING ERRCODE = 'CN409';
    END IF;
    IF p_disabled THEN
        DELETE FROM public.sessions s WHERE s.user_id = u.id;
    END IF;
END;
$$;

-- A password reset link for user p_user_id under the SHA-256 (hex) of its token, valid p_hours;
-- the user's earlier open links stop working.  Returns the user's e-mail and the expiry (UTC).
DROP FUNCTION IF EXISTS public.card_password_reset_create(text, text, integer);
CREATE FUNCTION public.card_password_reset_create(p_user_id text, p_token_hash text, p_hours integer)
RETURNS TABLE (email text, expires text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_exp timestamptz := now() + make_interval(hours => greatest(1, least(COALESCE(p_hours, 24), 168)));
    v_email text;
BEGIN
    PERFORM public.card_admin_check();
    SELECT u.email INTO v_email FROM public.users u WHERE u.id = p_user_id AND u.deleted_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = 'CN002';
    END IF;
    IF p_token_hash IS NULL OR p_token_hash !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'token hash must be 64 hex digits' USING ERRCODE = '22023';
    END IF;
    UPDATE public.password_resets r SET expires_at = least(r.expires_at, now())
     WHERE r.user_id = p_user_id AND r.used_at IS NULL AND r.expires_at > now();
    INSERT INTO public.password_resets (user_id, token_hash, created_by, expires_at)
    VALUES (p_user_id, p_token_hash, public.app_user_id(), v_exp);
    RETURN QUERY SELECT v_email, to_char(v_exp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"');
END;
$$;

-- What the reset page shows: the link's account and state ('open', 'used', 'expired'); no row
-- for an unknown link.
CREATE OR REPLACE FUNCTION public.card_password_reset_info(p_token_hash text)
RETURNS TABLE (email text, state text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.email, CASE WHEN r.used_at IS NOT NULL THEN 'used'
                         WHEN r.expires_at <= now() THEN 'expired' ELSE 'open' END
      FROM public.password_resets r JOIN public.users u ON u.id = r.user_id AND u.deleted_at IS NULL
     WHERE r.token_hash = p_token_hash
$$;

-- Use an open reset link: store the new password hash, mark the link used, end the user's
-- sessions.  Returns the user's e-mail.
CREATE OR REPLACE FUNCTION public.card_password_reset_use(p_token_hash text, p_password_hash text)
RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r record;
    v_email text;
BEGIN
    IF p_password_hash IS NULL OR p_password_hash = '' THEN
        RAISE EXCEPTION 'password hash is required' USING ERRCODE = '22023';
    END IF;
    SELECT * INTO r FROM public.password_resets x WHERE x.token_hash = p_token_hash FOR UPDATE;
    IF NOT FOUND THEN RAISE EXCEPTION 'no such reset link' USING ERRCODE = 'CN001'; END IF;
    IF r.used_at IS NOT NULL OR r.expires_at <= now() THEN
        RAISE EXCEPTION 'this reset link was used or has expired' USING ERRCODE = 'CN410';
    END IF;
    UPDATE public.users u
       SET password = p_password_hash, password_changed_at = now() AT TIME ZONE 'UTC',
           updated_at = now() AT TIME ZONE 'UTC'
     WHERE u.id = r.user_id AND u.deleted_at IS NULL
    RETURNING u.email INTO v_email;
    IF v_email IS NULL THEN RAISE EXCEPTION 'no such reset link' USING ERRCODE = 'CN001'; END IF;
    UPDATE public.password_resets x SET used_at = now() WHERE x.id = r.id;
    DELETE FROM public.sessions s WHERE s.user_id = r.user_id;
    RETURN v_email;
END;
$$;

-- Every organization with its members, teams and license, for /admin/orgs.
CREATE OR REPLACE FUNCTION public.card_admin_orgs()
RETURNS TABLE (uid text, name text, members bigint, teams bigint, licensed boolean, modules text,
               seats integer, expires text, expired boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM public.card_admin_check();
    RETURN QUERY
    SELECT o.uid, o.name,
           (SELECT count(*) FROM public.organization_members m WHERE m.org_id = o.id),
           (SELECT count(*) FROM public.teams t WHERE t.org_id = o.id),
           l.id IS NOT NULL,
           COALESCE((SELECT string_agg(lm.module, ',' ORDER BY lm.module) FROM public.license_modules lm
                      WHERE lm.license_id = l.id), ''),
           l.seats,
           COALESCE(to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ''),
           COALESCE(l.expires_at <= now(), false)
      FROM public.organizations o LEFT JOIN public.licenses l ON l.org_id = o.id
     ORDER BY lower(o.name), o.id;
END;
$$;

-- card_license_set (027) with an error code per field: modules 22023, seats 22003.
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
        RAISE EXCEPTION 'seats must be at least 1' USING ERRCODE = '22003';
    END IF;
    INSERT INTO public.licenses (org_id, seats, expires_at) VALUES (v_org, p_seats, p_expires_at)
    ON CONFLICT (org_id) DO UPDATE SET seats = EXCLUDED.seats, expires_at = EXCLUDED.expires_at, updated_at = now()
    RETURNING id, uid INTO v_id, v_uid;
    DELETE FROM public.license_modules WHERE license_id = v_id;
    INSERT INTO public.license_modules (license_id, module) SELECT DISTINCT v_id, m FROM unnest(p_modules) m;
    RETURN v_uid;
END;
$$;

DO $grants$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['public.card_login_disabled(text)', 'public.card_admin_check()',
        'public.card_admin_users(text, integer, integer)', 'public.card_admin_user_set(text, boolean, boolean)',
        'public.card_password_reset_create(text, text, integer)', 'public.card_password_reset_info(text)',
        'public.card_password_reset_use(text, text)', 'public.card_admin_orgs()']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
    GRANT EXECUTE ON FUNCTION public.card_admin_check(), public.card_admin_users(text, integer, integer),
        public.card_admin_user_set(text, boolean, boolean), public.card_password_reset_create(text, text, integer),
        public.card_password_reset_info(text), public.card_admin_orgs() TO card_app;
    -- the sign-in role: the login page's question and the one write of a password by link
    GRANT EXECUTE ON FUNCTION public.card_login_disabled(text), public.card_password_reset_use(text, text)
        TO card_auth;
END
$grants$;
