// tests/integration/scaleout.test.js — scale-out over the real stack (README "Several hosts"):
// two cardinality instances (two masters, each with its own sockets) behind one nginx upstream
// and one PostgreSQL share sessions; stopping one of them (SIGTERM, then SIGKILL of its master
// and workers) while a client writes loses no acknowledged write; pgbouncer in transaction
// mode with prepared statements off runs the signed-in paths (the whole integration suite runs
// through it with PGBOUNCER_MODE=transaction); and R_READ routes (the export) read from a real
// streaming replica, write nothing there, and fall back to the primary while it is down.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quote = (s) => `'${s.replace(/'/g, "''")}'`;

test.describe('two instances behind one upstream', () => {
  let stack;
  test.before(async () => { stack = await startStack({ instances: 2, workers: 2, threads: 4 }); });
  test.after(() => stack && stack.stop());

  /** served: "GET /dashboard 200" lines for user id in instance i's log. */
  const served = (i, userId) => {
    const log = require('fs').readFileSync(`${stack.varDir}/log/${i ? `app.${i}` : 'app'}.log`, 'utf8');
    return log.split('\n').filter((l) => l.includes('GET /dashboard 200') && l.endsWith(`user=${userId}`)).length;
  };

  test('a session made through one instance works through the other', async () => {
    assert.notEqual(stack.masterPid(0), stack.masterPid(1));
    assert.equal(stack.socketPaths(0).length + stack.socketPaths(1).length, 4);
    const c = new Client(stack.baseUrl);
    await c.signup();
    const userId = stack.sql(`SELECT id FROM users WHERE email = ${quote(c.email)}`);
    for (let i = 0; i < 12; i++) {
      const r = await c.get('/dashboard');
      assert.equal(r.status, 200, `request ${i}`);
      assert.match(r.text, /csrf-token/);
    }
    // Round robin over both instances' sockets: each served this user's signed-in page.
    assert.ok(served(0, userId) >= 1, 'instance 0 served the session');
    assert.ok(served(1, userId) >= 1, 'instance 1 served the session');
  });

  /** writeLoop: `total` project creations by `clients` concurrent signed-in clients; once `at`
   *  answers came back, stopAt() stops an instance and the window from its signal to the
   *  instance being gone is recorded. Every answer is kept by project name, with its times. */
  async function writeLoop(tag, clients, total, at, stopAt) {
    const cs = [];
    for (let i = 0; i < clients; i++) {
      const c = new Client(stack.baseUrl);
      await c.signup();
      cs.push(c);
    }
    const acked = [];
    const failed = [];
    const window = {};
    let next = 0;
    let answered = 0;
    let stopped = null;
    await Promise.all(cs.map(async (c) => {
      while (next < total) {
        const name = `${tag}-${next++}`;
        const sent = Date.now();
        let status;
        try {
          status = (await c.postForm('/projects', { name, color: '#6366f1' })).status;
        } catch (e) {
          status = `network: ${e.message}`;
        }
        if (status === 303) acked.push(name);
        else failed.push({ name, status, sent, done: Date.now() });
        if (++answered === at) {
          window.from = Date.now();
          stopped = stopAt().then(() => { window.to = Date.now(); });
        }
      }
    }));
    await stopped;
    return { acked, failed, window, clients: cs };
  }

  /** checkNoLoss: every acknowledged project is in the database; the failures (reported) are
   *  502s of POSTs that were in flight while the instance was stopping: sent before it was
   *  gone, answered after the signal. */
  function checkNoLoss(what, { acked, failed, window }, tag) {
    const stored = new Set(stack.sql(`SELECT name FROM projects WHERE name LIKE ${quote(`${tag}-%`)}`).split('\n'));
    const lost = acked.filter((n) => !stored.has(n));
    console.log(`# ${what}: ${acked.length} acknowledged, ${failed.length} failed ` +
      `(${failed.map((f) => `${f.name}: ${f.status}`).join(', ') || 'none'}), ${lost.length} lost; ` +
      `the instance took ${window.to - window.from} ms to go`);
    assert.deepEqual(lost, [], `${what}: acknowledged writes lost`);
    assert.equal(acked.length + failed.length, 300);
    for (const f of failed) {
      assert.equal(f.status, 502, `${what}: ${f.name}`);
      // in flight while the instance went (nginx may still try its sockets for a moment after)
      assert.ok(f.sent <= window.to + 2000 && f.done >= window.from, `${what}: ${f.name} failed outside the stop`);
    }
    assert.ok(failed.length <= 12, `${what}: ${failed.length} failures`);
  }

  test('SIGTERM to one instance under writes: no acknowledged write lost', async () => {
    const tag = `term${process.pid}`;
    const master = stack.masterPid(1);
    const workers = stack.workerPids(1);
    const res = await writeLoop(tag, 4, 300, 80, async () => {
      process.kill(master, 'SIGTERM');
      await stack.waitGone([master, ...workers]);
    });
    checkNoLoss('SIGTERM', res, tag);
    // The survivor still serves every session.
    for (const c of res.clients) assert.equal((await c.get('/dashboard')).status, 200);
    assert.match(stack.appLogs(), /master: draining/);
    stack.instanceStart(1);
    assert.notEqual(stack.masterPid(1), master);
  });

  test('SIGKILL of one instance\'s master and workers under writes: no acknowledged write lost', async () => {
    const tag = `kill${process.pid}`;
    const master = stack.masterPid(0);
    const workers = stack.workerPids(0);
    assert.equal(workers.length, 2);
    const res = await writeLoop(tag, 4, 300, 80, async () => {
      // master first, so nothing is left to respawn a worker
      for (const pid of [master, ...workers]) process.kill(pid, 'SIGKILL');
      await stack.waitGone([master, ...workers]);
    });
    checkNoLoss('SIGKILL', res, tag);
    for (const c of res.clients) assert.equal((await c.get('/dashboard')).status, 200);
    stack.instanceStart(0);
    const c = res.clients[0];
    for (let i = 0; i < 8; i++) assert.equal((await c.get('/dashboard')).status, 200);
  });
});

