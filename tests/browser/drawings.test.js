// tests/browser/drawings.test.js — the drawing editor (Excalidraw island, static/build/drawing.js)
// in headless Chromium against the real stack: draw a rectangle with a label and an arrow,
// autosave, reload and find them again (in the editor and in GET /api/drawings/{uid}); fonts
// only from our own copy (no request leaves the origin); no console error, no CSP violation,
// no page error; with JavaScript off the page shows the server's SVG instead.
//
// Selectors: #drawing-editor (data-ready="true" once the scene is loaded),
// [data-testid="save-status"] (data-state saved | saving | dirty | …), Excalidraw's own
// [data-testid="toolbar-rectangle"|"toolbar-arrow"], #drawing-view (server SVG);
// globalThis.cardinalityDrawing.api is Excalidraw's imperative API.
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
  const foreign = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(stack.baseUrl) && !/^(data|blob):/.test(r.url())) foreign.push(r.url()); });
  return { page, problems, foreign };
}

/** A fresh user, project and drawing; the page ends on the drawing. Returns its uid. */
async function openNewDrawing(page) {
  await signUp(page, stack.baseUrl);
  await page.fill('form[action="/projects"] input[name="name"]', 'Sketches');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const form = page.locator('form:has(select[name="kind"])');
  await form.locator('select[name="kind"]').selectOption('drawing');
  await form.locator('input[name="title"]').fill('Whiteboard');
  await Promise.all([page.waitForURL(/\/drawings\//), form.locator('button[type="submit"]').click()]);
  return new URL(page.url()).pathname.split('/').pop();
}

const ready = (page) => page.waitForSelector('#drawing-editor[data-ready="true"]', { timeout: 20000 });
const saved = (page) => page.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: 15000 });

/** savedWhere: wait until GET api answers a document for which pred holds (autosave done). */
async function savedWhere(page, api, pred) {
  for (let i = 0; i < 150; i++) {
    const doc = await (await page.request.get(api)).json();
    if (doc.data && pred(doc)) { await saved(page); return doc; }
    await page.waitForTimeout(100);
  }
  throw new Error(`never saved: ${api}`);
}

async function drag(page, from, to) {
  await page.mouse.move(from[0], from[1]);
  await page.mouse.down();
  await page.mouse.move(to[0], to[1], { steps: 10 });
  await page.mouse.up();
}

test('draw a labelled rectangle and an arrow; autosave survives reload', async () => {
  const { page, problems, foreign } = await newPage();
  const uid = await openNewDrawing(page);
  await ready(page);
  assert.equal(await page.locator('#drawing-view').isVisible(), false, 'the server view is hidden under the editor');
  const canvas = await page.locator('#drawing-editor canvas.interactive').boundingBox();
  const at = (x, y) => [canvas.x + x, canvas.y + y];
  await page.locator('[data-testid="toolbar-rectangle"]').click({ force: true });
  await drag(page, at(300, 200), at(500, 320));
  await page.mouse.dblclick(...at(400, 260));
  await page.keyboard.type('Checkout');
  await page.keyboard.press('Escape');
  await page.locator('[data-testid="toolbar-arrow"]').click({ force: true });
  await drag(page, at(520, 260), at(760, 260));
  const api = `${stack.baseUrl}/api/drawings/${uid}`;
  const doc = await savedWhere(page, api, (d) => d.data.elements.length === 3);
  const types = doc.data.elements.map((e) => e.type).sort();
  assert.deepEqual(types, ['arrow', 'rectangle', 'text']);
  const rect = doc.data.elements.find((e) => e.type === 'rectangle');
  const text = doc.data.elements.find((e) => e.type === 'text');
  assert.equal(text.text, 'Checkout');
  assert.equal(text.containerId, rect.id, 'the label is bound to the rectangle');
  assert.ok(Math.abs(rect.width - 200) < 2 && Math.abs(rect.height - 120) < 2, `rectangle ${rect.width}×${rect.height}`);
  assert.ok(doc.data.appState && typeof doc.data.appState === 'object' && !('collaborators' in doc.data.appState));
  assert.deepEqual(doc.data.files, {});

  await page.reload();
  await ready(page);
  const live = await page.evaluate(() => globalThis.cardinalityDrawing.api.getSceneElements().map((e) => [e.type, e.text || '']));
  assert.deepEqual(live.sort(), [['arrow', ''], ['rectangle', ''], ['text', 'Checkout']]);
  await page.waitForTimeout(600);
  assert.equal((await (await page.request.get(api)).json())._version, doc._version, 'opening the drawing saves nothing');
  assert.deepEqual(foreign, [], 'no request leaves the origin (fonts are ours)');
  assert.deepEqual(problems, []);
});

test('fields the editor does not know survive an edit', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewDrawing(page);
  await ready(page);
  const api = `${stack.baseUrl}/api/drawings/${uid}`;
  const current = await (await page.request.get(api)).json();
  const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
  const rect = { id: 'r1', type: 'rectangle', x: 10, y: 10, width: 100, height: 60, angle: 0, strokeColor: '#1e1e1e',
    backgroundColor: 'transparent', fillStyle: 'solid', strokeWidth: 2, strokeStyle: 'solid', roughness: 1, opacity: 100,
    groupIds: [], frameId: null, roundness: null, seed: 7, version: 3, versionNonce: 9, isDeleted: false, boundElements: null,
    updated: 1, link: null, locked: false, customData: { team: 'blue' }, erdFutureField: [1, 2] };
  const put = await page.request.put(api, {
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    data: JSON.stringify({ _version: current._version, title: current.title, data: { elements: [rect], appState: { viewBackgroundColor: '#fafafa', erdSetting: 'x' }, files: {} } }),
  });
  assert.equal(put.status(), 200);
  await page.reload();
  await ready(page);
  const canvas = await page.locator('#drawing-editor canvas.interactive').boundingBox();
  await page.locator('[data-testid="toolbar-ellipse"]').click({ force: true });
  await drag(page, [canvas.x + 400, canvas.y + 300], [canvas.x + 480, canvas.y + 360]);
  const doc = await savedWhere(page, api, (d) => d.data.elements.length === 2);
  assert.deepEqual(doc.data.elements.map((e) => e.type).sort(), ['ellipse', 'rectangle']);
  const kept = doc.data.elements.find((e) => e.id === 'r1');
  assert.deepEqual(kept.erdFutureField, [1, 2]);
  assert.deepEqual(kept.customData, { team: 'blue' });
  assert.equal(doc.data.appState.erdSetting, 'x');
  assert.equal(doc.data.appState.viewBackgroundColor, '#fafafa');
  assert.deepEqual(problems, []);
});

test('without JavaScript the page shows the drawing as the server draws it', async () => {
  const { page } = await newPage();
  const uid = await openNewDrawing(page);
  await ready(page);
  const canvas = await page.locator('#drawing-editor canvas.interactive').boundingBox();
  await page.locator('[data-testid="toolbar-rectangle"]').click({ force: true });
  await drag(page, [canvas.x + 400, canvas.y + 260], [canvas.x + 520, canvas.y + 340]); // clear of the tool panel
  await savedWhere(page, `${stack.baseUrl}/api/drawings/${uid}`, (d) => d.data.elements.length === 1);
  const cookies = await page.context().cookies();
  const { page: plain } = await newPage({ javaScriptEnabled: false });
  await plain.context().addCookies(cookies);
  await plain.goto(`${stack.baseUrl}/drawings/${uid}`);
  const view = plain.locator('#drawing-view');
  assert.ok(await view.isVisible());
  assert.equal(await view.locator('svg').count(), 1);
  assert.ok(await view.locator('svg rect, svg path').count() >= 1, 'the rectangle is in the server SVG');
  assert.equal(await plain.locator('#drawing-editor').evaluate((e) => e.children.length), 0, 'no editor without JavaScript');
  await plain.context().close();
});
