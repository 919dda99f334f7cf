// tests/integration/admin.test.js — the super admin's /admin area over the real stack
// (page_admin_users.c, page_admin_orgs.c, page_reset.c, sql/028_admin_users): a non-admin gets
// 404 on every /admin page and admin API; disabling a user refuses their sign-in with a clear
// message and kills their session and API token at the next request, enabling restores them;
// password reset links are single use, expire, are stored hashed, and answer hostile tokens with
// a friendly 404; make admin / remove admin; the last enabled super admin is protected; the
// license form writes what the JSON API writes (the same C function) and shows errors beside
// their fields; forms without a CSRF token answer 403.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, admin, bob, carol, olga, org;
test.before(async () => {
  stack = await startStack();
  admin = new Client(stack.baseUrl);
  bob = new Client(stack.baseUrl);
  carol = new Client(stack.baseUrl);
  olga = new Client(stack.baseUrl);
  await admin.signup({ name: 'Root' });    // the first user: super admin
  await bob.signup({ name: 'Bob Builder' });
  await carol.signup({ name: 'Carol' });
  await olga.signup({ name: 'Olga' });
  const res = await olga.request('POST', '/api/orgs', { json: { name: 'Acme' } });
  assert.equal(res.status, 201, res.text);
  org = res.json().uid;
  await admin.get('/admin/users');
});
test.after(() => stack && stack.stop());

const sqlStr = (s) => `'${String(s).replace(/'/g, "''")}'`;
const idOf = (client) => stack.sql(`SELECT id FROM users WHERE email = ${sqlStr(client.email)}`);

/** form: a urlencoded POST with repeated fields (pairs), and the client's CSRF token. */
function form(client, path, pairs, { csrf = true } = {}) {
  const p = new URLSearchParams(pairs);
  if (csrf) p.append('csrf_token', client.csrf);
  return client.request('POST', path, {
    body: p.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': null },
  });
}

test('a non-admin gets 404 on every /admin page, form and admin API', async () => {
  for (const path of ['/admin', '/admin/users', '/admin/orgs', '/admin/usage', '/admin/usage.csv']) {
    const res = await bob.get(path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.text, /Administration/, `${path} says nothing about an admin area`);
  }
  await bob.get('/dashboard');
  const carolId = idOf(carol);
  for (const path of [`/admin/users/${carolId}/disable`, `/admin/users/${carolId}/admin`,
    `/admin/users/${carolId}/reset-link`, `/admin/orgs/${org}/license`, '/admin/settings/modules']) {
    assert.equal((await form(bob, path, [['admin', '1'], ['modules', 'ai']])).status, 404, path);
  }
  const apis = [
    ['PUT', `/api/admin/users/${carolId}`, { disabled: true }],
    ['POST', `/api/admin/users/${carolId}/reset-link`, undefined],
    ['PUT', `/api/admin/orgs/${org}/license`, { modules: ['ai'], seats: null, expires_at: null }],
    ['PUT', '/api/admin/settings/modules', { personal_modules: [] }],
    ['PUT', '/api/admin/providers/ollama', { name: 'x' }],
    ['PUT', '/api/admin/limits', { requests_per_hour: 1 }],
  ];
  for (const [method, path, json] of apis) {
    assert.equal((await bob.request(method, path, { json })).status, 404, `${method} ${path}`);
  }
  assert.equal(stack.sql(`SELECT disabled_at IS NULL AND NOT COALESCE(is_super_admin, false) FROM users WHERE id = ${sqlStr(carolId)}`), 't');
  assert.equal(stack.sql(`SELECT count(*) FROM licenses`), '0');
});

