// tests/integration/import_task.test.js — large diagram imports as background tasks (issue 12)
// over the real stack: POST …/import?async=1 answers 202 with a task that shows progress and
// ends with the same model the synchronous import makes (Chinook, 600 KB); a bad file fails the
// task with the line and message and leaves the diagram as it was; bad requests (preview with
// async, a wrong dialect, an empty body, no CSRF token, another user's diagram) are refused at
// once and queue nothing; another user cannot read the task.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const CORPUS = process.env.DDL_CORPUS_DIR || path.resolve(__dirname, '..', '..', '..', 'shared', 'ddl-corpus');
const STEP_MS = 100;
let stack, alice, bob, project;
test.before(async () => {
  stack = await startStack({ env: { CARD_TASK_STEP_MS: String(STEP_MS) } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
  project = await alice.createProject('Import tasks');
});
test.after(() => stack && stack.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SQL = { 'Content-Type': 'application/sql' };

async function waitTask(c, uid, ms = 60000) {
  const end = Date.now() + ms;
  const seen = [];
  while (Date.now() < end) {
    const res = await c.get(`/api/tasks/${uid}`);
    assert.equal(res.status, 200, res.text);
    const t = res.json();
    seen.push(t.status);
    if (!['queued', 'running'].includes(t.status)) return { task: t, seen };
    await sleep(50);
  }
  throw new Error(`task ${uid} did not finish`);
}

const counts = (m) => ({ tables: m.entities.length, relationships: m.relationships.length,
  columns: m.entities.reduce((n, e) => n + e.columns.length, 0) });

test('Chinook (600 KB) imported as a task: 202, progress, the same model as a direct import', async () => {
  const file = path.join(CORPUS, 'chinook.postgresql.sql');
  assert.ok(fs.existsSync(file), `test data ${file} is missing (set DDL_CORPUS_DIR)`);
  const sql = fs.readFileSync(file);
  const uid = await alice.createFile(project, 'diagram', 'Chinook async');
  const res = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&async=1`, { body: sql, headers: SQL });
  assert.equal(res.status, 202, res.text);
  const { task_uid: taskUid } = res.json();
  assert.match(taskUid, /^[0-9a-f-]{36}$/);
  const { task, seen } = await waitTask(alice, taskUid);
  assert.equal(task.status, 'succeeded', JSON.stringify(task));
  assert.equal(task.kind, 'import');
  assert.equal(task.progress, 100);
  assert.ok(seen.includes('running') || seen.includes('queued'), `the task was seen before it ended: ${seen}`);
  assert.equal(task.result.diagram_uid, uid);
  assert.equal(task.result.tables, 11);
  assert.ok(task.log.some((l) => /Reading 587 KB of postgres/.test(l.message)), JSON.stringify(task.log));
  assert.ok(task.log.some((l) => /Imported 11 tables/.test(l.message)), JSON.stringify(task.log));
  const model = (await alice.get(`/api/diagrams/${uid}`)).json();
  assert.deepEqual(counts(model), { tables: 11, columns: 64, relationships: 11 });
  // the same file imported directly gives the same tables and columns
  const other = await alice.createFile(project, 'diagram', 'Chinook sync');
  const direct = await alice.request('POST', `/api/diagrams/${other}/import?dialect=postgres`, { body: sql, headers: SQL });
  assert.equal(direct.status, 200, direct.text.slice(0, 300));
  const shape = (m) => m.entities.map((e) => [e.name, e.columns.map((c) => [c.name, c.type])]).sort();
  assert.deepEqual(shape(model), shape(direct.json()));
  // the history has the snapshot taken before the import
  const hist = await alice.get(`/api/diagrams/${uid}/history`);
  assert.equal(hist.status, 200, hist.text);
  assert.ok(JSON.stringify(hist.json()).includes('before_import'), hist.text.slice(0, 300));
  // the task page shows it by its kind's name
  const page = await alice.get(`/tasks/${taskUid}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Diagram import/);
});

test('a file that cannot be read fails the task with the line; the diagram is unchanged', async () => {
  const uid = await alice.createFile(project, 'diagram', 'Broken');
  const good = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres`, { body: 'CREATE TABLE keep_me (id int PRIMARY KEY);', headers: SQL });
  assert.equal(good.status, 200, good.text);
  const before = (await alice.get(`/api/diagrams/${uid}`)).json();
  const bad = 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id);\n'.repeat(2);
  const res = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&async=1`, { body: bad, headers: SQL });
  assert.equal(res.status, 202, res.text);
  const { task } = await waitTask(alice, res.json().task_uid);
  assert.equal(task.status, 'failed', JSON.stringify(task));
  assert.match(task.error, /^line \d+: /);
  const after = (await alice.get(`/api/diagrams/${uid}`)).json();
  assert.equal(after._version, before._version);
  assert.deepEqual(after.entities.map((e) => e.name), ['keep_me']);
});

test('bad requests are refused at once and queue nothing; tasks are private', async () => {
  const uid = await alice.createFile(project, 'diagram', 'Refusals');
  const taskCount = async () => ((await alice.get('/backups')).text.match(/href="\/tasks\//g) || []).length;
  const tasksBefore = await taskCount();
  const cases = [
    [`dialect=postgres&async=1&preview=1`, 'CREATE TABLE a (id int);', SQL, 422, /preview runs at once/],
    [`dialect=oracle&async=1`, 'CREATE TABLE a (id int);', SQL, 422, /dialect/],
    [`dialect=postgres&async=1`, '', SQL, 422, /empty/],
    [`dialect=postgres&async=1`, 'CREATE TABLE a (id int);', { 'Content-Type': 'image/png' }, 415, /application\/sql/],
    [`dialect=postgres&async=1&mode=upsert`, 'CREATE TABLE a (id int);', SQL, 422, /mode/],
  ];
  for (const [q, body, headers, status, msg] of cases) {
    const res = await alice.request('POST', `/api/diagrams/${uid}/import?${q}`, { body, headers });
    assert.equal(res.status, status, `${q}: ${res.text}`);
    assert.match(res.json().message, msg);
  }
  // another user's diagram: 404, and no task for bob
  const res = await bob.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&async=1`, { body: 'CREATE TABLE x (id int);', headers: SQL });
  assert.equal(res.status, 404, res.text);
  // without the CSRF token: 403
  const noCsrf = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&async=1`, { body: 'CREATE TABLE x (id int);', headers: { ...SQL, 'X-CSRF-Token': null } });
  assert.equal(noCsrf.status, 403, noCsrf.text);
  assert.equal(await taskCount(), tasksBefore);
  // alice's task is a 404 for bob
  const ok = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&async=1`, { body: 'CREATE TABLE x (id int);', headers: SQL });
  assert.equal(ok.status, 202, ok.text);
  const taskUid = ok.json().task_uid;
  assert.equal((await bob.get(`/api/tasks/${taskUid}`)).status, 404);
  assert.equal((await bob.request('POST', `/api/tasks/${taskUid}/cancel`, { json: {} })).status, 404);
  const { task } = await waitTask(alice, taskUid);
  assert.equal(task.status, 'succeeded', JSON.stringify(task));
  assert.deepEqual((await alice.get(`/api/diagrams/${uid}`)).json().entities.map((e) => e.name), ['x']);
});

test('a cancelled import task keeps nothing', async () => {
  const uid = await alice.createFile(project, 'diagram', 'Cancelled');
  const before = (await alice.get(`/api/diagrams/${uid}`)).json();
  const sql = fs.readFileSync(path.join(CORPUS, 'chinook.postgresql.sql'));
  const res = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&async=1`, { body: sql, headers: SQL });
  assert.equal(res.status, 202, res.text);
  const taskUid = res.json().task_uid;
  const cancel = await alice.request('POST', `/api/tasks/${taskUid}/cancel`, { json: {} });
  assert.ok([200, 202].includes(cancel.status), cancel.text);
  const { task } = await waitTask(alice, taskUid);
  assert.equal(task.status, 'cancelled', JSON.stringify(task));
  const after = (await alice.get(`/api/diagrams/${uid}`)).json();
  assert.equal(after._version, before._version);
  assert.deepEqual(after.entities, []);
});
