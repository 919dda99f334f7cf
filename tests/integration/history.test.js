// tests/integration/history.test.js — version history over the real stack, for diagrams, notes
// and flowcharts: the throttled snapshots (aged past the 5-minute throttle through SQL), named
// versions, the list (newest first), a version in the GET shape, compare (diagram: a table added
// shows in the diff and in the migration SQL; note: the changed words; flowchart: nodes by id),
// the restore round trip (content back, _version newer, the pre-restore state kept), the
// before-import snapshot, the retention purge (named versions and the newest snapshot survive),
// the no-JS pages and forms, 404 for another user and CSRF on every write.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, alice, bob, project;
test.before(async () => {
  stack = await startStack();
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
  project = await alice.createProject('History tests');
});
test.after(() => stack && stack.stop());

/** age: move every snapshot of the file back by 6 minutes (past the 5-minute throttle). */
function age(table, uid) {
  stack.sql(`UPDATE entity_changes SET created_at = created_at - interval '6 minutes'
              WHERE entity_type = '${table}' AND entity_id = (SELECT id::text FROM ${table} WHERE uid = '${uid}')`);
}
const snapshots = (table, uid) => Number(stack.sql(`SELECT count(*) FROM entity_changes
  WHERE entity_type = '${table}' AND entity_id = (SELECT id::text FROM ${table} WHERE uid = '${uid}')`));

async function json(res, status = 200) {
  assert.equal(res.status, status, res.text.slice(0, 300));
  return res.json();
}
const listOf = async (kind, uid) => json(await alice.get(`/api/${kind}s/${uid}/history`));

function col(id, name, type, extra = {}) {
  return { id, name, type, is_pk: false, is_nullable: true, is_unique: false, default: null, comment: null, enum_values: [], ...extra };
}
let seq = 0;
const tags = new Map();
/** model: one table (users), or two (users, orders); ids unique to the diagram uid. */
function model(extraTable, uid) {
  if (!tags.has(uid)) tags.set(uid, `h${process.pid}x${++seq}`);
  const t = tags.get(uid);
  const entities = [{ id: `${t}_users`, name: 'users', x: 0, y: 0, color: '#6366f1', comment: null,
    columns: [col(`${t}_users_id`, 'id', 'bigserial', { is_pk: true, is_nullable: false }), col(`${t}_users_email`, 'email', 'text')] }];
  if (extraTable) entities.push({ id: `${t}_orders`, name: 'orders', x: 300, y: 0, color: '#10b981', comment: null,
    columns: [col(`${t}_orders_id`, 'id', 'bigserial', { is_pk: true, is_nullable: false }), col(`${t}_orders_total`, 'total', 'numeric(10,2)')] });
  return { name: 'Shop', viewport: { x: 0, y: 0, zoom: 1 }, entities, relationships: [] };
}
const putDiagram = async (uid, version, extraTable) =>
  json(await alice.request('PUT', `/api/diagrams/${uid}`, { json: { _version: version, ...model(extraTable, uid) } }));

