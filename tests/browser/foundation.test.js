// tests/browser/foundation.test.js — a person in headless Chromium: sign up, create, rename,
// delete and restore a project, with hostile names; no script dialog, no CSP violation.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

async function newPage() {
  const page = await browser.newPage();
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

test('sign up, create, rename, delete and restore a project in a real browser', async () => {
  const { page, problems } = await newPage();
  await signUp(page, stack.baseUrl);
  assert.match(await page.title(), /Cardinality/);
  await page.fill('form[action="/projects"] input[name="name"]', 'Inventory');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  assert.match(await page.textContent('main'), /Inventory/);
  const projectUrl = page.url();
  // create a note from the project page
  await page.selectOption('select[name="kind"]', 'note');
  await page.fill('form[action$="/files"] input[name="title"]', 'Meeting notes');
  await Promise.all([page.waitForURL(/\/notes\//), page.click('form[action$="/files"] button[type="submit"]')]);
  assert.match(await page.textContent('main'), /Meeting notes/);
  // rename
  await page.goto(projectUrl);
  const rename = page.locator(`form[action="${new URL(projectUrl).pathname}"]`);
  await rename.locator('input[name="name"]').fill('Inventory v2');
  await Promise.all([page.waitForNavigation(), rename.locator('button[type="submit"]').click()]);
  assert.match(await page.textContent('main'), /Inventory v2/);
  // delete → trash → restore
  await Promise.all([page.waitForURL(/\/dashboard/), page.click(`form[action$="/delete"][action^="/projects/"] button[type="submit"]`)]);
  assert.doesNotMatch(await page.textContent('main'), /Inventory v2/);
  await page.goto(`${stack.baseUrl}/trash`);
  assert.match(await page.textContent('main'), /Inventory v2/);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/trash/restore"] button[type="submit"]')]);
  await page.goto(`${stack.baseUrl}/dashboard`);
  assert.match(await page.textContent('main'), /Inventory v2/);
  // the pages are readable on a phone: no horizontal scrolling
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px on a phone`);
  assert.deepEqual(problems, []);
});

test('hostile names render as text: no dialog, no CSP violation', async () => {
  const { page, problems } = await newPage();
  await signUp(page, stack.baseUrl, { name: '<script>alert(1)</script>' });
  for (const evil of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{7*7}}']) {
    await page.goto(`${stack.baseUrl}/dashboard`);
    await page.fill('form[action="/projects"] input[name="name"]', evil);
    await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
    assert.ok((await page.textContent('main')).includes(evil));
  }
  await page.goto(`${stack.baseUrl}/dashboard`);
  const text = await page.textContent('main');
  assert.ok(text.includes('{{7*7}}') && !text.includes('49'));
  assert.deepEqual(problems, []);
});

test('forms are labelled and errors sit next to their field', async () => {
  const { page } = await newPage();
  await page.goto(`${stack.baseUrl}/signup`);
  for (const name of ['name', 'email', 'password']) {
    const id = await page.getAttribute(`input[name="${name}"]`, 'id');
    assert.ok(id, `${name} has an id`);
    assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `${name} has a label`);
  }
  await page.fill('input[name="name"]', 'X');
  await page.fill('input[name="email"]', 'x@example.com');
  await page.fill('input[name="password"]', 'password');
  await page.evaluate(() => document.querySelector('input[name="password"]').removeAttribute('minlength'));
  await Promise.all([page.waitForNavigation(), page.click('form[action="/signup"] button[type="submit"]')]);
  const pw = page.locator('input[name="password"]');
  assert.equal(await pw.getAttribute('aria-invalid'), 'true');
  const described = await pw.getAttribute('aria-describedby');
  assert.ok(described);
  const msg = await page.locator(`[id="${described.split(' ').find((d) => /err/i.test(d)) || described.split(' ')[0]}"]`).textContent();
  assert.match(msg + (await page.textContent('form[action="/signup"]')), /too common/);
});
