// tests/integration/explorer.test.js — the SQL editor's and table explorer's API against real
// servers (tests/lib/dbservers.js: PostgreSQL, MariaDB and SQLite holding Chinook): table rows
// a page at a time with sort and filters in each dialect, hostile filter values that stay plain
// values, unknown columns refused, edits shown as SQL and applied in one transaction (a failing
// second change rolls back the first), refusal on read-only connections and tables without a
// primary key, the remembered explorer state, saved queries, explain and the completion schema.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { startDbServers } = require('../lib/dbservers.js');
const { Client } = require('../lib/client.js');

let stack, dbs, alice, bob, project;
const conns = {};

test.before(async () => {
  dbs = await startDbServers();
  stack = await startStack({ env: { CARD_DB_ALLOW_LOOPBACK: '1' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();
  project = await alice.createProject('Explorer');
  bob = new Client(stack.baseUrl);
  await bob.signup();
  const make = async (fields) => {
    const res = await alice.request('POST', '/api/connections', { json: { project_uid: project, ...fields } });
    assert.equal(res.status, 201, res.text);
    return res.json().uid;
  };
  const server = (s) => ({ host: s.host, port: s.port, database: s.database, user: s.user, password: s.password });
  conns.pg = await make({ name: 'pg', type: 'postgres', ...server(dbs.pg) });
  conns.maria = await make({ name: 'maria', type: 'mysql', ...server(dbs.maria) });
  conns.lite = await make({ name: 'lite', type: 'sqlite', sqlite_base64: dbs.sqlite.bytes.toString('base64') });
  conns.pgRo = await make({ name: 'pg ro', type: 'postgres', ...server(dbs.pg), options: { read_only: true } });
});
test.after(async () => {
  if (stack) stack.stop();
  if (dbs) await dbs.stop();
});

// Chinook's artist table as each dialect names it.
const ARTIST = {
  pg: { table: 'artist', id: 'artist_id', name: 'name' },
  maria: { table: 'Artist', id: 'ArtistId', name: 'Name' },
  lite: { table: 'Artist', id: 'ArtistId', name: 'Name' },
};

function rowsUrl(uid, table, q = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) p.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return `/api/connections/${uid}/tables/${encodeURIComponent(table)}/rows?${p}`;
}
const rows = (client, uid, table, q) => client.get(rowsUrl(uid, table, q));
const apply = (client, uid, table, body) =>
  client.request('POST', `/api/connections/${uid}/tables/${encodeURIComponent(table)}/rows/apply`, { json: body });

test('rows a page at a time, sorted by any column, with the total, in every dialect', async () => {
  for (const k of ['pg', 'maria', 'lite']) {
    const a = ARTIST[k];
    const res = await rows(alice, conns[k], a.table, { page: '2', page_size: '10' });
    assert.equal(res.status, 200, `${k}: ${res.text}`);
    const j = res.json();
    assert.equal(j.total, 275, k);
    assert.equal(j.rows.length, 10);
    assert.deepEqual(j.rows.map((r) => Number(r[0])), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20], k);
    assert.deepEqual(j.columns.map((c) => c.name), [a.id, a.name]);
    assert.equal(j.columns[0].is_pk, true);
    assert.equal(j.editable, true);
    const desc = (await rows(alice, conns[k], a.table, { sort: a.name, dir: 'desc', page_size: '3' })).json();
    const names = desc.rows.map((r) => r[1]);
    assert.deepEqual([...names].sort().reverse(), names, `${k} sorted descending`);
    const last = (await rows(alice, conns[k], a.table, { page: '28', page_size: '10' })).json();
    assert.equal(last.rows.length, 5, `${k} last page`);
  }
});

test('filters: =, <>, <, >, contains, starts with, in, is null, and the full-row search', async () => {
  for (const k of ['pg', 'maria', 'lite']) {
    const a = ARTIST[k];
    const get = async (filters, extra = {}) => {
      const res = await rows(alice, conns[k], a.table, { filters, page_size: '500', ...extra });
      assert.equal(res.status, 200, `${k} ${JSON.stringify(filters)}: ${res.text}`);
      return res.json();
    };
    assert.deepEqual((await get([{ column: a.name, op: '=', value: 'AC/DC' }])).rows, [[1, 'AC/DC']], k);
    assert.equal((await get([{ column: a.id, op: '<>', value: '1' }])).total, 274);
    assert.equal((await get([{ column: a.id, op: '<', value: '6' }])).total, 5);
    assert.equal((await get([{ column: a.id, op: '>', value: '270' }])).total, 5);
    const c = await get([{ column: a.name, op: 'contains', value: 'led zeppelin' }]);
    assert.deepEqual(c.rows.map((r) => r[1]), ['Led Zeppelin'], `${k} contains, case-insensitive`);
    const s = await get([{ column: a.name, op: 'starts_with', value: 'Iron' }]);
    assert.deepEqual(s.rows.map((r) => r[1]), ['Iron Maiden'], k);
    assert.equal((await get([{ column: a.id, op: 'in', values: ['1', '2', '3', '999'] }])).total, 3);
    assert.equal((await get([{ column: a.name, op: 'is_null' }])).total, 0);
    assert.equal((await get([{ column: a.name, op: 'not_null' }])).total, 275);
    const both = await get([{ column: a.id, op: '>', value: '10' }, { column: a.name, op: 'starts_with', value: 'A' }]);
    assert.ok(both.rows.length > 0 && both.rows.every((r) => r[0] > 10 && r[1].startsWith('A')), k);
    const search = await get([], { q: 'REFUGEE' });
    assert.deepEqual(search.rows, [[161, "Aerosmith & Sierra Leone's Refugee Allstars"]], `${k} full-row search`);
    assert.deepEqual((await get([], { q: '275' })).rows.map((r) => r[0]), [275], `${k} search reaches numbers`);
    // A wildcard in a value is a literal character, not a pattern.
    assert.equal((await get([{ column: a.name, op: 'contains', value: '%' }])).total, 0, `${k} literal %`);
    assert.equal((await get([{ column: a.name, op: 'starts_with', value: '_' }])).total, 0, `${k} literal _`);
  }
});

test('hostile filter values are plain values: they match nothing or themselves, and change nothing', async () => {
  const hostile = ["' OR '1'='1", "x'; DROP TABLE artist; --", '1 OR 1=1', "\\'; DELETE FROM Artist; #",
    '") OR ("a"="a', '`; DROP TABLE Artist; --'];
  for (const k of ['pg', 'maria', 'lite']) {
    const a = ARTIST[k];
    for (const v of hostile) {
      for (const op of ['=', 'contains', 'starts_with']) {
        const res = await rows(alice, conns[k], a.table, { filters: [{ column: a.name, op, value: v }] });
        assert.equal(res.status, 200, `${k} ${op} ${v}: ${res.text}`);
        assert.equal(res.json().total, 0, `${k} ${op} ${v}`);
      }
      const inRes = await rows(alice, conns[k], a.table, { filters: [{ column: a.name, op: 'in', values: [v, 'AC/DC'] }] });
      assert.equal(inRes.json().total, 1, `${k} in`);
      assert.equal((await rows(alice, conns[k], a.table, { q: v })).json().total, 0, `${k} search ${v}`);
    }
    // The statement shown holds placeholders, never the value.
    const shown = (await rows(alice, conns[k], a.table, { filters: [{ column: a.name, op: '=', value: hostile[0] }] })).json().sql;
    assert.ok(!shown.sql.includes(hostile[0]), shown.sql);
    assert.deepEqual(shown.params, [hostile[0]]);
    const total = (await rows(alice, conns[k], a.table)).json().total;
    assert.equal(total, 275, `${k} still has every artist`);
  }
  // A value that is itself hostile is found literally once it is stored.
  const add = await apply(alice, conns.lite, 'Artist', { changes: [{ op: 'insert', values: { ArtistId: 9001, Name: hostile[1] } }] });
  assert.equal(add.status, 200, add.text);
  const found = (await rows(alice, conns.lite, 'Artist', { filters: [{ column: 'Name', op: '=', value: hostile[1] }] })).json();
  assert.deepEqual(found.rows, [[9001, hostile[1]]]);
  assert.deepEqual((await rows(alice, conns.lite, 'Artist', { filters: [{ column: 'Name', op: 'contains', value: 'DROP TABLE' }] })).json().rows, [[9001, hostile[1]]]);
});

test('unknown columns, operators and tables are refused, never written into SQL', async () => {
  const bad = [
    { filters: [{ column: 'name; DROP TABLE artist', op: '=', value: '1' }] },
    { filters: [{ column: 'name', op: 'OR 1=1 --', value: '1' }] },
    { sort: 'name DESC; DROP TABLE artist' },
    { filters: 'not json' },
  ];
  for (const q of bad) {
    const res = await rows(alice, conns.pg, 'artist', q);
    assert.equal(res.status, 422, `${JSON.stringify(q)}: ${res.text}`);
  }
  assert.equal((await rows(alice, conns.pg, 'artist; DROP TABLE artist')).status, 404);
  assert.equal((await rows(alice, conns.pg, 'pg_authid')).status, 404);
  assert.equal(dbs.pg.sql('SELECT count(*) FROM artist'), '275');
  // Another user's connection is not found.
  assert.equal((await rows(bob, conns.pg, 'artist')).status, 404);
});

test('edits: shown as SQL, applied in one transaction; a failing change rolls back the ones before', async () => {
  for (const k of ['pg', 'maria', 'lite']) {
    const a = ARTIST[k];
    const change = { op: 'update', key: { [a.id]: 5 }, values: { [a.name]: 'Alice in Chains (edited)' } };
    const preview = await apply(alice, conns[k], a.table, { changes: [change], preview: true });
    assert.equal(preview.status, 200, preview.text);
    assert.equal(preview.json().applied, false);
    assert.match(preview.json().statements[0].sql, /^UPDATE .*artist.* SET .*name.* WHERE .*artist_?id.*/i);
    assert.deepEqual(preview.json().statements[0].params, ['Alice in Chains (edited)', '5']);
    const name5 = async () => (await rows(alice, conns[k], a.table, { filters: [{ column: a.id, op: '=', value: '5' }] })).json().rows[0][1];
    assert.equal(await name5(), 'Alice In Chains', `${k}: a preview changes nothing`);

    // Second change fails (duplicate key): the first is undone.
    const failing = await apply(alice, conns[k], a.table, { changes: [change,
      { op: 'insert', values: { [a.id]: 1, [a.name]: 'duplicate' } }] });
    assert.equal(failing.status, 422, `${k}: ${failing.text}`);
    assert.equal(failing.json().failed_change, 1);
    assert.equal(await name5(), 'Alice In Chains', `${k}: rolled back`);
    // A change matching no row fails the batch too.
    const missing = await apply(alice, conns[k], a.table, { changes: [change,
      { op: 'delete', key: { [a.id]: 424242 } }] });
    assert.equal(missing.status, 422, missing.text);
    assert.equal(await name5(), 'Alice In Chains');

    const ok = await apply(alice, conns[k], a.table, { changes: [change,
      { op: 'insert', values: { [a.id]: 7001, [a.name]: 'New artist' } },
      { op: 'update', key: { [a.id]: 7001 }, values: { [a.name]: null } }] });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json().applied, true);
    assert.equal(await name5(), 'Alice in Chains (edited)');
    const added = (await rows(alice, conns[k], a.table, { filters: [{ column: a.id, op: '=', value: '7001' }] })).json();
    assert.deepEqual(added.rows, [[7001, null]], `${k}: NULL stored as NULL`);
    assert.equal((await apply(alice, conns[k], a.table, { changes: [{ op: 'delete', key: { [a.id]: 7001 } }] })).status, 200);
    assert.equal((await rows(alice, conns[k], a.table)).json().total, k === 'lite' ? 276 : 275);
    // The key must be the whole primary key, and columns must exist.
    assert.equal((await apply(alice, conns[k], a.table, { changes: [{ op: 'update', key: { [a.name]: 'AC/DC' }, values: { [a.name]: 'x' } }] })).status, 422);
    assert.equal((await apply(alice, conns[k], a.table, { changes: [{ op: 'update', key: { [a.id]: 1 }, values: { 'nope; --': 'x' } }] })).status, 422);
  }
  assert.equal(dbs.pg.sql('SELECT name FROM artist WHERE artist_id = 5'), 'Alice in Chains (edited)');
  assert.equal(dbs.maria.sql('SELECT Name FROM Artist WHERE ArtistId = 5'), 'Alice in Chains (edited)');
  // The edits are in the query history.
  const hist = (await alice.get(`/api/connections/${conns.pg}/history?q=UPDATE`)).json().history;
  assert.ok(hist.some((h) => /UPDATE "artist"/.test(h.sql)));
});

