// tests/integration/drawings.test.js — the drawing API and page over the real stack: an empty
// drawing, save and load in ERD Builder Pro's format with every field we do not read kept byte
// for byte, older bare-array data read and written back in the object form, inline data: images
// refused, optimistic locking (409, nothing written), size limit (413), isolation between users
// (404), SVG/JSON/PNG exports, and the page: the drawing as inline SVG without JavaScript,
// hostile text escaped, the page-only CSP for Excalidraw.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const SCENE = path.resolve(__dirname, '..', 'unit', 'fixtures', 'drawing_scene.json');
const EMPTY = { elements: [], appState: {}, files: {} };

let stack;
let alice;
let bob;
let project;
test.before(async () => {
  stack = await startStack();
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
  project = await alice.createProject('Sketches');
});
test.after(() => stack && stack.stop());

const api = (uid) => `/api/drawings/${uid}`;
const newDrawing = (title = 'Sketch') => alice.createFile(project, 'drawing', title);
const stored = (uid) => stack.sql(`SELECT coalesce(data, '<null>') FROM drawings WHERE uid = '${uid}'`);
const version = (uid) => Number(stack.sql(`SELECT _version FROM drawings WHERE uid = '${uid}'`));

/** putRaw: PUT a body given as text (so its exact bytes are what the server gets). */
function putRaw(client, uid, body) {
  return client.request('PUT', api(uid), { body, headers: { 'Content-Type': 'application/json' } });
}