test('diagram: saves past the throttle snapshot the whole model; list, version, compare with migration SQL, restore round trip', async () => {
  const uid = await alice.createFile(project, 'diagram', 'Shop');
  let v = (await json(await alice.get(`/api/diagrams/${uid}`)))._version;
  age('diagrams', uid);
  v = (await putDiagram(uid, v, false))._version;          // snapshot: one table
  const s1 = (await listOf('diagram', uid))[0];
  assert.equal(s1.change_type, 'update');
  assert.ok(s1.size > 100, 'the snapshot holds the model');
  age('diagrams', uid);
  const saved2 = await putDiagram(uid, v, true);             // snapshot: two tables
  v = saved2._version;
  const within = await putDiagram(uid, v, true);             // within 5 minutes: none
  v = within._version;
  const list = await listOf('diagram', uid);
  assert.equal(list.length, 3, JSON.stringify(list));               // insert row + two saves
  assert.ok(list[0].version > list[1].version && list[1].version > list[2].version, 'newest first');
  for (const k of ['version', 'created_at', 'user_name', 'name', 'change_type', 'size']) assert.ok(k in list[0], k);
  assert.equal(list[2].change_type, 'insert');
  const [two, one] = list;

  const old = await json(await alice.get(`/api/diagrams/${uid}/history/${one.version}`));
  assert.deepEqual(old.entities.map((e) => e.name), ['users']);
  assert.equal(old.uid, uid);
  const shape = await json(await alice.get(`/api/diagrams/${uid}`));
  assert.deepEqual(Object.keys(old).sort(), Object.keys(shape).sort());

  const cmp = await json(await alice.get(`/api/diagrams/${uid}/compare?from=${one.version}&to=${two.version}`));
  assert.deepEqual(cmp.diff.tables.added, ['orders']);
  assert.match(cmp.sql, /CREATE TABLE[^;]*orders/i);
  const back = await json(await alice.get(`/api/diagrams/${uid}/compare?from=${two.version}&to=${one.version}`));
  assert.deepEqual(back.diff.tables.removed, ['orders']);
  assert.match(back.sql, /DROP TABLE[^;]*orders/i);

  const restored = await json(await alice.request('POST', `/api/diagrams/${uid}/restore`, { json: { version: one.version } }));
  assert.deepEqual(restored.entities.map((e) => e.name), ['users']);
  assert.ok(restored._version > v, `restored _version ${restored._version} > ${v}`);
  const now = await json(await alice.get(`/api/diagrams/${uid}`));
  assert.deepEqual(now.entities.map((e) => e.name), ['users']);
  assert.equal(now._version, restored._version);
  const after = await listOf('diagram', uid);
  assert.equal(after[0].change_type, 'before_restore');
  const pre = await json(await alice.get(`/api/diagrams/${uid}/history/${after[0].version}`));
  assert.deepEqual(pre.entities.map((e) => e.name).sort(), ['orders', 'users'], 'the pre-restore state is kept');
  // the restore can itself be undone
  const undone = await json(await alice.request('POST', `/api/diagrams/${uid}/restore`, { json: { version: after[0].version } }));
  assert.deepEqual(undone.entities.map((e) => e.name).sort(), ['orders', 'users']);
});

test('diagram: an import snapshots the state before it', async () => {
  const uid = await alice.createFile(project, 'diagram', 'Import');
  const v = (await json(await alice.get(`/api/diagrams/${uid}`)))._version;
  await putDiagram(uid, v, false);
  const n = snapshots('diagrams', uid);
  const imp = await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres`,
    { body: 'CREATE TABLE invoices (id int primary key);', headers: { 'Content-Type': 'application/sql' } });
  assert.equal(imp.status, 200, imp.text);
  assert.equal(snapshots('diagrams', uid), n + 1);
  const top = (await listOf('diagram', uid))[0];
  assert.equal(top.change_type, 'before_import');
  const pre = await json(await alice.get(`/api/diagrams/${uid}/history/${top.version}`));
  assert.deepEqual(pre.entities.map((e) => e.name), ['users']);
  // a preview writes nothing
  await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&preview=1`,
    { body: 'CREATE TABLE x (id int);', headers: { 'Content-Type': 'application/sql' } });
  assert.equal(snapshots('diagrams', uid), n + 1);
});

const putNote = async (uid, version, content, title = 'Note') =>
  json(await alice.request('PUT', `/api/notes/${uid}`, { json: { title, content, _version: version } }));

