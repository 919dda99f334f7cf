-- 036_search_rank.sql — project search: rank once, read only the final rows (issue 12, after 035).
-- 035's card_search still took 108–141 ms over 10,000 files for queries with hits: the candidates
-- were ranked over every user's matches before the readable ones were picked, five times the
-- limit were then read back with the caller's rights — tables and columns through their own
-- row-level policies, which rebuild the set of readable diagrams and scan every entity — and a
-- scoped search ranked across all projects and kept only the best 5 × limit before it applied the
-- project, so a project's own matches could be missed.
-- Now card_search_ranked (SECURITY DEFINER, for the GIN indexes as 035's candidates) computes
-- the query, the caller's readable projects (once, as an array) and the scope first, keeps only
-- the readable matches, ranks them (ts_rank + trigram similarity, as before), keeps each file's
-- best hit and returns the best few files with the text a table or column hit quotes.
-- card_search reads just those files by primary key with the caller's rights (the file tables'
-- policies keep the last word; a table or column is read as its diagram) and computes ts_headline
-- for the final rows only.  Same signature and results (kind, uid, title, snippet with chr(1) and
-- chr(2) around matches, rank; best first); idempotent (CREATE OR REPLACE); adds no table.

-- search_docs also carries each file's project, owner and deleted flag (kept by the same trigger,
-- which now also fires when they change), so that the readable matches are picked inside the
-- index scan, without reading each matching file's row.  Columns added only; filled idempotently.
ALTER TABLE public.search_docs ADD COLUMN IF NOT EXISTS project_id integer;
ALTER TABLE public.search_docs ADD COLUMN IF NOT EXISTS user_id text;
ALTER TABLE public.search_docs ADD COLUMN IF NOT EXISTS is_deleted boolean;

CREATE OR REPLACE FUNCTION public.card_search_docs_sync()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM public.search_docs WHERE tbl = TG_TABLE_NAME AND id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO public.search_docs (tbl, id, tsv, ident, project_id, user_id, is_deleted)
    VALUES (TG_TABLE_NAME, NEW.id, NEW.search_tsv,
            lower(CASE WHEN TG_TABLE_NAME = 'diagrams' THEN to_jsonb(NEW) ->> 'name' ELSE to_jsonb(NEW) ->> 'title' END),
            NEW.project_id, NEW.user_id, NEW.is_deleted)
    ON CONFLICT (tbl, id) DO UPDATE SET tsv = EXCLUDED.tsv, ident = EXCLUDED.ident, project_id = EXCLUDED.project_id,
                                        user_id = EXCLUDED.user_id, is_deleted = EXCLUDED.is_deleted;
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
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR DELETE OR UPDATE OF search_tsv, %I, project_id, user_id, is_deleted'
                       ' ON public.%I FOR EACH ROW EXECUTE FUNCTION public.card_search_docs_sync()',
                       'tr_' || t || '_search_docs', CASE t WHEN 'diagrams' THEN 'name' ELSE 'title' END, t);
        EXECUTE format('UPDATE public.search_docs s SET project_id = f.project_id, user_id = f.user_id, is_deleted = f.is_deleted'
                       '  FROM public.%I f WHERE s.tbl = %L AND s.id = f.id'
                       '   AND (s.project_id, s.user_id, s.is_deleted) IS DISTINCT FROM (f.project_id, f.user_id, f.is_deleted)',
                       t, t);
    END LOOP;
END
$docs$;

