// tests/bench/editor.js — the ERD editor at scale in headless Chromium (a report, never a test
// failure). For each size (default 300 and 1,000 tables, about 1.5 relationships per table) it
// signs up, saves a generated diagram through the API, opens /diagrams/{uid} and prints:
//   interactive  ms from navigation start until the editor drew every table and the main thread
//                was free again (the first animation frame after boot), with the page's
//                domInteractive (HTML parsed), the editor script's own start-up (the 'erd-boot'
//                performance measure main.js records) and the longest task; first in a new
//                browser context (nothing cached), then again with the scripts cached;
//   pan / zoom / drag  p95 and max frame time (ms between animation frames) during 60 frames of
//                background drag, 30 ctrl+wheel steps (and the zoom they ended at), and 60
//                frames dragging a table, their input sent by the harness (Playwright's mouse:
//                a round trip to the browser per event); then the same with the input made in
//                the page, one event an animation frame as a mouse delivers it (60 moves, 60
//                half-size wheel steps): what the editor costs a frame.
// Targets (issue 8): interactive < 1,500 ms at 300 tables and < 3,000 ms at 1,000; p95 < 33 ms.
// A first line gives the floor: the same figures for a 5-table diagram (on a 2-core machine the
// harness's own input delivery keeps pan p95 at two frames even there, which is why the
// in-page figures are the ones to read against the targets).
// Usage: node tests/bench/editor.js [baseUrl] [sizes]   e.g.  node tests/bench/editor.js http://127.0.0.1:8080 300,1000
// Without a base URL it starts its own stack (tests/lib/stack.js). Needs `make node-deps` and
// /usr/bin/chromium (CHROMIUM overrides). From scripts/bench.sh: `node tests/bench/editor.js "$base"`.
'use strict';
const { startStack, newBrowser } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const TYPES = ['bigint', 'integer', 'text', 'varchar(255)', 'timestamptz', 'numeric(10,2)', 'boolean', 'uuid'];

/** model: n tables of 4–9 columns in a grid (the shape an import lays out), ~1.5 FKs per table. */
function model(n, tag) {
  const entities = [], relationships = [];
  const cols = Math.ceil(Math.sqrt(n));
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < n; i++) {
    const columns = [{ id: `${tag}c${i}_0`, name: 'id', type: 'bigserial', is_pk: true, is_nullable: false, is_unique: false, default: null, comment: null, enum_values: [] }];
    const k = 3 + Math.floor(rnd() * 6);
    for (let j = 1; j <= k; j++) columns.push({ id: `${tag}c${i}_${j}`, name: `col_${j}_${i % 97}`, type: TYPES[(i + j) % TYPES.length], is_pk: false, is_nullable: j % 3 === 0, is_unique: j === 2, default: null, comment: null, enum_values: [] });
    entities.push({ id: `${tag}e${i}`, name: `table_${String(i).padStart(4, '0')}`, x: 40 + (i % cols) * 380, y: 40 + Math.floor(i / cols) * 340, color: '#6366f1', comment: null, columns });
  }
  const want = Math.round(n * 1.47);
  for (let r = 0; relationships.length < want && r < want * 4; r++) {
    const a = Math.floor(rnd() * n), b = Math.min(n - 1, Math.max(0, a + Math.floor((rnd() - 0.5) * 2 * cols) + 1));
    if (a === b) continue;
    const child = entities[b];
    relationships.push({ id: `${tag}r${r}`, source_entity_id: entities[a].id, target_entity_id: child.id, source_column_id: entities[a].columns[0].id,
      target_column_id: child.columns[1 + (r % (child.columns.length - 1))].id, source_handle: null, target_handle: null, type: 'one-to-many', label: null, on_delete: null, on_update: null });
  }
  return { name: `Bench ${n}`, viewport: { x: 0, y: 0, zoom: 1 }, entities, relationships };
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };
const fmt = (xs) => `p95 ${pct(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} frames)`;

