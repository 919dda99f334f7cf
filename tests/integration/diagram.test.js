// tests/integration/diagram.test.js — the ERD diagram JSON API and editor page over the real
// stack: load/save with optimistic locking, validation (422 naming the item, nothing written),
// isolation between users, ids shared across the database, SQL import (corpus files), export
// in every format with a round trip, a 500-table model, and hostile bodies.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const CORPUS = process.env.DDL_CORPUS_DIR || path.resolve(__dirname, '..', '..', '..', 'shared', 'ddl-corpus');

let stack;
let alice;        // owns `diagram`
let project;
let diagram;
test.before(async () => {
  stack = await startStack();
  alice = new Client(stack.baseUrl);
  await alice.signup();
  project = await alice.createProject('ERD tests');
  diagram = await alice.createFile(project, 'diagram', 'Shop');
});
test.after(() => stack && stack.stop());

let seq = 0;
/** tag: a fresh prefix, so element ids never collide across tests (they are global). */
const tag = () => `t${process.pid}x${Date.now().toString(36)}x${++seq}`;

const api = (uid) => `/api/diagrams/${uid}`;

/** newDiagram: a fresh diagram of `client` in its own project. */
async function newDiagram(client, title = 'Diagram') {
  const p = await client.createProject(`P ${title}`);
  return client.createFile(p, 'diagram', title);
}

function col(id, name, type, extra = {}) {
  return {
    id, name, type, is_pk: false, is_nullable: true, is_unique: false,
    default: null, comment: null, enum_values: [], ...extra,
  };
}

/** rel: a relationship as ERD Builder Pro stores it — source = the table holding the foreign
 * key (srcCol the key column), target = the referenced table (tgtCol the referenced column). */
function rel(id, src, tgt, srcCol, tgtCol, extra = {}) {
  return {
    id, source_entity_id: src, target_entity_id: tgt, source_column_id: srcCol,
    target_column_id: tgtCol, source_handle: null, target_handle: null, type: 'one-to-many',
    label: null, on_delete: null, on_update: null, constraint_name: null, ...extra,
  };
}

/** shopModel: three tables with typed columns, enum values, defaults, unique, comments. */
function shopModel(t) {
  return {
    name: 'Shop v2',
    viewport: { x: -120.5, y: 33, zoom: 0.75 },
    entities: [
      {
        id: `${t}_users`, name: 'users', x: 40, y: 40, color: '#6366f1', comment: 'People who buy',
        columns: [
          col(`${t}_users_id`, 'id', 'bigserial', { is_pk: true, is_nullable: false }),
          col(`${t}_users_email`, 'email', 'varchar(160)', { is_nullable: false, is_unique: true, comment: 'login' }),
          col(`${t}_users_status`, 'status', 'user_status', { enum_values: ['active', 'banned', 'on hold'], default: "'active'" }),
          col(`${t}_users_created`, 'created_at', 'timestamptz', { is_nullable: false, default: 'now()' }),
        ],
      },
      {
        id: `${t}_orders`, name: 'orders', x: 400.25, y: 40, color: '#10b981', comment: null,
        columns: [
          col(`${t}_orders_id`, 'id', 'bigserial', { is_pk: true, is_nullable: false }),
          col(`${t}_orders_user`, 'user_id', 'bigint', { is_nullable: false }),
          col(`${t}_orders_total`, 'total', 'numeric(10,2)', { default: '0.00' }),
        ],
      },
      {
        id: `${t}_items`, name: 'sales.order_items', x: 760, y: 300, color: '#f59e0b', comment: 'Ünïcödé ✓ <b>',
        columns: [
          col(`${t}_items_order`, 'order_id', 'bigint', { is_pk: true, is_nullable: false }),
          col(`${t}_items_line`, 'line', 'int', { is_pk: true, is_nullable: false }),
          col(`${t}_items_qty`, 'qty', 'integer', { default: '1', comment: 'how many' }),
        ],
      },
    ],
    relationships: [
      rel(`${t}_r1`, `${t}_orders`, `${t}_users`, `${t}_orders_user`, `${t}_users_id`,
        { on_delete: 'CASCADE', label: '1:N', constraint_name: 'places' }),
      rel(`${t}_r2`, `${t}_items`, `${t}_orders`, `${t}_items_order`, `${t}_orders_id`,
        { on_delete: 'CASCADE', on_update: 'NO ACTION', source_handle: 'right', target_handle: 'left' }),
      rel(`${t}_r3`, `${t}_users`, `${t}_items`, null, null, { type: 'many-to-many' }),
    ],
  };
}

async function getModel(client, uid) {
  const res = await client.get(api(uid));
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  return res.json();
}

async function put(client, uid, body) {
  return client.request('PUT', api(uid), { json: body });
}

const counts = (m) => ({
  tables: m.entities.length,
  columns: m.entities.reduce((n, e) => n + e.columns.length, 0),
  relationships: m.relationships.length,
});

/** names: the comparable shape of a model (table, column and relationship names). */
function names(m) {
  const byId = new Map(m.entities.map((e) => [e.id, e]));
  const colName = (eid, cid) => (byId.get(eid)?.columns.find((c) => c.id === cid) || {}).name || null;
  return {
    tables: m.entities.map((e) => `${e.name}(${e.columns.map((c) => c.name).join(',')})`).sort(),
    relationships: m.relationships.map((r) => [
      byId.get(r.source_entity_id).name, colName(r.source_entity_id, r.source_column_id),
      byId.get(r.target_entity_id).name, colName(r.target_entity_id, r.target_column_id),
    ].join(' ')).sort(),
  };
}

test('GET a new diagram: an empty model', async () => {
  const m = await getModel(alice, diagram);
  assert.equal(m.uid, diagram);
  assert.equal(m.name, 'Shop');
  assert.ok(Number.isInteger(m._version));
  assert.deepEqual(m.viewport, { x: 0, y: 0, zoom: 1 });
  assert.deepEqual(m.entities, []);
  assert.deepEqual(m.relationships, []);
});

test('PUT a model with 3 tables and relationships; GET returns it unchanged', async () => {
  const uid = await newDiagram(alice, 'Roundtrip');
  const before = await getModel(alice, uid);
  const model = shopModel(tag());
  const res = await put(alice, uid, { _version: before._version, ...model });
  assert.equal(res.status, 200, res.text);
  const saved = res.json();
  assert.equal(saved._version, before._version + 1);
  // the answer is the header and counts, not the 1 MB model the editor already has
  assert.deepEqual(saved.saved, { entities: 3, columns: 10, relationships: 3, tables_rewritten: 3 });
  assert.equal(saved.entities, undefined);
  const got = await getModel(alice, uid);
  assert.deepEqual({ uid: got.uid, name: got.name, _version: got._version, viewport: got.viewport },
    { uid: saved.uid, name: saved.name, _version: saved._version, viewport: saved.viewport });
  assert.equal(got.name, 'Shop v2');
  assert.deepEqual(got.viewport, model.viewport);
  assert.deepEqual(got.entities, model.entities);
  assert.deepEqual(got.relationships, model.relationships);
  // a second save with the new version works, and reordering is kept
  const reordered = { ...model, entities: [...model.entities].reverse() };
  const again = await put(alice, uid, { _version: got._version, ...reordered });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual((await getModel(alice, uid)).entities.map((e) => e.name), ['sales.order_items', 'orders', 'users']);
  // the rows are ERD Builder Pro's: enum values joined with ", ", columns in sort_order
  const t = model.entities[0].id;
  assert.equal(stack.sql(`SELECT enum_values FROM columns WHERE entity_id = '${t}' AND name = 'status'`), 'active, banned, on hold');
  assert.equal(stack.sql(`SELECT string_agg(name, ',' ORDER BY sort_order) FROM columns WHERE entity_id = '${t}'`), 'id,email,status,created_at');
});

