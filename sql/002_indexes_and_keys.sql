-- 002_indexes_and_keys.sql — indexes the ERD Builder Pro Supabase schema has and Pure lacks, plus the
-- indexes Cardinality's own queries need (file lists per user, share-link lookups, session purges).
-- Additive only: every index is IF NOT EXISTS and non-unique, so existing ERD Builder Pro data is fine.

-- ERD children are always read per diagram / per entity (columns in sort_order).
CREATE INDEX IF NOT EXISTS idx_entities_diagram_id ON public.entities USING btree (diagram_id);
CREATE INDEX IF NOT EXISTS idx_columns_entity_sort ON public.columns USING btree (entity_id, sort_order);
CREATE INDEX IF NOT EXISTS idx_relationships_diagram_id ON public.relationships USING btree (diagram_id);
-- Deleting an entity cascades to relationships through these two columns.
CREATE INDEX IF NOT EXISTS idx_relationships_source_entity ON public.relationships USING btree (source_entity_id);
CREATE INDEX IF NOT EXISTS idx_relationships_target_entity ON public.relationships USING btree (target_entity_id);

-- History of one file (Supabase block has it).
CREATE INDEX IF NOT EXISTS idx_entity_changes_entity_id ON public.entity_changes USING btree (entity_id);

-- Sessions: per-user listing/logout-everywhere, and the cascade from users.
CREATE INDEX IF NOT EXISTS idx_sessions_user_id ON public.sessions USING btree (user_id);

-- Login by e-mail is case-insensitive (card_login_lookup, card_signup).
CREATE INDEX IF NOT EXISTS idx_users_email_lower ON public.users USING btree (lower(btrim(email)));

-- The dashboard: a user's live files, newest first.
CREATE INDEX IF NOT EXISTS idx_projects_user_deleted_updated ON public.projects USING btree (user_id, is_deleted, updated_at DESC);
CREATE INDEX IF NOT EXISTS idx_diagrams_user_deleted_updated ON public.diagrams USING btree (user_id, is_deleted, updated_at DESC);
CREATE INDEX IF NOT EXISTS idx_notes_user_deleted_updated ON public.notes USING btree (user_id, is_deleted, updated_at DESC);
CREATE INDEX IF NOT EXISTS idx_drawings_user_deleted_updated ON public.drawings USING btree (user_id, is_deleted, updated_at DESC);
CREATE INDEX IF NOT EXISTS idx_flowcharts_user_deleted_updated ON public.flowcharts USING btree (user_id, is_deleted, updated_at DESC);

-- Share pages look a file up by its token. Not unique: ERD Builder Pro data may hold duplicates.
CREATE INDEX IF NOT EXISTS idx_diagrams_share_token ON public.diagrams USING btree (share_token) WHERE share_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_notes_share_token ON public.notes USING btree (share_token) WHERE share_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_drawings_share_token ON public.drawings USING btree (share_token) WHERE share_token IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_flowcharts_share_token ON public.flowcharts USING btree (share_token) WHERE share_token IS NOT NULL;

-- AI chat: a user's conversations; models per provider.
CREATE INDEX IF NOT EXISTS idx_ai_chat_sessions_user ON public.ai_chat_sessions USING btree (user_id, updated_at DESC);
CREATE INDEX IF NOT EXISTS idx_ai_chat_messages_session ON public.ai_chat_messages USING btree (session_id, created_at);
CREATE INDEX IF NOT EXISTS idx_ai_models_provider ON public.ai_models USING btree (provider_id);

-- db_accounts.user_id has no foreign key in Pure. Added NOT VALID: enforced for new and changed rows,
-- never checked against rows an ERD Builder Pro database already holds (so it cannot fail to apply).
DO $fk$
BEGIN
    IF NOT EXISTS (
        SELECT 1
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f'
           AND c.conrelid = 'public.db_accounts'::regclass
           AND cardinality(c.conkey) = 1
           AND a.attname = 'user_id'
    ) THEN
        ALTER TABLE public.db_accounts
            ADD CONSTRAINT db_accounts_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES public.users (id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$fk$;
