// tests/integration/teams.test.js — organizations and teams over the real stack: roles taking
// effect on the next request, a viewer's write answering 403 and an outsider's 404, project
// transfer, invitations (expired, reused, revoked, for another account), personal API tokens
// (scope, expiry, revocation, no CSRF with a bearer token, cookie requests still needing it, no
// cookie set) and search (access respected, trigram match of an identifier, escaped snippets).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, owner, bob, eve, org, team, project, note;
test.before(async () => {
  stack = await startStack();
  owner = new Client(stack.baseUrl);
  bob = new Client(stack.baseUrl);
  eve = new Client(stack.baseUrl);
  await owner.signup({ name: 'Olga' });
  await bob.signup({ name: 'Bob' });
  await eve.signup({ name: 'Eve' });
  project = await owner.createProject('Team project');
  note = await owner.createFile(project, 'note', 'Shared plan');
});
test.after(() => stack && stack.stop());

const putNote = async (client, uid, content) => {
  const cur = (await owner.get(`/api/notes/${uid}`)).json();
  return client.request('PUT', `/api/notes/${uid}`, { json: { title: cur.title, content, _version: cur._version } });
};
const setRole = (role, email = bob.email) =>
  owner.request('PUT', `/api/teams/${team}/members/${encodeURIComponent(email)}`, { json: { role } });

test('an organization and a team: the creator owns and administers them', async () => {
  let res = await owner.request('POST', '/api/orgs', { json: { name: 'Acme' } });
  assert.equal(res.status, 201, res.text);
  org = res.json().uid;
  res = await owner.request('POST', `/api/orgs/${org}/teams`, { json: { name: 'Data' } });
  assert.equal(res.status, 201, res.text);
  team = res.json().uid;
  res = await bob.request('POST', `/api/orgs/${org}/teams`, { json: { name: 'Intruders' } });
  assert.equal(res.status, 404, 'an outsider cannot see the organization');
  res = await owner.get(`/teams/${team}`);
  assert.equal(res.status, 200);
  assert.match(res.text, /Data/);
});

test('project transfer: outsiders get 404, the team sees it after the move', async () => {
  assert.equal((await bob.get(`/api/notes/${note}`)).status, 404);
  let res = await setRole('viewer');
  assert.equal(res.status, 200, res.text);
  assert.equal((await bob.get(`/api/notes/${note}`)).status, 404, 'not yet in the team');
  res = await bob.request('PUT', `/api/projects/${project}/team`, { json: { team_uid: team } });
  assert.equal(res.status, 404, 'a stranger cannot move the project');
  res = await owner.request('PUT', `/api/projects/${project}/team`, { json: { team_uid: team } });
  assert.equal(res.status, 200, res.text);
  res = await bob.get(`/api/notes/${note}`);
  assert.equal(res.status, 200);
  assert.equal(res.json().title, 'Shared plan');
  assert.equal((await eve.get(`/api/notes/${note}`)).status, 404, 'an outsider still gets 404');
  assert.equal((await eve.get(`/projects/${project}`)).status, 404);
  res = await bob.get('/dashboard');
  assert.match(res.text, /Team project/);
});

test('the dashboard groups projects: personal first, then a section per team', async () => {
  await owner.createProject('Solo work');
  const res = await owner.get('/dashboard');
  assert.equal(res.status, 200);
  const personal = res.text.indexOf('<h3 class="project-group-title">Personal</h3>');
  const teamSection = res.text.indexOf(`data-team="${team}"`);
  assert.ok(personal > 0 && teamSection > personal, 'a Personal section, then the team section');
  const solo = res.text.indexOf('>Solo work<');
  const teamProject = res.text.indexOf('>Team project<');
  assert.ok(solo > personal && solo < teamSection, 'the personal project in the personal section');
  assert.ok(teamProject > teamSection, 'the team project in the team section');
  assert.match(res.text.slice(teamSection, teamSection + 600), /Data<\/a> <span class="project-group-org">· Acme/);
  const bobs = await bob.get('/dashboard');
  assert.ok(bobs.text.indexOf(`data-team="${team}"`) > 0, 'a member sees the team section');
  assert.doesNotMatch(bobs.text, /Solo work/, 'not the owner\'s personal projects');
});