test('note: named versions, word diff, restore round trip, page views', async () => {
  const uid = await alice.createFile(project, 'note', 'Words');
  let v = (await json(await alice.get(`/api/notes/${uid}`)))._version;
  v = (await putNote(uid, v, '<p>The quick brown fox jumps</p>', 'Words'))._version;
  const named = await json(await alice.request('POST', `/api/notes/${uid}/versions`, { json: { name: 'First draft' } }), 201);
  assert.equal(named.name, 'First draft');
  v = (await putNote(uid, v, '<p>The slow brown fox sleeps</p>', 'Words'))._version;   // throttled: no snapshot
  const unnamed = await json(await alice.request('POST', `/api/notes/${uid}/versions`, { json: {} }), 201);
  assert.equal(unnamed.name, null);
  const list = await listOf('note', uid);
  assert.equal(list[0].version, unnamed.version);
  assert.equal(list[1].version, named.version);
  assert.equal(list[1].name, 'First draft');
  assert.equal(list[1].change_type, 'version');

  const first = await json(await alice.get(`/api/notes/${uid}/history/${named.version}`));
  assert.equal(first.content, '<p>The quick brown fox jumps</p>');
  assert.deepEqual(Object.keys(first).sort(), ['_version', 'content', 'title', 'uid', 'updated_at']);

  const cmp = await json(await alice.get(`/api/notes/${uid}/compare?from=${named.version}&to=${unnamed.version}`));
  const removed = cmp.words.filter((w) => w.op === 'removed').map((w) => w.text).join(' ');
  const added = cmp.words.filter((w) => w.op === 'added').map((w) => w.text).join(' ');
  assert.equal(removed, 'quick jumps');
  assert.equal(added, 'slow sleeps');
  assert.ok(cmp.words.some((w) => w.op === 'same' && /brown fox/.test(w.text)));
  assert.equal(cmp.added, 2);
  assert.equal(cmp.removed, 2);

  const page = await alice.get(`/notes/${uid}/compare?from=${named.version}&to=current`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<del class="history-word-removed">quick<\/del>/);
  assert.match(page.text, /<ins class="history-word-added">slow<\/ins>/);

  const restored = await json(await alice.request('POST', `/api/notes/${uid}/restore`, { json: { version: named.version } }));
  assert.equal(restored.content, '<p>The quick brown fox jumps</p>');
  assert.ok(restored._version > v);
  assert.equal((await json(await alice.get(`/api/notes/${uid}`))).content, '<p>The quick brown fox jumps</p>');
  const top = (await listOf('note', uid))[0];
  assert.equal(top.change_type, 'before_restore');
  assert.equal((await json(await alice.get(`/api/notes/${uid}/history/${top.version}`))).content, '<p>The slow brown fox sleeps</p>');

  // pages: the list, one version (sanitized HTML), the note page links to the history
  const hist = await alice.get(`/notes/${uid}/history`);
  assert.equal(hist.status, 200);
  assert.match(hist.text, /First draft/);
  assert.match(hist.text, new RegExp(`action="/notes/${uid}/versions"`));
  const one = await alice.get(`/notes/${uid}/history/${named.version}`);
  assert.equal(one.status, 200);
  assert.match(one.text, /The quick brown fox jumps/);
  assert.match((await alice.get(`/notes/${uid}`)).text, new RegExp(`href="/notes/${uid}/history"`));
});

test('note: the no-JS forms save a version and restore one (CSRF needed)', async () => {
  const uid = await alice.createFile(project, 'note', 'Forms');
  const v = (await json(await alice.get(`/api/notes/${uid}`)))._version;
  await putNote(uid, v, '<p>alpha</p>', 'Forms');
  await alice.get(`/notes/${uid}/history`);
  assert.equal((await alice.postForm(`/notes/${uid}/versions`, { name: 'via form', csrf_token: null })).status, 403);
  const saved = await alice.postForm(`/notes/${uid}/versions`, { name: 'via form' });
  assert.equal(saved.status, 303);
  assert.match(saved.headers.get('location'), new RegExp(`/notes/${uid}/history\\?done=version-saved`));
  const ver = (await listOf('note', uid))[0];
  assert.equal(ver.name, 'via form');
  const cur = (await json(await alice.get(`/api/notes/${uid}`)))._version;
  await putNote(uid, cur, '<p>beta</p>', 'Forms');
  await alice.get(`/notes/${uid}/history`);
  const r = await alice.postForm(`/notes/${uid}/restore`, { version: String(ver.version) });
  assert.equal(r.status, 303);
  assert.equal((await json(await alice.get(`/api/notes/${uid}`))).content, '<p>alpha</p>');
});

function chart(labelB, extra = []) {
  const n = (id, label, x) => ({ id, type: 'custom', position: { x, y: 0 }, data: { label, shape: 'rectangle', color: '#8b5cf6' } });
  return { nodes: [n('a', 'Start', 0), n('b', labelB, 200), ...extra.map((id, i) => n(id, `Extra ${id}`, 400 + i * 200))],
    edges: [{ id: 'e1', source: 'a', target: 'b', type: 'smoothstep' }] };
}
const putChart = async (uid, version, data) =>
  json(await alice.request('PUT', `/api/flowcharts/${uid}`, { json: { _version: version, data } }));