test('edits are refused on read-only connections and on tables without a primary key', async () => {
  const ro = await apply(alice, conns.pgRo, 'artist', { changes: [{ op: 'delete', key: { artist_id: 1 } }] });
  assert.equal(ro.status, 422);
  assert.equal(ro.json().error, 'read_only');
  assert.equal((await rows(alice, conns.pgRo, 'artist')).json().editable, false);
  assert.equal(dbs.pg.sql('SELECT count(*) FROM artist WHERE artist_id = 1'), '1');

  dbs.pg.sql("CREATE TABLE nokey (a int, b text); INSERT INTO nokey VALUES (1, 'one'), (1, 'one'); ALTER TABLE nokey OWNER TO card_dbws");
  const listed = await rows(alice, conns.pg, 'nokey');
  assert.equal(listed.status, 200, listed.text);
  assert.equal(listed.json().editable, false);
  assert.equal(listed.json().total, 2);
  for (const change of [{ op: 'delete', key: { a: 1 } }, { op: 'update', key: { a: 1 }, values: { b: 'x' } },
    { op: 'insert', values: { a: 2 } }]) {
    const res = await apply(alice, conns.pg, 'nokey', { changes: [change] });
    assert.equal(res.status, 422);
    assert.equal(res.json().error, 'no_key');
  }
  assert.equal(dbs.pg.sql('SELECT count(*) FROM nokey'), '2');
});

