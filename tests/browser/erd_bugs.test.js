// tests/browser/erd_bugs.test.js — the ERD editor bugs of issue 8 ("Bugs found trying it"), each
// reproduced in headless Chromium against the real stack: panning is not an edit (no version bump,
// no conflict between two tabs), a pan composited (not repainted, issue 8's frame times), single-key shortcuts after a toolbar click, a toolbar that does
// not shift with the save pill, duplicate table names flagged, a keyboard path to a relationship,
// the canvas' accessible name and Tab stops, and the phone layout (one toolbar row, fit on open).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

async function newPage(opts = {}) {
  const context = opts.context || await browser.newContext({ viewport: opts.viewport || { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems, context };
}

async function openNewDiagram(page) {
  await signUp(page, stack.baseUrl);
  await page.fill('form[action="/projects"] input[name="name"]', 'Shop');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const form = page.locator('form:has(select[name="kind"])');
  await form.locator('select[name="kind"]').selectOption('diagram');
  await form.locator('input[name="title"]').fill('Shop schema');
  await Promise.all([page.waitForURL(/\/diagrams\//), form.locator('button[type="submit"]').click()]);
  await page.waitForSelector('[data-testid="erd-svg"]');
  return new URL(page.url()).pathname.split('/').pop();
}

const saved = (page) => page.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: 15000 });
const viewportSaved = (page) => page.waitForSelector('[data-testid="erd-editor"][data-viewport="saved"]', { timeout: 15000 });
const table = (page, name) => page.locator(`g.erd-table[data-name="${name}"]`);
const model = async (page, uid) => (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}`)).json();

async function addTable(page, name, columns = []) {
  await page.click('[data-testid="add-table"]');
  await page.fill('[data-testid="table-name"]', name);
  for (const [col, type] of columns) {
    await page.click('[data-testid="add-column"]');
    const item = page.locator('[data-testid="column-item"]').last();
    await item.locator('[data-testid="column-name"]').fill(col);
    await item.locator('[data-testid="column-type"]').fill(type);
  }
  await table(page, name).waitFor();
}

async function panBy(page, dx, dy) {
  const box = await page.locator('[data-testid="erd-canvas"]').boundingBox();
  const x = box.x + 20, y = box.y + box.height - 20;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 8 });
  await page.mouse.up();
}

test('panning and zooming are not edits: no version bump, and two tabs that only scrolled never conflict', async () => {
  const { page, problems, context } = await newPage();
  const uid = await openNewDiagram(page);
  await addTable(page, 'alpha', [['name', 'text']]);
  await saved(page);
  const before = await model(page, uid);
  // A second tab of the same user opens the same diagram.
  const { page: other, problems: otherProblems } = await newPage({ context });
  await other.goto(`${stack.baseUrl}/diagrams/${uid}`);
  await other.waitForSelector('g.erd-table');
  // The first tab pans and zooms.
  await panBy(page, 140, -60);
  await page.click('[data-testid="zoom-in"]');
  await viewportSaved(page);
  await saved(page);
  const after = await model(page, uid);
  assert.equal(after._version, before._version, 'panning and zooming left _version alone');
  assert.notDeepEqual(after.viewport, before.viewport, 'the viewport itself was saved');
  assert.ok(Math.abs(after.viewport.zoom - before.viewport.zoom * 1.2) < 0.01, `zoom saved: ${JSON.stringify(after.viewport)}`);
  // The second tab edits: its save is not refused.
  await addTable(other, 'beta');
  await saved(other);
  assert.equal(await other.locator('[data-testid="conflict-dialog"][open]').count(), 0);
  assert.deepEqual((await model(page, uid)).entities.map((e) => e.name).sort(), ['alpha', 'beta']);
  // And the first tab, which only scrolled, pans again without any dialog.
  await panBy(page, -50, 30);
  await viewportSaved(page);
  assert.equal(await page.locator('[data-testid="conflict-dialog"][open]').count(), 0);
  assert.deepEqual([...problems, ...otherProblems], []);
  await context.close();
});

test('a pan moves the drawing already painted (composited), keeps the table under the pointer, and redraws when it ends or goes past the drawn margin', async () => {
  const { page, problems, context } = await newPage();
  await openNewDiagram(page);
  await addTable(page, 'alpha', [['name', 'text']]);
  await saved(page);
  const state = () => page.evaluate(() => {
    const svg = document.querySelector('[data-testid="erd-svg"]'), r = document.querySelector('g.erd-table').getBoundingClientRect();
    return { css: svg.style.transform, vp: svg.querySelector('g[transform]').getAttribute('transform'), x: r.x, y: r.y,
      grid: svg.style.backgroundPosition, view: globalThis.cardinalityErd.doc.viewport };
  });
  const before = await state();
  const box = await page.locator('[data-testid="erd-canvas"]').boundingBox();
  const x = box.x + 20, y = box.y + box.height - 20;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 120, y - 70, { steps: 6 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const mid = await state();
  assert.equal(mid.vp, before.vp, 'mid-pan the drawing was not redrawn');
  assert.match(mid.css, /translate\(120px, -70px\) scale\(1\)/, `moved by a CSS transform: ${mid.css}`);
  assert.ok(Math.abs(mid.x - before.x - 120) < 1 && Math.abs(mid.y - before.y + 70) < 1, 'the table followed the pointer');
  // past the 400 px drawn beyond the edges: redrawn in the middle of the gesture
  await page.mouse.move(x + 560, y - 70, { steps: 8 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const far = await state();
  assert.notEqual(far.vp, before.vp, 'redrawn once the pan went past the margin');
  assert.ok(Math.abs(far.x - before.x - 560) < 1, 'the table still under the pointer');
  await page.mouse.up();
  await viewportSaved(page);
  const after = await state();
  assert.equal(after.css, '', 'no transform left once the pan ended');
  assert.equal(after.vp, `translate(${after.view.x} ${after.view.y}) scale(${after.view.zoom})`);
  assert.equal(after.grid, `${after.view.x}px ${after.view.y}px`, 'the grid follows the viewport');
  assert.ok(Math.abs(after.x - before.x - 560) < 1 && Math.abs(after.y - before.y + 70) < 1);
  // a scroll (wheel) pans the same way, and the view is redrawn once it rests
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 100);
  for (let i = 0; i < 50 && (await state()).css !== ''; i++) await page.waitForTimeout(100);
  const wheeled = await state();
  assert.ok(Math.abs(wheeled.y - after.y + 100) < 1, `scrolled up by 100 px: ${after.y} → ${wheeled.y}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('single-key shortcuts work right after a toolbar button was clicked', async () => {
  const { page, problems, context } = await newPage();
  await openNewDiagram(page);
  await addTable(page, 'alpha');
  await saved(page);
  await page.click('[data-testid="fit"]');
  await page.keyboard.press('n');
  await page.waitForFunction(() => document.querySelectorAll('g.erd-table').length === 2);
  await page.keyboard.press('Escape'); // leaves the name field
  await page.click('[data-testid="zoom-in"]');
  const z0 = await page.textContent('[data-testid="zoom-level"]');
  await page.keyboard.press('-');
  assert.notEqual(await page.textContent('[data-testid="zoom-level"]'), z0, 'the - key zoomed out after a click on Zoom in');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the toolbar does not shift when the save pill changes text', async () => {
  const { page, problems, context } = await newPage();
  await openNewDiagram(page);
  await saved(page);
  const x = async () => (await page.locator('[data-testid="export"]').boundingBox()).x;
  const atSaved = await x();
  await page.click('[data-testid="add-table"]');
  assert.equal(await page.getAttribute('[data-testid="save-status"]', 'data-state'), 'dirty');
  const atDirty = await x();
  await saved(page);
  assert.equal(atDirty, atSaved, `Export moved ${atDirty - atSaved} px when the pill said "Unsaved changes"`);
  assert.equal(await x(), atSaved);
  assert.deepEqual(problems, []);
  await context.close();
});

test('duplicate table names are flagged in the editor, and the SQL export answers 422 naming them', async () => {
  const { page, problems, context } = await newPage();
  const uid = await openNewDiagram(page);
  await addTable(page, 'users');
  await addTable(page, 'accounts');
  assert.equal(await page.locator('g.erd-table.is-duplicate').count(), 0);
  assert.ok(await page.locator('[data-testid="duplicate-warning"]').isHidden());
  await page.fill('[data-testid="table-name"]', 'Users');
  await page.waitForFunction(() => document.querySelectorAll('g.erd-table.is-duplicate').length === 2);
  const warning = page.locator('[data-testid="duplicate-warning"]');
  assert.ok(await warning.isVisible());
  assert.match(await warning.textContent(), /also named “Users”/);
  assert.equal(await page.getAttribute('[data-testid="table-name"]', 'aria-invalid'), 'true');
  await saved(page);
  const res = await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}/export?format=postgres`);
  assert.equal(res.status(), 422);
  assert.match((await res.json()).message, /named "(users|Users)"/);
  // Renaming it away clears the flag.
  await page.fill('[data-testid="table-name"]', 'people');
  await page.waitForFunction(() => document.querySelectorAll('g.erd-table.is-duplicate').length === 0);
  assert.ok(await warning.isHidden());
  await saved(page);
  assert.equal((await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}/export?format=postgres`)).status(), 200);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a relationship can be created from the keyboard (side panel form), with a new FK column', async () => {
  const { page, problems, context } = await newPage();
  const uid = await openNewDiagram(page);
  await addTable(page, 'customers', [['email', 'text']]);
  await addTable(page, 'orders', [['customer_id', 'bigint']]);
  // orders is selected; the form is reached and filled with the keyboard only.
  const col = page.locator('[data-testid="fk-column"]');
  await col.focus();
  await col.selectOption({ label: 'customer_id' });
  await page.keyboard.press('Tab');
  await page.locator('[data-testid="fk-ref-table"]').selectOption({ label: 'customers' });
  await page.keyboard.press('Tab');
  assert.equal(await page.locator('[data-testid="fk-ref-column"] option:checked').textContent(), 'id (bigserial)');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="erd-relationship"]');
  await page.waitForSelector('[data-testid="relationship-form"]');
  // A second one into a column the form creates, typed like the referenced column.
  await table(page, 'orders').click();
  await page.locator('[data-testid="fk-column"]').selectOption({ label: '(new column)' });
  await page.locator('[data-testid="fk-ref-table"]').selectOption({ label: 'customers' });
  await page.locator('[data-testid="fk-add"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="erd-relationship"]').length === 2);
  await saved(page);
  const m = await model(page, uid);
  const byId = new Map(m.entities.flatMap((e) => e.columns.map((c) => [c.id, `${e.name}.${c.name}:${c.type}`])));
  const pairs = m.relationships.map((r) => [byId.get(r.source_column_id), byId.get(r.target_column_id)].sort().join(' = '));
  assert.deepEqual(pairs.sort(), ['customers.id:bigserial = orders.customer_id:bigint', 'customers.id:bigserial = orders.customers_id:bigint']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the canvas: a short accessible name, and Tab goes from it straight to the tables', async () => {
  const { page, problems, context } = await newPage();
  await openNewDiagram(page);
  await addTable(page, 'customers', [['email', 'text']]);
  await addTable(page, 'orders', [['total', 'numeric']]);
  const snap = await page.accessibility.snapshot({ interestingOnly: false });
  const names = [];
  (function walk(n) { if (n.role === 'application' || n.role === 'graphics-document' || n.role === 'document' && n.name) names.push(`${n.role}:${n.name}`); for (const c of n.children || []) walk(c); })(snap);
  const app = names.filter((n) => n.startsWith('application:'));
  assert.deepEqual(app, ['application:Diagram canvas'], names.join(' | '));
  for (const n of names) assert.ok(!/customers.*orders|email.*total/.test(n), `no node named by all tables' text: ${n}`);
  await page.focus('[data-testid="erd-canvas"]');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({ tag: document.activeElement.tagName, cls: document.activeElement.getAttribute('class') }));
  assert.match(first.cls || '', /erd-table/, `Tab from the canvas reached ${JSON.stringify(first)}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a phone: one toolbar row (the rest in "More") and the diagram fitted on open', async () => {
  // On the desktop the view is panned far away from the only table, and that viewport is saved.
  const desk = await newPage();
  const uid = await openNewDiagram(desk.page);
  await addTable(desk.page, 'alpha', [['name', 'text']]);
  await saved(desk.page);
  await panBy(desk.page, -1200, -700);
  await viewportSaved(desk.page);
  // The same user opens it on a phone.
  const mobile = await browser.newContext({ viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true });
  await mobile.addCookies(await desk.context.cookies());
  const { page: mp, problems } = await newPage({ context: mobile });
  await mp.goto(`${stack.baseUrl}/diagrams/${uid}`);
  await mp.waitForSelector('g.erd-table');
  const bar = await mp.locator('.erd-toolbar').boundingBox();
  assert.ok(bar.height <= 56, `toolbar is ${bar.height} px tall (one row)`);
  assert.ok(await mp.locator('[data-testid="more-tools"]').isVisible());
  assert.ok(await mp.locator('.erd-tools [data-testid="fit"]').isHidden());
  const svg = await mp.locator('[data-testid="erd-svg"]').boundingBox();
  const t = await mp.locator('g.erd-table[data-name="alpha"] .erd-table-box').boundingBox();
  assert.ok(t.x >= svg.x && t.y >= svg.y && t.x + t.width <= svg.x + svg.width + 1 && t.y + t.height <= svg.y + svg.height + 1,
    `alpha ${JSON.stringify(t)} inside the canvas ${JSON.stringify(svg)}`);
  // The "More" menu runs the commands the narrow toolbar hides.
  const zoom = () => mp.evaluate(() => globalThis.cardinalityErd.doc.viewport.zoom);
  await mp.click('[data-testid="more-tools"] > summary');
  const z0 = await zoom();
  await mp.click('.erd-more-menu [data-cmd="zoom-out"]');
  assert.ok((await zoom()) < z0, 'zoomed out from the More menu');
  assert.deepEqual([...desk.problems, ...problems], []);
  await desk.context.close();
  await mobile.close();
});
