-- 041_erd_children_policies_scale.sql — the policies of a diagram's rows (entities,
-- relationships, columns), of files' history and of chats' messages cost what the caller can
-- see, not what the instance holds.
--
-- sql/021's children policies asked "is the row's diagram among the project diagrams
-- (SELECT d.id FROM diagrams d WHERE d.project_id IS NOT NULL)", leaving the diagrams' own
-- policies to keep the readable ones: PostgreSQL computes such an uncorrelated IN once per
-- statement by reading every project diagram of the instance (and, for columns, every entity of
-- them) through those policies.  Loading one 20-table diagram with 20,000 other diagrams and
-- 400,000 tables in the instance took 340–590 ms for its columns (EXPLAIN ANALYZE: a sequential
-- scan of all 400,000 entities, each through the entities' policies); every autosave's
-- inserts, updates and deletes of columns paid the same in the restrictive policies.
--
-- Here each subquery starts from the caller's own diagrams, the projects app_project_ids()
-- names, or the share token, through indexes: a set is given as `x = ANY (ARRAY(subquery))`,
-- computed once and looked up in the index on x (the diagrams by project_id, the entities by
-- diagram_id), never a join the planner could answer by scanning the whole table.  Who sees and writes what is unchanged:
-- for a signed-in caller the project diagrams its diagrams policies show are exactly those of
-- app_project_ids(false) (team_only_read), and an anonymous caller (a share link) reaches a
-- diagram's rows through shared_read, never through project_read, and writes none (own_rows and
-- project_write need a user); tests/sql/test_12_team_roles and test_03_sharing check both,
-- test_20 the cost.  Idempotent (DROP POLICY IF EXISTS, then CREATE).
DO $$
DECLARE
    t text;
    p text;
    -- the caller's readable / writable project diagrams, its own, the one the share token names
    rd text := '(SELECT d.id FROM public.diagrams d WHERE d.project_id = ANY (ARRAY(SELECT public.app_project_ids(false))))';
    wd text := '(SELECT d.id FROM public.diagrams d WHERE d.project_id = ANY (ARRAY(SELECT public.app_project_ids(true))))';
    od text := '(SELECT d.id FROM public.diagrams d WHERE d.user_id = public.app_user_id())';
    sd text := '(SELECT d.id FROM public.diagrams d WHERE d.is_public IS TRUE AND d.share_token IS NOT NULL'
        || ' AND d.share_token = public.app_share_token()'
        || ' AND (d.expiry_date IS NULL OR d.expiry_date > now()) AND d.is_deleted IS NOT TRUE)';
    -- the entities of such a set of diagrams, by index
    ent text := '(SELECT e.id FROM public.entities e WHERE e.diagram_id = ANY (ARRAY%s))';
