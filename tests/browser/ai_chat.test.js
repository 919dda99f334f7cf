// tests/browser/ai_chat.test.js — the AI chat panel (static/js/ai/chat.js) in headless Chromium
// against the real stack and the fake provider: on a note's page, send a message, watch the
// answer grow piece by piece (the fake's slow mode), see it complete with its usage; the text
// is shown as text, never as HTML; stop ends it as a partial answer; the chat is listed.  On
// an empty diagram: generate from a description, the SQL previewed, thumbs up, apply.
// No CSP violation, no page error.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');
const { startFake } = require('../fake_ai/index.js');

let stack, browser, fake;
test.before(async () => {
  fake = await startFake();
  stack = await startStack({ env: { CARD_AI_ALLOW_PRIVATE: '1' } });
  browser = await newBrowser();
});
test.after(async () => { if (browser) await browser.close(); if (fake) fake.stop(); if (stack) stack.stop(); });

/** until: poll fn in the page (page.evaluate: the page's CSP forbids eval) until it is true. */
async function until(page, fn, timeout = 5000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await page.evaluate(fn)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${fn}`);
}

function configure(email, model) {
  const userId = stack.sql(`SELECT id FROM users WHERE email = '${email}'`);
  stack.sql(`UPDATE ai_providers SET base_url = '${fake.url}/v1' WHERE code = 'openai_compatible';
    INSERT INTO ai_models (provider_id, model_identifier, display_name, is_active)
      SELECT id, '${model}', '${model}', true FROM ai_providers p WHERE code = 'openai_compatible'
        AND NOT EXISTS (SELECT 1 FROM ai_models m WHERE m.provider_id = p.id AND m.model_identifier = '${model}');
    DELETE FROM user_ai_configs WHERE user_id = '${userId}';
    INSERT INTO user_ai_configs (user_id, provider_id, selected_model_id, api_key, is_enabled)
      SELECT '${userId}', p.id, m.id, 'sk-browser-test', true FROM ai_providers p JOIN ai_models m ON m.provider_id = p.id
       WHERE p.code = 'openai_compatible' AND m.model_identifier = '${model}';`);
}

test('send a message on a note page and watch the answer stream in', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  const { email } = await signUp(page, stack.baseUrl);
  configure(email, 'fake-slow');
  await page.fill('input[name="name"]', 'AI project');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const projectUrl = page.url();
  await page.selectOption('select[name="kind"]', 'note').catch(() => {});
  await page.fill('form[action$="/files"] input[name="title"]', 'Chat note');
  await Promise.all([page.waitForURL(/\/notes\//), page.click('form[action$="/files"] button[type="submit"]')]);

  const panel = page.locator('[data-testid="ai-chat"]');
  await panel.locator('summary').click();
  await page.fill('[data-testid="ai-chat-input"]', 'Tell me <b>something</b>');
  await page.click('[data-testid="ai-chat-send"]');
  const answer = page.locator('[data-testid="ai-msg-assistant"] .ai-msg-text').last();
  // progressively: a prefix first, the whole later
  await until(page, () => {
    const t = document.querySelector('.ai-msg-assistant:last-child .ai-msg-text')?.textContent || '';
    return t.startsWith('tok0') && !t.includes('tok19');
  });
  assert.equal(await page.locator('[data-testid="ai-msg-assistant"]').last().getAttribute('data-status'), 'streaming');
  await until(page, () => document.querySelector('.ai-msg-assistant:last-child')?.dataset.status === 'complete');
  const text = await answer.textContent();
  assert.equal(text, Array.from({ length: 20 }, (_, i) => `tok${i} `).join(''));
  assert.match(await page.locator('[data-testid="ai-msg-assistant"] .ai-msg-meta').last().textContent(), /tokens/);
  assert.equal(await page.locator('[data-testid="ai-msg-user"] .ai-msg-text b').count(), 0, 'the message is shown as text');
  assert.equal(await page.locator('[data-testid="ai-msg-user"] .ai-msg-text').last().textContent(), 'Tell me <b>something</b>');
  // the chat is listed; stop a long answer: partial
  assert.equal(await page.locator('[data-testid="ai-chat-sessions"] option').count(), 2);
  configure(email, 'fake-long');
  await page.fill('[data-testid="ai-chat-input"]', 'a long one');
  await page.click('[data-testid="ai-chat-send"]');
  await until(page, () => (document.querySelector('.ai-msg-assistant:last-child .ai-msg-text')?.textContent || '').includes('tok3'));
  await page.click('[data-testid="ai-chat-stop"]');
  await until(page, () => document.querySelector('.ai-msg-assistant:last-child')?.dataset.status === 'partial', 3000);
  // the project page has the panel too and lists the note's chat under the project
  await page.goto(projectUrl);
  await page.locator('[data-testid="ai-chat"] summary').click();
  await until(page, () => document.querySelectorAll('[data-testid="ai-chat-sessions"] option').length === 2);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('an empty diagram: generate from a description, preview the answer\'s SQL, apply it, vote', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  const { email } = await signUp(page, stack.baseUrl);
  configure(email, 'fake-sql');
  await page.fill('input[name="name"]', 'AI ERD');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  await page.selectOption('select[name="kind"]', 'diagram');
  await page.fill('form[action$="/files"] input[name="title"]', 'Billing');
  await Promise.all([page.waitForURL(/\/diagrams\//), page.click('form[action$="/files"] button[type="submit"]')]);
  const uid = page.url().split('/').pop();

  await page.locator('[data-testid="ai-chat"] summary').click();
  const generate = page.locator('[data-testid="ai-chat-generate"]');
  assert.equal(await generate.isVisible(), true, 'an empty diagram offers generation');
  await page.fill('[data-testid="ai-chat-input"]', 'invoices for users');
  await generate.click();
  // the answer completes and its SQL is previewed at once
  await until(page, () => document.querySelector('[data-testid="ai-apply-diff"]') !== null, 8000);
  const diff = await page.locator('[data-testid="ai-apply-diff"] li').allTextContents();
  assert.ok(diff.includes('Added table: invoices'), diff.join(' | '));
  assert.match(await page.locator('[data-testid="ai-apply-sql"]').textContent(), /CREATE TABLE/);
  const user = await page.locator('[data-testid="ai-msg-user"] .ai-msg-text').last().textContent();
  assert.match(user, /PostgreSQL DDL only[\s\S]*invoices for users/);
  // thumbs up is stored
  await page.click('[data-testid="ai-vote-up"]');
  await until(page, () => document.querySelector('.ai-msg-assistant:last-child')?.dataset.vote === 'up');
  assert.equal(stack.sql(`SELECT count(*) FROM ai_message_votes v JOIN ai_chat_messages m ON m.id = v.message_id
    JOIN ai_chat_sessions s ON s.id = m.session_id WHERE s.entity_uid = '${uid}' AND v.is_upvoted`), '1');
  // apply: a new version with the table; the page reloads onto it
  await Promise.all([page.waitForEvent('load', { timeout: 8000 }), page.click('[data-testid="ai-apply"]')]);
  const names = stack.sql(`SELECT string_agg(e.name, ',') FROM entities e JOIN diagrams d ON d.id = e.diagram_id WHERE d.uid = '${uid}'`);
  assert.equal(names, 'invoices');
  await until(page, () => !!document.querySelector('#erd-model') && JSON.parse(document.querySelector('#erd-model').textContent).entities.length === 1);
  assert.equal(await page.locator('[data-testid="ai-chat-generate"]').isVisible(), false, 'no longer empty');
  assert.equal(stack.sql(`SELECT count(*) FROM entity_changes h JOIN diagrams d ON h.entity_id = d.id::text
    WHERE h.entity_type = 'diagrams' AND d.uid = '${uid}' AND h.change_type = 'before_import'`), '1', 'undoable through history');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a note: the answer\'s Markdown is inserted into the editor and saved; a flowchart: the proposed nodes are added', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  const { email } = await signUp(page, stack.baseUrl);
  configure(email, 'fake-md');
  await page.fill('input[name="name"]', 'AI notes');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const projectUrl = page.url();
  await page.selectOption('select[name="kind"]', 'note');
  await page.fill('form[action$="/files"] input[name="title"]', 'Summary note');
  await Promise.all([page.waitForURL(/\/notes\//), page.click('form[action$="/files"] button[type="submit"]')]);
  const noteUid = page.url().split('/').pop();
  await until(page, () => document.getElementById('note-editor')?.dataset.ready === 'true');
  await page.locator('[data-testid="ai-chat"] summary').click();
  await page.fill('[data-testid="ai-chat-input"]', 'summarise');
  await page.click('[data-testid="ai-chat-send"]');
  await until(page, () => document.querySelector('[data-testid="ai-insert"]') !== null, 8000);
  await page.click('[data-testid="ai-insert"]');
  await until(page, () => !!document.querySelector('[data-testid="note-content"] h2'));
  assert.equal(await page.locator('[data-testid="note-content"] h2').textContent(), 'Summary');
  assert.equal(await page.locator('[data-testid="note-content"] strong').textContent(), 'important');
  // the editor saves it like any edit
  const deadline = Date.now() + 8000;
  let stored = '';
  while (Date.now() < deadline && !stored.includes('<h2>Summary</h2>')) {
    stored = stack.sql(`SELECT content FROM notes WHERE uid = '${noteUid}'`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(stored, /<h2>Summary<\/h2>/);

  configure(email, 'fake-flow');
  await page.goto(projectUrl);
  await page.selectOption('select[name="kind"]', 'flowchart');
  await page.fill('form[action$="/files"] input[name="title"]', 'Flow');
  await Promise.all([page.waitForURL(/\/flowcharts\//), page.click('form[action$="/files"] button[type="submit"]')]);
  const flowUid = page.url().split('/').pop();
  await page.locator('[data-testid="ai-chat"] summary').click();
  await page.fill('[data-testid="ai-chat-input"]', 'add a check');
  await page.click('[data-testid="ai-chat-send"]');
  await until(page, () => document.querySelector('[data-testid="ai-flow-add"]') !== null, 8000);
  await Promise.all([page.waitForEvent('load', { timeout: 8000 }), page.click('[data-testid="ai-flow-add"]')]);
  const data = JSON.parse(stack.sql(`SELECT data FROM flowcharts WHERE uid = '${flowUid}'`));
  assert.equal(data.nodes.find((n) => n.id === 'ai-check').data.label, 'Check input');
  assert.ok(data.edges.some((e) => e.id === 'ai-e1' && e.target === '1'));
  assert.deepEqual(problems, []);
  await ctx.close();
});
