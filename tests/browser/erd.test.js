// tests/browser/erd.test.js — the ERD editor in headless Chromium against the real stack: build a
// two-table diagram with a relationship, autosave, reload (tables drawn with the server's box
// geometry); undo/redo; a save conflict resolved with
// "Keep mine". No script dialog, no CSP violation, no page error.
//
// Selectors (stable; defined in templates/diagram.mustache and static/js/erd/*.js):
//   [data-testid="erd-editor"]          editor root (data-uid)
//   [data-testid="erd-svg"]             the interactive SVG (replaces the server-drawn one)
//   g.erd-table[data-name="…"]          a table on the canvas (data-testid="erd-table", data-id)
//   [data-testid="erd-column"][data-name="…"]   a column row inside a table (data-col = column id)
//   [data-testid="erd-col-handle"]      a column row's relationship handle (drag it to another column)
//   [data-testid="erd-relationship"]    a relationship on the canvas (data-id)
//   [data-testid="add-table"] [data-testid="undo"] [data-testid="redo"] [data-testid="fit"]
//   [data-testid="save-status"]         status text; data-state = saved | saving | dirty | offline | error | conflict
//   [data-testid="table-name"]          side panel: table name input
//   [data-testid="add-column"]          side panel: add column button
//   [data-testid="column-item"] > [data-testid="column-name"|"column-type"]   side panel column rows
//   [data-testid="conflict-dialog"], [data-testid="conflict-keep-mine"|"conflict-theirs-btn"|"conflict-merge"]
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

/** A fresh user, project and diagram; the page ends in the editor. Returns the diagram uid. */
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
// The viewport is saved on its own (PUT …/viewport, static/js/erd/viewsave.js), not by the model's autosave.
const viewportSaved = (page) => page.waitForSelector('[data-testid="erd-editor"][data-viewport="saved"]', { timeout: 15000 });
const table = (page, name) => page.locator(`g.erd-table[data-name="${name}"]`);

async function addTable(page, name, columns) {
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

async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}
const centre = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

/** sameBoxesAsServer: each named table's box on the live canvas is as wide and tall as the
 *  server draws it (the SVG export): 240 px wide for short texts, 36 + 28 px per column tall. */
async function sameBoxesAsServer(page, uid, columns) {
  const svg = await (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}/export?format=svg`)).text();
  for (const [name, n] of Object.entries(columns)) {
    const id = await table(page, name).getAttribute('data-id');
    const m = new RegExp(`data-id="${id}"[^>]*>\\s*<rect class="erd-box"[^>]* width="([\\d.]+)" height="([\\d.]+)"`).exec(svg);
    assert.ok(m, `${name} in the server's SVG`);
    const server = { w: +m[1], h: +m[2] };
    assert.deepEqual(server, { w: 240, h: 36 + 28 * n }, `${name}: server box`);
    const box = table(page, name).locator('.erd-table-box');
    const live = { w: +(await box.getAttribute('width')), h: +(await box.getAttribute('height')) };
    assert.deepEqual(live, server, `${name}: live canvas box = server box`);
  }
}

test('build a diagram: tables, columns, a relationship by dragging; autosave survives reload', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewDiagram(page);
  await addTable(page, 'customers', [['email', 'varchar(255)']]);
  await addTable(page, 'orders', [['customer_id', 'bigint'], ['total', 'numeric(10,2)']]);
  // Move orders well to the right of customers (drag by its header).
  const head = await table(page, 'orders').locator('.erd-table-name').boundingBox();
  await drag(page, { x: head.x + 4, y: head.y + 4 }, { x: head.x + 360, y: head.y + 120 });
  // Relationship as in ERD Builder Pro: drag from the foreign-key column orders.customer_id
  // (source, "many") to the column it references, customers.id (target, "one").
  await table(page, 'orders').hover();
  const handle = await table(page, 'orders').locator('[data-testid="erd-column"][data-name="customer_id"] [data-testid="erd-col-handle"]').boundingBox();
  const target = await table(page, 'customers').locator('[data-testid="erd-column"][data-name="id"]').boundingBox();
  await drag(page, centre(handle), centre(target));
  assert.equal(await page.locator('[data-testid="erd-relationship"]').count(), 1);
  // the crow's foot is drawn at orders (the source end of the path), the bar at customers
  const d = await page.locator('[data-testid="erd-relationship"] .erd-rel-line').getAttribute('d');
  const n = '-?[\\d.]+';
  // the curve, then the source end (two strokes: a crow's foot), then the target end (a bar)
  assert.match(d, new RegExp(`H${n}M${n} ${n}L${n} ${n}M${n} ${n}L${n} ${n}M${n} ${n}V${n}$`), `crow's foot at the source: ${d}`);
  assert.equal(await page.locator('[data-testid="erd-relationship"] .erd-rel-label').textContent(), '1:N');
  await saved(page);

  await page.reload();
  await page.waitForSelector('[data-testid="erd-svg"] g.erd-table');
  assert.equal(await page.locator('g.erd-table').count(), 2);
  for (const [t, c] of [['customers', 'id'], ['customers', 'email'], ['orders', 'customer_id'], ['orders', 'total']]) {
    assert.equal(await table(page, t).locator(`[data-testid="erd-column"][data-name="${c}"]`).count(), 1, `${t}.${c} drawn`);
  }
  assert.equal(await page.locator('[data-testid="erd-relationship"]').count(), 1);
  await sameBoxesAsServer(page, uid, { customers: 2, orders: 3 });

  const res = await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}`);
  assert.equal(res.status(), 200);
  const model = await res.json();
  const byName = Object.fromEntries(model.entities.map((e) => [e.name, e]));
  assert.deepEqual(Object.keys(byName).sort(), ['customers', 'orders']);
  assert.deepEqual(byName.customers.columns.map((c) => c.name), ['id', 'email']);
  assert.deepEqual(byName.orders.columns.map((c) => [c.name, c.type]), [['id', 'bigserial'], ['customer_id', 'bigint'], ['total', 'numeric(10,2)']]);
  assert.equal(model.relationships.length, 1);
  const rel = model.relationships[0];
  assert.equal(rel.source_entity_id, byName.orders.id);
  assert.equal(rel.target_entity_id, byName.customers.id);
  assert.equal(rel.source_column_id, byName.orders.columns[1].id);
  assert.equal(rel.target_column_id, byName.customers.columns[0].id);
  assert.equal(rel.type, 'one-to-many');
  assert.equal(rel.label, '1:N');
  // the SQL export puts the foreign key where ERD Builder Pro's generator does
  const sql = await (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}/export?format=postgres`)).text();
  assert.match(sql, /ALTER TABLE orders ADD CONSTRAINT fk_orders_customer_id FOREIGN KEY \(customer_id\) REFERENCES customers \(id\);/);
  assert.deepEqual(problems, []);
});

