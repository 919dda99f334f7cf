// tests/integration/dbws_pool.test.js — the query worker (issue 14): statements on users' own
// databases run on their own socket and worker process (card-query), so with one page worker
// of one thread, three slow queries leave pages answering; a query route sent straight to a
// page worker's socket answers 421 (and a page route on the query worker's socket too); a
// query worker killed with SIGKILL is replaced by the master and the next query works.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const { startStack } = require('../lib/stack.js');
const { startDbServers } = require('../lib/dbservers.js');
const { Client } = require('../lib/client.js');

const SLEEP_S = 3;
let stack, dbs, alice, project, conn;

test.before(async () => {
  dbs = await startDbServers({ maria: false });
  stack = await startStack({ workers: 1, threads: 1, env: { CARD_DB_ALLOW_LOOPBACK: '1' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  project = await alice.createProject('Slow queries');
  const res = await alice.request('POST', '/api/connections', { json: {
    name: 'pg', type: 'postgres', host: dbs.pg.host, port: dbs.pg.port, database: dbs.pg.database,
    user: dbs.pg.user, password: dbs.pg.password, project_uid: project, options: {},
  } });
  assert.equal(res.status, 201, res.text);
  conn = res.json().uid;
});
test.after(async () => {
  try {
    if (stack) stack.stop();
  } finally {
    if (dbs) await dbs.stop();
  }
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const query = (sql) => alice.request('POST', `/api/connections/${conn}/query`, { json: { sql } });

/** fcgi: one FastCGI request (role responder) on a unix socket; resolves to the STDOUT text. */
function fcgi(sock, params) {
  const record = (type, body) => {
    const h = Buffer.alloc(8);
    h.writeUInt8(1, 0); h.writeUInt8(type, 1); h.writeUInt16BE(1, 2); h.writeUInt16BE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  const len = (n) => (n < 128 ? Buffer.from([n]) : Buffer.from([(n >>> 24) | 0x80, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]));
  const pairs = Buffer.concat(Object.entries(params).map(([k, v]) =>
    Buffer.concat([len(Buffer.byteLength(k)), len(Buffer.byteLength(v)), Buffer.from(k), Buffer.from(v)])));
  const req = Buffer.concat([record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), record(4, pairs), record(4, Buffer.alloc(0)),
    record(5, Buffer.alloc(0))]);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const s = net.createConnection(sock, () => s.write(req));
    s.setTimeout(10000, () => { s.destroy(); reject(new Error('FastCGI timeout')); });
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => {
      const all = Buffer.concat(chunks);
      let out = '';
      for (let i = 0; i + 8 <= all.length;) {
        const type = all[i + 1], n = all.readUInt16BE(i + 4), pad = all[i + 6];
        if (type === 6) out += all.subarray(i + 8, i + 8 + n).toString();
        i += 8 + n + pad;
      }
      resolve(out);
    });
  });
}

test('the query worker is its own process, named card-query, beside the one page worker', () => {
  const q = stack.queryPid();
  assert.ok(q > 0, 'a card-query child of the master');
  assert.equal(stack.workerPids().length, 1);
  assert.ok(!stack.workerPids().includes(q));
  assert.notEqual(q, stack.streamPid());
});

test('three slow queries leave pages answering (1 page worker × 1 thread)', async () => {
  const t0 = Date.now();
  const done = {};
  const mark = (name) => (res) => { done[name] = { at: Date.now() - t0, status: res.status, res }; return res; };
  const slow = [0, 1, 2].map((i) => query(`SELECT pg_sleep(${SLEEP_S}) AS q${i}`).then(mark(`query${i}`)));
  // all three statements are running on the user's server before the pages are asked for
  // (dbs.pg.sql blocks the event loop, which the three requests still need to be sent: give
  // them a moment first and poll sparingly)
  await sleep(700);
  for (let i = 0; i < 40; i++) {
    const n = Number(dbs.pg.sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(%' AND state = 'active'"));
    if (n === 3) break;
    await sleep(250);
  }
  assert.equal(Number(dbs.pg.sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(%' AND state = 'active'")), 3);
  const asked = Date.now() - t0;
  const dash = alice.get('/dashboard').then(mark('dashboard'));
  const page = alice.get(`/projects/${project}`).then(mark('project'));
  await Promise.all([dash, page]);
  const pagesDone = Date.now() - t0;
  await Promise.all(slow);
  assert.equal(done.dashboard.status, 200);
  assert.equal(done.project.status, 200);
  assert.match(done.project.res.text, /Slow queries/);
  for (const i of [0, 1, 2]) {
    assert.equal(done[`query${i}`].status, 200, done[`query${i}`].res.text);
    // the pages finished before any of the sleeps did
    assert.ok(done[`query${i}`].at > pagesDone, `query${i} at ${done[`query${i}`].at} ms, pages at ${pagesDone} ms`);
    assert.ok(done[`query${i}`].at >= SLEEP_S * 1000);
  }
  console.log(`# pages asked at ${asked} ms: /dashboard ${done.dashboard.at - asked} ms, project page ` +
    `${done.project.at - asked} ms; queries done at ${[0, 1, 2].map((i) => done[`query${i}`].at).join(', ')} ms`);
});

test('a query route on a page worker\'s socket, or a page route on the query worker\'s, is 421', async () => {
  const [pageSock] = stack.socketPaths();
  const base = { SERVER_PROTOCOL: 'HTTP/1.1', QUERY_STRING: '', CONTENT_LENGTH: '0', SERVER_NAME: 'localhost' };
  for (const [method, path] of [['POST', `/api/connections/${conn}/query`], ['POST', `/dashboards/${conn}/refresh`],
    ['GET', `/api/connections/${conn}/tables/t/rows`]]) {
    const out = await fcgi(pageSock, { ...base, REQUEST_METHOD: method, DOCUMENT_URI: path, REQUEST_URI: path });
    assert.match(out, /^Status: 421 /m, `${method} ${path} on the page worker: ${out.slice(0, 200)}`);
  }
  const out = await fcgi(stack.querySocketPath(), { ...base, REQUEST_METHOD: 'GET', DOCUMENT_URI: '/dashboard', REQUEST_URI: '/dashboard' });
  assert.match(out, /^Status: 421 /m, out.slice(0, 200));
  // and the same sockets do answer their own routes (the check is not refusing everything)
  const ok = await fcgi(pageSock, { ...base, REQUEST_METHOD: 'GET', DOCUMENT_URI: '/healthz', REQUEST_URI: '/healthz' });
  assert.doesNotMatch(ok, /^Status: 421 /m);
  assert.match(ok, /^Status: 200 /m);
  // through nginx every route reaches its own pool
  assert.equal((await query('SELECT 1')).status, 200);
  assert.equal((await alice.get(`/api/connections/${conn}/history`)).status, 200);
});

test('a query worker killed with SIGKILL is replaced and the next query works', async () => {
  const before = stack.queryPid();
  const pages = stack.workerPids();
  process.kill(before, 'SIGKILL');
  await stack.waitGone([before]);
  let after = null;
  for (let i = 0; i < 300 && !(after && after !== before); i++) {
    await sleep(20);
    after = stack.queryPid();
  }
  assert.ok(after && after !== before, `a new query worker (was ${before}, now ${after})`);
  assert.deepEqual(stack.workerPids(), pages, 'the page worker was not touched');
  const res = await query('SELECT 41 + 1 AS answer');
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, /42/);
  assert.match(stack.appLog(), new RegExp(`master: worker ${before} exited`));
});

test('a session is kept between a user\'s queries, reset in between, never shared with another user', async () => {
  const pid = async (c = alice) => {
    const res = await c.request('POST', `/api/connections/${conn}/query`, { json: { sql: 'SELECT pg_backend_pid() AS pid' } });
    assert.equal(res.status, 200, res.text);
    return res.json().rows[0][0];
  };
  const first = await pid();
  assert.equal(await pid(), first, 'the second query ran on the same session');
  // what a query changed in the session is gone by the next one (DISCARD ALL)
  let res = await query("COMMIT; SET search_path = pg_catalog; CREATE TEMP TABLE scratch (x int)");
  res = await query('SHOW search_path');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().rows[0][0], '"$user", public');
  res = await query('SELECT count(*) FROM pg_tables WHERE tablename = \'scratch\'');
  assert.equal(String(res.json().rows[0][0]), '0');
  // the statement timeout given at sign-in still holds on a kept session
  res = await query('SHOW statement_timeout');
  assert.match(String(res.json().rows[0][0]), /^30s$/);
  // another user of the same database, through a connection of their own: another session
  const bob = new Client(stack.baseUrl);
  await bob.signup();
  const bp = await bob.createProject('Bob');
  const made = await bob.request('POST', '/api/connections', { json: {
    name: 'pg', type: 'postgres', host: dbs.pg.host, port: dbs.pg.port, database: dbs.pg.database,
    user: dbs.pg.user, password: dbs.pg.password, project_uid: bp, options: {} } });
  assert.equal(made.status, 201, made.text);
  const other = await bob.request('POST', `/api/connections/${made.json().uid}/query`, { json: { sql: 'SELECT pg_backend_pid()' } });
  assert.notEqual(other.json().rows[0][0], await pid());
  // a session the server ended is not reused: the next query opens a new one
  const cur = await pid();
  dbs.pg.sql(`SELECT pg_terminate_backend(${cur})`);
  await sleep(200);
  res = await query('SELECT 1 AS one');
  assert.equal(res.status, 200, res.text);
  assert.notEqual(await pid(), cur);
});
