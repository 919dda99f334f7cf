-- tests/bench/search_data.sql — 10,000 searchable files for one user, for measuring card_search
-- (issue 12: "under 50 ms for 10,000 files").  Run as the database superuser (or owner) with
-- psql -v user_id=… ; deterministic (setseed).  20 projects, each with 200 notes, 100 drawings,
-- 100 flowcharts and 100 diagrams (3 tables × 5 columns each): 10,000 files, 6,000 tables,
-- 30,000 columns.  Text is drawn from a 400-word vocabulary plus identifiers such as order_items,
-- so common words hit hundreds of files and rare ones a few.
SELECT setseed(0.42);
CREATE TEMP TABLE vocab AS
    SELECT row_number() OVER () AS n, w FROM (
        SELECT unnest(string_to_array('customer order invoice payment shipment product catalog price '
            'discount warehouse stock supplier employee department salary budget forecast revenue margin '
            'account ledger journal report dashboard metric target quarter region country city address '
            'contact email phone meeting agenda minutes decision action owner deadline risk issue '
            'release feature bug test deploy server database index query schema table column migration '
            'backup restore archive policy access role permission audit log event queue worker task '
            'session token secret key cache latency throughput storage network cluster replica shard', ' ')) AS w
        UNION ALL
        SELECT 'w' || substr(md5(g::text), 1, 6) FROM generate_series(1, 300) g) v;
CREATE TEMP TABLE idents AS
    SELECT row_number() OVER () AS n, w FROM unnest(ARRAY['order_items', 'customer_accounts',
        'invoice_lines', 'payment_methods', 'shipment_events', 'product_variants', 'stock_levels',
        'supplier_contacts', 'employee_roles', 'audit_entries']) w;

-- words(n): n random words of the vocabulary, space separated
CREATE FUNCTION pg_temp.words(k int) RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT string_agg(x.a[1 + floor(random() * array_length(x.a, 1))::int], ' ')
      FROM generate_series(1, k), (SELECT array_agg(w ORDER BY n) AS a FROM vocab) x
$$;
CREATE FUNCTION pg_temp.ident() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT x.a[1 + floor(random() * array_length(x.a, 1))::int]
      FROM (SELECT array_agg(w ORDER BY n) AS a FROM idents) x
$$;

CREATE TEMP TABLE bench_projects AS
WITH ins AS (
    INSERT INTO projects (uid, name, user_id)
    SELECT gen_random_uuid()::text, 'Search bench ' || g, :'user_id' FROM generate_series(1, 20) g
    RETURNING id)
SELECT id FROM ins;

INSERT INTO notes (uid, title, content, user_id, project_id)
SELECT gen_random_uuid()::text, initcap(pg_temp.words(3)),
       '<p>' || pg_temp.words(60) || ' ' || pg_temp.ident() || '</p><p>' || pg_temp.words(80) || '</p>',
       :'user_id', p.id
  FROM bench_projects p, generate_series(1, 200);

INSERT INTO drawings (uid, title, data, user_id, project_id)
SELECT gen_random_uuid()::text, initcap(pg_temp.words(2)),
       json_build_object('elements', json_build_array(
           json_build_object('type', 'text', 'text', pg_temp.words(6)),
           json_build_object('type', 'text', 'text', pg_temp.words(4)),
           json_build_object('type', 'rectangle')))::text,
       :'user_id', p.id
  FROM bench_projects p, generate_series(1, 100);

INSERT INTO flowcharts (uid, title, data, user_id, project_id)
SELECT gen_random_uuid()::text, initcap(pg_temp.words(2)),
       json_build_object('nodes', json_build_array(
           json_build_object('id', 'a', 'data', json_build_object('label', pg_temp.words(3))),
           json_build_object('id', 'b', 'data', json_build_object('label', pg_temp.words(3)))),
           'edges', json_build_array())::text,
       :'user_id', p.id
  FROM bench_projects p, generate_series(1, 100);

CREATE TEMP TABLE bench_diagrams AS
WITH ins AS (
    INSERT INTO diagrams (uid, name, user_id, project_id)
    SELECT gen_random_uuid()::text, initcap(pg_temp.words(2)) || ' schema', :'user_id', p.id
      FROM bench_projects p, generate_series(1, 100)
    RETURNING id)
SELECT id FROM ins;

INSERT INTO entities (id, diagram_id, name, comment, x, y)
SELECT 'be-' || d.id || '-' || g, d.id,
       CASE WHEN g = 1 THEN pg_temp.ident() ELSE replace(pg_temp.words(2), ' ', '_') END,
       pg_temp.words(5), g * 200, 0
  FROM bench_diagrams d, generate_series(1, 3) g;

INSERT INTO columns (id, entity_id, name, type, comment)
SELECT e.id || '-c' || g, e.id, replace(pg_temp.words(1), ' ', '_') || '_' || g, 'text', pg_temp.words(3)
  FROM entities e JOIN bench_diagrams d ON d.id = e.diagram_id, generate_series(1, 5) g;

ANALYZE projects; ANALYZE notes; ANALYZE drawings; ANALYZE flowcharts; ANALYZE diagrams;
ANALYZE entities; ANALYZE columns; ANALYZE search_docs;   -- (autovacuum's job on a live instance)
SELECT (SELECT count(*) FROM notes) + (SELECT count(*) FROM drawings) + (SELECT count(*) FROM flowcharts)
       + (SELECT count(*) FROM diagrams) AS files,
       (SELECT count(*) FROM entities) AS tables, (SELECT count(*) FROM columns) AS columns;
