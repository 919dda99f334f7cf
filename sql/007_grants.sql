-- 007_grants.sql — what the application role card_app may do: read and write rows (row-level
-- security decides which) of every table but login_throttle, use the sequences, own nothing, create
-- nothing. Default privileges make tables and sequences that later migrations add reachable too.

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO card_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO card_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO card_app;

-- Reachable only through the card_login_* functions (006).
REVOKE ALL ON public.login_throttle FROM card_app, PUBLIC;

-- users: rows are created by card_signup only, and no one promotes themselves: card_app may update
-- only these columns (not id, not is_super_admin).
REVOKE INSERT, UPDATE ON public.users FROM card_app;
GRANT UPDATE (email, name, password, updated_at, deleted_at, password_changed_at) ON public.users TO card_app;

-- The migration runner's bookkeeping table is none of the application's business.
DO $mig$
BEGIN
    IF to_regclass('public.schema_migrations') IS NOT NULL THEN
        REVOKE ALL ON public.schema_migrations FROM card_app, PUBLIC;
    END IF;
END
$mig$;

-- Tables and sequences created later by this (owner) role get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO card_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO card_app;
