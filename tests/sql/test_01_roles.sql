-- test_01_roles.sql — the application role's powers: not superuser, no BYPASSRLS, owns nothing,
-- creates nothing, RLS enabled and forced on every user-data table, login_throttle and
-- users.is_super_admin out of reach, app.user_id reads '' after a commit. Run as card_app.

DO $$
DECLARE
    r record;
BEGIN
    SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb INTO r FROM pg_roles WHERE rolname = current_user;
    IF current_user <> 'card_app' THEN RAISE EXCEPTION 'tests must run as card_app, not %', current_user; END IF;
    IF r.rolsuper THEN RAISE EXCEPTION 'card_app is a superuser'; END IF;
    IF r.rolbypassrls THEN RAISE EXCEPTION 'card_app bypasses RLS'; END IF;
    IF r.rolcreaterole OR r.rolcreatedb THEN RAISE EXCEPTION 'card_app can create roles or databases'; END IF;
END $$;

-- owns nothing: no relation, function, schema or type
DO $$
DECLARE
    n int;
BEGIN
    SELECT count(*) INTO n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user);
    IF n <> 0 THEN RAISE EXCEPTION 'card_app owns % relations', n; END IF;
    SELECT count(*) INTO n FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user);
    IF n <> 0 THEN RAISE EXCEPTION 'card_app owns % functions', n; END IF;
    SELECT count(*) INTO n FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user);
    IF n <> 0 THEN RAISE EXCEPTION 'card_app owns % schemas', n; END IF;
    IF has_schema_privilege('public', 'CREATE') THEN RAISE EXCEPTION 'card_app may CREATE in public'; END IF;
    IF NOT has_schema_privilege('public', 'USAGE') THEN RAISE EXCEPTION 'card_app lacks USAGE on public'; END IF;
END $$;

-- cannot create a table
DO $$
BEGIN
    BEGIN
        CREATE TABLE public.card_app_was_here (x int);
        RAISE EXCEPTION 'card_app could create a table';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- every user-data table has RLS enabled and forced, and card_app may not TRUNCATE it (TRUNCATE
-- ignores RLS)
DO $$
DECLARE
    t text;
    r record;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'sessions', 'projects', 'diagrams', 'entities', 'columns',
        'relationships', 'notes', 'drawings', 'flowcharts', 'entity_changes', 'backups',
        'user_preferences', 'user_ai_configs', 'ai_chat_sessions', 'ai_chat_messages',
        'ai_system_prompts', 'user_ai_rules', 'db_accounts', 'db_catalogs', 'login_throttle',
        'ai_providers', 'ai_models']
    LOOP
        SELECT relrowsecurity, relforcerowsecurity INTO r FROM pg_class WHERE oid = ('public.' || t)::regclass;
        IF NOT r.relrowsecurity THEN RAISE EXCEPTION 'RLS not enabled on %', t; END IF;
        IF NOT r.relforcerowsecurity THEN RAISE EXCEPTION 'RLS not forced on %', t; END IF;
        IF has_table_privilege('public.' || t, 'TRUNCATE') THEN RAISE EXCEPTION 'card_app may TRUNCATE %', t; END IF;
    END LOOP;
    -- and no table in public is left without RLS except the runner's bookkeeping
    FOR r IN SELECT relname FROM pg_class
              WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
                AND NOT relrowsecurity AND relname <> 'schema_migrations'
    LOOP
        RAISE EXCEPTION 'table % has no row-level security', r.relname;
    END LOOP;
END $$;

-- card_app reads and writes the ordinary tables
DO $$
BEGIN
    IF NOT has_table_privilege('public.diagrams', 'SELECT,INSERT,UPDATE,DELETE') THEN
        RAISE EXCEPTION 'card_app lacks DML on diagrams';
    END IF;
    IF NOT has_sequence_privilege('public.diagrams_id_seq', 'USAGE') THEN
        RAISE EXCEPTION 'card_app lacks USAGE on diagrams_id_seq';
    END IF;
END $$;

-- login_throttle is reachable only through the functions
DO $$
BEGIN
    IF has_table_privilege('public.login_throttle', 'SELECT')
       OR has_table_privilege('public.login_throttle', 'INSERT')
       OR has_table_privilege('public.login_throttle', 'UPDATE')
       OR has_table_privilege('public.login_throttle', 'DELETE') THEN
        RAISE EXCEPTION 'card_app has a privilege on login_throttle';
    END IF;
    BEGIN
        PERFORM count(*) FROM public.login_throttle;
        RAISE EXCEPTION 'card_app could select login_throttle';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO public.login_throttle (key) VALUES ('x');
        RAISE EXCEPTION 'card_app could insert into login_throttle';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;

-- no one promotes themselves, and users rows come from card_signup only
DO $$
DECLARE
    uid text;
BEGIN
    IF has_column_privilege('public.users', 'is_super_admin', 'UPDATE') THEN
        RAISE EXCEPTION 'card_app may update users.is_super_admin';
    END IF;
    IF has_table_privilege('public.users', 'INSERT') THEN
        RAISE EXCEPTION 'card_app may insert users';
    END IF;
    SELECT user_id INTO uid FROM sqltest.signup('promote-' || gen_random_uuid() || '@example.test', 'p', 'h');
    PERFORM set_config('app.user_id', uid, true);
    BEGIN
        UPDATE public.users SET is_super_admin = true WHERE id = uid;
        RAISE EXCEPTION 'a user could make themselves super admin';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    -- but may change their own name
    UPDATE public.users SET name = 'renamed' WHERE id = uid;
    IF NOT FOUND THEN RAISE EXCEPTION 'a user could not rename themselves'; END IF;
END $$;

-- transaction-local settings vanish at commit: app.user_id reads back as '' (app_user_id() NULL)
DO $$
BEGIN
    PERFORM set_config('app.user_id', 'someone', true);
    IF app_user_id() IS DISTINCT FROM 'someone' THEN RAISE EXCEPTION 'app_user_id() does not read app.user_id'; END IF;
END $$;
DO $$
BEGIN
    IF current_setting('app.user_id', true) IS DISTINCT FROM '' THEN
        RAISE EXCEPTION 'app.user_id after commit is %, expected empty', current_setting('app.user_id', true);
    END IF;
    IF app_user_id() IS NOT NULL THEN RAISE EXCEPTION 'app_user_id() after commit is not NULL'; END IF;
    IF app_is_super_admin() THEN RAISE EXCEPTION 'app_is_super_admin() true without a user'; END IF;
END $$;

-- schema_migrations (the runner's table) is out of card_app's reach
DO $$
BEGIN
    IF to_regclass('public.schema_migrations') IS NULL THEN
        RAISE EXCEPTION 'run.sh should have created schema_migrations as the runner does';
    END IF;
    IF has_table_privilege('public.schema_migrations', 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE') THEN
        RAISE EXCEPTION 'card_app may write schema_migrations';
    END IF;
END $$;