/** frames: run gesture() while recording the time between animation frames in the page. */
async function frames(page, gesture) {
  // each recording its own loop (a generation number): the last frame of the one before must
  // not go on into this one, or every frame would be counted twice
  await page.evaluate(() => {
    const gen = globalThis.__gen = (globalThis.__gen || 0) + 1, frames = globalThis.__frames = [];
    let last = performance.now();
    const tick = (t) => { if (globalThis.__gen !== gen) return; frames.push(t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await gesture();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => { globalThis.__gen++; return globalThis.__frames.slice(1); });
}

/** inPage: the gesture with its input made in the page, one event per animation frame:
 *  pointerdown at (x, y), `steps` pointermoves of (dx, dy) each, pointerup; or, with zoom set,
 *  `steps` ctrl+wheel events at (x, y), the first half out and the rest back in.  The frame
 *  times are recorded as in frames(): what the editor costs a frame, without the harness's
 *  input delivery (each CDP mouse event is a round trip to the browser; on 2 cores a 5-table
 *  diagram's pan measured p95 50 ms that way). */
async function inPage(page, g) {
  return page.evaluate((g) => new Promise((resolve) => {
    const svg = document.querySelector('[data-testid="erd-svg"]');
    const target = document.elementFromPoint(g.x, g.y) || svg;
    const fire = (el, type, x, y) => el.dispatchEvent(new PointerEvent(type, {
      bubbles: true, cancelable: true, composed: true, pointerId: 1, pointerType: 'mouse', isPrimary: true,
      clientX: x, clientY: y, button: 0, buttons: type === 'pointerup' ? 0 : 1 }));
    const wheel = (k) => svg.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true,
      clientX: g.x, clientY: g.y, deltaY: k < g.steps / 2 ? 60 : -60, deltaMode: 0, ctrlKey: true }));
    const times = [];
    let last = performance.now(), i = 0;
    const tick = (t) => {
      times.push(t - last); last = t;
      if (i === g.steps + 2) { resolve(times.slice(1)); return; }
      if (g.zoom) { if (i < g.steps) wheel(i); }
      else if (i === 0) fire(target, 'pointerdown', g.x, g.y);
      else if (i <= g.steps) fire(svg, 'pointermove', g.x + i * g.dx, g.y + i * g.dy);
      else fire(svg, 'pointerup', g.x + g.steps * g.dx, g.y + g.steps * g.dy);
      i++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), g);
}

/** open: navigate to url and wait until the editor drew its n tables and the main thread was
 *  free again; {at, longest, parsed, js} in ms (see the header). */
async function open(page, url, n) {
  await page.goto(url);
  await page.waitForFunction((k) => globalThis.cardinalityErd && globalThis.cardinalityErd.render.tables.size === k, n, { timeout: 60000 });
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => {
    const nav = performance.getEntriesByType('navigation')[0], js = performance.getEntriesByName('erd-boot', 'measure')[0];
    r({ at: performance.now(), longest: globalThis.__longest, parsed: nav ? nav.domInteractive : NaN, js: js ? js.duration : NaN });
  }, 0))));
}

async function measure(browser, baseUrl, n) {
  const client = new Client(baseUrl);
  await client.signup();
  const project = await client.createProject(`Bench ${n}`);
  const uid = await client.createFile(project, 'diagram', `Bench ${n}`);
  const v = (await client.get(`/api/diagrams/${uid}`)).json()._version;
  const put = await client.request('PUT', `/api/diagrams/${uid}`, { json: { _version: v, ...model(n, `b${Date.now().toString(36)}n${n}`) } });
  if (put.status !== 200) throw new Error(`saving the ${n}-table model: ${put.status} ${put.text.slice(0, 200)}`);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const url = new URL(baseUrl);
  await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/' })));
  const page = await context.newPage();
  await page.addInitScript(() => {
    globalThis.__longest = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) globalThis.__longest = Math.max(globalThis.__longest, e.duration); }).observe({ type: 'longtask', buffered: true });
  });
  const boot = await open(page, `${baseUrl}/diagrams/${uid}`, n);
  // again in the same browser context: the stylesheet and modules come from the cache (they are
  // versioned and cached for a year), as when a user opens their next diagram
  const warm = await open(page, `${baseUrl}/diagrams/${uid}`, n);
  const out = { n, interactive: boot.at, longest: boot.longest, parsed: boot.parsed, js: boot.js, warm };
  // Work at 100 % (the zoom people edit at), centred on the diagram.
  await page.evaluate(() => { const ed = globalThis.cardinalityErd; ed.setViewport({ x: -200, y: -200, zoom: 1 }, false); });
  const box = await page.locator('[data-testid="erd-canvas"]').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  // pan: background drag (space held so it pans even over a table)
  await page.keyboard.down('Space');
  out.pan = await frames(page, async () => {
    await page.mouse.move(cx, cy); await page.mouse.down();
    for (let i = 1; i <= 60; i++) await page.mouse.move(cx - i * 8, cy - i * 5);
    await page.mouse.up();
  });
  await page.keyboard.up('Space');
  // zoom: 30 ctrl+wheel steps out then in, about the centre
  out.zoom = await frames(page, async () => {
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Control');
    for (let i = 0; i < 30; i++) { await page.mouse.wheel(0, i < 15 ? 120 : -120); await page.waitForTimeout(16); }
    await page.keyboard.up('Control');
  });
  // the zoom the gesture ended at (about 1.8 when the wheel steps were applied): a zoom that
  // did nothing would otherwise show as very smooth frames
  out.zoomReached = await page.evaluate(() => new Promise((r) => setTimeout(() => r(globalThis.cardinalityErd.doc.viewport.zoom), 200)));
  // drag: the table nearest the centre, by its header
  await page.evaluate(() => globalThis.cardinalityErd.setViewport({ x: -200, y: -200, zoom: 1 }, false));
  const head = await page.evaluate(({ x, y }) => {
    let best = null, d = Infinity;
    for (const el of document.querySelectorAll('g.erd-table')) {
      const r = el.querySelector('.erd-table-name')?.getBoundingClientRect();
      if (!r || !r.width) continue;
      const dd = Math.hypot(r.x - x, r.y - y);
      if (dd < d) { d = dd; best = { x: r.x + 4, y: r.y + r.height / 2 }; }
    }
    return best;
  }, { x: cx, y: cy });
  out.drag = head ? await frames(page, async () => {
    await page.mouse.move(head.x, head.y); await page.mouse.down();
    for (let i = 1; i <= 60; i++) await page.mouse.move(head.x + i * 6, head.y + i * 3);
    await page.mouse.up();
  }) : [];
  // the same three with the input made in the page, one event a frame (inPage)
  await page.evaluate(() => globalThis.cardinalityErd.setViewport({ x: -200, y: -200, zoom: 1 }, false));
  await page.keyboard.down('Space');
  out.panIn = await inPage(page, { x: cx, y: cy, dx: -8, dy: -5, steps: 60 });
  await page.keyboard.up('Space');
  await page.evaluate(() => globalThis.cardinalityErd.setViewport({ x: -200, y: -200, zoom: 1 }, false));
  out.zoomIn = await inPage(page, { x: cx, y: cy, zoom: true, steps: 60 });
  out.zoomInReached = await page.evaluate(() => new Promise((r) => setTimeout(() => r(globalThis.cardinalityErd.doc.viewport.zoom), 200)));
  await page.evaluate(() => globalThis.cardinalityErd.setViewport({ x: -200, y: -200, zoom: 1 }, false));
  out.dragIn = head ? await inPage(page, { x: head.x, y: head.y, dx: 6, dy: 3, steps: 60 }) : [];
  await context.close();
  return out;
}