test.describe('pgbouncer in transaction mode, prepared statements off', () => {
  let stack;
  test.before(async () => { stack = await startStack({ pgbouncer: 'transaction' }); });
  test.after(() => stack && stack.stop());

  test('sign-in, projects and diagram load/save/export run through pgbouncer', async () => {
    const c = new Client(stack.baseUrl);
    await c.signup();
    const project = await c.createProject('Pooled');
    const uid = await c.createFile(project, 'diagram', 'Pooled diagram');
    for (let i = 0; i < 3; i++) {
      const imp = await c.request('POST', `/api/diagrams/${uid}/import?dialect=postgres`, {
        body: `CREATE TABLE pooled_${i} (id int primary key);`, headers: { 'Content-Type': 'application/sql' },
      });
      assert.equal(imp.status, 200, imp.text);
      const got = await c.get(`/api/diagrams/${uid}`);
      assert.equal(got.status, 200);
      assert.ok(got.json().entities.some((e) => e.name === `pooled_${i}`));
      assert.equal((await c.get('/dashboard')).status, 200);
    }
    // The workers talk to pgbouncer (port 6432), with named prepared statements off …
    for (const pid of stack.workerPids()) {
      const env = require('fs').readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      assert.ok(env.some((v) => /^CARD_DATABASE_URL=.*port=6432/.test(v)), 'through pgbouncer');
      assert.ok(env.includes('CARD_DB_PREPARED=0'));
    }
    assert.match(require('fs').readFileSync(`${stack.varDir}/pgbouncer/pgbouncer.ini`, 'utf8'), /pool_mode = transaction/);
    // … and no statement failed on the way (a prepared statement missing on another server
    // session, a setting leaking between transactions).
    assert.doesNotMatch(stack.appLog(), /db: /);
  });
});

