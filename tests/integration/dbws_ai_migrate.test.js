// tests/integration/dbws_ai_migrate.test.js — the database workspace's natural language → SQL,
// "compare with database" migration and SQLite upload, against real servers
// (tests/lib/dbservers.js: a second PostgreSQL cluster holding Chinook) and the fake AI provider
// (tests/fake_ai): the schema sent as context, the answer's SQL returned (never run) with writes
// flagged, every request logged (db_ai_query_logs) and its foreign keys kept (db_erd_relations),
// the AI module gate and hostile input; the migration downloaded with its file name, refused on
// read-only connections and with a stale confirm, run in one transaction (a failing statement
// changes nothing and answers its position), and compare → execute → compare showing no changes,
// on the API and on the page; the SQLite upload and its refusal of other files.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { startDbServers } = require('../lib/dbservers.js');
const { Client } = require('../lib/client.js');
const { startFake } = require('../fake_ai/index.js');

const KEY = 'sk-test-dbws-0123456789abcdef';
let stack, dbs, fake, alice, bob, project, aliceId;

test.before(async () => {
  fake = await startFake();
  dbs = await startDbServers();
  stack = await startStack({ env: { CARD_DB_ALLOW_LOOPBACK: '1', CARD_AI_ALLOW_PRIVATE: '1' } });
  alice = new Client(stack.baseUrl);
  await alice.signup();                 // the first user: super admin (the module settings)
  project = await alice.createProject('Databases AI');
  aliceId = stack.sql(`SELECT id FROM users WHERE email = '${alice.email}'`);
  bob = new Client(stack.baseUrl);
  await bob.signup();
});
test.after(async () => {
  try {
    if (stack) stack.stop();
  } finally {
    if (fake) fake.stop();
    if (dbs) await dbs.stop();
  }
});

/** configure: alice's AI provider is the fake (OpenAI wire) with `model` selected. */
function configure(model) {
  stack.sql(`UPDATE ai_providers SET base_url = '${fake.url}/v1', is_active = true WHERE code = 'openai_compatible';
    INSERT INTO ai_models (provider_id, model_identifier, display_name, context_window, is_active, input_price, output_price)
      SELECT id, '${model}', '${model}', 8000, true, 1.5, 6 FROM ai_providers p WHERE code = 'openai_compatible'
        AND NOT EXISTS (SELECT 1 FROM ai_models m WHERE m.provider_id = p.id AND m.model_identifier = '${model}');
    DELETE FROM user_ai_configs WHERE user_id = '${aliceId}';
    INSERT INTO user_ai_configs (user_id, provider_id, selected_model_id, api_key, is_enabled)
      SELECT '${aliceId}', p.id, m.id, '${KEY}', true FROM ai_providers p JOIN ai_models m ON m.provider_id = p.id
       WHERE p.code = 'openai_compatible' AND m.model_identifier = '${model}';`);
}

function pgFields(extra = {}, options = {}) {
  return { name: 'chinook pg', type: 'postgres', host: dbs.pg.host, port: dbs.pg.port, database: dbs.pg.database,
    user: dbs.pg.user, password: dbs.pg.password, project_uid: project, options, ...extra };
}
async function create(client, fields) {
  const res = await client.request('POST', '/api/connections', { json: fields });
  assert.equal(res.status, 201, res.text);
  return res.json().uid;
}
const aiSql = (client, uid, body) => client.request('POST', `/api/connections/${uid}/ai-sql`, { json: body });
const compare = async (uid, d) => {
  const res = await alice.get(`/api/connections/${uid}/compare?diagram_uid=${d}`);
  assert.equal(res.status, 200, res.text);
  return res.json();
};
const execute = (uid, body) => alice.request('POST', `/api/connections/${uid}/compare/execute`, { json: body });
const liveColumns = (table) => dbs.pg.sql(`SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}'`);

