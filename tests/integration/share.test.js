// tests/integration/share.test.js — public share links over the real stack (nginx with its
// share cache, workers, PostgreSQL): the share API, the read-only pages (/s/TOKEN, .svg, .sql,
// ?embed=1), expiry (410), revocation and regeneration within a second through the cache,
// deleted files and projects, guessed tokens, escaping of every user string, ETag/304, the
// public headers (no cookie, noindex, strict CSP), and the share transaction reading nothing
// but the shared file.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const HOSTILE = '<script>alert(1)</script>"\'&';
let stack;
let alice;
let project;
test.before(async () => {
  stack = await startStack();
  alice = new Client(stack.baseUrl);
  await alice.signup({ name: `Alice ${HOSTILE}` });
  project = await alice.createProject('Shared things');
});
test.after(() => stack && stack.stop());

let seq = 0;
const tag = () => `s${process.pid}x${Date.now().toString(36)}x${++seq}`;

function col(id, name, type, extra = {}) {
  return { id, name, type, is_pk: false, is_nullable: true, is_unique: false, default: null, comment: null, enum_values: [], ...extra };
}

/** hostileModel: two tables whose names, columns and types try to break out of HTML and SVG. */
function hostileModel(t) {
  return {
    name: `Diagram ${HOSTILE}`,
    entities: [
      { id: `${t}-a`, name: `customer${HOSTILE}`, x: 0, y: 0, color: '#6366f1', comment: `note ${HOSTILE}`,
        columns: [col(`${t}-a1`, 'id', 'bigint', { is_pk: true, is_nullable: false }),
          col(`${t}-a2`, `name${HOSTILE}`, `text${HOSTILE}`)] },
      { id: `${t}-b`, name: 'orders', x: 400, y: 0, color: '#10b981', comment: null,
        columns: [col(`${t}-b1`, 'id', 'bigint', { is_pk: true, is_nullable: false }),
          col(`${t}-b2`, 'customer_id', 'bigint', { is_nullable: false })] },
    ],
    // ERD Builder Pro's direction: the source holds the foreign key, the target is referenced
    relationships: [{ id: `${t}-r`, source_entity_id: `${t}-b`, target_entity_id: `${t}-a`, source_column_id: `${t}-b2`,
      target_column_id: `${t}-a1`, source_handle: null, target_handle: null, type: 'one-to-many', label: null, on_delete: null, on_update: null }],
  };
}

/** newDiagram: a diagram of `client` with the hostile model saved. */
async function newDiagram(client = alice, proj = project) {
  const uid = await client.createFile(proj, 'diagram', `Shared ${HOSTILE}`);
  const got = (await client.get(`/api/diagrams/${uid}`)).json();
  const res = await client.request('PUT', `/api/diagrams/${uid}`, { json: { _version: got._version, ...hostileModel(tag()) } });
  assert.equal(res.status, 200, res.text);
  return uid;
}

const share = (client, uid, body, kind = 'diagrams') => client.request('POST', `/api/${kind}/${uid}/share`, { json: body });
const tokenOf = (url) => url.split('/s/')[1];
/** anon: a request with no cookie at all. */
const anon = (path, headers = {}) => fetch(stack.baseUrl + path, { headers, redirect: 'manual' });

