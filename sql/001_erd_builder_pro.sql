-- 001_erd_builder_pro.sql — the ERD Builder Pro "Pure PostgreSQL" schema (seed 000, second DDL block),
-- same tables, columns, types, foreign keys and indexes, written so that it is a no-op on a database
-- that ERD Builder Pro already created: every statement is IF NOT EXISTS or guarded in a DO block.
-- Applied by the migration runner inside one transaction as the owner role; no BEGIN/COMMIT here.
-- TablePlus 6.0.0(550)
--
-- Database: erdbuilderpro
-- Generation Time: 2026-06-16 07:09:40.8790
-- -------------------------------------------------------------
CREATE SEQUENCE IF NOT EXISTS ai_chat_messages_id_seq;
CREATE TABLE IF NOT EXISTS "public"."ai_chat_messages" (
"id" int4 NOT NULL DEFAULT nextval('ai_chat_messages_id_seq'::regclass),
"session_id" int4 NOT NULL,
"role" text NOT NULL,
"content" text NOT NULL,
"selection_text" text,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS ai_chat_sessions_id_seq;
CREATE TABLE IF NOT EXISTS "public"."ai_chat_sessions" (
"id" int4 NOT NULL DEFAULT nextval('ai_chat_sessions_id_seq'::regclass),
"uid" text,
"user_id" text,
"project_id" int4,
"title" text DEFAULT 'New Conversation'::text,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"entity_uid" text,
"entity_type" text,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS ai_models_id_seq;
CREATE TABLE IF NOT EXISTS "public"."ai_models" (
"id" int4 NOT NULL DEFAULT nextval('ai_models_id_seq'::regclass),
"provider_id" int4,
"model_identifier" text NOT NULL,
"display_name" text NOT NULL,
"context_window" int4,
"is_active" bool DEFAULT true,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS ai_providers_id_seq;
CREATE TABLE IF NOT EXISTS "public"."ai_providers" (
"id" int4 NOT NULL DEFAULT nextval('ai_providers_id_seq'::regclass),
"name" text NOT NULL,
"code" text NOT NULL,
"base_url" text,
"is_active" bool DEFAULT true,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."ai_system_prompts" (
"id" text NOT NULL,
"name" text NOT NULL,
"content" text NOT NULL,
"category" text NOT NULL DEFAULT 'custom'::text,
"is_default" bool DEFAULT false,
"is_built_in" bool DEFAULT false,
"user_id" text,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."backups" (
"id" text NOT NULL,
"user_id" text,
"name" text NOT NULL,
"status" text NOT NULL DEFAULT 'pending'::text,
"file_path" text,
"file_size" int4,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."columns" (
"id" text NOT NULL,
"entity_id" text,
"name" text NOT NULL,
"type" text NOT NULL,
"is_pk" bool DEFAULT false,
"is_nullable" bool DEFAULT true,
"enum_values" text,
"sort_order" int4 DEFAULT 0,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS db_accounts_id_seq;
CREATE TABLE IF NOT EXISTS "public"."db_accounts" (
"id" int4 NOT NULL DEFAULT nextval('db_accounts_id_seq'::regclass),
"user_id" text NOT NULL,
"name" text NOT NULL,
"type" text NOT NULL,
"host" text,
"port" int4,
"user" text,
"password" text,
"created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS db_catalogs_id_seq;
CREATE TABLE IF NOT EXISTS "public"."db_catalogs" (
"id" int4 NOT NULL DEFAULT nextval('db_catalogs_id_seq'::regclass),
"account_id" int4 NOT NULL,
"database_name" text NOT NULL,
"label" text,
"created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS diagrams_id_seq;
CREATE TABLE IF NOT EXISTS "public"."diagrams" (
"id" int4 NOT NULL DEFAULT nextval('diagrams_id_seq'::regclass),
"uid" text,
"name" text NOT NULL,
"user_id" text,
"project_id" int4,
"is_deleted" bool DEFAULT false,
"deleted_at" timestamp(3),
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"viewport_x" float8 DEFAULT 0,
"viewport_y" float8 DEFAULT 0,
"viewport_zoom" float8 DEFAULT 1.0,
"_version" int4 DEFAULT 0,
"is_public" bool DEFAULT false,
"share_token" text,
"expiry_date" timestamp(3),
"published_at" timestamp(3),
"source_connection_id" int4,
"source_type" text DEFAULT 'blank'::text,
"data" text,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS drawings_id_seq;
CREATE TABLE IF NOT EXISTS "public"."drawings" (
"id" int4 NOT NULL DEFAULT nextval('drawings_id_seq'::regclass),
"uid" text,
"title" text NOT NULL,
"data" text DEFAULT '[]'::text,
"user_id" text,
"project_id" int4,
"is_deleted" bool DEFAULT false,
"deleted_at" timestamp(3),
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"_version" int4 DEFAULT 0,
"is_public" bool DEFAULT false,
"share_token" text,
"expiry_date" timestamp(3),
"published_at" timestamp(3),
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."entities" (
"id" text NOT NULL,
"diagram_id" int4,
"name" text NOT NULL,
"x" float8 NOT NULL,
"y" float8 NOT NULL,
"color" text DEFAULT '#6366f1'::text,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS entity_changes_id_seq;
CREATE TABLE IF NOT EXISTS "public"."entity_changes" (
"id" int4 NOT NULL DEFAULT nextval('entity_changes_id_seq'::regclass),
"entity_type" text NOT NULL,
"entity_id" text NOT NULL,
"version" int4 NOT NULL,
"user_id" text,
"changes" text DEFAULT '{}'::text,
"change_type" text DEFAULT 'update'::text,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS flowcharts_id_seq;
CREATE TABLE IF NOT EXISTS "public"."flowcharts" (
"id" int4 NOT NULL DEFAULT nextval('flowcharts_id_seq'::regclass),
"uid" text,
"title" text NOT NULL,
"data" text DEFAULT '{"nodes":[], "edges":[]}'::text,
"user_id" text,
"project_id" int4,
"is_deleted" bool DEFAULT false,
"deleted_at" timestamp(3),
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"_version" int4 DEFAULT 0,
"is_public" bool DEFAULT false,
"share_token" text,
"expiry_date" timestamp(3),
"published_at" timestamp(3),
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS notes_id_seq;
CREATE TABLE IF NOT EXISTS "public"."notes" (
"id" int4 NOT NULL DEFAULT nextval('notes_id_seq'::regclass),
"uid" text,
"title" text NOT NULL,
"content" text DEFAULT ''::text,
"user_id" text,
"project_id" int4,
"is_deleted" bool DEFAULT false,
"deleted_at" timestamp(3),
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"_version" int4 DEFAULT 0,
"is_public" bool DEFAULT false,
"share_token" text,
"expiry_date" timestamp(3),
"published_at" timestamp(3),
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS projects_id_seq;
CREATE TABLE IF NOT EXISTS "public"."projects" (
"id" int4 NOT NULL DEFAULT nextval('projects_id_seq'::regclass),
"uid" text,
"name" text NOT NULL,
"user_id" text,
"color" text DEFAULT '#6366f1'::text,
"is_deleted" bool DEFAULT false,
"deleted_at" timestamp(3),
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
"_version" int4 DEFAULT 0,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."relationships" (
"id" text NOT NULL,
"diagram_id" int4,
"source_entity_id" text,
"target_entity_id" text,
"source_column_id" text,
"target_column_id" text,
"type" text DEFAULT 'one-to-many'::text,
"source_handle" text,
"target_handle" text,
"label" text,
"created_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."sessions" (
"id" text NOT NULL,
"token" text NOT NULL,
"user_id" text NOT NULL,
"email" text NOT NULL,
"name" text,
"created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE SEQUENCE IF NOT EXISTS user_ai_configs_id_seq;
CREATE TABLE IF NOT EXISTS "public"."user_ai_configs" (
"id" int4 NOT NULL DEFAULT nextval('user_ai_configs_id_seq'::regclass),
"user_id" text NOT NULL,
"provider_id" int4,
"selected_model_id" int4,
"api_key" text,
"is_enabled" bool DEFAULT true,
"updated_at" timestamp(3) DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."user_ai_rules" (
"id" text NOT NULL,
"user_id" text NOT NULL,
"view_type" text NOT NULL,
"content" text NOT NULL DEFAULT ''::text,
"is_enabled" bool NOT NULL DEFAULT true,
"created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."user_preferences" (
"id" text NOT NULL,
"user_id" text NOT NULL,
"backup_folder" text,
"created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);
CREATE TABLE IF NOT EXISTS "public"."users" (
"id" text NOT NULL,
"email" text NOT NULL,
"name" text,
"password" text NOT NULL,
"is_super_admin" bool,
"created_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
"updated_at" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY ("id")
);

-- Foreign Keys (as in the seed). Each is added only when the table has no foreign key on that
-- column yet, whatever its name, so an existing ERD Builder Pro database keeps its own constraints.
-- The names are PostgreSQL's defaults for an unnamed "ADD FOREIGN KEY", i.e. what the seed produces.
DO $fk$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT * FROM (VALUES
    ('ai_chat_messages', 'session_id', 'ai_chat_sessions', 'id', 'CASCADE'),
    ('ai_chat_sessions', 'user_id', 'users', 'id', 'SET NULL'),
    ('ai_chat_sessions', 'project_id', 'projects', 'id', 'SET NULL'),
    ('ai_models', 'provider_id', 'ai_providers', 'id', 'CASCADE'),
    ('ai_system_prompts', 'user_id', 'users', 'id', 'SET NULL'),
    ('backups', 'user_id', 'users', 'id', 'CASCADE'),
    ('columns', 'entity_id', 'entities', 'id', 'CASCADE'),
    ('db_catalogs', 'account_id', 'db_accounts', 'id', 'CASCADE'),
    ('diagrams', 'user_id', 'users', 'id', 'SET NULL'),
    ('diagrams', 'project_id', 'projects', 'id', 'SET NULL'),
    ('drawings', 'project_id', 'projects', 'id', 'SET NULL'),
    ('drawings', 'user_id', 'users', 'id', 'SET NULL'),
    ('entities', 'diagram_id', 'diagrams', 'id', 'CASCADE'),
    ('entity_changes', 'user_id', 'users', 'id', 'SET NULL'),
    ('flowcharts', 'user_id', 'users', 'id', 'SET NULL'),
    ('flowcharts', 'project_id', 'projects', 'id', 'SET NULL'),
    ('notes', 'project_id', 'projects', 'id', 'SET NULL'),
    ('notes', 'user_id', 'users', 'id', 'SET NULL'),
    ('projects', 'user_id', 'users', 'id', 'SET NULL'),
    ('relationships', 'source_entity_id', 'entities', 'id', 'CASCADE'),
    ('relationships', 'target_entity_id', 'entities', 'id', 'CASCADE'),
    ('relationships', 'diagram_id', 'diagrams', 'id', 'CASCADE'),
    ('sessions', 'user_id', 'users', 'id', 'CASCADE'),
    ('user_ai_configs', 'provider_id', 'ai_providers', 'id', 'CASCADE'),
    ('user_ai_configs', 'selected_model_id', 'ai_models', 'id', 'SET NULL'),
    ('user_ai_configs', 'user_id', 'users', 'id', 'CASCADE'),
    ('user_ai_rules', 'user_id', 'users', 'id', 'CASCADE'),
    ('user_preferences', 'user_id', 'users', 'id', 'CASCADE')
        ) AS v(tbl, col, reftbl, refcol, on_delete)
    LOOP
        IF NOT EXISTS (
            SELECT 1
              FROM pg_constraint c
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f'
               AND c.conrelid = format('public.%I', r.tbl)::regclass
               AND cardinality(c.conkey) = 1
               AND a.attname = r.col
        ) THEN
            EXECUTE format('ALTER TABLE public.%I ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES public.%I (%I) ON DELETE %s',
                           r.tbl, r.tbl || '_' || r.col || '_fkey', r.col, r.reftbl, r.refcol, r.on_delete);
        END IF;
    END LOOP;
END
$fk$;

-- Indices (as in the seed)
CREATE UNIQUE INDEX IF NOT EXISTS ai_chat_sessions_uid_key ON public.ai_chat_sessions USING btree (uid);
CREATE INDEX IF NOT EXISTS idx_ai_chat_sessions_entity ON public.ai_chat_sessions USING btree (entity_type, entity_uid);
CREATE INDEX IF NOT EXISTS idx_ai_chat_sessions_project_id ON public.ai_chat_sessions USING btree (project_id);
CREATE UNIQUE INDEX IF NOT EXISTS ai_providers_code_key ON public.ai_providers USING btree (code);
CREATE INDEX IF NOT EXISTS idx_db_accounts_user ON public.db_accounts USING btree (user_id);
CREATE INDEX IF NOT EXISTS idx_db_catalogs_account ON public.db_catalogs USING btree (account_id);
CREATE UNIQUE INDEX IF NOT EXISTS diagrams_uid_key ON public.diagrams USING btree (uid);
CREATE INDEX IF NOT EXISTS idx_diagrams_project_deleted ON public.diagrams USING btree (project_id, is_deleted);
CREATE INDEX IF NOT EXISTS idx_diagrams_updated_at ON public.diagrams USING btree (updated_at);
CREATE INDEX IF NOT EXISTS idx_diagrams_version ON public.diagrams USING btree (_version);
CREATE UNIQUE INDEX IF NOT EXISTS drawings_uid_key ON public.drawings USING btree (uid);
CREATE INDEX IF NOT EXISTS idx_drawings_project_deleted ON public.drawings USING btree (project_id, is_deleted);
CREATE INDEX IF NOT EXISTS idx_drawings_updated_at ON public.drawings USING btree (updated_at);
CREATE INDEX IF NOT EXISTS idx_drawings_version ON public.drawings USING btree (_version);
CREATE INDEX IF NOT EXISTS idx_entity_changes_lookup ON public.entity_changes USING btree (entity_type, entity_id, version);
CREATE INDEX IF NOT EXISTS idx_entity_changes_retention ON public.entity_changes USING btree (created_at);
CREATE INDEX IF NOT EXISTS idx_entity_changes_user ON public.entity_changes USING btree (user_id, created_at);
CREATE UNIQUE INDEX IF NOT EXISTS flowcharts_uid_key ON public.flowcharts USING btree (uid);
CREATE INDEX IF NOT EXISTS idx_flowcharts_project_deleted ON public.flowcharts USING btree (project_id, is_deleted);
CREATE INDEX IF NOT EXISTS idx_flowcharts_updated_at ON public.flowcharts USING btree (updated_at);
CREATE INDEX IF NOT EXISTS idx_flowcharts_version ON public.flowcharts USING btree (_version);
CREATE UNIQUE INDEX IF NOT EXISTS notes_uid_key ON public.notes USING btree (uid);
CREATE INDEX IF NOT EXISTS idx_notes_project_deleted ON public.notes USING btree (project_id, is_deleted);
CREATE INDEX IF NOT EXISTS idx_notes_updated_at ON public.notes USING btree (updated_at);
CREATE INDEX IF NOT EXISTS idx_notes_version ON public.notes USING btree (_version);
CREATE UNIQUE INDEX IF NOT EXISTS projects_uid_key ON public.projects USING btree (uid);
CREATE INDEX IF NOT EXISTS idx_projects_user_deleted ON public.projects USING btree (user_id, is_deleted);
CREATE INDEX IF NOT EXISTS idx_projects_updated_at ON public.projects USING btree (updated_at);
CREATE UNIQUE INDEX IF NOT EXISTS sessions_token_key ON public.sessions USING btree (token);
CREATE INDEX IF NOT EXISTS sessions_token_idx ON public.sessions USING btree (token);
CREATE UNIQUE INDEX IF NOT EXISTS user_ai_configs_user_id_provider_id_key ON public.user_ai_configs USING btree (user_id, provider_id);
CREATE UNIQUE INDEX IF NOT EXISTS user_ai_rules_user_id_view_type_key ON public.user_ai_rules USING btree (user_id, view_type);
CREATE UNIQUE INDEX IF NOT EXISTS user_preferences_user_id_key ON public.user_preferences USING btree (user_id);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key ON public.users USING btree (email);

-- Sequences belong to their id columns (as SERIAL would make them), so they follow the table.
-- Only when the id column's default uses that sequence and nothing owns it yet.
DO $seq$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ai_chat_messages', 'ai_chat_sessions', 'ai_models', 'ai_providers', 'db_accounts', 'db_catalogs', 'diagrams', 'drawings', 'entity_changes', 'flowcharts', 'notes', 'projects', 'user_ai_configs']
    LOOP
        IF pg_get_serial_sequence(format('public.%I', t), 'id') IS NULL
           AND EXISTS (SELECT 1
                         FROM pg_attrdef d
                        WHERE d.adrelid = format('public.%I', t)::regclass
                          AND d.adnum = (SELECT attnum FROM pg_attribute
                                          WHERE attrelid = d.adrelid AND attname = 'id')
                          AND pg_get_expr(d.adbin, d.adrelid) LIKE '%' || t || '_id_seq%')
        THEN
            EXECUTE format('ALTER SEQUENCE public.%I OWNED BY public.%I.id', t || '_id_seq', t);
        END IF;
    END LOOP;
END
$seq$;