test('flowchart: snapshots by the trigger, compare nodes by id, restore byte for byte, SVG view', async () => {
  const uid = await alice.createFile(project, 'flowchart', 'Flow');
  let v = (await json(await alice.get(`/api/flowcharts/${uid}`)))._version;
  age('flowcharts', uid);
  v = (await putChart(uid, v, chart('Check')))._version;
  age('flowcharts', uid);
  v = (await putChart(uid, v, chart('Verify', ['c'])))._version;
  const list = await listOf('flowchart', uid);
  assert.equal(list.length, 3);
  const [two, one] = list;
  const old = await json(await alice.get(`/api/flowcharts/${uid}/history/${one.version}`));
  assert.deepEqual(old.data, chart('Check'));
  const cmp = await json(await alice.get(`/api/flowcharts/${uid}/compare?from=${one.version}&to=${two.version}`));
  assert.deepEqual(cmp.nodes.added.map((x) => x.id), ['c']);
  assert.deepEqual(cmp.nodes.changed.map((x) => x.id), ['b']);
  assert.deepEqual(cmp.nodes.changed[0].what, ['data']);
  assert.deepEqual(cmp.nodes.removed, []);
  assert.deepEqual(cmp.edges.changed, []);
  const page = await alice.get(`/flowcharts/${uid}/compare?from=${one.version}&to=${two.version}`);
  assert.equal(page.status, 200);
  assert.equal((page.text.match(/<svg/g) || []).length >= 2, true, 'both versions drawn');
  assert.match(page.text, /Extra c/);
  const view = await alice.get(`/flowcharts/${uid}/history/${one.version}`);
  assert.match(view.text, /<svg[^>]*>[\s\S]*Check/);
  const restored = await json(await alice.request('POST', `/api/flowcharts/${uid}/restore`, { json: { version: one.version } }));
  assert.deepEqual(restored.data, chart('Check'));
  assert.ok(restored._version > v);
  assert.equal((await listOf('flowchart', uid))[0].change_type, 'before_restore');
  assert.match((await alice.get(`/flowcharts/${uid}`)).text, new RegExp(`href="/flowcharts/${uid}/history"`));
});

test('the diagram page links to its history, whose list and version pages render', async () => {
  const uid = await alice.createFile(project, 'diagram', 'Linked');
  const v = (await json(await alice.get(`/api/diagrams/${uid}`)))._version;
  await putDiagram(uid, v, true);
  const named = await json(await alice.request('POST', `/api/diagrams/${uid}/versions`, { json: { name: 'v1 <b>' } }), 201);
  assert.match((await alice.get(`/diagrams/${uid}`)).text, new RegExp(`href="/diagrams/${uid}/history"`));
  const list = await alice.get(`/diagrams/${uid}/history`);
  assert.equal(list.status, 200);
  assert.match(list.text, /v1 &lt;b&gt;/);
  const one = await alice.get(`/diagrams/${uid}/history/${named.version}`);
  assert.equal(one.status, 200);
  assert.match(one.text, /<svg[\s\S]*orders/);
  const cmp = await alice.get(`/diagrams/${uid}/compare?from=${named.version}&to=current`);
  assert.equal(cmp.status, 200);
});

test('retention: the purge keeps named versions and the newest snapshot of each file', async () => {
  const uid = await alice.createFile(project, 'note', 'Old');
  let v = (await json(await alice.get(`/api/notes/${uid}`)))._version;
  v = (await putNote(uid, v, '<p>one</p>', 'Old'))._version;
  const named = await json(await alice.request('POST', `/api/notes/${uid}/versions`, { json: { name: 'keep me' } }), 201);
  age('notes', uid);
  v = (await putNote(uid, v, '<p>two</p>', 'Old'))._version;        // a fresh trigger snapshot
  stack.sql(`UPDATE entity_changes SET created_at = created_at - interval '400 days'
              WHERE entity_type = 'notes' AND entity_id = (SELECT id::text FROM notes WHERE uid = '${uid}')`);
  assert.equal(snapshots('notes', uid), 3);
  const deleted = Number(stack.psqlAs('card_owner', 'SELECT card_history_purge(90)'));
  assert.ok(deleted >= 1);
  const left = await listOf('note', uid);
  assert.equal(left.length, 2, JSON.stringify(left));
  assert.ok(left.some((x) => x.version === named.version && x.name === 'keep me'), 'named version kept');
  assert.equal(left[0].change_type, 'update', 'the newest snapshot kept');
  assert.equal((await json(await alice.get(`/api/notes/${uid}/history/${named.version}`))).content, '<p>one</p>');
  // the application role may not purge
  assert.throws(() => stack.psqlAs('card_app', 'SELECT card_history_purge(1)'), /permission denied/);
});

