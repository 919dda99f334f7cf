// tests/integration/foundation.test.js — the foundation over real nginx + workers + PostgreSQL:
// accounts, sessions, CSRF, projects, files, trash, isolation between users, escaping,
// security headers, database outage and worker crashes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const { execFileSync } = require('child_process');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack;
test.before(async () => { stack = await startStack(); });
test.after(() => stack && stack.stop());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('healthz and security headers on every response', async () => {
  const c = new Client(stack.baseUrl);
  const h = await c.get('/healthz');
  assert.equal(h.status, 200);
  assert.equal(h.text, 'ok\n');
  for (const path of ['/login', '/nope', '/static/css/app.css', '/healthz']) {
    const r = await c.get(path);
    const csp = r.headers.get('content-security-policy') || '';
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      assert.ok(csp.includes(d), `${path}: CSP lacks ${d}: ${csp}`);
    }
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    assert.ok(r.headers.get('referrer-policy'), path);
    assert.match(r.headers.get('content-type') || '', /charset=utf-8/i, path);
  }
  const nf = await c.get('/nope');
  assert.equal(nf.status, 404);
  assert.match(nf.text, /Page not found/);
  const head = await c.request('HEAD', '/login');
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  const bad = await c.request('DELETE', '/login');
  assert.equal(bad.status, 405);
});

