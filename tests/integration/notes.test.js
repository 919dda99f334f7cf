// tests/integration/notes.test.js — notes over the real stack: the JSON API (load/save with
// optimistic locking, 409 with nothing written, 422, 413, 404 across users), hostile HTML stored
// sanitized, export as HTML and Markdown, Markdown import, image attachments (upload, serve,
// 404 for others, 415 for other types, 422 for bytes that are not the image, 413 over 5 MB)
// and the note page read without JavaScript (content, TOC, editor mount, import form).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, alice, bob, project;
test.before(async () => {
  stack = await startStack();
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
  project = await alice.createProject('Notes tests');
});
test.after(() => stack && stack.stop());

const api = (uid) => `/api/notes/${uid}`;
const newNote = (title = 'Note') => alice.createFile(project, 'note', title);
const put = (client, uid, body) => client.request('PUT', api(uid), { json: body });

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

const TIPTAP = '<h2>Plan</h2><p style="text-align: center">Some <strong>bold</strong>, ' +
  '<span style="color: #958DF1">colour</span> and a <a target="_blank" rel="noopener noreferrer nofollow" ' +
  'href="https://example.com/a?b=1&amp;c=2">link</a>.</p><ul data-type="taskList"><li data-checked="true" ' +
  'data-type="taskItem"><label><input type="checkbox" checked="checked"><span></span></label><div><p>done</p>' +
  '</div></li></ul><table style="min-width: 50px"><colgroup><col style="min-width: 25px"><col style="min-width: 25px">' +
  '</colgroup><tbody><tr><th colspan="1" rowspan="1"><p>a</p></th><th colspan="1" rowspan="1"><p>b</p></th></tr>' +
  '</tbody></table><pre><code class="language-sql">select 1;</code></pre><h3>Next</h3><p>two words</p>';

test('GET answers the API shape; PUT saves with a new _version; TipTap HTML is stored unchanged', async () => {
  const uid = await newNote('First');
  const g = await alice.get(api(uid));
  assert.equal(g.status, 200);
  const doc = g.json();
  assert.deepEqual(Object.keys(doc).sort(), ['_version', 'content', 'title', 'uid', 'updated_at', 'updated_by_name']);
  assert.equal(doc.uid, uid);
  assert.ok(typeof doc.updated_by_name === 'string' && doc.updated_by_name.length > 0, 'the creator is the last saver');
  const p = await put(alice, uid, { title: ' Renamed ', content: TIPTAP, _version: doc._version });
  assert.equal(p.status, 200, p.text);
  const saved = p.json();
  assert.equal(saved._version, doc._version + 1);
  assert.equal(saved.title, 'Renamed');
  const again = (await alice.get(api(uid))).json();
  assert.equal(again.content, TIPTAP);
  assert.equal(again._version, saved._version);
});

test('a stale PUT is a 409 carrying the current note, and writes nothing', async () => {
  const uid = await newNote('Stale');
  const v0 = (await alice.get(api(uid))).json()._version;
  assert.equal((await put(alice, uid, { title: 'A', content: '<p>first</p>', _version: v0 })).status, 200);
  const stale = await put(alice, uid, { title: 'B', content: '<p>second</p>', _version: v0 });
  assert.equal(stale.status, 409);
  const body = stale.json();
  assert.equal(body.error, 'conflict');
  assert.equal(body.current.content, '<p>first</p>');
  assert.equal(body.current._version, v0 + 1);
  const now = (await alice.get(api(uid))).json();
  assert.equal(now.title, 'A');
  assert.equal(now.content, '<p>first</p>');
});

test('invalid saves are 422, over 10 MB 413, nothing written', async () => {
  const uid = await newNote('Invalid');
  const v = (await alice.get(api(uid))).json()._version;
  for (const body of [
    { title: '', content: '<p>x</p>', _version: v },
    { title: 'x'.repeat(201), content: '<p>x</p>', _version: v },
    { title: 'ok', content: 42, _version: v },
    { title: 'ok', content: '<p>x</p>' },
    { title: 'ok', content: '<p>x</p>', _version: 'one' },
    // nesting that would keep the HTML parser busy for seconds (quadratic in depth)
    { title: 'ok', content: '<div>'.repeat(40000) + 'deep', _version: v },
  ]) {
    const r = await put(alice, uid, body);
    assert.equal(r.status, 422, JSON.stringify(body).slice(0, 80));
    assert.equal(r.json().error, 'invalid');
  }
  const big = await put(alice, uid, { title: 'big', content: '<p>' + 'a'.repeat(10 * 1024 * 1024) + '</p>', _version: v });
  assert.equal(big.status, 413);
  const now = (await alice.get(api(uid))).json();
  assert.equal(now._version, v);
  assert.equal(now.title, 'Invalid');
});

