// tests/browser/flowcharts.test.js — the flowchart editor (React Flow island,
// static/build/flowchart.js) in headless Chromium against the real stack: a new flowchart opens
// on ERD Builder Pro's default chart; add two steps from the palette, label them, connect them by
// dragging between handles, give the connection a label, dashes and arrowheads at both ends;
// autosave, reload and find them (in the editor and in GET /api/flowcharts/{uid}); undo/redo;
// no console error, CSP violation or page error; with JavaScript off the page shows the server SVG.
//
// Selectors: #flowchart-editor (data-ready="true" once loaded), [data-testid="add-<shape>"],
// [data-testid="fc-node"][data-label], .react-flow__node / .react-flow__edge (React Flow's own),
// panel fields [data-testid="node-label"|"edge-label"|"edge-line"|"edge-arrow"], [data-testid=
// "undo"|"redo"|"auto-layout"], [data-testid="save-status"], #flowchart-view (server SVG).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

async function newPage(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...opts });
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

async function openNewFlowchart(page) {
  await signUp(page, stack.baseUrl);
  await page.fill('form[action="/projects"] input[name="name"]', 'Processes');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const form = page.locator('form:has(select[name="kind"])');
  await form.locator('select[name="kind"]').selectOption('flowchart');
  await form.locator('input[name="title"]').fill('Checkout flow');
  await Promise.all([page.waitForURL(/\/flowcharts\//), form.locator('button[type="submit"]').click()]);
  return new URL(page.url()).pathname.split('/').pop();
}

const ready = (page) => page.waitForSelector('#flowchart-editor[data-ready="true"]', { timeout: 20000 });
const saved = (page) => page.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: 15000 });
const nodeEl = (page, label) => page.locator(`.react-flow__node:has([data-testid="fc-node"][data-label="${label}"])`);
const labels = (page) => page.locator('[data-testid="fc-node"]').evaluateAll((ns) => ns.map((n) => n.dataset.label));

async function savedWhere(page, api, pred) {
  for (let i = 0; i < 150; i++) {
    const doc = await (await page.request.get(api)).json();
    if (doc.data && pred(doc)) { await saved(page); return doc; }
    await page.waitForTimeout(100);
  }
  throw new Error(`never saved: ${api}`);
}

async function dragTo(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}
const centre = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

test('default chart, two steps connected with a labelled dashed two-way connection; autosave survives reload', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewFlowchart(page);
  await ready(page);
  assert.equal(await page.locator('#flowchart-view').isVisible(), false, 'the server view is hidden under the editor');
  assert.deepEqual(await labels(page), ['Start Setup', 'Initialize App', 'Database Connected?', 'Fetch Data', 'Show Error', 'End']);
  assert.equal(await page.locator('.react-flow__edge').count(), 6);

  await page.click('[data-testid="add-rectangle"]');
  await page.fill('[data-testid="node-label"]', 'Pay');
  await page.click('[data-testid="add-database"]');
  await page.fill('[data-testid="node-label"]', 'Orders');
  await page.click('[data-testid="color-22c55e"]');
  // New steps land clear of the others; connect Pay's bottom handle to Orders' top one.
  await nodeEl(page, 'Pay').hover();
  const from = await nodeEl(page, 'Pay').locator('.react-flow__handle-bottom.source').boundingBox();
  const to = await nodeEl(page, 'Orders').locator('.react-flow__handle-top.target').boundingBox();
  await dragTo(page, centre(from), centre(to));
  assert.equal(await page.locator('.react-flow__edge').count(), 7);
  // The new connection: select it and set its properties.
  const api = `${stack.baseUrl}/api/flowcharts/${uid}`;
  let doc = await savedWhere(page, api, (d) => d.data.edges.length === 7);
  const edge = doc.data.edges.find((x) => !/^e\d-\d$/.test(x.id));
  // click a point on the connection's path (its box centre may lie off an L-shaped path)
  const onPath = await page.locator(`[data-testid="rf__edge-${edge.id}"] path.react-flow__edge-path`).evaluate((p) => {
    const pt = p.getPointAtLength(p.getTotalLength() / 2);
    const m = p.getScreenCTM();
    return { x: pt.x * m.a + pt.y * m.c + m.e, y: pt.x * m.b + pt.y * m.d + m.f };
  });
  await page.mouse.click(onPath.x, onPath.y);
  await page.fill('[data-testid="edge-label"]', 'paid');
  await page.selectOption('[data-testid="edge-line"]', 'dashed');
  await page.selectOption('[data-testid="edge-arrow"]', 'both');
  doc = await savedWhere(page, api, (d) => d.data.edges.some((e) => e.label === 'paid' && e.markerStart));

  const byLabel = Object.fromEntries(doc.data.nodes.map((n) => [n.data.label, n]));
  assert.equal(byLabel.Pay.type, 'custom');
  assert.deepEqual([byLabel.Pay.data.shape, byLabel.Orders.data.shape, byLabel.Orders.data.color], ['rectangle', 'database', '#22c55e']);
  const e = doc.data.edges.find((x) => x.label === 'paid');
  assert.deepEqual([e.source, e.target, e.sourceHandle, e.targetHandle, e.type], [byLabel.Pay.id, byLabel.Orders.id, 'bottom', 'top', 'smoothstep']);
  assert.equal(e.style.strokeDasharray, '5,5');
  assert.equal(e.markerStart.type, 'arrowclosed');
  assert.equal(e.markerEnd.type, 'arrowclosed');
  assert.equal(doc.data.nodes.filter((n) => 'selected' in n).length, 0, 'selection is not saved');

  await page.reload();
  await ready(page);
  assert.deepEqual((await labels(page)).slice(-2), ['Pay', 'Orders']);
  assert.equal(await page.locator('.react-flow__edge').count(), 7);
  assert.equal(await page.locator(`[data-testid="rf__edge-${e.id}"] .react-flow__edge-text`).textContent(), 'paid');
  await page.waitForTimeout(600);
  assert.equal((await (await page.request.get(api)).json())._version, doc._version, 'opening the flowchart saves nothing');
  assert.deepEqual(problems, []);
});