test('the users list: tabs, search by e-mail or name, pages', async () => {
  let res = await admin.get('/admin/users');
  assert.equal(res.status, 200);
  assert.match(res.text, /<a class="admin-tab is-current" href="\/admin\/users" aria-current="page">Users<\/a>/);
  assert.match(res.text, /href="\/admin\/orgs"/);
  for (const c of [admin, bob, carol, olga]) assert.ok(res.text.includes(c.email), c.email);
  res = await admin.get('/admin/users?q=BUILDER');
  assert.ok(res.text.includes(bob.email));
  assert.ok(!res.text.includes(carol.email), 'the name search finds Bob only');
  res = await admin.get(`/admin/users?q=${encodeURIComponent(carol.email.slice(0, -12))}`);
  assert.ok(res.text.includes(carol.email) && !res.text.includes(bob.email));
  res = await admin.get(`/admin/users?q=${encodeURIComponent("%' OR '1'='1")}&page=abc`);
  assert.equal(res.status, 200);
  assert.match(res.text, /No user matches/);
  res = await admin.get('/admin/users?page=9');
  assert.equal(res.status, 200);
  assert.match(res.text, /Page 9 of 1/);
  assert.match(res.text, /rel="prev"/);
});

test('a form without the CSRF token answers 403 and changes nothing', async () => {
  const res = await form(admin, `/admin/users/${idOf(bob)}/disable`, [], { csrf: false });
  assert.equal(res.status, 403);
  assert.equal(stack.sql(`SELECT disabled_at IS NULL FROM users WHERE id = ${sqlStr(idOf(bob))}`), 't');
  const lic = await form(admin, `/admin/orgs/${org}/license`, [['modules', 'ai']], { csrf: false });
  assert.equal(lic.status, 403);
  assert.equal(stack.sql('SELECT count(*) FROM licenses'), '0');
});

test('disable: sign-in refused with a clear message, session and API token dead at once; enable restores', async () => {
  const tok = await bob.request('POST', '/api/tokens', { json: { name: 'ci', scope: 'read-write', expires_at: null } });
  assert.equal(tok.status, 201, tok.text);
  const bearer = { headers: { Authorization: `Bearer ${tok.json().token}`, Cookie: null, 'X-CSRF-Token': null } };
  const anon = new Client(stack.baseUrl);
  assert.equal((await anon.get('/api/search?q=x', bearer)).status, 200);
  assert.equal((await bob.get('/dashboard')).status, 200);

  await admin.get('/admin/users');
  let res = await form(admin, `/admin/users/${idOf(bob)}/disable`, []);
  assert.equal(res.status, 303, res.text);
  res = await admin.get('/admin/users?done=saved');
  assert.match(res.text, new RegExp(`data-email="${bob.email}"[\\s\\S]*?Disabled`));

  res = await bob.get('/dashboard');
  assert.equal(res.status, 303, 'the session is gone: back to the login page');
  assert.match(res.headers.get('location'), /^\/login/);
  assert.equal((await bob.get('/api/search?q=x')).status, 401);
  res = await anon.get('/api/search?q=x', bearer);
  assert.equal(res.status, 401);
  assert.equal(res.json().error, 'account_disabled');

  const again = new Client(stack.baseUrl);
  res = await again.login(bob.email, bob.password);
  assert.equal(res.status, 403);
  assert.match(res.text, /This account is disabled/);
  assert.ok(!again.cookies.has('sid'), 'no session cookie');
  res = await again.login(bob.email, 'not the password at all');
  assert.equal(res.status, 401, 'a wrong password says nothing about the account');
  assert.doesNotMatch(res.text, /disabled/);

  await admin.get('/admin/users');
  res = await form(admin, `/admin/users/${idOf(bob)}/enable`, []);
  assert.equal(res.status, 303);
  res = await bob.login(bob.email, bob.password);
  assert.equal(res.status, 303, 'enabled: signs in again');
  assert.equal((await anon.get('/api/search?q=x', bearer)).status, 200, 'the token works again');
});

