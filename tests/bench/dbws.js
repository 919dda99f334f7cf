// tests/bench/dbws.js — the database workspace's query path (issue 14's bench, a report, never a
// test failure): a second PostgreSQL cluster with Chinook (tests/lib/dbservers.js) and a stack of
// its own (CARD_DB_ALLOW_LOOPBACK=1), then for each query the median of 30 runs of
//   psql      the statement's time as psql's \timing reports it, over one open session;
//   api       POST /api/connections/{uid}/query through nginx, as a client sees it (wall clock);
//   server    the same requests' server time from the app log;
//   bytes     the JSON answer's size.
// Queries: SELECT 1 (the round trip's overhead: api − psql), and 10,000 rows of Chinook's track
// table (the results grid's worst case at the default row cap).
// Usage: node tests/bench/dbws.js        (needs make all, make node-deps, ../shared/ddl-corpus)
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { startStack } = require('../lib/stack.js');
const { startDbServers } = require('../lib/dbservers.js');
const { Client } = require('../lib/client.js');

const RUNS = 30;
const QUERIES = [
  ['select-1', 'SELECT 1'],
  ['rows-10000', 'SELECT t.*, g.n FROM track t CROSS JOIN generate_series(1, 3) AS g(n) ORDER BY g.n, t.track_id LIMIT 10000'],
];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function psqlMs(dbs, sql) {
  const script = ['\\timing on', ...Array.from({ length: RUNS }, () => `${sql} \\g /dev/null`)].join('\n');
  const out = execFileSync('psql', ['-X', '-q', '-h', dbs.pg.host, '-p', String(dbs.pg.port), '-U', dbs.pg.user, '-d', dbs.pg.database],
    { input: script, env: { ...process.env, PGPASSWORD: dbs.pg.password }, encoding: 'utf8' });
  return median([...out.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1])));
}

async function main() {
  const dbs = await startDbServers({ maria: false });
  const stack = await startStack({ env: { CARD_DB_ALLOW_LOOPBACK: '1' } });
  try {
    const c = new Client(stack.baseUrl);
    await c.signup();
    const project = await c.createProject('Bench');
    const res = await c.request('POST', '/api/connections', { json: {
      name: 'chinook', type: 'postgres', host: dbs.pg.host, port: dbs.pg.port, database: dbs.pg.database,
      user: dbs.pg.user, password: dbs.pg.password, project_uid: project, options: {} } });
    if (res.status !== 201) throw new Error(`connection: ${res.status} ${res.text}`);
    const conn = res.json().uid;
    const log = path.join(stack.varDir, 'log', 'app.log');
    console.log('query         psql ms   api ms   server ms   api−psql ms   bytes   rows');
    for (const [name, sql] of QUERIES) {
      await c.request('POST', `/api/connections/${conn}/query`, { json: { sql } });   // warm
      const mark = fs.readFileSync(log, 'utf8').length;
      const wall = [];
      let bytes = 0, rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        const r = await c.request('POST', `/api/connections/${conn}/query`, { json: { sql } });
        wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (r.status !== 200) throw new Error(`${name}: ${r.status} ${r.text.slice(0, 200)}`);
        bytes = Buffer.byteLength(r.text);
        rows = r.json().row_count;
      }
      const server = fs.readFileSync(log, 'utf8').slice(mark).split('\n')
        .filter((l) => l.includes(`POST /api/connections/`)).map((l) => parseFloat(l.split(/\s+/)[5]));
      const p = psqlMs(dbs, sql), a = median(wall);
      console.log(`${name.padEnd(12)} ${p.toFixed(2).padStart(8)} ${a.toFixed(2).padStart(8)} ${median(server).toFixed(2).padStart(11)} ` +
        `${(a - p).toFixed(2).padStart(13)} ${String(bytes).padStart(8)} ${String(rows).padStart(6)}`);
    }
  } finally {
    stack.stop();
    await dbs.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
