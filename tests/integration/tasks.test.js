// tests/integration/tasks.test.js — background tasks, backups and restores (issue 12) over the
// real stack: progress and cancel, a task whose runner was killed marked failed, a backup →
// restore round trip equal to the original (every file's GET API answer, attachment bytes,
// history in the archive), hostile archives refused with nothing written, other users 404.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, alice, bob;
const STEP_MS = 150;
test.before(async () => {
  stack = await startStack({ env: { CARD_TASK_STEP_MS: String(STEP_MS), CARD_TASKS: '2' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
});
test.after(() => stack && stack.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

/** waitTask: poll GET /api/tasks/{uid} until pred(task) (default: finished); the task. */
async function waitTask(c, uid, pred = (t) => !['queued', 'running'].includes(t.status), ms = 30000) {
  const end = Date.now() + ms;
  let t;
  while (Date.now() < end) {
    const res = await c.get(`/api/tasks/${uid}`);
    assert.equal(res.status, 200, res.text);
    t = res.json();
    if (pred(t)) return t;
    await sleep(50);
  }
  throw new Error(`task ${uid} never got there: ${JSON.stringify(t)}`);
}

/** tar: a ustar archive of entries [{name, data, type}] (type '0' unless given). */
function tar(entries) {
  const blocks = [];
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data || '');
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write(e.type || '0', 156);
    if (e.link) h.write(e.link, 157, 100);
    h.write('ustar\0', 257); h.write('00', 263);
    h.fill(' ', 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** untar: {name: Buffer} of a ustar stream (regular files). */
function untar(buf) {
  const out = {};
  for (let off = 0; off + 512 <= buf.length;) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString().replace(/\0.*$/s, '').trim(), 8);
    out[name] = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function col(id, name, type, extra = {}) {
  return { id, name, type, is_pk: false, is_nullable: true, is_unique: false, default: null, comment: null, enum_values: [], ...extra };
}
function model(t) {
  return {
    name: 'Shop', viewport: { x: -12.5, y: 3, zoom: 0.75 },
    entities: [
      { id: `${t}_u`, name: 'users', x: 40, y: 40, color: '#6366f1', comment: 'People',
        columns: [col(`${t}_u_id`, 'id', 'bigserial', { is_pk: true, is_nullable: false }), col(`${t}_u_mail`, 'email', 'text')] },
      { id: `${t}_o`, name: 'orders', x: 400.25, y: 40, color: '#10b981', comment: null,
        columns: [col(`${t}_o_id`, 'id', 'bigserial', { is_pk: true, is_nullable: false }), col(`${t}_o_user`, 'user_id', 'bigint')] },
    ],
    relationships: [{ id: `${t}_r`, source_entity_id: `${t}_o`, target_entity_id: `${t}_u`, source_column_id: `${t}_o_user`,
      target_column_id: `${t}_u_id`, source_handle: null, target_handle: null, type: 'one-to-many', label: '1:N',
      on_delete: 'CASCADE', on_update: null, constraint_name: 'places' }],
  };
}

const API = { diagram: 'diagrams', note: 'notes', drawing: 'drawings', flowchart: 'flowcharts' };

async function put(c, kind, uid, body) {
  const cur = (await c.get(`/api/${API[kind]}/${uid}`)).json();
  const res = await c.request('PUT', `/api/${API[kind]}/${uid}`, { json: { ...body, _version: cur._version } });
  assert.equal(res.status, 200, res.text);
}

/** fullProject: a project with one file of each kind, attachments in the note and drawing. */
async function fullProject(c, name) {
  const p = await c.createProject(name, '#10b981');
  const files = {};
  for (const kind of Object.keys(API)) files[kind] = await c.createFile(p, kind, `${kind} of ${name}`);
  await put(c, 'diagram', files.diagram, model(`t${Date.now().toString(36)}`));
  const att = await c.request('POST', `/api/notes/${files.note}/attachments`, { body: PNG, headers: { 'Content-Type': 'image/png' } });
  assert.equal(att.status, 201, att.text);
  const noteImg = att.json().url;
  await put(c, 'note', files.note, { title: 'Plan ✓', content: `<h2>Plan</h2><p>Some <strong>bold</strong> &amp; more</p><p><img src="${noteImg}" alt="dot"></p>` });
  const datt = await c.request('POST', `/api/drawings/${files.drawing}/attachments`, { body: PNG, headers: { 'Content-Type': 'image/png' } });
  assert.equal(datt.status, 201, datt.text);
  await put(c, 'drawing', files.drawing, { title: 'Sketch', data: {
    elements: [{ id: 'one', type: 'ellipse', x: 1, y: 2, width: 10, height: 10 }, { id: 'img', type: 'image', x: 0, y: 0, width: 5, height: 5, fileId: 'f1' }],
    appState: { viewBackgroundColor: '#ffffff' }, files: { f1: { id: 'f1', mimeType: 'image/png', dataURL: datt.json().url } } } });
  const node = (id, x, y) => ({ id, type: 'custom', position: { x, y }, data: { label: `Node ${id}`, shape: 'rectangle', color: '#8b5cf6' } });
  await put(c, 'flowchart', files.flowchart, { title: 'Flow', data: { nodes: [node('a', 0, 0), node('b', 100, 50)], edges: [{ id: 'e1', source: 'a', target: 'b' }] } });
  return { project: p, files };
}

/** comparable: a GET answer without what a restore changes (uid, version, time), attachment
 * URLs mapped back to the original ones, and a diagram's row ids replaced by their places. */
function comparable(kind, doc, attMap = {}) {
  let text = JSON.stringify(doc);
  for (const [oldUid, newUid] of Object.entries(attMap)) text = text.split(`/attachments/${newUid}`).join(`/attachments/${oldUid}`);
  const d = JSON.parse(text);
  delete d.uid; delete d._version; delete d.updated_at;
  if (kind === 'diagram') {
    const ids = {};
    d.entities.forEach((e, i) => { ids[e.id] = `e${i}`; e.columns.forEach((c, k) => { ids[c.id] = `e${i}c${k}`; }); });
    d.relationships.forEach((r, i) => { ids[r.id] = `r${i}`; });
    const swap = (o, k) => { if (o[k] != null) o[k] = ids[o[k]] || `?${o[k]}`; };
    d.entities.forEach((e) => { swap(e, 'id'); e.columns.forEach((c) => swap(c, 'id')); });
    d.relationships.forEach((r) => ['id', 'source_entity_id', 'target_entity_id', 'source_column_id', 'target_column_id'].forEach((k) => swap(r, k)));
  }
  return d;
}

async function backup(c, project) {
  const res = await c.request('POST', `/api/projects/${project}/backup`);
  assert.equal(res.status, 202, res.text);
  return res.json().task_uid;
}

async function restore(c, body) {
  const res = await c.request('POST', '/api/backups/restore', { body, headers: { 'Content-Type': 'application/gzip' } });
  assert.equal(res.status, 202, res.text);
  return res.json().task_uid;
}

const counts = () => stack.sql("SELECT (SELECT count(*) FROM projects) || '/' || (SELECT count(*) FROM notes) || '/' || " +
  "(SELECT count(*) FROM diagrams) || '/' || (SELECT count(*) FROM attachments) || '/' || (SELECT count(*) FROM entities)");

test('backup → download → restore round trip equals the original', async () => {
  const { project, files } = await fullProject(alice, 'Round trip');
  const uid = await backup(alice, project);
  const seen = new Set();
  const done = await waitTask(alice, uid, (t) => { seen.add(t.progress); return t.status === 'succeeded' || t.status === 'failed'; });
  assert.equal(done.status, 'succeeded', JSON.stringify(done));
  assert.equal(done.progress, 100);
  assert.ok(seen.size >= 3, `progress moved through several values: ${[...seen]}`);
  const url = done.result.download_url;
  assert.ok(done.log.some((l) => l.message.includes(url)), 'the log names the download URL');
  const dl = await fetch(stack.baseUrl + url, { headers: { Cookie: alice.cookieHeader() } });
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-type'), /application\/gzip/);
  const gz = Buffer.from(await dl.arrayBuffer());
  const entries = untar(zlib.gunzipSync(gz));
  const listed = execFileSync('tar', ['-tzf', '-'], { input: gz }).toString().trim().split('\n').sort();
  assert.deepEqual(listed, Object.keys(entries).sort(), 'GNU tar reads the archive');
  const manifest = JSON.parse(entries['manifest.json']);
  assert.equal(manifest.format, 'cardinality-backup');
  assert.equal(manifest.version, 1);
  assert.equal(manifest.projects.length, 1);
  assert.equal(manifest.projects[0].name, 'Round trip');
  assert.equal(manifest.projects[0].files.length, 4);
  assert.equal(manifest.attachments.length, 2);
  for (const f of manifest.projects[0].files) {
    assert.ok(entries[f.path], f.path);
    assert.ok(Array.isArray(JSON.parse(entries[f.history])), f.history);
  }
  assert.ok(JSON.parse(entries[`history/note/${files.note}.json`]).length >= 1, 'the note has history snapshots');
  const noteDoc = JSON.parse(entries[`files/note/${files.note}.json`]);
  assert.deepEqual(noteDoc, (await alice.get(`/api/notes/${files.note}`)).json(), 'files are the GET API answers');

  const r = await restore(alice, gz);
  const rt = await waitTask(alice, r);
  assert.equal(rt.status, 'succeeded', JSON.stringify(rt));
  const res = rt.result;
  assert.notEqual(res.project_uid, project);
  assert.match(rt.log.at(-2).message, /Restored 1 diagram, 1 note, 1 drawing, 1 flowchart \(2 attachments/);
  const page = await alice.get(`/projects/${res.project_uid}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Round trip \(restored\)/);
  for (const [kind, oldUid] of Object.entries(files)) {
    const newUid = res.file_uids[oldUid];
    assert.ok(newUid && newUid !== oldUid, kind);
    const a = (await alice.get(`/api/${API[kind]}/${oldUid}`)).json();
    const b = (await alice.get(`/api/${API[kind]}/${newUid}`)).json();
    assert.deepEqual(comparable(kind, b, res.attachment_uids), comparable(kind, a), `${kind} restored equal`);
  }
  for (const [oldAtt, newAtt] of Object.entries(res.attachment_uids)) {
    const a = await fetch(`${stack.baseUrl}/attachments/${newAtt}`, { headers: { Cookie: alice.cookieHeader() } });
    assert.equal(a.status, 200);
    assert.deepEqual(Buffer.from(await a.arrayBuffer()), PNG, `attachment ${oldAtt} bytes`);
  }
  // History snapshots came back too.
  const hist = Number(stack.sql(`SELECT count(*) FROM entity_changes e JOIN notes n ON e.entity_type = 'notes' AND e.entity_id = n.id::text WHERE n.uid = '${res.file_uids[files.note]}'`));
  assert.ok(hist >= JSON.parse(entries[`history/note/${files.note}.json`]).length, `history restored (${hist})`);

  // The pages: the task page (with its no-JS refresh while live), /backups lists them.
  const tp = await alice.get(`/tasks/${r}`);
  assert.equal(tp.status, 200);
  assert.match(tp.text, /Open the restored project/);
  const bp = await alice.get('/backups');
  assert.match(bp.text, new RegExp(`/api/backups/${done.result.backup_uid}/download`));
  const dash = await alice.get('/dashboard');
  assert.match(dash.text, new RegExp(`/tasks/${r}`), 'the dashboard lists recent tasks');
});

test('progress moves, and cancel stops a running backup with nothing kept', async () => {
  const p = await alice.createProject('Many notes');
  for (let i = 0; i < 12; i++) await alice.createFile(p, 'note', `n${i}`);
  const uid = await backup(alice, p);
  const page = await alice.get(`/tasks/${uid}`);
  assert.match(page.text, /http-equiv="refresh"/, 'a live task page refreshes itself without JS');
  assert.match(page.text, /<progress/);
  const mid = await waitTask(alice, uid, (t) => t.status === 'running' && t.progress > 5);
  assert.ok(mid.progress < 100);
  const c = await alice.request('POST', `/api/tasks/${uid}/cancel`);
  assert.equal(c.status, 200, c.text);
  const t = await waitTask(alice, uid);
  assert.equal(t.status, 'cancelled');
  assert.ok(t.progress < 100);
  assert.ok(t.log.some((l) => /Cancelled/.test(l.message)));
  assert.equal(stack.sql(`SELECT count(*) FROM backups WHERE task_uid = '${uid}'`), '0');
  // Without JavaScript: the page's cancel form.
  const second = await backup(alice, p);
  await alice.get(`/tasks/${second}`);
  const form = await alice.postForm(`/tasks/${second}/cancel`, {});
  assert.equal(form.status, 303);
  assert.equal(form.headers.get('location'), `/tasks/${second}`);
  assert.equal((await waitTask(alice, second)).status, 'cancelled');
});

test('a task left running by a killed runner is marked failed, and the runner comes back', async () => {
  const p = await alice.createProject('Killed');
  for (let i = 0; i < 12; i++) await alice.createFile(p, 'note', `k${i}`);
  const uid = await backup(alice, p);
  await waitTask(alice, uid, (t) => t.status === 'running' && t.progress > 5);
  const runner = stack.sql(`SELECT runner FROM tasks WHERE uid = '${uid}'`);
  const pid = Number(runner.split(':').pop());
  assert.equal(pid, stack.runnerPid(), 'the task runs in the runner process');
  assert.ok(!stack.workerPids().includes(pid));
  process.kill(pid, 'SIGKILL');
  const t = await waitTask(alice, uid, undefined, 20000);
  assert.equal(t.status, 'failed');
  assert.match(t.error, /died/);
  assert.ok(t.log.some((l) => l.level === 'error' && /runner died/.test(l.message)));
  assert.equal(stack.sql(`SELECT count(*) FROM backups WHERE task_uid = '${uid}'`), '0');
  // The master started a new runner: the next task runs.
  assert.ok(stack.runnerPid() > 0 && stack.runnerPid() !== pid, 'a new runner');
  const small = await alice.createProject('After');
  await alice.createFile(small, 'note', 'one');
  const again = await waitTask(alice, await backup(alice, small));
  assert.equal(again.status, 'succeeded', JSON.stringify(again));
});

test('a runner stopped with SIGTERM queues its task again, and the next runner finishes it', async () => {
  const p = await alice.createProject('Stopped');
  for (let i = 0; i < 10; i++) await alice.createFile(p, 'note', `s${i}`);
  const uid = await backup(alice, p);
  await waitTask(alice, uid, (t) => t.status === 'running' && t.progress > 5);
  const pid = stack.runnerPid();
  process.kill(pid, 'SIGTERM');
  const t = await waitTask(alice, uid);
  assert.equal(t.status, 'succeeded', JSON.stringify(t));
  assert.ok(t.log.some((l) => /Interrupted by a server stop.*Queued again/.test(l.message)), JSON.stringify(t.log));
  assert.equal(stack.sql(`SELECT count(*) FROM backups WHERE task_uid = '${uid}'`), '1', 'one backup, not a half one');
  assert.notEqual(stack.runnerPid(), pid);
});

test('corrupted and hostile archives fail with a clear message and nothing written', async () => {
  const noteUid = 'n0000000-0000-0000-0000-000000000001';
  const good = (over = {}) => {
    const manifest = { format: 'cardinality-backup', version: 1, attachments: [], ...over.manifest,
      projects: [{ uid: 'x', name: 'Evil', color: '#6366f1', files: [{ kind: 'note', uid: noteUid, title: 'N', path: `files/note/${noteUid}.json` }] }] };
    return [{ name: 'manifest.json', data: JSON.stringify(manifest) },
      { name: `files/note/${noteUid}.json`, data: over.note || JSON.stringify({ uid: noteUid, title: 'N', content: '<p>x</p>', _version: 1 }) },
      ...(over.extra || [])];
  };
  // Sanity: the hand-made archive itself restores.
  const ok = await waitTask(alice, await restore(alice, zlib.gzipSync(tar(good()))));
  assert.equal(ok.status, 'succeeded', JSON.stringify(ok));
  const before = counts();
  const cases = [
    ['not gzip', Buffer.from('this is not a gzip file at all'), /not a complete gzip file/],
    ['truncated gzip', zlib.gzipSync(tar(good())).subarray(0, 60), /not a complete gzip file/],
    ['path traversal', zlib.gzipSync(tar([...good(), { name: '../../etc/evil.json', data: '{}' }])), /unsafe path/],
    ['absolute path', zlib.gzipSync(tar([...good(), { name: '/tmp/evil', data: '{}' }])), /unsafe path/],
    ['symlink', zlib.gzipSync(tar([...good(), { name: 'link', type: '2', link: '/etc/passwd' }])), /only regular files/],
    ['oversize file', zlib.gzipSync(tar(good({ note: JSON.stringify({ title: 'N', content: ' '.repeat(12 << 20) }) }))), /larger than/],
    ['bad JSON inside', zlib.gzipSync(tar(good({ note: '{"title": "N", "content": ' }))), /not a valid note/],
    ['unsafe note', zlib.gzipSync(tar(good({ note: JSON.stringify({ title: 'N', content: '<div>'.repeat(5000) }) }))), /not a valid note/],
    ['wrong version', zlib.gzipSync(tar(good({ manifest: { version: 99 } }))), /version 99 is not supported/],
    ['no manifest', zlib.gzipSync(tar(good().slice(1))), /no manifest\.json/],
    ['unlisted entry', zlib.gzipSync(tar(good({ extra: [{ name: 'files/note/other.json', data: '{}' }] }))), /does not name/],
    ['bad diagram', zlib.gzipSync(tar([
      { name: 'manifest.json', data: JSON.stringify({ format: 'cardinality-backup', version: 1, attachments: [], projects: [{ name: 'E',
        files: [{ kind: 'note', uid: noteUid, path: `files/note/${noteUid}.json` }, { kind: 'diagram', uid: 'd1', path: 'files/diagram/d1.json' }] }] }) },
      good()[1],
      { name: 'files/diagram/d1.json', data: JSON.stringify({ name: 'D', entities: [{ id: 'a', name: '', x: 0, y: 0, columns: [] }], relationships: [] }) },
    ])), /not a valid diagram/],
  ];
  for (const [what, body, message] of cases) {
    const t = await waitTask(alice, await restore(alice, body));
    assert.equal(t.status, 'failed', `${what}: ${JSON.stringify(t)}`);
    assert.match(t.error, message, what);
    assert.ok(t.log.some((l) => l.level === 'error' && /Nothing was kept/.test(l.message)), what);
    assert.equal(counts(), before, `${what}: nothing written`);
  }
});

test('"back up everything" archives every project the user owns; a restore recreates each', async () => {
  const carol = new Client(stack.baseUrl);
  await carol.signup();
  const p1 = await carol.createProject('First');
  await carol.createFile(p1, 'note', 'one');
  await carol.createFile(p1, 'flowchart', 'two');
  const p2 = await carol.createProject('Second', '#f59e0b');
  await carol.createFile(p2, 'diagram', 'three');
  const res = await carol.request('POST', '/api/backups');
  assert.equal(res.status, 202, res.text);
  const t = await waitTask(carol, res.json().task_uid);
  assert.equal(t.status, 'succeeded', JSON.stringify(t));
  assert.equal(t.result.projects, 2);
  assert.equal(t.result.files, 3);
  const dl = await fetch(stack.baseUrl + t.result.download_url, { headers: { Cookie: carol.cookieHeader() } });
  const gz = Buffer.from(await dl.arrayBuffer());
  const manifest = JSON.parse(untar(zlib.gunzipSync(gz))['manifest.json']);
  assert.deepEqual(manifest.projects.map((p) => [p.name, p.files.map((f) => f.title).sort()]),
    [['First', ['one', 'two']], ['Second', ['three']]]);
  const r = await waitTask(carol, await restore(carol, gz));
  assert.equal(r.status, 'succeeded', JSON.stringify(r));
  assert.deepEqual(r.result.projects.map((p) => p.name), ['First (restored)', 'Second (restored)']);
  assert.deepEqual(r.result.files, { diagram: 1, note: 1, drawing: 0, flowchart: 1 });
  const second = await carol.get(r.result.projects[1].url);
  assert.match(second.text, /three/);
  // The page form does the same (no JavaScript needed).
  await carol.get('/backups');
  const form = await carol.postForm('/backups', {});
  assert.equal(form.status, 303);
  assert.match(form.headers.get('location'), /^\/tasks\//);
});

test('other users get 404 for tasks, backups and projects they do not own', async () => {
  const p = await alice.createProject('Private');
  await alice.createFile(p, 'note', 'secret');
  const uid = await backup(alice, p);
  const t = await waitTask(alice, uid);
  assert.equal(t.status, 'succeeded');
  assert.equal((await bob.get(`/api/tasks/${uid}`)).status, 404);
  assert.equal((await bob.request('POST', `/api/tasks/${uid}/cancel`)).status, 404);
  assert.equal((await bob.get(t.result.download_url)).status, 404);
  assert.equal((await bob.request('POST', `/api/projects/${p}/backup`)).status, 404);
  assert.equal((await bob.get(`/tasks/${uid}`)).status, 404);
  assert.equal((await new Client(stack.baseUrl).get(`/api/tasks/${uid}`)).status, 401);
});
