// tests/integration/import_ebp.test.js — `cardinality import-ebp --from <conninfo>` against an
// ERD Builder Pro database in its Supabase shape, built in the test cluster from DDL written here
// after the column list of that repository's supabase_schema.sql (auth.users with bcrypt hashes
// in encrypted_password; projects, diagrams, notes, drawings, flowcharts with uuid uids and user
// ids; entities, columns, relationships keyed by file_id). Run twice: the second adds nothing.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { spawnSync } = require('child_process');
const { startStack, root } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const SOURCE_DB = 'ebp_supabase';

const SUPABASE_DDL = `
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA auth;
CREATE TABLE auth.users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text,
  encrypted_password text,
  raw_user_meta_data jsonb,
  created_at timestamptz DEFAULT now()
);
CREATE TABLE projects (
  id bigserial PRIMARY KEY, uid uuid DEFAULT gen_random_uuid() UNIQUE, name text NOT NULL,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL, is_deleted boolean DEFAULT false,
  deleted_at timestamptz, created_at timestamptz DEFAULT now(), is_public boolean DEFAULT false,
  share_token text, expiry_date timestamptz);
CREATE TABLE diagrams (
  id bigserial PRIMARY KEY, uid uuid DEFAULT gen_random_uuid() UNIQUE, name text NOT NULL,
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  project_id bigint REFERENCES projects(id) ON DELETE SET NULL, is_deleted boolean DEFAULT false,
  deleted_at timestamptz, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  viewport_x float DEFAULT 0, viewport_y float DEFAULT 0, viewport_zoom float DEFAULT 1.0,
  _version integer DEFAULT 0);
CREATE TABLE entities (
  id text PRIMARY KEY, file_id bigint REFERENCES diagrams(id) ON DELETE CASCADE, name text NOT NULL,
  x float NOT NULL, y float NOT NULL, color text DEFAULT '#6366f1', created_at timestamptz DEFAULT now());
CREATE TABLE columns (
  id text PRIMARY KEY, entity_id text REFERENCES entities(id) ON DELETE CASCADE, name text NOT NULL,
  type text NOT NULL, is_pk boolean DEFAULT false, is_nullable boolean DEFAULT true, enum_values text,
  sort_order integer DEFAULT 0, created_at timestamptz DEFAULT now());
CREATE TABLE relationships (
  id text PRIMARY KEY, file_id bigint REFERENCES diagrams(id) ON DELETE CASCADE,
  source_entity_id text REFERENCES entities(id) ON DELETE CASCADE,
  target_entity_id text REFERENCES entities(id) ON DELETE CASCADE,
  source_column_id text, target_column_id text, type text DEFAULT 'one-to-many',
  source_handle text, target_handle text, label text, created_at timestamptz DEFAULT now());
CREATE TABLE notes (
  id bigserial PRIMARY KEY, uid uuid DEFAULT gen_random_uuid() UNIQUE, title text NOT NULL,
  content text DEFAULT '', user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  project_id bigint REFERENCES projects(id) ON DELETE SET NULL, is_deleted boolean DEFAULT false,
  deleted_at timestamptz, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  _version integer DEFAULT 0);
CREATE TABLE drawings (
  id bigserial PRIMARY KEY, uid uuid DEFAULT gen_random_uuid() UNIQUE, title text NOT NULL,
  data text DEFAULT '[]', user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  project_id bigint REFERENCES projects(id) ON DELETE SET NULL, is_deleted boolean DEFAULT false,
  deleted_at timestamptz, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  _version integer DEFAULT 0);
CREATE TABLE flowcharts (
  id bigserial PRIMARY KEY, uid uuid DEFAULT gen_random_uuid() UNIQUE, title text NOT NULL,
  data text DEFAULT '{"nodes":[], "edges":[]}', user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  project_id bigint REFERENCES projects(id) ON DELETE SET NULL, is_deleted boolean DEFAULT false,
  deleted_at timestamptz, created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  _version integer DEFAULT 0);`;

