// tests/browser/sqleditor.test.js — the SQL editor island (editors/src/sqleditor.entry.js) in
// headless Chromium against the real stack and a real PostgreSQL holding Chinook
// (tests/lib/dbservers.js): write two statements in CodeMirror, run them with Ctrl+Enter, see
// one result tab each and the grid (types, NULL drawn apart, only the visible rows in the DOM);
// a write is confirmed first; an error's position is marked in the editor; then edit a cell in
// the table explorer, review the SQL and apply it, and find the change in the database.
// No CSP violation, no page error.  Also the statement splitter (sqleditor/split.js) in node.
//
// Selectors (editors/src/sqleditor*.js): #sqleditor[data-ready], #sq-editor .cm-content,
// #sq-results (.sq-grid-row, .sq-grid-td, .sq-null), #sq-meta, .sq-tab, #sq-status,
// #sq-explorer: #sq-ex-table, .sq-grid-td, .sq-cell-input, #sq-ex-review, #sq-ex-sql, #sq-ex-apply.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');
const { startDbServers } = require('../lib/dbservers.js');

let stack, browser, dbs;
test.before(async () => {
  dbs = await startDbServers();
  stack = await startStack({ env: { CARD_DB_ALLOW_LOOPBACK: '1' } });
  browser = await newBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (stack) stack.stop();
  if (dbs) await dbs.stop();
});

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const problems = [];
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await (page.acceptDialogs ? d.accept() : d.dismiss()); });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    else if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems, dialogs };
}

/** until: poll fn in the page until it returns true (the page's policy forbids the eval that
 *  page.waitForFunction's polling uses). */
async function until(page, fn, arg, ms = 15000) {
  const end = Date.now() + ms;
  while (!(await page.evaluate(fn, arg))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** api: a JSON call from the page (its cookie and CSRF token). */
function api(page, method, url, body) {
  return page.evaluate(async ([m, u, b]) => {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const res = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: b ? JSON.stringify(b) : undefined });
    return { status: res.status, data: await res.json().catch(() => null) };
  }, [method, url, body]);
}

