-- 039_search_gin_direct.sql — the search indexes take each new entry at once (issue 12: search
-- under 50 ms for 10,000 files).  A GIN index's default fastupdate keeps new entries in a pending
-- list (up to gin_pending_list_limit, 4 MB) until VACUUM merges them, and every search scans that
-- whole list: measured over 10,000 freshly written files, card_search took 60–85 ms with hits and
-- 43 ms with none, and 23–28 ms and 3 ms once the lists were merged.  Without fastupdate a write
-- pays for its own entries (a 1,000-table diagram save measured the same, 0.85–1.2 s, either way).
-- Idempotent; indexes that do not exist (pg_trgm missing) are skipped; pending lists are merged.
DO $gin$
DECLARE
    t text;
    ix text;
BEGIN
    FOREACH t IN ARRAY ARRAY['diagrams', 'notes', 'drawings', 'flowcharts', 'entities', 'columns', 'search_docs']
    LOOP
        FOREACH ix IN ARRAY CASE t WHEN 'search_docs' THEN ARRAY['idx_search_docs_tsv', 'idx_search_docs_trgm']
                                   ELSE ARRAY['idx_' || t || '_search', 'idx_' || t || '_trgm'] END
        LOOP
            IF to_regclass('public.' || ix) IS NOT NULL THEN
                EXECUTE format('ALTER INDEX public.%I SET (fastupdate = off)', ix);
                PERFORM gin_clean_pending_list(('public.' || ix)::regclass);
            END IF;
        END LOOP;
    END LOOP;
END
$gin$;