test.describe('a streaming replica for R_READ routes', () => {
  let stack;
  let c;
  let uid;
  test.before(async () => {
    stack = await startStack({ replica: true });
    c = new Client(stack.baseUrl);
    await c.signup();
    const project = await c.createProject('Replicated');
    uid = await c.createFile(project, 'diagram', 'Replicated diagram');
  });
  test.after(() => stack && stack.stop());

  /** caughtUp: wait until the replica replayed everything the primary wrote so far (the insert
   *  position: the test cluster commits asynchronously, so a commit may not be written yet). */
  async function caughtUp() {
    const lsn = stack.sql('SELECT pg_current_wal_insert_lsn()');
    for (let i = 0; i < 200; i++) {
      if (stack.replicaSql(`SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`) === 't') return;
      await sleep(25);
    }
    throw new Error('the replica did not catch up');
  }
  /** replicaLogSince: the replica's statement log after offset (its length earlier). */
  const replicaLogSince = (offset) => stack.replicaLog().slice(offset);
  const importSql = (sql) => c.request('POST', `/api/diagrams/${uid}/import?dialect=postgres`, {
    body: sql, headers: { 'Content-Type': 'application/sql' },
  });

  test('the export reads on the replica; the session and every write stay on the primary', async () => {
    assert.equal(stack.replicaSql('SELECT pg_is_in_recovery()'), 't');
    assert.equal(stack.sql('SELECT count(*) FROM pg_stat_replication'), '1');
    await caughtUp();
    let mark = stack.replicaLog().length;
    const exp = await c.get(`/api/diagrams/${uid}/export?format=json`);
    assert.equal(exp.status, 200, exp.text);
    assert.equal(exp.json().name, 'Replicated diagram');
    const seen = replicaLogSince(mark);
    assert.match(seen, /: BEGIN READ ONLY/);
    assert.match(seen, /set_config\('app\.user_id'/);
    assert.match(seen, /execute card_\d+: SELECT d\.id, d\.uid, d\.name/);   /* the diagram's own load */
    assert.doesNotMatch(seen, /card_session_lookup|UPDATE|INSERT|DELETE/);

    // A write (the import) goes to the primary; the replica only sees it replayed.
    mark = stack.replicaLog().length;
    const imp = await importSql('CREATE TABLE replicated_orders (id int primary key);');
    assert.equal(imp.status, 200, imp.text);
    assert.doesNotMatch(replicaLogSince(mark), /LOG: {2}(statement|execute)/);
    // The editor's own read is on the primary: it sees the save at once, whatever the lag.
    assert.ok((await c.get(`/api/diagrams/${uid}`)).json().entities.some((e) => e.name === 'replicated_orders'));
    assert.doesNotMatch(replicaLogSince(mark), /LOG: {2}(statement|execute)/);
    await caughtUp();
    mark = stack.replicaLog().length;
    const after = await c.get(`/api/diagrams/${uid}/export?format=postgres`);
    assert.equal(after.status, 200);
    assert.match(after.text, /replicated_orders/);
    assert.match(replicaLogSince(mark), /: BEGIN READ ONLY/);
  });

  test('replica down: exports read from the primary, and go back to the replica once it is up', async () => {
    stack.replicaStop();
    for (let i = 0; i < 5; i++) {
      const r = await c.get(`/api/diagrams/${uid}/export?format=postgres`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.text, /replicated_orders/);
    }
    assert.match(stack.appLog(), /db: connect failed/);
    stack.replicaStart();
    await caughtUp();
    // Each thread retries the replica after its back-off (at most 1 s).
    await sleep(1200);
    const mark = stack.replicaLog().length;
    for (let i = 0; i < 20 && !/BEGIN READ ONLY/.test(replicaLogSince(mark)); i++) {
      assert.equal((await c.get(`/api/diagrams/${uid}/export?format=json`)).status, 200);
    }
    assert.match(replicaLogSince(mark), /: BEGIN READ ONLY/);
  });
});