test('make admin and remove admin take effect on the next request', async () => {
  await admin.get('/admin/users');
  let res = await form(admin, `/admin/users/${idOf(carol)}/admin`, [['admin', '1']]);
  assert.equal(res.status, 303);
  assert.equal((await carol.get('/admin/users')).status, 200);
  res = await form(admin, `/admin/users/${idOf(carol)}/admin`, [['admin', '0']]);
  assert.equal(res.status, 303);
  assert.equal((await carol.get('/admin/users')).status, 404);
  // the JSON API does the same
  res = await admin.request('PUT', `/api/admin/users/${idOf(carol)}`, { json: { is_super_admin: true } });
  assert.equal(res.status, 200, res.text);
  assert.equal((await carol.get('/admin/orgs')).status, 200);
  for (const bad of [{ is_super_admin: 'yes' }, { disabled: 1 }, []]) {
    res = await admin.request('PUT', `/api/admin/users/${idOf(carol)}`, { json: bad });
    assert.equal(res.status, 422, JSON.stringify(bad));
  }
  res = await admin.request('PUT', '/api/admin/users/no-such-user', { json: { disabled: true } });
  assert.equal(res.status, 404);
  res = await admin.request('PUT', `/api/admin/users/${idOf(carol)}`, { json: { is_super_admin: false } });
  assert.equal(res.status, 200);
});

test('the last enabled super admin can neither be removed nor disabled; nobody disables themselves', async () => {
  const me = idOf(admin);
  await admin.get('/admin/users');
  let res = await form(admin, `/admin/users/${me}/admin`, [['admin', '0']]);
  assert.equal(res.status, 409);
  assert.match(res.text, /<p class="field-error" role="alert">The instance keeps at least one enabled super admin/);
  res = await form(admin, `/admin/users/${me}/disable`, []);
  assert.equal(res.status, 422);
  assert.match(res.text, /You cannot disable your own account/);
  assert.equal(stack.sql(`SELECT is_super_admin AND disabled_at IS NULL FROM users WHERE id = ${sqlStr(me)}`), 't');

  // Two admins: Carol may disable the first, who then is no longer an enabled admin, so Carol
  // is the last one and cannot step down; enabling the first lets her.
  await admin.request('PUT', `/api/admin/users/${idOf(carol)}`, { json: { is_super_admin: true } });
  res = await carol.request('PUT', `/api/admin/users/${me}`, { json: { disabled: true } });
  assert.equal(res.status, 200, res.text);
  res = await carol.request('PUT', `/api/admin/users/${idOf(carol)}`, { json: { is_super_admin: false } });
  assert.equal(res.status, 409);
  assert.equal(res.json().error, 'last_admin');
  res = await carol.request('PUT', `/api/admin/users/${me}`, { json: { disabled: false } });
  assert.equal(res.status, 200);
  res = await carol.request('PUT', `/api/admin/users/${idOf(carol)}`, { json: { is_super_admin: false } });
  assert.equal(res.status, 200, 'with another enabled admin she may step down');
  res = await admin.login(admin.email, admin.password);
  assert.equal(res.status, 303);
});

/** resetLink: the admin makes a link for client's account on the page; the token in it. */
async function resetLink(client) {
  await admin.get('/admin/users');
  const res = await form(admin, `/admin/users/${idOf(client)}/reset-link`, []);
  assert.equal(res.status, 200, res.text);
  const m = /value="(http[^"]*\/reset-password\/([A-Za-z0-9_-]{43}))"/.exec(res.text);
  assert.ok(m, 'the page shows the link');
  assert.ok(res.text.includes(`Password reset link for ${client.email}`));
  return m[2];
}

