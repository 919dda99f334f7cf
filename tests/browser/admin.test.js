// tests/browser/admin.test.js — the super admin's /admin area in headless Chromium against the
// real stack: the admin disables Bob on /admin/users (Bob's open page falls back to the login
// page, whose sign-in says the account is disabled) and enables him again; makes a password reset
// link, which Bob opens to choose a new password and sign in with it; and edits an organization's
// license on /admin/orgs (modules, seats, expiry), which Bob's organization then has.  No script
// dialog, no CSP violation, no page error.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

/** newPage: a page in its own browser context (its own cookies), collecting problems. */
async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    else if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

/** api: a JSON request with the page's cookies and CSRF token. */
async function api(page, method, path, body) {
  const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
  const res = await page.request.fetch(`${stack.baseUrl}${path}`, {
    method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status(), json: text ? JSON.parse(text) : null };
}

async function signIn(page, email, password) {
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForLoadState('domcontentloaded');
}

test('the admin disables and enables a user, resets a password by link and edits a license', async () => {
  const admin = await newPage();
  await signUp(admin.page, stack.baseUrl, { name: 'Root' });          // the first user: super admin
  const bob = await newPage();
  const { email: bobEmail } = await signUp(bob.page, stack.baseUrl, { name: 'Bob' });
  const created = await api(bob.page, 'POST', '/api/orgs', { name: 'Bob & Co' });
  assert.equal(created.status, 201);
  const org = created.json.uid;

  // Disable Bob from the users page; the tabs lead there.
  await admin.page.goto(`${stack.baseUrl}/admin`);
  await Promise.all([admin.page.waitForURL(/\/admin\/users$/), admin.page.click('.admin-tabs >> text=Users')]);
  const row = admin.page.locator(`tr[data-email="${bobEmail}"]`);
  await Promise.all([admin.page.waitForURL(/done=saved/), row.getByRole('button', { name: `Disable ${bobEmail}` }).click()]);
  assert.match(await admin.page.locator(`tr[data-email="${bobEmail}"]`).textContent(), /Disabled/);
  assert.match(await admin.page.locator('.flash, [role="status"]').first().textContent(), /Changes saved/);

  await bob.page.goto(`${stack.baseUrl}/dashboard`);
  assert.match(bob.page.url(), /\/login\?next=/, 'the session ended');
  await signIn(bob.page, bobEmail, 'correct horse battery');
  assert.match(await bob.page.locator('[role="alert"]').textContent(), /This account is disabled/);

  await Promise.all([admin.page.waitForURL(/done=saved/),
    admin.page.locator(`tr[data-email="${bobEmail}"]`).getByRole('button', { name: `Enable ${bobEmail}` }).click()]);
  assert.doesNotMatch(await admin.page.locator(`tr[data-email="${bobEmail}"]`).textContent(), /Disabled/);

  // A reset link, shown once to the admin; Bob chooses a new password with it.
  await Promise.all([admin.page.waitForURL(/reset-link$/),
    admin.page.locator(`tr[data-email="${bobEmail}"]`).getByRole('button', { name: `Password reset link for ${bobEmail}` }).click()]);
  const link = await admin.page.inputValue('#reset-url');
  assert.match(link, /\/reset-password\/[A-Za-z0-9_-]{43}$/);
  await bob.page.goto(link);
  assert.match(await bob.page.locator('h1').textContent(), /Choose a new password/);
  await bob.page.fill('#reset-password', 'password123');
  await bob.page.fill('#reset-confirm', 'password123');
  await Promise.all([bob.page.waitForLoadState('domcontentloaded'), bob.page.click('form button[type="submit"]')]);
  assert.match(await bob.page.locator('#reset-password-error').textContent(), /too common/, 'the error beside the field');
  await bob.page.fill('#reset-password', 'a fresh start 2026');
  await bob.page.fill('#reset-confirm', 'a fresh start 2026');
  await Promise.all([bob.page.waitForURL(/\/login\?done=password-reset/), bob.page.click('form button[type="submit"]')]);
  assert.match(await bob.page.textContent('main'), /Your new password is set/);
  await signIn(bob.page, bobEmail, 'a fresh start 2026');
  assert.match(bob.page.url(), /\/dashboard/);
  await bob.page.goto(link);
  assert.match(await bob.page.textContent('main'), /already used or has expired/);

  // The organization's license: only the AI assistant, 3 seats, an expiry.
  await admin.page.goto(`${stack.baseUrl}/admin/orgs`);
  const lic = admin.page.locator(`form[action="/admin/orgs/${org}/license"]`);
  await lic.getByLabel('Database workspace').uncheck();
  await lic.getByLabel('Dashboards').uncheck();
  await lic.getByLabel('AI assistant').check();
  await lic.getByLabel('Seats').fill('0');
  await Promise.all([admin.page.waitForLoadState('domcontentloaded'), lic.getByRole('button', { name: 'Save license' }).click()]);
  assert.match(await admin.page.locator(`#lic-${org}-seats-error`).textContent(), /at least 1/, 'the error beside the field');
  await lic.getByLabel('Seats').fill('3');
  await lic.getByLabel('Expires on (UTC)').fill('2030-06-30');
  await Promise.all([admin.page.waitForURL(/\/admin\/orgs\?done=saved/), lic.getByRole('button', { name: 'Save license' }).click()]);
  const orgRow = await admin.page.locator(`tr[data-org="${org}"]`).textContent();
  assert.match(orgRow, /Bob &amp; Co|Bob & Co/);
  assert.match(orgRow, /AI assistant/);
  assert.match(orgRow, /1 \/ 3/);
  assert.match(orgRow, /2030-06-30/);
  const mods = await api(bob.page, 'GET', `/api/modules?org_uid=${org}`);
  assert.deepEqual(mods.json.modules, ['ai']);

  assert.deepEqual(admin.problems, []);
  assert.deepEqual(bob.problems, []);
});
