// tests/integration/backup_schedule.test.js — scheduled automatic backups (issue 12) over the
// real stack: a daily schedule made due (next_run_at moved into the past from the test) is queued
// by the task runner as an ordinary backup task of the user, which succeeds and downloads; a
// slot is queued once however many enqueuers race; keep=2 over three runs leaves the two newest
// automatic archives and never touches a manual one; hostile PUT bodies and forms write nothing;
// another user neither sees nor uses the schedule; no CSRF token → 403.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('zlib');
const { execFile } = require('child_process');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, alice, bob;
test.before(async () => {
  stack = await startStack({ env: { CARD_TASKS: '2' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
});
test.after(() => stack && stack.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ids = new Map();
const userId = (c) => {
  if (!ids.has(c.email)) ids.set(c.email, stack.sql(`SELECT id FROM users WHERE email = '${c.email}'`));
  return ids.get(c.email);
};
const scheduleRow = (c) => stack.sql(`SELECT coalesce((SELECT row_to_json(s)::text FROM backup_schedules s WHERE user_id = '${userId(c)}'), 'none')`);
const scheduledTasks = (c) => Number(stack.sql(`SELECT count(*) FROM tasks WHERE user_id = '${userId(c)}' AND params->>'scheduled' = 'true'`));
const makeDue = (c) => stack.sql(`UPDATE backup_schedules SET next_run_at = now() - interval '1 second' WHERE user_id = '${userId(c)}'`);

async function getSchedule(c) {
  const res = await c.get('/api/backups/schedule');
  assert.equal(res.status, 200, res.text);
  return res.json();
}

async function putSchedule(c, body, status = 200) {
  const res = await c.request('PUT', '/api/backups/schedule', { json: body });
  assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
  return res.json();
}

/** nextRun: make c's schedule due, then wait until the runner queued a new task (last_task
 *  changes) and it finished; the schedule as GET answers it then. */
async function nextRun(c, ms = 30000) {
  const before = (await getSchedule(c)).last_task;
  makeDue(c);
  const end = Date.now() + ms;
  let s;
  while (Date.now() < end) {
    s = await getSchedule(c);
    if (s.last_task && (!before || s.last_task.uid !== before.uid) && !['queued', 'running'].includes(s.last_task.status)) return s;
    await sleep(100);
  }
  throw new Error(`no scheduled run finished: ${JSON.stringify(s)}`);
}

function manifestOf(gz) {
  const tar = zlib.gunzipSync(gz);
  for (let off = 0; off + 512 <= tar.length;) {
    const name = tar.subarray(off, off + 100).toString().replace(/\0.*$/s, '');
    const size = parseInt(tar.subarray(off + 124, off + 136).toString().replace(/\0.*$/s, '').trim(), 8);
    if (name === 'manifest.json') return JSON.parse(tar.subarray(off + 512, off + 512 + size));
    if (!name) break;
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error('no manifest.json');
}

let aliceProject;

test('a daily schedule made due runs as an ordinary backup task of the user; the archive downloads', async () => {
  const empty = await getSchedule(alice);
  assert.deepEqual(empty, { frequency: 'off', project_uid: null, project_name: null, keep: 7, next_run_at: null,
    last_run_at: null, last_backup: null, last_task: null });
  aliceProject = await alice.createProject('Nightly');
  await alice.createFile(aliceProject, 'note', 'Keep me safe');
  const saved = await putSchedule(alice, { frequency: 'daily', project_uid: aliceProject, keep: 3 });
  assert.equal(saved.frequency, 'daily');
  assert.equal(saved.project_uid, aliceProject);
  assert.equal(saved.project_name, 'Nightly');
  assert.equal(saved.keep, 3);
  const ahead = Date.parse(saved.next_run_at) - Date.now();
  assert.ok(ahead > 23 * 3600e3 && ahead < 25 * 3600e3, `next run a day ahead: ${saved.next_run_at}`);
  // Saving the same frequency again keeps the planned time; nothing ran yet.
  await sleep(1100);
  const again = await putSchedule(alice, { frequency: 'daily', project_uid: aliceProject, keep: 3 });
  assert.equal(again.next_run_at, saved.next_run_at);
  assert.equal(scheduledTasks(alice), 0);

  const s = await nextRun(alice);
  assert.equal(s.last_task.status, 'succeeded', JSON.stringify(s));
  const task = (await alice.get(`/api/tasks/${s.last_task.uid}`)).json();
  assert.equal(task.kind, 'backup');
  assert.equal(task.result.automatic, true);
  assert.equal(stack.sql(`SELECT user_id FROM tasks WHERE uid = '${s.last_task.uid}'`), userId(alice), 'owned by the user');
  assert.equal((await bob.get(`/api/tasks/${s.last_task.uid}`)).status, 404);
  assert.ok(s.last_backup, 'the last automatic backup is shown');
  assert.match(s.last_backup.name, /^Automatic: Nightly/);
  assert.equal(s.last_backup.download_url, task.result.download_url);
  const next = Date.parse(s.next_run_at) - Date.now();
  assert.ok(next > 23 * 3600e3 && next < 25 * 3600e3, `the slot moved a day on: ${s.next_run_at}`);
  assert.ok(s.last_run_at);

  const dl = await fetch(stack.baseUrl + s.last_backup.download_url, { headers: { Cookie: alice.cookieHeader() } });
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-type'), /application\/gzip/);
  const manifest = manifestOf(Buffer.from(await dl.arrayBuffer()));
  assert.deepEqual(manifest.projects.map((p) => [p.name, p.files.map((f) => f.title)]), [['Nightly', ['Keep me safe']]]);
  assert.equal((await bob.get(s.last_backup.download_url)).status, 404);

  // The /backups page shows the schedule, its next run and the last automatic backup.
  const page = await alice.get('/backups');
  assert.equal(page.status, 200);
  assert.match(page.text, /<label for="schedule-frequency">/);
  assert.match(page.text, /<option value="daily" selected>/);
  assert.match(page.text, new RegExp(`<option value="${aliceProject}" selected>Nightly</option>`));
  assert.match(page.text, /id="schedule-keep"[^>]*value="3"/);
  assert.match(page.text, /<dd id="schedule-next">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/dd>/);
  assert.match(page.text, new RegExp(`<dd id="schedule-last"><a href="${s.last_backup.download_url}">Automatic: Nightly`));
});

test('a due slot is queued exactly once, however many enqueuers race for it', async () => {
  const before = scheduledTasks(alice);
  makeDue(alice);
  // Four concurrent callers of the enqueue function besides the runner's own heartbeat.
  const call = () => new Promise((resolve, reject) => execFile('psql', ['-X', '-q', '-At', '-h', stack.pgSocketDir, '-U', 'postgres',
    '-d', 'cardinality', '-c', 'SELECT count(*) FROM card_backup_schedule_enqueue(100)'], (e, out) => (e ? reject(e) : resolve(Number(out.trim())))));
  const got = await Promise.all([call(), call(), call(), call()]);
  assert.ok(got.every((n) => n === 0 || n === 1), `${got}`);
  await sleep(6000);   // a runner heartbeat (5 s) has passed too
  assert.equal(scheduledTasks(alice), before + 1, `one task for the slot (the test's callers queued ${got})`);
  const s = await getSchedule(alice);
  assert.ok(Date.parse(s.next_run_at) > Date.now() + 23 * 3600e3);
  // Let it finish before the next test looks at alice's tasks.
  for (let i = 0; i < 300 && ['queued', 'running'].includes((await getSchedule(alice)).last_task.status); i++) await sleep(100);
});

test('keep=2 with three runs leaves the two newest automatic archives; a manual backup is untouched', async () => {
  const carol = new Client(stack.baseUrl);
  await carol.signup();
  const p = await carol.createProject('Carol’s');
  await carol.createFile(p, 'note', 'one');
  const manual = await carol.request('POST', `/api/projects/${p}/backup`);
  assert.equal(manual.status, 202, manual.text);
  let mt;
  for (let i = 0; i < 300; i++) {
    mt = (await carol.get(`/api/tasks/${manual.json().task_uid}`)).json();
    if (!['queued', 'running'].includes(mt.status)) break;
    await sleep(100);
  }
  assert.equal(mt.status, 'succeeded');
  const manualUid = mt.result.backup_uid;
  await putSchedule(carol, { frequency: 'weekly', project_uid: null, keep: 2 });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const s = await nextRun(carol);
    assert.equal(s.last_task.status, 'succeeded', JSON.stringify(s));
    const t = (await carol.get(`/api/tasks/${s.last_task.uid}`)).json();
    runs.push(t);
    assert.equal(t.result.pruned, i < 2 ? 0 : 1, `run ${i + 1} pruned`);
    const ahead = Date.parse(s.next_run_at) - Date.now();
    assert.ok(ahead > 6.9 * 86400e3 && ahead < 7.1 * 86400e3, `weekly: ${s.next_run_at}`);
  }
  assert.ok(runs[2].log.some((l) => /Keeping the newest 2 automatic backups: removed 1 older one/.test(l.message)), JSON.stringify(runs[2].log));
  const uid = userId(carol);
  const autos = stack.sql(`SELECT uid FROM backups WHERE user_id = '${uid}' AND automatic ORDER BY created_at`).split('\n');
  assert.deepEqual(autos, [runs[1].result.backup_uid, runs[2].result.backup_uid], 'the two newest automatic archives');
  assert.equal(stack.sql(`SELECT count(*) FROM backups WHERE uid = '${manualUid}' AND NOT automatic AND data IS NOT NULL`), '1', 'manual kept');
  assert.equal((await carol.get(runs[0].result.download_url)).status, 404, 'the oldest is gone');
  assert.equal((await carol.get(`/api/backups/${manualUid}/download`)).status, 200);
  // "All projects" archives every project carol owns.
  assert.match(runs[2].result.download_url, /^\/api\/backups\//);
  assert.equal(runs[2].result.projects, 1);
  // Manual backups, whatever their number, never count toward keep: a fourth run prunes an automatic one.
  const s = await nextRun(carol);
  assert.equal((await carol.get(`/api/tasks/${s.last_task.uid}`)).json().result.pruned, 1);
  assert.equal(stack.sql(`SELECT count(*) FROM backups WHERE user_id = '${uid}' AND automatic`), '2');
  assert.equal(stack.sql(`SELECT count(*) FROM backups WHERE user_id = '${uid}' AND NOT automatic`), '1');
});

test('hostile PUT bodies answer 422 (or 404 for a project not yours) and write nothing', async () => {
  const bobProject = await bob.createProject('Bob only');
  await alice.get('/backups');
  const before = scheduleRow(alice);
  assert.notEqual(before, 'none');
  const cases = [
    [{ frequency: 'hourly' }, 422, 'frequency'],
    [{ frequency: 'DAILY' }, 422, 'frequency'],
    [{ frequency: 1 }, 422, 'frequency'],
    [{ frequency: null }, 422, 'frequency'],
    [{ keep: 3 }, 422, 'frequency'],
    [{ frequency: 'daily', keep: 0 }, 422, 'keep'],
    [{ frequency: 'daily', keep: 1000 }, 422, 'keep'],
    [{ frequency: 'daily', keep: 'x' }, 422, 'keep'],
    [{ frequency: 'daily', keep: '7' }, 422, 'keep'],
    [{ frequency: 'daily', keep: 2.5 }, 422, 'keep'],
    [{ frequency: 'daily', keep: -1 }, 422, 'keep'],
    [{ frequency: 'daily', keep: true }, 422, 'keep'],
    [{ frequency: 'daily', keep: 1e30 }, 422, 'keep'],
    [{ frequency: 'daily', project_uid: 42 }, 422, 'project_uid'],
    [{ frequency: 'daily', project_uid: ['x'] }, 422, 'project_uid'],
    [{ frequency: 'daily', project_uid: bobProject }, 404, 'project_uid'],
    [{ frequency: 'daily', project_uid: 'no-such-project' }, 404, 'project_uid'],
    [{ frequency: 'daily', project_uid: "' OR 1=1 --" }, 404, 'project_uid'],
    [{ frequency: 'daily', project_uid: 'a'.repeat(10000) }, 404, 'project_uid'],
    [{ frequency: 'daily', user_id: userId(bob) }, 422, 'body'],
    [[], 422, 'body'],
    [null, 422, 'body'],
    ['daily', 422, 'body'],
  ];
  for (const [body, status, field] of cases) {
    const res = await alice.request('PUT', '/api/backups/schedule', { json: body });
    assert.equal(res.status, status, `${JSON.stringify(body).slice(0, 80)} → ${res.text}`);
    const j = res.json();
    assert.equal(j.field, field, JSON.stringify(body).slice(0, 80));
    assert.ok(typeof j.message === 'string' && j.message.length > 10, j.message);
    assert.equal(scheduleRow(alice), before, `${JSON.stringify(body).slice(0, 80)}: nothing written`);
  }
  for (const [body, type, status] of [['{"frequency": "daily"', 'application/json', 422],
    ['{"frequency":"daily","frequency":"off"}', 'application/json', 422], ['frequency=daily', 'text/plain', 415]]) {
    const res = await alice.request('PUT', '/api/backups/schedule', { body, headers: { 'Content-Type': type } });
    assert.equal(res.status, status, `${body} → ${res.text}`);
    assert.equal(scheduleRow(alice), before);
  }
  // Bob naming alice's project: 404, and no schedule row of his was created.
  await bob.get('/backups');
  await putSchedule(bob, { frequency: 'daily', project_uid: aliceProject }, 404);
  assert.equal(scheduleRow(bob), 'none');
  // Bounds are accepted.
  assert.equal((await putSchedule(alice, { frequency: 'daily', project_uid: aliceProject, keep: 100 })).keep, 100);
  assert.equal((await putSchedule(alice, { frequency: 'daily', project_uid: aliceProject, keep: 1 })).keep, 1);
  assert.equal((await putSchedule(alice, { frequency: 'daily', project_uid: aliceProject })).keep, 7, 'keep defaults to 7');
});

test('another user cannot see the schedule; without a session 401; without CSRF 403', async () => {
  const mine = await getSchedule(alice);
  assert.equal(mine.project_uid, aliceProject);
  const theirs = await getSchedule(bob);
  assert.equal(theirs.frequency, 'off');
  assert.equal(theirs.project_uid, null);
  assert.equal(theirs.last_backup, null);
  assert.equal(theirs.last_task, null);
  const page = await bob.get('/backups');
  assert.doesNotMatch(page.text, /Nightly/);
  assert.equal((await new Client(stack.baseUrl).get('/api/backups/schedule')).status, 401);
  const anon = new Client(stack.baseUrl);
  // (no session, so no CSRF token either: refused before anything else)
  assert.equal((await anon.request('PUT', '/api/backups/schedule', { json: { frequency: 'off' } })).status, 403);

  const before = scheduleRow(alice);
  const noCsrf = await alice.request('PUT', '/api/backups/schedule', { json: { frequency: 'off' }, headers: { 'X-CSRF-Token': null } });
  assert.equal(noCsrf.status, 403);
  const badCsrf = await alice.request('PUT', '/api/backups/schedule', { json: { frequency: 'off' }, headers: { 'X-CSRF-Token': 'forged' } });
  assert.equal(badCsrf.status, 403);
  const form = await alice.postForm('/backups/schedule', { frequency: 'off', project: '', keep: '7', csrf_token: null });
  assert.equal(form.status, 403);
  assert.equal(scheduleRow(alice), before, 'nothing written without CSRF');
});

test('the /backups form works without JavaScript: saved, or shown again with the error by its field', async () => {
  const dave = new Client(stack.baseUrl);
  await dave.signup();
  const p = await dave.createProject('Dave’s plans');
  const page = await dave.get('/backups');
  for (const id of ['schedule-frequency', 'schedule-project', 'schedule-keep']) {
    assert.match(page.text, new RegExp(`<label for="${id}">`), id);
    assert.match(page.text, new RegExp(`id="${id}"`), id);
  }
  assert.match(page.text, /<form class="form-stack" method="post" action="\/backups\/schedule">\s*<input type="hidden" name="csrf_token" value="[^"]+">/);
  assert.match(page.text, /Off: no automatic backups\./);
  const ok = await dave.postForm('/backups/schedule', { frequency: 'weekly', project: p, keep: '5' });
  assert.equal(ok.status, 303, ok.text);
  assert.equal(ok.headers.get('location'), '/backups?saved=schedule#schedule');
  const after = await dave.get('/backups?saved=schedule');
  assert.match(after.text, /Schedule saved\./);
  assert.match(after.text, /<option value="weekly" selected>/);
  assert.match(after.text, /id="schedule-keep"[^>]*value="5"/);
  assert.match(after.text, /<dd id="schedule-next">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/dd>/);
  const s = await getSchedule(dave);
  assert.deepEqual([s.frequency, s.project_uid, s.keep], ['weekly', p, 5]);
  const saved = scheduleRow(dave);

  const bobProject = stack.sql(`SELECT uid FROM projects WHERE name = 'Bob only'`);
  const bad = [
    [{ frequency: 'daily', project: '', keep: '0' }, 'keep'],
    [{ frequency: 'daily', project: '', keep: '1000' }, 'keep'],
    [{ frequency: 'daily', project: '', keep: 'x' }, 'keep'],
    [{ frequency: 'daily', project: '', keep: '' }, 'keep'],
    [{ frequency: 'daily', project: '', keep: '+5' }, 'keep'],
    [{ frequency: 'monthly', project: '', keep: '5' }, 'frequency'],
    [{ project: '', keep: '5' }, 'frequency'],
    [{ frequency: 'daily', project: bobProject, keep: '5' }, 'project'],
    [{ frequency: 'daily', project: '<script>', keep: '5' }, 'project'],
  ];
  for (const [fields, field] of bad) {
    const res = await dave.postForm('/backups/schedule', fields);
    assert.equal(res.status, 422, `${JSON.stringify(fields)} → ${res.status}`);
    assert.match(res.text, new RegExp(`<p class="field-error" id="schedule-${field}-error">[^<]{10,}</p>`), JSON.stringify(fields));
    assert.match(res.text, new RegExp(`id="schedule-${field}"[^>]*aria-invalid="true"`), JSON.stringify(fields));
    assert.doesNotMatch(res.text, /<script>/);
    assert.equal(scheduleRow(dave), saved, `${JSON.stringify(fields)}: nothing written`);
  }
  // Turning it off clears the next run.
  const off = await dave.postForm('/backups/schedule', { frequency: 'off', project: '', keep: '5' });
  assert.equal(off.status, 303);
  const s2 = await getSchedule(dave);
  assert.equal(s2.frequency, 'off');
  assert.equal(s2.next_run_at, null);
});
