// tests/integration/import_budget.test.js — hostile SQL imports over the real stack (issue 15):
// a CREATE TABLE … AS SELECT over an endless recursive query, a file past the 10,000-table limit
// and a file past the time budget (CARD_IMPORT_SECONDS) each answer 422 with a message saying
// why, and — one worker with two threads here — several at once leave the service answering.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const IMPORT_SECONDS = 2;
let stack;
let alice;
let project;
test.before(async () => {
  stack = await startStack({ workers: 1, threads: 2, env: { CARD_IMPORT_SECONDS: String(IMPORT_SECONDS) } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  project = await alice.createProject('Import budgets');
});
test.after(() => stack && stack.stop());

const sqlHeaders = { 'Content-Type': 'application/sql' };
const RECURSIVE = 'CREATE TABLE t AS SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c);\n';

function tables(n) {
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, ref INTEGER REFERENCES t${i ? i - 1 : 0} (id));`);
  return lines.join('\n') + '\n';
}

/** slowSql: 1,000 tables, then renames that each make SQLite re-check every table: minutes of work. */
function slowSql() {
  const parts = [tables(1000)];
  for (let i = 0; i < 100000; i++) parts.push(i % 2 ? 'ALTER TABLE t0 RENAME COLUMN nm TO name;' : 'ALTER TABLE t0 RENAME COLUMN name TO nm;');
  return parts.join('\n');
}

/** importSql: POST body as a SQLite import into a fresh diagram; the response and its time. */
async function importSql(body, dialect = 'sqlite') {
  const uid = await alice.createFile(project, 'diagram', 'Hostile');
  const t0 = Date.now();
  const res = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=${dialect}`, { body, headers: sqlHeaders });
  return { res, ms: Date.now() - t0 };
}

async function assertHealthy() {
  const t0 = Date.now();
  const h = await alice.get('/healthz');
  assert.equal(h.status, 200);
  return Date.now() - t0;
}

test('CREATE TABLE … AS SELECT over an endless recursive query: 422 at once, service healthy', async () => {
  const { res, ms } = await importSql(RECURSIVE);
  console.log(`# recursive CTE import answered ${res.status} in ${ms} ms`);
  assert.equal(res.status, 422, res.text);
  assert.match(res.json().message, /AS SELECT is not imported/);
  assert.equal(res.json().line, 1);
  await assertHealthy();
});

test('10,001 SQLite tables: 422 naming the limit and the line where it was reached', async () => {
  const { res, ms } = await importSql(tables(10001));
  console.log(`# 10,001-table import answered ${res.status} in ${ms} ms`);
  assert.equal(res.status, 422, res.text);
  assert.match(res.json().message, /more than 10000 tables/);
  assert.equal(res.json().line, 10001);
});

test(`an import past CARD_IMPORT_SECONDS=${IMPORT_SECONDS}: 422 saying so`, async () => {
  const { res, ms } = await importSql(slowSql());
  console.log(`# slow import answered ${res.status} in ${ms} ms`);
  assert.equal(res.status, 422, res.text);
  assert.match(res.json().message, new RegExp(`took longer than ${IMPORT_SECONDS} s`));
});

test('eight hostile imports at once (two threads): all 422, then the service answers', async () => {
  const bodies = [];
  for (let i = 0; i < 6; i++) bodies.push(RECURSIVE);
  bodies.push(slowSql(), slowSql());
  const t0 = Date.now();
  const results = await Promise.all(bodies.map((b) => importSql(b)));
  console.log(`# eight concurrent hostile imports done in ${Date.now() - t0} ms`);
  for (const { res } of results) assert.equal(res.status, 422, res.text);
  const ms = await assertHealthy();
  console.log(`# healthz afterwards in ${ms} ms`);
  // and a good import still works
  const good = await importSql('CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (a_id INTEGER REFERENCES a (id));\n');
  assert.equal(good.res.status, 200, good.res.text);
});