test('a team of many projects shows its 12 latest on the dashboard and links to the rest', async () => {
  let res = await owner.request('POST', `/api/orgs/${org}/teams`, { json: { name: 'Big' } });
  assert.equal(res.status, 201, res.text);
  const big = res.json().uid;
  assert.equal((await owner.request('PUT', `/api/teams/${big}/members/${encodeURIComponent(bob.email)}`, { json: { role: 'viewer' } })).status, 200);
  for (let i = 0; i < 14; i++) {
    const uid = await owner.createProject(`Big ${String(i).padStart(2, '0')}`);
    assert.equal((await owner.request('PUT', `/api/projects/${uid}/team`, { json: { team_uid: big } })).status, 200);
  }
  for (const c of [owner, bob]) {
    const page = (await c.get('/dashboard')).text;
    const start = page.indexOf(`data-team="${big}"`);
    assert.ok(start > 0, 'the Big section');
    const section = page.slice(start, page.indexOf('</section>', start));
    const names = [...section.matchAll(/>Big (\d\d)</g)].map((m) => m[1]);
    // the most recently changed first: 13 down to 02
    assert.deepEqual(names, ['13', '12', '11', '10', '09', '08', '07', '06', '05', '04', '03', '02']);
    assert.match(section, new RegExp(`<a href="/teams/${big}">All 14 projects of Big</a>`));
  }
  // the team's page lists them all; a smaller team has no such link
  const all = (await bob.get(`/teams/${big}`)).text;
  assert.equal((all.match(/>Big \d\d</g) || []).length, 14);
  const page = (await owner.get('/dashboard')).text;
  const data = page.indexOf(`data-team="${team}"`);
  assert.doesNotMatch(page.slice(data, page.indexOf('</section>', data)), /All \d+ projects/);
});

test('roles take effect on the next request: viewer 403, editor saves, viewer again 403', async () => {
  let res = await putNote(bob, note, '<p>viewer edit</p>');
  assert.equal(res.status, 403, res.text);
  res = await bob.request('PUT', `/api/projects/${project}/team`, { json: { team_uid: null } });
  assert.equal(res.status, 403, 'a viewer cannot move the project out');
  assert.equal((await setRole('editor')).status, 200);
  res = await putNote(bob, note, '<p>editor edit</p>');
  assert.equal(res.status, 200, res.text);
  assert.match((await owner.get(`/api/notes/${note}`)).json().content, /editor edit/);
  res = await bob.request('PUT', `/api/projects/${project}/team`, { json: { team_uid: null } });
  assert.equal(res.status, 403, 'an editor who does not own it cannot move it out');
  assert.equal((await setRole('viewer')).status, 200);
  assert.equal((await putNote(bob, note, '<p>again</p>')).status, 403);
  res = await bob.request('DELETE', `/api/teams/${team}/members/${encodeURIComponent(bob.email)}`);
  assert.equal(res.status, 200, 'a member may leave');
  assert.equal((await bob.get(`/api/notes/${note}`)).status, 404);
  res = await owner.request('PUT', `/api/teams/${team}/members/nobody-${Date.now()}%40example.com`, { json: { role: 'viewer' } });
  assert.equal(res.status, 404, 'only existing users');
});

test('invitations: single use, revocable, expiring, bound to an e-mail', async () => {
  let res = await owner.request('POST', `/api/teams/${team}/invitations`, { json: { role: 'editor' } });
  assert.equal(res.status, 201, res.text);
  const link = res.json();
  assert.match(link.url, /\/invite\/[A-Za-z0-9_-]{43}$/);
  res = await eve.get(`/invite/${link.token}`);
  assert.equal(res.status, 200);
  assert.match(res.text, /Join Data/);
  res = await eve.request('POST', '/api/invitations/accept', { json: { token: link.token } });
  assert.equal(res.status, 200, res.text);
  assert.equal((await eve.get(`/api/notes/${note}`)).status, 200, 'eve is now an editor');
  res = await bob.request('POST', '/api/invitations/accept', { json: { token: link.token } });
  assert.equal(res.status, 410, 'reused');
  assert.equal((await bob.get(`/invite/${link.token}`)).status, 410);

  res = await owner.request('POST', `/api/teams/${team}/invitations`, { json: { role: 'viewer' } });
  const revoked = res.json();
  assert.equal((await owner.request('DELETE', `/api/invitations/${revoked.uid}`)).status, 200);
  assert.equal((await bob.request('POST', '/api/invitations/accept', { json: { token: revoked.token } })).status, 410, 'revoked');

  res = await owner.request('POST', `/api/teams/${team}/invitations`, { json: { role: 'viewer' } });
  const expiring = res.json();
  stack.sql(`UPDATE team_invitations SET expires_at = now() - interval '1 minute' WHERE uid = '${expiring.uid}'`);
  assert.equal((await bob.request('POST', '/api/invitations/accept', { json: { token: expiring.token } })).status, 410, 'expired');

  res = await owner.request('POST', `/api/teams/${team}/invitations`, { json: { role: 'viewer', email: eve.email } });
  assert.equal(res.status, 201, res.text);
  assert.equal((await bob.request('POST', '/api/invitations/accept', { json: { token: res.json().token } })).status, 403, 'for another account');
  assert.equal((await bob.request('POST', '/api/invitations/accept', { json: { token: 'x'.repeat(43) } })).status, 404);
  assert.equal((await bob.get(`/api/notes/${note}`)).status, 404, 'none of these let bob in');
});