test('label by double-click, undo and redo, auto-layout, delete', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewFlowchart(page);
  await ready(page);
  await nodeEl(page, 'End').dblclick();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Done');
  await page.keyboard.press('Enter');
  assert.ok((await labels(page)).includes('Done'));
  await page.click('[data-testid="undo"]');
  assert.ok((await labels(page)).includes('End'));
  await page.click('[data-testid="redo"]');
  assert.ok((await labels(page)).includes('Done'));
  // delete a step with the keyboard: it and its connections go
  await nodeEl(page, 'Show Error').click();
  await page.keyboard.press('Delete');
  assert.equal(await nodeEl(page, 'Show Error').count(), 0);
  assert.equal(await page.locator('.react-flow__edge').count(), 4);
  await page.click('[data-testid="auto-layout"]');
  const api = `${stack.baseUrl}/api/flowcharts/${uid}`;
  const doc = await savedWhere(page, api, (d) => d.data.nodes.length === 5 && d.data.nodes.some((n) => n.data.label === 'Done'));
  const y = Object.fromEntries(doc.data.nodes.map((n) => [n.data.label, n.position.y]));
  assert.ok(y['Start Setup'] < y['Initialize App'] && y['Initialize App'] < y['Database Connected?'] && y['Database Connected?'] < y['Fetch Data'] && y['Fetch Data'] < y.Done,
    `top to bottom: ${JSON.stringify(y)}`);
  assert.deepEqual(problems, []);
});

test('without JavaScript the page shows the flowchart as the server draws it', async () => {
  const { page } = await newPage();
  const uid = await openNewFlowchart(page);
  await ready(page);
  await savedWhere(page, `${stack.baseUrl}/api/flowcharts/${uid}`, (d) => d.data.nodes.length === 6);
  const cookies = await page.context().cookies();
  const { page: plain } = await newPage({ javaScriptEnabled: false });
  await plain.context().addCookies(cookies);
  await plain.goto(`${stack.baseUrl}/flowcharts/${uid}`);
  const view = plain.locator('#flowchart-view');
  assert.ok(await view.isVisible());
  assert.equal(await view.locator('svg').first().count(), 1);
  assert.match(await view.textContent(), /Database Connected\?/);
  assert.equal(await plain.locator('#flowchart-editor').evaluate((e) => e.children.length), 0, 'no editor without JavaScript');
  await plain.context().close();
});
