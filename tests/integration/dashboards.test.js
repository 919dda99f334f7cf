// tests/integration/dashboards.test.js — analytics dashboards against real servers
// (tests/lib/dbservers.js: PostgreSQL, MariaDB and SQLite holding Chinook): a dashboard with a
// widget of every type and chart kind from Chinook queries, drawn by the server as SVG; the
// refresh floor (two refreshes within it, even at once, run one query — counted in the
// workspace's query history and in the PostgreSQL test server's own statistics); another
// user's dashboard is 404; the public link shows cached results and runs no query; hostile
// column names and values are escaped in the SVG and in tables; layout and the forms.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { startDbServers } = require('../lib/dbservers.js');
const { Client } = require('../lib/client.js');

const HOSTILE = '<img src=x onerror=alert(1)>"\'&';
let stack, dbs, alice, bob, project, pg, maria, sqlite, dash;

test.before(async () => {
  dbs = await startDbServers();
  stack = await startStack({ env: { CARD_DB_ALLOW_LOOPBACK: '1' } });   // the floor: its default, 60 s
  alice = new Client(stack.baseUrl);
  await alice.signup();
  project = await alice.createProject('Analytics');
  bob = new Client(stack.baseUrl);
  await bob.signup();
  const create = async (fields) => {
    const res = await alice.request('POST', '/api/connections', { json: { project_uid: project, options: {}, ...fields } });
    assert.equal(res.status, 201, res.text);
    return res.json().uid;
  };
  pg = await create({ name: 'chinook pg', type: 'postgres', host: dbs.pg.host, port: dbs.pg.port,
    database: dbs.pg.database, user: dbs.pg.user, password: dbs.pg.password });
  maria = await create({ name: 'chinook maria', type: 'mysql', host: dbs.maria.host, port: dbs.maria.port,
    database: dbs.maria.database, user: dbs.maria.user, password: dbs.maria.password });
  sqlite = await create({ name: 'chinook sqlite', type: 'sqlite', sqlite_base64: dbs.sqlite.bytes.toString('base64') });
});
test.after(async () => {
  if (stack) stack.stop();
  if (dbs) await dbs.stop();
});

const api = (client, method, path, json) => client.request(method, path, json === undefined ? {} : { json });
const history = (sql) => Number(stack.sql(`SELECT count(*) FROM db_queries WHERE sql_text = '${sql.replace(/'/g, "''")}'`));
async function newDashboard(name, extra = {}) {
  const res = await api(alice, 'POST', `/api/projects/${project}/dashboards`, { name, ...extra });
  assert.equal(res.status, 201, res.text);
  return res.json().uid;
}
async function addWidget(d, fields) {
  const res = await api(alice, 'POST', `/api/dashboards/${d}/widgets`, fields);
  assert.equal(res.status, 201, res.text);
  return res.json().uid;
}
const refresh = (d, body = {}) => api(alice, 'POST', `/api/dashboards/${d}/refresh`, body);

const GENRES_PG = 'SELECT g.name AS genre, count(*) AS tracks FROM track t JOIN genre g USING (genre_id) '
  + 'GROUP BY g.name ORDER BY tracks DESC, g.name LIMIT 5';
const WIDGETS = () => [
  { type: 'chart', title: 'Tracks by genre', connection_uid: pg, sql: GENRES_PG,
    config: { kind: 'bar', x: 'genre', y: 'tracks', colors: ['#10b981'] } },
  { type: 'chart', title: 'Invoices by year', connection_uid: maria,
    sql: 'SELECT YEAR(InvoiceDate) AS year, ROUND(SUM(Total), 2) AS revenue, COUNT(*) AS invoices FROM Invoice GROUP BY YEAR(InvoiceDate) ORDER BY year',
    config: { kind: 'line', x: 'year', y: ['revenue', 'invoices'] } },
  { type: 'chart', title: 'Tracks per media type', connection_uid: sqlite,
    sql: 'SELECT m.Name AS media, COUNT(*) AS n FROM Track t JOIN MediaType m ON m.MediaTypeId = t.MediaTypeId GROUP BY m.Name ORDER BY m.Name',
    config: { kind: 'area', x: 'media' } },
  { type: 'chart', title: 'Share of genres', connection_uid: pg, sql: GENRES_PG, config: { kind: 'pie', x: 'genre', y: 'tracks' } },
  { type: 'chart', title: 'Length vs size', connection_uid: pg,
    sql: 'SELECT milliseconds, bytes FROM track ORDER BY track_id LIMIT 50', config: { kind: 'scatter', x: 'milliseconds', y: 'bytes' } },
  { type: 'table', title: 'Top customers', connection_uid: maria,
    sql: 'SELECT c.LastName AS last_name, ROUND(SUM(i.Total), 2) AS spent FROM Customer c JOIN Invoice i ON i.CustomerId = c.CustomerId GROUP BY c.CustomerId, c.LastName ORDER BY spent DESC, last_name LIMIT 5',
    config: {} },
  { type: 'counter', title: 'Tracks', connection_uid: sqlite, sql: 'SELECT COUNT(*) AS tracks FROM Track', config: { y: 'tracks' } },
  { type: 'sql', title: 'Artists', connection_uid: pg, sql: 'SELECT name FROM artist ORDER BY artist_id LIMIT 3', config: {} },
];

