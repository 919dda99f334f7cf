-- 006_auth_functions.sql — the few steps that happen before a user id is known (sign-up, login,
-- session lookup, login throttling, session purge). Row-level security hides every user row from
-- card_app until app.user_id is set, so these run as SECURITY DEFINER (owned by the migration role,
-- which has the all-rows policy of 005), with a fixed search_path, callable by card_app only.
-- Stored timestamps are timestamp(3) without zone and mean UTC.

-- Sign up: returns the new user's id and whether it became the super admin (only the very first
-- user does). Signups are serialised with a transaction-level advisory lock so two concurrent first
-- signups cannot both see an empty table. A taken e-mail (case-insensitive) raises 23505.
CREATE OR REPLACE FUNCTION public.card_signup(p_email text, p_name text, p_password_hash text)
RETURNS TABLE(user_id text, is_super_admin boolean)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_email text := lower(btrim(p_email));
    v_id    text := gen_random_uuid()::text;
    v_first boolean;
BEGIN
    IF v_email IS NULL OR v_email = '' THEN
        RAISE EXCEPTION 'email is required' USING ERRCODE = '22023';
    END IF;
    IF p_password_hash IS NULL OR p_password_hash = '' THEN
        RAISE EXCEPTION 'password hash is required' USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('cardinality.card_signup'));
    IF EXISTS (SELECT 1 FROM public.users u WHERE lower(btrim(u.email)) = v_email) THEN
        RAISE EXCEPTION 'email already registered' USING ERRCODE = 'unique_violation';
    END IF;
    v_first := NOT EXISTS (SELECT 1 FROM public.users);
    INSERT INTO public.users (id, email, name, password, is_super_admin, created_at, updated_at)
    VALUES (v_id, v_email, p_name, p_password_hash, v_first,
            now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC');
    RETURN QUERY SELECT v_id, v_first;
END;
$$;

-- Login: the live user with this e-mail (case-insensitive, surrounding blanks ignored). Should an
-- ERD Builder Pro database hold the same address in two cases, the exact spelling wins, then the oldest.
CREATE OR REPLACE FUNCTION public.card_login_lookup(p_email text)
RETURNS TABLE(user_id text, password_hash text, name text, is_super_admin boolean)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT u.id, u.password, u.name, COALESCE(u.is_super_admin, false)
      FROM public.users u
     WHERE lower(btrim(u.email)) = lower(btrim(p_email))
       AND u.deleted_at IS NULL
     ORDER BY (u.email = btrim(p_email)) DESC, u.created_at, u.id
     LIMIT 1
$$;

-- Session: by the SHA-256 of the cookie token (stored in sessions.token), with its live user.
-- Epochs are seconds since 1970 reading the stored timestamps as UTC; the caller enforces expiry.
CREATE OR REPLACE FUNCTION public.card_session_lookup(p_token_hash text)
RETURNS TABLE(session_id text, user_id text, email text, name text, is_super_admin boolean,
              created_epoch double precision, last_seen_epoch double precision, csrf_secret text,
              password_changed_epoch double precision)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT s.id, u.id, u.email, u.name, COALESCE(u.is_super_admin, false),
           extract(epoch FROM s.created_at)::double precision,
           extract(epoch FROM COALESCE(s.last_seen_at, s.created_at))::double precision,
           s.csrf_secret,
           extract(epoch FROM u.password_changed_at)::double precision
      FROM public.sessions s
      JOIN public.users u ON u.id = s.user_id
     WHERE s.token = p_token_hash
       AND u.deleted_at IS NULL
$$;

-- Seconds the caller must still wait before another login attempt under this key (0: none).
-- After 5 failures: 2^(failures-5) seconds, at most 900, counted from the last failure.
CREATE OR REPLACE FUNCTION public.card_login_throttle_check(p_key text)
RETURNS integer
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT COALESCE((
        SELECT CASE WHEN t.failures < 5 OR t.last_failure IS NULL THEN 0
                    ELSE greatest(0, ceil(least(900, power(2, least(t.failures - 5, 10)))
                                          - extract(epoch FROM now() - t.last_failure)))::integer
               END
          FROM public.login_throttle t
         WHERE t.key = p_key), 0)
$$;

-- Record one failed login under this key. A key whose last failure is over a day old starts again.
CREATE OR REPLACE FUNCTION public.card_login_failed(p_key text)
RETURNS void
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    INSERT INTO public.login_throttle AS t (key, failures, last_failure)
    VALUES (p_key, 1, now())
    ON CONFLICT (key) DO UPDATE
       SET failures = CASE WHEN t.last_failure < now() - interval '1 day' THEN 1
                           ELSE least(t.failures, 1000000) + 1 END,
           last_failure = now()
$$;

-- A successful login clears the key.
CREATE OR REPLACE FUNCTION public.card_login_succeeded(p_key text)
RETURNS void
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    DELETE FROM public.login_throttle WHERE key = p_key
$$;

-- Delete sessions (of all users) idle for more than p_idle_seconds or older than p_absolute_seconds
-- (a NULL or non-positive limit is not applied); returns how many were deleted. Also forgets
-- login_throttle keys whose last failure is over a day old.
CREATE OR REPLACE FUNCTION public.card_sessions_purge(p_idle_seconds integer, p_absolute_seconds integer)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_now   timestamp := now() AT TIME ZONE 'UTC';
    v_count integer;
BEGIN
    DELETE FROM public.sessions s
     WHERE (p_absolute_seconds > 0
            AND s.created_at < v_now - make_interval(secs => p_absolute_seconds))
        OR (p_idle_seconds > 0
            AND COALESCE(s.last_seen_at, s.created_at) < v_now - make_interval(secs => p_idle_seconds));
    GET DIAGNOSTICS v_count = ROW_COUNT;
    DELETE FROM public.login_throttle WHERE last_failure < now() - interval '1 day';
    RETURN v_count;
END;
$$;

DO $grants$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'public.card_signup(text, text, text)',
        'public.card_login_lookup(text)',
        'public.card_session_lookup(text)',
        'public.card_login_throttle_check(text)',
        'public.card_login_failed(text)',
        'public.card_login_succeeded(text)',
        'public.card_sessions_purge(integer, integer)']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO card_app', f);
    END LOOP;
END
$grants$;