async function main() {
  let [baseUrl, sizes] = process.argv.slice(2);
  if (baseUrl && /^\d[\d,]*$/.test(baseUrl)) [baseUrl, sizes] = [undefined, baseUrl];
  const ns = (sizes || '300,1000').split(',').map(Number);
  const stack = baseUrl ? null : await startStack();
  const browser = await newBrowser();
  try {
    console.log(`ERD editor in headless Chromium (${baseUrl || stack.baseUrl}); targets: interactive < 1500 ms (300) / 3000 ms (1000), p95 < 33 ms`);
    // the floor: a 5-table diagram measured the same way (what the browser, the page and the
    // harness's input cost whatever the diagram's size)
    const floor = await measure(browser, baseUrl || stack.baseUrl, 5);
    console.log(`  floor (5 tables): interactive ${floor.interactive.toFixed(0)} ms, cached ${floor.warm.at.toFixed(0)} ms; pan p95 ${pct(floor.pan, 0.95).toFixed(1)}, zoom p95 ${pct(floor.zoom, 0.95).toFixed(1)}, drag p95 ${pct(floor.drag, 0.95).toFixed(1)} ms; input made in the page: pan p95 ${pct(floor.panIn, 0.95).toFixed(1)}, zoom p95 ${pct(floor.zoomIn, 0.95).toFixed(1)}, drag p95 ${pct(floor.dragIn, 0.95).toFixed(1)} ms`);
    for (const n of ns) {
      const m = await measure(browser, baseUrl || stack.baseUrl, n);
      console.log(`${String(n).padStart(5)} tables: interactive ${m.interactive.toFixed(0)} ms (page parsed at ${m.parsed.toFixed(0)} ms, editor script ${m.js.toFixed(0)} ms, longest task ${m.longest.toFixed(0)} ms)`);
      console.log(`        again, scripts cached: interactive ${m.warm.at.toFixed(0)} ms (parsed at ${m.warm.parsed.toFixed(0)} ms, editor script ${m.warm.js.toFixed(0)} ms)`);
      console.log(`        pan  ${fmt(m.pan)}`);
      console.log(`        zoom ${fmt(m.zoom)}, ended at zoom ${m.zoomReached}`);
      console.log(`        drag ${fmt(m.drag)}`);
      console.log(`        input made in the page, one event a frame: pan ${fmt(m.panIn)}`);
      console.log(`          zoom ${fmt(m.zoomIn)}, ended at zoom ${m.zoomInReached}; drag ${fmt(m.dragIn)}`);
    }
  } finally {
    await browser.close();
    if (stack) stack.stop();
  }
}

module.exports = { model, measure };
if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