-- card_search_ranked: the p_max best files matching p_q (websearch syntax; identifiers also by
-- LIKE and trigram) that the caller may read, in project p_project_uid (NULL: everywhere, with
-- the caller's personal files): table ('diagrams', 'notes', 'drawings', 'flowcharts'), id, rank,
-- and for a diagram found by one of its tables or columns the text to quote ('table …',
-- 'column …'; NULL: the file's own title or body).
CREATE OR REPLACE FUNCTION public.card_search_ranked(p_q text, p_project_uid text, p_max integer)
RETURNS TABLE (tbl text, id integer, rank real, src text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET enable_seqscan = off ROWS 40 AS $$
#variable_conflict use_column
DECLARE
    v_tsq tsquery := websearch_to_tsquery('english', p_q);
    v_raw text := lower(btrim(p_q));
    v_pat text := public.card_search_pattern(p_q);
    v_me text := public.app_user_id();
    v_scope integer;
    v_ids integer[];
BEGIN
    IF v_me IS NULL THEN
        RETURN;
    END IF;
    IF p_project_uid IS NOT NULL THEN
        SELECT p.id INTO v_scope FROM public.projects p WHERE p.uid = p_project_uid AND p.is_deleted IS NOT TRUE;
        IF v_scope IS NULL THEN
            RETURN;
        END IF;
    END IF;
    -- the readable live projects (in scope), once
    SELECT COALESCE(array_agg(p.id), '{}') INTO v_ids FROM public.projects p
     WHERE p.id IN (SELECT public.app_project_ids(false)) AND p.is_deleted IS NOT TRUE
       AND (v_scope IS NULL OR p.id = v_scope);
    RETURN QUERY
WITH files (tbl, id, rank, title) AS MATERIALIZED (
    SELECT s.tbl, s.id, ts_rank(s.tsv, v_tsq) + public.card_search_similarity(s.ident, v_raw), s.ident
      FROM public.search_docs s
     WHERE (s.tsv @@ v_tsq OR public.card_search_match(s.ident, v_raw, v_pat))
       AND s.is_deleted IS NOT TRUE
       AND (s.project_id = ANY (v_ids) OR (v_scope IS NULL AND s.project_id IS NULL AND s.user_id = v_me))
), ents AS MATERIALIZED (
    SELECT e.diagram_id, e.search_tsv, lower(e.name) AS ident,
           'table ' || e.name || COALESCE(': ' || e.comment, '') AS src
      FROM public.entities e
     WHERE e.search_tsv @@ v_tsq OR public.card_search_match(lower(e.name), v_raw, v_pat)
), cols AS MATERIALIZED (
    SELECT c.entity_id, c.search_tsv, lower(c.name) AS ident, c.name, c.comment
      FROM public.columns c
     WHERE c.search_tsv @@ v_tsq OR public.card_search_match(lower(c.name), v_raw, v_pat)
), parts (id, tsv, ident, src) AS (
    SELECT e.diagram_id, e.search_tsv, e.ident, e.src FROM ents e
    UNION ALL
    -- (scalar lookups by primary key: a join would hash every entity)
    SELECT (SELECT x.diagram_id FROM public.entities x WHERE x.id = c.entity_id), c.search_tsv, c.ident,
           'column ' || (SELECT x.name FROM public.entities x WHERE x.id = c.entity_id) || '.' || c.name
           || COALESCE(': ' || c.comment, '')
      FROM cols c
), hits (tbl, id, rank, title, src) AS (
    SELECT f.tbl, f.id, f.rank, f.title, NULL::text FROM files f
    UNION ALL
    SELECT 'diagrams', d.id, ts_rank(h.tsv, v_tsq) + public.card_search_similarity(h.ident, v_raw), lower(d.name), h.src
      FROM parts h JOIN public.diagrams d ON d.id = h.id
     WHERE d.is_deleted IS NOT TRUE
       AND (d.project_id = ANY (v_ids) OR (v_scope IS NULL AND d.project_id IS NULL AND d.user_id = v_me))
)
SELECT b.tbl, b.id, b.rank::real, b.src FROM (
    SELECT DISTINCT ON (h.tbl, h.id) h.tbl, h.id, h.rank, h.title, h.src FROM hits h ORDER BY h.tbl, h.id, h.rank DESC
) b
ORDER BY b.rank DESC, b.title, b.tbl, b.id
LIMIT p_max;
END;
$$;
REVOKE ALL ON FUNCTION public.card_search_ranked(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_search_ranked(text, text, integer) TO card_app;

-- card_search (021's contract, unchanged): the ranked files read with the caller's rights.
CREATE OR REPLACE FUNCTION public.card_search(p_q text, p_project_uid text, p_limit integer)
RETURNS TABLE (kind text, uid text, title text, snippet text, rank real)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    v_limit integer := GREATEST(1, LEAST(COALESCE(p_limit, 20), 100));
BEGIN
    RETURN QUERY
WITH r AS MATERIALIZED (
    SELECT * FROM public.card_search_ranked(p_q, p_project_uid, v_limit + 10)
), ids AS MATERIALIZED (
    SELECT array_agg(r.id) FILTER (WHERE r.tbl = 'diagrams') AS diagrams,
           array_agg(r.id) FILTER (WHERE r.tbl = 'notes') AS notes,
           array_agg(r.id) FILTER (WHERE r.tbl = 'drawings') AS drawings,
           array_agg(r.id) FILTER (WHERE r.tbl = 'flowcharts') AS flowcharts
      FROM r
), files (tbl, id, kind, uid, title, src, src_kind) AS (
    SELECT 'diagrams', f.id, 'diagram'::text, f.uid, f.name, f.name, 'title'::text FROM public.diagrams f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.diagrams FROM ids x)::int[])
    UNION ALL
    SELECT 'notes', f.id, 'note', f.uid, f.title, f.content, 'note' FROM public.notes f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.notes FROM ids x)::int[])
    UNION ALL
    SELECT 'drawings', f.id, 'drawing', f.uid, f.title, f.data, 'drawing' FROM public.drawings f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.drawings FROM ids x)::int[])
    UNION ALL
    SELECT 'flowcharts', f.id, 'flowchart', f.uid, f.title, f.data, 'flowchart' FROM public.flowcharts f
     WHERE f.is_deleted IS NOT TRUE AND f.id = ANY ((SELECT x.flowcharts FROM ids x)::int[])
), top AS (
    SELECT f.kind, f.uid, f.title, COALESCE(r.src, f.src) AS src,
           CASE WHEN r.src IS NULL THEN f.src_kind ELSE 'title' END AS src_kind, r.rank
      FROM files f JOIN r ON r.tbl = f.tbl AND r.id = f.id
     ORDER BY r.rank DESC, f.title
     LIMIT v_limit
)
SELECT t.kind, t.uid, t.title,
       ts_headline('english',
                   translate(CASE t.src_kind WHEN 'title' THEN t.src
                                             ELSE public.card_search_body(t.src_kind, t.src) END,
                             chr(1) || chr(2), ''),
                   websearch_to_tsquery('english', p_q),
                   'StartSel=' || chr(1) || ', StopSel=' || chr(2)
                   || ', MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'),
       t.rank
  FROM top t
 ORDER BY t.rank DESC, t.title;
END;
$$;
REVOKE ALL ON FUNCTION public.card_search(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.card_search(text, text, integer) TO card_app;

-- 024/035's candidate search is replaced by card_search_ranked.
DROP FUNCTION IF EXISTS public.card_search_candidates(text, integer);