test('a reset link: shown once, stored hashed, sets a password that follows the rules, works once', async () => {
  const token = await resetLink(bob);
  assert.equal(stack.sql(`SELECT count(*) FROM password_resets WHERE token_hash = ${sqlStr(crypto.createHash('sha256').update(token).digest('hex'))}`), '1');
  assert.equal(stack.sql(`SELECT count(*) FROM password_resets WHERE token_hash = ${sqlStr(token)}`), '0');
  assert.ok(!(await admin.get('/admin/users')).text.includes(token), 'not shown again');

  const anon = new Client(stack.baseUrl);
  let res = await anon.get(`/reset-password/${token}`);
  assert.equal(res.status, 200);
  assert.ok(res.text.includes(bob.email));
  res = await form(anon, `/reset-password/${token}`, [['password', 'short'], ['confirm', 'short']]);
  assert.equal(res.status, 422);
  assert.match(res.text, /id="reset-password-error">Use at least 8 characters/);
  res = await form(anon, `/reset-password/${token}`, [['password', 'password123'], ['confirm', 'password123']]);
  assert.equal(res.status, 422);
  assert.match(res.text, /too common/);
  res = await form(anon, `/reset-password/${token}`, [['password', 'a brand new secret'], ['confirm', 'a brand new secreT']]);
  assert.equal(res.status, 422);
  assert.match(res.text, /id="reset-confirm-error">The two passwords differ/);
  assert.equal(stack.sql(`SELECT count(*) FROM password_resets WHERE used_at IS NOT NULL`), '0', 'errors use nothing up');
  res = await form(anon, `/reset-password/${token}`, [['csrf_token', 'forged'], ['password', 'a brand new secret'], ['confirm', 'a brand new secret']], { csrf: false });
  assert.equal(res.status, 403, 'the form is CSRF-protected');

  res = await form(anon, `/reset-password/${token}`, [['password', 'a brand new secret'], ['confirm', 'a brand new secret']]);
  assert.equal(res.status, 303, res.text);
  assert.equal(res.headers.get('location'), '/login?done=password-reset');
  assert.equal((await bob.get('/dashboard')).status, 303, "the user's old sessions ended");
  assert.equal((await new Client(stack.baseUrl).login(bob.email, bob.password)).status, 401, 'the old password is gone');
  bob.password = 'a brand new secret';
  assert.equal((await bob.login(bob.email, bob.password)).status, 303);

  res = await anon.get(`/reset-password/${token}`);
  assert.equal(res.status, 410, 'used');
  assert.match(res.text, /already used or has expired/);
  res = await form(anon, `/reset-password/${token}`, [['password', 'yet another secret'], ['confirm', 'yet another secret']]);
  assert.equal(res.status, 410);
  assert.equal((await new Client(stack.baseUrl).login(bob.email, 'yet another secret')).status, 401);
  const nginxLog = fs.readFileSync(path.join(stack.varDir, 'log', 'nginx-access.log'), 'utf8');
  assert.match(nginxLog, /\/reset-password\/\[token\]/);
  assert.ok(!nginxLog.includes(token) && !stack.appLog().includes(token), 'the token is never logged');
});

