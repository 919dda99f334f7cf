// tests/browser/erd_tidy.test.js — issue 8's "Tidy diagrams" in the editor: the canvas shows the
// server drawing's column markers (PK, U, FK) and whole types; dropping a column on a table that
// has no matching column offers to create the foreign-key column typed like the referenced one;
// Auto-layout uses the server's layout (no overlaps);
// the import dialog adds to the diagram (merge) or replaces it, warning about removed tables.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

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
const table = (page, name) => page.locator(`g.erd-table[data-name="${name}"]`);

async function importText(page, text, dialect, mode, { confirm = true } = {}) {
  await page.click('[data-testid="import"]');
  await page.selectOption('[data-testid="import-dialect"]', dialect);
  await page.selectOption('[data-testid="import-mode"]', mode);
  // (a big dump is set at once: typing it in with fill() takes longer than the timeout)
  await page.$eval('[data-testid="import-sql"]', (el, t) => { el.value = t; el.dispatchEvent(new Event('input', { bubbles: true })); }, text);
  await page.click('[data-testid="import-preview"]');
  await page.waitForSelector('[data-testid="import-result"][data-state="ok"]');
  if (confirm) {
    await page.click('[data-testid="import-replace"]');
    await page.waitForSelector('[data-testid="import-dialog"]', { state: 'hidden' });
  }
}

