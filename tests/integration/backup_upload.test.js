// tests/integration/backup_upload.test.js — resumable chunked uploads of backup archives to
// restore (fcgi/api_upload.c, sql/034): a project whose backup is larger than nginx's and the
// application's 11 MB body limit is uploaded in parts and restored equal to the original; parts
// may be re-sent; an incomplete upload, an archive over CARD_MAX_RESTORE_BYTES, a part too large,
// out of range or of the wrong size are refused; another user's upload is a 404; every write
// needs the CSRF token; a corrupted archive fails its task with nothing written; the no-JS
// multipart form restores a small archive.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const zlib = require('zlib');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, alice, bob;
const MiB = 1024 * 1024;
test.before(async () => {
  stack = await startStack({ env: { CARD_TASKS: '2' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
});
test.after(() => stack && stack.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PNG_MAGIC = Buffer.from('89504e470d0a1a0a', 'hex');
/** pngish: n bytes that start like a PNG, the rest random (incompressible). */
const pngish = (n) => Buffer.concat([PNG_MAGIC, crypto.randomBytes(n - PNG_MAGIC.length)]);

async function waitTask(c, uid, ms = 60000) {
  const end = Date.now() + ms;
  let t;
  while (Date.now() < end) {
    const res = await c.get(`/api/tasks/${uid}`);
    assert.equal(res.status, 200, res.text);
    t = res.json();
    if (!['queued', 'running'].includes(t.status)) return t;
    await sleep(100);
  }
  throw new Error(`task ${uid} never finished: ${JSON.stringify(t)}`);
}

/** bytes: GET path as a Buffer with c's cookies. */
async function bytes(c, path) {
  const res = await fetch(stack.baseUrl + path, { headers: { Cookie: c.cookieHeader() } });
  assert.equal(res.status, 200, path);
  return Buffer.from(await res.arrayBuffer());
}

const put = (c, uid, n, body, headers = {}) =>
  c.request('PUT', `/api/backups/uploads/${uid}/parts/${n}`, { body, headers: { 'Content-Type': 'application/octet-stream', ...headers } });

async function begin(c, size, name = 'backup.tar.gz') {
  const res = await c.request('POST', '/api/backups/uploads', { json: { size, name } });
  assert.equal(res.status, 201, res.text);
  return res.json();
}

/** uploadAll: the archive in parts (each part sent in the order given), answers the upload. */
async function uploadAll(c, gz, order) {
  const up = await begin(c, gz.length);
  const ns = order || [...Array(up.parts).keys()];
  for (const n of ns) {
    const res = await put(c, up.uid, n, gz.subarray(n * up.part_size, (n + 1) * up.part_size));
    assert.equal(res.status, 200, res.text);
  }
  return up;
}

const counts = () => stack.sql("SELECT (SELECT count(*) FROM projects) || '/' || (SELECT count(*) FROM notes) || '/' || " +
  "(SELECT count(*) FROM attachments) || '/' || (SELECT count(*) FROM entity_changes)");

let bigGz, bigAtts, bigNote, bigNoteDoc;

test('a backup larger than 11 MB is uploaded in parts and restored equal to the original', async (tc) => {
  const p = await alice.createProject('Big pictures', '#10b981');
  bigNote = await alice.createFile(p, 'note', 'Album');
  bigAtts = [];
  let html = '<h2>Album</h2>';
  for (let i = 0; i < 3; i++) {
    const data = pngish(4 * MiB + 123457 * (i + 1));
    const res = await alice.request('POST', `/api/notes/${bigNote}/attachments`, { body: data, headers: { 'Content-Type': 'image/png' } });
    assert.equal(res.status, 201, res.text);
    bigAtts.push({ uid: res.json().uid, url: res.json().url, data });
    html += `<p><img src="${res.json().url}" alt="p${i}"></p>`;
  }
  const cur = (await alice.get(`/api/notes/${bigNote}`)).json();
  assert.equal((await alice.request('PUT', `/api/notes/${bigNote}`, { json: { title: 'Album', content: html, _version: cur._version } })).status, 200);
  bigNoteDoc = (await alice.get(`/api/notes/${bigNote}`)).json();

  const b = await alice.request('POST', `/api/projects/${p}/backup`);
  assert.equal(b.status, 202, b.text);
  const bt = await waitTask(alice, b.json().task_uid);
  assert.equal(bt.status, 'succeeded', JSON.stringify(bt));
  bigGz = await bytes(alice, bt.result.download_url);
  assert.ok(bigGz.length > 11 * MiB, `the archive is ${bigGz.length} bytes`);

  // The single-body restore cannot take it (nginx's and the app's 11 MB limit).
  const single = await alice.request('POST', '/api/backups/restore', { body: bigGz, headers: { 'Content-Type': 'application/gzip' } });
  assert.equal(single.status, 413);

  const up = await begin(alice, bigGz.length, 'cardinality-backup.tar.gz');
  assert.equal(up.part_size, 8 * MiB);
  assert.equal(up.parts, Math.ceil(bigGz.length / (8 * MiB)));
  assert.equal(up.parts, 2);
  let st = (await alice.get(`/api/backups/uploads/${up.uid}`)).json();
  assert.deepEqual(st.missing, [0, 1]);
  assert.equal(st.complete, false);
  // The last part first, then the first; then the first again (a resumed client re-sends it).
  const part = (n) => bigGz.subarray(n * up.part_size, (n + 1) * up.part_size);
  assert.equal((await put(alice, up.uid, 1, part(1))).status, 200);
  st = (await alice.get(`/api/backups/uploads/${up.uid}`)).json();
  assert.deepEqual(st.received, [1]);
  assert.deepEqual(st.missing, [0]);
  assert.equal((await put(alice, up.uid, 0, crypto.randomBytes(up.part_size))).status, 200, 'a wrong part 0 first');
  const again = await put(alice, up.uid, 0, part(0));
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json(), { n: 0, size: up.part_size });
  st = (await alice.get(`/api/backups/uploads/${up.uid}`)).json();
  assert.deepEqual(st.received, [0, 1]);
  assert.equal(st.complete, true);
  assert.equal(stack.sql(`SELECT count(*) FROM restore_upload_parts p JOIN restore_uploads u ON u.id = p.upload_id WHERE u.uid = '${up.uid}'`), '2', 'the re-sent part replaced the first');

  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(require('fs').readFileSync(`/proc/${stack.runnerPid()}/status`, 'utf8'))[1]) * 1024;
  const peakBefore = hwm();
  const r = await alice.request('POST', `/api/backups/uploads/${up.uid}/restore`);
  assert.equal(r.status, 202, r.text);
  // Once queued, the upload takes no more parts and is not queued twice.
  assert.equal((await alice.request('POST', `/api/backups/uploads/${up.uid}/restore`)).status, 409);
  const t = await waitTask(alice, r.json().task_uid);
  assert.equal(t.status, 'succeeded', JSON.stringify(t));
  // The runner's memory: the archive, its inflated entries and one part at a time, no hex
  // copies (the old path held the hex text, twice the archive, besides).
  const peak = hwm();
  tc.diagnostic(`archive ${bigGz.length} B; runner peak RSS ${peakBefore} B before the restore, ${peak} B after`);
  // An ASan build's heap carries redzones, shadow memory and a quarantine of freed blocks (about
  // three times the normal build's peak here), so its bound is wider; the normal build's is 8×.
  const factor = /asan/.test(stack.env.BIN) ? 24 : 8;
  assert.ok(peak < factor * bigGz.length, `runner peak ${peak} B for a ${bigGz.length} B archive (bound ${factor}×)`);
  assert.equal(t.result.attachments, 3);
  assert.equal(t.result.project_name, 'Big pictures (restored)');
  const newNote = t.result.file_uids[bigNote];
  const doc = (await alice.get(`/api/notes/${newNote}`)).json();
  let text = JSON.stringify(doc);
  for (const [oldUid, newUid] of Object.entries(t.result.attachment_uids)) text = text.split(`/attachments/${newUid}`).join(`/attachments/${oldUid}`);
  const restored = JSON.parse(text);
  for (const d of [restored, bigNoteDoc]) { delete d.uid; delete d._version; delete d.updated_at; }
  assert.deepEqual(restored, bigNoteDoc, 'the note is the original');
  for (const a of bigAtts) {
    const got = await bytes(alice, `/attachments/${t.result.attachment_uids[a.uid]}`);
    assert.ok(got.equals(a.data), `attachment ${a.uid} restored byte for byte`);
  }
  // The upload and its parts are gone once the task ended.
  assert.equal(stack.sql(`SELECT count(*) FROM restore_uploads WHERE uid = '${up.uid}'`), '0');
  assert.equal(stack.sql('SELECT count(*) FROM restore_upload_parts'), '0');
  assert.equal((await alice.get(`/api/backups/uploads/${up.uid}`)).status, 404);
});

test('refusals: too large, bad parts, missing parts', async () => {
  const over = await alice.request('POST', '/api/backups/uploads', { json: { size: 256 * MiB + 1, name: 'huge.tar.gz' } });
  assert.equal(over.status, 413, over.text);
  assert.match(over.json().message, /at most 268435456 bytes \(256 MiB/);
  for (const bad of [{ name: 'x' }, { size: 0, name: 'x' }, { size: -5, name: 'x' }, { size: '12', name: 'x' }, { size: 1.5, name: 'x' },
    { size: 10 }, { size: 10, name: '   ' }, { size: 10, name: 'n'.repeat(256) }, { size: 10, name: 7 }]) {
    const res = await alice.request('POST', '/api/backups/uploads', { json: bad });
    assert.equal(res.status, 422, `${JSON.stringify(bad)}: ${res.text}`);
  }
  assert.equal((await alice.request('POST', '/api/backups/uploads', { body: '{"size":', headers: { 'Content-Type': 'application/json' } })).status, 422);

  const size = 8 * MiB + 1000;
  const up = await begin(alice, size);
  assert.equal(up.parts, 2);
  const tooBig = await put(alice, up.uid, 0, Buffer.alloc(8 * MiB + 1));
  assert.ok([413, 422].includes(tooBig.status), `part too big: ${tooBig.status}`);
  assert.equal((await put(alice, up.uid, 0, Buffer.alloc(100))).status, 422, 'a short part that is not the last');
  const wrongLast = await put(alice, up.uid, 1, Buffer.alloc(999));
  assert.equal(wrongLast.status, 422);
  assert.match(wrongLast.json().message, /exactly 1000 bytes/);
  for (const n of ['2', '99', '-1', 'x', '1e3', '0000001']) {
    const res = await put(alice, up.uid, n, Buffer.alloc(1000));
    assert.ok([404, 422].includes(res.status), `part ${n}: ${res.status}`);
  }
  assert.equal((await put(alice, up.uid, 2, Buffer.alloc(1000))).status, 422, 'out of range');
  assert.equal((await put(alice, 'no-such-upload', 0, Buffer.alloc(8 * MiB))).status, 404);
  assert.equal((await put(alice, up.uid, 1, Buffer.alloc(1000))).status, 200);
  const missing = await alice.request('POST', `/api/backups/uploads/${up.uid}/restore`);
  assert.equal(missing.status, 422, missing.text);
  assert.match(missing.json().message, /part 0 is missing/);
  assert.deepEqual(missing.json().missing, [0]);
  assert.equal(stack.sql(`SELECT count(*) FROM tasks WHERE params->>'upload_uid' = '${up.uid}'`), '0', 'nothing queued');
});

test('another user cannot see, fill or restore an upload (404); every write needs CSRF (403)', async () => {
  const up = await begin(alice, 1000);
  assert.equal((await bob.get(`/api/backups/uploads/${up.uid}`)).status, 404);
  assert.equal((await put(bob, up.uid, 0, Buffer.alloc(1000))).status, 404);
  assert.equal((await bob.request('POST', `/api/backups/uploads/${up.uid}/restore`)).status, 404);
  assert.equal(stack.sql(`SELECT count(*) FROM restore_upload_parts p JOIN restore_uploads u ON u.id = p.upload_id WHERE u.uid = '${up.uid}'`), '0');
  const noCsrf = { 'X-CSRF-Token': null };
  assert.equal((await alice.request('POST', '/api/backups/uploads', { json: { size: 10, name: 'a' }, headers: noCsrf })).status, 403);
  assert.equal((await put(alice, up.uid, 0, Buffer.alloc(1000), noCsrf)).status, 403);
  assert.equal((await put(alice, up.uid, 0, Buffer.alloc(1000), { 'X-CSRF-Token': 'forged' })).status, 403);
  assert.equal((await alice.request('POST', `/api/backups/uploads/${up.uid}/restore`, { headers: noCsrf })).status, 403);
  assert.equal((await new Client(stack.baseUrl).get(`/api/backups/uploads/${up.uid}`)).status, 401);
  // Expired uploads are gone for their owner too, and the runner's purge deletes them.
  stack.sql(`UPDATE restore_uploads SET expires_at = now() - interval '1 second' WHERE uid = '${up.uid}'`);
  assert.equal((await alice.get(`/api/backups/uploads/${up.uid}`)).status, 404);
  // The runner's heartbeat may have purged it already; either way it must be gone after a purge.
  assert.match(stack.sql('SELECT card_restore_uploads_purge()'), /^[01]$/);
  assert.equal(stack.sql(`SELECT count(*) FROM restore_uploads WHERE uid = '${up.uid}'`), '0');
});

test('a corrupted archive uploaded in parts fails its task with nothing written', async () => {
  assert.ok(bigGz, 'needs the first test');
  const bad = Buffer.from(bigGz);
  for (let i = 9 * MiB; i < 9 * MiB + 64; i++) bad[i] ^= 0x5a;
  const before = counts();
  const up = await uploadAll(alice, bad, [1, 0]);
  const r = await alice.request('POST', `/api/backups/uploads/${up.uid}/restore`);
  assert.equal(r.status, 202, r.text);
  const t = await waitTask(alice, r.json().task_uid);
  assert.equal(t.status, 'failed', JSON.stringify(t));
  assert.match(t.error, /unreadable|gzip|checksum|corrupt/i);
  assert.equal(counts(), before, 'nothing was written');
  assert.equal(stack.sql(`SELECT count(*) FROM restore_uploads WHERE uid = '${up.uid}'`), '0', 'the failed upload is deleted');
});

test('without JavaScript, the form posts a small archive as multipart/form-data', async () => {
  const page = await alice.get('/backups');
  assert.match(page.text, /Larger archives need JavaScript/);
  assert.match(page.text, /enctype="multipart\/form-data"/);
  assert.match(page.text, /<progress id="restore-progress"/);
  // A small hand-made backup: one note.
  const b = await alice.request('POST', `/api/projects/${await alice.createProject('Small one')}/backup`);
  const bt = await waitTask(alice, b.json().task_uid);
  const gz = await bytes(alice, bt.result.download_url);
  assert.ok(gz.length < 1 * MiB);
  const form = (csrf) => {
    const fd = new FormData();
    if (csrf) fd.append('csrf_token', csrf);
    fd.append('archive', new Blob([gz], { type: 'application/gzip' }), 'small.tar.gz');
    return fd;
  };
  const send = (fd) => fetch(stack.baseUrl + '/backups/restore', { method: 'POST', body: fd, redirect: 'manual', headers: { Cookie: alice.cookieHeader(), Origin: stack.baseUrl } });
  assert.equal((await send(form(null))).status, 403, 'no CSRF token');
  assert.equal((await send(form('forged'))).status, 403);
  const res = await send(form(alice.csrf));
  assert.equal(res.status, 303);
  const task = res.headers.get('location').split('/').pop();
  const t = await waitTask(alice, task);
  assert.equal(t.status, 'succeeded', JSON.stringify(t));
  assert.equal(t.result.project_name, 'Small one (restored)');
  // An empty file field: the page again, with the reason.
  const empty = new FormData();
  empty.append('csrf_token', alice.csrf);
  empty.append('archive', new Blob([]), '');
  const e = await send(empty);
  assert.equal(e.status, 422);
  assert.match(await e.text(), /Choose a backup archive/);
  // Malformed multipart bodies are refused.
  const raw = await fetch(stack.baseUrl + '/backups/restore', { method: 'POST', body: 'garbage', redirect: 'manual',
    headers: { Cookie: alice.cookieHeader(), 'Content-Type': 'multipart/form-data; boundary=xyz', 'X-CSRF-Token': alice.csrf } });
  assert.equal(raw.status, 400);
  const gzTest = zlib.gunzipSync(gz);
  assert.ok(gzTest.length > 0);
});
