// tests/integration/ai_chat.test.js — AI chat over the real stack and the fake provider
// (tests/fake_ai): Server-Sent Events on the stream worker, OpenAI and Gemini wire formats,
// deltas in order and as they come, the stored answer and usage, errors (HTTP, malformed, cut)
// with the partial answer kept, split UTF-8, stop and closed tab cancelling the provider call
// within a second, resume, limits before any provider call, the key in no log, loopback refused
// without CARD_AI_ALLOW_PRIVATE (allowed by CARD_AI_NETWORKS), and 50 chats streaming while pages
// stay fast, the stream worker's threads sharing a few database sessions.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');
const { startFake } = require('../fake_ai/index.js');
const { sseRequest, textOf } = require('../lib/sse.js');

const KEY = 'sk-test-VERYSECRET-0123456789abcdef';
let stack, fake, alice, project, userId;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** configure: alice's AI provider is `provider` pointing at the fake, with `model` selected. */
function configure(model, provider = 'openai_compatible') {
  const base = provider === 'gemini' ? `${fake.url}/v1beta` : `${fake.url}/v1`;
  stack.sql(`UPDATE ai_providers SET base_url = '${base}', is_active = true WHERE code = '${provider}';
    INSERT INTO ai_models (provider_id, model_identifier, display_name, context_window, is_active, input_price, output_price)
      SELECT id, '${model}', '${model}', 8000, true, 1.5, 6 FROM ai_providers p WHERE code = '${provider}'
        AND NOT EXISTS (SELECT 1 FROM ai_models m WHERE m.provider_id = p.id AND m.model_identifier = '${model}');
    DELETE FROM user_ai_configs WHERE user_id = '${userId}';
    INSERT INTO user_ai_configs (user_id, provider_id, selected_model_id, api_key, is_enabled)
      SELECT '${userId}', p.id, m.id, '${KEY}', true FROM ai_providers p JOIN ai_models m ON m.provider_id = p.id
       WHERE p.code = '${provider}' AND m.model_identifier = '${model}';`);
}

function chat(body, opts = {}) {
  return sseRequest(`${stack.baseUrl}/api/ai/chat`, {
    method: 'POST',
    headers: { Cookie: alice.cookieHeader(), 'Content-Type': 'application/json', 'X-CSRF-Token': alice.csrf },
    body: JSON.stringify({ session_uid: null, project_uid: project, entity_type: null, entity_uid: null,
      selection_text: null, ...body }),
  }, opts);
}

const last = (events) => events[events.length - 1];
const message = (id) => JSON.parse(stack.sql(`SELECT row_to_json(m) FROM ai_chat_messages m WHERE id = ${id}`));
const lastFake = async () => { const s = await fake.stats(); return s.log[s.log.length - 1]; };

