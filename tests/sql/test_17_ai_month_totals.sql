-- test_17_ai_month_totals.sql — sql/038: ai_month_cost() reads the month's running total, which
-- every usage row adds to (whoever's it is), a row of another month adds to that month only,
-- and card_app can neither read nor change the totals table.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    before numeric;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('month17a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('month17b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    before := ai_month_cost();
    INSERT INTO ai_usage (user_id, provider_code, model_identifier, cost) VALUES (a, 'openai', 'gpt-4o', 0.125);
    PERFORM set_config('app.user_id', b, true);
    INSERT INTO ai_usage (user_id, provider_code, model_identifier, cost) VALUES (b, 'openai', 'gpt-4o', 0.5);
    -- last month's row counts for last month
    INSERT INTO ai_usage (user_id, provider_code, model_identifier, cost, created_at)
        VALUES (b, 'openai', 'gpt-4o', 7, date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 day');
    IF ai_month_cost() <> before + 0.625 THEN
        RAISE EXCEPTION 'the month''s cost is %, not % + 0.625', ai_month_cost(), before;
    END IF;
    BEGIN
        PERFORM 1 FROM ai_usage_months;
        RAISE EXCEPTION 'card_app read the totals';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        UPDATE ai_usage_months SET cost = 0;
        RAISE EXCEPTION 'card_app changed the totals';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
END $$;
