// tests/browser/tasks.test.js — background tasks in the browser: "Back up" on a project page
// opens the task page, whose progress bar moves without a reload (static/js/task.js polling the
// API) until the download link appears; the archive uploaded through /backups' restore form
// (static/js/restore.js) becomes a task whose page ends with a link to the restored project.
// No page error, no CSP violation.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => {
  stack = await startStack({ env: { CARD_TASK_STEP_MS: '250' } });
  browser = await newBrowser();
});
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

test('back up a project with a live progress bar, then restore it through the upload form', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  await signUp(page, stack.baseUrl);
  await page.fill('form[action="/projects"] input[name="name"]', 'Browser backup');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const projectUrl = page.url();
  for (let i = 0; i < 6; i++) {
    await page.selectOption('#new-file-kind', 'note');
    await page.fill('#new-file-title', `Note ${i}`);
    await Promise.all([page.waitForURL(/\/notes\//), page.click('form[action$="/files"] button[type="submit"]')]);
    await page.goto(projectUrl);
  }
  await Promise.all([page.waitForURL(/\/tasks\//), page.click('form[action$="/backup"] button[type="submit"]')]);
  await page.evaluate(() => { window.__same = true; });
  const values = new Set();
  for (let i = 0; i < 200 && !(await page.locator('#task-links a').count()); i++) {
    values.add(await page.locator('#task-progress').evaluate((el) => el.value));
    await page.waitForTimeout(100);
  }
  const link = page.locator('#task-links a', { hasText: 'Download the backup' });
  await link.waitFor();
  assert.ok(await page.evaluate(() => window.__same === true), 'the page updated in place, not reloaded');
  assert.ok(values.size >= 3, `the bar moved: ${[...values]}`);
  assert.equal(await page.locator('#task-progress').evaluate((el) => el.value), 100);
  assert.equal(await page.locator('#task-status').textContent(), 'succeeded');
  assert.equal(await page.locator('#task-cancel').count(), 0, 'no cancel button once finished');
  assert.match(await page.locator('#task-log').textContent(), /Backup ready/);

  const href = await link.getAttribute('href');
  const b64 = await page.evaluate(async (u) => {
    const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, href);
  await page.goto(`${stack.baseUrl}/backups`);
  await page.setInputFiles('#restore-file', { name: 'backup.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(b64, 'base64') });
  await Promise.all([page.waitForURL(/\/tasks\//), page.click('#restore-form button[type="submit"]')]);
  const open = page.locator('#task-links a', { hasText: 'Open the restored project' });
  await open.waitFor({ timeout: 30000 });
  await Promise.all([page.waitForURL(/\/projects\//), open.click()]);
  assert.match(await page.locator('h1').textContent(), /Browser backup \(restored\)/);
  for (let i = 0; i < 6; i++) assert.equal(await page.getByText(`Note ${i}`, { exact: true }).count() > 0, true, `Note ${i}`);
  assert.deepEqual(problems, []);
  await ctx.close();
});
