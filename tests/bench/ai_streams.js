// tests/bench/ai_streams.js — pages while AI chats stream (issue 13: "dashboard p99 while 100
// chats stream"; tests/bench/extra/ai_relay.sh): GET /dashboard, one request at a time for a few
// seconds, first with no chat open, then while N chats (default 100) stream a long answer from
// the fake provider (tests/fake_ai "long": a piece every 50 ms for 20 s) through POST
// /api/ai/chat. Prints in ms "idle_p50 idle_p99 streaming_p50 streaming_p99 open requests",
// where open is how many of the N streams were still open when the measuring ended (all of them,
// or the chats were not concurrent) and requests how many dashboards were measured while streaming.
// Times are as the client sees them (nginx included). The dashboard is the one of DASH_COOKIE's
// user when set (the bench's user with 100 projects), else of the chat user.
// Usage: node ai_streams.js BASE_URL PG_SOCKET_DIR [N] [SECONDS]
'use strict';
const { execFileSync } = require('child_process');
const { setupFakeAI } = require('./ai_setup.js');
const { sseRequest } = require('../lib/sse.js');

const [base, sock, n = '100', seconds = '5'] = process.argv.slice(2);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** dashboards: GET /dashboard one after another for ms; the times in ms (a non-200 throws). */
async function dashboards(cookie, ms) {
  const times = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t0 = performance.now();
    const res = await fetch(`${base}/dashboard`, { headers: { Cookie: cookie } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /dashboard answered ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

(async () => {
  const { fake, client: c, project } = await setupFakeAI(base, sock, 'fake-long', 'AI streams bench');
  const aborts = [];
  try {
    const dashCookie = process.env.DASH_COOKIE || c.cookieHeader();
    await dashboards(dashCookie, 500);   // warm-up
    const idle = await dashboards(dashCookie, Number(seconds) * 1000);

    let started = 0;
    const failures = [];
    const streams = Array.from({ length: Number(n) }, () => {
      const ac = new AbortController();
      aborts.push(ac);
      return sseRequest(`${base}/api/ai/chat`, {
        method: 'POST',
        headers: { Cookie: c.cookieHeader(), 'Content-Type': 'application/json', 'X-CSRF-Token': c.csrf },
        body: JSON.stringify({ session_uid: null, project_uid: project, message: 'bench' }),
      }, { signal: ac.signal })
        .then((r) => { if (!r.events.length) failures.push(r.status); })
        .catch(() => {});
    });
    // wait until every chat has its first pieces (or 10 s), then measure while they stream
    const t0 = performance.now();
    for (;;) {
      const s = JSON.parse(execFileSync('curl', ['-s', `${fake.url}/_stats`]).toString());
      started = s.log.filter((l) => l.model === 'fake-long' && !l.ended).length;
      if (started >= Number(n) || performance.now() - t0 > 10000) break;
      await sleep(100);
    }
    const busy = await dashboards(dashCookie, Number(seconds) * 1000);
    const s = JSON.parse(execFileSync('curl', ['-s', `${fake.url}/_stats`]).toString());
    const open = s.log.filter((l) => l.model === 'fake-long' && !l.ended).length;
    aborts.forEach((ac) => ac.abort());
    await Promise.all(streams);
    if (failures.length) console.error(`bench: ${failures.length} chats were refused (statuses ${[...new Set(failures)].join(', ')})`);
    console.log([pct(idle, 0.5), pct(idle, 0.99), pct(busy, 0.5), pct(busy, 0.99)].map((x) => x.toFixed(2))
      .concat([String(open), String(busy.length)]).join(' '));
  } finally {
    aborts.forEach((ac) => ac.abort());
    fake.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