test('a save rewrites only the tables whose columns changed, and never trusts a digest another writer made stale', async () => {
  const uid = await newDiagram(alice, 'Digest');
  const t = tag();
  const model = shopModel(t);
  let v = (await getModel(alice, uid))._version;
  const save = async (m) => {
    const res = await put(alice, uid, { _version: v, ...m });
    assert.equal(res.status, 200, res.text);
    v = res.json()._version;
    return res.json().saved.tables_rewritten;
  };
  const stored = (eid) => stack.sql(`SELECT string_agg(name || ':' || type, ',' ORDER BY sort_order) FROM columns WHERE entity_id = '${eid}'`);
  assert.equal(await save(model), 3);
  assert.equal(await save(model), 0, 'an unchanged model writes no column');
  // moving a table and renaming a column of another: one table's columns rewritten
  const edited = structuredClone(model);
  edited.entities[0].x = 999;
  edited.entities[1].columns[2].name = 'grand_total';
  assert.equal(await save(edited), 1);
  assert.deepEqual((await getModel(alice, uid)).entities, edited.entities);
  // ERD Builder Pro (or psql) changes columns behind our back, without touching _version:
  // the next save puts back exactly what the editor sent
  stack.sql(`UPDATE columns SET name = 'changed_elsewhere' WHERE id = '${t}_users_email'`);
  stack.sql(`INSERT INTO columns (id, entity_id, name, type, sort_order) VALUES ('${t}_extra', '${t}_orders', 'extra', 'int', 9)`);
  stack.sql(`DELETE FROM columns WHERE id = '${t}_items_qty'`);
  assert.equal(await save(edited), 3);
  assert.deepEqual((await getModel(alice, uid)).entities, edited.entities);
  assert.equal(stored(`${t}_users`), 'id:bigserial,email:varchar(160),status:user_status,created_at:timestamptz');
  assert.equal(stored(`${t}_orders`), 'id:bigserial,user_id:bigint,grand_total:numeric(10,2)');
  // a column moved from one table to another: both rewritten
  const moved = structuredClone(edited);
  moved.entities[2].columns.push(moved.entities[1].columns.pop());
  assert.equal(await save(moved), 2);
  assert.deepEqual((await getModel(alice, uid)).entities, moved.entities);
  // a table renamed with all its columns replaced (and its relationships dropped)
  const reborn = structuredClone(moved);
  reborn.entities[2] = { ...reborn.entities[2], name: 'reborn', columns: [col(`${t}_reborn_id`, 'id', 'uuid')] };
  reborn.relationships = reborn.relationships.filter((r) => r.source_entity_id !== `${t}_items`);
  assert.equal(await save(reborn), 1);
  assert.deepEqual((await getModel(alice, uid)).entities, reborn.entities);
  assert.equal(stack.sql(`SELECT count(*) FROM columns WHERE entity_id = '${t}_items'`), '1');
});

test('only changed rows are written, and order, deletes and rows written by others come out right', async () => {
  const uid = await newDiagram(alice, 'Rows');
  const t = tag();
  const model = shopModel(t);
  let v = (await getModel(alice, uid))._version;
  const save = async (m) => {
    const res = await put(alice, uid, { _version: v, ...m });
    assert.equal(res.status, 200, res.text);
    v = res.json()._version;
    const got = await getModel(alice, uid);
    assert.deepEqual(got.entities, m.entities);
    assert.deepEqual(got.relationships, m.relationships);
  };
  const xmin = (table, id) => stack.sql(`SELECT xmin FROM ${table} WHERE id = '${id}'`);
  await save(model);
  // moving one table rewrites that row and no other
  const before = [xmin('entities', `${t}_users`), xmin('entities', `${t}_orders`), xmin('relationships', `${t}_r1`)];
  const moved = structuredClone(model);
  moved.entities[1].x = 512.5;
  await save(moved);
  assert.equal(xmin('entities', `${t}_users`), before[0]);
  assert.notEqual(xmin('entities', `${t}_orders`), before[1]);
  assert.equal(xmin('relationships', `${t}_r1`), before[2]);
  // relationships reordered, one relabelled
  const reordered = structuredClone(moved);
  reordered.relationships.reverse();
  reordered.relationships[1].label = 'relabelled';
  await save(reordered);
  // a table deleted takes its relationships with it; a new table goes last
  const deleted = structuredClone(reordered);
  deleted.entities.splice(1, 1);
  deleted.relationships = deleted.relationships.filter((r) => r.source_entity_id !== `${t}_orders` && r.target_entity_id !== `${t}_orders`);
  deleted.entities.push({ id: `${t}_new`, name: 'new_table', x: 1, y: 2, color: '#10b981', comment: null, columns: [col(`${t}_new_id`, 'id', 'int')] });
  await save(deleted);
  assert.equal(stack.sql(`SELECT count(*) FROM columns WHERE entity_id = '${t}_orders'`), '0');
  // a new table put first, and the same id given back to a deleted table: everything in the model's order
  const first = structuredClone(deleted);
  first.entities.unshift({ id: `${t}_orders`, name: 'orders_again', x: 0, y: 0, color: '#6366f1', comment: null, columns: [] });
  await save(first);
  // rows ERD Builder Pro wrote (no created_at) are put in the model's order on the next save
  stack.sql(`UPDATE entities SET created_at = NULL WHERE id = '${t}_users'`);
  stack.sql(`UPDATE relationships SET created_at = NULL, type = NULL WHERE id = '${t}_r3'`);
  await save(first);
  assert.equal(stack.sql(`SELECT count(*) FROM entities WHERE id LIKE '${t}%' AND created_at IS NULL`), '0');
  // and an empty model empties the diagram
  await save({ ...first, entities: [], relationships: [] });
  assert.equal(stack.sql(`SELECT count(*) FROM columns WHERE id LIKE '${t}%'`), '0');
});

test('a stale PUT is refused with 409 and the current model; nothing is lost', async () => {
  const uid = await newDiagram(alice, 'Conflict');
  const v0 = (await getModel(alice, uid))._version;
  const first = shopModel(tag());
  assert.equal((await put(alice, uid, { _version: v0, ...first })).status, 200);
  const current = await getModel(alice, uid);
  const stale = await put(alice, uid, { _version: v0, ...shopModel(tag()), name: 'Overwritten' });
  assert.equal(stale.status, 409, stale.text);
  const body = stale.json();
  assert.equal(body.error, 'conflict');
  assert.ok(body.message);
  assert.deepEqual(body.current, current);
  assert.deepEqual(await getModel(alice, uid), current);
});

