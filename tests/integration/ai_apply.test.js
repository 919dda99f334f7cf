// tests/integration/ai_apply.test.js — applying AI chat answers, and what the panel does to a
// chat, over the real stack and the fake provider (tests/fake_ai, behaviours sql / flow / md):
// an ERD answer's ```sql block previewed (diff + migration SQL) and applied as a new version,
// undone through history; a flowchart answer's ```json block merged by id and saved with the
// current _version (stale → 409, invalid → 422); a note answer's Markdown as sanitized HTML;
// chats renamed, made public (read anonymously at /s/chat/{token}, escaped, no script) and
// private again, deleted; votes stored; another user gets 404 for all of it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');
const { startFake } = require('../fake_ai/index.js');
const { sseRequest, textOf } = require('../lib/sse.js');

let stack, fake, alice, bob, project, userId, apply;

/** configure: alice's openai_compatible provider points at the fake, answering as `model`. */
function configure(model) {
  const provider = 'openai_compatible';
  stack.sql(`UPDATE ai_providers SET base_url = '${fake.url}/v1', is_active = true WHERE code = '${provider}';
    INSERT INTO ai_models (provider_id, model_identifier, display_name, context_window, is_active, input_price, output_price)
      SELECT id, '${model}', '${model}', 8000, true, 1.5, 6 FROM ai_providers p WHERE code = '${provider}'
        AND NOT EXISTS (SELECT 1 FROM ai_models m WHERE m.provider_id = p.id AND m.model_identifier = '${model}');
    DELETE FROM user_ai_configs WHERE user_id = '${userId}';
    INSERT INTO user_ai_configs (user_id, provider_id, selected_model_id, api_key, is_enabled)
      SELECT '${userId}', p.id, m.id, 'sk-test-apply', true FROM ai_providers p JOIN ai_models m ON m.provider_id = p.id
       WHERE p.code = '${provider}' AND m.model_identifier = '${model}';`);
}

/** ask: one chat turn as alice; {text, done} of the answer. */
async function ask(model, body) {
  configure(model);
  const r = await sseRequest(`${stack.baseUrl}/api/ai/chat`, {
    method: 'POST',
    headers: { Cookie: alice.cookieHeader(), 'Content-Type': 'application/json', 'X-CSRF-Token': alice.csrf },
    body: JSON.stringify({ session_uid: null, project_uid: project, entity_type: null, entity_uid: null,
      selection_text: null, ...body }),
  });
  assert.equal(r.status, 200, r.text);
  const done = r.events.find((e) => e.event === 'done');
  assert.ok(done, JSON.stringify(r.events.slice(-2)));
  assert.equal(done.data.status, 'complete');
  return { text: textOf(r.events), done: done.data };
}

const json = (res) => { assert.ok(res.status < 300, `${res.status} ${res.text.slice(0, 300)}`); return res.json(); };
const sql = (c, uid, preview) => c.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&mode=merge${preview ? '&preview=1' : ''}`,
  { body: preview === undefined ? '' : preview, headers: { 'Content-Type': 'text/plain' } });

test.before(async () => {
  fake = await startFake();
  stack = await startStack({ env: { CARD_AI_ALLOW_PRIVATE: '1' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
  await bob.get('/dashboard');
  project = await alice.createProject('AI apply');
  userId = stack.sql(`SELECT id FROM users WHERE email = '${alice.email}'`);
  apply = await import(path.join(__dirname, '../../static/js/ai/apply.js'));
});
test.after(() => { if (fake) fake.stop(); if (stack) stack.stop(); });

test('ERD answer: the ```sql block previews (diff + migration SQL), applies as a new version, and history undoes it', async () => {
  const uid = await alice.createFile(project, 'diagram', 'Billing');
  const { text } = await ask('fake-sql', { entity_type: 'diagram', entity_uid: uid, message: 'Add invoices' });
  const block = apply.codeBlock(text, ['sql']);
  assert.match(block, /CREATE TABLE invoices/);
  const before = await json(await alice.get(`/api/diagrams/${uid}`));
  assert.equal(before.entities.length, 0);

  const prev = await json(await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&preview=1&mode=merge`,
    { body: block, headers: { 'Content-Type': 'text/plain' } }));
  assert.deepEqual(prev.diff.tables.added, ['invoices']);
  assert.ok(prev.diff.columns.added.length === 0 || prev.diff.columns.added.some((c) => c.column === 'total'));
  assert.match(prev.migration_sql, /CREATE TABLE "?invoices"?/i, 'the preview carries the migration script');
  assert.match(prev.migration_sql, /total/);
  assert.deepEqual(apply.diffLines(prev.diff).filter((l) => l.startsWith('Added table')), ['Added table: invoices']);
  const still = await json(await alice.get(`/api/diagrams/${uid}`));
  assert.equal(still._version, before._version, 'a preview stores nothing');

  const applied = await json(await alice.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&mode=merge`,
    { body: block, headers: { 'Content-Type': 'text/plain' } }));
  const after = await json(await alice.get(`/api/diagrams/${uid}`));
  assert.ok(after._version > before._version, 'a new version');
  assert.deepEqual(after.entities.map((e) => e.name), ['invoices']);
  assert.deepEqual(after.entities[0].columns.map((c) => c.name), ['id', 'user_id', 'total']);
  assert.ok(applied.diff);

  const hist = await json(await alice.get(`/api/diagrams/${uid}/history`));
  const snap = hist.find((h) => h.change_type === 'before_import');
  assert.ok(snap, JSON.stringify(hist));
  const restored = await json(await alice.request('POST', `/api/diagrams/${uid}/restore`, { json: { version: snap.version } }));
  assert.deepEqual(restored.entities, [], 'undone: the diagram is as before the apply');
  const now = await json(await alice.get(`/api/diagrams/${uid}`));
  assert.equal(now.entities.length, 0);

  // bob cannot preview or apply into alice's diagram
  const other = await bob.request('POST', `/api/diagrams/${uid}/import?dialect=postgres&preview=1`,
    { body: block, headers: { 'Content-Type': 'text/plain' } });
  assert.equal(other.status, 404);
});

