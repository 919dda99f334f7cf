// tests/browser/dashboards.test.js — building a dashboard in headless Chromium against the real
// stack and a Chinook SQLite connection: create a dashboard and a bar-chart widget through the
// page's forms, refresh, see the server's SVG; resize a widget by its corner and move another by
// its header (static/js/dashboards.js), the positions saved and found again after a reload; no
// console error, no CSP violation; with JavaScript off the same chart is there.
//
// Selectors: #dashboard-grid, .dash-widget[data-uid] (classes gx-/gw-/gy-/gh-), .dash-resize
// (added by the script), .dash-widget-header, #dashboard-refresh.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');
const { CORPUS } = require('../lib/dbservers.js');

let stack, browser, sqliteB64, tmp;
test.before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'card-dash-'));
  const file = path.join(tmp, 'chinook.sqlite');
  execFileSync('sqlite3', [file], { input: fs.readFileSync(path.join(CORPUS, 'chinook.sqlite.sql')), stdio: ['pipe', 'ignore', 'inherit'] });
  sqliteB64 = fs.readFileSync(file).toString('base64');
  stack = await startStack();
  browser = await newBrowser();
});
test.after(async () => {
  if (browser) await browser.close();
  if (stack) stack.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function newPage(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...opts });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems, context };
}

const classes = (page, uid) => page.$eval(`#widget-${uid}`, (el) => [...el.classList].filter((c) => /^g[xywh]-/.test(c)).join(' '));

test('build a dashboard: forms, refresh, server SVG, drag and resize saved', async () => {
  const { page, problems, context } = await newPage();
  await signUp(page, stack.baseUrl);
  await page.fill('form[action="/projects"] input[name="name"]', 'Music');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const project = new URL(page.url()).pathname.split('/').pop();
  const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
  const conn = await page.request.post(`${stack.baseUrl}/api/connections`, {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: JSON.stringify({ name: 'chinook', type: 'sqlite', sqlite_base64: sqliteB64, project_uid: project }),
  });
  assert.equal(conn.status(), 201, await conn.text());

  await Promise.all([page.waitForURL(/\/dashboards$/), page.click('a[href$="/dashboards"]')]);
  await page.fill('#dash-name', 'Sales');
  await Promise.all([page.waitForURL(/\/dashboards\/[^/]+$/), page.click('form[action$="/dashboards"] button[type="submit"]')]);
  const dash = new URL(page.url()).pathname.split('/').pop();

  const addWidget = async (title, sql, kind) => {
    await page.fill('#w-title', title);
    await page.selectOption('#w-type', 'chart');
    await page.fill('#w-sql', sql);
    await page.selectOption('#w-kind', kind);
    await Promise.all([page.waitForURL(/#widget-/), page.click('.dash-widget-form button[type="submit"]')]);
    return new URL(page.url()).hash.replace('#widget-', '');
  };
  const a = await addWidget('Tracks by genre', 'SELECT g.Name AS genre, COUNT(*) AS tracks FROM Track t JOIN Genre g ON g.GenreId = t.GenreId GROUP BY g.Name ORDER BY tracks DESC LIMIT 6', 'bar');
  const b = await addWidget('Tracks by media', 'SELECT m.Name AS media, COUNT(*) AS n FROM Track t JOIN MediaType m ON m.MediaTypeId = t.MediaTypeId GROUP BY m.Name', 'pie');
  await Promise.all([page.waitForURL(new RegExp(`/dashboards/${dash}$`)), page.click('#dashboard-refresh')]);
  assert.equal(await page.locator('svg.chart-svg').count(), 2);
  assert.ok(await page.locator(`#widget-${a} svg title`, { hasText: 'Rock · tracks: 1297' }).count() >= 1);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });

  assert.equal(await classes(page, a), 'gx-0 gw-6 gy-0 gh-4');
  assert.equal(await classes(page, b), 'gx-0 gw-6 gy-4 gh-4');
  // Resize a by its corner: two columns wider, one row taller.
  const grid = await page.locator('#dashboard-grid').boundingBox();
  const col = (grid.width - 11 * 12) / 12 + 12;
  const corner = await page.locator(`#widget-${a} .dash-resize`).boundingBox();
  let saved = page.waitForResponse((r) => r.url().endsWith(`/api/dashboards/${dash}`) && r.request().method() === 'PUT');
  await page.mouse.move(corner.x + 5, corner.y + 5);
  await page.mouse.down();
  await page.mouse.move(corner.x + 5 + col, corner.y + 5, { steps: 4 });
  await page.mouse.move(corner.x + 5 + 2 * col, corner.y + 5 + 72, { steps: 4 });
  await page.mouse.up();
  assert.equal((await saved).status(), 200);
  assert.equal(await classes(page, a), 'gx-0 gw-8 gy-0 gh-5');
  // Move b by its header to column 8 (its width stays 6? it must fit: x ≤ 6).
  const header = await page.locator(`#widget-${b} .dash-widget-title`).boundingBox();
  saved = page.waitForResponse((r) => r.url().endsWith(`/api/dashboards/${dash}`) && r.request().method() === 'PUT');
  await page.mouse.move(header.x + 10, header.y + 5);
  await page.mouse.down();
  await page.mouse.move(header.x + 10 + 3 * col, header.y + 5 + 80, { steps: 6 });
  await page.mouse.move(header.x + 10 + 9 * col, header.y + 5 + 80, { steps: 6 });
  await page.mouse.up();
  assert.equal((await saved).status(), 200);
  const moved = await classes(page, b);
  assert.match(moved, /^gx-6 gw-6 gy-[56] gh-4$/, moved);

  await page.reload();
  assert.equal(await classes(page, a), 'gx-0 gw-8 gy-0 gh-5');
  assert.equal(await classes(page, b), moved);
  assert.deepEqual(problems, []);
  const state = await context.storageState();
  await context.close();

  // Scripts off: the same server-drawn charts, no resize handles.
  const off = await browser.newContext({ javaScriptEnabled: false, storageState: state, viewport: { width: 1400, height: 1000 } });
  const plain = await off.newPage();
  await plain.goto(`${stack.baseUrl}/dashboards/${dash}`);
  assert.equal(await plain.locator('svg.chart-svg').count(), 2);
  assert.equal(await plain.locator('.dash-resize').count(), 0);
  assert.equal(await plain.locator('#widget-form').count(), 1);
  await off.close();
});
