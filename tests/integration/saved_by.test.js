// tests/integration/saved_by.test.js — "saved by" for team files (issue 12, sql/029): two
// members of one team edit the same files; the editor page (drawn on the server) and the save
// API name the last saver, history names each version's author in order, a row written by
// another writer (no app.user_id: ERD Builder Pro, psql) shows no name and breaks nothing, and
// names are only told to people who share an organization with the saver.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, ana, ben, eve, team, project, note;
test.before(async () => {
  stack = await startStack();
  ana = new Client(stack.baseUrl);
  ben = new Client(stack.baseUrl);
  eve = new Client(stack.baseUrl);
  await ana.signup({ name: 'Ana Lima' });
  await ben.signup({ name: 'Ben <b>Okafor</b>' });   // markup in a name stays text
  await eve.signup({ name: 'Eve' });
  let res = await ana.request('POST', '/api/orgs', { json: { name: 'Acme' } });
  assert.equal(res.status, 201, res.text);
  res = await ana.request('POST', `/api/orgs/${res.json().uid}/teams`, { json: { name: 'Docs' } });
  assert.equal(res.status, 201, res.text);
  team = res.json().uid;
  res = await ana.request('PUT', `/api/teams/${team}/members/${encodeURIComponent(ben.email)}`, { json: { role: 'editor' } });
  assert.equal(res.status, 200, res.text);
  project = await ana.createProject('Shared docs');
  res = await ana.request('PUT', `/api/projects/${project}/team`, { json: { team_uid: team } });
  assert.equal(res.status, 200, res.text);
  note = await ana.createFile(project, 'note', 'Plan');
});
test.after(() => stack && stack.stop());

const putNote = async (client, content, version) => {
  const cur = (await client.get(`/api/notes/${note}`)).json();
  return client.request('PUT', `/api/notes/${note}`, { json: { title: 'Plan', content, _version: version ?? cur._version } });
};
const savedByLabel = (html) => {
  const m = html.match(/<span class="saved-by" id="saved-by" data-testid="saved-by">[\s\S]*?<\/time><\/span>/);
  return m ? m[0] : null;
};

test('Ana saves: the API answers her name, Ben\'s editor page says "Saved by Ana Lima"', async () => {
  const res = await putNote(ana, '<p>from Ana</p>');
  assert.equal(res.status, 200, res.text);
  const body = res.json();
  assert.equal(body.updated_by_name, 'Ana Lima');
  assert.match(body.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  const page = await ben.get(`/notes/${note}`);
  assert.equal(page.status, 200);
  const label = savedByLabel(page.text);
  assert.ok(label, 'the page has the saved-by label');
  assert.match(label, /Saved by <span class="saved-by-name">Ana Lima<\/span> <time datetime="\d{4}-\d\d-\d\dT[\d:]+Z">just now<\/time>/);
  assert.doesNotMatch(page.text, /saved_by_name|saved_iso|fcgi\/saved_by/, 'no template text leaks into the page');
  const get = (await ben.get(`/api/notes/${note}`)).json();
  assert.equal(get.updated_by_name, 'Ana Lima', 'GET names the last saver too');
  assert.match(page.text, /"updated_by_name":\s*"Ana Lima"/, 'the editor document carries it');
});

test('Ben saves: the API answers Ben (escaped on the page), a stale save answers 409 naming Ben', async () => {
  const before = (await ana.get(`/api/notes/${note}`)).json();
  const res = await putNote(ben, '<p>from Ben</p>');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().updated_by_name, 'Ben <b>Okafor</b>');
  const page = await ana.get(`/notes/${note}`);
  assert.match(savedByLabel(page.text), /Saved by <span class="saved-by-name">Ben &lt;b&gt;Okafor&lt;\/b&gt;<\/span>/);
  assert.doesNotMatch(page.text, /<b>Okafor<\/b>/, 'the name is never markup');
  const stale = await putNote(ana, '<p>stale</p>', before._version);
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.json().current.updated_by_name, 'Ben <b>Okafor</b>', 'the conflict tells who saved the winning version');
});

test('history lists both authors in order, page and API', async () => {
  const res = await ben.get(`/api/notes/${note}/history`);
  assert.equal(res.status, 200, res.text);
  const versions = res.json();
  const authors = versions.map((v) => v.user_name).reverse();   // oldest first
  assert.deepEqual(authors.filter((a, i) => a !== authors[i - 1]), ['Ana Lima', 'Ben <b>Okafor</b>'],
    `each member's save within 5 minutes of the other's got its own snapshot: ${JSON.stringify(authors)}`);
  const page = await ana.get(`/notes/${note}/history`);
  assert.equal(page.status, 200);
  const cells = [...page.text.matchAll(/data-testid="history-author">([\s\S]*?)<\/td>/g)].map((m) => m[1]);
  assert.ok(cells.length >= 2, page.text);
  assert.match(cells[0], /Ben &lt;b&gt;Okafor/, 'newest first: Ben');
  assert.match(cells[cells.length - 1], /Ana Lima/, 'oldest: Ana');
});

