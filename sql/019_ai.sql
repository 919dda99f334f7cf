-- 019_ai.sql — the AI assistant's configuration and accounting (issue 13): seed 000's AI seed data
-- (providers and models as in 008, default rules per view, a built-in default system prompt),
-- prices per model, each provider's wire format, the key's hint and "verified" flag (seed 004's
-- key_store idea kept on user_ai_configs), per-message accounting on ai_chat_messages and per-chat
-- totals (seed 002), votes on answers, per-user and instance limits, the monthly budget, and one
-- usage row per provider request.  Additive and idempotent: columns are added nullable or with a
-- default, seed rows only where missing, existing values never overwritten.

-- ---- catalogue: wire format per provider, prices per model --------------------------------------
ALTER TABLE public.ai_providers ADD COLUMN IF NOT EXISTS wire text;
DO $c$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ai_providers_wire_check') THEN
        ALTER TABLE public.ai_providers ADD CONSTRAINT ai_providers_wire_check
            CHECK (wire IS NULL OR wire IN ('openai', 'gemini'));
    END IF;
END $c$;
-- NULL reads as: 'gemini' for the provider coded gemini, else OpenAI Chat Completions.
UPDATE public.ai_providers SET wire = CASE WHEN code = 'gemini' THEN 'gemini' ELSE 'openai' END
 WHERE wire IS NULL;

-- USD per million tokens; NULL = not priced (costs 0).
ALTER TABLE public.ai_models ADD COLUMN IF NOT EXISTS input_price numeric(15,6);
ALTER TABLE public.ai_models ADD COLUMN IF NOT EXISTS output_price numeric(15,6);
ALTER TABLE public.ai_models ADD COLUMN IF NOT EXISTS updated_at timestamp(3) DEFAULT CURRENT_TIMESTAMP;
DO $c$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ai_models_prices_check') THEN
        ALTER TABLE public.ai_models ADD CONSTRAINT ai_models_prices_check
            CHECK ((input_price IS NULL OR input_price >= 0) AND (output_price IS NULL OR output_price >= 0));
    END IF;