test('markers and types as the server draws them; a drop on a table offers the FK column; import merge and replace', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const uid = await openNewDiagram(page);
  await importText(page, 'Table customers {\n  id bigint [pk]\n  email varchar(255) [unique, not null]\n}\n' +
    'Table orders {\n  id bigint [pk]\n  customer_id bigint [ref: > customers.id]\n  placed_at "timestamp with time zone"\n}\n', 'dbml', 'merge');
  await table(page, 'orders').waitFor();
  await saved(page);
  // the live canvas' markers per column = the server drawing's (PK, U, FK), types whole
  const svg = await (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}/export?format=svg`)).text();
  const model = await (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}`)).json();
  for (const e of model.entities) {
    for (const c of e.columns) {
      const m = new RegExp(`<g class="erd-col[^"]*" data-id="${c.id}">([\\s\\S]*?)</g>`).exec(svg);
      assert.ok(m, `${e.name}.${c.name} in the server SVG`);
      const server = [...m[1].matchAll(/class="erd-(pk|uq|fk)"[^>]*>([^<]*)</g)].map((x) => x[2]).join(' ');
      const row = table(page, e.name).locator(`[data-testid="erd-column"][data-col="${c.id}"]`);
      const live = (await row.locator('.erd-pk, .erd-uq, .erd-fk').allTextContents()).join(' ');
      assert.equal(live, server, `${e.name}.${c.name}: markers`);
      assert.equal(await row.locator('.erd-col-type').textContent(), c.type, `${e.name}.${c.name}: the whole type`);
    }
  }
  assert.equal(await table(page, 'orders').locator('[data-name="customer_id"] .erd-fk').count(), 1);
  // drop customers.email's handle on the orders header: the panel offers a new column
  await table(page, 'customers').hover();
  const handle = await table(page, 'customers').locator('[data-testid="erd-column"][data-name="email"] [data-testid="erd-col-handle"]').boundingBox();
  const head = await table(page, 'orders').locator('.erd-table-name').boundingBox();
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(head.x + 20, head.y + 6, { steps: 10 });
  await page.mouse.up();
  await page.waitForSelector('[data-testid="fk-form"].is-offered');
  assert.equal(await page.locator('[data-testid="fk-column"] option:checked').textContent(), '(new column)');
  assert.equal(await page.locator('[data-testid="fk-ref-column"] option:checked').textContent(), 'email (varchar(255))');
  await page.keyboard.press('Enter'); // the focused "Add relationship"
  await table(page, 'orders').locator('[data-testid="erd-column"][data-name="customers_email"]').waitFor();
  await saved(page);
  const after = await (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}`)).json();
  const col = after.entities.find((e) => e.name === 'orders').columns.find((c) => c.name === 'customers_email');
  assert.equal(col.type, 'varchar(255)');
  assert.equal(after.relationships.length, 2);
  // Auto-layout (the server's Graphviz layout): no two boxes overlap, one undoable change
  await page.click('[data-testid="auto-layout"]');
  await page.waitForSelector('[data-testid="erd-announce"]:text-is("Tables arranged")', { state: 'attached' });
  const rects = await page.$$eval('g.erd-table .erd-table-box', (els) => els.map((el) => el.getBoundingClientRect()).map((b) => ({ x: b.x, y: b.y, w: b.width, h: b.height })));
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i], b = rects[j];
    assert.ok(!(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h), 'auto-layout left no overlap');
  }
  await saved(page);
  // replacing: the preview warns about the tables that would go
  await importText(page, 'CREATE TABLE invoices (id int PRIMARY KEY);', 'postgres', 'replace', { confirm: false });
  const warn = page.locator('[data-testid="import-removed"]');
  assert.match(await warn.textContent(), /removes 2 tables .*customers, orders|removes 2 tables .*orders, customers/);
  assert.equal(await page.textContent('[data-testid="import-replace"]'), 'Replace diagram');
  await page.click('[data-testid="import-replace"]');
  await page.waitForSelector('[data-testid="import-dialog"]', { state: 'hidden' });
  await table(page, 'invoices').waitFor();
  assert.equal(await page.locator('g.erd-table').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('Northwind and Pagila open tidy: no overlapping tables on the live canvas, coloured by group', async () => {
  const fs = require('fs');
  const path = require('path');
  const corpus = process.env.DDL_CORPUS_DIR || path.join(process.env.SHARED_DIR || path.resolve(__dirname, '..', '..', '..', 'shared'), 'ddl-corpus');
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openNewDiagram(page);
  for (const file of ['northwind.postgres.sql', 'pagila-schema.postgres.sql']) {
    console.log(`importing ${file}`);
    await importText(page, fs.readFileSync(path.join(corpus, file), 'utf8'), 'postgres', 'replace');
    await page.reload();
    await page.waitForSelector('g.erd-table');
    const boxes = await page.$$eval('g.erd-table', (els) => els.map((g) => {
      const b = g.querySelector('.erd-table-box').getBoundingClientRect();
      return { name: g.dataset.name, x: b.x, y: b.y, w: b.width, h: b.height, color: g.querySelector('.erd-table-head').getAttribute('fill') };
    }));
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.name}/${b.name}`);
    }
    assert.deepEqual(overlaps, [], `${file}: overlapping tables`);
    const colours = new Set(boxes.map((b) => b.color));
    console.log(`${file}: ${boxes.length} tables, ${colours.size} colour(s), no overlap`);
    if (file.startsWith('northwind')) assert.ok(colours.size >= 2, 'Northwind: its related group and its lone tables differ');
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('an import over 256 KB runs as a task: a progress bar, then the diagram is replaced', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const uid = await openNewDiagram(page);
  // 400 tables, ~300 KB of PostgreSQL
  const lines = [];
  for (let i = 0; i < 400; i++) {
    lines.push(`CREATE TABLE big_${i} (id bigint PRIMARY KEY, name varchar(200) NOT NULL, notes text, ` +
      `created_at timestamp with time zone NOT NULL DEFAULT now(), amount numeric(12,2)${i ? `, parent_id bigint REFERENCES big_${i - 1} (id)` : ''}` +
      `); -- ${'x'.repeat(500)}`);
  }
  const sql = lines.join('\n');
  assert.ok(sql.length > 256 * 1024, `${sql.length} bytes`);
  await page.click('[data-testid="import"]');
  await page.selectOption('[data-testid="import-dialect"]', 'postgres');
  await page.selectOption('[data-testid="import-mode"]', 'replace');
  await page.$eval('[data-testid="import-sql"]', (el, t) => { el.value = t; el.dispatchEvent(new Event('input', { bubbles: true })); }, sql);
  await page.click('[data-testid="import-preview"]');
  await page.waitForSelector('[data-testid="import-result"][data-state="ok"]', { timeout: 30000 });
  const posted = page.waitForRequest((r) => r.method() === 'POST' && /\/import\?.*async=1/.test(r.url()));
  await page.click('[data-testid="import-replace"]');
  await posted;
  await page.waitForSelector('[data-testid="import-progress"]');
  await page.waitForSelector('[data-testid="import-dialog"]', { state: 'hidden', timeout: 60000 });
  await table(page, 'big_399').waitFor({ state: 'attached' });
  const model = await (await page.request.get(`${stack.baseUrl}/api/diagrams/${uid}`)).json();
  assert.equal(model.entities.length, 400);
  assert.equal(model.relationships.length, 399);
  assert.deepEqual(errors, []);
  await page.close();
});