test('422 for invalid models, naming the item, writing nothing', async () => {
  const uid = await newDiagram(alice, 'Invalid');
  const v0 = (await getModel(alice, uid))._version;
  const t = tag();
  const good = shopModel(t);
  assert.equal((await put(alice, uid, { _version: v0, ...good })).status, 200);
  const current = await getModel(alice, uid);
  const cases = [
    ['empty table name', (m) => { m.entities[1].name = ''; }, /entities\[1\].*name/],
    ['duplicate ids', (m) => { m.entities[2].columns[1].id = m.entities[2].columns[0].id; }, new RegExp(`entities\\[2\\]\\.columns\\[1\\].*${t}_items_order`)],
    ['relationship to a missing entity', (m) => { m.relationships[1].target_entity_id = 'nope'; }, /relationships\[1\].*nope/],
    ['missing _version', (m) => { delete m._version; }, /_version/],
    ['non-integer _version', (m) => { m._version = '3'; }, /_version/],
    ['enum value with a comma', (m) => { m.entities[0].columns[2].enum_values = ['a,b']; }, /entities\[0\]\.columns\[2\].*comma/],
    ['bad relationship type', (m) => { m.relationships[0].type = 'some'; }, /relationships\[0\].*type/],
    // JSON.stringify writes a lone surrogate as the escape "\ud800" (it used to be stored as '?')
    ['lone surrogate in a name', (m) => { m.entities[0].name = 'x\ud800y'; }, /lone UTF-16 surrogate/],
    ['zoom 0', (m) => { m.viewport = { x: 0, y: 0, zoom: 0 }; }, /viewport: zoom/],
    ['negative zoom', (m) => { m.viewport = { x: 0, y: 0, zoom: -2 }; }, /viewport: zoom/],
  ];
  for (const [what, spoil, re] of cases) {
    const m = { _version: current._version, ...structuredClone(good), name: 'Changed' };
    spoil(m);
    const res = await put(alice, uid, m);
    assert.equal(res.status, 422, `${what}: ${res.text}`);
    const body = res.json();
    assert.equal(body.error, 'invalid', what);
    assert.match(body.message, re, what);
  }
  assert.deepEqual(await getModel(alice, uid), current);
});