BEGIN
    FOREACH t IN ARRAY ARRAY['entities', 'relationships', 'columns']
    LOOP
        FOREACH p IN ARRAY ARRAY['own_rows', 'shared_read', 'project_read', 'project_write',
                                 'team_only_insert', 'team_only_update', 'team_only_delete']
        LOOP
            EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', p, t);
        END LOOP;
    END LOOP;

    FOREACH t IN ARRAY ARRAY['entities', 'relationships']
    LOOP
        EXECUTE format('CREATE POLICY own_rows ON public.%I USING (diagram_id IN %s)'
                       ' WITH CHECK (diagram_id IN %s)', t, od, od);
        EXECUTE format('CREATE POLICY shared_read ON public.%I FOR SELECT USING (diagram_id IN %s)', t, sd);
        EXECUTE format('CREATE POLICY project_read ON public.%I FOR SELECT USING (diagram_id IN %s)', t, rd);
        EXECUTE format('CREATE POLICY project_write ON public.%I USING (diagram_id IN %s)'
                       ' WITH CHECK (diagram_id IN %s)', t, wd, wd);
        -- a viewer who authored the diagram cannot write its rows either
        EXECUTE format('CREATE POLICY team_only_insert ON public.%I AS RESTRICTIVE FOR INSERT TO card_app'
                       ' WITH CHECK (diagram_id NOT IN %s OR diagram_id IN %s)', t, rd, wd);
        EXECUTE format('CREATE POLICY team_only_update ON public.%I AS RESTRICTIVE FOR UPDATE TO card_app'
                       ' USING (diagram_id NOT IN %s OR diagram_id IN %s)', t, rd, wd);
        EXECUTE format('CREATE POLICY team_only_delete ON public.%I AS RESTRICTIVE FOR DELETE TO card_app'
                       ' USING (diagram_id NOT IN %s OR diagram_id IN %s)', t, rd, wd);
    END LOOP;

    EXECUTE format('CREATE POLICY own_rows ON public.columns USING (entity_id IN %s)'
                   ' WITH CHECK (entity_id IN %s)', format(ent, od), format(ent, od));
    EXECUTE format('CREATE POLICY shared_read ON public.columns FOR SELECT USING (entity_id IN %s)',
                   format(ent, sd));
    EXECUTE format('CREATE POLICY project_read ON public.columns FOR SELECT USING (entity_id IN %s)',
                   format(ent, rd));
    EXECUTE format('CREATE POLICY project_write ON public.columns USING (entity_id IN %s)'
                   ' WITH CHECK (entity_id IN %s)', format(ent, wd), format(ent, wd));
    EXECUTE format('CREATE POLICY team_only_insert ON public.columns AS RESTRICTIVE FOR INSERT TO card_app'
                   ' WITH CHECK (entity_id NOT IN %s OR entity_id IN %s)', format(ent, rd), format(ent, wd));
    EXECUTE format('CREATE POLICY team_only_update ON public.columns AS RESTRICTIVE FOR UPDATE TO card_app'
                   ' USING (entity_id NOT IN %s OR entity_id IN %s)', format(ent, rd), format(ent, wd));
    EXECUTE format('CREATE POLICY team_only_delete ON public.columns AS RESTRICTIVE FOR DELETE TO card_app'
                   ' USING (entity_id NOT IN %s OR entity_id IN %s)', format(ent, rd), format(ent, wd));
END $$;

-- The same shape in two more places: the history of project files (entity_changes) and the
-- messages of project chats asked for every project file / chat session of the instance;
-- they name the caller's projects now.  For a signed-in caller the files of a project its file
-- policies show are those of app_project_ids(false) (team_only_read); the chats it owns stay
-- readable through ai_chat_messages' own_rows.
DROP POLICY IF EXISTS project_read ON public.entity_changes;
CREATE POLICY project_read ON public.entity_changes FOR SELECT
    USING (public.app_user_id() IS NOT NULL AND (entity_type, entity_id) IN (
        SELECT 'diagrams', f.id::text FROM public.diagrams f WHERE f.project_id = ANY (ARRAY(SELECT public.app_project_ids(false)))
        UNION ALL SELECT 'notes', f.id::text FROM public.notes f WHERE f.project_id = ANY (ARRAY(SELECT public.app_project_ids(false)))
        UNION ALL SELECT 'drawings', f.id::text FROM public.drawings f WHERE f.project_id = ANY (ARRAY(SELECT public.app_project_ids(false)))
        UNION ALL SELECT 'flowcharts', f.id::text FROM public.flowcharts f WHERE f.project_id = ANY (ARRAY(SELECT public.app_project_ids(false)))));
DROP POLICY IF EXISTS project_read ON public.ai_chat_messages;
CREATE POLICY project_read ON public.ai_chat_messages FOR SELECT
    USING (session_id IN (SELECT s.id FROM public.ai_chat_sessions s
                           WHERE s.project_id = ANY (ARRAY(SELECT public.app_project_ids(false)))));

-- A caller is in a few projects, not in the planner's default 1,000 (a set-returning
-- function's estimate): with 1,000 it joined the diagrams by a sequential scan.
ALTER FUNCTION public.app_project_ids(boolean) ROWS 20;

-- sql/009's trigger clearing the columns digest of the entities whose columns were written:
-- the same UPDATE, with the entities named by an array so that it is a primary-key lookup (as
-- an IN over the transition table it was a scan of every entity: 57 ms at 400,000 of them for
-- one autosave's UPDATE of columns).
CREATE OR REPLACE FUNCTION public.card_columns_digest_clear()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE public.entities e SET columns_digest = NULL
         WHERE e.columns_digest IS NOT NULL
           AND e.id = ANY (ARRAY(SELECT DISTINCT n.entity_id FROM new_rows n));
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE public.entities e SET columns_digest = NULL
         WHERE e.columns_digest IS NOT NULL
           AND e.id = ANY (ARRAY(SELECT DISTINCT o.entity_id FROM old_rows o));
    END IF;
    RETURN NULL;
END;
$$;
