// tests/browser/share.test.js — share a diagram through its share dialog (static/js/share.js
// over the JSON API, expiry typed in the browser's time zone), then open the link in a fresh
// browser context with JavaScript disabled: the read-only page shows the drawing and every
// table's columns; no script runs, no CSP violation. Also the dialog without JavaScript (the
// form posts and comes back with the link shown).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

/** newDiagram: a fresh user with a two-table diagram (saved through the API); its uid. */
async function newDiagram(page) {
  await signUp(page, stack.baseUrl);
  await page.fill('form[action="/projects"] input[name="name"]', 'Shop');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  await page.selectOption('#new-file-kind', 'diagram');
  await page.fill('#new-file-title', 'Orders <b>schema</b>');
  await Promise.all([page.waitForURL(/\/diagrams\//), page.click('form[action$="/files"] button[type="submit"]')]);
  const uid = page.url().split('/').pop().split('?')[0];
  const saved = await page.evaluate(async (u) => {
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const got = await (await fetch(`/api/diagrams/${u}`)).json();
    const col = (id, name, type, pk) => ({ id, name, type, is_pk: pk, is_nullable: !pk, is_unique: false, default: null, comment: null, enum_values: [] });
    const body = { _version: got._version, name: got.name, entities: [
      { id: `${u}-a`, name: 'customers', x: 0, y: 0, color: '#6366f1', comment: null, columns: [col(`${u}-a1`, 'id', 'bigint', true), col(`${u}-a2`, 'email', 'text', false)] },
      { id: `${u}-b`, name: 'orders', x: 400, y: 0, color: '#10b981', comment: null, columns: [col(`${u}-b1`, 'id', 'bigint', true), col(`${u}-b2`, 'customers_id', 'bigint', false)] },
    ], relationships: [] };
    const res = await fetch(`/api/diagrams/${u}`, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body) });
    return res.status;
  }, uid);
  assert.equal(saved, 200);
  return uid;
}

test('share a diagram through the dialog; a stranger without JavaScript sees its tables', async () => {
  const ctx = await browser.newContext({ timezoneId: 'Asia/Tokyo', viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  const uid = await newDiagram(page);
  await page.goto(`${stack.baseUrl}/diagrams/${uid}`);
  const dialog = page.locator(`#share-${uid}`);
  await dialog.locator('[data-testid="share-open"]').click();
  await dialog.locator('[data-testid="share-public"]').check();
  // the expiry in the user's zone (Tokyo, UTC+9): 2099-06-01 09:30 there is 00:30 UTC
  await dialog.locator('[data-testid="share-expiry-local"]').fill('2099-06-01T09:30');
  await dialog.locator('[data-testid="share-save"]').click();
  await assert.doesNotReject(dialog.locator('[data-testid="share-status"]').filter({ hasText: 'Anyone with the link' }).waitFor());
  const url = await dialog.locator('[data-testid="share-url"]').inputValue();
  assert.match(url, /\/s\/[A-Za-z0-9_-]{43}$/);
  assert.equal(stack.sql(`SELECT expiry_date::text FROM diagrams WHERE uid = '${uid}'`), '2099-06-01 00:30:00');
  assert.equal(await dialog.locator('[data-snippet="svg"]').last().inputValue(), `${url}.svg`);
  assert.equal(await dialog.locator('[data-snippet="sql"]').last().inputValue(), `${url}.sql`);
  assert.match(await dialog.locator('[data-snippet="embed"]').inputValue(), /<iframe src=".*\?embed=1"/);
  // a new link: the old one stops working
  await dialog.locator('[data-testid="share-regenerate"]').click();
  // (polled from here: waitForFunction would evaluate a string, which the page's CSP forbids)
  let fresh = url;
  for (let i = 0; i < 100 && fresh === url; i++) {
    await new Promise((res) => setTimeout(res, 50));
    fresh = await dialog.locator('[data-testid="share-url"]').inputValue();
  }
  assert.notEqual(fresh, url);
  assert.deepEqual(problems, []);

  const stranger = await browser.newContext({ javaScriptEnabled: false });
  const s = await stranger.newPage();
  const scripts = [];
  s.on('request', (req) => { if (req.resourceType() === 'script') scripts.push(req.url()); });
  const res = await s.goto(fresh);
  assert.equal(res.status(), 200);
  assert.equal(await s.locator('h1').textContent(), 'Orders <b>schema</b>');
  assert.equal(await s.locator('.share-figure svg').count(), 1);
  assert.equal(await s.getByRole('table', { name: 'customers' }).count(), 1);
  assert.equal(await s.getByRole('table', { name: 'orders' }).count(), 1);
  assert.equal(await s.getByRole('rowheader', { name: 'email' }).count(), 1);
  assert.equal(await s.locator('script').count(), 0);
  assert.deepEqual(scripts, []);
  // the replaced link is gone within a second (nginx's cache holds an answer that long)
  let old;
  for (let i = 0; i < 30; i++) {
    old = await s.goto(url);
    if (old.status() === 404) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(old.status(), 404);
  await stranger.close();
  await ctx.close();
});

test('the share dialog without JavaScript: the form posts and the page shows the link', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  const uid = await newDiagram(page);
  // the same account in a context without scripts: reuse the session cookie
  const cookies = await ctx.cookies();
  await ctx.close();
  const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1400, height: 900 } });
  await nojs.addCookies(cookies);
  const p = await nojs.newPage();
  await p.goto(`${stack.baseUrl}/diagrams/${uid}`);
  const dialog = p.locator(`#share-${uid}`);
  await dialog.locator('[data-testid="share-open"]').click();
  await dialog.locator('[data-testid="share-public"]').check();
  await dialog.locator('[data-testid="share-expiry"]').fill('2099-01-01T12:00+01:00');
  await Promise.all([p.waitForURL(/done=shared/), dialog.locator('[data-testid="share-save"]').click()]);
  const token = stack.sql(`SELECT share_token FROM diagrams WHERE uid = '${uid}'`);
  assert.equal(token.length, 43);
  assert.ok((await p.content()).includes(`/s/${token}`));
  assert.equal(stack.sql(`SELECT expiry_date::text FROM diagrams WHERE uid = '${uid}'`), '2099-01-01 11:00:00');
  await nojs.close();
});
