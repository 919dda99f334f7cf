// tests/bench/ai_relay.js — what the AI relay adds (tests/bench/extra/ai_relay.sh): the same
// answer from the fake provider (tests/fake_ai, "normal": four pieces 5 ms apart) taken directly
// and through POST /api/ai/chat (nginx → stream worker → libcurl → fake), N times each,
// alternating; prints in ms the medians "direct_first relay_first direct_total relay_total", then
// the same four at the 95th percentile, then "file_first file_total" (a turn about a 20-table
// diagram: its DDL is the file in view) as medians and at the 95th percentile.
// Usage: node ai_relay.js BASE_URL PG_SOCKET_DIR [N]
'use strict';
const { setupFakeAI } = require('./ai_setup.js');
const { sseRequest } = require('../lib/sse.js');

const [base, sock, n = '30'] = process.argv.slice(2);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

(async () => {
  const { fake, client: c, project } = await setupFakeAI(base, sock, 'fake-normal', 'AI bench');
  try {
    const body = JSON.stringify({ model: 'fake-normal', stream: true, messages: [{ role: 'user', content: 'bench' }] });
    const direct = () => sseRequest(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    let session = null;
    const relay = (file) => sseRequest(`${base}/api/ai/chat`, {
      method: 'POST',
      headers: { Cookie: c.cookieHeader(), 'Content-Type': 'application/json', 'X-CSRF-Token': c.csrf },
      body: JSON.stringify({ session_uid: session, project_uid: project, message: 'bench',
        ...(file ? { entity_type: 'diagram', entity_uid: file } : {}) }),
    });
    const diagram = await c.createFile(project, 'diagram', 'Bench schema');
    const ddl = Array.from({ length: 20 }, (_, i) => `CREATE TABLE t${i} (id serial PRIMARY KEY, name text NOT NULL, ` +
      `created_at timestamptz DEFAULT now()${i ? `, t${i - 1}_id int REFERENCES t${i - 1}(id)` : ''});`).join('\n');
    const imp = await c.request('POST', `/api/diagrams/${diagram}/import?dialect=postgres&mode=merge`,
      { body: ddl, headers: { 'Content-Type': 'text/plain' } });
    if (imp.status !== 200) throw new Error(`import: ${imp.status} ${imp.text}`);
    const d = { first: [], total: [] }, r = { first: [], total: [] }, f = { first: [], total: [] };
    for (let i = 0; i < Number(n) + 3; i++) {
      const t0 = performance.now();
      const a = await direct();
      const ta = performance.now() - t0;
      const t1 = performance.now();
      const b = await relay();
      const tb = performance.now() - t1;
      const done = b.events.find((e) => e.event === 'done');
      if (!done) throw new Error(`relay failed: ${JSON.stringify(b.events.slice(-1))}`);
      session = null;   // a new chat each time: the same prompt size as the direct call
      const t2 = performance.now();
      const e = await relay(diagram);
      const te = performance.now() - t2;
      if (!e.events.find((x) => x.event === 'done')) throw new Error(`relay with a file failed: ${JSON.stringify(e.events.slice(-1))}`);
      if (i < 3) continue;   // warm-up (connections, prepared statements)
      f.first.push(e.events.find((x) => x.event === 'delta').t);
      f.total.push(te);
      d.first.push(a.events.find((e) => e.data.choices && e.data.choices.length).t);
      d.total.push(ta);
      r.first.push(b.events.find((e) => e.event === 'delta').t);
      r.total.push(tb);
    }
    const row = (p) => [pct(d.first, p), pct(r.first, p), pct(d.total, p), pct(r.total, p)];
    const file = (p) => [pct(f.first, p), pct(f.total, p)];
    console.log([...row(0.5), ...row(0.95), ...file(0.5), ...file(0.95)].map((x) => x.toFixed(2)).join(' '));
  } finally {
    fake.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