/** pollUntil: request path until its status is `want`; the elapsed seconds. */
async function pollUntil(path, want, limit = 3000) {
  const t0 = Date.now();
  for (;;) {
    const res = await anon(path);
    await res.arrayBuffer();
    if (res.status === want) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > limit) throw new Error(`${path} still ${res.status} after ${limit} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** warm: fetch path a few times so nginx's cache holds it. */
async function warm(path) {
  for (let i = 0; i < 3; i++) { const r = await anon(path); await r.arrayBuffer(); }
}

test('the share API issues a 43-character link and the page shows the diagram, read-only', async () => {
  const uid = await newDiagram();
  const before = (await alice.get(`/api/diagrams/${uid}`)).json()._version;
  const res = await share(alice, uid, { is_public: true, expiry_date: null, regenerate: false });
  assert.equal(res.status, 200, res.text);
  const s = res.json();
  assert.equal(s.is_public, true);
  assert.equal(s.expiry_date, null);
  assert.match(s.share_url, new RegExp(`^${stack.baseUrl.replace(/[.]/g, '\\.')}/s/[A-Za-z0-9_-]{43}$`));
  // sharing is not an edit: _version stays, so an open editor's next save is no conflict
  assert.equal((await alice.get(`/api/diagrams/${uid}`)).json()._version, before);
  const token = tokenOf(s.share_url);
  assert.equal(stack.sql(`SELECT share_token || ' ' || (published_at IS NOT NULL)::text FROM diagrams WHERE uid = '${uid}'`), `${token} true`);
  // turning it on again keeps the link
  const again = (await share(alice, uid, { is_public: true, expiry_date: null })).json();
  assert.equal(again.share_url, s.share_url);

  const page = await anon(`/s/${token}`);
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<script>alert/);
  assert.ok(!html.includes(HOSTILE), 'a user string reached the page unescaped');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.match(html, /<svg[\s>]/);
  assert.match(html, /By <span class="share-owner">Alice &lt;script&gt;/);   // the owner's name, escaped
  assert.ok(!html.includes(alice.email), 'the owner e-mail is shown');
  // an accessible table per entity with name, type, key, nullable
  assert.equal((html.match(/<table class="share-table">/g) || []).length, 2);
  assert.match(html, /<caption>orders<\/caption>/);
  assert.match(html, /<th scope="row">customer_id<\/th><td><code>bigint<\/code><\/td><td>FK → customer&lt;script&gt;.*?\.id<\/td><td>no<\/td>/);
  assert.match(html, /<th scope="row">id<\/th><td><code>bigint<\/code><\/td><td>PK<\/td><td>no<\/td>/);
  assert.match(html, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/);

  const svg = await anon(`/s/${token}.svg`);
  const svgText = await svg.text();
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(svgText, /^<svg[\s>]/);
  assert.doesNotMatch(svgText, /<script/i);
  assert.ok(!svgText.includes(HOSTILE));

  const sql = await anon(`/s/${token}.sql`);
  const sqlText = await sql.text();
  assert.equal(sql.status, 200);
  assert.match(sql.headers.get('content-type'), /^text\/plain/);
  assert.match(sqlText, /CREATE TABLE/);
  assert.match(sqlText, /REFERENCES/);
  // a diagram has no Markdown form
  assert.equal((await anon(`/s/${token}.md`)).status, 404);

  // a signed-in viewer — the owner herself — gets exactly the same page
  const own = await alice.get(`/s/${token}`);
  assert.equal(own.status, 200);
  assert.equal(own.text, html);
});

test('public responses: noindex, no-referrer, strict CSP, no cookie, ETag and 304', async () => {
  const uid = await newDiagram();
  const token = tokenOf((await share(alice, uid, { is_public: true, expiry_date: null })).json().share_url);
  for (const path of [`/s/${token}`, `/s/${token}.svg`, `/s/${token}.sql`, `/s/${'x'.repeat(43)}`]) {
    // a browser that has a session or pre-session cookie gets no new one either
    for (const cookie of [undefined, 'sid=' + 'a'.repeat(43), 'pre=junk']) {
      const res = await anon(path, cookie ? { Cookie: cookie } : {});
      await res.arrayBuffer();
      assert.equal(res.headers.get('set-cookie'), null, `${path} set a cookie`);
      assert.match(res.headers.get('x-robots-tag') || '', /noindex/, path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      const csp = res.headers.get('content-security-policy') || '';
      assert.match(csp, /default-src 'none'/, path);
      assert.doesNotMatch(csp, /script-src/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('x-accel-expires'), null, 'the cache mark leaked to the client');
    }
  }
  const first = await anon(`/s/${token}`);
  await first.text();
  const etag = first.headers.get('etag');
  assert.match(etag, /^"s\d+-/);
  assert.match(first.headers.get('cache-control'), /no-cache/);
  const again = await anon(`/s/${token}`, { 'If-None-Match': etag });
  assert.equal(again.status, 304);
  assert.equal((await anon(`/s/${token}`, { 'If-None-Match': '"s0-00-x"' })).status, 200);
  // the app itself (not just nginx) answers 304 on a matching ETag, without rendering
  // (what nginx's revalidation asks); and a change of the diagram changes the ETag
  const got = (await alice.get(`/api/diagrams/${uid}`)).json();
  const res = await alice.request('PUT', `/api/diagrams/${uid}`, { json: { ...got, name: 'renamed' } });
  assert.equal(res.status, 200, res.text);
  await pollUntil(`/s/${token}`, 200);
  let changed = null;
  const t0 = Date.now();
  while (Date.now() - t0 < 3000) {
    const r = await anon(`/s/${token}`);
    const text = await r.text();
    if (r.headers.get('etag') !== etag) { changed = text; break; }
    await new Promise((ok) => setTimeout(ok, 50));
  }
  assert.ok(changed && changed.includes('renamed'), 'the page did not follow the change within 3 s');
  // embed: framable by anyone, still no script
  const embed = await anon(`/s/${token}?embed=1`);
  const embedHtml = await embed.text();
  assert.equal(embed.status, 200);
  assert.match(embed.headers.get('content-security-policy'), /frame-ancestors \*/);
  assert.doesNotMatch(embed.headers.get('content-security-policy'), /script-src/);
  assert.equal(embed.headers.get('x-frame-options'), null);
  assert.doesNotMatch(embedHtml, /<script/i);
  assert.match(embedHtml, /share-embed/);
  assert.notEqual(embed.headers.get('etag'), etag);
});

test('nginx caches share pages (one render a second for a busy link)', async () => {
  const uid = await newDiagram();
  const token = tokenOf((await share(alice, uid, { is_public: true, expiry_date: null })).json().share_url);
  const states = [];
  for (let i = 0; i < 5; i++) {
    const r = await anon(`/s/${token}`);
    await r.text();
    states.push(r.headers.get('x-cache'));
  }
  assert.ok(states.includes('HIT'), `no cache hit: ${states}`);
});

test('expiry: a past date → 410 "This link has expired"; a future one works; bad dates → 422', async () => {
  const uid = await newDiagram();
  const s = (await share(alice, uid, { is_public: true, expiry_date: '2099-12-31T23:59:00+02:00' })).json();
  assert.equal(s.expiry_date, '2099-12-31T21:59:00Z');
  const token = tokenOf(s.share_url);
  await warm(`/s/${token}`);
  assert.equal((await anon(`/s/${token}`)).status, 200);
  for (const bad of ['2026-12-31T23:59', 'tomorrow', '2026-02-30T00:00Z', 42, '']) {
    const r = await share(alice, uid, { is_public: true, expiry_date: bad });
    assert.equal(r.status, 422, `${bad}: ${r.text}`);
  }
  assert.equal((await share(alice, uid, { expiry_date: null })).status, 422);   // is_public is required
  // the past is allowed: the link is just expired, within a second through the cache
  const r = await share(alice, uid, { is_public: true, expiry_date: new Date(Date.now() - 60000).toISOString() });
  assert.equal(r.status, 200);
  assert.equal(r.json().expired, true);
  const elapsed = await pollUntil(`/s/${token}`, 410);
  assert.ok(elapsed <= 1.2, `expired link still served ${elapsed} s`);
  const gone = await anon(`/s/${token}`);
  const text = await gone.text();
  assert.match(text, /This link has expired/);
  assert.equal(gone.headers.get('set-cookie'), null);
  assert.equal((await anon(`/s/${token}.svg`)).status, 410);
  // an expiry that passes while the link is cached: gone within a second of the moment
  const soon = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);   // a whole second: stored exactly
  await share(alice, uid, { is_public: true, expiry_date: soon.toISOString() });
  await pollUntil(`/s/${token}`, 200);
  await warm(`/s/${token}`);
  const late = await pollUntil(`/s/${token}`, 410, 4000);
  const after = (Date.now() - soon.getTime()) / 1000;
  assert.ok(after <= 1.2, `link worked ${after} s past its expiry (polled ${late} s)`);
});

test('turned off → 404 within a second; on again gives a new link', async () => {
  const uid = await newDiagram();
  const s = (await share(alice, uid, { is_public: true, expiry_date: null })).json();
  const token = tokenOf(s.share_url);
  await warm(`/s/${token}`);
  await warm(`/s/${token}.svg`);
  const off = await share(alice, uid, { is_public: false, expiry_date: null });
  assert.equal(off.status, 200);
  assert.deepEqual([off.json().is_public, off.json().share_url], [false, null]);
  const t = await pollUntil(`/s/${token}`, 404);
  assert.ok(t <= 1.2, `revoked link still served ${t} s`);
  assert.equal((await anon(`/s/${token}.svg`)).status, 404);
  assert.equal(stack.sql(`SELECT coalesce(share_token, 'none') || (published_at IS NULL)::text FROM diagrams WHERE uid = '${uid}'`), 'nonetrue');
  const on = (await share(alice, uid, { is_public: true, expiry_date: null })).json();
  assert.notEqual(tokenOf(on.share_url), token);
  assert.equal((await anon(`/s/${token}`)).status, 404);
  await pollUntil(`/s/${tokenOf(on.share_url)}`, 200);
});

test('regenerate → the old link 404 within a second, the new one 200', async () => {
  const uid = await newDiagram();
  const old = tokenOf((await share(alice, uid, { is_public: true, expiry_date: null })).json().share_url);
  await warm(`/s/${old}`);
  const res = await share(alice, uid, { is_public: true, expiry_date: null, regenerate: true });
  const fresh = tokenOf(res.json().share_url);
  assert.notEqual(fresh, old);
  assert.equal(fresh.length, 43);
  const t = await pollUntil(`/s/${old}`, 404);
  assert.ok(t <= 1.2, `old link still served ${t} s`);
  assert.equal((await anon(`/s/${fresh}`)).status, 200);
});

test('deleted file, deleted project, private file → the same 404', async () => {
  const notFound = await (await anon(`/s/${'A'.repeat(43)}`)).text();
  // file moved to the trash
  const uid = await newDiagram();
  const token = tokenOf((await share(alice, uid, { is_public: true, expiry_date: null })).json().share_url);
  await warm(`/s/${token}`);
  assert.equal((await alice.postForm(`/diagrams/${uid}/delete`, {})).status, 303);
  await pollUntil(`/s/${token}`, 404);
  assert.equal(await (await anon(`/s/${token}`)).text(), notFound);
  // a file in a project moved to the trash
  const p2 = await alice.createProject('Doomed');
  const uid2 = await newDiagram(alice, p2);
  const token2 = tokenOf((await share(alice, uid2, { is_public: true, expiry_date: null })).json().share_url);
  await warm(`/s/${token2}`);
  assert.equal((await alice.postForm(`/projects/${p2}/delete`, {})).status, 303);
  await pollUntil(`/s/${token2}`, 404);
  assert.equal(await (await anon(`/s/${token2}`)).text(), notFound);
  assert.equal((await anon(`/s/${token2}.sql`)).status, 404);
  // sharing a trashed file is refused
  assert.equal((await share(alice, uid, { is_public: true, expiry_date: null })).status, 404);
  // private but with a token in the row (set behind the app's back)
  const uid3 = await newDiagram();
  const t3 = crypto.randomBytes(32).toString('base64url');
  stack.sql(`UPDATE diagrams SET share_token = '${t3}', is_public = false WHERE uid = '${uid3}'`);
  assert.equal((await anon(`/s/${t3}`)).status, 404);
  assert.equal(await (await anon(`/s/${t3}`)).text(), notFound);
});

test("another user's file: the share API answers 404 and changes nothing", async () => {
  const uid = await newDiagram();
  const mallory = new Client(stack.baseUrl);
  await mallory.signup();
  await mallory.get('/dashboard');
  const res = await share(mallory, uid, { is_public: true, expiry_date: null });
  assert.equal(res.status, 404);
  assert.equal(stack.sql(`SELECT coalesce(is_public, false)::text || coalesce(share_token, '-') FROM diagrams WHERE uid = '${uid}'`), 'false-');
  // without the CSRF token: refused
  const noCsrf = await alice.request('POST', `/api/diagrams/${uid}/share`, { json: { is_public: true }, headers: { 'X-CSRF-Token': null } });
  assert.equal(noCsrf.status, 403);
  // every kind has the API (notes too, their page renderer comes with their editor)
  const note = await alice.createFile(project, 'note', `Note ${HOSTILE}`);
  const n = await share(alice, note, { is_public: true, expiry_date: null }, 'notes');
  assert.equal(n.status, 200, n.text);
  const page = await anon(`/s/${tokenOf(n.json().share_url)}`);
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.ok(!html.includes(HOSTILE));
  assert.doesNotMatch(html, /<script/i);
  assert.equal((await anon(`/s/${tokenOf(n.json().share_url)}.sql`)).status, 404);
});

test('guessed tokens → 404 with one body', async () => {
  const body = await (await anon(`/s/${crypto.randomBytes(32).toString('base64url')}`)).text();
  const guesses = [crypto.randomBytes(32).toString('base64url'), 'abc', 'a'.repeat(42), 'a'.repeat(44),
    `${'a'.repeat(20)}.${'b'.repeat(22)}`, '..%2F..%2Fetc', 'a%00b', '*', "'OR'1'='1",
    `${crypto.randomBytes(32).toString('base64url')}.svg`, `${crypto.randomBytes(32).toString('base64url')}.sql`];
  for (const g of guesses) {
    const res = await anon(`/s/${g}`);
    const text = await res.text();
    assert.ok(res.status === 404 || res.status === 400, `${g}: ${res.status}`);
    if (res.status === 404) assert.equal(text, body, g);
  }
  assert.equal((await anon(`/s/${'a'.repeat(43)}/x`)).status, 404);
  assert.equal((await anon('/s/')).status, 404);
});

test('no-JS form: sets sharing and redirects back with the link shown', async () => {
  const uid = await newDiagram();
  await alice.get(`/diagrams/${uid}`);
  let res = await alice.postForm(`/diagrams/${uid}/share`, { is_public: 'on', expiry_date: '2099-01-01T10:00+01:00', next: `/projects/${project}` });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/projects/${project}?done=shared#share-${uid}`);
  const token = stack.sql(`SELECT share_token FROM diagrams WHERE uid = '${uid}'`);
  assert.equal(token.length, 43);
  assert.equal(stack.sql(`SELECT expiry_date::text FROM diagrams WHERE uid = '${uid}'`), '2099-01-01 09:00:00');
  const page = await alice.get(`/projects/${project}?done=shared`);
  assert.ok(page.text.includes(`/s/${token}`), 'the project page does not show the link');
  const dpage = await alice.get(`/diagrams/${uid}`);
  assert.ok(dpage.text.includes(`/s/${token}`), 'the diagram page does not show the link');
  res = await alice.postForm(`/diagrams/${uid}/share`, { is_public: 'on', expiry_date: 'next week' });
  assert.equal(res.status, 422);
  res = await alice.postForm(`/diagrams/${uid}/share`, { is_public: 'on', regenerate: '1', next: 'https://evil.example/' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/diagrams/${uid}?done=shared#share-${uid}`);
  assert.notEqual(stack.sql(`SELECT share_token FROM diagrams WHERE uid = '${uid}'`), token);
  res = await alice.postForm(`/diagrams/${uid}/share`, {});
  assert.equal(res.status, 303);
  assert.equal(stack.sql(`SELECT coalesce(share_token, 'none') FROM diagrams WHERE uid = '${uid}'`), 'none');
});

test('RLS: the share transaction of one token reads that file and nothing else', async () => {
  const uid = await newDiagram();
  const token = tokenOf((await share(alice, uid, { is_public: true, expiry_date: null })).json().share_url);
  await newDiagram();   // another diagram of the same owner, not shared
  const tables = stack.sql("SELECT string_agg(tablename, ' ') FROM pg_tables WHERE schemaname = 'public'").split(' ');
  const counts = {};
  for (const t of tables) {
    let out;
    try {
      out = stack.psqlAs('card_app', `BEGIN; SELECT set_config('app.share_token', '${token}', true); SELECT count(*) FROM public."${t}"; COMMIT;`);
    } catch (e) {
      out = 'denied';
    }
    counts[t] = out.split('\n').pop();
  }
  assert.equal(counts.diagrams, '1');
  assert.equal(counts.entities, '2');
  assert.equal(counts.columns, '4');
  assert.equal(counts.relationships, '1');
  for (const [t, n] of Object.entries(counts)) {
    if (['diagrams', 'entities', 'columns', 'relationships'].includes(t)) continue;
    if (['ai_providers', 'ai_models', 'ai_system_prompts', 'schema_migrations'].includes(t)) continue;   // global catalogues
    assert.ok(n === '0' || n === 'denied', `${t}: ${n} rows visible to a share transaction`);
  }
  const owner = stack.psqlAs('card_app', `BEGIN; SELECT set_config('app.share_token', '${token}', true); SELECT owner_name FROM card_share_info(); COMMIT;`);
  assert.equal(owner.split('\n').pop(), `Alice ${HOSTILE}`);
});

test('notes and flowcharts share too: sanitized HTML and Markdown, the flowchart as SVG, no script', async () => {
  const note = await alice.createFile(project, 'note', `Shared note ${HOSTILE}`);
  const v = (await alice.get(`/api/notes/${note}`)).json()._version;
  const saved = await alice.request('PUT', `/api/notes/${note}`, { json: {
    title: 'Shared note', _version: v,
    content: `<h2>Plan</h2><p>Some <strong>bold</strong> <span style="color: #958DF1">colour</span> ${HOSTILE.replace(/</g, '&lt;')}</p><img src=x onerror=alert(1)>` } });
  assert.equal(saved.status, 200, saved.text);
  const n = await share(alice, note, { is_public: true }, 'notes');
  assert.equal(n.status, 200, n.text);
  const ntok = tokenOf(n.json().share_url);
  const page = await anon(`/s/${ntok}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<h2[^>]*>Plan<\/h2>/);
  assert.match(html, /<strong>bold<\/strong>/);
  assert.doesNotMatch(html, /<script|onerror/);
  const md = await anon(`/s/${ntok}.md`);
  assert.equal(md.status, 200);
  assert.match(await md.text(), /## Plan[\s\S]*\*\*bold\*\*/);
  assert.equal((await anon(`/s/${ntok}.svg`)).status, 404);       // a note has no picture

  const chart = await alice.createFile(project, 'flowchart', 'Shared chart');
  const fv = (await alice.get(`/api/flowcharts/${chart}`)).json()._version;
  const data = { nodes: [{ id: 'a', type: 'custom', position: { x: 0, y: 0 }, data: { label: HOSTILE, shape: 'oval', color: '#10b981' } }], edges: [] };
  assert.equal((await alice.request('PUT', `/api/flowcharts/${chart}`, { json: { _version: fv, data } })).status, 200);
  const f = await share(alice, chart, { is_public: true }, 'flowcharts');
  const ftok = tokenOf(f.json().share_url);
  const fpage = await (await anon(`/s/${ftok}`)).text();
  assert.match(fpage, /<svg[^>]*class="flow-svg"/);
  assert.match(fpage, /&lt;script&gt;alert\(1\)/);
  assert.doesNotMatch(fpage, /<script/);
  const svg = await anon(`/s/${ftok}.svg`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /image\/svg\+xml/);
  assert.equal((await anon(`/s/${ftok}.md`)).status, 404);
});

test('drawings share as their server-drawn SVG', async () => {
  const d = await alice.createFile(project, 'drawing', 'Shared sketch');
  const v = (await alice.get(`/api/drawings/${d}`)).json()._version;
  const data = { elements: [{ id: 'r1', type: 'rectangle', x: 0, y: 0, width: 120, height: 60, angle: 0,
    strokeColor: '#1e1e1e', backgroundColor: 'transparent', fillStyle: 'solid', strokeWidth: 2,
    strokeStyle: 'solid', opacity: 100, isDeleted: false },
  { id: 't1', type: 'text', x: 10, y: 80, width: 200, height: 25, angle: 0, text: HOSTILE, fontSize: 20,
    fontFamily: 1, strokeColor: '#1e1e1e', backgroundColor: 'transparent', opacity: 100, isDeleted: false }],
  appState: {}, files: {} };
  assert.equal((await alice.request('PUT', `/api/drawings/${d}`, { json: { _version: v, data } })).status, 200);
  const tok = tokenOf((await share(alice, d, { is_public: true }, 'drawings')).json().share_url);
  const page = await (await anon(`/s/${tok}`)).text();
  assert.match(page, /<svg[^>]*>[\s\S]*<rect/);
  assert.match(page, /&lt;script&gt;alert\(1\)/);
  assert.doesNotMatch(page, /<script/);
  const svg = await anon(`/s/${tok}.svg`);
  assert.equal(svg.status, 200);
  assert.doesNotMatch(await svg.text(), /<script/);
});

test("a shared note's images are served through its link, and stop with it", async () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
  const note = await alice.createFile(project, 'note', 'Pictured note');
  const up = await alice.request('POST', `/api/notes/${note}/attachments`, { body: PNG, headers: { 'Content-Type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  const img = up.json();
  const v = (await alice.get(`/api/notes/${note}`)).json()._version;
  assert.equal((await alice.request('PUT', `/api/notes/${note}`, { json: {
    title: 'Pictured note', _version: v, content: `<p>Look:</p><img src="${img.url}">` } })).status, 200);
  const tok = tokenOf((await share(alice, note, { is_public: true }, 'notes')).json().share_url);
  const html = await (await anon(`/s/${tok}`)).text();
  const path = `/s/${tok}/attachments/${img.uid}`;
  assert.ok(html.includes(`src="${path}"`), 'the image points under the link');
  assert.doesNotMatch(html, /src="\/attachments\//);
  const got = await anon(path);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), PNG);
  assert.equal((await anon(`/attachments/${img.uid}`)).status === 200, false, 'the private URL needs a session');
  // an image of another file is not reachable through this link
  const other = await alice.createFile(project, 'note', 'Other');
  const up2 = (await alice.request('POST', `/api/notes/${other}/attachments`, { body: PNG, headers: { 'Content-Type': 'image/png' } })).json();
  assert.equal((await anon(`/s/${tok}/attachments/${up2.uid}`)).status, 404);
  await share(alice, note, { is_public: false }, 'notes');
  await pollUntil(path, 404);
});