test('the same author saving again within 5 minutes adds no snapshot (the throttle still holds)', async () => {
  const n = (await ben.get(`/api/notes/${note}/history`)).json().length;
  assert.equal((await putNote(ben, '<p>Ben again</p>')).status, 200);
  assert.equal((await putNote(ben, '<p>Ben once more</p>')).status, 200);
  assert.equal((await ben.get(`/api/notes/${note}/history`)).json().length, n);
});

test('a row written by another writer (no app.user_id) shows no name, and nothing breaks', async () => {
  stack.sql(`UPDATE notes SET content = '<p>from ERD Builder Pro</p>' WHERE uid = '${note}'`);
  assert.equal(stack.sql(`SELECT updated_by IS NULL FROM notes WHERE uid = '${note}'`), 't',
    'the previous saver is not kept for a write they did not make');
  const api = await ben.get(`/api/notes/${note}`);
  assert.equal(api.status, 200);
  assert.equal(api.json().updated_by_name, null);
  const page = await ben.get(`/notes/${note}`);
  assert.equal(page.status, 200);
  const label = savedByLabel(page.text);
  assert.match(label, /^<span class="saved-by" id="saved-by" data-testid="saved-by">Saved <time datetime="[^"]+">[^<]+<\/time><\/span>$/);
  assert.equal((await ben.get(`/notes/${note}/history`)).status, 200);
  // a stale id (a user deleted since) is no name either
  stack.sql(`UPDATE notes SET updated_by = 'no-such-user' WHERE uid = '${note}'`);
  assert.equal((await ben.get(`/api/notes/${note}`)).json().updated_by_name, null);
  const res = await putNote(ben, '<p>Ben is back</p>');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().updated_by_name, 'Ben <b>Okafor</b>');
});

test('names are told only within an organization: a stranger\'s own file shows only themselves', async () => {
  const p = await eve.createProject('Eve alone');
  const uid = await eve.createFile(p, 'note', 'Mine');
  const page = await eve.get(`/notes/${uid}`);
  assert.match(savedByLabel(page.text), /Saved by <span class="saved-by-name">Eve<\/span>/);
  // Ana's id in Eve's row (as if written elsewhere): Eve shares no organization with Ana
  stack.sql(`UPDATE notes SET updated_by = (SELECT id FROM users WHERE email = '${ana.email}') WHERE uid = '${uid}'`);
  assert.equal((await eve.get(`/api/notes/${uid}`)).json().updated_by_name, null);
  assert.equal((await eve.get(`/api/notes/${note}`)).status, 404, 'and Eve still cannot see the team note');
});

test('drawings, flowcharts and diagrams: page label and save answer name the saver', async () => {
  for (const kind of ['drawing', 'flowchart', 'diagram']) {
    const uid = await ana.createFile(project, kind, `A ${kind}`);
    const api = `/api/${kind}s/${uid}`;
    const cur = (await ben.get(api)).json();
    let body;
    if (kind === 'diagram') body = { ...cur };
    else body = { title: cur.title, data: cur.data, _version: cur._version };
    const res = await ben.request('PUT', api, { json: body });
    assert.equal(res.status, 200, `${kind}: ${res.text}`);
    assert.equal(res.json().updated_by_name, 'Ben <b>Okafor</b>', kind);
    assert.match(res.json().updated_at, /^\d{4}-/, kind);
    const page = await ana.get(`/${kind}s/${uid}`);
    assert.equal(page.status, 200, kind);
    assert.match(savedByLabel(page.text) || '', /Saved by <span class="saved-by-name">Ben &lt;b&gt;Okafor/, `${kind} page`);
    assert.doesNotMatch(page.text, /saved_by_name|rename route\)/, `${kind} page: no template comment text leaks`);
    const stale = await ana.request('PUT', api, { json: { ...body, _version: cur._version } });
    assert.equal(stale.status, 409, `${kind}: ${stale.text}`);
    const c = stale.json();
    assert.equal(c.current.updated_by_name ?? c.updated_by_name, 'Ben <b>Okafor</b>', `${kind} conflict`);
  }
});

test('hostile input: the history API of a file one cannot see is 404, bad uids 404', async () => {
  assert.equal((await eve.get(`/api/notes/${note}/history`)).status, 404);
  assert.equal((await ben.get('/api/notes/%27%3B--/history')).status, 404);
  assert.equal((await ben.get("/notes/'or'1'='1")).status, 404);
});
