// tests/lib/dbservers.js — the database servers the database-workspace tests connect to, each
// loaded with Chinook from SHARED_DIR/ddl-corpus: a second PostgreSQL cluster and a MariaDB
// server on free loopback ports (password sign-in for a created user, never
// --skip-grant-tables), and an SQLite file.  Everything lives under one temporary directory
// and is stopped (and removed) by stop().
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawn } = require('child_process');
const { freePort } = require('./stack.js');

const SHARED = process.env.SHARED_DIR || path.resolve(__dirname, '..', '..', '..', 'shared');
const CORPUS = path.join(SHARED, 'ddl-corpus');
const isRoot = process.getuid() === 0;
const USER = 'card_dbws';
const PASSWORD = 'dbws-test-pw-3141';

function as(user, cmd, args, opts = {}) {
  return isRoot ? execFileSync('runuser', ['-u', user, '--', cmd, ...args], opts) : execFileSync(cmd, args, opts);
}

async function waitFor(fn, what, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (fn()) return; } catch (_) { /* not yet */ }
    if (Date.now() > end) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startPostgres(dir) {
  const pgBin = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1']).toString().trim();
  const data = path.join(dir, 'pg');
  const sock = path.join(dir, 'pgsock');
  fs.mkdirSync(data);
  fs.mkdirSync(sock);
  if (isRoot) execFileSync('chown', ['postgres:postgres', data, sock]);
  const pwfile = path.join(dir, 'pg.pw');
  fs.writeFileSync(pwfile, `${PASSWORD}\n`);
  if (isRoot) execFileSync('chown', ['postgres', pwfile]);
  as('postgres', path.join(pgBin, 'initdb'), ['-D', data, '--no-sync', '-A', 'scram-sha-256', '--auth-local=peer',
    '-U', 'postgres', '--pwfile', pwfile, '-E', 'UTF8', '--locale=C.UTF-8'], { stdio: 'ignore' });
  const port = await freePort();
  as('postgres', path.join(pgBin, 'pg_ctl'), ['-D', data, '-l', path.join(data, 'server.log'), '-w', '-o',
    `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'], { stdio: 'ignore' });
  const psql = (sql, db = 'postgres') => as('postgres', 'psql', ['-X', '-q', '-At', '-h', sock, '-p', String(port),
    '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-c', sql]).toString().trim();
  psql(`CREATE ROLE ${USER} LOGIN PASSWORD '${PASSWORD}'`);
  // The Chinook script drops and creates its database and \c's into it.
  as('postgres', 'psql', ['-X', '-q', '-h', sock, '-p', String(port), '-U', 'postgres', '-d', 'postgres',
    '-v', 'ON_ERROR_STOP=1', '-f', path.join(CORPUS, 'chinook.postgresql.sql')], { stdio: 'ignore' });
  psql(`ALTER DATABASE chinook OWNER TO ${USER}`);
  psql(`DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO ${USER}', t); END LOOP; END $$`, 'chinook');
  return {
    port, host: '127.0.0.1', user: USER, password: PASSWORD, database: 'chinook',
    sql: (text) => psql(text, 'chinook'),
    stop() { as('postgres', path.join(pgBin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' }); },
  };
}

async function startMariadb(dir) {
  const data = path.join(dir, 'maria');
  const run = path.join(dir, 'mariarun');
  const sock = path.join(run, 'maria.sock');
  fs.mkdirSync(data);
  fs.mkdirSync(run);
  if (isRoot) execFileSync('chown', ['mysql:mysql', data, run]);
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, ...(isRoot ? ['--user=mysql'] : []),
    '--auth-root-authentication-method=socket', '--skip-test-db'], { stdio: 'ignore' });
  const port = await freePort();
  const proc = spawn('mariadbd', ['--no-defaults', `--datadir=${data}`, `--socket=${sock}`, `--port=${port}`,
    '--bind-address=127.0.0.1', `--pid-file=${path.join(run, 'maria.pid')}`, `--log-error=${path.join(run, 'maria.log')}`,
    '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M', '--skip-log-bin', '--performance-schema=off',
    ...(isRoot ? ['--user=mysql'] : [])], { stdio: 'ignore', detached: true });
  const client = (args, opts = {}) => execFileSync('mariadb', ['--no-defaults', `--socket=${sock}`, '-u', 'root', ...args], opts);
  await waitFor(() => { client(['-e', 'SELECT 1'], { stdio: 'ignore' }); return true; }, 'mariadbd');
  client(['-e', `CREATE USER '${USER}'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
    CREATE USER '${USER}'@'localhost' IDENTIFIED BY '${PASSWORD}';`]);
  client([], { input: fs.readFileSync(path.join(CORPUS, 'chinook.mysql.sql')), stdio: ['pipe', 'ignore', 'inherit'] });
  client(['-e', `GRANT ALL ON Chinook.* TO '${USER}'@'127.0.0.1'; GRANT ALL ON Chinook.* TO '${USER}'@'localhost';`]);
  return {
    port, host: '127.0.0.1', user: USER, password: PASSWORD, database: 'Chinook',
    sql: (text) => client(['-N', '-B', 'Chinook', '-e', text]).toString().trim(),
    stop() {
      try { process.kill(proc.pid, 'SIGTERM'); } catch (_) { /* gone */ }
    },
  };
}

function makeSqlite(dir) {
  const file = path.join(dir, 'chinook.sqlite');
  execFileSync('sqlite3', [file], { input: fs.readFileSync(path.join(CORPUS, 'chinook.sqlite.sql')), stdio: ['pipe', 'ignore', 'inherit'] });
  return { file, bytes: fs.readFileSync(file) };
}

/** startDbServers: opts.maria === false leaves MariaDB out (a test that needs PostgreSQL only). */
async function startDbServers(opts = {}) {
  const dir = fs.mkdtempSync('/tmp/card-dbws-');
  fs.chmodSync(dir, 0o755);
  const out = { dir, stops: [] };
  try {
    out.pg = await startPostgres(dir);
    out.stops.push(() => out.pg.stop());
    if (opts.maria !== false) {
      out.maria = await startMariadb(dir);
      out.stops.push(() => out.maria.stop());
    }
    out.sqlite = makeSqlite(dir);
  } catch (e) {
    for (const s of out.stops.reverse()) { try { s(); } catch (_) { /* best effort */ } }
    throw e;
  }
  out.stop = async () => {
    for (const s of out.stops.reverse()) { try { s(); } catch (_) { /* best effort */ } }
    await new Promise((r) => setTimeout(r, 500));
    if (!process.env.KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  };
  return out;
}

module.exports = { startDbServers, CORPUS };
