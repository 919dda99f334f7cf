// tests/browser/teams.test.js — two users of one team in headless Chromium against the real stack:
// Ana writes a note in her project and moves the project into her team; Ben, an editor of that
// team, finds the project on his dashboard under the team's section, opens the note, sees Ana's
// text and adds his own; the editor saves; Ana reloads and sees Ben's text, and the API agrees.
// The "Saved by" label: Ben's page (drawn on the server) says Ana saved last; after his own save
// the editor rewrites it to Ben with a <time datetime>; Ana's reload says Ben.
// No script dialog, no CSP violation, no page error.
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

/** api: a JSON request with the page's cookies and CSRF token; the parsed answer and status. */
async function api(page, method, path, body) {
  const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
  const res = await page.request.fetch(`${stack.baseUrl}${path}`, {
    method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status(), json: text ? JSON.parse(text) : null, text };
}

const saved = (page) => page.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: 15000 });
const editorText = (page) => page.locator('[data-testid="note-content"]').textContent();

test('two members of one team see the same project; the second edits the note the first wrote', async () => {
  const ben = await newPage();
  const { email: benEmail } = await signUp(ben.page, stack.baseUrl, { name: 'Ben' });

  // Ana: a project, a note with her text, an organization and a team with Ben as editor.
  const ana = await newPage();
  await signUp(ana.page, stack.baseUrl, { name: 'Ana' });
  await ana.page.fill('form[action="/projects"] input[name="name"]', 'Shared docs');
  await Promise.all([ana.page.waitForURL(/\/projects\//), ana.page.click('form[action="/projects"] button[type="submit"]')]);
  const project = new URL(ana.page.url()).pathname.split('/').pop();
  const form = ana.page.locator('form:has(select[name="kind"])');
  await form.locator('select[name="kind"]').selectOption('note');
  await form.locator('input[name="title"]').fill('Launch plan');
  await Promise.all([ana.page.waitForURL(/\/notes\//), form.locator('button[type="submit"]').click()]);
  const note = new URL(ana.page.url()).pathname.split('/').pop();
  await ana.page.waitForSelector('#note-editor[data-ready="true"] [data-testid="note-content"]');
  await ana.page.locator('[data-testid="note-content"]').click();
  await ana.page.keyboard.type('Ana wrote the first draft.');
  await saved(ana.page);

  let res = await api(ana.page, 'POST', '/api/orgs', { name: 'Acme' });
  assert.equal(res.status, 201, res.text);
  res = await api(ana.page, 'POST', `/api/orgs/${res.json.uid}/teams`, { name: 'Writers' });
  assert.equal(res.status, 201, res.text);
  const team = res.json.uid;
  res = await api(ana.page, 'PUT', `/api/teams/${team}/members/${encodeURIComponent(benEmail)}`, { role: 'editor' });
  assert.equal(res.status, 200, res.text);

  // Before the move Ben cannot open the note; after it he can.
  const before = await ben.page.goto(`${stack.baseUrl}/notes/${note}`);
  assert.equal(before.status(), 404, 'not in the team yet');
  res = await api(ana.page, 'PUT', `/api/projects/${project}/team`, { team_uid: team });
  assert.equal(res.status, 200, res.text);

  // Ben: the dashboard shows the project in the team's section; through it to the note.
  await ben.page.goto(`${stack.baseUrl}/dashboard`);
  const section = ben.page.locator(`section.project-group[data-team="${team}"]`);
  assert.match(await section.locator('.project-group-title').textContent(), /Writers/);
  await Promise.all([ben.page.waitForURL(new RegExp(`/projects/${project}`)),
    section.locator('a.project-card-link', { hasText: 'Shared docs' }).click()]);
  await Promise.all([ben.page.waitForURL(new RegExp(`/notes/${note}`)),
    ben.page.locator('a.file-card-title', { hasText: 'Launch plan' }).click()]);
  await ben.page.waitForSelector('#note-editor[data-ready="true"] [data-testid="note-content"]');
  assert.match(await editorText(ben.page), /Ana wrote the first draft\./, 'Ben sees what Ana wrote');
  const savedBy = (page) => page.locator('[data-testid="saved-by"]');
  assert.match(await savedBy(ben.page).textContent(), /^Saved by Ana (just now|\d+ minutes? ago)$/, 'the page names the last saver');
  const anaTime = await savedBy(ben.page).locator('time').getAttribute('datetime');
  assert.match(anaTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  await ben.page.locator('[data-testid="note-content"]').click();
  await ben.page.keyboard.press('Control+End');
  await ben.page.keyboard.press('Enter');
  await ben.page.keyboard.type('Ben reviewed it.');
  await saved(ben.page);
  await ben.page.waitForFunction(() => /^Saved by Ben /.test(document.querySelector('[data-testid="saved-by"]').textContent), null, { timeout: 15000 });
  assert.match(await savedBy(ben.page).textContent(), /^Saved by Ben just now$/, 'the editor names its own save');
  assert.ok(Date.parse(await savedBy(ben.page).locator('time').getAttribute('datetime')) >= Date.parse(anaTime));

  // Ana sees Ben's edit after a reload, in the editor and through the API.
  await ana.page.reload();
  await ana.page.waitForSelector('#note-editor[data-ready="true"] [data-testid="note-content"]');
  const text = await editorText(ana.page);
  assert.match(text, /Ana wrote the first draft\./);
  assert.match(text, /Ben reviewed it\./, 'Ana sees what Ben added');
  assert.match(await savedBy(ana.page).textContent(), /^Saved by Ben /, 'Ana sees who saved last');
  res = await api(ana.page, 'GET', `/api/notes/${note}`);
  assert.equal(res.status, 200);
  assert.match(res.json.content, /Ana wrote the first draft\.[\s\S]*Ben reviewed it\./);

  assert.deepEqual(ana.problems, []);
  assert.deepEqual(ben.problems, []);
});
