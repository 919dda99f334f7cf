-- 009_columns_digest.sql — lets a save skip the tables whose columns did not change.
--
-- The editor saves the whole model after every edit, and a diagram of 500 tables has 5,000
-- columns; comparing them all with the stored rows took most of a save.  Cardinality now writes,
-- next to each entity, a digest of its columns as it last stored them (entities.columns_digest,
-- nullable, ignored by ERD Builder Pro), and rewrites only the columns of entities whose digest
-- differs.  Any other write to columns (ERD Builder Pro, psql, a restore) clears the digest of the
-- entities it touched, through the statement triggers below, so such an entity is compared in full
-- at the next save: a digest is only ever trusted while no one else has changed those rows.
-- Additive: one nullable column and three triggers.

ALTER TABLE public.entities ADD COLUMN IF NOT EXISTS columns_digest text;

-- Runs with the writer's rights (and row-level security): whoever can change a column can see its
-- entity.
CREATE OR REPLACE FUNCTION public.card_columns_digest_clear()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE public.entities e SET columns_digest = NULL
         WHERE e.columns_digest IS NOT NULL
           AND e.id IN (SELECT n.entity_id FROM new_rows n);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE public.entities e SET columns_digest = NULL
         WHERE e.columns_digest IS NOT NULL
           AND e.id IN (SELECT o.entity_id FROM old_rows o);
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS tr_columns_digest_insert ON public.columns;
DROP TRIGGER IF EXISTS tr_columns_digest_update ON public.columns;
DROP TRIGGER IF EXISTS tr_columns_digest_delete ON public.columns;
CREATE TRIGGER tr_columns_digest_insert AFTER INSERT ON public.columns
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.card_columns_digest_clear();
CREATE TRIGGER tr_columns_digest_update AFTER UPDATE ON public.columns
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.card_columns_digest_clear();
CREATE TRIGGER tr_columns_digest_delete AFTER DELETE ON public.columns
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.card_columns_digest_clear();