// Rows as ERD Builder Pro writes them: relationships from the table holding the foreign key
// (orders.user_id) to the referenced one (users.id), labelled 1:N, enum values joined by ", ".
const ROWS = `
INSERT INTO auth.users (id, email, encrypted_password, raw_user_meta_data) VALUES
  ('11111111-1111-4111-8111-111111111111', 'ana@example.com', crypt('ana-secret-1', gen_salt('bf')), '{"full_name": "Ana"}'),
  ('22222222-2222-4222-8222-222222222222', 'shared@example.com', crypt('other-password', gen_salt('bf')), NULL);
INSERT INTO projects (id, name, user_id) VALUES (7, 'Supabase shop', '11111111-1111-4111-8111-111111111111');
INSERT INTO diagrams (id, name, user_id, project_id, viewport_zoom, _version) VALUES
  (3, 'Shop ERD', '11111111-1111-4111-8111-111111111111', 7, 0.5, 4),
  (4, 'Loose ERD', '11111111-1111-4111-8111-111111111111', NULL, 1, 0);
INSERT INTO entities (id, file_id, name, x, y) VALUES
  ('node-users', 3, 'users', 50, 50), ('node-orders', 3, 'orders', 400, 50), ('node-lonely', 4, 'lonely', 0, 0);
INSERT INTO columns (id, entity_id, name, type, is_pk, is_nullable, enum_values, sort_order) VALUES
  ('col-u-id', 'node-users', 'id', 'INT', true, false, '', 0),
  ('col-u-state', 'node-users', 'state', 'ENUM', false, true, 'active, retired', 1),
  ('col-o-id', 'node-orders', 'id', 'INT', true, false, '', 0),
  ('col-o-user', 'node-orders', 'user_id', 'INT', false, true, '', 1),
  ('col-l-id', 'node-lonely', 'id', 'INT', true, false, '', 0);
INSERT INTO relationships (id, file_id, source_entity_id, target_entity_id, source_column_id, target_column_id,
                           type, source_handle, target_handle, label) VALUES
  ('e-orders-users', 3, 'node-orders', 'node-users', 'col-o-user', 'col-u-id', 'one-to-many',
   'col-col-o-user-source', 'col-col-u-id-target', '1:N');
INSERT INTO notes (title, content, user_id, project_id) VALUES ('Read me', '<p>Hello</p>', '11111111-1111-4111-8111-111111111111', 7);
INSERT INTO drawings (title, user_id, project_id) VALUES ('Sketch', '11111111-1111-4111-8111-111111111111', 7);
INSERT INTO flowcharts (title, user_id, project_id) VALUES ('Flow', '11111111-1111-4111-8111-111111111111', 7);`;

let stack;
test.before(async () => { stack = await startStack(); });
test.after(() => stack && stack.stop());

function importEbp() {
  const sock = stack.pgSocketDir;
  const res = spawnSync(stack.env.BIN, ['import-ebp', '--from', `host=${sock} dbname=${SOURCE_DB} user=postgres`], {
    env: {
      ...stack.env,
      CARD_MIGRATE_DATABASE_URL: `host=${sock} dbname=cardinality user=card_owner passfile=${path.join(stack.varDir, 'db.pgpass')}`,
      CARD_SQL_DIR: path.join(root, 'sql'),
    },
    encoding: 'utf8',
  });
  assert.equal(res.status, 0, res.stderr);
  return res.stderr;
}

const count = (table, where = 'true') => Number(stack.sql(`SELECT count(*) FROM ${table} WHERE ${where}`));
const ANA = "user_id = '11111111-1111-4111-8111-111111111111'";

