// tests/lib/stack.js — starts the real stack for a test file: a throwaway PostgreSQL cluster,
// the cardinality master and workers, and nginx, on a free port under a temporary directory
// (scripts/stack.sh does the work, the same script `make run` uses).
// Scale-out options (scripts/stack.sh's header): opts.instances (CARD_INSTANCES: masters behind
// the one upstream), opts.pgbouncer ('session' | 'transaction': PGBOUNCER_MODE; the environment
// variable PGBOUNCER_MODE puts every test file's stack behind pgbouncer), opts.replica (a
// streaming replica that logs its statements, named by CARD_READ_DATABASE_URL).
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function streamName(pid) {
  try { return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch (_) { return ''; }
}

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer/;

async function startStack(opts = {}) {
  const varDir = fs.mkdtempSync('/tmp/card-test-');
  fs.chmodSync(varDir, 0o755);
  const port = await freePort();
  const env = {
    ...process.env,
    VAR_DIR: varDir,
    PORT: String(port),
    PG_FAST: '1',
    BIN: process.env.BIN || path.join(root, 'build', 'cardinality'),
    LOGIN_RATE: opts.loginRate || '6000r/m',
    LOGIN_BURST: String(opts.loginBurst || 1000),
    SIGNUP_RATE: opts.signupRate || '6000r/m',
    SIGNUP_BURST: String(opts.signupBurst || 1000),
    CARD_WORKERS: String(opts.workers || 2),
    CARD_THREADS: String(opts.threads || 4),
    // Under ASan, libfcgi's reaction to a forged 2 GiB parameter (CVE-2025-23016, see the
    // foundation test) is an allocation-size report instead of its own assert: let malloc
    // return NULL so the worker dies the way it does in production (the master replaces it).
    ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'allocator_may_return_null=1',
    ...(opts.instances ? { CARD_INSTANCES: String(opts.instances) } : {}),
    ...(opts.pgbouncer ? { PGBOUNCER_MODE: opts.pgbouncer } : {}),
    ...(opts.replica ? { REPLICA: '1', REPLICA_PG_OPTS: '-c log_statement=all' } : {}),
    ...(opts.env || {}),
  };
  const stack = path.join(root, 'scripts', 'stack.sh');
  try {
    execFileSync(stack, ['start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    try { execFileSync(stack, ['stop'], { env, stdio: 'ignore' }); } catch (_) { /* already down */ }
    throw new Error(`stack did not start (logs in ${varDir}/log)`);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const sock = path.join(varDir, 'pg', 'sock');
  const pgBin = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1']).toString().trim();
  const pgAs = (args) => (process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)]);

  const s = {
    baseUrl, port, varDir, env,
    /** sql: run SQL as the database superuser; rows as text (psql -At). */
    sql(text, db = 'cardinality') {
      return execFileSync('psql', ['-X', '-q', '-At', '-h', sock, '-U', 'postgres', '-d', db,
        '-v', 'ON_ERROR_STOP=1', '-c', text]).toString().trim();
    },
    /** psqlAs: run SQL as another role (e.g. card_app), with its password from the stack's
     *  passfile (scripts/stack.sh); opts.env overrides the environment (e.g. PGPASSFILE). */
    psqlAs(role, text, opts = {}) {
      return execFileSync('psql', ['-X', '-q', '-At', '-w', '-h', sock, '-U', role, '-d', 'cardinality',
        '-v', 'ON_ERROR_STOP=1', '-c', text], {
        env: { ...process.env, PGPASSFILE: path.join(varDir, 'db.pgpass'), ...(opts.env || {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString().trim();
    },
    pgSocketDir: sock,
    pgStop() {
      const [cmd, args] = pgAs([path.join(pgBin, 'pg_ctl'), '-D', path.join(varDir, 'pg', 'data'), '-m', 'fast', '-w', 'stop']);
      execFileSync(cmd, args, { stdio: 'ignore' });
    },
    pgStart() {
      execFileSync(stack, ['pg'], { env, stdio: 'ignore' });
    },
    /** runDir: instance i's pid and socket list (scripts/stack.sh: run/, run.1/ …). */
    runDir(i = 0) { return path.join(varDir, i ? `run.${i}` : 'run'); },
    masterPid(i = 0) { return Number(fs.readFileSync(path.join(s.runDir(i), 'cardinality.pid'), 'utf8')); },
    /** runnerPid: the task runner's pid (a child of master i named card-tasks), or 0. */
    runnerPid(i = 0) {
      try {
        return Number(execFileSync('pgrep', ['-x', 'card-tasks', '-P', String(s.masterPid(i))]).toString().trim()) || 0;
      } catch (_) { return 0; }
    },
    workerPids(i = 0) {
      let out = '';
      try {
        // -x cardinality: the workers, not the task runner (named card-tasks).
        out = execFileSync('pgrep', ['-x', 'cardinality', '-P', String(s.masterPid(i))]).toString().trim();
      } catch (e) {
        if (e.status !== 1) throw e;   // 1: no worker at this instant (e.g. all just killed)
      }
      // the stream and query workers (named card-stream, card-query: fcgi/worker.c) are not
      // page workers (pgrep -x cardinality already leaves them out; this guards a race with
      // the rename right after fork)
      return out ? out.split('\n').map(Number).filter((p) => !['card-stream', 'card-query'].includes(streamName(p))) : [];
    },
    /** namedChild: master i's child process named name (its /proc comm), or null. */
    namedChild(name, i = 0) {
      let out = '';
      try { out = execFileSync('pgrep', ['-P', String(s.masterPid(i))]).toString().trim(); } catch (_) { return null; }
      return out.split('\n').map(Number).find((p) => streamName(p) === name) || null;
    },
    /** streamPid: the stream worker of instance i (AI chat), or null. */
    streamPid(i = 0) { return s.namedChild('card-stream', i); },
    /** queryPid: the query worker of instance i (statements on users' databases), or null. */
    queryPid(i = 0) { return s.namedChild('card-query', i); },
    /** querySocketPath: instance i's query worker socket (scripts/stack.sh's query.path). */
    querySocketPath(i = 0) { return fs.readFileSync(path.join(s.runDir(i), 'query.path'), 'utf8').trim(); },
    /** socketPaths: the FastCGI sockets, one per worker process (scripts/stack.sh lists them). */
    socketPaths(i = 0) { return fs.readFileSync(path.join(s.runDir(i), 'socket.path'), 'utf8').trim().split('\n'); },
    socketPath() { return s.socketPaths()[0]; },
    /** waitGone: resolve once each pid has exited (zombie or reaped); 15 s at most (a master
     * waits for its workers' threads to finish, slow under ASan on a loaded machine). */
    async waitGone(pids) {
      for (let i = 0; i < 1500; i++) {
        const alive = pids.filter((p) => {
          try { return !/State:\s+Z/.test(fs.readFileSync(`/proc/${p}/status`, 'utf8')); } catch (_) { return false; }
        });
        if (!alive.length) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`processes still alive: ${pids}`);
    },
    appLog() { return fs.readFileSync(path.join(varDir, 'log', 'app.log'), 'utf8'); },
    /** appLogs: every instance's log, concatenated. */
    appLogs() {
      const dir = path.join(varDir, 'log');
      return fs.readdirSync(dir).filter((f) => /^app(\.\d+)?\.log$/.test(f))
        .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
    },
    /** replicaSql: run SQL as the superuser on the replica (opts.replica). */
    replicaSql(text) {
      return execFileSync('psql', ['-X', '-q', '-At', '-h', path.join(varDir, 'pg', 'replica-sock'), '-U', 'postgres',
        '-d', 'cardinality', '-v', 'ON_ERROR_STOP=1', '-c', text]).toString().trim();
    },
    replicaLog() { return fs.readFileSync(path.join(varDir, 'log', 'replica.log'), 'utf8'); },
    /** instanceStart: (re)start master i after the test stopped it (same sockets, same log). */
    instanceStart(i) { execFileSync(stack, ['instance-start', String(i)], { env, stdio: ['ignore', 'ignore', 'inherit'] }); },
    replicaStop() { execFileSync(stack, ['replica-stop'], { env, stdio: 'ignore' }); },
    replicaStart() { execFileSync(stack, ['replica-start'], { env, stdio: 'ignore' }); },
    nginxAccessLog() {
      const f = path.join(varDir, 'log', 'nginx-access.log');
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
    },
    /** stop: stop everything; fail when a sanitizer reported anything in the app log. */
    stop() {
      try { execFileSync(stack, ['stop'], { env, stdio: 'ignore' }); } catch (_) { /* best effort */ }
      const log = fs.existsSync(path.join(varDir, 'log')) ? s.appLogs() : '';
      const bad = log.split('\n').filter((l) => SANITIZER.test(l));
      if (bad.length) {
        throw new Error(`sanitizer reports in ${varDir}/log/app.log:\n${bad.slice(0, 10).join('\n')}`);
      }
      if (!process.env.KEEP_TEST_DIRS) fs.rmSync(varDir, { recursive: true, force: true });
    },
  };
  return s;
}

/** newBrowser: headless Debian chromium driven by playwright-core. */
async function newBrowser() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

let userCounter = 0;
/** signUp: create a fresh user through the real form, then sign in through the login page it
 *  leads to; the page ends signed in on /dashboard. */
async function signUp(page, baseUrl, opts = {}) {
  userCounter += 1;
  const email = opts.email || `user${Date.now()}-${process.pid}-${userCounter}@example.com`;
  await page.goto(`${baseUrl}/signup`);
  await page.fill('input[name="name"]', opts.name || `Test User ${userCounter}`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', opts.password || 'correct horse battery');
  await Promise.all([page.waitForURL(/\/login\?done=signed-up/), page.click('form[action="/signup"] button[type="submit"]')]);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', opts.password || 'correct horse battery');
  await Promise.all([page.waitForURL(/\/dashboard/), page.click('form[action="/login"] button[type="submit"]')]);
  return { email };
}

module.exports = { startStack, newBrowser, signUp, freePort, root };