test('the explorer state is remembered per user and table', async () => {
  const url = `/api/connections/${conns.pg}/tables/artist/state`;
  assert.deepEqual((await alice.get(url)).json().state, {});
  const state = { sort: 'name', dir: 'desc', hidden: ['artist_id'], order: ['name', 'artist_id'],
    filters: [{ column: 'name', op: 'contains', value: 'a' }], page_size: 25 };
  assert.equal((await alice.request('PUT', url, { json: { state } })).status, 200);
  assert.deepEqual((await alice.get(url)).json().state, state);
  assert.deepEqual((await alice.get(`/api/connections/${conns.pg}/tables/album/state`)).json().state, {});
  assert.equal((await bob.get(url)).status, 404);
  assert.equal((await alice.request('PUT', url, { json: { state: 'x' } })).status, 422);
});

test('saved queries with names and folders', async () => {
  const base = `/api/connections/${conns.pg}/saved-queries`;
  const a = await alice.request('POST', base, { json: { name: 'Top artists', folder: 'Reports', sql: 'SELECT * FROM artist LIMIT 10' } });
  assert.equal(a.status, 201, a.text);
  const b = await alice.request('POST', base, { json: { name: 'All genres', sql: 'SELECT * FROM genre' } });
  assert.equal(b.status, 201);
  assert.equal((await alice.request('POST', base, { json: { name: '', sql: 'SELECT 1' } })).status, 422);
  let list = (await alice.get(base)).json().saved_queries;
  assert.deepEqual(list.map((q) => [q.name, q.folder]), [['All genres', null], ['Top artists', 'Reports']]);
  const upd = await alice.request('POST', base, { json: { uid: a.json().uid, name: 'Top 5', folder: 'Reports', sql: 'SELECT 5' } });
  assert.equal(upd.status, 200);
  assert.equal((await bob.get(base)).status, 404);
  assert.equal((await alice.request('DELETE', `${base}/${b.json().uid}`)).status, 204);
  list = (await alice.get(base)).json().saved_queries;
  assert.deepEqual(list.map((q) => [q.name, q.sql]), [['Top 5', 'SELECT 5']]);
  assert.equal((await alice.request('DELETE', `${base}/${b.json().uid}`)).status, 404);
});