test('reset links expire, a newer one replaces an older, hostile tokens get a friendly 404', async () => {
  const first = await resetLink(carol);
  const second = await resetLink(carol);
  const anon = new Client(stack.baseUrl);
  assert.equal((await anon.get(`/reset-password/${first}`)).status, 410, 'the newer link replaced it');
  assert.equal((await anon.get(`/reset-password/${second}`)).status, 200);
  stack.sql(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE token_hash = ${sqlStr(crypto.createHash('sha256').update(second).digest('hex'))}`);
  let res = await anon.get(`/reset-password/${second}`);
  assert.equal(res.status, 410, 'expired');
  res = await form(anon, `/reset-password/${second}`, [['password', 'a brand new secret'], ['confirm', 'a brand new secret']]);
  assert.equal(res.status, 410);
  assert.equal((await carol.login(carol.email, carol.password)).status, 303, 'the password did not change');

  const hostile = ['abc', 'A'.repeat(43), 'A'.repeat(44), 'A'.repeat(5000), `${second.slice(0, 42)}%2F`,
    encodeURIComponent("' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), '%F0%9F%92%A9'.repeat(11)];
  for (const t of hostile) {
    res = await anon.get(`/reset-password/${t}`);
    assert.ok([404, 400, 414].includes(res.status), `${t.slice(0, 20)}: ${res.status}`);
    assert.doesNotMatch(res.text, /Internal error/);
    res = await form(anon, `/reset-password/${t}`, [['password', 'a brand new secret'], ['confirm', 'a brand new secret']]);
    assert.ok([404, 400, 414].includes(res.status), `POST ${t.slice(0, 20)}: ${res.status}`);
  }
  res = await anon.get(`/reset-password/${'A'.repeat(43)}`);
  assert.match(res.text, /This password reset link is not valid/);
  res = await admin.request('POST', '/api/admin/users/nobody/reset-link');
  assert.equal(res.status, 404);
  res = await admin.request('POST', `/api/admin/users/${idOf(olga)}/reset-link`);
  assert.equal(res.status, 201);
  assert.match(res.json().url, /\/reset-password\/[A-Za-z0-9_-]{43}$/);
});

test('the license form writes what the JSON API writes, and shows its errors beside the fields', async () => {
  let res = await admin.get('/admin/orgs');
  assert.equal(res.status, 200);
  assert.match(res.text, new RegExp(`<tr data-org="${org}">\\s*<td>Acme</td><td class="num">1</td><td class="num">0</td>`));
  assert.match(res.text, /instance setting \(unlicensed\)/);
  res = await form(admin, `/admin/orgs/${org}/license`, [['modules', 'ai'], ['modules', 'dashboards'], ['seats', '5'], ['expires_at', '2030-01-31']]);
  assert.equal(res.status, 303, res.text);
  const viaForm = stack.sql(`SELECT l.seats || '|' || l.expires_at || '|' || (SELECT string_agg(module, ',' ORDER BY module) FROM license_modules WHERE license_id = l.id) FROM licenses l JOIN organizations o ON o.id = l.org_id WHERE o.uid = ${sqlStr(org)}`);
  assert.deepEqual((await olga.get(`/api/modules?org_uid=${org}`)).json().modules, ['ai', 'dashboards']);
  res = await admin.get('/admin/orgs');
  assert.match(res.text, /AI assistant, Dashboards/);
  assert.match(res.text, /1 \/ 5/);
  assert.match(res.text, new RegExp(`id="lic-${org}-seats" name="seats" value="5"`));
  assert.match(res.text, new RegExp(`id="lic-${org}-expires" name="expires_at" type="date" value="2030-01-31"`));
  assert.match(res.text, /value="dashboards" checked/);
  assert.doesNotMatch(res.text, /name="modules" value="database_workspace" checked/);

  // the same license through the API: stored the same
  res = await admin.request('PUT', `/api/admin/orgs/${org}/license`, { json: { modules: ['dashboards', 'ai'], seats: 5, expires_at: '2030-01-31' } });
  assert.equal(res.status, 200, res.text);
  const viaApi = stack.sql(`SELECT l.seats || '|' || l.expires_at || '|' || (SELECT string_agg(module, ',' ORDER BY module) FROM license_modules WHERE license_id = l.id) FROM licenses l JOIN organizations o ON o.id = l.org_id WHERE o.uid = ${sqlStr(org)}`);
  assert.equal(viaApi, viaForm);

  const bad = [
    [[['modules', 'ai'], ['seats', '0']], 'seats', /Seats: a whole number of at least 1/],
    [[['modules', 'ai'], ['seats', 'many']], 'seats', /Seats: a whole number/],
    [[['modules', 'ai'], ['seats', '99999999999']], 'seats', /Seats: a whole number/],
    [[['modules', 'ai'], ['expires_at', 'next tuesday']], 'expires', /Enter a date such as 2027-12-31/],
    [[['modules', 'telepathy']], 'modules', /Choose among the AI assistant/],
  ];
  for (const [pairs, field, message] of bad) {
    res = await form(admin, `/admin/orgs/${org}/license`, pairs);
    assert.equal(res.status, 422, JSON.stringify(pairs));
    assert.match(res.text, new RegExp(`<p class="field-error" id="lic-${org}-${field}-error">${message.source}`), JSON.stringify(pairs));
  }
  assert.equal(stack.sql(`SELECT l.seats || '|' || l.expires_at || '|' || (SELECT string_agg(module, ',' ORDER BY module) FROM license_modules WHERE license_id = l.id) FROM licenses l JOIN organizations o ON o.id = l.org_id WHERE o.uid = ${sqlStr(org)}`), viaForm, 'nothing half-written');
  res = await admin.request('PUT', `/api/admin/orgs/${org}/license`, { json: { modules: ['ai'], seats: 0 } });
  assert.equal(res.status, 422);
  assert.equal(res.json().field, 'seats');
  res = await form(admin, '/admin/orgs/00000000-0000-0000-0000-000000000000/license', [['modules', 'ai']]);
  assert.equal(res.status, 404);

  // an empty form: no modules, unlimited seats, no expiry
  res = await form(admin, `/admin/orgs/${org}/license`, [['seats', ''], ['expires_at', '']]);
  assert.equal(res.status, 303);
  assert.deepEqual((await olga.get(`/api/modules?org_uid=${org}`)).json().modules, []);
  assert.equal(stack.sql(`SELECT (seats IS NULL AND expires_at IS NULL)::text FROM licenses`), 'true');
});

test('instance settings as a form: the modules of personal projects and unlicensed organizations', async () => {
  await admin.get('/admin/orgs');
  let res = await form(admin, '/admin/settings/modules', [['personal_modules', 'dashboards'], ['unlicensed_org_modules', 'ai'], ['personal_modules', 'telepathy']]);
  assert.equal(res.status, 303, res.text);
  assert.deepEqual((await olga.get('/api/modules')).json().modules, ['dashboards']);
  assert.equal(stack.sql(`SELECT value FROM instance_settings WHERE key = 'unlicensed_org_modules'`), 'ai');
  res = await admin.get('/admin/orgs');
  assert.match(res.text, /name="personal_modules" value="dashboards" checked/);
  assert.doesNotMatch(res.text, /name="personal_modules" value="ai" checked/);
  res = await form(admin, '/admin/settings/modules', [['personal_modules', 'ai'], ['personal_modules', 'database_workspace'],
    ['personal_modules', 'dashboards'], ['unlicensed_org_modules', 'ai'], ['unlicensed_org_modules', 'database_workspace'],
    ['unlicensed_org_modules', 'dashboards']]);
  assert.equal(res.status, 303);
  assert.deepEqual((await olga.get('/api/modules')).json().modules.sort(), ['ai', 'dashboards', 'database_workspace']);
});

test('the users list pages by 50, and its links keep the search', async () => {
  stack.sql(`INSERT INTO users (id, email, name, password, created_at, updated_at)
             SELECT gen_random_uuid()::text, 'bulk-' || lpad(i::text, 3, '0') || '@example.com', 'Bulk ' || i, 'x',
                    now() AT TIME ZONE 'UTC' + make_interval(secs => i), now() AT TIME ZONE 'UTC'
               FROM generate_series(1, 60) i`);
  let res = await admin.get('/admin/users?q=bulk-');
  assert.match(res.text, /60 found/);
  assert.equal((res.text.match(/<tr data-email="bulk-/g) || []).length, 50);
  assert.ok(res.text.includes('bulk-050@example.com') && !res.text.includes('bulk-051@example.com'));
  assert.match(res.text, /href="\/admin\/users\?q=bulk-&amp;page=2" rel="next"/);
  res = await admin.get('/admin/users?q=bulk-&page=2');
  assert.equal((res.text.match(/<tr data-email="bulk-/g) || []).length, 10);
  assert.ok(res.text.includes('bulk-051@example.com') && res.text.includes('bulk-060@example.com'));
  assert.match(res.text, /Page 2 of 2/);
  assert.doesNotMatch(res.text, /rel="next"/);
});
