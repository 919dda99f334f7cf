// tests/integration/dbws.test.js — the database workspace against real servers
// (tests/lib/dbservers.js: a second PostgreSQL cluster, a MariaDB server and an SQLite file, all
// holding Chinook): connections and their sealed passwords, "test connection", the outbound
// policy (link-local, unix sockets, Cardinality's own database; loopback without
// CARD_DB_ALLOW_LOOPBACK on a second stack), schema import equal to the DDL import of the same
// file, drift after ALTER TABLE, statement timeout and cancel, the row cap, read-only
// enforcement, history, escaping on the page, and another user's connection.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startStack } = require('../lib/stack.js');
const { startDbServers, CORPUS } = require('../lib/dbservers.js');
const { Client } = require('../lib/client.js');

const HOSTILE = '<script>alert(1)</script>"\'&';
let stack, dbs, alice, bob, project;

test.before(async () => {
  dbs = await startDbServers();
  stack = await startStack({ env: { CARD_DB_ALLOW_LOOPBACK: '1' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  project = await alice.createProject('Databases');
  bob = new Client(stack.baseUrl);
  await bob.signup();
});
test.after(async () => {
  // the database servers stop even when the stack's stop reports sanitizer findings (which
  // throws): a server left running would keep this test file from ever ending
  try {
    if (stack) stack.stop();
  } finally {
    if (dbs) await dbs.stop();
  }
});

function pgFields(extra = {}, options = {}) {
  return { name: 'chinook pg', type: 'postgres', host: dbs.pg.host, port: dbs.pg.port, database: dbs.pg.database,
    user: dbs.pg.user, password: dbs.pg.password, project_uid: project, options, ...extra };
}
function mariaFields(extra = {}, options = {}) {
  return { name: 'chinook maria', type: 'mysql', host: dbs.maria.host, port: dbs.maria.port, database: dbs.maria.database,
    user: dbs.maria.user, password: dbs.maria.password, project_uid: project, options, ...extra };
}
function sqliteFields(extra = {}, options = {}) {
  return { name: 'chinook sqlite', type: 'sqlite', sqlite_base64: dbs.sqlite.bytes.toString('base64'),
    project_uid: project, options, ...extra };
}

async function create(client, fields) {
  const res = await client.request('POST', '/api/connections', { json: fields });
  assert.equal(res.status, 201, res.text);
  return res.json().uid;
}
const query = (client, uid, sql) => client.request('POST', `/api/connections/${uid}/query`, { json: { sql } });

test('a MariaDB session is kept between queries, reset in between, and keeps its sign-in settings', async () => {
  const uid = await create(alice, mariaFields({}, { read_only: true, statement_timeout_ms: 20000 }));
  const one = async (sql) => {
    const res = await query(alice, uid, sql);
    assert.equal(res.status, 200, res.text);
    return res.json().rows[0][0];
  };
  const id = await one('SELECT CONNECTION_ID()');
  assert.equal(await one('SELECT CONNECTION_ID()'), id, 'the second query ran on the same session');
  // what a query left in the session is gone by the next (mysql_reset_connection)
  await one("SET @left_behind = 'x'; SELECT 1");
  assert.equal(await one('SELECT @left_behind'), null);
  await one("SET SESSION sql_mode = 'ANSI_QUOTES'; SELECT 1");
  assert.doesNotMatch(String(await one('SELECT @@SESSION.sql_mode')), /ANSI_QUOTES/);
  // the sign-in settings hold after the reset: the time bound and read-only
  assert.equal(Number(await one('SELECT @@SESSION.max_statement_time')), 20);
  const w = await query(alice, uid, 'DELETE FROM InvoiceLine');
  assert.equal(w.status, 422, w.text);
  assert.match(w.json().message, /read only|read-only/i);
  assert.equal(await one('SELECT CONNECTION_ID()'), id, 'a failed statement does not cost the session');
  // a session the server ended is not reused
  dbs.maria.sql(`KILL CONNECTION ${id}`);
  await new Promise((r) => setTimeout(r, 200));
  assert.notEqual(await one('SELECT CONNECTION_ID()'), id);
});

test('a connection is created, listed and shown without its password, which is sealed at rest', async () => {
  const uid = await create(alice, pgFields());
  const got = await alice.get(`/api/connections/${uid}`);
  assert.equal(got.status, 200);
  const c = got.json();
  assert.equal(c.uid, uid);
  assert.equal(c.host, dbs.pg.host);
  assert.equal(c.database, 'chinook');
  assert.equal(c.has_password, true);
  assert.ok(!('password' in c));
  assert.ok(!got.text.includes(dbs.pg.password));
  const list = (await alice.get('/api/connections')).json().connections;
  assert.ok(list.some((x) => x.uid === uid));
  assert.ok(!JSON.stringify(list).includes(dbs.pg.password));
  const stored = stack.sql(`SELECT password FROM db_accounts WHERE uid = '${uid}'`);
  assert.match(stored, /^v1:/);
  assert.ok(!stored.includes(dbs.pg.password));
});

test('test connection: PostgreSQL, MariaDB and SQLite answer their versions; a bad password does not', async () => {
  for (const [fields, re] of [[pgFields(), /^PostgreSQL \d+/], [mariaFields(), /^MariaDB /], [sqliteFields(), /^SQLite 3\./]]) {
    const uid = await create(alice, fields);
    const res = await alice.request('POST', `/api/connections/${uid}/test`);
    assert.equal(res.status, 200);
    assert.equal(res.json().ok, true, res.text);
    assert.match(res.json().server_version, re);
    assert.equal((await alice.get(`/api/connections/${uid}`)).json().is_valid, true);
  }
  for (const fields of [pgFields({ password: 'wrong' }), mariaFields({ password: 'wrong' })]) {
    const uid = await create(alice, fields);
    const res = (await alice.request('POST', `/api/connections/${uid}/test`)).json();
    assert.equal(res.ok, false);
    assert.equal(res.error, 'connect');
    assert.match(res.message, /password|denied/i);
    assert.equal((await alice.get(`/api/connections/${uid}`)).json().is_valid, false);
  }
});

test('the outbound policy refuses link-local, unix sockets and Cardinality\'s own database', async () => {
  for (const [host, port] of [['169.254.169.254', 5432], [stack.pgSocketDir, 5432], ['127.0.0.1', 5432], ['localhost', 5432]]) {
    const uid = await create(alice, pgFields({ host, port }));
    const res = (await alice.request('POST', `/api/connections/${uid}/test`)).json();
    assert.equal(res.ok, false, `${host}: ${JSON.stringify(res)}`);
    assert.equal(res.error, 'policy', `${host}: ${res.message}`);
    const q = await query(alice, uid, 'SELECT 1');
    assert.equal(q.status, 422);
    assert.equal(q.json().error, 'policy');
  }
});

async function newDiagram(title) {
  return alice.createFile(project, 'diagram', title);
}
function counts(model) {
  return { tables: model.entities.length, columns: model.entities.reduce((n, e) => n + e.columns.length, 0),
    fks: model.relationships.length };
}

test('schema import equals the DDL import of the same Chinook file, for each database', async () => {
  for (const [fields, file, dialect] of [[pgFields(), 'chinook.postgresql.sql', 'postgres'],
    [mariaFields(), 'chinook.mysql.sql', 'mysql'], [sqliteFields(), 'chinook.sqlite.sql', 'sqlite']]) {
    const uid = await create(alice, fields);
    const live = await newDiagram(`live ${dialect}`);
    const res = await alice.request('POST', `/api/connections/${uid}/import-schema`, { json: { diagram_uid: live } });
    assert.equal(res.status, 200, res.text);
    const model = res.json();
    assert.equal(model.uid, live);
    assert.deepEqual(counts(model), { tables: 11, columns: 64, fks: 11 }, dialect);
    assert.deepEqual(counts((await alice.get(`/api/diagrams/${live}`)).json()), counts(model));
    const ddl = await newDiagram(`ddl ${dialect}`);
    const imp = await alice.request('POST', `/api/diagrams/${ddl}/import?dialect=${dialect}&preview=1`, {
      body: fs.readFileSync(path.join(CORPUS, file)), headers: { 'Content-Type': 'application/sql' } });
    assert.equal(imp.status, 200, imp.text);
    const ddlModel = imp.json().model;
    assert.deepEqual(counts(model), counts(ddlModel), dialect);
    const names = (m) => m.entities.map((e) => e.name.toLowerCase()).sort();
    assert.deepEqual(names(model), names(ddlModel));
    // laid out like a DDL import: no two tables at the same place
    assert.equal(new Set(model.entities.map((e) => `${e.x},${e.y}`)).size, 11);
    const cached = stack.sql(`SELECT count(*) FROM db_table_schema s JOIN db_accounts a ON a.id = s.account_id WHERE a.uid = '${uid}'`);
    assert.equal(cached, '11');
  }
});

test('compare: an ALTER TABLE on the live database shows up as drift with the migration both ways', async () => {
  const uid = await create(alice, pgFields({}, { read_only: false }));
  const d = await newDiagram('drift');
  assert.equal((await alice.request('POST', `/api/connections/${uid}/import-schema`, { json: { diagram_uid: d } })).status, 200);
  const same = (await alice.get(`/api/connections/${uid}/compare?diagram_uid=${d}`)).json();
  assert.equal(same.changes.length, 0, JSON.stringify(same.changes));
  dbs.pg.sql('ALTER TABLE artist ADD COLUMN born_year int');
  try {
    const res = await alice.get(`/api/connections/${uid}/compare?diagram_uid=${d}`);
    assert.equal(res.status, 200, res.text);
    const cmp = res.json();
    const change = cmp.changes.find((c) => c.kind === 'column' && c.column === 'born_year');
    assert.ok(change, JSON.stringify(cmp.changes));
    assert.equal(change.action, 'removed');
    assert.match(cmp.migration_sql, /DROP COLUMN "?born_year"?/i);
    assert.match(cmp.reverse_sql, /ADD COLUMN "?born_year"?/i);
    // never executed: the column is still there
    assert.equal(dbs.pg.sql("SELECT count(*) FROM information_schema.columns WHERE column_name = 'born_year'"), '1');
  } finally {
    dbs.pg.sql('ALTER TABLE artist DROP COLUMN born_year');
  }
});

test('queries: columns, rows, types, NULLs and the row cap', async () => {
  const uid = await create(alice, pgFields({}, { row_limit: 100 }));
  const res = await query(alice, uid, 'SELECT track_id, name, composer FROM track ORDER BY track_id');
  assert.equal(res.status, 200, res.text);
  const r = res.json();
  assert.deepEqual(r.columns.map((c) => c.name), ['track_id', 'name', 'composer']);
  assert.deepEqual(r.columns.map((c) => c.type), ['integer', 'character varying(200)', 'character varying(220)']);
  assert.equal(r.row_count, 100);
  assert.equal(r.rows.length, 100);
  assert.equal(r.truncated, true);
  assert.equal(r.rows[0][0], 1);
  assert.ok(r.rows.some((row) => row[2] === null));
  assert.equal(typeof r.duration_ms, 'number');
  const all = await create(alice, pgFields());
  const big = (await query(alice, all, 'SELECT g FROM generate_series(1, 20000) g')).json();
  assert.equal(big.row_count, 10000);
  assert.equal(big.truncated, true);
  const small = (await query(alice, all, 'SELECT g FROM generate_series(1, 5) g')).json();
  assert.equal(small.truncated, false);
  for (const fields of [mariaFields({}, { row_limit: 50 }), sqliteFields({}, { row_limit: 50 })]) {
    const u = await create(alice, fields);
    const m = (await query(alice, u, 'SELECT * FROM Track')).json();
    assert.equal(m.row_count, 50);
    assert.equal(m.truncated, true);
  }
  const bad = await query(alice, all, 'SELECT nosuchcolumn FROM track');
  assert.equal(bad.status, 422);
  assert.match(bad.json().message, /nosuchcolumn/);
  assert.equal(bad.json().position, 8);
});

test('statement timeout and cancel stop long queries', async () => {
  const short = await create(alice, pgFields({}, { statement_timeout_ms: 1000 }));
  let t0 = Date.now();
  const res = await query(alice, short, 'SELECT pg_sleep(8)');
  assert.equal(res.status, 422);
  assert.equal(res.json().error, 'timeout');
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);

  const long = await create(alice, pgFields({}, { statement_timeout_ms: 20000 }));
  t0 = Date.now();
  const running = query(alice, long, 'SELECT pg_sleep(15)');
  await new Promise((r) => setTimeout(r, 800));
  const cancel = await alice.request('POST', `/api/connections/${long}/cancel`);
  assert.equal(cancel.status, 200);
  assert.equal(cancel.json().cancelled, 1);
  const done = await running;
  assert.equal(done.status, 422);
  assert.match(done.json().message, /cancel/i);
  assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);

  const maria = await create(alice, mariaFields({}, { statement_timeout_ms: 20000 }));
  t0 = Date.now();
  const mRunning = query(alice, maria, 'SELECT SLEEP(15)');
  await new Promise((r) => setTimeout(r, 800));
  assert.equal((await alice.request('POST', `/api/connections/${maria}/cancel`)).json().cancelled, 1);
  await mRunning;
  assert.ok(Date.now() - t0 < 6000, `MariaDB KILL QUERY took ${Date.now() - t0} ms`);

  const lite = await create(alice, sqliteFields({}, { statement_timeout_ms: 500 }));
  t0 = Date.now();
  const lres = await query(alice, lite, 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
  assert.equal(lres.status, 422);
  assert.equal(lres.json().error, 'timeout');
  assert.ok(Date.now() - t0 < 4000);
});

test('read-only connections refuse writes and change nothing', async () => {
  const pg = await create(alice, pgFields({}, { read_only: true }));
  const before = dbs.pg.sql('SELECT count(*) FROM invoice_line');
  const w = await query(alice, pg, 'DELETE FROM invoice_line');
  assert.equal(w.status, 422);
  assert.match(w.json().message, /read-only/i);
  assert.equal(dbs.pg.sql('SELECT count(*) FROM invoice_line'), before);

  const maria = await create(alice, mariaFields({}, { read_only: true }));
  const mb = dbs.maria.sql('SELECT count(*) FROM InvoiceLine');
  const mw = await query(alice, maria, 'DELETE FROM InvoiceLine');
  assert.equal(mw.status, 422);
  assert.match(mw.json().message, /read only|read-only/i);
  assert.equal(dbs.maria.sql('SELECT count(*) FROM InvoiceLine'), mb);

  const lite = await create(alice, sqliteFields({}, { read_only: true }));
  const lw = await query(alice, lite, 'DELETE FROM InvoiceLine');
  assert.equal(lw.status, 422);
  assert.equal((await query(alice, lite, 'SELECT count(*) FROM InvoiceLine')).json().rows[0][0], 2240);

  // a read-write SQLite connection keeps its change
  const rw = await create(alice, sqliteFields({}, { read_only: false }));
  assert.equal((await query(alice, rw, 'DELETE FROM InvoiceLine WHERE InvoiceLineId <= 40')).status, 200);
  assert.equal((await query(alice, rw, 'SELECT count(*) FROM InvoiceLine')).json().rows[0][0], 2200);
});

test('every query is in the history, searchable', async () => {
  const uid = await create(alice, pgFields());
  await query(alice, uid, 'SELECT 42 AS answer_one');
  await query(alice, uid, 'SELECT broken syntax here');
  const all = (await alice.get(`/api/connections/${uid}/history`)).json().history;
  assert.equal(all.length, 2);
  assert.equal(all[0].sql, 'SELECT broken syntax here');
  assert.ok(all[0].error);
  assert.equal(all[1].row_count, 1);
  assert.equal(all[1].error, null);
  assert.equal(typeof all[1].duration_ms, 'number');
  const found = (await alice.get(`/api/connections/${uid}/history?q=ANSWER_ONE`)).json().history;
  assert.deepEqual(found.map((h) => h.sql), ['SELECT 42 AS answer_one']);
  assert.deepEqual((await alice.get(`/api/connections/${uid}/history?q=${encodeURIComponent("%' OR 1=1 --")}`)).json().history, []);
});

test('the workspace page works without JavaScript and escapes hostile names and values', async () => {
  const res = await alice.postForm(`/projects/${project}/databases`, {
    name: `conn ${HOSTILE}`, type: 'postgres', host: dbs.pg.host, port: String(dbs.pg.port), database: 'chinook',
    user: dbs.pg.user, password: dbs.pg.password, read_only: '1', test: '1' });
  // "test" connects to the database: the form is sent on (307, the same POST) to the query worker's route
  assert.equal(res.status, 307, res.text.slice(0, 500));
  const loc = res.headers.get('location');
  const uid = /^\/projects\/[^/]+\/databases\/([^/]+)\/test$/.exec(loc)[1];
  const page = await alice.postForm(loc, {});
  assert.equal(page.status, 200);
  assert.match(page.text, /connected \(PostgreSQL/);
  assert.ok(!page.text.includes(HOSTILE));
  assert.ok(page.text.includes('conn &lt;script&gt;'));
  assert.match(page.text, /connected: PostgreSQL/);
  const q = await alice.postForm(`/projects/${project}/databases/${uid}/query`, {
    sql: `SELECT 'x${HOSTILE.replace(/'/g, "''")}' AS "${HOSTILE.replace(/"/g, '""')}", NULL AS nothing` });
  assert.equal(q.status, 200);
  assert.ok(!q.text.includes('<script>alert(1)</script>'));
  assert.match(q.text, /<table class="data-table" id="results">/);
  assert.match(q.text, /<span class="null">NULL<\/span>/);
  assert.match(q.text, /1 rows in/);
  assert.ok(!q.text.includes(dbs.pg.password));
  const err = await alice.postForm(`/projects/${project}/databases/${uid}/query`, { sql: 'DELETE FROM track' });
  assert.equal(err.status, 422);
  assert.match(err.text, /read-only/);
  const del = await alice.postForm(`/projects/${project}/databases/${uid}/delete`, {});
  assert.equal(del.status, 303);
  assert.equal((await alice.get(`/api/connections/${uid}`)).status, 404);
});

test('another user\'s connection is 404 everywhere', async () => {
  const uid = await create(alice, pgFields());
  assert.equal((await bob.get(`/api/connections/${uid}`)).status, 404);
  assert.equal((await bob.request('POST', `/api/connections/${uid}/test`)).status, 404);
  assert.equal((await query(bob, uid, 'SELECT 1')).status, 404);
  assert.equal((await bob.get(`/api/connections/${uid}/history`)).status, 404);
  assert.equal((await bob.request('DELETE', `/api/connections/${uid}`)).status, 404);
  assert.ok(!(await bob.get('/api/connections')).json().connections.some((c) => c.uid === uid));
  assert.equal((await alice.get(`/api/connections/${uid}`)).status, 200);
  assert.equal((await alice.request('DELETE', `/api/connections/${uid}`)).status, 204);
});

test('plaintext passwords another writer left are sealed at start-up and still work', async () => {
  const uid = await create(alice, pgFields());
  stack.sql(`UPDATE db_accounts SET password = '${dbs.pg.password}' WHERE uid = '${uid}'`);
  assert.equal((await alice.request('POST', `/api/connections/${uid}/test`)).json().ok, true);
  const master = stack.masterPid();
  process.kill(master, 'SIGTERM');
  await stack.waitGone([master]);
  stack.instanceStart(0);
  assert.match(stack.sql(`SELECT password FROM db_accounts WHERE uid = '${uid}'`), /^v1:/);
  assert.equal((await alice.request('POST', `/api/connections/${uid}/test`)).json().ok, true);
});

test('without CARD_DB_ALLOW_LOOPBACK, loopback addresses are refused', async () => {
  const strict = await startStack({ workers: 1, threads: 2 });
  try {
    const carol = new Client(strict.baseUrl);
    await carol.signup();
    const uid = await create(carol, pgFields({ project_uid: undefined }));
    const res = (await carol.request('POST', `/api/connections/${uid}/test`)).json();
    assert.equal(res.ok, false);
    assert.equal(res.error, 'policy');
    assert.match(res.message, /loopback/);
  } finally {
    strict.stop();
  }
});
