-- auth_02_signup.sql — sign-up that does not tell a stranger which addresses have accounts
-- (sql/010's card_signup_if_new, called by the sign-in role only). Run as card_auth.

-- sign-up: a taken address (in any case) answers no row and leaves the transaction usable
DO $$
DECLARE
    e text := 'quiet-' || gen_random_uuid() || '@example.test';
    r record;
    n int;
BEGIN
    SELECT * INTO r FROM card_signup_if_new(e, 'Quiet', 'hash1');
    IF r.user_id IS NULL OR r.is_super_admin THEN RAISE EXCEPTION 'new sign-up returned %', r; END IF;
    SELECT count(*) INTO n FROM card_signup_if_new(upper(e), 'Again', 'hash2');
    IF n <> 0 THEN RAISE EXCEPTION 'a taken address returned % rows', n; END IF;
    IF (SELECT password_hash FROM card_login_lookup(e)) <> 'hash1' THEN RAISE EXCEPTION 'the taken account changed'; END IF;
    BEGIN
        PERFORM card_signup_if_new('', 'Nobody', 'hash');
        RAISE EXCEPTION 'empty e-mail accepted';
    EXCEPTION WHEN invalid_parameter_value THEN NULL;
    END;
END $$;