/** binary: GET path as bytes with the client's cookies. */
async function binary(client, p) {
  const res = await fetch(stack.baseUrl + p, { headers: { Cookie: client.cookieHeader() }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

test('a new drawing reads as the empty object form', async () => {
  const uid = await newDrawing('Empty');
  const res = await alice.get(api(uid));
  assert.equal(res.status, 200);
  const doc = res.json();
  assert.equal(doc.uid, uid);
  assert.equal(doc.title, 'Empty');
  assert.deepEqual(doc.data, EMPTY);
  assert.equal(typeof doc._version, 'number');
  assert.match(doc.updated_at, /^\d{4}-\d\d-\d\dT/);
  stack.sql(`UPDATE drawings SET data = NULL WHERE uid = '${uid}'`);
  assert.deepEqual((await alice.get(api(uid))).json().data, EMPTY);
});

test('save and load keep ERD Builder Pro data byte for byte, unknown fields included', async () => {
  const uid = await newDrawing();
  const v = (await alice.get(api(uid))).json()._version;
  const data = fs.readFileSync(SCENE, 'utf8').trim()
    .replace('"gridSize":20', '"gridSize" : 20.50e0 , "futureKey":{"deep":[1,{"z":null}],"\\u00e9":"caf\\u00e9"}');
  const body = `{"title":"Scene ✓","data":${data},"_version":${v}}`;
  const res = await putRaw(alice, uid, body);
  assert.equal(res.status, 200, res.text);
  const saved = res.json();
  assert.equal(saved._version, v + 1);
  assert.equal(saved.title, 'Scene ✓');
  assert.equal(stored(uid), data);                       // exactly the bytes sent
  const got = (await alice.get(api(uid))).json();
  assert.deepEqual(got.data, JSON.parse(data));
  assert.equal(got.data.appState.futureKey['é'], 'café');
  assert.equal(got.data.elements[6].startBinding.elementId, 'el-1');
  assert.equal(got._version, v + 1);
  // A save without a title keeps it.
  const again = await alice.request('PUT', api(uid), { json: { data: got.data, _version: got._version } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json().title, 'Scene ✓');
});

test('older bare-array data is read as the object form and written back as it', async () => {
  const uid = await newDrawing('Old');
  const arr = '[{"id":"a","type":"rectangle","x":1,"y":2,"width":30,"height":40,"seed":5}]';
  stack.sql(`UPDATE drawings SET data = '${arr}' WHERE uid = '${uid}'`);
  const got = (await alice.get(api(uid))).json();
  assert.deepEqual(got.data, { elements: JSON.parse(arr), appState: {}, files: {} });
  // The default of the column ('[]') too.
  stack.sql(`UPDATE drawings SET data = DEFAULT WHERE uid = '${uid}'`);
  assert.deepEqual((await alice.get(api(uid))).json().data, EMPTY);
  // A save of a bare array stores the object form around the array's own bytes.
  const res = await putRaw(alice, uid, `{"data":${arr},"_version":${version(uid)}}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(stored(uid), `{"elements":${arr},"appState":{},"files":{}}`);
});

test('invalid drawings are refused with 422 naming the item, nothing written', async () => {
  const uid = await newDrawing();
  const before = stored(uid);
  const v = version(uid);
  const cases = [
    [{ elements: [], appState: {}, files: { f1: { id: 'f1', mimeType: 'image/png', dataURL: 'data:image/png;base64,iVBORw0KGgo=' } } }, /files\.f1\.dataURL: inline data: images/],
    [{ elements: [{ id: 'x', type: 'rectangle', x: 'left' }] }, /elements\[0\]\.x/],
    [{ elements: [{ id: 'x' }] }, /elements\[0\]\.type: is missing/],
    [{ elements: {} }, /elements: must be an array/],
    [{ appState: {} }, /elements: is missing/],
    ['a string', /data: must be an object or an array/],
  ];
  for (const [data, re] of cases) {
    const res = await alice.request('PUT', api(uid), { json: { data, _version: v } });
    assert.equal(res.status, 422, JSON.stringify(data));
    assert.equal(res.json().error, 'invalid');
    assert.match(res.json().message, re);
  }
  const noVersion = await alice.request('PUT', api(uid), { json: { data: EMPTY } });
  assert.equal(noVersion.status, 422);
  assert.match(noVersion.json().message, /_version/);
  const badJson = await putRaw(alice, uid, '{"data":');
  assert.equal(badJson.status, 400);
  assert.equal(stored(uid), before);
  assert.equal(version(uid), v);
});

test('a stale save answers 409 with the current drawing and writes nothing', async () => {
  const uid = await newDrawing('Shared');
  const v = version(uid);
  const first = { elements: [{ id: 'one', type: 'ellipse', x: 0, y: 0, width: 10, height: 10 }], appState: {}, files: {} };
  assert.equal((await alice.request('PUT', api(uid), { json: { data: first, _version: v } })).status, 200);
  const text = stored(uid);
  const stale = await alice.request('PUT', api(uid), { json: { title: 'Mine', data: EMPTY, _version: v } });
  assert.equal(stale.status, 409);
  const body = stale.json();
  assert.equal(body.error, 'conflict');
  assert.equal(body.current._version, v + 1);
  assert.equal(body.current.title, 'Shared');
  assert.deepEqual(body.current.data, first);
  assert.equal(stored(uid), text);
  assert.equal(version(uid), v + 1);
});

test('data over 10 MB answers 413 and writes nothing', async () => {
  const uid = await newDrawing();
  const v = version(uid);
  const big = 'x'.repeat(10 * 1024 * 1024 + 10);
  const res = await putRaw(alice, uid, `{"data":{"elements":[{"type":"text","text":"${big}"}]},"_version":${v}}`);
  assert.equal(res.status, 413);
  assert.equal(version(uid), v);
});

test("another user's drawing is 404 everywhere", async () => {
  const uid = await newDrawing('Private');
  for (const p of [api(uid), `${api(uid)}/export?format=svg`, `/drawings/${uid}`]) {
    assert.equal((await bob.get(p)).status, 404, p);
  }
  await bob.get('/dashboard');
  const put = await bob.request('PUT', api(uid), { json: { data: EMPTY, _version: version(uid) } });
  assert.equal(put.status, 404);
  assert.equal((await alice.get(api(uid))).status, 200);
  assert.equal((await alice.get(api('no-such-uid'))).status, 404);
});

test('exports: SVG, JSON and PNG downloads with safe names', async () => {
  const uid = await newDrawing('Q3 plan: "draft" / v2');
  const data = JSON.parse(fs.readFileSync(SCENE, 'utf8'));
  assert.equal((await alice.request('PUT', api(uid), { json: { data, _version: version(uid) } })).status, 200);
  const svg = await alice.get(`${api(uid)}/export?format=svg`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.equal(svg.headers.get('content-disposition'), 'attachment; filename="Q3_plan_draft_v2.svg"');
  assert.match(svg.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.text, /href="\/attachments\/att-0001"/);
  const json = await alice.get(`${api(uid)}/export?format=json`);
  assert.equal(json.status, 200);
  assert.equal(json.headers.get('content-disposition'), 'attachment; filename="Q3_plan_draft_v2.json"');
  assert.deepEqual(json.json(), data);
  const png = await binary(alice, `${api(uid)}/export?format=png`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.bytes.readUInt32BE(16), 942);           // the SVG's width
  assert.equal((await alice.get(`${api(uid)}/export?format=gif`)).status, 422);
});

test('the page shows the drawing as SVG without JavaScript, hostile text escaped', async () => {
  const uid = await newDrawing('<b>Board</b>');
  const data = {
    elements: [
      { id: 'r', type: 'rectangle', x: 0, y: 0, width: 100, height: 50, strokeColor: '#e03131', backgroundColor: 'transparent' },
      { id: 't', type: 'text', x: 0, y: 80, width: 200, height: 25, text: '</script><script>alert(1)</script> & <img src=x onerror=alert(2)>', fontSize: 20, fontFamily: 1 },
    ],
    appState: { viewBackgroundColor: '#ffffff' },
    files: {},
  };
  assert.equal((await alice.request('PUT', api(uid), { json: { data, _version: version(uid) } })).status, 200);
  const page = await alice.get(`/drawings/${uid}`);
  assert.equal(page.status, 200);
  const html = page.text;
  const view = /<div id="drawing-view" class="drawing-view"[^>]*>(<svg[\s\S]*?<\/svg>)<\/div>/.exec(html);
  assert.ok(view, 'the read-only view holds an inline SVG');
  assert.match(view[1], /<rect x="0" y="0" width="100" height="50" fill="none" stroke="#e03131"/);
  assert.match(view[1], /&lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &lt;img src=x onerror=alert\(2\)&gt;/);
  assert.doesNotMatch(html, /<script>alert/);
  assert.doesNotMatch(html, /<img src=x/);
  assert.match(html, /<h1 class="drawing-title"[^>]*>&lt;b&gt;Board&lt;\/b&gt;<\/h1>/);
  assert.match(html, new RegExp(`<div id="drawing-editor" class="drawing-editor" data-uid="${uid}" data-api="/api/drawings/${uid}"></div>`));
  const doc = /<script type="application\/json" id="drawing-doc">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(doc);
  assert.doesNotMatch(doc[1], /<\/script/i);
  const parsed = JSON.parse(doc[1]);
  assert.equal(parsed.uid, uid);
  assert.deepEqual(parsed.data, data);
  assert.match(html, /<script type="module" src="\/static\/[0-9a-f]+\/build\/drawing\.js"><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/static\/[0-9a-f]+\/build\/drawing\.css">/);
  assert.match(html, new RegExp(`href="/api/drawings/${uid}/export\\?format=png"`));
  // Excalidraw's CSP on this page only.
  const csp = page.headers.get('content-security-policy');
  assert.match(csp, /style-src-attr 'unsafe-inline'/);
  assert.match(csp, /style-src 'self';/);
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  const other = (await alice.get('/dashboard')).headers.get('content-security-policy');
  assert.doesNotMatch(other, /unsafe-inline/);
});

test('the thumbnail draws the elements, small', async () => {
  const uid = await newDrawing('Thumb');
  const data = { elements: [{ id: 'r', type: 'rectangle', x: 0, y: 0, width: 100, height: 50, strokeColor: '#1971c2' }], appState: {}, files: {} };
  assert.equal((await alice.request('PUT', api(uid), { json: { data, _version: version(uid) } })).status, 200);
  const res = await alice.get(`/drawings/${uid}/thumb.svg`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(res.text, /<rect [^>]*stroke="#1971c2"/);
  assert.ok(res.text.length <= 20000);
});
