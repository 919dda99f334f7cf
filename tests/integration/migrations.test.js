// tests/integration/migrations.test.js — the migration runner at start-up: a failing file
// rolls back whole and stops start-up naming the file; applying twice is a no-op; SIGHUP
// reloads templates without dropping a request.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { startStack, root } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

test('a failing migration rolls back whole and stops start-up with its name and error', async () => {
  const sqlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'card-sql-'));
  for (const f of fs.readdirSync(path.join(root, 'sql'))) fs.copyFileSync(path.join(root, 'sql', f), path.join(sqlDir, f));
  fs.writeFileSync(path.join(sqlDir, '999_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT 1/0;\n');
  fs.chmodSync(sqlDir, 0o755);
  let err;
  try { await startStack({ env: { CARD_SQL_DIR: sqlDir } }); } catch (e) { err = e; }
  assert.ok(err, 'start-up must fail');
  const varDir = /logs in (\S+)\/log/.exec(err.message)[1];
  const log = fs.readFileSync(path.join(varDir, 'log', 'app.log'), 'utf8');
  assert.match(log, /999_broken\.sql failed: ERROR:\s+division by zero/);
  assert.match(log, /start-up stopped/);
  // bring the cluster back (startStack stopped everything) and check nothing was half-applied
  execFileSync(path.join(root, 'scripts', 'stack.sh'), ['pg'], { env: { ...process.env, VAR_DIR: varDir } });
  const sock = path.join(varDir, 'pg', 'sock');
  const q = (sql) => execFileSync('psql', ['-X', '-At', '-h', sock, '-U', 'postgres', '-d', 'cardinality', '-c', sql]).toString().trim();
  assert.equal(q("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), '0');
  assert.equal(q("SELECT count(*) FROM schema_migrations WHERE name = '999_broken.sql'"), '0');
  assert.ok(Number(q('SELECT count(*) FROM schema_migrations')) >= 8);
  execFileSync(path.join(root, 'scripts', 'stack.sh'), ['stop'], { env: { ...process.env, VAR_DIR: varDir } });
  fs.rmSync(varDir, { recursive: true, force: true });
  fs.rmSync(sqlDir, { recursive: true, force: true });
});

test('restarting applies nothing twice; SIGHUP reloads templates and keeps serving', async () => {
  const stack = await startStack();
  try {
    const applied = stack.sql('SELECT count(*) FROM schema_migrations');
    const before = stack.appLog().match(/migrate: applied/g).length;
    execFileSync(path.join(root, 'scripts', 'stack.sh'), ['stop'], { env: stack.env });
    execFileSync(path.join(root, 'scripts', 'stack.sh'), ['start'], { env: stack.env, stdio: 'ignore' });
    assert.equal(stack.sql('SELECT count(*) FROM schema_migrations'), applied);
    assert.equal(stack.appLog().match(/migrate: applied/g).length, before, 'second start applied nothing');
    const c = new Client(stack.baseUrl);
    await c.signup();
    const workers = stack.workerPids().sort();
    process.kill(stack.masterPid(), 'SIGHUP');
    for (let i = 0; i < 20; i++) assert.equal((await c.get('/dashboard')).status, 200);
    assert.deepEqual(stack.workerPids().sort(), workers, 'reload keeps the workers');
    assert.match(stack.appLog(), /reloading templates/);
  } finally {
    stack.stop();
  }
});
