-- 024_teams_followups.sql — follow-ups to 021 (issue 12): holes in the team policies found by
-- tests/sql/test_12_team_roles.sql, and a function to move a project in and out of a team.
-- Additive only (new policies and functions); idempotent (tests/sql/run.sh applies it twice).
--
-- 1. A project entered a team on INSERT with no check: anyone who knew a team's id could put a
--    project (and its files) in front of that team's members.  Now only the team's editors and
--    admins create a project inside it.
-- 2. entity_changes (history) kept 005's own_rows only: anyone could add a "snapshot" of any file
--    (the file's readers then saw it in its history).  Now a snapshot is added only for a file the
--    caller may write (the history trigger runs as the owner and is not concerned).
-- 3. ai_chat_sessions likewise: a chat could be attached to any project.  Now only to a project
--    the caller may write (or to none).
-- 4. card_project_set_team: a team admin moving a project out of the team (to the owner alone)
--    could not, as a plain UPDATE … RETURNING must still see the row afterwards.
-- 5. card_search, rewritten for speed (same contract): see the end of this file.

-- The file of a history row (entity_type = its table, entity_id = its id) is writable by the caller.
CREATE OR REPLACE FUNCTION public.card_history_file_writable(p_type text, p_id text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE p_type
        WHEN 'diagrams' THEN EXISTS (SELECT 1 FROM public.diagrams f WHERE f.id::text = p_id
                                     AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'notes' THEN EXISTS (SELECT 1 FROM public.notes f WHERE f.id::text = p_id
                                  AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'drawings' THEN EXISTS (SELECT 1 FROM public.drawings f WHERE f.id::text = p_id
                                     AND public.app_can_write_file(f.user_id, f.project_id))
        WHEN 'flowcharts' THEN EXISTS (SELECT 1 FROM public.flowcharts f WHERE f.id::text = p_id
                                       AND public.app_can_write_file(f.user_id, f.project_id))
        ELSE false
    END
$$;
REVOKE ALL ON FUNCTION public.card_history_file_writable(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_history_file_writable(text, text) TO card_app;

DROP POLICY IF EXISTS team_only_insert ON public.projects;
CREATE POLICY team_only_insert ON public.projects AS RESTRICTIVE FOR INSERT TO card_app
    WITH CHECK (team_id IS NULL OR public.app_team_role(team_id) IN ('editor', 'admin'));

DROP POLICY IF EXISTS file_writable_insert ON public.entity_changes;
CREATE POLICY file_writable_insert ON public.entity_changes AS RESTRICTIVE FOR INSERT TO card_app
    WITH CHECK (public.card_history_file_writable(entity_type, entity_id));

DROP POLICY IF EXISTS team_only_insert ON public.ai_chat_sessions;
DROP POLICY IF EXISTS team_only_update ON public.ai_chat_sessions;
CREATE POLICY team_only_insert ON public.ai_chat_sessions AS RESTRICTIVE FOR INSERT TO card_app
    WITH CHECK (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)));
CREATE POLICY team_only_update ON public.ai_chat_sessions AS RESTRICTIVE FOR UPDATE TO card_app
    USING (true)
    WITH CHECK (project_id IS NULL OR project_id IN (SELECT public.app_project_ids(true)));

-- card_project_set_team: move the caller-readable live project p_project_uid into team
-- p_team_uid (NULL: out of its team).  false when the caller cannot see the project; CN001 when
-- the team is not one of the caller's; 42501 (from card_project_guard) when the caller may not
-- move it.  Runs as the owner so the row may leave the caller's sight; the guard still judges
-- the caller (app.user_id).
CREATE OR REPLACE FUNCTION public.card_project_set_team(p_project_uid text, p_team_uid text)
RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := public.app_user_id();
    v_pid integer;
    v_team bigint;
BEGIN
    IF me IS NULL THEN RETURN false; END IF;
    SELECT p.id INTO v_pid FROM public.projects p
     WHERE p.uid = p_project_uid AND p.is_deleted IS NOT TRUE
       AND p.id IN (SELECT public.app_project_ids(false));
    IF v_pid IS NULL THEN RETURN false; END IF;
    IF p_team_uid IS NOT NULL THEN
        SELECT t.id INTO v_team FROM public.teams t
         WHERE t.uid = p_team_uid
           AND (public.app_team_role(t.id) IS NOT NULL OR public.app_org_role(t.org_id) IS NOT NULL);
        IF v_team IS NULL THEN RAISE EXCEPTION 'no such team' USING ERRCODE = 'CN001'; END IF;
    END IF;
    UPDATE public.projects SET team_id = v_team WHERE id = v_pid;
    RETURN true;
END;
$$;
REVOKE ALL ON FUNCTION public.card_project_set_team(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_project_set_team(text, text) TO card_app;

-- ---------------------------------------------------------------------------------------------
-- Search under 50 ms for 10,000 files (issue 12).  021's card_search scanned every row of every
-- file table (its match was a join against a CTE, and row-level security forbids index use for
-- operators that are not leakproof) and planned its large query on each call: 180-270 ms for
-- 10,000 files.  Now the GIN indexes find the candidates, the rows are read by primary key with
-- the caller's rights, and PL/pgSQL keeps the plans (tests/bench/search_data.sql, README).

-- card_search_pattern: p_q as a LIKE pattern matching it anywhere (lower case, % _ \ escaped).
CREATE OR REPLACE FUNCTION public.card_search_pattern(p_q text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '%' || regexp_replace(lower(btrim(p_q)), '([%_\\])', '\\\1', 'g') || '%'
$$;
GRANT EXECUTE ON FUNCTION public.card_search_pattern(text) TO card_app;

-- search_docs: a copy of each file's search_tsv and lower(title) (diagrams, notes, drawings,
-- flowcharts), kept by triggers, read only by card_search_candidates.  Why a copy: the file
-- tables carry a RESTRICTIVE policy for every role (014's shared_project_live), and under any
-- row-level security PostgreSQL will not use an index for an operator that is not leakproof (@@,
-- LIKE and pg_trgm's % are not): each search scanned all 10,000 files.  This table has no policy
-- and card_app has no privilege on it.  (entities and columns have no such policy: their own GIN
-- indexes answer.)
CREATE TABLE IF NOT EXISTS public.search_docs (
    tbl text NOT NULL CHECK (tbl IN ('diagrams', 'notes', 'drawings', 'flowcharts')),
    id integer NOT NULL,
    tsv tsvector,
    ident text,
    PRIMARY KEY (tbl, id)
);
REVOKE ALL ON public.search_docs FROM card_app;
-- row-level security like every table (the owner's policy only: nobody else reads it)
ALTER TABLE public.search_docs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.search_docs FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS card_owner_all ON public.search_docs;
DO $pol$
BEGIN
    EXECUTE format('CREATE POLICY card_owner_all ON public.search_docs TO %I USING (true) WITH CHECK (true)',
                   current_user);
END
$pol$;
CREATE INDEX IF NOT EXISTS idx_search_docs_tsv ON public.search_docs USING gin (tsv);
DO $trgm$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS idx_search_docs_trgm ON public.search_docs USING gin (ident gin_trgm_ops);
    END IF;
END
$trgm$;

CREATE OR REPLACE FUNCTION public.card_search_docs_sync()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM public.search_docs WHERE tbl = TG_TABLE_NAME AND id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO public.search_docs (tbl, id, tsv, ident)
    VALUES (TG_TABLE_NAME, NEW.id, NEW.search_tsv,
            lower(CASE WHEN TG_TABLE_NAME = 'diagrams' THEN to_jsonb(NEW) ->> 'name' ELSE to_jsonb(NEW) ->> 'title' END))
    ON CONFLICT (tbl, id) DO UPDATE SET tsv = EXCLUDED.tsv, ident = EXCLUDED.ident;
    RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION public.card_search_docs_sync() FROM PUBLIC;

DO $docs$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON public.%I', 'tr_' || t || '_search_docs', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR DELETE OR UPDATE OF search_tsv, %I ON public.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION public.card_search_docs_sync()',
                       'tr_' || t || '_search_docs', CASE t WHEN 'diagrams' THEN 'name' ELSE 'title' END, t);
        EXECUTE format('INSERT INTO public.search_docs (tbl, id, tsv, ident) SELECT %L, f.id, f.search_tsv, lower(f.%I)'
                       ' FROM public.%I f ON CONFLICT (tbl, id) DO NOTHING',
                       t, CASE t WHEN 'diagrams' THEN 'name' ELSE 'title' END, t);
    END LOOP;
END
$docs$;

-- card_search_candidates: (table, id) of the rows matching p_q among those in the caller's readable
-- projects (app_project_ids) and the caller's own personal files: the best-ranked match of each
-- file (a table or column counts for its diagram), the p_max best files.  SECURITY DEFINER only so that
-- the GIN indexes can answer (search_docs for the files; entities' and columns' own indexes).  card_search
-- still reads the rows themselves with the caller's rights, so the policies keep the last word.
CREATE OR REPLACE FUNCTION public.card_search_candidates(p_q text, p_max integer)
RETURNS TABLE (tbl text, id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET enable_seqscan = off ROWS 100 AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
WITH mine AS (
    SELECT p.id AS pid FROM public.projects p
     WHERE p.id IN (SELECT public.app_project_ids(false)) AND p.is_deleted IS NOT TRUE
), q AS MATERIALIZED (
    SELECT public.app_user_id() AS me
), docs AS MATERIALIZED (
    SELECT s.tbl, s.id, ts_rank(s.tsv, websearch_to_tsquery('english', p_q))
                        + public.card_search_similarity(s.ident, lower(btrim(p_q))) AS rank
      FROM public.search_docs s
     WHERE s.tsv @@ websearch_to_tsquery('english', p_q)
        OR public.card_search_match(s.ident, lower(btrim(p_q)), public.card_search_pattern(p_q))
), hits (tbl, id, fkey, rank) AS (
SELECT 'diagrams', f.id::text, 'diagrams:' || f.id, s.rank FROM public.diagrams f JOIN docs s ON s.tbl = 'diagrams' AND s.id = f.id
 WHERE f.is_deleted IS NOT TRUE
   AND (f.project_id IN (SELECT pid FROM mine) OR (f.project_id IS NULL AND f.user_id = (SELECT me FROM q)))
UNION ALL
SELECT 'notes', f.id::text, 'notes:' || f.id, s.rank FROM public.notes f JOIN docs s ON s.tbl = 'notes' AND s.id = f.id
 WHERE f.is_deleted IS NOT TRUE
   AND (f.project_id IN (SELECT pid FROM mine) OR (f.project_id IS NULL AND f.user_id = (SELECT me FROM q)))
UNION ALL
SELECT 'drawings', f.id::text, 'drawings:' || f.id, s.rank FROM public.drawings f JOIN docs s ON s.tbl = 'drawings' AND s.id = f.id
 WHERE f.is_deleted IS NOT TRUE
   AND (f.project_id IN (SELECT pid FROM mine) OR (f.project_id IS NULL AND f.user_id = (SELECT me FROM q)))
UNION ALL
SELECT 'flowcharts', f.id::text, 'flowcharts:' || f.id, s.rank FROM public.flowcharts f JOIN docs s ON s.tbl = 'flowcharts' AND s.id = f.id
 WHERE f.is_deleted IS NOT TRUE
   AND (f.project_id IN (SELECT pid FROM mine) OR (f.project_id IS NULL AND f.user_id = (SELECT me FROM q)))
UNION ALL
SELECT 'entities', e.id, 'diagrams:' || d.id,
       ts_rank(e.search_tsv, websearch_to_tsquery('english', p_q))
       + public.card_search_similarity(lower(e.name), lower(btrim(p_q)))
  FROM public.entities e JOIN public.diagrams d ON d.id = e.diagram_id
 WHERE d.is_deleted IS NOT TRUE
   AND (e.search_tsv @@ websearch_to_tsquery('english', p_q)
        OR public.card_search_match(lower(e.name), lower(btrim(p_q)), public.card_search_pattern(p_q)))
   AND (d.project_id IN (SELECT pid FROM mine) OR (d.project_id IS NULL AND d.user_id = (SELECT me FROM q)))
UNION ALL
SELECT 'columns', c.id, 'diagrams:' || d.id,
       ts_rank(c.search_tsv, websearch_to_tsquery('english', p_q))
       + public.card_search_similarity(lower(c.name), lower(btrim(p_q)))
  FROM public.columns c JOIN public.entities e ON e.id = c.entity_id
  JOIN public.diagrams d ON d.id = e.diagram_id
 WHERE d.is_deleted IS NOT TRUE
   AND (c.search_tsv @@ websearch_to_tsquery('english', p_q)
        OR public.card_search_match(lower(c.name), lower(btrim(p_q)), public.card_search_pattern(p_q)))
   AND (d.project_id IN (SELECT pid FROM mine) OR (d.project_id IS NULL AND d.user_id = (SELECT me FROM q)))
)
SELECT b.tbl, b.id FROM (
    SELECT DISTINCT ON (h.fkey) h.tbl, h.id, h.rank FROM hits h ORDER BY h.fkey, h.rank DESC
) b
ORDER BY b.rank DESC
LIMIT p_max;
END;
$$;
REVOKE ALL ON FUNCTION public.card_search_candidates(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_search_candidates(text, integer) TO card_app;

-- card_search (021's contract, unchanged): the query terms now stand in each branch's WHERE as
-- expressions of p_q instead of columns of a joined CTE, so that each table's GIN indexes (its
-- search_tsv, and the trigram index on lower(title/name)) answer the match instead of a
-- sequential scan: 10,000 files, 6,000 tables, 30,000 columns in a few milliseconds (see
-- tests/bench/search_data.sql and the README's measurement).
CREATE OR REPLACE FUNCTION public.card_search(p_q text, p_project_uid text, p_limit integer)
RETURNS TABLE (kind text, uid text, title text, snippet text, rank real)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
WITH cand AS MATERIALIZED (
    SELECT array_agg(c.id::int) FILTER (WHERE c.tbl = 'diagrams') AS diagrams,
           array_agg(c.id::int) FILTER (WHERE c.tbl = 'notes') AS notes,
           array_agg(c.id::int) FILTER (WHERE c.tbl = 'drawings') AS drawings,
           array_agg(c.id::int) FILTER (WHERE c.tbl = 'flowcharts') AS flowcharts,
           array_agg(c.id) FILTER (WHERE c.tbl = 'entities') AS entities,
           array_agg(c.id) FILTER (WHERE c.tbl = 'columns') AS columns
      FROM public.card_search_candidates(p_q, 5 * GREATEST(1, LEAST(COALESCE(p_limit, 20), 100))) c
), scope AS (
    SELECT p.id FROM public.projects p WHERE p.uid = p_project_uid AND p.is_deleted IS NOT TRUE
), dead AS (
    SELECT p.id FROM public.projects p WHERE p.is_deleted IS TRUE
), hits AS (
    SELECT 'diagram'::text AS kind, f.uid, f.name AS title, f.name AS src, 'title'::text AS src_kind,
           f.search_tsv AS tsv, lower(f.name) AS ident, f.project_id
      FROM public.diagrams f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.diagrams FROM cand x)::int[])
    UNION ALL
    SELECT 'note', f.uid, f.title, f.content, 'note', f.search_tsv, lower(f.title), f.project_id
      FROM public.notes f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.notes FROM cand x)::int[])
    UNION ALL
    SELECT 'drawing', f.uid, f.title, f.data, 'drawing', f.search_tsv, lower(f.title), f.project_id
      FROM public.drawings f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.drawings FROM cand x)::int[])
    UNION ALL
    SELECT 'flowchart', f.uid, f.title, f.data, 'flowchart', f.search_tsv, lower(f.title), f.project_id
      FROM public.flowcharts f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.flowcharts FROM cand x)::int[])
    UNION ALL
    SELECT 'diagram', d.uid, d.name, 'table ' || e.name || COALESCE(': ' || e.comment, ''), 'title',
           e.search_tsv, lower(e.name), d.project_id
      FROM public.entities e JOIN public.diagrams d ON d.id = e.diagram_id
     WHERE d.is_deleted IS NOT TRUE AND e.id = ANY ((SELECT x.entities FROM cand x)::text[])
    UNION ALL
    SELECT 'diagram', d.uid, d.name, 'column ' || e.name || '.' || c.name || COALESCE(': ' || c.comment, ''), 'title',
           c.search_tsv, lower(c.name), d.project_id
      FROM public.columns c JOIN public.entities e ON e.id = c.entity_id JOIN public.diagrams d ON d.id = e.diagram_id
     WHERE d.is_deleted IS NOT TRUE AND c.id = ANY ((SELECT x.columns FROM cand x)::text[])
), ranked AS (
    SELECT h.kind, h.uid, h.title, h.src, h.src_kind,
           ts_rank(h.tsv, websearch_to_tsquery('english', p_q))
           + public.card_search_similarity(h.ident, lower(btrim(p_q))) AS rank
      FROM hits h
     WHERE (p_project_uid IS NULL OR h.project_id IN (SELECT id FROM scope))
       AND (h.project_id IS NULL OR h.project_id NOT IN (SELECT id FROM dead))
), best AS (
    SELECT DISTINCT ON (r.kind, r.uid) r.* FROM ranked r ORDER BY r.kind, r.uid, r.rank DESC
), top AS (
    SELECT * FROM best ORDER BY rank DESC, title LIMIT GREATEST(1, LEAST(COALESCE(p_limit, 20), 100))
)
SELECT t.kind, t.uid, t.title,
       ts_headline('english',
                   translate(CASE t.src_kind WHEN 'title' THEN t.src
                                             ELSE public.card_search_body(t.src_kind, t.src) END,
                             chr(1) || chr(2), ''),
                   websearch_to_tsquery('english', p_q),
                   'StartSel=' || chr(1) || ', StopSel=' || chr(2)
                   || ', MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'),
       t.rank::real
  FROM top t
 ORDER BY t.rank DESC, t.title;
END;
$$;
REVOKE ALL ON FUNCTION public.card_search(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_search(text, text, integer) TO card_app;
