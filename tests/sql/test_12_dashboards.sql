-- test_12_dashboards.sql — analytics dashboards (sql/026): the owner reads and writes a
-- dashboard, its widgets and their cached results; another user sees none of them and cannot
-- add a widget or a result to them; a share transaction with the dashboard's token reads the
-- public dashboard, its widgets and cached results but writes nothing, and reads no private
-- dashboard; the grid and the widget type are checked by the table.  Run as card_app.

DO $$
DECLARE
    a text; b text;
    sfx text := replace(gen_random_uuid()::text, '-', '');
    pid int;
    acc int;
    pub bigint; priv bigint; w bigint; wp bigint;
BEGIN
    SELECT user_id INTO a FROM sqltest.signup('dash-a-' || sfx || '@example.test', 'A', 'h');
    SELECT user_id INTO b FROM sqltest.signup('dash-b-' || sfx || '@example.test', 'B', 'h');
    PERFORM set_config('app.user_id', a, true);
    INSERT INTO projects (uid, name, user_id) VALUES (gen_random_uuid()::text, 'A project', a) RETURNING id INTO pid;
    INSERT INTO db_accounts (user_id, name, type, host, port) VALUES (a, 'pg', 'postgres', '10.0.0.9', 5432)
        RETURNING id INTO acc;
    INSERT INTO dashboards (user_id, project_id, name, is_public, share_token)
        VALUES (a, pid, 'public', true, 'dash-tok-' || sfx) RETURNING id INTO pub;
    INSERT INTO dashboards (user_id, project_id, name) VALUES (a, pid, 'private') RETURNING id INTO priv;
    INSERT INTO dashboard_widgets (dashboard_id, account_id, type, title, sql_query)
        VALUES (pub, acc, 'chart', 'w', 'SELECT 1') RETURNING id INTO w;
    INSERT INTO dashboard_widgets (dashboard_id, account_id, type, title, sql_query)
        VALUES (priv, acc, 'table', 'p', 'SELECT 2') RETURNING id INTO wp;
    INSERT INTO dashboard_widget_results (widget_id, result) VALUES (w, '{"rows": [[1]]}');
    INSERT INTO dashboard_widget_results (widget_id, result) VALUES (wp, '{"rows": [[2]]}');
    BEGIN
        INSERT INTO dashboard_widgets (dashboard_id, type, title, sql_query, pos_x, width) VALUES (pub, 'table', 'x', 'SELECT 1', 8, 6);
        RAISE EXCEPTION 'a widget outside the 12 columns';
    EXCEPTION WHEN check_violation THEN NULL;
    END;
    BEGIN
        INSERT INTO dashboard_widgets (dashboard_id, type, title, sql_query) VALUES (pub, 'gauge', 'x', 'SELECT 1');
        RAISE EXCEPTION 'an unknown widget type';
    EXCEPTION WHEN check_violation THEN NULL;
    END;

    PERFORM set_config('app.user_id', b, true);
    IF (SELECT count(*) FROM dashboards WHERE id IN (pub, priv)) <> 0 THEN RAISE EXCEPTION 'another user reads dashboards'; END IF;
    IF (SELECT count(*) FROM dashboard_widgets WHERE id IN (w, wp)) <> 0 THEN RAISE EXCEPTION 'another user reads widgets'; END IF;
    IF (SELECT count(*) FROM dashboard_widget_results WHERE widget_id IN (w, wp)) <> 0 THEN RAISE EXCEPTION 'another user reads results'; END IF;
    BEGIN
        INSERT INTO dashboard_widgets (dashboard_id, type, title, sql_query) VALUES (pub, 'table', 'x', 'SELECT 1');
        RAISE EXCEPTION 'a widget added to another user''s dashboard';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
        INSERT INTO dashboard_widget_results (widget_id, result) VALUES (wp, '{}')
            ON CONFLICT (widget_id) DO UPDATE SET result = EXCLUDED.result;
        RAISE EXCEPTION 'a result written to another user''s widget';
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    UPDATE dashboards SET name = 'stolen' WHERE id = pub;
    DELETE FROM dashboard_widgets WHERE id = w;

    PERFORM set_config('app.user_id', '', true);
    PERFORM set_config('app.share_token', 'dash-tok-' || sfx, true);
    IF (SELECT count(*) FROM dashboards WHERE id = pub AND name = 'public') <> 1 THEN RAISE EXCEPTION 'the shared dashboard is not readable'; END IF;
    IF (SELECT count(*) FROM dashboards WHERE id = priv) <> 0 THEN RAISE EXCEPTION 'a private dashboard is shared'; END IF;
    IF (SELECT count(*) FROM dashboard_widgets WHERE id = w) <> 1 THEN RAISE EXCEPTION 'the shared widget is not readable'; END IF;
    IF (SELECT count(*) FROM dashboard_widgets WHERE id = wp) <> 0 THEN RAISE EXCEPTION 'a private widget is shared'; END IF;
    IF (SELECT count(*) FROM dashboard_widget_results WHERE widget_id = w) <> 1 THEN RAISE EXCEPTION 'the cached result is not readable'; END IF;
    IF (SELECT count(*) FROM dashboard_widget_results WHERE widget_id = wp) <> 0 THEN RAISE EXCEPTION 'a private result is shared'; END IF;
    IF (SELECT count(*) FROM db_accounts WHERE id = acc) <> 0 THEN RAISE EXCEPTION 'a share transaction reads the connection'; END IF;
    UPDATE dashboard_widget_results SET result = '{}' WHERE widget_id = w;
    UPDATE dashboards SET is_public = false WHERE id = pub;
    PERFORM set_config('app.share_token', 'dash-tok-other', true);
    IF (SELECT count(*) FROM dashboards WHERE id = pub) <> 0 THEN RAISE EXCEPTION 'another token reads the dashboard'; END IF;
    PERFORM set_config('app.share_token', '', true);

    PERFORM set_config('app.user_id', a, true);
    IF (SELECT name FROM dashboards WHERE id = pub) <> 'public' THEN RAISE EXCEPTION 'another user renamed the dashboard'; END IF;
    IF (SELECT is_public FROM dashboards WHERE id = pub) IS NOT TRUE THEN RAISE EXCEPTION 'a share transaction unshared it'; END IF;
    IF (SELECT result FROM dashboard_widget_results WHERE widget_id = w) <> '{"rows": [[1]]}'::jsonb THEN
        RAISE EXCEPTION 'a share transaction rewrote the cache';
    END IF;
    IF (SELECT count(*) FROM dashboard_widgets WHERE id = w) <> 1 THEN RAISE EXCEPTION 'another user deleted a widget'; END IF;
    DELETE FROM dashboards WHERE id = pub;
    IF (SELECT count(*) FROM dashboard_widget_results WHERE widget_id = w) <> 0 THEN RAISE EXCEPTION 'results outlived their dashboard'; END IF;
END
$$;