test('write and run a query with Ctrl+Enter, see the grid, then edit a cell in the explorer', async () => {
  const { page, problems, dialogs } = await newPage();
  await signUp(page, stack.baseUrl);
  await page.goto(`${stack.baseUrl}/projects/new`).catch(() => {});
  const project = await page.evaluate(async () => {
    const token = document.querySelector('meta[name="csrf-token"]').content;
    const res = await fetch('/projects', { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'SQL', color: '#6366f1', csrf_token: token }) });
    return res.status;
  });
  assert.ok([0, 303].includes(project), `project: ${project}`);   // opaque redirect
  await page.goto(`${stack.baseUrl}/dashboard`);
  const projectUid = await page.evaluate(() => [...document.querySelectorAll('a[href^="/projects/"]')]
    .map((a) => a.getAttribute('href').split('/')[2]).find((u) => /^[0-9a-f-]{36}$/.test(u)));
  assert.ok(projectUid, 'the new project is listed');
  const made = await api(page, 'POST', '/api/connections', { name: 'chinook', type: 'postgres', host: dbs.pg.host,
    port: dbs.pg.port, database: dbs.pg.database, user: dbs.pg.user, password: dbs.pg.password, project_uid: projectUid });
  assert.equal(made.status, 201, JSON.stringify(made.data));
  const conn = made.data.uid;

  await page.goto(`${stack.baseUrl}/projects/${projectUid}/databases?conn=${conn}`);
  await page.waitForSelector('#sqleditor[data-ready="1"]');
  assert.equal(await page.isVisible('#sql-form-view'), false, 'the server form is replaced by the editor');

  // Two statements, run with Ctrl+Enter: one result tab each.
  await page.click('#sq-editor .cm-content');
  await page.keyboard.type('SELECT track_id, name, composer FROM track ORDER BY composer NULLS FIRST, track_id;\nSELECT count(*) AS n FROM artist');
  assert.match(await page.locator('#sq-editor .cm-content').innerText(), /SELECT\s+track_id/);
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.sq-tab >> nth=1');
  await until(page, () => /statement\(s\) ran/.test(document.querySelector('#sq-status').textContent));
  assert.equal(await page.locator('.sq-tab').count(), 2);
  assert.match(await page.locator('#sq-meta').innerText(), /^1 row ·/);
  assert.equal(await page.locator('#sq-results .sq-grid-td').first().innerText(), '275');
  await page.click('#sq-tab-0');
  assert.match(await page.locator('#sq-meta').innerText(), /^3503 rows ·/);
  assert.equal(await page.locator('#sq-results .sq-grid-th').first().innerText(), 'track_id\ninteger');
  const drawn = await page.locator('#sq-results .sq-grid-row').count();
  assert.ok(drawn > 5 && drawn < 100, `only the visible rows are drawn (${drawn} of 3503)`);
  assert.ok(await page.locator('#sq-results .sq-null').count() > 0, 'NULL composers drawn as NULL');
  // Scrolling draws rows further down.
  await page.locator('#sq-results .sq-grid').evaluate((g) => { g.scrollTop = 28 * 3000; });
  await page.waitForSelector('#sq-results .sq-grid-row[data-row="3000"]');

  // A write is confirmed first; dismissed, it does not run.
  await page.click('#sq-editor .cm-content');
  await page.keyboard.press('Control+a');
  await page.keyboard.type("UPDATE artist SET name = 'X' WHERE artist_id = 1");
  await page.keyboard.press('Control+Enter');
  await until(page, () => /Not run/.test(document.querySelector('#sq-status').textContent));
  assert.match(dialogs.pop(), /will change the database/);
  assert.equal(dbs.pg.sql('SELECT name FROM artist WHERE artist_id = 1'), 'AC/DC');

  // An error's position is marked in the editor.
  await page.keyboard.press('Control+a');
  await page.keyboard.type('SELECT nosuchcolumn FROM track');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('#sq-results .sq-error');
  await page.waitForSelector('#sq-editor .cm-lintRange-error');
  assert.equal(await page.locator('#sq-editor .cm-lintRange-error').first().innerText(), 'nosuchcolumn');

  // The explorer: open artist, edit the name of artist 1, review and apply.
  await page.selectOption('#sq-ex-table', 'artist');
  await page.waitForSelector('#sq-explorer .sq-grid-row[data-row="0"]');
  assert.match(await page.locator('#sq-ex-count').innerText(), /275 rows/);
  const cell = page.locator('#sq-explorer .sq-grid-row[data-row="0"] .sq-grid-td[data-col="1"]');
  assert.equal(await cell.innerText(), 'AC/DC');
  await cell.dblclick();
  await page.fill('#sq-explorer .sq-cell-input', 'AC/DC (live)');
  await page.keyboard.press('Enter');
  await page.click('#sq-ex-review');
  await page.waitForSelector('#sq-ex-sql');
  assert.match(await page.locator('#sq-ex-sql').innerText(), /^UPDATE "artist" SET "name" = \$1 WHERE "artist_id" = \$2;.*"AC\/DC \(live\)","1"/);
  assert.equal(dbs.pg.sql('SELECT name FROM artist WHERE artist_id = 1'), 'AC/DC', 'nothing runs before Apply');
  await page.click('#sq-ex-apply');
  await until(page, () => /Applied 1 change/.test(document.querySelector('#sq-status').textContent));
  assert.equal(dbs.pg.sql('SELECT name FROM artist WHERE artist_id = 1'), 'AC/DC (live)');
  await until(page, () => document.querySelector('#sq-explorer .sq-grid-row[data-row="0"] .sq-grid-td[data-col="1"]')?.textContent === 'AC/DC (live)');

  // Sorting by a header is remembered for this table.
  await page.click('#sq-explorer .sq-grid-th[data-col="1"]');
  await until(page, () => document.querySelector('#sq-explorer .sq-grid-th[data-col="1"]').getAttribute('aria-sort') === 'ascending');
  const state = await api(page, 'GET', `/api/connections/${conn}/tables/artist/state`);
  assert.equal(state.data.state.sort, 'name');

  assert.deepEqual(problems, []);
  await page.close();
});

test('statements are split where the database would split them, and writes are told from reads', async () => {
  const { splitStatements, isWrite } = await import('../../editors/src/sqleditor/split.js');
  const texts = (sql, d) => splitStatements(sql, d).map((s) => s.text);
  assert.deepEqual(texts("SELECT 1; SELECT ';' AS x -- a ; comment\n; /* ; */ SELECT 2;"),
    ['SELECT 1', "SELECT ';' AS x -- a ; comment", '/* ; */ SELECT 2']);
  assert.deepEqual(texts("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT $tag$ ; $tag$", 'postgres'),
    ['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', 'SELECT $tag$ ; $tag$']);
  assert.deepEqual(texts("SELECT 'it''s; fine'; SELECT \"a;b\" FROM t", 'sqlite'), ["SELECT 'it''s; fine'", 'SELECT "a;b" FROM t']);
  assert.deepEqual(texts("SELECT 'a\\'; b'; SELECT `x;y` # c;\n FROM t", 'mysql'), ["SELECT 'a\\'; b'", 'SELECT `x;y` # c;\n FROM t']);
  assert.deepEqual(texts('  ;; -- only a comment\n ;'), []);
  const [one, two] = splitStatements('SELECT 1;\n  SELECT 2');
  assert.deepEqual([one.from, one.to, two.from, two.to], [0, 8, 12, 20]);
  for (const r of ['SELECT 1', '  select * from t', 'WITH x AS (SELECT 1) SELECT * FROM x', 'EXPLAIN SELECT 1', 'SHOW tables',
    "-- c\nSELECT 'delete'", "WITH x AS (SELECT 'update') SELECT 1"]) assert.equal(isWrite(r), false, r);
  for (const w of ['UPDATE t SET a = 1', 'delete from t', 'INSERT INTO t VALUES (1)', 'DROP TABLE t', 'CREATE TABLE t (a int)',
    'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'EXPLAIN ANALYZE DELETE FROM t', 'TRUNCATE t', 'GRANT ALL ON t TO x'])
    assert.equal(isWrite(w), true, w);
});