test.before(async () => {
  fake = await startFake();
  stack = await startStack({ env: { CARD_AI_ALLOW_PRIVATE: '1', CARD_STREAM_THREADS: '64', CARD_STREAM_DB_CONNECTIONS: '4' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  project = await alice.createProject('AI tests');
  userId = stack.sql(`SELECT id FROM users WHERE email = '${alice.email}'`);
});
test.after(() => { if (fake) fake.stop(); if (stack) stack.stop(); });

test('OpenAI format: start, deltas in order, done with the usage the provider reported, all stored', async () => {
  configure('fake-normal');
  const r = await chat({ message: 'Say hello' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/event-stream/);
  assert.deepEqual(r.events.map((e) => e.event), ['start', 'delta', 'delta', 'delta', 'delta', 'done']);
  assert.equal(textOf(r.events), 'Hello, world!');
  const done = last(r.events).data;
  const f = await lastFake();
  assert.equal(f.auth, `Bearer ${KEY}`, 'the key goes in the Authorization header');
  assert.ok(!f.path.includes(KEY));
  assert.deepEqual(done.usage, { input_tokens: f.usage.input, output_tokens: f.usage.output });
  assert.equal(done.status, 'complete');
  const m = message(done.message_id);
  assert.equal(m.content, 'Hello, world!');
  assert.equal(m.status, 'complete');
  assert.equal(m.input_tokens, f.usage.input);
  assert.equal(m.output_tokens, f.usage.output);
  assert.equal(m.estimated, false);
  assert.equal(Number(m.cost), Number(done.cost));
  assert.ok(Number(done.cost) > 0, 'priced at 1.5 / 6 per million');
  assert.equal(stack.sql(`SELECT count(*) FROM ai_usage WHERE message_id = ${done.message_id}`), '1');
  const user = stack.sql(`SELECT content FROM ai_chat_messages WHERE session_id = (SELECT session_id FROM ai_chat_messages WHERE id = ${done.message_id}) AND role = 'user'`);
  assert.equal(user, 'Say hello');
  // the second turn of the same chat sends the history
  const r2 = await chat({ message: 'Again', session_uid: done.session_uid });
  assert.equal(last(r2.events).event, 'done');
  const msgs = (await lastFake()).messages;
  assert.deepEqual(msgs.slice(1).map((x) => x.content), ['Say hello', 'Hello, world!', 'Again']);
  assert.equal(msgs[0].role, 'system');
});

test('the prompt: the file in view (diagram as DDL, note as Markdown, flowchart as nodes and edges, drawing as its text), the view\'s rules, the selection; another user\'s file adds nothing', async () => {
  configure('fake-normal');
  const ok = (r) => { assert.ok(r.status < 300, `${r.status} ${r.text}`); return r.json(); };
  const diagram = await alice.createFile(project, 'diagram', 'Shop');
  ok(await alice.request('POST', `/api/diagrams/${diagram}/import?dialect=postgres&mode=merge`, {
    body: 'CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);\n' +
      'CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id));',
    headers: { 'Content-Type': 'text/plain' } }));
  const note = await alice.createFile(project, 'note', 'Plan');
  const nv = ok(await alice.get(`/api/notes/${note}`))._version;
  ok(await alice.request('PUT', `/api/notes/${note}`, { json: { title: 'Plan', content: '<h2>Launch</h2><p>Ship <strong>orders</strong> first</p>', _version: nv } }));
  const flow = await alice.createFile(project, 'flowchart', 'Checkout');
  const drawing = await alice.createFile(project, 'drawing', 'Sketch');
  const dv = ok(await alice.get(`/api/drawings/${drawing}`))._version;
  ok(await alice.request('PUT', `/api/drawings/${drawing}`, { json: { _version: dv, data: { elements: [
    { id: 't1', type: 'text', x: 0, y: 0, width: 100, height: 25, angle: 0, text: 'Cart service', fontSize: 20,
      fontFamily: 1, strokeColor: '#1e1e1e', backgroundColor: 'transparent', opacity: 100, isDeleted: false }],
  appState: {}, files: {} } } }));
  assert.equal((await alice.postForm('/settings/ai/rules', { content_erd: 'Use snake_case.', enabled_erd: '1' })).status, 303);
  const systemFor = async (body) => {
    const r = await chat({ message: 'What is here?', ...body });
    assert.equal(last(r.events).event, 'done', JSON.stringify(last(r.events)));
    const f = await lastFake();
    assert.equal(f.messages[0].role, 'system');
    assert.equal(f.messages[f.messages.length - 1].content, 'What is here?');
    return f.messages[0].content;
  };
  const erd = await systemFor({ entity_type: 'diagram', entity_uid: diagram, selection_text: 'orders.customer_id' });
  assert.match(erd, /The diagram "Shop" as PostgreSQL DDL:\n```sql\n/);
  assert.match(erd, /CREATE TABLE "?customers"?/);
  assert.match(erd, /CREATE TABLE "?orders"?/);
  assert.match(erd, /REFERENCES "?customers"?/);
  assert.match(erd, /The user's rules for this view:\nUse snake_case\./);
  assert.match(erd, /The user selected this part of the file:\norders\.customer_id$/);
  const md = await systemFor({ entity_type: 'note', entity_uid: note });
  assert.match(md, /The note "Plan" as Markdown:\n````markdown\n## Launch\n\nShip \*\*orders\*\* first/);
  assert.doesNotMatch(md, /snake_case/, 'the rules of another view are not sent');
  const fl = await systemFor({ entity_type: 'flowchart', entity_uid: flow });
  assert.match(fl, /The flowchart "Checkout" as nodes and edges:\nNodes:\n- \S+ \[/);
  assert.match(fl, /\nEdges:\n/);
  const dr = await systemFor({ entity_type: 'drawing', entity_uid: drawing });
  assert.match(dr, /The drawing "Sketch"; its text elements:\n- Cart service/);
  // another user's diagram (by its uid) gives no context, and the turn still answers
  const bob = new Client(stack.baseUrl);
  await bob.signup();
  const bobs = await bob.createFile(await bob.createProject('Private'), 'diagram', 'Secret payroll');
  const none = await systemFor({ entity_type: 'diagram', entity_uid: bobs });
  assert.doesNotMatch(none, /Secret payroll|CREATE TABLE/);
  assert.doesNotMatch(none, /The diagram/);
});

test('slow stream: deltas arrive progressively, not in one burst', async () => {
  configure('fake-slow');
  const r = await chat({ message: 'slowly' });
  const deltas = r.events.filter((e) => e.event === 'delta');
  assert.equal(deltas.length, 20);
  assert.equal(last(r.events).event, 'done');
  const span = deltas[19].t - deltas[0].t;
  assert.ok(span >= 700, `20 pieces 50 ms apart came within ${span} ms`);
  const gaps = deltas.slice(1).map((d, i) => d.t - deltas[i].t);
  assert.ok(gaps.filter((g) => g >= 20).length >= 15, `gaps ${gaps}`);
});

test('Gemini format: key in x-goog-api-key, text from candidates, usageMetadata stored', async () => {
  configure('gem-fake-normal', 'gemini');
  const r = await chat({ message: 'hi gemini' });
  assert.equal(textOf(r.events), 'Hello, world!');
  const done = last(r.events);
  assert.equal(done.event, 'done');
  const f = await lastFake();
  assert.equal(f.wire, 'gemini');
  assert.equal(f.key_header, KEY);
  assert.equal(f.auth, null);
  assert.match(f.path, /\/v1beta\/models\/gem-fake-normal:streamGenerateContent\?alt=sse$/);
  assert.ok(f.system, 'the system prompt goes in systemInstruction');
  assert.deepEqual(done.data.usage, { input_tokens: f.usage.input, output_tokens: f.usage.output });
  configure('gem-fake-usage', 'gemini');
  const u = await chat({ message: 'usage alone' });
  assert.equal(last(u.events).event, 'done');
  assert.equal(last(u.events).data.usage.output_tokens, 4);
});

test('usage-only last chunk and split UTF-8 characters are reassembled', async () => {
  configure('fake-utf8');
  const r = await chat({ message: 'unicode' });
  assert.equal(textOf(r.events), 'h\u00e9llo w\u00f6rld \u{1F600} \u65e5\u672c');
  assert.ok(!textOf(r.events).includes('\ufffd'));
  assert.equal(message(last(r.events).data.message_id).content, 'h\u00e9llo w\u00f6rld \u{1F600} \u65e5\u672c');
  configure('fake-usage');
  const u = await chat({ message: 'usage' });
  assert.equal(last(u.events).data.estimated, false);
  assert.equal(last(u.events).data.usage.output_tokens, 4);
});

for (const [model, re] of [['fake-401', /API key.*401/], ['fake-429', /429/], ['fake-500', /error.*500/], ['fake-404', /model.*fake-404.*404/]]) {
  test(`provider ${model.slice(5)}: a clear error event, the key never shown, nothing partial`, async () => {
    configure(model);
    const r = await chat({ message: 'fail' });
    const ev = last(r.events);
    assert.equal(ev.event, 'error');
    assert.match(ev.data.message, re);
    assert.ok(!ev.data.message.includes(KEY) && !ev.data.message.includes('VERYSECRET'));
    assert.equal(message(ev.data.message_id).status, 'failed');
  });
}

for (const model of ['fake-malformed', 'fake-cut']) {
  test(`${model.slice(5)} stream: error event, the partial answer kept with estimated tokens`, async () => {
    configure(model);
    const r = await chat({ message: 'break' });
    const ev = last(r.events);
    assert.equal(ev.event, 'error');
    assert.match(ev.data.message, model === 'fake-cut' ? /dropped/ : /malformed/);
    const m = message(ev.data.message_id);
    assert.equal(m.status, 'partial');
    assert.equal(m.content, textOf(r.events));
    assert.ok(m.content.startsWith('Hello'));
    assert.equal(m.estimated, true);
    assert.equal(m.output_tokens, Math.ceil(Buffer.byteLength(m.content) / 4));
  });
}

test('stop cancels the provider call within 1 s and stores the partial answer', async () => {
  configure('fake-long');
  let stoppedAt = 0;
  const r = await chat({ message: 'long' }, {
    onEvent: (ev, events) => {
      if (events.filter((e) => e.event === 'delta').length === 3 && !stoppedAt) {
        stoppedAt = Date.now();
        alice.request('POST', `/api/ai/chat/${events[0].data.message_id}/stop`).then((res) => assert.equal(res.status, 200));
      }
    },
  });
  const ev = last(r.events);
  assert.equal(ev.event, 'done');
  assert.equal(ev.data.status, 'partial');
  const f = await lastFake();
  assert.equal(f.closed, true, 'the fake saw the connection close before the end');
  assert.ok(f.closedAt - stoppedAt < 1000, `closed ${f.closedAt - stoppedAt} ms after stop`);
  const m = message(ev.data.message_id);
  assert.equal(m.status, 'partial');
  assert.equal(m.content, textOf(r.events));
});

test('a closed tab cancels the provider call within 1 s; the partial answer is stored', async () => {
  configure('fake-long');
  const ac = new AbortController();
  let abortedAt = 0, id = 0;
  await chat({ message: 'close me' }, {
    signal: ac.signal,
    onEvent: (ev, events) => {
      if (ev.event === 'start') id = ev.data.message_id;
      if (events.filter((e) => e.event === 'delta').length === 3 && !abortedAt) { abortedAt = Date.now(); ac.abort(); }
    },
  });
  let f;
  for (let i = 0; i < 40; i++) { f = await lastFake(); if (f.closed) break; await sleep(50); }
  assert.equal(f.closed, true);
  assert.ok(f.closedAt - abortedAt < 1000, `closed ${f.closedAt - abortedAt} ms after the tab`);
  let m;
  for (let i = 0; i < 40; i++) { m = message(id); if (m.status) break; await sleep(50); }
  assert.equal(m.status, 'partial');
  assert.ok(m.content.startsWith('tok0 tok1 tok2'));
});

// The turn's rows (the session, the user's message, the empty answer) are written while the
// provider is already being called: they must be stored whatever the provider or the client does.
const userMessageOf = (answerId) => stack.sql(`SELECT content FROM ai_chat_messages WHERE role = 'user'
  AND session_id = (SELECT session_id FROM ai_chat_messages WHERE id = ${answerId})`);
const sessionOf = (answerId) => stack.sql(`SELECT s.uid FROM ai_chat_sessions s
  JOIN ai_chat_messages m ON m.session_id = s.id WHERE m.id = ${answerId}`);
let failedSession = null;

test('the session and the user message are stored when the provider answers 500 at once', async () => {
  configure('fake-500');
  const r = await chat({ message: 'kept despite a 500' });
  const start = r.events[0];
  assert.equal(start.event, 'start');
  const ev = last(r.events);
  assert.equal(ev.event, 'error');
  assert.match(ev.data.message, /500/);
  assert.equal(ev.data.message_id, start.data.message_id);
  assert.equal(sessionOf(ev.data.message_id), start.data.session_uid, 'the new session is stored');
  assert.equal(userMessageOf(ev.data.message_id), 'kept despite a 500');
  assert.equal(message(ev.data.message_id).status, 'failed');
  failedSession = start.data.session_uid;
});

test('the user message is stored when the client disconnects before the first token', async () => {
  configure('fake-late');   // the first piece after 1 s
  const ac = new AbortController();
  let start = null, deltas = 0;
  await chat({ message: 'gone before the answer', session_uid: failedSession }, {
    signal: ac.signal,
    onEvent: (ev) => {
      if (ev.event === 'delta') deltas++;
      if (ev.event === 'start' && !start) { start = ev.data; ac.abort(); }
    },
  });
  assert.ok(start, 'the start event came');
  assert.equal(deltas, 0);
  assert.equal(start.session_uid, failedSession, 'the same chat');
  let status = '';
  for (let i = 0; i < 60 && !status; i++) {
    status = stack.sql(`SELECT COALESCE(status, '') FROM ai_chat_messages WHERE id = ${start.message_id}`);
    if (!status) await sleep(50);
  }
  assert.equal(status, 'failed', 'the answer row is stored and closed');
  assert.equal(sessionOf(start.message_id), failedSession);
  assert.equal(stack.sql(`SELECT string_agg(content, '|' ORDER BY id) FROM ai_chat_messages
    WHERE role = 'user' AND session_id = (SELECT session_id FROM ai_chat_messages WHERE id = ${start.message_id})`),
    'kept despite a 500|gone before the answer');
  let f;
  for (let i = 0; i < 40; i++) { f = await lastFake(); if (f.closed) break; await sleep(50); }
  assert.equal(f.closed, true, 'the provider call was cancelled');
});

test('resume: a second connection follows the live answer from Last-Event-ID, later the stored whole', async () => {
  configure('fake-slow');
  let follow = null;
  const first = await chat({ message: 'resume me' }, {
    onEvent: (ev, events) => {
      const deltas = events.filter((e) => e.event === 'delta');
      if (deltas.length === 5 && !follow) {
        follow = sseRequest(`${stack.baseUrl}/api/ai/chat/${events[0].data.message_id}/stream`, {
          headers: { Cookie: alice.cookieHeader(), 'Last-Event-ID': deltas[4].id },
        });
      }
    },
  });
  const full = textOf(first.events);
  const deltas = first.events.filter((e) => e.event === 'delta');
  const resumed = await follow;
  assert.equal(resumed.status, 200);
  assert.equal(deltas.slice(0, 5).map((d) => d.data.text).join('') + textOf(resumed.events), full);
  assert.ok(resumed.events.filter((e) => e.event === 'delta').length > 3, 'followed live, piece by piece');
  assert.equal(last(resumed.events).event, 'done');
  const id = first.events[0].data.message_id;
  const stored = await sseRequest(`${stack.baseUrl}/api/ai/chat/${id}/stream`, { headers: { Cookie: alice.cookieHeader() } });
  assert.equal(textOf(stored.events), full);
  assert.equal(last(stored.events).data.status, 'complete');
  const mid = await sseRequest(`${stack.baseUrl}/api/ai/chat/${id}/stream`, { headers: { Cookie: alice.cookieHeader(), 'Last-Event-ID': deltas[9].id } });
  assert.equal(textOf(mid.events), full.slice(Buffer.from(full).subarray(0, Number(deltas[9].id)).toString().length));
  const other = new Client(stack.baseUrl);
  await other.signup();
  const res = await other.get(`/api/ai/chat/${id}/stream`);
  assert.equal(res.status, 404, "another user's answer is not found");
});

test('over the limit: 429 with Retry-After before any provider call', async () => {
  configure('fake-normal');
  const used = Number(stack.sql(`SELECT count(*) FROM ai_usage WHERE user_id = '${userId}' AND created_at > now() - interval '1 hour'`));
  stack.sql(`INSERT INTO ai_user_limits (user_id, requests_per_hour) VALUES ('${userId}', ${used})
             ON CONFLICT (user_id) DO UPDATE SET requests_per_hour = EXCLUDED.requests_per_hour`);
  const before = (await fake.stats()).requests;
  const r = await chat({ message: 'too many' });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  assert.equal(r.json.error, 'rate_limited');
  assert.equal((await fake.stats()).requests, before, 'the provider was not called');
  stack.sql(`DELETE FROM ai_user_limits WHERE user_id = '${userId}'`);
});

test('the sign-in is checked with the first reads (one round trip) and refuses exactly as before', async () => {
  configure('fake-normal');
  const post = (headers, body) => sseRequest(`${stack.baseUrl}/api/ai/chat`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? JSON.stringify({ project_uid: project, message: 'auth?' }) : body,
  });
  const sessions = () => Number(stack.sql(`SELECT count(*) FROM ai_chat_sessions WHERE user_id = '${userId}'`));
  const before = { requests: (await fake.stats()).requests, sessions: sessions() };
  // no cookie and no token: 403 (the CSRF check comes first, as on every route); a visitor's
  // pre-session token without a session, or with a forged session cookie (a valid JSON body,
  // then a malformed one, then an invalid one): 401, never 400 or 422
  assert.equal((await post({})).status, 403);
  const anon = new Client(stack.baseUrl);
  await anon.get('/login');
  assert.ok(anon.csrf && anon.cookies.size, 'a pre-session token');
  const forged = `${anon.cookieHeader()}; sid=${'A'.repeat(43)}`;
  for (const [cookie, body] of [[anon.cookieHeader(), undefined], [forged, undefined], [forged, '{not json'],
    [forged, JSON.stringify({ message: '' })]]) {
    const r = await post({ Cookie: cookie, 'X-CSRF-Token': anon.csrf }, body);
    assert.equal(r.status, 401, `${cookie} ${body}`);
    assert.equal(r.events.length, 0);
  }
  // alice's session without the CSRF token, or with another token: 403, whatever the body says
  for (const [token, body] of [[null, undefined], ['x'.repeat(40), undefined], [null, '{not json']]) {
    const headers = { Cookie: alice.cookieHeader() };
    if (token) headers['X-CSRF-Token'] = token;
    const r = await post(headers, body);
    assert.equal(r.status, 403, `csrf ${token} ${body}`);
    assert.match(r.text, /expired|another site/);
  }
  // signed in, malformed: 400 and 422 as before
  const auth = { Cookie: alice.cookieHeader(), 'X-CSRF-Token': alice.csrf };
  assert.equal((await post(auth, '{not json')).status, 400);
  assert.equal((await post(auth, JSON.stringify({ project_uid: project, message: '' }))).status, 422);
  assert.equal((await fake.stats()).requests, before.requests, 'the provider was never called');
  assert.equal(sessions(), before.sessions, 'nothing was stored');
  // a session idle for two minutes is touched (last_seen_at) and the answer streams
  const sid = alice.cookies.get('sid');
  const hash = require('crypto').createHash('sha256').update(sid).digest('hex');
  stack.sql(`UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE token = '${hash}'`);
  const ok = await chat({ message: 'still here' });
  assert.equal(last(ok.events).event, 'done');
  assert.ok(Number(stack.sql(`SELECT extract(epoch FROM now() - last_seen_at) FROM sessions WHERE token = '${hash}'`)) < 30,
    'last_seen_at was written');
  // an expired session: refused as on every route (its CSRF token died with it: 403), nothing
  // it read used, nothing stored
  const bob = new Client(stack.baseUrl);
  await bob.signup();
  const bobId = stack.sql(`SELECT id FROM users WHERE email = '${bob.email}'`);
  const bobProject = await bob.createProject('bob');
  const bobHash = require('crypto').createHash('sha256').update(bob.cookies.get('sid')).digest('hex');
  stack.sql(`UPDATE sessions SET last_seen_at = now() - interval '400 days', created_at = now() - interval '400 days' WHERE token = '${bobHash}'`);
  const r = await post({ Cookie: bob.cookieHeader(), 'X-CSRF-Token': bob.csrf }, JSON.stringify({ project_uid: bobProject, message: 'hi' }));
  assert.equal(r.status, 403);
  assert.equal(stack.sql(`SELECT count(*) FROM ai_chat_sessions WHERE user_id = '${bobId}'`), '0');
  assert.equal((await fake.stats()).requests, before.requests + 1, 'only alice\'s answer called the provider');
});

test('50 chats stream at once while GET /dashboard keeps answering, on a few database sessions', async () => {
  configure('fake-slow');
  const sessions = () => Number(stack.sql(`SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'`));
  const chats = Array.from({ length: 50 }, (_, i) => chat({ message: `concurrent ${i}` }));
  // pages are answered while every stream is still open: count the dashboards served before the
  // first answer ends (each answer takes at least 20 tokens × 50 ms); an ordering, not a timing
  let anyDone = false;
  Promise.race(chats).then(() => { anyDone = true; }, () => { anyDone = true; });
  const times = [];
  while (!anyDone) {
    const s = Date.now();
    const res = await alice.get('/dashboard');
    assert.equal(res.status, 200);
    if (!anyDone) times.push(Date.now() - s);
    await sleep(20);
  }
  const results = await Promise.all(chats);
  for (const r of results) {
    assert.equal(last(r.events).event, 'done');
    assert.equal(r.events.filter((e) => e.event === 'delta').length, 20);
  }
  console.log(`# dashboard while 50 chats stream: ${times.length} answers, ms ${times.join(' ')}`);
  assert.ok(times.length >= 1, `no dashboard was answered while the streams were open`);
  // 50 answers held open, yet the stream worker used at most its 4 pooled sessions (plus the
  // page workers', the task runner's and this query's): not one per answer
  assert.ok(sessions() < 30, `${sessions()} database sessions`);
});

test('the key is in no log line and not stored in plaintext', () => {
  const dir = path.join(stack.varDir, 'log');
  for (const f of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    assert.ok(!text.includes('VERYSECRET'), `${f} holds the key`);
  }
  assert.match(stack.sql(`SELECT api_key FROM user_ai_configs WHERE user_id = '${userId}'`), /^v1:/);
  assert.match(stack.appLog(), /ai: message=\d+ provider=openai_compatible model=fake-slow status=complete/);
});

/** chatOnOwnStack: a fresh stack with env, bob's provider at the fake (127.0.0.1), one chat;
 * answers the last event, the fake's request count before and after, and the app log. */
async function chatOnOwnStack(env) {
  const other = await startStack({ env });
  try {
    const bob = new Client(other.baseUrl);
    await bob.signup();
    const proj = await bob.createProject('p');
    const bobId = other.sql(`SELECT id FROM users WHERE email = '${bob.email}'`);
    other.sql(`UPDATE ai_providers SET base_url = '${fake.url}/v1', is_active = true WHERE code = 'openai_compatible';
      INSERT INTO ai_models (provider_id, model_identifier, display_name, is_active)
        SELECT id, 'fake-normal', 'f', true FROM ai_providers WHERE code = 'openai_compatible';
      INSERT INTO user_ai_configs (user_id, provider_id, selected_model_id, api_key, is_enabled)
        SELECT '${bobId}', p.id, m.id, '${KEY}', true FROM ai_providers p JOIN ai_models m ON m.provider_id = p.id
         WHERE p.code = 'openai_compatible' AND m.model_identifier = 'fake-normal';`);
    const before = (await fake.stats()).requests;
    const r = await sseRequest(`${other.baseUrl}/api/ai/chat`, {
      method: 'POST',
      headers: { Cookie: bob.cookieHeader(), 'Content-Type': 'application/json', 'X-CSRF-Token': bob.csrf },
      body: JSON.stringify({ project_uid: proj, message: 'hi' }),
    });
    return { r, ev: last(r.events), before, after: (await fake.stats()).requests, log: other.appLog() };
  } finally {
    other.stop();
  }
}

test('without CARD_AI_ALLOW_PRIVATE a provider on 127.0.0.1 is refused, never called; the message says why', async () => {
  const { ev, before, after, log } = await chatOnOwnStack({});
  assert.equal(ev.event, 'error');
  assert.match(ev.data.message, /address 127\.0\.0\.1 is refused: it is a loopback address/);
  assert.match(ev.data.message, /CARD_AI_NETWORKS \(e\.g\. 127\.0\.0\.1\/32\)/);
  assert.ok(!ev.data.message.includes('VERYSECRET'));
  assert.equal(after, before, 'the fake provider was never called');
  assert.match(log, /ai: The AI provider's address 127\.0\.0\.1 is refused/);
  assert.ok(!log.includes('VERYSECRET'));
});

test('CARD_AI_NETWORKS=127.0.0.0/8 allows the fake provider without CARD_AI_ALLOW_PRIVATE; 10.0.0.0/8 does not', async () => {
  const allowed = await chatOnOwnStack({ CARD_AI_NETWORKS: '127.0.0.0/8' });
  assert.equal(allowed.ev.event, 'done', JSON.stringify(allowed.ev));
  assert.equal(textOf(allowed.r.events), 'Hello, world!');
  assert.equal(allowed.after, allowed.before + 1);
  const other = await chatOnOwnStack({ CARD_AI_NETWORKS: '10.0.0.0/8' });
  assert.equal(other.ev.event, 'error');
  assert.match(other.ev.data.message, /127\.0\.0\.1 is refused: it is a loopback address/);
  assert.equal(other.after, other.before);
});
