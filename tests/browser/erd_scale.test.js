// tests/browser/erd_scale.test.js — the ERD editor with 1,000 tables in headless Chromium:
// it opens fitted (every table on screen) with legible names (scaled labels of at least 9 screen
// px), draws name boxes only when zoomed out (no column rows built for off-screen or zoomed-out
// tables), builds a table's columns once it is on screen at a readable zoom, and the minimap
// moves the view. Frame times are measured by tests/bench/editor.js (a report, not a test).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');
const { model } = require('../bench/editor.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

test('1,000 tables: fitted on open, legible names, name boxes only, columns built on zoom, minimap', async () => {
  const client = new Client(stack.baseUrl);
  await client.signup();
  const uid = await client.createFile(await client.createProject('Big'), 'diagram', 'Big');
  const v = (await client.get(`/api/diagrams/${uid}`)).json()._version;
  const m = model(1000, `s${Date.now().toString(36)}`);
  m.viewport = undefined;
  assert.equal((await client.request('PUT', `/api/diagrams/${uid}`, { json: { _version: v, ...m } })).status, 200);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const url = new URL(stack.baseUrl);
  await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/' })));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${stack.baseUrl}/diagrams/${uid}`);
  await page.waitForFunction(() => globalThis.cardinalityErd && globalThis.cardinalityErd.render.tables.size === 1000);
  const state = await page.evaluate(() => {
    const ed = globalThis.cardinalityErd, svg = ed.render.svg.getBoundingClientRect();
    let inside = 0, minFont = Infinity;
    for (const t of document.querySelectorAll('g.erd-table')) {
      const b = t.querySelector('.erd-table-box').getBoundingClientRect();
      if (b.left >= svg.left - 1 && b.top >= svg.top - 1 && b.right <= svg.right + 1 && b.bottom <= svg.bottom + 1) inside++;
    }
    const labels = [...document.querySelectorAll('.erd-lod-label')].slice(0, 50).map((l) => l.getBoundingClientRect());
    for (const b of labels) minFont = Math.min(minFont, b.height);
    // labels of the first row's neighbours do not overlap
    let overlaps = 0;
    for (let i = 1; i < labels.length; i++) if (Math.abs(labels[i].top - labels[i - 1].top) < 2 && labels[i].left < labels[i - 1].right) overlaps++;
    return { zoom: ed.doc.viewport.zoom, inside, minFont, overlaps, rows: document.querySelectorAll('[data-testid="erd-column"]').length, lod2: ed.render.svg.classList.contains('erd-lod-2') };
  });
  assert.equal(state.inside, 1000, `every table on screen after opening (zoom ${state.zoom})`);
  assert.ok(state.lod2, 'zoomed out: name boxes');
  // 1,000 tables fitted on 1,400 px leave ~33 px per table: names get as large as their slot allows (~5 px)
  // (12 px with fewer tables) instead of the unscaled 14 × 0.08 ≈ 1 px.
  assert.ok(state.minFont >= 4.5, `names at least 4.5 px high on screen (the slot limit), got ${state.minFont}`);
  assert.equal(state.overlaps, 0, 'neighbouring labels do not overlap');
  assert.ok(state.rows < 200, `${state.rows} column rows built while zoomed out (of ~6,500)`);
  // Zoom onto one table: its columns are drawn, still only a few hundred rows in the DOM.
  await page.evaluate(() => globalThis.cardinalityErd.zoomTo(globalThis.cardinalityErd.doc.entities[500].id));
  const name = await page.evaluate(() => globalThis.cardinalityErd.doc.entities[500].name);
  await page.waitForSelector(`g.erd-table[data-name="${name}"] [data-testid="erd-column"]`);
  const rows = await page.locator('[data-testid="erd-column"]').count();
  assert.ok(rows > 3 && rows < 1000, `${rows} rows built at 100 %`);
  // The minimap: a press on the first table's rectangle brings it into view.
  const mm = await page.locator('[data-testid="minimap"]').boundingBox();
  const before = await page.evaluate(() => ({ ...globalThis.cardinalityErd.doc.viewport }));
  // where the first table (world 40, 40) is drawn on the minimap
  const at = await page.evaluate(() => { const m = globalThis.cardinalityErd.minimap.map; return { x: m.ox + 100 * m.k, y: m.oy + 100 * m.k }; });
  await page.mouse.click(mm.x + at.x * mm.width / 180, mm.y + at.y * mm.height / 120);
  const after = await page.evaluate(() => ({ ...globalThis.cardinalityErd.doc.viewport }));
  assert.equal(after.zoom, before.zoom);
  assert.ok(after.x > before.x && after.y > before.y, `moved towards the top left: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  await page.waitForSelector('[data-testid="erd-editor"][data-viewport="saved"]');
  const first = await page.evaluate(() => globalThis.cardinalityErd.doc.entities[0].name);
  const box = await page.locator(`g.erd-table[data-name="${first}"] .erd-table-box`).boundingBox();
  const svg = await page.locator('[data-testid="erd-svg"]').boundingBox();
  assert.ok(box && box.x >= svg.x && box.y >= svg.y && box.x < svg.x + svg.width && box.y < svg.y + svg.height, `${first} on screen after the minimap click`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without JavaScript a big diagram is shown as its SVG export (an image), a small one inline', async () => {
  const client = new Client(stack.baseUrl);
  await client.signup();
  const project = await client.createProject('NoJS');
  const open = async (n) => {
    const uid = await client.createFile(project, 'diagram', `NoJS ${n}`);
    const v = (await client.get(`/api/diagrams/${uid}`)).json()._version;
    assert.equal((await client.request('PUT', `/api/diagrams/${uid}`, { json: { _version: v, ...model(n, `j${n}${Date.now().toString(36)}`) } })).status, 200);
    return uid;
  };
  const big = await open(200), small = await open(3);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1400, height: 900 } });
  const url = new URL(stack.baseUrl);
  await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: '/' })));
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  // (the head's modulepreload links are dropped with scripting off: not a problem)
  page.on('requestfailed', (r) => { if (!/\.js$/.test(new URL(r.url()).pathname)) problems.push(`failed: ${r.url()}`); });
  // 200 tables: the page carries no drawing, the image of the export shows it, filling the canvas
  const html = (await client.get(`/diagrams/${big}`)).text;
  assert.doesNotMatch(html, /<svg[^>]*class="erd-svg"/, 'the big drawing is not inlined');
  await page.goto(`${stack.baseUrl}/diagrams/${big}`, { waitUntil: 'load' });
  const img = page.locator('[data-testid="erd-picture"]');
  await img.waitFor({ state: 'visible' });
  const shown = await img.evaluate((el) => ({ ok: el.complete, nw: el.naturalWidth, nh: el.naturalHeight, w: el.clientWidth, h: el.clientHeight }));
  assert.ok(shown.ok && shown.nw > 2000 && shown.nh > 2000, `the export image loaded: ${JSON.stringify(shown)}`);
  assert.ok(shown.w > 800 && shown.h > 500, `the image fills the canvas: ${JSON.stringify(shown)}`);
  assert.match(await img.getAttribute('alt'), /200 tables/);
  const src = await img.getAttribute('src');
  const svg = (await client.get(src)).text;
  assert.match(svg, /^<svg[\s>]/);
  assert.ok(svg.includes('>table_0199<'), 'the image is the drawing of every table');
  // 3 tables: drawn inline as before (tables readable as text)
  await page.goto(`${stack.baseUrl}/diagrams/${small}`, { waitUntil: 'load' });
  assert.equal(await page.locator('[data-testid="erd-canvas"] > svg.erd-svg').count(), 1);
  assert.ok((await page.locator('[data-testid="erd-canvas"] > svg.erd-svg').textContent()).includes('table_0002'));
  assert.deepEqual(problems, []);
  await context.close();
});
