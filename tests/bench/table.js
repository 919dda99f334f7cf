// tests/bench/table.js — the one table `make bench` prints: reads the rows scripts/bench.sh
// collected (tab-separated: name, path, status, "rps p50 p99 non2xx errors" of the app, the same
// of nginx serving the same bytes, server ms, worker RSS MB, note), prints the table and writes it
// to TXT, and every number to JSON.
// Usage: node tests/bench/table.js ROWS.tsv META TXT JSON   (META: date, cores, seconds, workers,
// threads, RSS MB of each worker at rest — tab-separated)
'use strict';
const fs = require('fs');

/** ms: a wrk latency ("812.00us", "7.31ms", "1.88s", "1.02m") in milliseconds, or null. */
function ms(s) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s || '');
  if (!m) return null;
  return parseFloat(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
}

function num(s) {
  const v = parseFloat(s);
  return Number.isFinite(v) ? v : null;
}

function wrk(field) {
  const [rps, p50, p99, non2xx, errors] = field.split(' ');
  if (rps === '-' || rps === undefined || rps === '') return null;
  return { rps: num(rps), p50_ms: ms(p50), p99_ms: ms(p99), non2xx: Number(non2xx), socket_errors: Number(errors) };
}

function parseRow(line) {
  const [name, path, status, app, stat, server, rss, note] = line.split('\t');
  const a = wrk(app);
  const s = wrk(stat);
  return {
    name, path: path === '-' ? null : path, status: status === '-' ? null : Number(status),
    ...(a || {}), static: s, ratio: a && s && s.rps ? a.rps / s.rps : null,
    server_ms: num(server), rss_mb: num(rss), note: note || null,
  };
}

const f = (v, d) => (v === null || v === undefined ? '-' : v.toFixed(d));

function render(meta, rows) {
  const head = ['path', 'status', 'req/s', 'p50 ms', 'p99 ms', 'static req/s', 'ratio', 'server ms', 'non-2xx', 'sock err', 'RSS MB'];
  const body = rows.map((r) => [r.name, r.status === null ? '-' : String(r.status), f(r.rps, 0), f(r.p50_ms, 1),
    f(r.p99_ms, 1), r.static ? f(r.static.rps, 0) : '-', f(r.ratio, 2), f(r.server_ms, 2),
    r.rps === undefined ? '-' : String(r.non2xx), r.rps === undefined ? '-' : String(r.socket_errors), f(r.rss_mb, 1)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  const out = [
    `Cardinality bench — ${meta.date} — ${meta.cores} cores, wrk -t2 -c64 -d${meta.seconds}s, ` +
      `${meta.workers} workers × ${meta.threads} threads`,
    '',
    line(head),
    line(w.map((n) => '-'.repeat(n))),
    ...body.map(line),
    '',
    'req/s, p50, p99: 64 connections; static: nginx serving the same bytes from a file; ratio = req/s ÷ static req/s;',
    'server ms: median of 20 one at a time after warming (app log); non-2xx: answers ≥ 400 during the run (must be 0);',
    'sock err: wrk\'s connect/read/write errors and timeouts (a request not answered in 2 s); RSS MB: largest worker',
    '1 s after the run.',
  ];
  const notes = rows.filter((r) => r.note);
  if (notes.length) out.push('', ...notes.map((r) => `${r.name}: ${r.note}${r.path ? ` (${r.path})` : ''}`));
  out.push('', `worker RSS at rest (3 s idle): ${meta.rest_rss_mb.map((v) => `${v} MB`).join(', ')} (target < 32 MB)`);
  return out.join('\n') + '\n';
}

function main() {
  const [rowsFile, metaLine, txt, json] = process.argv.slice(2);
  const [date, cores, seconds, workers, threads, rest] = metaLine.split('\t');
  const meta = { date, cores: Number(cores), seconds: Number(seconds), workers: Number(workers), threads: Number(threads),
    rest_rss_mb: (rest || '').trim().split(/\s+/).filter(Boolean).map(Number) };
  const rows = fs.readFileSync(rowsFile, 'utf8').split('\n').filter(Boolean).map(parseRow);
  const text = render(meta, rows);
  fs.writeFileSync(txt, text);
  fs.writeFileSync(json, JSON.stringify({ ...meta, rows }, null, 2) + '\n');
  process.stdout.write(text + `written to ${txt} and ${json}\n`);
}

main();