test('undo and redo, by buttons and keys', async () => {
  const { page, problems } = await newPage();
  await openNewDiagram(page);
  await addTable(page, 'alpha', []);
  await addTable(page, 'beta', []);
  assert.equal(await page.locator('g.erd-table').count(), 2);
  await page.click('[data-testid="undo"]'); // undoes the rename of beta
  await table(page, 'table').waitFor();
  await page.click('[data-testid="undo"]'); // undoes adding it
  assert.equal(await page.locator('g.erd-table').count(), 1);
  await page.click('[data-testid="redo"]');
  assert.equal(await page.locator('g.erd-table').count(), 2);
  await page.locator('[data-testid="erd-canvas"]').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  assert.equal(await page.locator('g.erd-table').count(), 1);
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+y');
  await table(page, 'beta').waitFor();
  assert.equal(await page.locator('g.erd-table').count(), 2);
  await saved(page);
  assert.deepEqual(problems, []);
});

test('pinch and ctrl+wheel zoom about the fingers / pointer, and the viewport is saved', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewDiagram(page);
  await addTable(page, 'alpha', [['id', 'int']]);
  await saved(page);
  const zoom = async () => (await (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}`)).json()).viewport.zoom;
  const z0 = await zoom();
  // two fingers 100 px apart spread to 250 px: the zoom grows 2.5 times
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, a, b) => cdp.send('Input.dispatchTouchEvent', {
    type, touchPoints: type === 'touchEnd' ? [] : [{ x: a, y: 450, id: 1 }, { x: b, y: 450, id: 2 }],
  });
  await touch('touchStart', 650, 750);
  for (let i = 1; i <= 10; i++) await touch('touchMove', 650 - 7.5 * i, 750 + 7.5 * i);
  await touch('touchEnd');
  await viewportSaved(page);
  await page.waitForTimeout(100);
  await viewportSaved(page);
  const z1 = await zoom();
  assert.ok(Math.abs(z1 / z0 - 2.5) < 0.05, `pinch: zoom ${z0} -> ${z1}`);
  // ctrl+wheel (a trackpad pinch) zooms out again
  await page.mouse.move(700, 450);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 240);
  await page.keyboard.up('Control');
  await page.waitForTimeout(300);
  await viewportSaved(page);
  const z2 = await zoom();
  assert.ok(z2 < z1 * 0.8, `ctrl+wheel: zoom ${z1} -> ${z2}`);
  // the table stays on screen and the page never scrolled or zoomed itself
  assert.ok(await table(page, 'alpha').isVisible());
  assert.equal(await page.evaluate(() => window.visualViewport.scale), 1);
  assert.deepEqual(problems, []);
});

test('a save conflict shows what changed and "Keep mine" saves on top', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewDiagram(page);
  await addTable(page, 'mine_first', []);
  await saved(page);
  // Someone else saves: a PUT with the current _version bumps the server's version.
  const api = `${stack.baseUrl}/api/diagrams/${uid}`;
  const current = await (await page.request.get(api)).json();
  const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
  const put = await page.request.put(api, {
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    data: JSON.stringify({ _version: current._version, name: 'Renamed elsewhere', viewport: current.viewport, entities: current.entities, relationships: current.relationships }),
  });
  assert.equal(put.status(), 200);
  const theirs = await put.json();
  assert.ok(theirs._version !== current._version);
  // My next change conflicts.
  await addTable(page, 'mine_second', []);
  const dialog = page.locator('[data-testid="conflict-dialog"]');
  await dialog.waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await dialog.locator('[data-testid="conflict-theirs"]').textContent(), /Renamed elsewhere/);
  assert.match(await dialog.locator('[data-testid="conflict-mine"]').textContent(), /mine_second/);
  await dialog.locator('[data-testid="conflict-keep-mine"]').click();
  await dialog.waitFor({ state: 'hidden' });
  await saved(page);
  const after = await (await page.request.get(api)).json();
  assert.ok(after._version !== theirs._version, 'a new version was saved');
  assert.deepEqual(after.entities.map((e) => e.name).sort(), ['mine_first', 'mine_second']);
  assert.deepEqual(problems, []);
});