test("another user's file history is a 404 everywhere; writes need the CSRF token", async () => {
  const uid = await alice.createFile(project, 'note', 'Private');
  const v = (await json(await alice.get(`/api/notes/${uid}`)))._version;
  await putNote(uid, v, '<p>secret</p>', 'Private');
  const named = await json(await alice.request('POST', `/api/notes/${uid}/versions`, { json: { name: 'n' } }), 201);
  for (const path of [`/api/notes/${uid}/history`, `/api/notes/${uid}/history/${named.version}`,
    `/api/notes/${uid}/compare?from=${named.version}&to=current`, `/notes/${uid}/history`,
    `/notes/${uid}/history/${named.version}`, `/notes/${uid}/compare?from=${named.version}&to=current`]) {
    assert.equal((await bob.get(path)).status, 404, path);
  }
  assert.equal((await bob.request('POST', `/api/notes/${uid}/versions`, { json: { name: 'x' } })).status, 404);
  assert.equal((await bob.request('POST', `/api/notes/${uid}/restore`, { json: { version: named.version } })).status, 404);
  // a version id of another file is not found through this one
  const other = await alice.createFile(project, 'note', 'Other');
  assert.equal((await alice.get(`/api/notes/${other}/history/${named.version}`)).status, 404);
  assert.equal((await alice.request('POST', `/api/notes/${other}/restore`, { json: { version: named.version } })).status, 404);
  // CSRF
  for (const [path, body] of [[`/api/notes/${uid}/versions`, { name: 'x' }], [`/api/notes/${uid}/restore`, { version: named.version }]]) {
    const r = await alice.request('POST', path, { json: body, headers: { 'X-CSRF-Token': null } });
    assert.equal(r.status, 403, path);
  }
  assert.equal(snapshots('notes', uid), (await listOf('note', uid)).length);
  assert.equal((await json(await alice.get(`/api/notes/${uid}`))).content, '<p>secret</p>');
  // invalid input
  assert.equal((await alice.request('POST', `/api/notes/${uid}/restore`, { json: { version: 'x' } })).status, 422);
  assert.equal((await alice.request('POST', `/api/notes/${uid}/versions`, { json: { name: 'x'.repeat(201) } })).status, 422);
  assert.equal((await alice.get(`/api/notes/${uid}/history/0`)).status, 404);
  assert.equal((await alice.get(`/api/notes/${uid}/compare?from=${named.version}`)).status, 422);
});

test('drawing: snapshots by the trigger, compare elements by id, restore, SVG view', async () => {
  const uid = await alice.createFile(project, 'drawing', 'Sketch');
  const rect = (id, x) => ({ id, type: 'rectangle', x, y: 0, width: 80, height: 40, angle: 0, strokeColor: '#1e1e1e',
    backgroundColor: 'transparent', fillStyle: 'solid', strokeWidth: 2, strokeStyle: 'solid', opacity: 100, isDeleted: false });
  const text = (id, t) => ({ id, type: 'text', x: 0, y: 60, width: 100, height: 25, angle: 0, text: t, fontSize: 20,
    fontFamily: 1, strokeColor: '#1e1e1e', backgroundColor: 'transparent', opacity: 100, isDeleted: false });
  const put = async (version, elements) => json(await alice.request('PUT', `/api/drawings/${uid}`,
    { json: { _version: version, data: { elements, appState: {}, files: {} } } }));
  let v = (await json(await alice.get(`/api/drawings/${uid}`)))._version;
  age('drawings', uid);
  v = (await put(v, [rect('r1', 0), text('t1', 'First words')]))._version;
  age('drawings', uid);
  v = (await put(v, [rect('r1', 50), text('t1', 'First words'), rect('r2', 200)]))._version;
  const list = await listOf('drawing', uid);
  assert.ok(list.length >= 2, JSON.stringify(list));
  const [two, one] = list;
  const old = await json(await alice.get(`/api/drawings/${uid}/history/${one.version}`));
  assert.deepEqual(old.data.elements.map((e) => e.id), ['r1', 't1']);
  const cmp = await json(await alice.get(`/api/drawings/${uid}/compare?from=${one.version}&to=${two.version}`));
  assert.deepEqual(cmp.elements.added.map((x) => x.id), ['r2']);
  assert.deepEqual(cmp.elements.changed.map((x) => x.id), ['r1']);
  const view = await alice.get(`/drawings/${uid}/history/${one.version}`);
  assert.equal(view.status, 200);
  assert.match(view.text, /<svg[\s\S]*First words/);
  const restored = await json(await alice.request('POST', `/api/drawings/${uid}/restore`, { json: { version: one.version } }));
  assert.deepEqual(restored.data.elements.map((e) => e.id), ['r1', 't1']);
  assert.ok(restored._version > v);
  assert.equal((await listOf('drawing', uid))[0].change_type, 'before_restore');
});