test('signup → login → project lifecycle → trash → restore', async () => {
  const c = new Client(stack.baseUrl);
  const first = await c.get('/login');
  assert.equal(first.status, 200);
  assert.match(first.text, /name="csrf_token"/);
  const preCookies = new Map(c.cookies);
  const { email, password } = await c.signup();
  const sid = c.cookies.get('sid');
  assert.ok(sid && sid.length === 43, 'session cookie is 32 random bytes');
  assert.ok(!preCookies.has('sid'));
  // the cookie is HttpOnly, SameSite=Lax, Path=/ and the page is no-store
  const again = new Client(stack.baseUrl);
  await again.get('/login');
  const res = await again.postForm('/login', { email, password });
  assert.equal(res.status, 303);
  const setCookie = res.headers.getSetCookie().find((s) => s.startsWith('sid='));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.match(setCookie, /Path=\//);
  assert.notEqual(again.cookies.get('sid'), sid, 'new token at every login');
  const dash = await again.get('/dashboard');
  assert.equal(dash.status, 200);
  assert.equal(dash.headers.get('cache-control'), 'no-store');
  assert.match(dash.text, /<meta name="csrf-token" content="[^"]+"/);
  // only the SHA-256 of the token is stored
  const stored = stack.sql(`SELECT token FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`);
  assert.ok(!stored.includes(sid));
  assert.match(stored.split('\n')[0], /^[0-9a-f]{64}$/);

  const uid = await c.createProject('Shop database', '#10b981');
  let page = await c.get(`/projects/${uid}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Shop database/);
  const dash2 = await c.get('/dashboard');
  assert.match(dash2.text, /Shop database/);
  // files of each kind
  for (const kind of ['diagram', 'note', 'drawing', 'flowchart']) {
    const fuid = await c.createFile(uid, kind, `My ${kind}`);
    const f = await c.get(`/${kind}s/${fuid}`);
    assert.equal(f.status, 200, kind);
    assert.match(f.text, new RegExp(`My ${kind}`));
  }
  // rename + recolor
  let r = await c.postForm(`/projects/${uid}`, { name: 'Renamed shop', color: '#f43f5e' });
  assert.equal(r.status, 303);
  page = await c.get(`/projects/${uid}`);
  assert.match(page.text, /Renamed shop/);
  assert.match(page.text, /swatch-rose/);
  assert.equal(stack.sql(`SELECT color FROM projects WHERE uid = '${uid}'`), '#f43f5e');
  // hostile rename: empty name is refused next to the field, nothing written
  r = await c.postForm(`/projects/${uid}`, { name: '   ', color: '#f43f5e' });
  assert.equal(r.status, 422);
  assert.equal(stack.sql(`SELECT name FROM projects WHERE uid = '${uid}'`), 'Renamed shop');
  // delete → trash → restore
  r = await c.postForm(`/projects/${uid}/delete`, {});
  assert.equal(r.status, 303);
  assert.equal((await c.get(`/projects/${uid}`)).status, 404);
  assert.doesNotMatch((await c.get('/dashboard')).text, /Renamed shop/);
  const trash = await c.get('/trash');
  assert.match(trash.text, /Renamed shop/);
  r = await c.postForm('/trash/restore', { type: 'project', uid });
  assert.equal(r.status, 303);
  assert.equal((await c.get(`/projects/${uid}`)).status, 200);
  // purge needs confirmation, then removes the project and its files
  await c.postForm(`/projects/${uid}/delete`, {});
  await c.get('/trash');
  r = await c.postForm('/trash/purge', { type: 'project', uid });
  assert.equal(r.status, 422);
  r = await c.postForm('/trash/purge', { type: 'project', uid, confirm: '1' });
  assert.equal(r.status, 303);
  assert.equal(stack.sql(`SELECT count(*) FROM projects WHERE uid = '${uid}'`), '0');
  assert.equal(stack.sql(`SELECT count(*) FROM diagrams WHERE name = 'My diagram' AND user_id = (SELECT id FROM users WHERE email='${email}')`), '0');
  // logout kills the session: replaying the old cookie is not signed in
  const before = c.cookies.get('sid');
  await c.get('/dashboard');
  r = await c.postForm('/logout', {});
  assert.equal(r.status, 303);
  const replay = await fetch(`${stack.baseUrl}/dashboard`, { headers: { Cookie: `sid=${before}` }, redirect: 'manual' });
  assert.equal(replay.status, 303);
  assert.match(replay.headers.get('location'), /^\/login/);
});

test('first user is super admin; a bcrypt hash from ERD Builder Pro logs in and is upgraded', async () => {
  await new Client(stack.baseUrl).signup();
  await new Client(stack.baseUrl).signup();
  assert.equal(stack.sql('SELECT count(*) FROM users WHERE is_super_admin'), '1');
  assert.equal(stack.sql('SELECT is_super_admin FROM users ORDER BY created_at, id LIMIT 1'), 't');
  const email = `legacy${Date.now()}@example.com`;
  const hash = execFileSync('python3', ['-c',
    'import crypt,sys; print(crypt.crypt("legacy secret 1", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))']).toString().trim();
  assert.match(hash, /^\$2b\$/);
  stack.sql(`INSERT INTO users (id, email, name, password, created_at, updated_at) VALUES (gen_random_uuid()::text, '${email}', 'Legacy', '${hash}', now(), now())`);
  const c = new Client(stack.baseUrl);
  const r = await c.login(email, 'legacy secret 1');
  assert.equal(r.status, 303);
  assert.match(stack.sql(`SELECT password FROM users WHERE email = '${email}'`), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const again = new Client(stack.baseUrl);
  assert.equal((await again.login(email, 'legacy secret 1')).status, 303);
});

test('unknown email and wrong password answer the same; failures are slowed down', async () => {
  const c = new Client(stack.baseUrl);
  const { email } = await c.signup();
  const a = new Client(stack.baseUrl); await a.get('/login');
  const b = new Client(stack.baseUrl); b.cookies = new Map(a.cookies); b.csrf = a.csrf;
  const r1 = await a.postForm('/login', { email: 'nobody-here@example.com', password: 'wrong password 1' });
  const r2 = await b.postForm('/login', { email: 'nobody-here@example.com', password: 'wrong password 1' });
  assert.equal(r1.status, 401);
  assert.equal(r1.text, r2.text);
  const r3 = await b.postForm('/login', { email, password: 'wrong password 1' });
  assert.equal(r3.status, 401);
  assert.equal(r3.text.replace(email, 'X'), r1.text.replace('nobody-here@example.com', 'X'));
  // after 5 failures the account is throttled (429), without locking the correct password forever
  for (let i = 0; i < 5; i++) await b.postForm('/login', { email, password: 'wrong password 2' });
  const r4 = await b.postForm('/login', { email, password: 'correct horse battery' });
  assert.equal(r4.status, 429);
  assert.ok(Number(r4.headers.get('retry-after')) >= 1);
  await sleep(2100);
  assert.equal((await b.postForm('/login', { email, password: 'correct horse battery' })).status, 303);
  // a 1025-byte password is refused before hashing
  const big = await a.postForm('/login', { email, password: 'x'.repeat(1025) });
  assert.equal(big.status, 400);
});

test('signup validation: errors next to the field, duplicates, weak passwords', async () => {
  const c = new Client(stack.baseUrl);
  await c.get('/signup');
  let r = await c.postForm('/signup', { name: '', email: 'not-an-email', password: 'short' });
  assert.equal(r.status, 422);
  assert.match(r.text, /aria-invalid="true"/);
  assert.match(r.text, /Enter a valid email address/);
  assert.match(r.text, /at least 8 characters/);
  r = await c.postForm('/signup', { name: 'A', email: 'a@example.com', password: 'password' });
  assert.equal(r.status, 422);
  assert.match(r.text, /too common/);
  const u = new Client(stack.baseUrl);
  const { email } = await u.signup();
  await c.get('/signup');
  r = await c.postForm('/signup', { name: 'Dup', email: email.toUpperCase(), password: 'another good one' });
  // a taken address is not told apart from a new one (tests/integration/auth.test.js compares them)
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login?done=signed-up');
  assert.doesNotMatch(r.text, /already/);
  assert.equal(stack.sql(`SELECT count(*) FROM users WHERE lower(email) = lower('${email}')`), '1');
});

test('CSRF: forms without a valid token, cross-site and foreign origins get 403', async () => {
  const c = new Client(stack.baseUrl);
  await c.signup();
  const before = stack.sql('SELECT count(*) FROM projects');
  let r = await c.postForm('/projects', { name: 'x', csrf_token: null });
  assert.equal(r.status, 403);
  r = await c.postForm('/projects', { name: 'x', csrf_token: 'forged' });
  assert.equal(r.status, 403);
  r = await c.postForm('/projects', { name: 'x' }, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
  assert.equal(r.status, 403);
  r = await c.postForm('/projects', { name: 'x' }, { headers: { Origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  assert.equal(stack.sql('SELECT count(*) FROM projects'), before);
  // the login form itself needs its pre-session token
  const anon = new Client(stack.baseUrl);
  r = await anon.postForm('/login', { email: 'a@b.c', password: 'whatever12', csrf_token: null });
  assert.equal(r.status, 403);
  // with the right token it works
  r = await c.postForm('/projects', { name: 'fine' });
  assert.equal(r.status, 303);
});

test('another user gets 404 for my project and files, by uid and by guessing', async () => {
  const a = new Client(stack.baseUrl); await a.signup();
  const b = new Client(stack.baseUrl); await b.signup();
  const uid = await a.createProject('Private plans');
  const fuid = await a.createFile(uid, 'note', 'Secret note');
  await b.get('/dashboard');
  for (const path of [`/projects/${uid}`, `/notes/${fuid}`, '/projects/1', '/notes/1', '/projects/../etc']) {
    const r = await b.get(path);
    assert.ok(r.status === 404, `${path} → ${r.status}`);
    assert.doesNotMatch(r.text, /Private plans|Secret note/);
  }
  for (const [path, form] of [[`/projects/${uid}`, { name: 'hijack' }], [`/projects/${uid}/delete`, {}],
    [`/projects/${uid}/files`, { kind: 'note', title: 'x' }], [`/notes/${fuid}/delete`, {}],
    ['/trash/restore', { type: 'project', uid }]]) {
    const r = await b.postForm(path, form);
    assert.equal(r.status, 404, path);
  }
  assert.equal(stack.sql(`SELECT name || is_deleted::text FROM projects WHERE uid = '${uid}'`), 'Private plansfalse');
  // row-level security: the runtime role sees nothing without app.user_id
  assert.equal(stack.psqlAs('card_app', 'SELECT count(*) FROM projects'), '0');
  assert.equal(stack.psqlAs('card_app', 'SELECT rolsuper::text || rolbypassrls::text FROM pg_roles WHERE rolname = current_user'), 'falsefalse');
});

// psqlFails: the psql call throws; its stderr matches re.
function psqlFails(fn, re) {
  let err;
  try { fn(); } catch (e) { err = e; }
  assert.ok(err, 'psql must fail');
  assert.match(String(err.stderr), re);
}

test('the runtime role cannot read password hashes, mint sessions or purge them (only card_auth signs in)', async () => {
  const c = new Client(stack.baseUrl);
  const { email } = await c.signup();
  const uid = stack.sql(`SELECT id FROM users WHERE email = '${email}'`);
  psqlFails(() => stack.psqlAs('card_app', `SELECT * FROM card_login_lookup('${email}')`), /permission denied for function card_login_lookup/);
  psqlFails(() => stack.psqlAs('card_app', 'SELECT card_sessions_purge(1, 1)'), /permission denied for function card_sessions_purge/);
  psqlFails(() => stack.psqlAs('card_app', `SELECT set_config('app.user_id', '${uid}', false); SELECT password FROM users`), /permission denied for table users/);
  psqlFails(() => stack.psqlAs('card_app', `SELECT set_config('app.user_id', '${uid}', false);
    INSERT INTO sessions (id, token, user_id, email) VALUES ('x', 'y', '${uid}', 'z')`), /permission denied for table sessions/);
  // the sign-in role touches no table
  psqlFails(() => stack.psqlAs('card_auth', 'SELECT count(*) FROM users'), /permission denied for table users/);
  assert.equal(stack.sql(`SELECT count(*) FROM sessions WHERE user_id = '${uid}'`), '1');
  assert.equal((await c.get('/dashboard')).status, 200);
});

test('the development cluster admits only its own roles, by password, through a private socket directory', () => {
  const mode = require('fs').statSync(stack.pgSocketDir).mode;
  assert.equal(mode & 0o007, 0, `socket directory mode ${(mode & 0o777).toString(8)} lets everyone in`);
  assert.equal(mode & 0o022, 0, 'socket directory is writable by group or others');
  // no password, no entry: not for the owner, the runtime role or a made-up one
  for (const role of ['card_owner', 'card_app', 'card_auth']) {
    psqlFails(() => stack.psqlAs(role, 'SELECT 1', { env: { PGPASSFILE: '/dev/null' } }),
      /password authentication failed|no password supplied/);
    psqlFails(() => stack.psqlAs(role, 'SELECT 1', { env: { PGPASSFILE: '/dev/null', PGPASSWORD: 'guess' } }),
      /password authentication failed/);
  }
  psqlFails(() => stack.psqlAs('intruder', 'SELECT 1'), /no pg_hba\.conf entry/);
  assert.equal(stack.psqlAs('card_owner', 'SELECT current_user'), 'card_owner');
  const pass = require('fs').statSync(require('path').join(stack.varDir, 'db.pgpass'));
  assert.equal(pass.mode & 0o077, 0, 'the password file is readable by others');
  if (process.getuid() === 0) {
    // another local user cannot even reach the socket, let alone log in as the superuser
    let err;
    try {
      execFileSync('runuser', ['-u', 'nobody', '--', 'psql', '-X', '-w', '-h', stack.pgSocketDir, '-U', 'postgres',
        '-d', 'cardinality', '-c', 'SELECT 1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) { err = e; }
    assert.ok(err, 'user nobody connected to the cluster');
    assert.match(String(err.stderr), /Permission denied|permission denied/);
  }
});

test('user input is escaped everywhere', async () => {
  const c = new Client(stack.baseUrl);
  await c.signup({ name: '<script>alert(1)</script>' });
  const evil = '"><img src=x onerror=alert(1)>{{7*7}}<script>alert(1)</script>';
  const uid = await c.createProject(evil);
  await c.createFile(uid, 'note', evil);
  for (const path of ['/dashboard', `/projects/${uid}`]) {
    const r = await c.get(path);
    assert.doesNotMatch(r.text, /<script>alert|<img src=x/, path);
    assert.match(r.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, path);
    assert.match(r.text, /\{\{7\*7\}\}/, path);
  }
});

test('hostile requests: bad UTF-8, oversize bodies, malformed forms', async () => {
  const c = new Client(stack.baseUrl);
  await c.signup();
  let r = await c.request('POST', '/projects', {
    body: Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff, 0xfe]),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': c.csrf },
  });
  assert.equal(r.status, 400);
  r = await c.postForm('/projects', { name: 'a' }, { headers: { 'Content-Type': 'text/plain' } });
  assert.equal(r.status, 415);
  r = await c.request('POST', '/projects', {
    body: 'name=%zz&csrf_token=' + c.csrf, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(r.status, 400);
  r = await c.request('POST', '/login', { body: 'x'.repeat(2 * 1024 * 1024), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 413);
  r = await c.request('POST', '/projects', { body: 'x'.repeat(12 * 1024 * 1024), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 413);
  r = await c.get('/dashboard?a=%ff');
  assert.equal(r.status, 400);
  r = await c.postForm('/projects', { name: 'x'.repeat(201) });
  assert.equal(r.status, 422);
  assert.equal((await c.get('/healthz')).status, 200);
});

test('after a request, the connection carries no user id (transaction-local settings)', async () => {
  // every request runs set_config(..., true) inside BEGIN; a plain SET would survive the commit
  const fs = require('fs');
  const dir = require('path').join(require('../lib/stack.js').root, 'fcgi');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.c'))) {
    assert.doesNotMatch(fs.readFileSync(require('path').join(dir, f), 'utf8'), /\bSET\s+(LOCAL\s+)?app\./i, f);
  }
  const c = new Client(stack.baseUrl);
  await c.signup();
  for (let i = 0; i < 10; i++) await c.get('/dashboard');
  const active = stack.sql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'card_app' AND state = 'idle in transaction'");
  assert.equal(active, '0', 'no connection left inside a transaction');
  // What the app relies on: on ONE connection, a user id set with set_config(…, true) inside a
  // transaction opens that user's rows there and is gone after COMMIT (a plain SET, or
  // is_local = false, would leave the next request on this connection with the same rights).
  const pid = await c.createProject('Leak check');
  const owner = stack.sql(`SELECT user_id FROM projects WHERE uid = '${pid}'`);
  const out = stack.psqlAs('card_app', `BEGIN; SELECT set_config('app.user_id', '${owner}', true);
    SELECT 'inside:' || count(*) FROM projects; COMMIT; SELECT 'after:' || count(*) FROM projects;`);
  assert.match(out, /inside:1/);
  assert.match(out, /after:0/);
});

test('PostgreSQL stopped → 503; back → 200 without restarting workers', async () => {
  const c = new Client(stack.baseUrl);
  await c.signup();
  const workers = stack.workerPids();
  stack.pgStop();
  const r = await c.get('/dashboard');
  assert.equal(r.status, 503);
  assert.match(r.text, /database is unavailable/i);
  stack.pgStart();
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    ok = (await c.get('/dashboard')).status === 200;
    if (!ok) await sleep(100);
  }
  assert.ok(ok, 'recovers after the database comes back');
  assert.deepEqual(stack.workerPids().sort(), workers.sort());
});

test('a worker killed with SIGKILL is replaced and requests keep succeeding', async () => {
  const c = new Client(stack.baseUrl);
  await c.signup();
  const [victim] = stack.workerPids();
  process.kill(victim, 'SIGKILL');
  await stack.waitGone([victim]);
  await sleep(300);
  const now = stack.workerPids();
  assert.equal(now.length, 2);
  assert.ok(!now.includes(victim));
  for (let i = 0; i < 20; i++) assert.equal((await c.get('/dashboard')).status, 200);
});

test('a forged FastCGI packet (CVE-2025-23016 lengths) costs at most one worker', async () => {
  const sock = stack.socketPath();
  const before = stack.workerPids();
  // BEGIN_REQUEST, then PARAMS with 4-byte name/value lengths of 0x7ffffffe
  const begin = Buffer.from([1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.from([0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xfe, 0x41, 0x41, 0x41, 0x41]);
  const params = Buffer.concat([Buffer.from([1, 4, 0, 1, 0, body.length, 0, 0]), body]);
  await new Promise((resolve) => {
    const s = net.createConnection(sock, () => { s.write(Buffer.concat([begin, params])); });
    s.on('error', resolve);
    s.on('close', resolve);
    setTimeout(() => { s.destroy(); resolve(); }, 1500);
  });
  await sleep(400);
  const after = stack.workerPids();
  assert.equal(after.length, 2, 'the master keeps the pool full');
  const replaced = before.filter((p) => !after.includes(p)).length;
  assert.ok(replaced <= 1);
  const c = new Client(stack.baseUrl);
  for (let i = 0; i < 10; i++) assert.equal((await c.get('/login')).status, 200);
});

test('the FastCGI socket is a 0660 unix socket and there is no TCP FastCGI listener', () => {
  const sock = stack.socketPath();
  const st = require('fs').statSync(sock);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o660);
  const tcp = execFileSync('ss', ['-ltnp']).toString();
  const pids = [stack.masterPid(), ...stack.workerPids()];
  for (const pid of pids) assert.ok(!tcp.includes(`pid=${pid},`), 'no TCP listener in cardinality processes');
});

test('session expiry: idle and absolute timeouts', async () => {
  const c = new Client(stack.baseUrl);
  const { email } = await c.signup();
  assert.equal((await c.get('/dashboard')).status, 200);
  stack.sql(`UPDATE sessions SET last_seen_at = now() - interval '25 hours' WHERE user_id = (SELECT id FROM users WHERE email='${email}')`);
  assert.equal((await c.get('/dashboard')).status, 303, 'idle session rejected');
  const d = new Client(stack.baseUrl);
  const u = await d.signup();
  stack.sql(`UPDATE sessions SET created_at = now() - interval '15 days' WHERE user_id = (SELECT id FROM users WHERE email='${u.email}')`);
  assert.equal((await d.get('/dashboard')).status, 303, 'absolute lifetime enforced even when active');
});

test('password change signs out other sessions; deleting the account ends every session', async () => {
  const a = new Client(stack.baseUrl);
  const { email, password } = await a.signup();
  const other = new Client(stack.baseUrl);
  assert.equal((await other.login(email, password)).status, 303);
  assert.equal((await other.get('/dashboard')).status, 200);
  await a.get('/account');
  let r = await a.postForm('/account/password', { current_password: 'wrong one!', password: 'a new passphrase' });
  assert.equal(r.status, 422);
  assert.match(r.text, /not your current password/);
  r = await a.postForm('/account/password', { current_password: password, password: 'a new passphrase', logout_others: '1' });
  assert.equal(r.status, 303);
  assert.equal((await a.get('/dashboard')).status, 200, 'this session stays');
  assert.equal((await other.get('/dashboard')).status, 303, 'the other session is gone');
  assert.equal((await new Client(stack.baseUrl).login(email, password)).status, 401);
  const third = new Client(stack.baseUrl);
  assert.equal((await third.login(email, 'a new passphrase')).status, 303);
  const uid = await a.createProject('Doomed');
  await a.get('/account');
  r = await a.postForm('/account/delete', { current_password: 'a new passphrase' });
  assert.equal(r.status, 303);
  assert.equal((await third.get('/dashboard')).status, 303);
  assert.equal(stack.sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '0');
  assert.equal(stack.sql(`SELECT count(*) FROM projects WHERE uid = '${uid}'`), '0');
  assert.equal(stack.sql(`SELECT count(*) FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL`), '0');
});
