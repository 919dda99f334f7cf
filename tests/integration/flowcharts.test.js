// tests/integration/flowcharts.test.js — the flowchart API and page over the real stack: ERD
// Builder Pro's default chart for a new flowchart, saves that keep the sent `data` text byte
// for byte, optimistic locking (409 writes nothing), 422 naming the item, 413, isolation
// between users, exports (SVG, JSON, PNG) and the page's server-drawn view without JavaScript.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const FIXTURES = path.resolve(__dirname, '..', 'unit', 'fixtures');
const DEFAULT_CHART = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'flow_default.json'), 'utf8'));
const jsonHeaders = { 'Content-Type': 'application/json' };
const api = (uid) => `/api/flowcharts/${uid}`;

let stack, alice, bob, project;
test.before(async () => {
  stack = await startStack();
  alice = new Client(stack.baseUrl);
  await alice.signup();
  bob = new Client(stack.baseUrl);
  await bob.signup();
  project = await alice.createProject('Flow tests');
});
test.after(() => stack && stack.stop());

async function newChart(title = 'Chart') {
  return alice.createFile(project, 'flowchart', title);
}

/** putText: PUT the body text as given (so its bytes are exactly ours). */
async function putText(client, uid, text) {
  return client.request('PUT', api(uid), { body: text, headers: jsonHeaders });
}

function node(id, x, y, extra = {}) {
  return { id, type: 'custom', position: { x, y }, data: { label: `Node ${id}`, shape: 'rectangle', color: '#8b5cf6' }, ...extra };
}