test('explain shows the plan per dialect and runs nothing else', async () => {
  const plans = { pg: /Seq Scan on artist|Index Scan/, maria: /Artist|ALL|index/i, lite: /SCAN|SEARCH/ };
  for (const k of ['pg', 'maria', 'lite']) {
    const res = await alice.request('POST', `/api/connections/${conns[k]}/explain`,
      { json: { sql: `SELECT * FROM ${ARTIST[k].table} WHERE ${ARTIST[k].name} = 'x';` } });
    assert.equal(res.status, 200, `${k}: ${res.text}`);
    assert.match(res.json().plan, plans[k], k);
  }
  const two = await alice.request('POST', `/api/connections/${conns.pg}/explain`,
    { json: { sql: 'SELECT 1; DROP TABLE genre' } });
  assert.equal(two.status, 422);
  const lite2 = await alice.request('POST', `/api/connections/${conns.lite}/explain`,
    { json: { sql: 'SELECT 1; DROP TABLE Genre' } });
  assert.equal(lite2.status, 422);
  assert.equal(dbs.pg.sql('SELECT count(*) FROM genre'), '25');
});

test('the completion schema lists tables and columns, from the catalog then the cache', async () => {
  const first = (await alice.get(`/api/connections/${conns.maria}/schema`)).json();
  const second = (await alice.get(`/api/connections/${conns.maria}/schema`)).json();
  assert.equal(second.source, 'cache');
  assert.equal(second.dialect, 'mysql');
  for (const s of [first, second]) {
    const artist = s.tables.find((t) => t.name === 'Artist');
    assert.deepEqual(artist.columns.map((c) => c.name), ['ArtistId', 'Name']);
    assert.equal(s.tables.length, 11);
  }
});
