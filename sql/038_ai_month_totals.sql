-- 038_ai_month_totals.sql — the instance's AI cost per month kept as a running total (issue 13:
-- the relay's reads before a provider call).  019's ai_month_cost() summed every usage row of
-- the month on each chat request while a monthly budget is set: a read that grows with the
-- month's traffic (100,000 answers: 100,000 rows per request).  ai_usage_months holds one row a
-- month, added to by a trigger on each usage row (usage rows are never updated or deleted by the
-- app: 019 revokes both); ai_month_cost() reads that row.  Idempotent: the totals are recomputed
-- from ai_usage each time this file runs.

CREATE TABLE IF NOT EXISTS public.ai_usage_months (
    month timestamp(3) PRIMARY KEY,              -- the first instant of the month (UTC, as created_at)
    cost numeric(20,8) NOT NULL DEFAULT 0 CHECK (cost >= 0)
);
ALTER TABLE public.ai_usage_months ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.ai_usage_months FROM card_app;

CREATE OR REPLACE FUNCTION public.card_ai_usage_months_add()
RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO public.ai_usage_months (month, cost) VALUES (date_trunc('month', NEW.created_at), NEW.cost)
    ON CONFLICT (month) DO UPDATE SET cost = public.ai_usage_months.cost + EXCLUDED.cost;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION public.card_ai_usage_months_add() FROM PUBLIC;

DROP TRIGGER IF EXISTS tr_ai_usage_months ON public.ai_usage;
CREATE TRIGGER tr_ai_usage_months AFTER INSERT ON public.ai_usage
    FOR EACH ROW EXECUTE FUNCTION public.card_ai_usage_months_add();

-- the totals as ai_usage has them now (the lock keeps an insert from slipping between the two)
LOCK TABLE public.ai_usage IN SHARE MODE;
DELETE FROM public.ai_usage_months;
INSERT INTO public.ai_usage_months (month, cost)
    SELECT date_trunc('month', created_at), sum(cost) FROM public.ai_usage GROUP BY 1;

CREATE OR REPLACE FUNCTION public.ai_month_cost()
RETURNS numeric
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT COALESCE((SELECT cost FROM public.ai_usage_months
                      WHERE month = date_trunc('month', now() AT TIME ZONE 'UTC')), 0)
$$;
REVOKE ALL ON FUNCTION public.ai_month_cost() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.ai_month_cost() TO card_app;