test('a new flowchart answers ERD Builder Pro\'s default chart', async () => {
  const uid = await newChart('Fresh');
  const res = await alice.get(api(uid));
  assert.equal(res.status, 200);
  const doc = res.json();
  assert.equal(doc.uid, uid);
  assert.equal(doc.title, 'Fresh');
  assert.equal(doc._version, 0);
  assert.match(doc.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(doc.data, DEFAULT_CHART);
});

test('a save keeps the data text byte for byte, unknown fields included', async () => {
  const uid = await newChart('Bytes');
  const data = '{ "nodes" : [ {"id":"a","type":"custom","position":{"x":1.50,"y":2e1},"data":{"label":"Caf\\u00e9 \\"A\\"","shape":"hexagon","color":"#22c55e","section":"S1","code":"return 1"},"measured":{"width":150,"height":80},"selected":false,"zIndex":3},\n'
    + '{"id":"b","position":{"x":0,"y":300},"data":{"label":"B","shape":"cloud","color":"#0ea5e9"},"extra":[1,{"deep":null}]} ],\n'
    + '"edges":[{"id":"e","source":"a","target":"b","sourceHandle":"bottom","targetHandle":"top","type":"smoothstep","label":"go","labelBgStyle":{"fill":"#1e1e24"},"style":{"stroke":"#b1b1b7","strokeDasharray":"5,5"},"markerEnd":{"type":"arrowclosed","color":"#b1b1b7","width":20},"markerStart":{"type":"arrow"},"interactionWidth":12}],\n'
    + '"viewport":{"x":-10.25,"y":0,"zoom":1.0}, "futureField":"kept" }';
  const body = `{"title":"Bytes 2","_version":0,"data":${data}}`;
  const res = await putText(alice, uid, body);
  assert.equal(res.status, 200, res.text);
  const saved = res.json();
  assert.equal(saved._version, 1);
  assert.equal(saved.title, 'Bytes 2');
  const get = await alice.get(api(uid));
  assert.ok(get.text.includes(`"data":${data},"_version":1`), 'GET splices the stored text unchanged');
  assert.equal(get.json().data.futureField, 'kept');
  const exp = await alice.get(`${api(uid)}/export?format=json`);
  assert.equal(exp.status, 200);
  assert.equal(exp.text, data);
  assert.match(exp.headers.get('content-disposition'), /^attachment; filename="Bytes_2\.json"$/);
  // ERD Builder Pro's own API sends data as a string holding the JSON text.
  const text = '{"nodes":[{"id":"z","position":{"x":0,"y":0}}],"edges":[],"x":1}';
  const asString = await alice.request('PUT', api(uid), { json: { _version: 1, data: text } });
  assert.equal(asString.status, 200, asString.text);
  assert.equal((await alice.get(`${api(uid)}/export?format=json`)).text, text);
  // Emptied (no nodes, no edges): opened again as the default chart, as ERD Builder Pro does.
  assert.equal((await alice.request('PUT', api(uid), { json: { _version: 2, data: { nodes: [], edges: [] } } })).status, 200);
  assert.deepEqual((await alice.get(api(uid))).json().data, DEFAULT_CHART);
});

test('a stale save answers 409 with the current document and writes nothing', async () => {
  const uid = await newChart('Locked');
  const first = { nodes: [node('a', 0, 0)], edges: [] };
  assert.equal((await alice.request('PUT', api(uid), { json: { _version: 0, data: first } })).status, 200);
  const stale = await alice.request('PUT', api(uid), { json: { _version: 0, title: 'Other', data: { nodes: [], edges: [] } } });
  assert.equal(stale.status, 409);
  const body = stale.json();
  assert.equal(body.error, 'conflict');
  assert.equal(body.current._version, 1);
  assert.deepEqual(body.current.data, first);
  const now = (await alice.get(api(uid))).json();
  assert.equal(now._version, 1);
  assert.equal(now.title, 'Locked');
  assert.deepEqual(now.data, first);
});

test('invalid documents answer 422 naming the item and write nothing', async () => {
  const uid = await newChart('Checked');
  const cases = [
    [{ nodes: [node('a', 0, 0), node('b', 0, 0), node('c', 0, 0), { id: 'd', position: { x: '1', y: 0 } }], edges: [] }, 'nodes[3]: position.x is not a number'],
    [{ nodes: [node('a', 0, 0), node('a', 5, 5)], edges: [] }, 'nodes[1]: id "a" is used by another node (nodes[0])'],
    [{ nodes: [node('a', 0, 0)], edges: [{ id: 'e', source: 'a', target: 'ghost' }] }, 'edges[0]: target names no node ("ghost")'],
    [{ nodes: Array.from({ length: 5001 }, (_, i) => node(`n${i}`, i, 0)), edges: [] }, 'nodes: has 5001 items; at most 5000 are allowed'],
    [{ nodes: [node('a', 0, 0, { data: { label: 'x'.repeat(10001) } })], edges: [] }, 'nodes[0]: data.label is longer than 10000 bytes'],
    [{ nodes: [] }, 'edges: is missing'],
    [[1, 2], 'data: is missing or not an object with nodes and edges'],
  ];
  for (const [data, message] of cases) {
    const res = await alice.request('PUT', api(uid), { json: { _version: 0, data } });
    assert.equal(res.status, 422, message);
    assert.equal(res.json().message, message);
  }
  const noVersion = await alice.request('PUT', api(uid), { json: { data: { nodes: [], edges: [] } } });
  assert.equal(noVersion.status, 422);
  const badTitle = await alice.request('PUT', api(uid), { json: { _version: 0, title: '  ', data: { nodes: [], edges: [] } } });
  assert.equal(badTitle.status, 422);
  assert.equal((await putText(alice, uid, '{"_version":0,"data":')).status, 400);
  const doc = (await alice.get(api(uid))).json();
  assert.equal(doc._version, 0);
  assert.deepEqual(doc.data, DEFAULT_CHART);
});

test('a body over 10 MB answers 413', async () => {
  const uid = await newChart('Huge');
  const pad = 'x'.repeat(10 * 1024 * 1024);
  const res = await putText(alice, uid, `{"_version":0,"data":{"nodes":[],"edges":[],"pad":"${pad}"}}`);
  assert.equal(res.status, 413);
  assert.equal((await alice.get(api(uid))).json()._version, 0);
});

test('another user\'s flowchart is 404 everywhere', async () => {
  const uid = await newChart('Private');
  assert.equal((await bob.get(api(uid))).status, 404);
  assert.equal((await bob.request('PUT', api(uid), { json: { _version: 0, data: { nodes: [], edges: [] } } })).status, 404);
  assert.equal((await bob.get(`${api(uid)}/export?format=svg`)).status, 404);
  assert.equal((await bob.get(`/flowcharts/${uid}`)).status, 404);
  assert.equal((await alice.get(api(uid))).json()._version, 0);
});

test('exports: SVG, JSON and PNG downloads with safe file names', async () => {
  const uid = await newChart('Q3 "plan" / ../etc');
  const svg = await alice.get(`${api(uid)}/export?format=svg`);
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.equal(svg.headers.get("content-disposition"), "attachment; filename=\"Q3_plan_.._etc.svg\""); // no slash, no quote
  assert.ok(svg.text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.text.includes('>Database Connected?</tspan>'));
  const json = await alice.get(`${api(uid)}/export?format=json`);
  assert.deepEqual(JSON.parse(json.text), DEFAULT_CHART);
  const png = await fetch(`${stack.baseUrl}${api(uid)}/export?format=png`, { headers: { Cookie: alice.cookieHeader() } });
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await png.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal((await alice.get(`${api(uid)}/export?format=gif`)).status, 422);
  const thumb = await alice.get(`/flowcharts/${uid}/thumb.svg`);
  assert.equal(thumb.status, 200);
  assert.ok(thumb.text.startsWith('<svg') && thumb.text.length <= 20000);
});

test('the page shows the chart as SVG without JavaScript, with hostile labels escaped', async () => {
  const uid = await newChart('Page <b>bold</b>');
  const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
  const data = { nodes: [node('a', 0, 0, { data: { label: evil, shape: 'diamond', color: 'red" onload="x' } }), node('b', 0, 300)],
    edges: [{ id: 'e', source: 'a', target: 'b', label: '<svg onload=alert(3)>' }] };
  assert.equal((await alice.request('PUT', api(uid), { json: { _version: 0, data } })).status, 200);
  const page = await alice.get(`/flowcharts/${uid}`);
  assert.equal(page.status, 200);
  const html = page.text;
  const view = /<div id="flowchart-view" class="flowchart-view"[^>]*>(<svg[\s\S]*?<\/svg>)<\/div>/.exec(html);
  assert.ok(view, 'the view holds the server-drawn SVG');
  assert.ok(view[1].includes('class="flow-node flow-diamond"'));
  assert.ok(view[1].includes('&lt;/script&gt;&lt;script&gt;alert('), 'the label, escaped (wrapped over lines)');
  assert.ok(view[1].includes('&lt;svg onload=alert(3)&gt;'));
  assert.ok(!html.includes('<script>alert(1)'));
  assert.ok(!html.includes('<img src=x'));
  assert.ok(!html.includes('onload="x'));
  assert.ok(html.includes('Page &lt;b&gt;bold&lt;/b&gt;'));
  assert.match(html, /<div id="flowchart-editor" class="flowchart-editor" data-uid="[^"]+" data-api="\/api\/flowcharts\/[^"]+"/);
  const doc = /<script type="application\/json" id="flowchart-doc">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(doc, 'the document for the editor');
  assert.deepEqual(JSON.parse(doc[1]).data, data);
  assert.match(html, /<script type="module" src="\/static\/[^"]+\/build\/flowchart\.js"><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="\/static\/[^"]+\/build\/flowchart\.css">/);
  assert.ok(html.includes(`href="/api/flowcharts/${uid}/export?format=png"`));
});
