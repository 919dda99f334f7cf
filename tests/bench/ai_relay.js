// tests/bench/ai_relay.js — what the AI relay adds (tests/bench/extra/ai_relay.sh): the same
// answer from the fake provider (tests/fake_ai, "normal": four pieces 5 ms apart) taken directly
// and through POST /api/ai/chat (nginx → stream worker → libcurl → fake), N times each,
// alternating; prints in ms the medians "direct_first relay_first direct_total relay_total", then
// the same four at the 95th percentile.
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
    const relay = () => sseRequest(`${base}/api/ai/chat`, {
      method: 'POST',
      headers: { Cookie: c.cookieHeader(), 'Content-Type': 'application/json', 'X-CSRF-Token': c.csrf },
      body: JSON.stringify({ session_uid: session, project_uid: project, message: 'bench' }),
    });
    const d = { first: [], total: [] }, r = { first: [], total: [] };
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
      if (i < 3) continue;   // warm-up (connections, prepared statements)
      d.first.push(a.events.find((e) => e.data.choices && e.data.choices.length).t);
      d.total.push(ta);
      r.first.push(b.events.find((e) => e.event === 'delta').t);
      r.total.push(tb);
    }
    const row = (p) => [pct(d.first, p), pct(r.first, p), pct(d.total, p), pct(r.total, p)];
    console.log([...row(0.5), ...row(0.95)].map((x) => x.toFixed(2)).join(' '));
  } finally {
    fake.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