test('API tokens: bearer works without CSRF, scope, revocation, expiry; cookies still need CSRF', async () => {
  let res = await owner.request('POST', '/api/tokens', { json: { name: 'ci', scope: 'read-write', expires_at: null } });
  assert.equal(res.status, 201, res.text);
  const rw = res.json();
  assert.match(rw.token, /^card_[A-Za-z0-9_-]{43}$/);
  res = await owner.request('POST', '/api/tokens', { json: { name: 'reader', scope: 'read', expires_at: '2999-01-01T00:00:00Z' } });
  const ro = res.json();
  const bearer = (t) => ({ headers: { Authorization: `Bearer ${t}`, Cookie: null, 'X-CSRF-Token': null } });
  const anon = new Client(stack.baseUrl);
  res = await anon.request('GET', `/api/notes/${note}`, bearer(rw.token));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.getSetCookie().length, 0, 'no cookie set for token requests');
  const cur = res.json();
  res = await anon.request('PUT', `/api/notes/${note}`, { ...bearer(rw.token), json: { title: cur.title, content: '<p>by token</p>', _version: cur._version } });
  assert.equal(res.status, 200, `a read-write token writes without CSRF: ${res.text}`);
  res = await anon.request('GET', `/api/notes/${note}`, bearer(ro.token));
  assert.equal(res.status, 200);
  res = await anon.request('PUT', `/api/notes/${note}`, { ...bearer(ro.token), json: { title: 'x', content: '<p>x</p>', _version: res.json()._version } });
  assert.equal(res.status, 403, 'read scope refuses writes');
  res = await owner.request('PUT', `/api/notes/${note}`, { headers: { 'X-CSRF-Token': null }, json: { title: 'x', content: '<p>x</p>', _version: 1 } });
  assert.equal(res.status, 403, 'cookie requests still need CSRF');
  assert.equal((await anon.request('GET', `/api/notes/${note}`, bearer(`card_${'A'.repeat(43)}`))).status, 401);
  assert.equal((await anon.request('POST', '/api/tokens', { ...bearer(rw.token), json: { name: 'm', scope: 'read' } })).status, 403);
  assert.equal((await owner.request('DELETE', `/api/tokens/${ro.uid}`)).status, 200);
  assert.equal((await anon.request('GET', `/api/notes/${note}`, bearer(ro.token))).status, 401, 'revoked');
  stack.sql(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE uid = '${rw.uid}'`);
  assert.equal((await anon.request('GET', `/api/notes/${note}`, bearer(rw.token))).status, 401, 'expired');
  assert.equal((await eve.request('DELETE', `/api/tokens/${rw.uid}`)).status, 404, "another user's token");
  res = await owner.get('/account/tokens');
  assert.match(res.text, /reader/);
  assert.doesNotMatch(res.text, new RegExp(ro.token), 'never shown again');
});

test('search: trigram identifiers, access respected, snippets escaped', async () => {
  const diagram = await owner.createFile(project, 'diagram', 'Shop schema');
  const got = (await owner.get(`/api/diagrams/${diagram}`)).json();
  const col = (id, name) => ({ id, name, type: 'bigint', is_pk: false, is_nullable: true, is_unique: false, default: null, comment: null, enum_values: [] });
  let res = await owner.request('PUT', `/api/diagrams/${diagram}`, { json: { _version: got._version, name: 'Shop schema',
    entities: [{ id: 'srch-e1', name: 'order_items', x: 0, y: 0, color: '#6366f1', comment: 'lines of an order',
      columns: [col('srch-c1', 'quantity')] }], relationships: [] } });
  assert.equal(res.status, 200, res.text);
  const secret = await eve.createProject('Eve private');
  const evenote = await eve.createFile(secret, 'note', 'Zebra secrets');
  const cur = (await eve.get(`/api/notes/${evenote}`)).json();
  res = await eve.request('PUT', `/api/notes/${evenote}`, { json: { title: cur.title, content: '<p>zebra &lt;script&gt;alert(1)&lt;/script&gt; if a &lt; b &amp;&amp; c then stripes</p>', _version: cur._version } });
  assert.equal(res.status, 200, res.text);

  res = await owner.get('/api/search?q=order_item');
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json().some((h) => h.kind === 'diagram' && h.uid === diagram), `trigram finds order_items: ${res.text}`);
  assert.match(res.json().find((h) => h.uid === diagram).snippet, /table <mark>order<\/mark>_<mark>items<\/mark>/,
    'the snippet of a top result still marks the match (sql/036 computes it for the final rows only)');
  res = await owner.get(`/api/search?q=quantity&project_uid=${project}`);
  assert.ok(res.json().some((h) => h.uid === diagram), 'a column name, in the project');
  res = await owner.get('/api/search?q=zebra');
  assert.deepEqual(res.json(), [], "another user's note is not found");
  res = await eve.get('/api/search?q=zebra');
  const hit = res.json().find((h) => h.uid === evenote);
  assert.ok(hit, res.text);
  assert.match(hit.snippet, /<mark>zebra<\/mark>/i);
  assert.match(hit.snippet, /a &lt; b &amp;&amp; c/, 'text escaped');
  assert.doesNotMatch(hit.snippet, /<script|< b/);
  res = await eve.get('/search?q=zebra');
  assert.equal(res.status, 200);
  assert.match(res.text, /a &lt; b &amp;&amp; c/);
  assert.doesNotMatch(res.text, /<script>alert|< b/);
  assert.equal((await owner.get('/api/search?q=')).status, 422);
});

test('search in a project finds its files even when other projects hold better matches', async () => {
  // sql/035 ranked every readable project's matches, kept the best 5 × limit and only then applied
  // the project: six better "kiwi" files elsewhere hid the project's own.  sql/036 scopes first.
  const other = await owner.createProject('Fruit elsewhere');
  for (let i = 0; i < 6; i++) await owner.createFile(other, 'note', `Kiwi kiwi ${i}`);
  const mine = await owner.createFile(project, 'note', 'Fruit list');
  assert.equal((await putNote(owner, mine, '<p>apples, then one kiwi</p>')).status, 200);
  let res = await owner.get('/api/search?q=kiwi&limit=3');
  assert.equal(res.json().length, 3, res.text);
  assert.ok(!res.json().some((h) => h.uid === mine), `the titled notes rank first: ${res.text}`);
  res = await owner.get(`/api/search?q=kiwi&project_uid=${project}&limit=1`);
  assert.deepEqual(res.json().map((h) => h.uid), [mine], res.text);
  assert.match(res.json()[0].snippet, /<mark>kiwi<\/mark>/);
  res = await bob.get(`/api/search?q=kiwi&project_uid=${other}`);
  assert.deepEqual(res.json(), [], "a project the user may not read: nothing");
});

test('a team admin who does not own a project moves it out of the team; it is the owner\'s alone again', async () => {
  const adminClient = new Client(stack.baseUrl);
  await adminClient.signup({ name: 'Ada' });
  assert.equal((await setRole('admin', adminClient.email)).status, 200);
  const p = await owner.createProject('Moved out');
  const n = await owner.createFile(p, 'note', 'Leaving');
  let res = await owner.request('PUT', `/api/projects/${p}/team`, { json: { team_uid: team } });
  assert.equal(res.status, 200, res.text);
  assert.equal((await adminClient.get(`/api/notes/${n}`)).status, 200, 'the admin sees it in the team');
  res = await adminClient.request('PUT', `/api/projects/${p}/team`, { json: { team_uid: null } });
  assert.equal(res.status, 200, res.text);
  assert.equal((await adminClient.get(`/api/notes/${n}`)).status, 404, 'out of the team, out of sight');
  assert.equal((await owner.get(`/api/notes/${n}`)).status, 200, 'the owner keeps it');
  res = await adminClient.request('PUT', `/api/projects/${p}/team`, { json: { team_uid: team } });
  assert.equal(res.status, 404, 'and cannot pull it back in');
});