test("another user's note is a 404 for every route", async () => {
  const uid = await newNote('Private');
  const v = (await alice.get(api(uid))).json()._version;
  assert.equal((await bob.get(api(uid))).status, 404);
  assert.equal((await put(bob, uid, { title: 'mine', content: '<p>x</p>', _version: v })).status, 404);
  assert.equal((await bob.get(`${api(uid)}/export?format=md`)).status, 404);
  const imp = await bob.request('POST', `${api(uid)}/import?version=${v}`, { body: '# x', headers: { 'Content-Type': 'text/markdown' } });
  assert.equal(imp.status, 404);
  assert.equal((await bob.get(`/notes/${uid}`)).status, 404);
  const up = await bob.request('POST', `${api(uid)}/attachments`, { body: PNG, headers: { 'Content-Type': 'image/png' } });
  assert.equal(up.status, 404);
  assert.equal((await alice.get(api(uid))).json().title, 'Private');
});

test('hostile HTML is stored sanitized', async () => {
  const uid = await newNote('Hostile');
  const v = (await alice.get(api(uid))).json()._version;
  const hostile = '<p>ok<script>alert(1)</script><img src=x onerror=alert(2)>' +
    '<a href="jav&#x09;ascript:alert(3)">l</a><a href="https://x.test" onclick="alert(4)">m</a></p>' +
    '<iframe src="https://evil.test"></iframe><svg><script>alert(5)</script></svg>' +
    '<img src="data:image/png;base64,AAAA"><p style="color: red; background: url(javascript:alert(6))">s</p>';
  assert.equal((await put(alice, uid, { title: 'Hostile', content: hostile, _version: v })).status, 200);
  const stored = (await alice.get(api(uid))).json().content;
  assert.equal(stored, '<p>ok<a href="https://x.test">m</a>l</p><p>s</p>'.replace('<a href="https://x.test">m</a>l', 'l<a href="https://x.test">m</a>'));
  assert.doesNotMatch(stored, /script|onerror|onclick|javascript|iframe|svg|data:|url\(/i);
});

test('export as HTML and Markdown downloads with a safe file name', async () => {
  const uid = await newNote('Export');
  const v = (await alice.get(api(uid))).json()._version;
  assert.equal((await put(alice, uid, { title: 'Q3 "plan"/../x', content: TIPTAP, _version: v })).status, 200);
  const h = await alice.get(`${api(uid)}/export?format=html`);
  assert.equal(h.status, 200);
  assert.match(h.headers.get('content-type'), /^text\/html/);
  // one rule for every download name (files.h file_download_name): [A-Za-z0-9._-], runs of others one '_'
  assert.equal(h.headers.get('content-disposition'), 'attachment; filename="Q3_plan_.._x.html"');
  assert.ok(h.text.includes(TIPTAP));
  assert.match(h.text, /<title>Q3 &quot;plan&quot;\/\.\.\/x<\/title>/);
  const m = await alice.get(`${api(uid)}/export?format=md`);
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type'), /^text\/markdown/);
  assert.equal(m.headers.get('content-disposition'), 'attachment; filename="Q3_plan_.._x.md"');
  assert.match(m.text, /^## Plan\n/);
  assert.match(m.text, /\n- \[x\] done\n/);
  assert.match(m.text, /\n```sql\nselect 1;\n```\n/);
  assert.match(m.text, /\| a \| b \|\n\| --- \| --- \|/);
  assert.equal((await alice.get(`${api(uid)}/export?format=pdf`)).status, 422);
});

test('Markdown import replaces the content (TipTap shapes), checks the version and the type', async () => {
  const uid = await newNote('Import');
  const v = (await alice.get(api(uid))).json()._version;
  const md = '# Title\n\n- [ ] todo\n- [x] done\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) **b**\n';
  const noType = await alice.request('POST', `${api(uid)}/import?version=${v}`, { body: md, headers: { 'Content-Type': 'application/json' } });
  assert.equal(noType.status, 415);
  const noVersion = await alice.request('POST', `${api(uid)}/import`, { body: md, headers: { 'Content-Type': 'text/markdown' } });
  assert.equal(noVersion.status, 422);
  const r = await alice.request('POST', `${api(uid)}/import?version=${v}`, { body: md, headers: { 'Content-Type': 'text/markdown' } });
  assert.equal(r.status, 200, r.text);
  const out = r.json();
  assert.equal(out._version, v + 1);
  assert.equal(out.content, '<h1>Title</h1><ul data-type="taskList"><li data-checked="false" data-type="taskItem">' +
    '<label><input type="checkbox"><span></span></label><div><p>todo</p></div></li><li data-checked="true" ' +
    'data-type="taskItem"><label><input type="checkbox" checked="checked"><span></span></label><div><p>done</p>' +
    '</div></li></ul><p>x <strong>b</strong></p>');
  assert.equal((await alice.get(api(uid))).json().content, out.content);
  const stale = await alice.request('POST', `${api(uid)}/import?version=${v}`, { body: '# other', headers: { 'Content-Type': 'text/markdown' } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json().current.content, out.content);
});

test('attachments: upload, serve inert and cached, hidden from others, type and size checked', async () => {
  const uid = await newNote('Pictures');
  const up = await alice.request('POST', `${api(uid)}/attachments`, { body: PNG, headers: { 'Content-Type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  const a = up.json();
  assert.equal(a.url, `/attachments/${a.uid}`);
  assert.equal(a.mime, 'image/png');
  assert.equal(a.size, PNG.length);
  const res = await fetch(stack.baseUrl + a.url, { headers: { Cookie: alice.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-disposition'), 'inline');
  assert.match(res.headers.get('content-security-policy'), /^default-src 'none'/);
  assert.match(res.headers.get('cache-control'), /immutable/);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
  const etag = res.headers.get('etag');
  const again = await fetch(stack.baseUrl + a.url, { headers: { Cookie: alice.cookieHeader(), 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await bob.get(a.url)).status, 404);
  const html = await alice.request('POST', `${api(uid)}/attachments`, { body: '<svg onload=alert(1)>', headers: { 'Content-Type': 'image/svg+xml' } });
  assert.equal(html.status, 415);
  const lie = await alice.request('POST', `${api(uid)}/attachments`, { body: Buffer.from('<html>not a png</html>'), headers: { 'Content-Type': 'image/png' } });
  assert.equal(lie.status, 422);
  const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
  const over = await alice.request('POST', `${api(uid)}/attachments`, { body: big, headers: { 'Content-Type': 'image/png' } });
  assert.equal(over.status, 413);
  // a note keeps the image by its URL; any other source is dropped
  const v = (await alice.get(api(uid))).json()._version;
  const content = `<img src="${a.url}" alt="pic"><img src="https://evil.test/x.png"><p>t</p>`;
  assert.equal((await put(alice, uid, { title: 'Pictures', content, _version: v })).status, 200);
  assert.equal((await alice.get(api(uid))).json().content, `<img src="${a.url}" alt="pic"><p>t</p>`);
});

test('the note page without JavaScript shows the content, the TOC, the editor mount and the forms', async () => {
  const uid = await newNote('Page');
  const v = (await alice.get(api(uid))).json()._version;
  assert.equal((await put(alice, uid, { title: 'Page', content: TIPTAP, _version: v })).status, 200);
  const page = await alice.get(`/notes/${uid}`);
  assert.equal(page.status, 200);
  const t = page.text;
  assert.ok(t.includes('<div id="note-view" class="note-view" data-testid="note-view"><h2 id="h-1">Plan</h2>'));
  assert.ok(t.includes('<a href="#h-1">Plan</a>'));
  assert.ok(t.includes('<a href="#h-2">Next</a>'));
  assert.ok(t.includes(`<div id="note-editor" class="note-editor" data-uid="${uid}" data-api="/api/notes/${uid}"></div>`));
  assert.match(t, /<script type="application\/json" id="note-doc">\{/);
  assert.match(t, /<script type="module" src="\/static\/[^"]+\/build\/note\.js"><\/script>/);
  assert.match(t, /data-testid="note-words">15 words/);
  assert.match(t, /href="\/api\/notes\/[^"]+\/export\?format=md"/);
  assert.match(page.headers.get('content-security-policy'), /style-src-attr 'unsafe-inline'/);
  assert.doesNotMatch(page.headers.get('content-security-policy'), /script-src[^;]*unsafe/);
  const doc = JSON.parse(/<script type="application\/json" id="note-doc">(.*?)<\/script>/s.exec(t)[1]);
  assert.equal(doc.content, TIPTAP);
  // the no-JS import form
  const form = await alice.postForm(`/notes/${uid}/import`, { markdown: '## Imported\n\ntext', version: String(v + 1) });
  assert.equal(form.status, 303);
  assert.equal((await alice.get(api(uid))).json().content, '<h2>Imported</h2><p>text</p>');
  const stale = await alice.postForm(`/notes/${uid}/import`, { markdown: 'late', version: String(v + 1) });
  assert.equal(stale.status, 409);
  // the thumbnail shows the first lines
  const th = await alice.get(`/notes/${uid}/thumb.svg`);
  assert.equal(th.status, 200);
  assert.match(th.text, /<text[^>]*>Imported<\/text>/);
  assert.ok(th.text.length <= 4096);
});
