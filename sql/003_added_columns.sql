-- 003_added_columns.sql — columns and tables Cardinality needs beyond the ERD Builder Pro schema.
-- Additive only: every new column is nullable or has a default, so ERD Builder Pro keeps working.

-- Sessions: idle expiry and the per-session CSRF secret.
ALTER TABLE public.sessions ADD COLUMN IF NOT EXISTS last_seen_at timestamp(3);
ALTER TABLE public.sessions ADD COLUMN IF NOT EXISTS csrf_secret text;

-- ERD details the editor can record.
ALTER TABLE public.columns ADD COLUMN IF NOT EXISTS default_value text;
ALTER TABLE public.columns ADD COLUMN IF NOT EXISTS is_unique bool DEFAULT false;
ALTER TABLE public.columns ADD COLUMN IF NOT EXISTS comment text;
ALTER TABLE public.entities ADD COLUMN IF NOT EXISTS comment text;
ALTER TABLE public.relationships ADD COLUMN IF NOT EXISTS on_delete text;
ALTER TABLE public.relationships ADD COLUMN IF NOT EXISTS on_update text;

-- Users: soft delete, and the moment the password last changed (older sessions are refused).
ALTER TABLE public.users ADD COLUMN IF NOT EXISTS deleted_at timestamp(3);
ALTER TABLE public.users ADD COLUMN IF NOT EXISTS password_changed_at timestamp(3);

-- Failed logins per key (e.g. 'ip:…' or 'email:…'), used to slow down password guessing.
-- Only reachable through the card_login_* functions of 006; card_app has no privilege on it.
CREATE TABLE IF NOT EXISTS public.login_throttle (
    key          text PRIMARY KEY,
    failures     int NOT NULL DEFAULT 0,
    last_failure timestamptz
);