END $c$;
-- One row per (provider, identifier): what PUT /api/admin/models/{provider}/{model} names.  An
-- older database may hold duplicates (the seed's own INSERT had no key to conflict on): then the
-- index waits, and the application still updates every duplicate alike.
DO $c$
BEGIN
    IF to_regclass('public.ai_models_provider_identifier_key') IS NULL
       AND NOT EXISTS (SELECT 1 FROM public.ai_models GROUP BY provider_id, model_identifier
                        HAVING count(*) > 1) THEN
        CREATE UNIQUE INDEX ai_models_provider_identifier_key ON public.ai_models (provider_id, model_identifier);
    END IF;
END $c$;

-- The seed's providers and models (a no-op where 008 or ERD Builder Pro put them already).
INSERT INTO public.ai_providers (name, code, base_url, wire) VALUES
    ('OpenAI', 'openai', 'https://api.openai.com/v1', 'openai'),
    ('Google Gemini', 'gemini', NULL, 'gemini'),
    ('OpenAI Compatible', 'openai_compatible', 'https://ai.paas.id', 'openai')
ON CONFLICT (code) DO NOTHING;
INSERT INTO public.ai_models (provider_id, model_identifier, display_name)
SELECT p.id, v.model_identifier, v.display_name
  FROM (VALUES
        ('openai', 'gpt-4o', 'GPT-4o (Smartest)'),
        ('openai', 'gpt-4o-mini', 'GPT-4o Mini (Fast)'),
        ('gemini', 'gemini-1.5-pro', 'Gemini 1.5 Pro'),
        ('gemini', 'gemini-1.5-flash', 'Gemini 1.5 Flash')
       ) AS v(code, model_identifier, display_name)
  JOIN public.ai_providers p ON p.code = v.code
 WHERE NOT EXISTS (SELECT 1 FROM public.ai_models m
                    WHERE m.provider_id = p.id AND m.model_identifier = v.model_identifier);
-- Their published list prices and context windows, only where none is set yet.
UPDATE public.ai_models m
   SET input_price = COALESCE(m.input_price, v.inp), output_price = COALESCE(m.output_price, v.outp),
       context_window = COALESCE(m.context_window, v.ctx)
  FROM (VALUES ('openai', 'gpt-4o', 2.5, 10.0, 128000),
               ('openai', 'gpt-4o-mini', 0.15, 0.6, 128000),
               ('gemini', 'gemini-1.5-pro', 1.25, 5.0, 2097152),
               ('gemini', 'gemini-1.5-flash', 0.075, 0.3, 1048576)) AS v(code, ident, inp, outp, ctx)
  JOIN public.ai_providers p ON p.code = v.code
 WHERE m.provider_id = p.id AND m.model_identifier = v.ident
   AND (m.input_price IS NULL OR m.output_price IS NULL OR m.context_window IS NULL);

-- ---- a user's key per provider -----------------------------------------------------------------
-- api_key holds "v1:…" (fcgi/secret.h, sealed for "user_ai_configs:<id>:api_key"); plaintext left
-- by another writer is sealed by the master at start-up (ai_config_seal_plaintext).
ALTER TABLE public.user_ai_configs ADD COLUMN IF NOT EXISTS api_key_hint text;
ALTER TABLE public.user_ai_configs ADD COLUMN IF NOT EXISTS verified boolean NOT NULL DEFAULT false;
ALTER TABLE public.user_ai_configs ADD COLUMN IF NOT EXISTS verified_at timestamp(3);
ALTER TABLE public.user_ai_configs ADD COLUMN IF NOT EXISTS last_test_message text;

-- ---- rules per view: the defaults, seeded for every user ---------------------------------------
CREATE TABLE IF NOT EXISTS public.ai_rule_defaults (
    view_type text PRIMARY KEY CHECK (view_type IN ('erd', 'notes', 'flowchart')),
    content text NOT NULL
);
INSERT INTO public.ai_rule_defaults (view_type, content) VALUES
    ('erd', E'- Each table must have created_at and updated_at columns with TIMESTAMP type.\n- Use snake_case for all table and column naming.\n- Every table must have a PRIMARY KEY named id with BIGSERIAL type.\n- Use consistent FOREIGN KEY with column names ending in _id.\n- Avoid ENUM — use VARCHAR with CHECK constraint instead.\n- Add a deleted_at column for soft delete on master tables.'),
    ('notes', E'- Write notes in a clear structured format.\n- Use headings, bullet points, and code blocks.\n- Each note should have a summary at the beginning.'),
    ('flowchart', E'- Use short, clear labels (max 3 words per symbol).\n- Every diagram must have at least one Start and one End node.\n- Use descriptive names for each branch (decision label).')
ON CONFLICT (view_type) DO NOTHING;
-- Existing users get them now (new users when they first open Settings → AI or chat).
INSERT INTO public.user_ai_rules (id, user_id, view_type, content, is_enabled)
SELECT gen_random_uuid()::text, u.id, d.view_type, d.content, true
  FROM public.users u CROSS JOIN public.ai_rule_defaults d
ON CONFLICT (user_id, view_type) DO NOTHING;

-- ---- system prompts: one built-in default, at most one default of one's own -------------------
INSERT INTO public.ai_system_prompts (id, name, content, category, is_default, is_built_in, user_id)
VALUES ('builtin-default', 'Cardinality assistant',
        E'You are the assistant of Cardinality, a database design workspace. Answer clearly and concisely. '
        'When you propose a change to an ERD, give it as PostgreSQL DDL in one ```sql block. '
        'When you propose a note, write Markdown. When you propose a flowchart, list its nodes and edges.',
        'system', true, true, NULL)
ON CONFLICT (id) DO NOTHING;

-- Making a prompt the default clears the other defaults of the same owner (NULL: the global ones).
CREATE OR REPLACE FUNCTION public.ai_system_prompts_single_default() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.is_default IS TRUE THEN
        UPDATE public.ai_system_prompts SET is_default = false
         WHERE id <> NEW.id AND user_id IS NOT DISTINCT FROM NEW.user_id AND is_default IS TRUE;
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS ai_system_prompts_single_default ON public.ai_system_prompts;
CREATE TRIGGER ai_system_prompts_single_default BEFORE INSERT OR UPDATE OF is_default
    ON public.ai_system_prompts FOR EACH ROW EXECUTE FUNCTION public.ai_system_prompts_single_default();
DO $c$
BEGIN
    IF to_regclass('public.ai_system_prompts_one_default') IS NULL
       AND NOT EXISTS (SELECT 1 FROM public.ai_system_prompts WHERE is_default IS TRUE
                        GROUP BY COALESCE(user_id, '') HAVING count(*) > 1) THEN
        CREATE UNIQUE INDEX ai_system_prompts_one_default ON public.ai_system_prompts (COALESCE(user_id, ''))
            WHERE is_default IS TRUE;
    END IF;
END $c$;

-- ---- chat accounting (seed 002): per message, per chat, votes ---------------------------------
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS provider_code text;
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS model text;
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS input_tokens integer;
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS output_tokens integer;
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS cost numeric(20,8);
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS duration_ms integer;
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS status text;
ALTER TABLE public.ai_chat_messages ADD COLUMN IF NOT EXISTS estimated boolean NOT NULL DEFAULT false;
DO $c$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ai_chat_messages_status_check') THEN
        ALTER TABLE public.ai_chat_messages ADD CONSTRAINT ai_chat_messages_status_check
            CHECK (status IS NULL OR status IN ('complete', 'partial', 'failed'));
    END IF;
END $c$;

ALTER TABLE public.ai_chat_sessions ADD COLUMN IF NOT EXISTS total_input_tokens bigint NOT NULL DEFAULT 0;
ALTER TABLE public.ai_chat_sessions ADD COLUMN IF NOT EXISTS total_output_tokens bigint NOT NULL DEFAULT 0;
ALTER TABLE public.ai_chat_sessions ADD COLUMN IF NOT EXISTS total_cost numeric(20,8) NOT NULL DEFAULT 0;

-- A chat's totals follow its messages (inserted, re-counted when a partial answer completes, deleted).
CREATE OR REPLACE FUNCTION public.ai_chat_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d_in bigint := 0; d_out bigint := 0; d_cost numeric := 0; sid integer;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d_in := d_in - COALESCE(OLD.input_tokens, 0);
        d_out := d_out - COALESCE(OLD.output_tokens, 0);
        d_cost := d_cost - COALESCE(OLD.cost, 0);
        sid := OLD.session_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        d_in := d_in + COALESCE(NEW.input_tokens, 0);
        d_out := d_out + COALESCE(NEW.output_tokens, 0);
        d_cost := d_cost + COALESCE(NEW.cost, 0);
        sid := NEW.session_id;
    END IF;
    IF d_in <> 0 OR d_out <> 0 OR d_cost <> 0 THEN
        UPDATE public.ai_chat_sessions
           SET total_input_tokens = GREATEST(total_input_tokens + d_in, 0),
               total_output_tokens = GREATEST(total_output_tokens + d_out, 0),
               total_cost = GREATEST(total_cost + d_cost, 0)
         WHERE id = sid;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS ai_chat_totals ON public.ai_chat_messages;
CREATE TRIGGER ai_chat_totals AFTER INSERT OR UPDATE OF input_tokens, output_tokens, cost OR DELETE
    ON public.ai_chat_messages FOR EACH ROW EXECUTE FUNCTION public.ai_chat_totals();

CREATE TABLE IF NOT EXISTS public.ai_message_votes (
    message_id integer PRIMARY KEY REFERENCES public.ai_chat_messages (id) ON DELETE CASCADE,
    session_id integer NOT NULL REFERENCES public.ai_chat_sessions (id) ON DELETE CASCADE,
    is_upvoted boolean NOT NULL,
    created_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_ai_message_votes_session ON public.ai_message_votes (session_id);

-- ---- limits and budget -----------------------------------------------------------------------
-- The instance's defaults (one row) and monthly budget in USD; NULL = no limit.
CREATE TABLE IF NOT EXISTS public.ai_settings (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    requests_per_hour integer CHECK (requests_per_hour >= 0),
    requests_per_day integer CHECK (requests_per_day >= 0),
    tokens_per_hour bigint CHECK (tokens_per_hour >= 0),
    tokens_per_day bigint CHECK (tokens_per_day >= 0),
    monthly_budget numeric(15,2) CHECK (monthly_budget >= 0),
    updated_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO public.ai_settings (id) VALUES (true) ON CONFLICT (id) DO NOTHING;

-- A user's own limits; a NULL column takes the instance default.
CREATE TABLE IF NOT EXISTS public.ai_user_limits (
    user_id text PRIMARY KEY REFERENCES public.users (id) ON DELETE CASCADE,
    requests_per_hour integer CHECK (requests_per_hour >= 0),
    requests_per_day integer CHECK (requests_per_day >= 0),
    tokens_per_hour bigint CHECK (tokens_per_hour >= 0),
    tokens_per_day bigint CHECK (tokens_per_day >= 0),
    updated_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- ---- usage: one row per provider request --------------------------------------------------------
-- Kept when the account goes (user_id set NULL) so the month's cost stays whole.
CREATE TABLE IF NOT EXISTS public.ai_usage (
    id bigserial PRIMARY KEY,
    user_id text REFERENCES public.users (id) ON DELETE SET NULL,
    provider_code text NOT NULL,
    model_identifier text NOT NULL,
    session_uid text,
    message_id integer,
    input_tokens integer NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens integer NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cost numeric(20,8) NOT NULL DEFAULT 0 CHECK (cost >= 0),
    estimated boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'partial', 'failed')),
    duration_ms integer,
    created_at timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX IF NOT EXISTS idx_ai_usage_user_time ON public.ai_usage (user_id, created_at);
CREATE INDEX IF NOT EXISTS idx_ai_usage_time ON public.ai_usage (created_at);

-- The whole instance's cost this UTC calendar month (every user's rows, which no user's policy
-- shows): what the monthly budget is checked against.
CREATE OR REPLACE FUNCTION public.ai_month_cost()
RETURNS numeric
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT COALESCE(sum(cost), 0) FROM public.ai_usage
     WHERE created_at >= date_trunc('month', now() AT TIME ZONE 'UTC')
$$;
REVOKE ALL ON FUNCTION public.ai_month_cost() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.ai_month_cost() TO card_app;

-- The users a super admin sets limits for (id, e-mail, name); nothing for anyone else.
CREATE OR REPLACE FUNCTION public.ai_admin_users()
RETURNS TABLE (id text, email text, name text)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT u.id, u.email, u.name FROM public.users u
     WHERE public.app_is_super_admin() AND u.deleted_at IS NULL
     ORDER BY u.created_at, u.id
$$;
REVOKE ALL ON FUNCTION public.ai_admin_users() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.ai_admin_users() TO card_app;

-- ---- row-level security -------------------------------------------------------------------------
DO $rls$
DECLARE
    t text;
    p record;
BEGIN
    FOREACH t IN ARRAY ARRAY['ai_rule_defaults', 'ai_message_votes', 'ai_settings', 'ai_user_limits', 'ai_usage']
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

    -- defaults and instance settings: read by every signed-in user (a share page's transaction,
    -- which has none, reads nothing), written by super admins
    FOREACH t IN ARRAY ARRAY['ai_rule_defaults', 'ai_settings']
    LOOP
        EXECUTE format('CREATE POLICY read_signed_in ON public.%I FOR SELECT USING (public.app_user_id() IS NOT NULL)', t);
        EXECUTE format('CREATE POLICY admin_update ON public.%I FOR UPDATE USING (public.app_is_super_admin())'
                       ' WITH CHECK (public.app_is_super_admin())', t);
    END LOOP;

    -- votes follow their conversation
    CREATE POLICY own_rows ON public.ai_message_votes
        USING (EXISTS (SELECT 1 FROM public.ai_chat_sessions s
                        WHERE s.id = ai_message_votes.session_id AND s.user_id = public.app_user_id()))
        WITH CHECK (EXISTS (SELECT 1 FROM public.ai_chat_sessions s JOIN public.ai_chat_messages m
                                ON m.session_id = s.id
                             WHERE s.id = ai_message_votes.session_id AND m.id = ai_message_votes.message_id
                               AND s.user_id = public.app_user_id()));

    -- limits: one's own readable; super admins read and write all
    CREATE POLICY own_read ON public.ai_user_limits FOR SELECT USING (user_id = public.app_user_id());
    CREATE POLICY admin_all ON public.ai_user_limits
        USING (public.app_is_super_admin()) WITH CHECK (public.app_is_super_admin());

    -- usage: one's own rows readable and appended; super admins read all; nobody rewrites them
    CREATE POLICY own_read ON public.ai_usage FOR SELECT USING (user_id = public.app_user_id());
    CREATE POLICY own_insert ON public.ai_usage FOR INSERT WITH CHECK (user_id = public.app_user_id());
    CREATE POLICY admin_read ON public.ai_usage FOR SELECT USING (public.app_is_super_admin());

    -- system prompts: built-in rows are read-only for the application, super admins included
    DROP POLICY IF EXISTS builtin_readonly_update ON public.ai_system_prompts;
    DROP POLICY IF EXISTS builtin_readonly_delete ON public.ai_system_prompts;
    DROP POLICY IF EXISTS builtin_readonly_insert ON public.ai_system_prompts;
    CREATE POLICY builtin_readonly_insert ON public.ai_system_prompts AS RESTRICTIVE FOR INSERT TO card_app
        WITH CHECK (is_built_in IS NOT TRUE);
    CREATE POLICY builtin_readonly_update ON public.ai_system_prompts AS RESTRICTIVE FOR UPDATE TO card_app
        USING (is_built_in IS NOT TRUE) WITH CHECK (is_built_in IS NOT TRUE);
    CREATE POLICY builtin_readonly_delete ON public.ai_system_prompts AS RESTRICTIVE FOR DELETE TO card_app
        USING (is_built_in IS NOT TRUE);
END
$rls$;

-- ---- grants (007's default privileges gave card_app all four on the new tables) ---------------
REVOKE UPDATE, DELETE ON public.ai_usage FROM card_app;
REVOKE INSERT, DELETE ON public.ai_settings FROM card_app;
REVOKE INSERT, UPDATE, DELETE ON public.ai_rule_defaults FROM card_app;