test('flowchart answer: the ```json block merges by id with the current _version; stale → 409, invalid → 422', async () => {
  const uid = await alice.createFile(project, 'flowchart', 'Flow');
  const { text } = await ask('fake-flow', { entity_type: 'flowchart', entity_uid: uid, message: 'Add a check' });
  const proposal = JSON.parse(apply.codeBlock(text, ['json']));
  const cur = await json(await alice.get(`/api/flowcharts/${uid}`));
  const n0 = cur.data.nodes.length, e0 = cur.data.edges.length;
  assert.ok(cur.data.nodes.some((n) => n.id === '1'));
  const merged = apply.mergeFlow(cur.data, proposal);
  const saved = await json(await alice.request('PUT', `/api/flowcharts/${uid}`, { json: { title: cur.title, data: merged, _version: cur._version } }));
  const got = await json(await alice.get(`/api/flowcharts/${uid}`));
  assert.equal(got._version, saved._version);
  assert.equal(got.data.nodes.length, n0 + 1);
  assert.equal(got.data.edges.length, e0 + 1);
  assert.equal(got.data.nodes.find((n) => n.id === 'ai-check').data.label, 'Check input');
  assert.deepEqual(got.data.edges.find((e) => e.id === 'ai-e1'), { id: 'ai-e1', source: 'ai-check', target: '1' });
  // merging again by id adds nothing
  assert.equal(apply.mergeFlow(got.data, proposal).nodes.length, n0 + 1);
  // stale version: the usual 409 with the current chart
  const stale = await alice.request('PUT', `/api/flowcharts/${uid}`, { json: { title: cur.title, data: merged, _version: cur._version } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json().current._version, got._version);
  // a proposal with an edge to a node that does not exist is refused by the server's check
  const bad = apply.mergeFlow(got.data, { nodes: [], edges: [{ id: 'ai-bad', source: 'ai-check', target: 'nope' }] });
  const r = await alice.request('PUT', `/api/flowcharts/${uid}`, { json: { title: got.title, data: bad, _version: got._version } });
  assert.equal(r.status, 422);
});

test('note answer: Markdown converted to sanitized note HTML for the editor', async () => {
  const uid = await alice.createFile(project, 'note', 'Notes');
  const { text } = await ask('fake-md', { entity_type: 'note', entity_uid: uid, message: 'Summarise' });
  const r = await alice.request('POST', '/api/ai/markdown', { body: `${text}\n<script>alert(1)</script>\n[x](javascript:alert(1))`, headers: { 'Content-Type': 'text/markdown' } });
  assert.equal(r.status, 200, r.text);
  const { html } = r.json();
  assert.match(html, /<h2>Summary<\/h2>/);
  assert.match(html, /<strong>important<\/strong>/);
  assert.match(html, /<li><p>one<\/p><\/li>/);
  assert.doesNotMatch(html, /<script|javascript:/i);
  assert.equal((await alice.request('POST', '/api/ai/markdown', { body: '# x', headers: { 'Content-Type': 'application/json' } })).status, 415);
  assert.equal((await bob.request('POST', '/api/ai/markdown', { body: '# x', headers: { 'Content-Type': 'text/markdown', 'X-CSRF-Token': 'wrong' } })).status, 403);
});

test('sessions: rename, public link read anonymously (escaped, no script), private again, votes, delete; another user 404', async () => {
  const { done } = await ask('fake-normal', { message: 'Hi <script>alert("x")</script> & bye' });
  const s = done.session_uid;
  const answerId = done.message_id;

  const renamed = await json(await alice.request('PATCH', `/api/ai/sessions/${s}`, { json: { title: 'Renamed <b>chat</b>' } }));
  assert.equal(renamed.title, 'Renamed <b>chat</b>');
  assert.equal(renamed.is_public, false);
  assert.equal(renamed.share_url, null);
  const list = await json(await alice.get(`/api/ai/sessions?project_uid=${project}`));
  assert.equal(list.sessions.find((x) => x.uid === s).title, 'Renamed <b>chat</b>');
  assert.equal((await alice.request('PATCH', `/api/ai/sessions/${s}`, { json: { title: '' } })).status, 422);

  const pub = await json(await alice.request('PATCH', `/api/ai/sessions/${s}`, { json: { is_public: true } }));
  assert.equal(pub.is_public, true);
  const m = /\/s\/chat\/([A-Za-z0-9_-]{43})$/.exec(pub.share_url);
  assert.ok(m, pub.share_url);
  const anon = new Client(stack.baseUrl);
  const page = await anon.get(`/s/chat/${m[1]}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /<script/i, 'no script on a public chat');
  assert.match(page.text, /Hi &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; bye/);
  assert.match(page.text, /Hello, world!/);
  assert.match(page.text, /Renamed &lt;b&gt;chat&lt;\/b&gt;/);
  assert.doesNotMatch(page.headers.get('content-security-policy'), /script-src/);
  assert.equal(page.headers.get('x-accel-expires'), null, 'the cache mark stays between nginx and the worker');
  assert.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  const again = await json(await alice.request('PATCH', `/api/ai/sessions/${s}`, { json: { is_public: true } }));
  assert.equal(again.share_url, pub.share_url, 'the token stays while public');
  const got = await json(await alice.get(`/api/ai/sessions/${s}`));
  assert.equal(got.is_public, true);
  assert.equal(got.share_url, pub.share_url);

  const priv = await json(await alice.request('PATCH', `/api/ai/sessions/${s}`, { json: { is_public: false } }));
  assert.equal(priv.share_url, null);
  // nginx's share cache keeps a page to the end of its second at most
  const t0 = Date.now();
  let dead = await anon.get(`/s/chat/${m[1]}`);
  while (dead.status === 200 && Date.now() - t0 < 2500) {
    await new Promise((r) => setTimeout(r, 100));
    dead = await anon.get(`/s/chat/${m[1]}`);
  }
  assert.equal(dead.status, 404, 'private again: the old link is dead');
  assert.ok(Date.now() - t0 < 1500, `dead within a second (${Date.now() - t0} ms)`);
  assert.equal((await anon.get('/s/chat/not-a-token')).status, 404);
  const pub2 = await json(await alice.request('PATCH', `/api/ai/sessions/${s}`, { json: { is_public: true } }));
  assert.notEqual(pub2.share_url, pub.share_url, 'made public again: a new token');

  // votes (seed 002's table): up, down, cleared; only on answers
  const vote = (c, id, v) => c.request('PUT', `/api/ai/messages/${id}/vote`, { json: { vote: v } });
  assert.equal((await vote(alice, answerId, 'up')).status, 200);
  assert.equal(stack.sql(`SELECT is_upvoted FROM ai_message_votes WHERE message_id = ${answerId}`), 't');
  assert.equal((await json(await alice.get(`/api/ai/sessions/${s}`))).messages.find((x) => x.id === answerId).vote, 'up');
  assert.equal((await vote(alice, answerId, 'down')).status, 200);
  assert.equal(stack.sql(`SELECT is_upvoted FROM ai_message_votes WHERE message_id = ${answerId}`), 'f');
  assert.equal((await vote(alice, answerId, 'sideways')).status, 422);
  const userMsg = stack.sql(`SELECT id FROM ai_chat_messages WHERE session_id = (SELECT session_id FROM ai_chat_messages WHERE id = ${answerId}) AND role = 'user'`);
  assert.equal((await vote(alice, userMsg, 'up')).status, 404, 'a question is not voted on');

  // bob: every route answers 404 and changes nothing
  assert.equal((await bob.get(`/api/ai/sessions/${s}`)).status, 404);
  assert.equal((await bob.request('PATCH', `/api/ai/sessions/${s}`, { json: { title: 'mine' } })).status, 404);
  assert.equal((await vote(bob, answerId, 'up')).status, 404);
  assert.equal((await bob.request('DELETE', `/api/ai/sessions/${s}`)).status, 404);
  assert.equal(stack.sql(`SELECT is_upvoted FROM ai_message_votes WHERE message_id = ${answerId}`), 'f');
  assert.equal(stack.sql(`SELECT title FROM ai_chat_sessions WHERE uid = '${s}'`), 'Renamed <b>chat</b>');

  assert.equal((await vote(alice, answerId, null)).status, 200);
  assert.equal(stack.sql(`SELECT count(*) FROM ai_message_votes WHERE message_id = ${answerId}`), '0');

  assert.equal((await json(await alice.request('DELETE', `/api/ai/sessions/${s}`))).deleted, true);
  assert.equal((await alice.get(`/api/ai/sessions/${s}`)).status, 404);
  assert.equal(stack.sql(`SELECT count(*) FROM ai_chat_messages WHERE id = ${answerId}`), '0');
  await new Promise((r) => setTimeout(r, 1100));     // past the share cache's second
  assert.equal((await anon.get(pub2.share_url.replace(/^.*\/s\//, '/s/'))).status, 404);
});
