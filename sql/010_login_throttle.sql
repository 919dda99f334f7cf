-- 010_login_throttle.sql — what the login and sign-up forms may tell a stranger about an account
-- (issue 15, findings 4 and 5): a sign-up that does not say whether the address was taken, and
-- login throttling keyed by (e-mail, client address), so that someone who only knows an address
-- cannot keep its owner locked out. Two kinds of rows in
-- login_throttle (003):
--   'pair:<client address>|<e-mail>'  failed logins of one e-mail from one address: after 5, wait
--                                      2^(failures-5) s (at most 900) from the last failure, as 006 did;
--                                      a success from that address clears it.
--   'email:<e-mail>'                  failed logins of one e-mail from every address within an hour
--                                      starting at window_start: at 100, everyone waits for the hour
--                                      to end. This ceiling bounds guessing spread over many
--                                      addresses; reaching it takes many addresses, since each one
--                                      is slowed down by its own pair row first.
-- The e-mail is compared lower-cased and trimmed, as card_login_lookup does. The single-key
-- functions of 006 stay (nothing calls them any more); rows they wrote ('email:…' without a
-- window_start) count as an expired window. Stale rows go with card_sessions_purge (a day after
-- their last failure).

ALTER TABLE public.login_throttle ADD COLUMN IF NOT EXISTS window_start timestamptz;

-- Seconds the caller must still wait before another login attempt for this e-mail from this
-- client address (0: none): the larger of the pair's back-off and the e-mail's hourly ceiling.
CREATE OR REPLACE FUNCTION public.card_login_throttle_wait(p_email text, p_addr text)
RETURNS integer
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT greatest(
        COALESCE((
            SELECT CASE WHEN t.failures < 5 OR t.last_failure IS NULL THEN 0
                        ELSE greatest(0, ceil(least(900, power(2, least(t.failures - 5, 10)))
                                              - extract(epoch FROM now() - t.last_failure)))::integer
                   END
              FROM public.login_throttle t
             WHERE t.key = 'pair:' || COALESCE(p_addr, '') || '|' || lower(btrim(p_email))), 0),
        COALESCE((
            SELECT CASE WHEN t.failures < 100 OR t.window_start IS NULL THEN 0
                        ELSE greatest(0, ceil(extract(epoch FROM t.window_start + interval '1 hour' - now())))::integer
                   END
              FROM public.login_throttle t
             WHERE t.key = 'email:' || lower(btrim(p_email))), 0))
$$;

-- Record one failed login for this e-mail from this client address: the pair row (restarting when
-- its last failure is over a day old) and the e-mail's hourly window (a new one when the last
-- started over an hour ago).
CREATE OR REPLACE FUNCTION public.card_login_throttle_fail(p_email text, p_addr text)
RETURNS void
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    INSERT INTO public.login_throttle AS t (key, failures, last_failure)
    VALUES ('pair:' || COALESCE(p_addr, '') || '|' || lower(btrim(p_email)), 1, now())
    ON CONFLICT (key) DO UPDATE
       SET failures = CASE WHEN t.last_failure < now() - interval '1 day' THEN 1
                           ELSE least(t.failures, 1000000) + 1 END,
           last_failure = now();
    INSERT INTO public.login_throttle AS t (key, failures, last_failure, window_start)
    VALUES ('email:' || lower(btrim(p_email)), 1, now(), now())
    ON CONFLICT (key) DO UPDATE
       SET failures = CASE WHEN t.window_start IS NULL OR t.window_start <= now() - interval '1 hour' THEN 1
                           ELSE least(t.failures, 1000000) + 1 END,
           window_start = CASE WHEN t.window_start IS NULL OR t.window_start <= now() - interval '1 hour'
                               THEN now() ELSE t.window_start END,
           last_failure = now();
$$;

-- A successful login clears the pair row of that address; the e-mail's window runs its hour.
CREATE OR REPLACE FUNCTION public.card_login_throttle_clear(p_email text, p_addr text)
RETURNS void
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    DELETE FROM public.login_throttle
     WHERE key = 'pair:' || COALESCE(p_addr, '') || '|' || lower(btrim(p_email))
$$;

-- Sign up like card_signup (006), except that a taken e-mail returns no row instead of raising:
-- the caller answers both cases alike, and its transaction stays usable.
CREATE OR REPLACE FUNCTION public.card_signup_if_new(p_email text, p_name text, p_password_hash text)
RETURNS TABLE(user_id text, is_super_admin boolean)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
    RETURN QUERY SELECT s.user_id, s.is_super_admin FROM public.card_signup(p_email, p_name, p_password_hash) s;
EXCEPTION WHEN unique_violation THEN
    RETURN;
END;
$$;

DO $grants$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'public.card_login_throttle_wait(text, text)',
        'public.card_login_throttle_fail(text, text)',
        'public.card_login_throttle_clear(text, text)',
        'public.card_signup_if_new(text, text, text)']
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO card_app', f);
    END LOOP;
END
$grants$;