test('PUT needs application/json and the CSRF header', async () => {
  const uid = await newDiagram(alice, 'Headers');
  const m = await getModel(alice, uid);
  const body = JSON.stringify({ _version: m._version, ...shopModel(tag()) });
  const plain = await alice.request('PUT', api(uid), { body, headers: { 'Content-Type': 'text/plain' } });
  assert.equal(plain.status, 415, plain.text);
  const noCsrf = await alice.request('PUT', api(uid), { body, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': null } });
  assert.equal(noCsrf.status, 403, noCsrf.text);
  const wrongCsrf = await alice.request('PUT', api(uid), { body, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'x'.repeat(43) } });
  assert.equal(wrongCsrf.status, 403);
  const anon = new Client(stack.baseUrl);
  assert.equal((await anon.get(api(uid))).status, 401);
  assert.deepEqual(await getModel(alice, uid), m);
});

test("another user gets 404 for every operation on someone's diagram", async () => {
  const uid = await newDiagram(alice, 'Private');
  assert.equal((await put(alice, uid, { _version: (await getModel(alice, uid))._version, ...shopModel(tag()) })).status, 200);
  const before = await getModel(alice, uid);
  const bob = new Client(stack.baseUrl);
  await bob.signup();
  const g = await bob.get(api(uid));
  assert.equal(g.status, 404);
  assert.equal(g.json().error, 'not_found');
  assert.doesNotMatch(g.text, /Shop|users/);
  const p = await put(bob, uid, { _version: before._version, ...shopModel(tag()) });
  assert.equal(p.status, 404, p.text);
  const i = await bob.request('POST', `${api(uid)}/import?dialect=postgres`, {
    body: 'CREATE TABLE x (id int primary key);', headers: { 'Content-Type': 'application/sql' },
  });
  assert.equal(i.status, 404, i.text);
  const e = await bob.get(`${api(uid)}/export?format=postgres`);
  assert.equal(e.status, 404);
  assert.equal((await bob.get(`/diagrams/${uid}`)).status, 404);
  assert.equal((await bob.get(api('no-such-uid'))).status, 404);
  assert.equal((await bob.get(api('bad%20uid'))).status, 404);
  assert.deepEqual(await getModel(alice, uid), before);
});

test("an id already used by another user's diagram is a 422 naming it, not a 500", async () => {
  const uid = await newDiagram(alice, 'Ids');
  const t = tag();
  const model = shopModel(t);
  assert.equal((await put(alice, uid, { _version: (await getModel(alice, uid))._version, ...model })).status, 200);
  const mallory = new Client(stack.baseUrl);
  await mallory.signup();
  const theirs = await newDiagram(mallory, 'Thief');
  const v = (await getModel(mallory, theirs))._version;
  const u = tag();
  for (const [what, spoil, id] of [
    ['entity', (m) => { m.entities[0].id = `${t}_users`; m.relationships = []; }, `${t}_users`],
    ['column', (m) => { m.entities[1].columns[2].id = `${t}_orders_total`; }, `${t}_orders_total`],
    ['relationship', (m) => { m.relationships[0].id = `${t}_r1`; }, `${t}_r1`],
  ]) {
    const m = { _version: v, ...shopModel(u) };
    spoil(m);
    const res = await put(mallory, theirs, m);
    assert.equal(res.status, 422, `${what}: ${res.text}`);
    assert.equal(res.json().error, 'invalid');
    assert.ok(res.json().message.includes(id), `${what}: ${res.json().message}`);
  }
  const still = await getModel(mallory, theirs);
  assert.equal(still._version, v);
  assert.deepEqual(still.entities, []);
  assert.deepEqual((await getModel(alice, uid)).entities, model.entities);
  // the same ids in the same user's own diagram save again fine (replace, not insert twice)
  const mine = await getModel(alice, uid);
  assert.equal((await put(alice, uid, { _version: mine._version, ...model })).status, 200);
});

const corpus = [
  ['chinook.postgresql.sql', 'postgres', { tables: 11, columns: 64, relationships: 11 }],
  ['chinook.mysql.sql', 'mysql', { tables: 11, columns: 64, relationships: 11 }],
  ['chinook.sqlite.sql', 'sqlite', { tables: 11, columns: 64, relationships: 11 }],
  ['northwind.postgres.sql', 'postgres', { tables: 14, columns: 92, relationships: 13 }],
  ['pagila-schema.postgres.sql', 'postgres', null],
];

for (const [file, dialect, want] of corpus) {
  test(`import ${file} (${dialect}) with preview, then for real`, async (t) => {
    const f = path.join(CORPUS, file);
    assert.ok(fs.existsSync(f), `test data ${f} is missing (set DDL_CORPUS_DIR)`);
    const sql = fs.readFileSync(f);
    const uid = await newDiagram(alice, file);
    const before = await getModel(alice, uid);
    const url = `${api(uid)}/import?dialect=${dialect}`;
    let t0 = Date.now();
    const pre = await alice.request('POST', `${url}&preview=1`, { body: sql, headers: { 'Content-Type': 'application/sql' } });
    const previewMs = Date.now() - t0;
    assert.equal(pre.status, 200, pre.text.slice(0, 500));
    const p = pre.json();
    if (want) assert.deepEqual(counts(p.model), want);
    else assert.ok(p.model.entities.length > 10);
    assert.ok(Number.isInteger(p.skipped));
    assert.equal(typeof p.diff, 'object');
    assert.deepEqual(await getModel(alice, uid), before, 'preview writes nothing');
    t0 = Date.now();
    const res = await alice.request('POST', url, { body: sql, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    const importMs = Date.now() - t0;
    assert.equal(res.status, 200, res.text.slice(0, 500));
    const saved = res.json();
    assert.equal(saved._version, before._version + 1);
    assert.equal(saved.name, file, 'the name is kept');
    assert.ok(Number.isInteger(saved.skipped));
    assert.equal(typeof saved.diff, 'object');
    const got = await getModel(alice, uid);
    assert.deepEqual(counts(got), counts(p.model));
    assert.deepEqual(names(got), names(p.model));
    console.log(`# import ${file}: preview ${previewMs} ms, save ${importMs} ms, ${JSON.stringify(counts(got))}`);
  });
}

test('import errors: syntax 422 with line and column, unknown dialect, media type, no tables', async () => {
  const uid = await newDiagram(alice, 'Syntax');
  const before = await getModel(alice, uid);
  const sqlHeaders = { 'Content-Type': 'application/sql' };
  for (const dialect of ['postgres', 'mysql', 'sqlite']) {
    const res = await alice.request('POST', `${api(uid)}/import?dialect=${dialect}`, {
      body: 'CREATE TABLE a (id int);\nCREATE TABLE b (id int,, name text);\n', headers: sqlHeaders,
    });
    assert.equal(res.status, 422, `${dialect}: ${res.text}`);
    const body = res.json();
    assert.equal(body.error, 'syntax', dialect);
    assert.ok(body.message, dialect);
    assert.equal(body.line, 2, `${dialect}: ${res.text}`);
    assert.ok(body.column > 0, `${dialect}: ${res.text}`);
  }
  const unknown = await alice.request('POST', `${api(uid)}/import?dialect=oracle`, { body: 'CREATE TABLE a (id int);', headers: sqlHeaders });
  assert.equal(unknown.status, 422);
  assert.match(unknown.json().message, /dialect/);
  const json = await alice.request('POST', `${api(uid)}/import?dialect=postgres`, { body: 'CREATE TABLE a (id int);', headers: { 'Content-Type': 'application/json' } });
  assert.equal(json.status, 415);
  const none = await alice.request('POST', `${api(uid)}/import?dialect=postgres`, { body: '-- nothing\n', headers: sqlHeaders });
  assert.equal(none.status, 422);
  const noCsrf = await alice.request('POST', `${api(uid)}/import?dialect=postgres`, { body: 'CREATE TABLE a (id int);', headers: { ...sqlHeaders, 'X-CSRF-Token': null } });
  assert.equal(noCsrf.status, 403);
  assert.deepEqual(await getModel(alice, uid), before);
});

const formats = [
  ['postgres', /^application\/sql/, '.sql'],
  ['mysql', /^application\/sql/, '.sql'],
  ['sqlite', /^application\/sql/, '.sql'],
  ['dbml', /^(text\/|application\/)/, '.dbml'],
  ['mermaid', /^(text\/|application\/)/, '.mmd'],
  ['json', /^application\/json/, '.json'],
  ['svg', /^image\/svg\+xml/, '.svg'],
];

test('export in every format; postgres export re-imports to the same names', async () => {
  const uid = await newDiagram(alice, 'Sales DB / v2 "quoted"');
  const v = (await getModel(alice, uid))._version;
  const model = shopModel(tag());
  delete model.name;
  assert.equal((await put(alice, uid, { _version: v, ...model })).status, 200);
  const saved = await getModel(alice, uid);
  for (const [format, type, ext] of formats) {
    const res = await alice.get(`${api(uid)}/export?format=${format}`);
    assert.equal(res.status, 200, `${format}: ${res.text.slice(0, 300)}`);
    assert.match(res.headers.get('content-type'), type, format);
    assert.match(res.headers.get('content-type'), /charset=utf-8/i, format);
    const cd = res.headers.get('content-disposition');
    assert.match(cd, /^attachment; filename="Sales_DB_v2_quoted(\.(postgres|mysql|sqlite))?\.[a-z]+"$/, `${format}: ${cd}`);
    if (['postgres', 'mysql', 'sqlite'].includes(format)) assert.ok(cd.endsWith(`.${format}.sql"`), `the dialect in the file name: ${cd}`);
    if (format !== 'mermaid' && format !== 'dbml') assert.ok(cd.endsWith(`${ext}"`), `${format}: ${cd}`);
    assert.ok(res.text.length > 50, format);
    if (format === 'svg') assert.match(res.text, /^<svg[\s>]/);
    if (format === 'json') assert.equal(JSON.parse(res.text).entities.length, 3);
    if (format !== 'json' && format !== 'svg') assert.match(res.text, /order_items/);
  }
  const bad = await alice.get(`${api(uid)}/export?format=xlsx`);
  assert.equal(bad.status, 422);
  assert.equal((await alice.get(`${api(uid)}/export`)).status, 422);
  // round trip through PostgreSQL DDL
  const sql = (await alice.get(`${api(uid)}/export?format=postgres`)).text;
  const back = await alice.request('POST', `${api(uid)}/import?dialect=postgres&preview=1`, {
    body: sql, headers: { 'Content-Type': 'application/sql' },
  });
  assert.equal(back.status, 200, back.text.slice(0, 500));
  // A relationship drawn between tables without choosing columns has no foreign key to
  // export (the DDL carries a comment saying so); every other one must come back.
  const withColumns = { ...saved, relationships: saved.relationships.filter((r) => r.source_column_id && r.target_column_id) };
  assert.ok(withColumns.relationships.length >= 2);
  assert.match(sql, /skipped|without columns/i);
  assert.deepEqual(names(back.json().model), names(withColumns));
});

test('the editor page renders the diagram for its owner', async (t) => {
  const tdir = process.env.CARD_TEMPLATES || path.resolve(__dirname, '..', '..', 'templates');
  assert.ok(fs.existsSync(path.join(tdir, 'diagram.mustache')), 'templates/diagram.mustache exists');
  const uid = await newDiagram(alice, 'Page <script>');
  const v = (await getModel(alice, uid))._version;
  const model = shopModel(tag());
  delete model.name;
  assert.equal((await put(alice, uid, { _version: v, ...model })).status, 200);
  const res = await alice.get(`/diagrams/${uid}`);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.text, /<svg/);
  assert.ok(!res.text.includes('Page <script>'), 'the name is escaped');
  assert.ok(!res.text.includes('✓ <b>'), 'comments are escaped in the script JSON and the SVG');
  assert.equal((await alice.get('/diagrams/nope')).status, 404);
  // a table renamed by another writer without touching _version: the drawing follows (every
  // worker may hold the old one in its cache, so ask each thread a few times)
  stack.sql(`UPDATE entities SET name = 'renamed_elsewhere' WHERE id = '${model.entities[1].id}'`);
  for (let i = 0; i < 12; i++) {
    const page = (await alice.get(`/diagrams/${uid}`)).text;
    const start = page.indexOf('class="erd-svg');
    const svg = page.slice(start, page.indexOf('</svg>', start));
    assert.match(svg, />renamed_elsewhere</);
  }
});

test('a 500-table model saves and loads', async () => {
  const uid = await newDiagram(alice, 'Big');
  const t = tag();
  const entities = [];
  const relationships = [];
  for (let i = 0; i < 500; i++) {
    const columns = [col(`${t}_e${i}_id`, 'id', 'bigserial', { is_pk: true, is_nullable: false })];
    for (let j = 1; j < 10; j++) columns.push(col(`${t}_e${i}_c${j}`, `col_${j}`, j % 2 ? 'varchar(160)' : 'numeric(10,2)', { comment: `column ${j}` }));
    entities.push({ id: `${t}_e${i}`, name: `table_${i}`, x: (i % 25) * 300, y: Math.floor(i / 25) * 400, color: '#6366f1', comment: null, columns });
    if (i > 0) relationships.push(rel(`${t}_r${i}`, `${t}_e${i}`, `${t}_e${i - 1}`, `${t}_e${i}_c1`, `${t}_e${i - 1}_id`));
  }
  const v = (await getModel(alice, uid))._version;
  const body = { _version: v, entities, relationships };
  let t0 = Date.now();
  const res = await put(alice, uid, body);
  const putMs = Date.now() - t0;
  assert.equal(res.status, 200, res.text.slice(0, 300));
  t0 = Date.now();
  const got = await getModel(alice, uid);
  const getMs = Date.now() - t0;
  assert.deepEqual(counts(got), { tables: 500, columns: 5000, relationships: 499 });
  assert.deepEqual(got.entities, entities);
  assert.deepEqual(got.relationships, relationships);
  t0 = Date.now();
  const again = await put(alice, uid, { ...body, _version: got._version });
  const rePutMs = Date.now() - t0;
  assert.equal(again.status, 200);
  console.log(`# 500 tables / 5000 columns / 499 relationships (${JSON.stringify(body).length} bytes): ` +
    `PUT ${putMs} ms, GET ${getMs} ms, PUT again (replace) ${rePutMs} ms`);
});

test('hostile bodies: invalid UTF-8, too large, deeply nested, NUL bytes', async () => {
  const uid = await newDiagram(alice, 'Hostile');
  const before = await getModel(alice, uid);
  const jsonHeaders = { 'Content-Type': 'application/json' };
  const prefix = Buffer.from(`{"_version":${before._version},"name":"`);
  const badUtf8 = Buffer.concat([prefix, Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from('","entities":[],"relationships":[]}')]);
  assert.equal((await alice.request('PUT', api(uid), { body: badUtf8, headers: jsonHeaders })).status, 400);
  const badSql = Buffer.concat([Buffer.from('CREATE TABLE a (id int); -- '), Buffer.from([0xed, 0xa0, 0x80])]);
  assert.equal((await alice.request('POST', `${api(uid)}/import?dialect=postgres`, { body: badSql, headers: { 'Content-Type': 'application/sql' } })).status, 400);
  const nul = Buffer.concat([prefix, Buffer.from([0]), Buffer.from('","entities":[],"relationships":[]}')]);
  assert.equal((await alice.request('PUT', api(uid), { body: nul, headers: jsonHeaders })).status, 400);
  const escapedNul = `{"_version":${before._version},"name":"a\\u0000b","entities":[],"relationships":[]}`;
  assert.equal((await alice.request('PUT', api(uid), { body: escapedNul, headers: jsonHeaders })).status, 400);
  const nulSql = Buffer.from('CREATE TABLE a (id int);\0');
  assert.equal((await alice.request('POST', `${api(uid)}/import?dialect=sqlite`, { body: nulSql, headers: { 'Content-Type': 'application/sql' } })).status, 400);
  const deep = `{"_version":${before._version},"entities":[],"relationships":[],"x":${'['.repeat(10000)}${']'.repeat(10000)}}`;
  assert.equal((await alice.request('PUT', api(uid), { body: deep, headers: jsonHeaders })).status, 400);
  const huge = Buffer.alloc(11 * 1024 * 1024 + 10, 0x20);
  huge.write(`{"_version":${before._version},"entities":[],"relationships":[],"pad":"`);
  huge.write('"}', huge.length - 2);
  const big = await alice.request('PUT', api(uid), { body: huge, headers: jsonHeaders });
  assert.equal(big.status, 413);
  const hugeSql = Buffer.alloc(11 * 1024 * 1024 + 10, 0x20);
  assert.equal((await alice.request('POST', `${api(uid)}/import?dialect=postgres`, { body: hugeSql, headers: { 'Content-Type': 'application/sql' } })).status, 413);
  const notObject = await alice.request('PUT', api(uid), { body: '[1,2,3]', headers: jsonHeaders });
  assert.equal(notObject.status, 422);
  const dupKeys = await alice.request('PUT', api(uid), { body: `{"_version":${before._version},"_version":0,"entities":[],"relationships":[]}`, headers: jsonHeaders });
  assert.equal(dupKeys.status, 400);
  assert.deepEqual(await getModel(alice, uid), before);
  // the service is still answering
  assert.equal((await alice.get('/healthz')).status, 200);
});

test('lists show diagram thumbnails as small cacheable images: ETag from _version, 304, 404 for others', async () => {
  const p = await alice.createProject('Thumbs');
  const uid = await alice.createFile(p, 'diagram', 'Pictured');
  const note = await alice.createFile(p, 'note', 'No picture');
  const v0 = (await getModel(alice, uid))._version;
  const saved = await put(alice, uid, { _version: v0, ...shopModel(tag()) });
  assert.equal(saved.status, 200);
  const v = saved.json()._version;
  const url = `/diagrams/${uid}/thumb.svg?v=${v}`;
  for (const page of [`/projects/${p}`, '/dashboard']) {
    const html = (await alice.get(page)).text;
    assert.ok(html.includes(`<img src="${url}"`), `${page} links the thumbnail`);
    assert.doesNotMatch(html, /<svg[^>]*erd-svg/, `${page} inlines no drawing`);
    assert.ok(html.includes(`/notes/${note}/thumb.svg?v=`), 'notes have their own thumbnail');
  }
  const res = await alice.get(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^image\/svg\+xml/);
  assert.equal(res.headers.get('etag'), `"v${v}"`);
  assert.match(res.headers.get('cache-control'), /private, max-age=31536000, immutable/);
  assert.ok(res.text.length <= 20000 && /<path/.test(res.text) && !/<text/.test(res.text), res.text.slice(0, 200));
  const again = await alice.request('GET', url, { headers: { 'If-None-Match': `"v${v}"` } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  const stale = await alice.get(`/diagrams/${uid}/thumb.svg?v=${v - 1}`);
  assert.equal(stale.headers.get('cache-control'), 'private, no-cache');
  const noteThumb = await alice.get(`/notes/${note}/thumb.svg`);
  assert.equal(noteThumb.status, 200);
  assert.match(noteThumb.headers.get('content-type'), /^image\/svg\+xml/);
  const empty = await alice.get(`/diagrams/${await alice.createFile(p, 'diagram', 'Empty')}/thumb.svg`);
  assert.equal(empty.status, 200);
  assert.match(empty.text, /stroke-dasharray/);            // the placeholder frame
  const bob = new Client(stack.baseUrl);
  await bob.signup();
  const theirs = await bob.get(url);
  assert.equal(theirs.status, 404);
  assert.doesNotMatch(theirs.headers.get('content-type'), /svg/);
});

/** ebpRows: SQL INSERTs of a diagram the way ERD Builder Pro's code writes its rows — no uid
 * (the column default gives one), entities/columns/relationships keyed by diagram_id,
 * relationships with source = the table holding the foreign key (source_column_id its column),
 * target = the referenced table, handles "col-<id>-source"/"col-<id>-target", label "1:N",
 * enum values joined with ", ". */
function ebpRows(t, userId, projectId) {
  const q = (s) => `'${s}'`;
  return `
    INSERT INTO diagrams (name, user_id, project_id) VALUES ('EBP ${t}', ${q(userId)}, ${projectId});
    INSERT INTO entities (id, diagram_id, name, x, y, color)
      SELECT e.id, d.id, e.name, e.x, e.y, '#6366f1' FROM diagrams d,
        (VALUES ('${t}_nu', 'users', 50, 50), ('${t}_no', 'orders', 400, 50)) AS e(id, name, x, y)
       WHERE d.name = 'EBP ${t}';
    INSERT INTO columns (id, entity_id, name, type, is_pk, is_nullable, enum_values, sort_order) VALUES
      ('${t}_cu1', '${t}_nu', 'id', 'INT', true, false, '', 0),
      ('${t}_cu2', '${t}_nu', 'state', 'ENUM', false, true, 'active, retired', 1),
      ('${t}_co1', '${t}_no', 'id', 'INT', true, false, '', 0),
      ('${t}_co2', '${t}_no', 'user_id', 'INT', false, true, '', 1);
    INSERT INTO relationships (id, diagram_id, source_entity_id, target_entity_id, source_column_id,
                               target_column_id, type, source_handle, target_handle, label)
      SELECT 'e-${t}', d.id, '${t}_no', '${t}_nu', '${t}_co2', '${t}_cu1', 'one-to-many',
             'col-${t}_co2-source', 'col-${t}_cu1-target', '1:N'
        FROM diagrams d WHERE d.name = 'EBP ${t}';`;
}

test("rows written the way ERD Builder Pro writes them load, and export the foreign keys its generator writes", async () => {
  const t = tag();
  const userId = stack.sql(`SELECT id FROM users WHERE email = '${alice.email}'`);
  const projectId = stack.sql(`SELECT id FROM projects WHERE uid = '${project}'`);
  stack.sql(ebpRows(t, userId, projectId));
  const uid = stack.sql(`SELECT uid FROM diagrams WHERE name = 'EBP ${t}'`);
  assert.match(uid, /^[0-9a-f-]{36}$/, 'the uid default gave the row an address');
  const m = await getModel(alice, uid);
  assert.equal(m._version, 0);
  const r = m.relationships[0];
  assert.deepEqual([r.source_entity_id, r.source_column_id, r.target_entity_id, r.target_column_id, r.label, r.constraint_name],
    [`${t}_no`, `${t}_co2`, `${t}_nu`, `${t}_cu1`, '1:N', null]);
  // enum values "active, retired": split and trimmed (it used to give " retired")
  assert.deepEqual(m.entities.find((e) => e.name === 'users').columns[1].enum_values, ['active', 'retired']);
  const sql = (await alice.get(`${api(uid)}/export?format=postgres`)).text;
  // what useSQLGenerator writes for this edge, spaces before "(" aside
  const ebp = 'ALTER TABLE orders ADD CONSTRAINT fk_orders_user_id FOREIGN KEY (user_id) REFERENCES users(id);';
  const fks = sql.split('\n').filter((l) => /FOREIGN KEY/.test(l)).map((l) => l.replace(/ \(/g, '(').replace(/KEY\(/, 'KEY ('));
  assert.deepEqual(fks, [ebp]);
  assert.doesNotMatch(sql, /' retired'/);
  assert.match(sql, /'active', 'retired'/);
  // the drawing puts the crow's foot on orders, the table holding the key
  const svg = (await alice.get(`${api(uid)}/export?format=svg`)).text;
  assert.match(svg, new RegExp(`data-id="e-${t}"[^>]*marker-start="url\\(#[^)]*many-start\\)"[^>]*marker-end="url\\(#[^)]*one-end\\)"`));
  assert.match(svg, />1:N</);
  // a save through the API keeps ERD Builder Pro's shape: enum values joined with ", "
  const saved = await put(alice, uid, { ...m, _version: m._version });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(stack.sql(`SELECT enum_values FROM columns WHERE id = '${t}_cu2'`), 'active, retired');
  assert.equal(stack.sql(`SELECT source_column_id || '>' || target_column_id FROM relationships WHERE id = 'e-${t}'`), `${t}_co2>${t}_cu1`);
});

test('a SQL import keeps the constraint name apart from the label ERD Builder Pro shows', async () => {
  const uid = await newDiagram(alice, 'Names');
  const ddl = 'CREATE TABLE users (id int PRIMARY KEY);\n' +
    'CREATE TABLE orders (id int PRIMARY KEY, user_id int CONSTRAINT orders_buyer REFERENCES users (id));\n';
  const res = await alice.request('POST', `${api(uid)}/import?dialect=postgres`, { body: ddl, headers: { 'Content-Type': 'application/sql' } });
  assert.equal(res.status, 200, res.text);
  const m = await getModel(alice, uid);
  const byId = new Map(m.entities.flatMap((e) => e.columns.map((c) => [c.id, `${e.name}.${c.name}`])));
  const r = m.relationships[0];
  assert.deepEqual([byId.get(r.source_column_id), byId.get(r.target_column_id), r.label, r.constraint_name],
    ['orders.user_id', 'users.id', '1:N', 'orders_buyer']);
  assert.equal(stack.sql(`SELECT constraint_name || ' ' || label FROM relationships WHERE id = '${r.id}'`), 'orders_buyer 1:N');
  const sql = (await alice.get(`${api(uid)}/export?format=postgres`)).text;
  assert.match(sql, /ALTER TABLE orders ADD CONSTRAINT orders_buyer FOREIGN KEY \(user_id\) REFERENCES users \(id\);/);
});

test('rows another writer created (no uid, minimal columns, NULL version and colour) show in every page and list', async () => {
  const t = tag();
  const userId = stack.sql(`SELECT id FROM users WHERE email = '${alice.email}'`);
  stack.sql(`INSERT INTO projects (name, user_id, color, _version) VALUES ('EBP project ${t}', '${userId}', NULL, NULL)`);
  const pid = stack.sql(`SELECT id FROM projects WHERE name = 'EBP project ${t}'`);
  const puid = stack.sql(`SELECT uid FROM projects WHERE id = ${pid}`);
  assert.match(puid, /^[0-9a-f-]{36}$/);
  const kinds = [['diagrams', 'name', 'diagrams'], ['notes', 'title', 'notes'], ['drawings', 'title', 'drawings'], ['flowcharts', 'title', 'flowcharts']];
  const uids = {};
  for (const [table, title] of kinds) {
    stack.sql(`INSERT INTO ${table} (${title}, user_id, project_id, _version) VALUES ('EBP ${table} ${t}', '${userId}', ${pid}, NULL)`);
    uids[table] = stack.sql(`SELECT uid FROM ${table} WHERE ${title} = 'EBP ${table} ${t}'`);
    assert.match(uids[table], /^[0-9a-f-]{36}$/, table);
  }
  // one more with no project at all, and one in the trash
  stack.sql(`INSERT INTO notes (title, user_id) VALUES ('EBP loose ${t}', '${userId}')`);
  stack.sql(`INSERT INTO drawings (title, user_id, is_deleted, deleted_at) VALUES ('EBP trashed ${t}', '${userId}', true, NULL)`);
  for (const page of ['/dashboard', `/projects/${puid}`, '/trash', '/account']) {
    const res = await alice.get(page);
    assert.equal(res.status, 200, `${page}: ${res.text.slice(0, 300)}`);
  }
  const dash = (await alice.get('/dashboard')).text;
  assert.ok(dash.includes(`EBP project ${t}`), 'the project is listed');
  const proj = (await alice.get(`/projects/${puid}`)).text;
  for (const [table] of kinds) {
    assert.ok(proj.includes(`EBP ${table} ${t}`), `${table} listed`);
    const res = await alice.get(`/${table}/${uids[table]}`);
    assert.equal(res.status, 200, `${table}: ${res.text.slice(0, 300)}`);
  }
  assert.ok((await alice.get('/trash')).text.includes(`EBP trashed ${t}`));
  const m = await getModel(alice, uids.diagrams);
  assert.equal(m._version, 0);
  assert.equal((await alice.get(`/diagrams/${uids.diagrams}/thumb.svg`)).status, 200);
  const saved = await put(alice, uids.diagrams, { ...m, _version: m._version });
  assert.equal(saved.status, 200, saved.text);
});

test('the viewport has its own endpoint: no _version bump, never a conflict, CSRF and values checked', async () => {
  const uid = await newDiagram(alice, 'Viewport');
  const v = (await getModel(alice, uid))._version;
  const t = tag();
  assert.equal((await put(alice, uid, { _version: v, ...shopModel(t) })).status, 200);
  const base = await getModel(alice, uid);
  const res = await alice.request('PUT', `${api(uid)}/viewport`, { json: { x: -250.5, y: 120, zoom: 0.35 } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json(), { viewport: { x: -250.5, y: 120, zoom: 0.35 }, _version: base._version });
  const after = await getModel(alice, uid);
  assert.equal(after._version, base._version, 'a viewport change bumps no version');
  assert.deepEqual(after.viewport, { x: -250.5, y: 120, zoom: 0.35 });
  // A save that started before the scroll still goes through (no conflict) and keeps the viewport.
  const m = shopModel(t);
  delete m.viewport;
  m.name = 'Renamed after a scroll';
  const saved = await put(alice, uid, { _version: base._version, ...m });
  assert.equal(saved.status, 200, saved.text);
  assert.deepEqual((await getModel(alice, uid)).viewport, { x: -250.5, y: 120, zoom: 0.35 });
  // Refusals.
  assert.equal((await alice.request('PUT', `${api(uid)}/viewport`, { json: { x: 1, y: 2, zoom: 1 }, headers: { 'X-CSRF-Token': null } })).status, 403);
  for (const bad of [{ x: 1, y: 2 }, { x: 'a', y: 2, zoom: 1 }, { x: 1, y: 2, zoom: 0 }, { x: 1, y: 2, zoom: 1e6 }, [1, 2, 3]]) {
    assert.equal((await alice.request('PUT', `${api(uid)}/viewport`, { json: bad })).status, 422, JSON.stringify(bad));
  }
  const bob = new Client(stack.baseUrl);
  await bob.signup();
  assert.equal((await bob.request('PUT', `${api(uid)}/viewport`, { json: { x: 0, y: 0, zoom: 1 } })).status, 404);
  assert.deepEqual((await getModel(alice, uid)).viewport, { x: -250.5, y: 120, zoom: 0.35 });
});

test('exports: Mermaid keeps the type syntax it accepts; duplicate table names answer 422 naming them', async () => {
  const uid = await newDiagram(alice, 'Types');
  const v = (await getModel(alice, uid))._version;
  const t = tag();
  const body = {
    _version: v, name: 'Types', viewport: { x: 0, y: 0, zoom: 1 }, relationships: [],
    entities: [{ id: `${t}e1`, name: 'items', x: 0, y: 0, color: '#6366f1', comment: null, columns: [
      col(`${t}c1`, 'title', 'varchar(255)'), col(`${t}c2`, 'price', 'numeric(10,2)'),
      col(`${t}c3`, 'tags', 'text[]'), col(`${t}c4`, 'ratio', 'double precision')] }],
  };
  assert.equal((await put(alice, uid, body)).status, 200);
  const mmd = await alice.get(`${api(uid)}/export?format=mermaid`);
  assert.equal(mmd.status, 200);
  assert.match(mmd.text, /\n {8}varchar\(255\) title\n/);
  assert.match(mmd.text, /\n {8}numeric\(10_2\) price\n/);
  assert.match(mmd.text, /\n {8}text\[\] tags\n/);
  assert.match(mmd.text, /\n {8}double_precision ratio\n/);
  // Every type word matches Mermaid's ATTRIBUTE_WORD: [A-Za-z_][A-Za-z0-9_()[\]-]*
  for (const line of mmd.text.split('\n').filter((l) => /^ {8}\S/.test(l))) assert.match(line.trim().split(' ')[0], /^[A-Za-z_][A-Za-z0-9_()[\]-]*$/, line);
  const dup = { ...body, _version: (await getModel(alice, uid))._version };
  dup.entities = [...body.entities, { ...body.entities[0], id: `${t}e2`, name: 'Items', columns: [col(`${t}c9`, 'id', 'int')] }];
  assert.equal((await put(alice, uid, dup)).status, 200);
  for (const format of ['postgres', 'mysql', 'sqlite', 'dbml', 'mermaid']) {
    const res = await alice.get(`${api(uid)}/export?format=${format}`);
    assert.equal(res.status, 422, format);
    assert.equal(res.json().error, 'duplicate_table');
    assert.match(res.json().message, /named "(items|Items)"/);
  }
  assert.equal((await alice.get(`${api(uid)}/export?format=json`)).status, 200);
  assert.equal((await alice.get(`${api(uid)}/export?format=svg`)).status, 200);
});

test('notes, drawings and flowcharts offer rename on their pages, and it works', async () => {
  const p = await alice.createProject('Renames');
  for (const [kind, prefix] of [['note', '/notes/'], ['drawing', '/drawings/'], ['flowchart', '/flowcharts/']]) {
    const uid = await alice.createFile(p, kind, `Old ${kind}`);
    const page = await alice.get(`${prefix}${uid}`);
    assert.equal(page.status, 200, kind);
    const form = new RegExp(`<form method="post" action="${prefix}${uid}/rename"[^>]*>[\\s\\S]*?name="csrf_token"[\\s\\S]*?name="title" value="Old ${kind}"`);
    assert.match(page.text, form, `${kind}: a rename form with the current name`);
    const res = await alice.postForm(`${prefix}${uid}/rename`, { title: `New ${kind}` });
    assert.equal(res.status, 303, kind);
    assert.match((await alice.get(`${prefix}${uid}`)).text, new RegExp(`value="New ${kind}"`), kind);
  }
});

test('import ?mode=merge adds to the diagram by table name; replace previews what it removes; DBML and our JSON', async () => {
  const uid = await newDiagram(alice, 'Merge');
  const sqlHeaders = { 'Content-Type': 'application/sql' };
  const url = (q) => `${api(uid)}/import?${q}`;
  let res = await alice.request('POST', url('dialect=postgres'), { body: 'CREATE TABLE customers (id int PRIMARY KEY, note text); CREATE TABLE lone (x int);', headers: sqlHeaders });
  assert.equal(res.status, 200, res.text);
  // Move customers somewhere of our own: merging keeps it there.
  const m0 = await getModel(alice, uid);
  const cust0 = m0.entities.find((e) => e.name === 'customers');
  cust0.x = 1000; cust0.y = 700;
  assert.equal((await put(alice, uid, { _version: m0._version, name: m0.name, entities: m0.entities, relationships: m0.relationships })).status, 200);
  const before = await getModel(alice, uid);
  const sql = 'CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL);' +
    'CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers(id));';
  // merge preview: orders added, customers changed, nothing removed, nothing written
  res = await alice.request('POST', url('dialect=postgres&mode=merge&preview=1'), { body: sql, headers: sqlHeaders });
  assert.equal(res.status, 200, res.text);
  const pre = res.json();
  assert.deepEqual(pre.diff.tables.added, ['orders']);
  assert.deepEqual(pre.diff.tables.removed, []);
  assert.deepEqual(await getModel(alice, uid), before);
  // merge for real
  res = await alice.request('POST', url('dialect=postgres&mode=merge'), { body: sql, headers: sqlHeaders });
  assert.equal(res.status, 200, res.text);
  const merged = await getModel(alice, uid);
  const byName = Object.fromEntries(merged.entities.map((e) => [e.name, e]));
  assert.deepEqual(Object.keys(byName).sort(), ['customers', 'lone', 'orders']);
  assert.equal(byName.customers.id, cust0.id, 'the matched table keeps its id');
  assert.deepEqual([byName.customers.x, byName.customers.y], [1000, 700], 'and its position');
  assert.deepEqual(byName.customers.columns.map((c) => c.name), ['id', 'email', 'note'], 'imported columns, then its own');
  assert.equal(byName.customers.columns[0].id, cust0.columns[0].id, 'a matched column keeps its id');
  assert.ok(byName.orders.x > 1000 + 200, `added tables go to the right of the current ones (x ${byName.orders.x})`);
  assert.equal(merged.relationships.length, 1);
  // merging the same again adds nothing
  res = await alice.request('POST', url('dialect=postgres&mode=merge'), { body: sql, headers: sqlHeaders });
  assert.equal(res.status, 200);
  assert.equal((await getModel(alice, uid)).relationships.length, 1);
  assert.equal((await getModel(alice, uid)).entities.length, 3);
  // replace preview names what would go
  res = await alice.request('POST', url('dialect=postgres&mode=replace&preview=1'), { body: 'CREATE TABLE only_me (id int);', headers: sqlHeaders });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json().diff.tables.removed.map((x) => (typeof x === 'string' ? x : x.name)).sort(), ['customers', 'lone', 'orders']);
  assert.equal((await alice.request('POST', url('dialect=postgres&mode=sideways'), { body: sql, headers: sqlHeaders })).status, 422);
  // DBML, replacing
  const dbml = 'Table users {\n  id bigint [pk]\n  email varchar(255) [not null, unique]\n}\nTable posts {\n  id bigint [pk]\n  user_id bigint [ref: > users.id]\n}\n';
  res = await alice.request('POST', url('dialect=dbml&mode=replace'), { body: dbml, headers: { 'Content-Type': 'text/plain' } });
  assert.equal(res.status, 200, res.text);
  const fromDbml = await getModel(alice, uid);
  assert.deepEqual(fromDbml.entities.map((e) => e.name), ['users', 'posts']);
  assert.equal(fromDbml.relationships.length, 1);
  const bad = await alice.request('POST', url('dialect=dbml'), { body: 'Table users {\n  id bigint [pk\n', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(bad.status, 422);
  assert.ok(bad.json().line >= 2, bad.text);
  // our JSON export, imported into another diagram: same names, fresh ids
  const json = (await alice.get(`${api(uid)}/export?format=json`)).text;
  const other = await newDiagram(alice, 'From JSON');
  res = await alice.request('POST', `${api(other)}/import?dialect=json&mode=merge`, { body: json, headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 200, res.text);
  const copy = await getModel(alice, other);
  assert.deepEqual(names(copy), names(fromDbml));
  const ids = new Set(fromDbml.entities.map((e) => e.id));
  assert.ok(copy.entities.every((e) => !ids.has(e.id)), 'fresh ids');
});

test('POST …/layout answers the tidy layout for the model sent (nothing stored), for the owner only', async () => {
  const uid = await newDiagram(alice, 'Layout');
  const sql = fs.readFileSync(path.join(CORPUS, 'northwind.postgres.sql'));
  assert.equal((await alice.request('POST', `${api(uid)}/import?dialect=postgres`, { body: sql, headers: { 'Content-Type': 'application/sql' } })).status, 200);
  const m = await getModel(alice, uid);
  const piled = { name: m.name, entities: m.entities.map((e) => ({ ...e, x: 0, y: 0 })), relationships: m.relationships };
  const res = await alice.request('POST', `${api(uid)}/layout`, { json: piled });
  assert.equal(res.status, 200, res.text);
  const pos = res.json().positions;
  assert.deepEqual(Object.keys(pos).sort(), m.entities.map((e) => e.id).sort());
  const boxes = m.entities.map((e) => ({ name: e.name, x: pos[e.id].x, y: pos[e.id].y, h: 36 + 28 * e.columns.length }));
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    assert.ok(!(a.x < b.x + 240 && b.x < a.x + 240 && a.y < b.y + b.h && b.y < a.y + a.h), `${a.name} and ${b.name} overlap`);
  }
  assert.deepEqual(await getModel(alice, uid), m, 'nothing stored');
  assert.equal((await alice.request('POST', `${api(uid)}/layout`, { json: piled, headers: { 'X-CSRF-Token': null } })).status, 403);
  const bob = new Client(stack.baseUrl);
  await bob.signup();
  assert.equal((await bob.request('POST', `${api(uid)}/layout`, { json: piled })).status, 404);
});
