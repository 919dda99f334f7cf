-- 011_auth_boundary.sql — a database-level boundary between the runtime role and the few
-- statements that handle passwords and create sessions.
--
-- Row-level security (005) keys every policy on app.user_id, a setting the runtime role card_app
-- sets itself: whoever holds card_app (SQL injection, a stolen connection string) can act as any
-- user whose id they know. Until now card_app could also learn every id and password hash
-- (card_login_lookup), mint a session for anyone (INSERT INTO sessions) and log everyone out
-- (card_sessions_purge). From here on:
--   card_auth (a separate login role the workers use only for sign-up, login and password checks
--   and changes) executes card_signup, card_login_lookup, card_session_create and
--   card_password_set, and holds no table privilege at all;
--   card_app executes none of those, cannot read or write users.password, cannot insert sessions
--   and may update only their last_seen_at;
--   card_sessions_purge is left to the owner role (run it from cron as card_owner).
-- The role card_auth is created by whoever creates card_app (scripts/stack.sh, README
-- Deployment): the owner role that runs migrations cannot create roles.

DO $role$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'card_auth') THEN
        RAISE EXCEPTION 'role card_auth is missing: CREATE ROLE card_auth LOGIN PASSWORD ''…'' NOSUPERUSER NOBYPASSRLS (README, Deployment)'
            USING ERRCODE = '42704';
    END IF;
END
$role$;

GRANT USAGE ON SCHEMA public TO card_auth;

-- A new session for a live user, under the SHA-256 (hex) of its cookie token.
CREATE OR REPLACE FUNCTION public.card_session_create(p_user_id text, p_token_hash text,
                                                      p_email text, p_name text)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_now timestamp := now() AT TIME ZONE 'UTC';
BEGIN
    IF p_token_hash IS NULL OR p_token_hash !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'token hash must be 64 hex digits' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id AND u.deleted_at IS NULL) THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.sessions (id, token, user_id, email, name, created_at, last_seen_at)
    VALUES (gen_random_uuid()::text, p_token_hash, p_user_id, p_email, p_name, v_now, v_now);
END;
$$;

-- Store a new password hash for a live user; p_changed also stamps password_changed_at (a change
-- by the user, as opposed to the silent re-hash of an outdated hash at login).
CREATE OR REPLACE FUNCTION public.card_password_set(p_user_id text, p_password_hash text, p_changed boolean)
RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_now timestamp := now() AT TIME ZONE 'UTC';
BEGIN
    IF p_password_hash IS NULL OR p_password_hash = '' THEN
        RAISE EXCEPTION 'password hash is required' USING ERRCODE = '22023';
    END IF;
    UPDATE public.users u
       SET password = p_password_hash, updated_at = v_now,
           password_changed_at = CASE WHEN p_changed THEN v_now ELSE u.password_changed_at END
     WHERE u.id = p_user_id AND u.deleted_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such user' USING ERRCODE = '22023';
    END IF;
END;
$$;

DO $grants$
DECLARE
    f text;
    cols text;
BEGIN
    -- the auth functions: card_auth only
    FOREACH f IN ARRAY ARRAY[
        'public.card_signup(text, text, text)',
        'public.card_signup_if_new(text, text, text)',
        'public.card_login_lookup(text)',
        'public.card_session_create(text, text, text, text)',
        'public.card_password_set(text, text, boolean)']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, card_app', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO card_auth', f);
    END LOOP;
    -- logging everyone out is an operator's job
    REVOKE ALL ON FUNCTION public.card_sessions_purge(integer, integer) FROM PUBLIC, card_app, card_auth;

    -- sessions: card_app reads (its own, through RLS), deletes (logout) and touches last_seen_at
    REVOKE INSERT, UPDATE, TRUNCATE, REFERENCES, TRIGGER ON public.sessions FROM card_app;
    GRANT UPDATE (last_seen_at) ON public.sessions TO card_app;

    -- users: every column but password (an ERD Builder Pro database may have more columns; a
    -- later migration adding a column to users grants it here too)
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = 'public.users'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname <> 'password';
    REVOKE SELECT, UPDATE ON public.users FROM card_app;
    EXECUTE format('GRANT SELECT (%s) ON public.users TO card_app', cols);
    GRANT UPDATE (email, name, updated_at, deleted_at) ON public.users TO card_app;
END
$grants$;

-- card_auth owns nothing and may touch no table directly.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM card_auth;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM card_auth;
