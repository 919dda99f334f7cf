-- 035_search_speed.sql — project search over 10,000 files under 50 ms (issue 12).  024's
-- card_search_candidates matched tables and columns inside a join with the caller's diagrams, and
-- the planner drove it from the diagrams: every entity and column of every readable diagram was
-- read and tested row by row (6,000 tables and 30,000 columns: about 110 of a search's 130 ms,
-- even when nothing matched).  Here the matches come first, from the tables' and columns' own GIN
-- indexes (MATERIALIZED, so the planner cannot fold them back into the join), and only they are
-- joined to the caller's diagrams.  Same signature and results; idempotent (CREATE OR REPLACE).

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
), ents AS MATERIALIZED (
    SELECT e.id, e.diagram_id, ts_rank(e.search_tsv, websearch_to_tsquery('english', p_q))
                               + public.card_search_similarity(lower(e.name), lower(btrim(p_q))) AS rank
      FROM public.entities e
     WHERE e.search_tsv @@ websearch_to_tsquery('english', p_q)
        OR public.card_search_match(lower(e.name), lower(btrim(p_q)), public.card_search_pattern(p_q))
), cols AS MATERIALIZED (
    SELECT c.id, c.entity_id, ts_rank(c.search_tsv, websearch_to_tsquery('english', p_q))
                              + public.card_search_similarity(lower(c.name), lower(btrim(p_q))) AS rank
      FROM public.columns c
     WHERE c.search_tsv @@ websearch_to_tsquery('english', p_q)
        OR public.card_search_match(lower(c.name), lower(btrim(p_q)), public.card_search_pattern(p_q))
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
SELECT 'entities', e.id, 'diagrams:' || d.id, e.rank
  FROM ents e JOIN public.diagrams d ON d.id = e.diagram_id
 WHERE d.is_deleted IS NOT TRUE
   AND (d.project_id IN (SELECT pid FROM mine) OR (d.project_id IS NULL AND d.user_id = (SELECT me FROM q)))
UNION ALL
SELECT 'columns', c.id, 'diagrams:' || d.id, c.rank
  FROM cols c JOIN public.entities e ON e.id = c.entity_id
  JOIN public.diagrams d ON d.id = e.diagram_id
 WHERE d.is_deleted IS NOT TRUE
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