test('natural language → SQL: the schema as context, the SQL returned and never run, logged with its model and tokens', async () => {
  configure('fake-select');
  const uid = await create(alice, pgFields());
  await fake.reset();
  const res = await aiSql(alice, uid, { prompt: 'the first ten artists by name' });
  assert.equal(res.status, 200, res.text);
  const r = res.json();
  assert.equal(r.sql, 'SELECT name FROM artist\nORDER BY name LIMIT 10;');
  assert.equal(r.writes, false);
  assert.equal(r.write_count, 0);
  assert.equal(r.model, 'fake-select');
  assert.ok(Number.isInteger(r.log_id));
  const sent = (await fake.stats()).log.at(-1);
  assert.equal(sent.auth, `Bearer ${KEY}`);
  const system = sent.messages.find((m) => m.role === 'system').content;
  assert.match(system, /PostgreSQL database/);
  assert.match(system, /\nartist\(artist_id integer PRIMARY KEY, name /, 'tables and columns from the cached schema');
  assert.match(system, /album\.artist_id -> artist\.artist_id/, 'foreign keys from db_erd_relations');
  assert.equal(sent.messages.find((m) => m.role === 'user').content, 'the first ten artists by name');
  const log = JSON.parse(stack.sql(`SELECT row_to_json(l) FROM db_ai_query_logs l WHERE id = ${r.log_id}`));
  assert.equal(log.prompt_text, 'the first ten artists by name');
  assert.equal(log.generated_query, r.sql);
  assert.equal(log.model_identifier, 'fake-select');
  assert.equal(log.provider_code, 'openai_compatible');
  assert.equal(log.user_id, aliceId);
  assert.equal(log.status, 'complete');
  assert.equal(log.writes, false);
  assert.equal(log.input_tokens, sent.usage.input);
  assert.equal(log.output_tokens, sent.usage.output);
  assert.equal(stack.sql(`SELECT count(*) FROM ai_usage WHERE user_id = '${aliceId}' AND model_identifier = 'fake-select'`), '1');
  // never run: nothing in the query history
  assert.equal(stack.sql(`SELECT count(*) FROM db_queries q JOIN db_accounts a ON a.id = q.account_id WHERE a.uid = '${uid}'`), '0');
  // the relations read from the live schema are kept, one row per foreign key column
  assert.equal(stack.sql(`SELECT count(*) FROM db_erd_relations f JOIN db_accounts a ON a.id = f.account_id
    WHERE a.uid = '${uid}' AND table_from = 'album' AND column_from = 'artist_id' AND table_to = 'artist' AND column_to = 'artist_id'`), '1');
  const fks = Number(dbs.pg.sql(`SELECT count(*) FROM information_schema.key_column_usage k JOIN information_schema.table_constraints t
    ON t.constraint_name = k.constraint_name AND t.table_schema = k.table_schema WHERE t.constraint_type = 'FOREIGN KEY' AND t.table_schema = 'public'`));
  assert.equal(Number(stack.sql(`SELECT count(*) FROM db_erd_relations f JOIN db_accounts a ON a.id = f.account_id WHERE a.uid = '${uid}'`)), fks);
  // the log reads back through the API
  const list = (await alice.get(`/api/connections/${uid}/ai-sql`)).json().requests;
  assert.equal(list[0].id, r.log_id);
  assert.equal(list[0].sql, r.sql);
});

test('natural language → SQL: a statement that writes is flagged, and still not run', async () => {
  configure('fake-sql');
  const uid = await create(alice, pgFields({}, { read_only: false }));
  const res = await aiSql(alice, uid, { prompt: 'add an invoices table' });
  assert.equal(res.status, 200, res.text);
  assert.match(res.json().sql, /^CREATE TABLE invoices/);
  assert.equal(res.json().writes, true);
  assert.equal(res.json().write_count, 1);
  assert.equal(dbs.pg.sql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'invoices'"), '0');
  assert.equal(stack.sql(`SELECT writes FROM db_ai_query_logs WHERE id = ${res.json().log_id}`), 't');
});

test('natural language → SQL: provider errors are logged and answered 502; bad input and other users refused', async () => {
  const uid = await create(alice, pgFields());
  configure('fake-500');
  let res = await aiSql(alice, uid, { prompt: 'anything' });
  assert.equal(res.status, 502, res.text);
  assert.ok(!res.text.includes(KEY), 'the key is never sent back');
  const log = JSON.parse(stack.sql(`SELECT row_to_json(l) FROM db_ai_query_logs l WHERE id = ${res.json().log_id}`));
  assert.equal(log.status, 'failed');
  assert.equal(log.generated_query, null);
  configure('fake-select');
  for (const body of [{}, { prompt: '' }, { prompt: '   ' }, { prompt: 7 }, { prompt: 'x'.repeat(4001) }]) {
    res = await aiSql(alice, uid, body);
    assert.equal(res.status, 422, JSON.stringify(body));
  }
  res = await alice.request('POST', `/api/connections/${uid}/ai-sql`, { body: '["prompt"]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 400);
  res = await alice.request('POST', `/api/connections/${uid}/ai-sql`, { body: 'prompt=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 415);
  res = await aiSql(alice, 'no-such-connection', { prompt: 'x' });
  assert.equal(res.status, 404);
  res = await aiSql(bob, uid, { prompt: 'x' });
  assert.equal(res.status, 404, "another user's connection is not found");
  assert.equal((await bob.get(`/api/connections/${uid}/ai-sql`)).status, 404);
  // Hostile prompt: stored as given, never interpreted
  const hostile = "'); DROP TABLE db_ai_query_logs; --<script>";
  res = await aiSql(alice, uid, { prompt: hostile });
  assert.equal(res.status, 200, res.text);
  assert.equal(stack.sql(`SELECT prompt_text FROM db_ai_query_logs WHERE id = ${res.json().log_id}`), hostile);
  // bob has no provider configured
  const bobConn = await create(bob, { ...pgFields(), project_uid: undefined });
  res = await aiSql(bob, bobConn, { prompt: 'x' });
  assert.equal(res.status, 409);
  assert.equal(res.json().error, 'not_configured');
});

test('natural language → SQL is behind the AI module gate', async () => {
  configure('fake-select');
  const uid = await create(alice, pgFields());
  let res = await alice.request('PUT', '/api/admin/settings/modules', { json: { personal_modules: ['database_workspace', 'dashboards'] } });
  assert.equal(res.status, 200, res.text);
  try {
    const before = stack.sql('SELECT count(*) FROM db_ai_query_logs');
    res = await aiSql(alice, uid, { prompt: 'x' });
    assert.equal(res.status, 403);
    assert.equal(res.json().error, 'module_disabled');
    assert.equal(stack.sql('SELECT count(*) FROM db_ai_query_logs'), before);
  } finally {
    res = await alice.request('PUT', '/api/admin/settings/modules', { json: { personal_modules: ['ai', 'database_workspace', 'dashboards'] } });
    assert.equal(res.status, 200);
  }
});

/** addColumns: the diagram d's table `table` gets columns [{name, type}] (copies of its last one). */
async function addColumns(d, table, cols) {
  const got = (await alice.get(`/api/diagrams/${d}`)).json();
  const e = got.entities.find((x) => x.name === table);
  const last = e.columns[e.columns.length - 1];
  cols.forEach((c, i) => e.columns.push({ ...last, id: `${last.id}-x${i}`, name: c.name, type: c.type, is_pk: false,
    is_nullable: true, is_unique: false, default: null, comment: null }));
  const res = await alice.request('PUT', `/api/diagrams/${d}`, { json: got });
  assert.equal(res.status, 200, res.text);
}

test('compare → execute → compare again shows no changes; the history records it', async () => {
  const uid = await create(alice, pgFields({}, { read_only: false }));
  const d = await alice.createFile(project, 'diagram', 'design');
  assert.equal((await alice.request('POST', `/api/connections/${uid}/import-schema`, { json: { diagram_uid: d } })).status, 200);
  await addColumns(d, 'artist', [{ name: 'nickname', type: 'text' }]);
  dbs.pg.sql('ALTER TABLE genre ADD COLUMN drifted int');
  try {
    const cmp = await compare(uid, d);
    assert.equal(cmp.can_execute, true);
    assert.ok(cmp.changes.some((c) => c.kind === 'column' && c.action === 'added' && c.column === 'nickname'), JSON.stringify(cmp.changes));
    assert.ok(cmp.changes.some((c) => c.kind === 'column' && c.action === 'removed' && c.column === 'drifted'));
    assert.match(cmp.migration_sha256, /^[0-9a-f]{64}$/);
    const res = await execute(uid, { diagram_uid: d, confirm: cmp.migration_sha256 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().applied, true);
    assert.match(liveColumns('artist'), /,nickname$/);
    assert.ok(!liveColumns('genre').includes('drifted'));
    const again = await compare(uid, d);
    assert.equal(again.changes.length, 0, JSON.stringify(again.changes));
    assert.equal(again.empty, true);
    assert.equal(again.can_execute, false);
    const hist = (await alice.get(`/api/connections/${uid}/history`)).json().history;
    assert.equal(hist[0].sql, cmp.migration_sql);
    assert.equal(hist[0].error, null);
    // nothing left to run
    const none = await execute(uid, { diagram_uid: d, confirm: again.migration_sha256 });
    assert.equal(none.status, 422);
    assert.equal(none.json().error, 'no_changes');
  } finally {
    dbs.pg.sql('ALTER TABLE artist DROP COLUMN IF EXISTS nickname; ALTER TABLE genre DROP COLUMN IF EXISTS drifted');
  }
});

test('execute: a stale or wrong confirm, a read-only connection and bad input are refused, and nothing changes', async () => {
  const rw = await create(alice, pgFields({}, { read_only: false }));
  const ro = await create(alice, pgFields({}, { read_only: true }));
  const d = await alice.createFile(project, 'diagram', 'refusals');
  assert.equal((await alice.request('POST', `/api/connections/${rw}/import-schema`, { json: { diagram_uid: d } })).status, 200);
  await addColumns(d, 'artist', [{ name: 'refused_col', type: 'int' }]);
  const cmp = await compare(rw, d);
  let res = await execute(rw, { diagram_uid: d, confirm: 'f'.repeat(64) });
  assert.equal(res.status, 409, res.text);
  assert.equal(res.json().error, 'stale');
  // the preview goes stale when the database changes after it was shown
  dbs.pg.sql('ALTER TABLE genre ADD COLUMN sneaky int');
  try {
    res = await execute(rw, { diagram_uid: d, confirm: cmp.migration_sha256 });
    assert.equal(res.status, 409, res.text);
  } finally {
    dbs.pg.sql('ALTER TABLE genre DROP COLUMN sneaky');
  }
  for (const body of [{ diagram_uid: d }, { diagram_uid: d, confirm: '' }, { diagram_uid: d, confirm: 42 }]) {
    res = await execute(rw, body);
    assert.equal(res.status, 422, JSON.stringify(body));
  }
  res = await execute(rw, { diagram_uid: 'nope', confirm: cmp.migration_sha256 });
  assert.equal(res.status, 404);
  res = await execute(rw, { diagram_uid: "x' OR 1=1 --", confirm: cmp.migration_sha256 });
  assert.equal(res.status, 422);
  const roCmp = await compare(ro, d);
  assert.equal(roCmp.can_execute, false);
  res = await execute(ro, { diagram_uid: d, confirm: roCmp.migration_sha256 });
  assert.equal(res.status, 422);
  assert.equal(res.json().error, 'read_only');
  res = await bob.request('POST', `/api/connections/${rw}/compare/execute`, { json: { diagram_uid: d, confirm: cmp.migration_sha256 } });
  assert.equal(res.status, 404);
  res = await alice.request('POST', `/api/connections/${rw}/compare/execute`, { json: { diagram_uid: d, confirm: cmp.migration_sha256 }, headers: { 'X-CSRF-Token': 'wrong' } });
  assert.equal(res.status, 403);
  assert.ok(!liveColumns('artist').includes('refused_col'), 'nothing ran');
});

test('execute: a failing statement rolls the whole migration back and answers its position', async () => {
  const uid = await create(alice, pgFields({}, { read_only: false }));
  const d = await alice.createFile(project, 'diagram', 'failing');
  assert.equal((await alice.request('POST', `/api/connections/${uid}/import-schema`, { json: { diagram_uid: d } })).status, 200);
  await addColumns(d, 'artist', [{ name: 'good_col', type: 'integer' }, { name: 'bad_col', type: 'no_such_type' }]);
  const cmp = await compare(uid, d);
  const res = await execute(uid, { diagram_uid: d, confirm: cmp.migration_sha256 });
  assert.equal(res.status, 422, res.text);
  const e = res.json();
  assert.equal(e.applied, false);
  assert.match(e.message, /no_such_type/);
  assert.ok(e.position > 0);
  const lines = cmp.migration_sql.split('\n');
  assert.match(lines[e.line - 1], /no_such_type/, 'line points at the failing statement');
  assert.equal(liveColumns('artist').includes('good_col'), false, 'one transaction: the first column was rolled back');
  const hist = (await alice.get(`/api/connections/${uid}/history`)).json().history;
  assert.match(hist[0].error, /no_such_type/);
});

test('the migration downloads as a file named after the connection and diagram, either way', async () => {
  const uid = await create(alice, pgFields({ name: 'Prod\nDROP TABLE artist; --' }, { read_only: false }));
  const d = await alice.createFile(project, 'diagram', 'Shop v2');
  assert.equal((await alice.request('POST', `/api/connections/${uid}/import-schema`, { json: { diagram_uid: d } })).status, 200);
  await addColumns(d, 'artist', [{ name: 'dl_col', type: 'text' }]);
  const cmp = await compare(uid, d);
  let res = await alice.get(`/api/connections/${uid}/compare.sql?diagram_uid=${d}&direction=forward`);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/sql/);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="migrate-Prod_DROP_TABLE_artist_---to-Shop_v2.sql"');
  assert.ok(res.text.endsWith(cmp.migration_sql));
  assert.ok(res.text.includes(cmp.migration_sha256));
  assert.ok(!res.text.split('\n').some((l) => /^DROP TABLE artist/.test(l)), 'names stay inside their comment line');
  res = await alice.get(`/api/connections/${uid}/compare.sql?diagram_uid=${d}&direction=reverse`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition'), /filename="revert-/);
  assert.ok(res.text.endsWith(cmp.reverse_sql));
  assert.match(cmp.reverse_sql, /DROP COLUMN "?dl_col"?/);
  res = await alice.get(`/api/connections/${uid}/compare.sql?diagram_uid=${d}&direction=sideways`);
  assert.equal(res.status, 422);
  res = await bob.get(`/api/connections/${uid}/compare.sql?diagram_uid=${d}`);
  assert.equal(res.status, 404);
  assert.ok(!liveColumns('artist').includes('dl_col'), 'downloading runs nothing');
});

test('the page: compare, a confirmed run with the outcome shown, and a run without the box ticked refused', async () => {
  const uid = await create(alice, pgFields({}, { read_only: false }));
  const d = await alice.createFile(project, 'diagram', 'page <b>design</b>');
  assert.equal((await alice.request('POST', `/api/connections/${uid}/import-schema`, { json: { diagram_uid: d } })).status, 200);
  await addColumns(d, 'artist', [{ name: 'page_col', type: 'text' }]);
  try {
    // the comparison reads the live database: a query-worker route; the older link redirects there
    const old = await alice.get(`/projects/${project}/databases?conn=${uid}&compare=${d}`);
    assert.equal(old.status, 303);
    assert.equal(old.headers.get('location'), `/projects/${project}/databases/${uid}/compare?compare=${d}`);
    assert.match((await alice.get(`/projects/${project}/databases?conn=${uid}`)).text,
      new RegExp(`action="/projects/${project}/databases/${uid}/compare"`));
    assert.equal((await bob.get(`/projects/${project}/databases/${uid}/compare?compare=${d}`)).status, 404);
    let page = await alice.get(old.headers.get('location'));
    assert.equal(page.status, 200);
    assert.match(page.text, /id="migration-sql"/);
    assert.ok(page.text.includes('page &lt;b&gt;design&lt;/b&gt;'), 'escaped');
    const sha = /name="confirm" value="([0-9a-f]{64})"/.exec(page.text)[1];
    assert.match(page.text, /id="sqlite-upload"/);
    page = await alice.postForm(`/projects/${project}/databases/${uid}/migrate`, { diagram_uid: d, confirm: sha });
    assert.equal(page.status, 422);
    assert.match(page.text, /Tick the box/);
    assert.ok(!liveColumns('artist').includes('page_col'));
    page = await alice.postForm(`/projects/${project}/databases/${uid}/migrate`, { diagram_uid: d, confirm: sha.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')), reviewed: '1' });
    assert.equal(page.status, 409);
    assert.ok(!liveColumns('artist').includes('page_col'));
    page = await alice.postForm(`/projects/${project}/databases/${uid}/migrate`, { diagram_uid: d, confirm: sha, reviewed: '1' });
    assert.equal(page.status, 200, page.text.slice(0, 400));
    assert.match(page.text, /The migration ran in/);
    assert.match(page.text, /the database matches the diagram/);
    assert.match(liveColumns('artist'), /page_col/);
  } finally {
    dbs.pg.sql('ALTER TABLE artist DROP COLUMN IF EXISTS page_col');
  }
});

test('SQLite upload: the raw file becomes a connection; other files are refused clearly', async () => {
  let res = await alice.request('POST', `/api/connections/sqlite?project_uid=${project}&name=uploaded&read_only=1`,
    { body: dbs.sqlite.bytes, headers: { 'Content-Type': 'application/vnd.sqlite3' } });
  assert.equal(res.status, 201, res.text);
  const uid = res.json().uid;
  const c = (await alice.get(`/api/connections/${uid}`)).json();
  assert.equal(c.type, 'sqlite');
  assert.equal(c.name, 'uploaded');
  res = await alice.request('POST', `/api/connections/${uid}/query`, { json: { sql: 'SELECT count(*) FROM artist' } });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json().rows[0][0] > 0);
  const before = stack.sql('SELECT count(*) FROM db_accounts');
  for (const body of [Buffer.from('CREATE TABLE t (a int);\n'.repeat(20)), Buffer.alloc(0), Buffer.from('SQLite format 3')]) {
    res = await alice.request('POST', `/api/connections/sqlite?project_uid=${project}&name=bad`, { body, headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(res.status, 422, res.text);
    assert.match(res.json().message, /not an SQLite 3 database|upload the database file/);
  }
  res = await alice.request('POST', `/api/connections/sqlite?project_uid=${project}`, { body: dbs.sqlite.bytes, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(res.status, 422, 'a name is required');
  res = await bob.request('POST', `/api/connections/sqlite?project_uid=${project}&name=x`, { body: dbs.sqlite.bytes, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(res.status, 422, "another user's project");
  res = await alice.request('POST', `/api/connections/sqlite?project_uid=${project}&name=x`, { body: dbs.sqlite.bytes, headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': null } });
  assert.equal(res.status, 403, 'CSRF');
  assert.equal(stack.sql('SELECT count(*) FROM db_accounts'), before);
});