test('a dashboard with a widget of every type and kind from Chinook is drawn by the server', async () => {
  dash = await newDashboard('Chinook overview', { refresh_interval_s: 5 });
  const listed = (await alice.get(`/api/projects/${project}/dashboards`)).json().dashboards;
  const mine = listed.find((d) => d.uid === dash);
  assert.ok(mine);
  assert.equal(mine.refresh_interval_s, 60, 'an interval below the floor is raised to it');
  const uids = [];
  for (const w of WIDGETS()) uids.push(await addWidget(dash, w));

  const before = (await alice.get(`/dashboards/${dash}`)).text;
  assert.equal((before.match(/Not run yet/g) || []).length, 8, 'a page view runs no query');

  const res = await refresh(dash);
  assert.equal(res.status, 200, res.text);
  const report = res.json().widgets;
  assert.equal(report.length, 8);
  for (const r of report) {
    assert.equal(r.ran, true);
    assert.equal(r.error, null, `${r.uid}: ${r.error}`);
    assert.match(r.fetched_at, /^\d{4}-\d\d-\d\dT/);
  }
  const page = await alice.get(`/dashboards/${dash}`);
  assert.equal(page.status, 200);
  const html = page.text;
  for (const kind of ['bar', 'line', 'area', 'pie', 'scatter']) assert.ok(html.includes(`<figure class="chart chart-${kind}">`), kind);
  assert.equal((html.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="chart-svg"/g) || []).length, 5);
  assert.equal((html.match(/<details class="chart-data"><summary>Data table<\/summary>/g) || []).length, 5);
  // Chinook: Rock has 1297 tracks, the most; 3503 tracks in all.
  assert.ok(html.includes('<title>Rock · tracks: 1297</title>'));
  assert.match(html, /<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"><title>Rock · tracks: 1297<\/title><\/rect>/);
  assert.ok(html.includes('fill="#10b981"'), 'the configured palette colour');
  assert.ok(html.includes('<span class="kpi-value">3503</span><span class="kpi-label">Tracks</span>'));
  assert.ok(html.includes('<td>AC/DC</td>'), 'the custom SQL widget shows its result table');
  assert.ok(/<th scope="col">last_name<\/th><th scope="col">spent<\/th>/.test(html));
  assert.ok(html.includes('<td>Holý</td>'), 'Helena Holý spent the most (MariaDB, UTF-8)');
  assert.ok(html.includes(`data-refresh="60"`));
  // The same drawing as a standalone SVG.
  const svg = await alice.get(`/widgets/${uids[0]}.svg`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.ok(svg.text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.text.includes('Rock · tracks: 1297'));
  assert.equal((await alice.get(`/widgets/${uids[5]}.svg`)).status, 404, 'a table has no chart');
});

test('the refresh floor: two refreshes within it, even at once, run the query once; after it, again', async () => {
  const sql = 'SELECT genre_id, count(*) AS n FROM track GROUP BY genre_id ORDER BY genre_id /* floor */';
  const d = await newDashboard('Floor');
  const w = await addWidget(d, { type: 'chart', title: 'n', connection_uid: pg, sql, config: { kind: 'bar' } });
  const stat = () => Number(dbs.pg.sql(`SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE relname = 'track'`));
  // The query worker keeps its sessions open, and PostgreSQL reports a live session's statistics
  // late (within 10 s); a session that ends reports them at once.  So end the kept sessions (the
  // next query opens a new one) before reading the count, both times.
  const settled = async () => {
    dbs.pg.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${dbs.pg.user}' AND pid <> pg_backend_pid()`);
    for (let i = 0; i < 100 && Number(dbs.pg.sql(`SELECT count(*) FROM pg_stat_activity WHERE usename = '${dbs.pg.user}'`)) > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    return stat();
  };
  const scansBefore = await settled();
  const [a, b] = await Promise.all([refresh(d), refresh(d)]);
  assert.equal(a.status, 200, a.text);
  assert.equal(b.status, 200, b.text);
  const ran = [a.json().widgets[0].ran, b.json().widgets[0].ran].sort();
  assert.deepEqual(ran, [false, true], 'concurrent refreshes: one runs, the other waits and finds the cache');
  const again = await refresh(d, { widget_uid: w });
  assert.equal(again.json().widgets[0].ran, false);
  assert.equal(again.json().widgets[0].fetched_at, a.json().widgets[0].fetched_at);
  assert.equal(history(sql), 1, 'one query in the history for three refreshes within the floor');
  assert.equal(await settled() - scansBefore, 1, 'the PostgreSQL server scanned track once');
  // Past the floor, a refresh runs the query again.
  stack.sql(`UPDATE dashboard_widget_results SET fetched_at = now() - interval '61 seconds' WHERE widget_id = (SELECT id FROM dashboard_widgets WHERE uid = '${w}')`);
  const late = await refresh(d);
  assert.equal(late.json().widgets[0].ran, true);
  assert.equal(history(sql), 2);
  // Changing a widget's query drops its cache, so the next refresh runs the new one.
  const sql2 = `${sql} -- edited`;
  assert.equal((await api(alice, 'PUT', `/api/widgets/${w}`, { sql: sql2 })).status, 200);
  assert.equal((await api(alice, 'GET', `/api/dashboards/${d}`)).json().widgets[0].result, null);
  assert.equal((await refresh(d)).json().widgets[0].ran, true);
  assert.equal(history(sql2), 1);
});

test("another user's dashboard and widgets are 404, and nothing of them runs", async () => {
  const w = (await alice.get(`/api/dashboards/${dash}`)).json().widgets[0].uid;
  const count = Number(stack.sql('SELECT count(*) FROM db_queries'));
  for (const [method, path, json] of [
    ['GET', `/dashboards/${dash}`], ['GET', `/api/dashboards/${dash}`], ['POST', `/api/dashboards/${dash}/refresh`, {}],
    ['PUT', `/api/dashboards/${dash}`, { name: 'mine' }], ['DELETE', `/api/dashboards/${dash}`],
    ['PUT', `/api/widgets/${w}`, { title: 'mine' }], ['DELETE', `/api/widgets/${w}`], ['GET', `/widgets/${w}.svg`],
    ['POST', `/api/dashboards/${dash}/share`, { is_public: true }], ['GET', `/api/projects/${project}/dashboards`],
    ['POST', `/api/dashboards/${dash}/widgets`, { type: 'table', title: 't', connection_uid: pg, sql: 'SELECT 1' }],
  ]) {
    const res = await api(bob, method, path, json);
    assert.equal(res.status, 404, `${method} ${path}: ${res.status}`);
  }
  const form = await bob.postForm(`/dashboards/${dash}/refresh`, {});
  assert.equal(form.status, 404);
  assert.equal(Number(stack.sql('SELECT count(*) FROM db_queries')), count);
  assert.equal(stack.sql(`SELECT name FROM dashboards WHERE uid = '${dash}'`), 'Chinook overview');
  // Bob cannot point a widget of his own at Alice's connection either.
  const p = await bob.createProject('Mine');
  const bd = (await api(bob, 'POST', `/api/projects/${p}/dashboards`, { name: 'b' })).json().uid;
  const steal = await api(bob, 'POST', `/api/dashboards/${bd}/widgets`, { type: 'table', title: 't', connection_uid: pg, sql: 'SELECT 1' });
  assert.equal(steal.status, 422);
});

test('the public link shows the cached results read-only and never runs a query', async () => {
  const d = await newDashboard('Public');
  const done = await addWidget(d, { type: 'chart', title: 'Genres', connection_uid: pg, sql: GENRES_PG, config: { kind: 'pie' } });
  const never = await addWidget(d, { type: 'counter', title: 'Never run', connection_uid: pg, sql: 'SELECT 42 AS never_run_marker' });
  await refresh(d, { widget_uid: done });
  const shared = await api(alice, 'POST', `/api/dashboards/${d}/share`, { is_public: true });
  assert.equal(shared.status, 200);
  const url = shared.json().url;
  assert.match(url, /^\/s\/dashboards\/[A-Za-z0-9_-]{43}$/);
  const count = Number(stack.sql('SELECT count(*) FROM db_queries'));
  const anon = new Client(stack.baseUrl);
  const page = await anon.get(url);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  assert.ok(page.text.includes('<figure class="chart chart-pie">'));
  assert.ok(page.text.includes('Rock · tracks: 1297'));
  assert.ok(page.text.includes('Not run yet'), 'the never-run widget stays empty');
  assert.ok(!page.text.includes('never_run_marker') && !page.text.includes('FROM track'), 'no SQL is shown');
  assert.ok(!page.text.includes('<form') && !page.text.includes('<script'));
  for (let i = 0; i < 3; i++) await anon.get(url);
  assert.equal(Number(stack.sql('SELECT count(*) FROM db_queries')), count, 'the anonymous viewer ran nothing');
  assert.equal(stack.sql(`SELECT count(*) FROM dashboard_widget_results r JOIN dashboard_widgets w ON w.id = r.widget_id WHERE w.uid = '${never}'`), '0');
  // Anonymous requests cannot refresh or read the API.
  assert.notEqual((await anon.request('POST', `/api/dashboards/${d}/refresh`, { json: {} })).status, 200);
  assert.equal((await anon.get(`/s/dashboards/${'A'.repeat(43)}`)).status, 404);
  // Turned off, the link is gone.
  assert.equal((await api(alice, 'POST', `/api/dashboards/${d}/share`, { is_public: false })).json().url, null);
  assert.equal((await anon.get(url)).status, 404);
});

test('hostile column names and values are escaped in the SVG, the data table and tables', async () => {
  const d = await newDashboard(`${HOSTILE} board`);
  const col = HOSTILE.replace(/"/g, '""');
  const sql = `SELECT '<script>alert(1)</script>' AS "${col}", 3 AS "n<b>" UNION ALL SELECT 'a&b', 5`;
  await addWidget(d, { type: 'chart', title: `${HOSTILE} chart`, connection_uid: pg, sql, config: { kind: 'bar', y: 'n<b>' } });
  await addWidget(d, { type: 'table', title: 'table', connection_uid: pg, sql });
  await addWidget(d, { type: 'counter', title: 'kpi', connection_uid: pg, sql: "SELECT '<script>x</script>' AS v" });
  const res = await refresh(d);
  for (const w of res.json().widgets) assert.equal(w.error, null, w.error);
  const html = (await alice.get(`/dashboards/${d}`)).text;
  assert.ok(!html.includes('<script>alert(1)') && !html.includes('<img src=x') && !html.includes('<b>'));
  assert.ok(!html.includes('<script>x'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('<th scope="col">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</th>'));
  assert.ok(html.includes('<title id="w-'), 'the chart is drawn');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp; chart</title>'));
  for (const w of res.json().widgets) assert.ok(!w.html.includes('<script') && !w.html.includes('<img'));
});

test('layout: positions are saved within the 12-column grid and refused outside it', async () => {
  const d = await newDashboard('Layout');
  const a = await addWidget(d, { type: 'counter', title: 'a', connection_uid: sqlite, sql: 'SELECT 1 AS one' });
  const b = await addWidget(d, { type: 'counter', title: 'b', connection_uid: sqlite, sql: 'SELECT 2 AS two' });
  const got = (await alice.get(`/api/dashboards/${d}`)).json().widgets;
  assert.deepEqual(got.map((w) => [w.x, w.y, w.w, w.h]), [[0, 0, 6, 4], [0, 4, 6, 4]], 'new widgets go below');
  const ok = await api(alice, 'PUT', `/api/dashboards/${d}`, { layout: [{ uid: a, x: 6, y: 0, w: 6, h: 3 }, { uid: b, x: 0, y: 0, w: 6, h: 5 }] });
  assert.equal(ok.status, 200, ok.text);
  const html = (await alice.get(`/dashboards/${d}`)).text;
  assert.match(html, new RegExp(`class="dash-widget gx-6 gw-6 gy-0 gh-3" id="widget-${a}"`));
  assert.match(html, new RegExp(`class="dash-widget gx-0 gw-6 gy-0 gh-5" id="widget-${b}"`));
  const bad = await api(alice, 'PUT', `/api/dashboards/${d}`, { layout: [{ uid: a, x: 8, y: 0, w: 6, h: 3 }] });
  assert.equal(bad.status, 422);
  const foreign = await api(alice, 'PUT', `/api/dashboards/${d}`, { layout: [{ uid: dash, x: 0, y: 0, w: 1, h: 1 }] });
  assert.equal(foreign.status, 422);
  assert.equal(stack.sql(`SELECT pos_x FROM dashboard_widgets WHERE uid = '${a}'`), '6', 'a refused layout changes nothing');
  assert.equal((await api(alice, 'POST', `/api/dashboards/${d}/widgets`, { type: 'chart', title: 'x', connection_uid: pg, sql: 'SELECT 1', config: { kind: 'donut' } })).status, 422);
  assert.equal((await api(alice, 'POST', `/api/dashboards/${d}/widgets`, { type: 'chart', title: 'x', connection_uid: pg, sql: 'SELECT 1', config: { kind: 'bar', colors: ['red'] } })).status, 422);
});

test('with scripts off: create a dashboard, add and edit a widget, refresh and share through forms', async () => {
  await alice.get(`/projects/${project}/dashboards`);
  const created = await alice.postForm(`/projects/${project}/dashboards`, { name: 'Forms', refresh_interval_s: '0' });
  assert.equal(created.status, 303);
  const d = created.headers.get('location').split('/').pop();
  const page = await alice.get(`/dashboards/${d}`);
  assert.ok(page.text.includes(`<option value="${pg}">chinook pg (postgres)</option>`));
  const add = await alice.postForm(`/dashboards/${d}/widgets`, { title: 'Genres', type: 'chart', connection_uid: pg,
    sql: GENRES_PG, kind: 'line', x_column: 'genre', y_columns: 'tracks', color: '#f59e0b', w: '12', h: '5' });
  assert.equal(add.status, 303, add.text.slice(0, 500));
  const w = add.headers.get('location').split('#widget-').pop();
  const bad = await alice.postForm(`/dashboards/${d}/widgets`, { title: 'kept <title>', type: 'table', connection_uid: pg, sql: 'SELECT 1', kind: 'bar', color: 'red' });
  assert.equal(bad.status, 422);
  assert.ok(bad.text.includes('config.colors: use the palette'), bad.text.slice(0, 300));
  assert.ok(bad.text.includes('value="kept &lt;title&gt;"'), 'the refused form shows what was posted');
  assert.ok(bad.text.includes('<option value="table" selected>'));
  assert.ok(bad.text.includes(`action="/dashboards/${d}/widgets"`));
  assert.equal((await alice.postForm(`/dashboards/${d}/refresh`, {})).status, 303);
  let html = (await alice.get(`/dashboards/${d}`)).text;
  assert.ok(html.includes('<figure class="chart chart-line">'));
  assert.ok(html.includes('stroke="#f59e0b"'));
  const edit = await alice.get(`/dashboards/${d}?edit=${w}`);
  assert.ok(edit.text.includes(`action="/widgets/${w}"`));
  assert.ok(edit.text.includes('value="tracks"'));
  assert.equal((await alice.postForm(`/widgets/${w}`, { title: 'Genres (pie)', type: 'chart', kind: 'pie', x_column: 'genre', y_columns: 'tracks', sql: GENRES_PG })).status, 303);
  html = (await alice.get(`/dashboards/${d}`)).text;
  assert.ok(html.includes('<figure class="chart chart-pie">'), 'the cached result drawn with the new config');
  assert.equal((await alice.postForm(`/dashboards/${d}/share`, { is_public: '1' })).status, 303);
  const token = stack.sql(`SELECT share_token FROM dashboards WHERE uid = '${d}'`);
  assert.ok((await alice.get(`/dashboards/${d}`)).text.includes(`/s/dashboards/${token}`));
  assert.equal((await alice.postForm(`/widgets/${w}/delete`, {})).status, 303);
  assert.equal(stack.sql(`SELECT count(*) FROM dashboard_widgets WHERE uid = '${w}'`), '0');
  assert.equal((await alice.postForm(`/dashboards/${d}/delete`, {})).status, 303);
  assert.equal((await alice.get(`/dashboards/${d}`)).status, 404);
});
