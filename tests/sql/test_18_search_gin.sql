-- test_18_search_gin.sql — sql/039: every search index (full text and, where pg_trgm is there,
-- trigram) takes new entries directly (fastupdate off), so no search scans a pending list.
-- Run as card_app (pg_class is readable by anyone).

DO $$
DECLARE
    n int;
    slow text;
BEGIN
    SELECT count(*), string_agg(c.relname, ', ') FILTER (WHERE NOT (COALESCE(c.reloptions, '{}') @> ARRAY['fastupdate=off']))
      INTO n, slow
      FROM pg_class c JOIN pg_am a ON a.oid = c.relam
     WHERE c.relkind = 'i' AND a.amname = 'gin' AND c.relnamespace = 'public'::regnamespace
       AND (c.relname LIKE 'idx\_%\_search' OR c.relname LIKE 'idx\_%\_trgm' OR c.relname = 'idx_search_docs_tsv');
    IF n < 7 THEN RAISE EXCEPTION 'only % search indexes found', n; END IF;
    IF slow IS NOT NULL THEN RAISE EXCEPTION 'search indexes with a pending list: %', slow; END IF;
END $$;
