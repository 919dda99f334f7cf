// tests/integration/licenses.test.js — licenses as the instance's switchboard (sql/027_licenses,
// fcgi/license.c): an organization's license enables modules for its teams' projects; a disabled
// module's API answers 403 {"error": "module_disabled"} with a clear message and its page 403;
// an expired license enables nothing; seats cap the organization's members; personal projects
// follow the instance setting; only the super admin writes licenses and settings (404 for others).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, admin, olga, bob, org, team, teamProject, personal;
test.before(async () => {
  stack = await startStack();
  admin = new Client(stack.baseUrl);
  olga = new Client(stack.baseUrl);
  bob = new Client(stack.baseUrl);
  await admin.signup({ name: 'Root' });    // the first user: super admin
  await olga.signup({ name: 'Olga' });
  await bob.signup({ name: 'Bob' });
  let res = await olga.request('POST', '/api/orgs', { json: { name: 'Acme' } });
  org = res.json().uid;
  res = await olga.request('POST', `/api/orgs/${org}/teams`, { json: { name: 'Data' } });
  team = res.json().uid;
  teamProject = await olga.createProject('Team project');
  res = await olga.request('PUT', `/api/projects/${teamProject}/team`, { json: { team_uid: team } });
  assert.equal(res.status, 200, res.text);
  personal = await olga.createProject('Personal project');
});
test.after(() => stack && stack.stop());

const modules = async (client, q) => (await client.get(`/api/modules${q}`)).json().modules;
const license = (client, body) => client.request('PUT', `/api/admin/orgs/${org}/license`, { json: body });

test('without a license every module is on; only the super admin writes one', async () => {
  assert.deepEqual(await modules(olga, `?project_uid=${teamProject}`), ['ai', 'database_workspace', 'dashboards']);
  let res = await license(olga, { modules: ['ai'], seats: null, expires_at: null });
  assert.equal(res.status, 404, 'an organization owner is not the instance admin: no such address for her');
  res = await license(admin, { modules: ['ai', 'telepathy'] });
  assert.equal(res.status, 422, res.text);
  res = await admin.request('PUT', `/api/admin/orgs/00000000-0000-0000-0000-000000000000/license`, { json: { modules: [] } });
  assert.equal(res.status, 404);
  assert.equal((await olga.get(`/projects/${teamProject}/databases`)).status, 200);
});

test('a license without the database workspace: its API answers 403 with a clear message, its page 403', async () => {
  let res = await license(admin, { modules: ['ai'], seats: null, expires_at: null });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(await modules(olga, `?project_uid=${teamProject}`), ['ai']);
  assert.deepEqual(await modules(olga, `?org_uid=${org}`), ['ai']);
  res = await olga.get(`/api/connections?project_uid=${teamProject}`);
  assert.equal(res.status, 403);
  assert.equal(res.json().error, 'module_disabled');
  assert.match(res.json().message, /The database workspace is not enabled by this organization's license/);
  res = await olga.request('POST', '/api/connections', { json: { project_uid: teamProject, name: 'x', type: 'sqlite' } });
  assert.equal(res.status, 403, 'nor can a connection be made in it');
  res = await olga.get(`/projects/${teamProject}/databases`);
  assert.equal(res.status, 403);
  assert.match(res.text, /The database workspace is not enabled/);
  assert.equal((await olga.get(`/projects/${personal}/databases`)).status, 200, 'personal projects keep it');
  assert.deepEqual(await modules(olga, `?project_uid=${personal}`), ['ai', 'database_workspace', 'dashboards']);

  res = await license(admin, { modules: ['ai', 'database_workspace'], seats: null, expires_at: null });
  assert.equal(res.status, 200);
  assert.equal((await olga.get(`/projects/${teamProject}/databases`)).status, 200, 'on again');
});

test('an expired license enables nothing', async () => {
  let res = await license(admin, { modules: ['ai', 'database_workspace'], seats: null, expires_at: '2020-01-01T00:00:00Z' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(await modules(olga, `?project_uid=${teamProject}`), []);
  res = await olga.get(`/api/connections?project_uid=${teamProject}`);
  assert.equal(res.status, 403);
  assert.match(res.json().message, /or the license has expired/);
});

test('seats cap the organization: no member beyond them', async () => {
  let res = await license(admin, { modules: ['ai', 'database_workspace', 'dashboards'], seats: 1, expires_at: null });
  assert.equal(res.status, 200);
  res = await olga.request('PUT', `/api/teams/${team}/members/${encodeURIComponent(bob.email)}`, { json: { role: 'editor' } });
  assert.equal(res.status, 403, 'the one seat is Olga\'s');
  res = await license(admin, { modules: ['ai', 'database_workspace', 'dashboards'], seats: 2, expires_at: null });
  res = await olga.request('PUT', `/api/teams/${team}/members/${encodeURIComponent(bob.email)}`, { json: { role: 'editor' } });
  assert.equal(res.status, 200, res.text);
  res = await olga.request('PUT', `/api/teams/${team}/members/${encodeURIComponent(bob.email)}`, { json: { role: 'viewer' } });
  assert.equal(res.status, 200, 'a member changing role takes no new seat');
});

test('the instance setting turns modules off for personal projects (and personal AI settings)', async () => {
  let res = await olga.request('PUT', '/api/admin/settings/modules', { json: { personal_modules: [] } });
  assert.equal(res.status, 404);
  assert.equal((await olga.get('/api/settings/ai')).status, 200);
  res = await admin.request('PUT', '/api/admin/settings/modules', { json: { personal_modules: ['dashboards'] } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(await modules(olga, ''), ['dashboards']);
  res = await olga.get('/api/settings/ai');
  assert.equal(res.status, 403);
  assert.match(res.json().message, /The AI assistant is turned off on this instance for personal projects/);
  assert.equal((await olga.get(`/projects/${personal}/databases`)).status, 403);
  assert.equal((await olga.get(`/projects/${teamProject}/databases`)).status, 200, 'the licensed team project keeps it');
  res = await admin.request('PUT', '/api/admin/settings/modules', { json: { personal_modules: ['ai', 'database_workspace', 'dashboards'] } });
  assert.equal(res.status, 200);
  assert.equal((await olga.get('/settings/ai')).status, 200);
});