test('import-ebp copies a Supabase-shaped ERD Builder Pro database once, keeping passwords and directions', async () => {
  stack.sql(`CREATE DATABASE ${SOURCE_DB}`);
  stack.sql(SUPABASE_DDL + ROWS, SOURCE_DB);
  // an account here already has the second user's address: it is mapped, not replaced
  const shared = new Client(stack.baseUrl);
  await shared.signup({ email: 'shared@example.com', password: 'mine-here-123' });
  const sharedHash = stack.sql("SELECT password FROM users WHERE email = 'shared@example.com'");

  const first = importEbp();
  assert.match(first, /import-ebp: diagrams\s+2 read, 2 copied, 0 already imported/);
  assert.match(first, /import-ebp: done: 17 rows copied, 0 already imported, 0 skipped/);
  // the run is a task of the first super admin (the first account here), with a line per kind
  const taskUid = (/import-ebp: shown as task ([0-9a-f-]{36}) to shared@example\.com/.exec(first) || [])[1];
  assert.ok(taskUid, first);
  const task = (await shared.get(`/api/tasks/${taskUid}`)).json();
  assert.equal(task.kind, 'import-ebp');
  assert.equal(task.status, 'succeeded');
  assert.equal(task.progress, 100);
  assert.ok(task.log.some((l) => /^diagrams\s+2 read, 2 copied/.test(l.message)), JSON.stringify(task.log));
  assert.match(task.result.summary, /17 rows copied/);
  assert.match((await shared.get(`/tasks/${taskUid}`)).text, /Import from ERD Builder Pro/);
  const snapshot = () => ({
    users: count('users', "email IN ('ana@example.com', 'shared@example.com')"),
    projects: count('projects', ANA), diagrams: count('diagrams', ANA), notes: count('notes', ANA),
    drawings: count('drawings', ANA), flowcharts: count('flowcharts', ANA),
    entities: count('entities', "id LIKE 'node-%'"), columns: count('columns', "id LIKE 'col-%'"),
    relationships: count('relationships', "id = 'e-orders-users'"), map: count('card_import_map'),
  });
  const after1 = snapshot();
  assert.deepEqual(after1, { users: 2, projects: 1, diagrams: 2, notes: 1, drawings: 1, flowcharts: 1, entities: 3, columns: 5, relationships: 1, map: 17 });

  const second = importEbp();
  assert.match(second, /import-ebp: done: 0 rows copied, 17 already imported, 0 skipped/);
  assert.deepEqual(snapshot(), after1, 'a second run adds nothing');

  assert.equal(stack.sql("SELECT password FROM users WHERE email = 'shared@example.com'"), sharedHash);
  assert.equal(stack.sql("SELECT name FROM users WHERE email = 'ana@example.com'"), 'Ana');
  assert.match(stack.sql("SELECT password FROM users WHERE email = 'ana@example.com'"), /^\$2[ab]\$/);

  // Ana signs in with her ERD Builder Pro password; the bcrypt hash is upgraded on the way
  const ana = new Client(stack.baseUrl);
  await ana.login('ana@example.com', 'ana-secret-1');
  const dash = await ana.get('/dashboard');
  assert.equal(dash.status, 200);
  assert.match(dash.text, /Supabase shop/);
  assert.match(stack.sql("SELECT password FROM users WHERE email = 'ana@example.com'"), /^\$argon2id\$/);

  const puid = stack.sql(`SELECT uid FROM projects WHERE ${ANA}`);
  const page = (await ana.get(`/projects/${puid}`)).text;
  for (const title of ['Shop ERD', 'Read me', 'Sketch', 'Flow']) assert.ok(page.includes(title), title);
  const duid = stack.sql(`SELECT uid FROM diagrams WHERE ${ANA} AND name = 'Shop ERD'`);
  assert.equal(duid, stack.sql("SELECT uid::text FROM diagrams WHERE id = 3", SOURCE_DB), 'the uid is kept');
  const m = (await ana.get(`/api/diagrams/${duid}`)).json();
  assert.equal(m._version, 4);
  assert.equal(m.viewport.zoom, 0.5);
  const byId = new Map(m.entities.flatMap((e) => e.columns.map((c) => [c.id, `${e.name}.${c.name}`])));
  const r = m.relationships[0];
  assert.deepEqual([byId.get(r.source_column_id), byId.get(r.target_column_id), r.label], ['orders.user_id', 'users.id', '1:N']);
  assert.deepEqual(m.entities.find((e) => e.name === 'users').columns[1].enum_values, ['active', 'retired']);
  const sql = (await ana.get(`/api/diagrams/${duid}/export?format=postgres`)).text;
  assert.match(sql, /ALTER TABLE orders ADD CONSTRAINT fk_orders_user_id FOREIGN KEY \(user_id\) REFERENCES users \(id\);/);
  const note = stack.sql(`SELECT uid FROM notes WHERE ${ANA}`);
  assert.equal((await ana.get(`/notes/${note}`)).status, 200);
});

test('import-ebp without --from is a usage error', () => {
  const res = spawnSync(stack.env.BIN, ['import-ebp'], { env: stack.env, encoding: 'utf8' });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /usage: cardinality import-ebp --from/);
});
