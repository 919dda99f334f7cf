// tests/integration/ai_config.test.js — the AI configuration over the real stack: a user's key is
// sealed in the database (never the plaintext), never returned (hint only) and never logged; another
// user can neither see nor change it; the admin JSON API is for super admins only (404 for others) and
// validates (422, 404); limits answer with a retry time; the usage page, chart and CSV show rows;
// plaintext keys another writer left are sealed when the master starts.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

const KEY = 'sk-test-PLAINTEXT-0123456789-wxyz';
let stack;
let admin;   // the first user: super admin
let bob;
test.before(async () => {
  stack = await startStack();
  admin = new Client(stack.baseUrl);
  await admin.signup({ name: 'Admin' });
  bob = new Client(stack.baseUrl);
  await bob.signup({ name: 'Bob' });
});
test.after(() => stack && stack.stop());

const sqlStr = (s) => `'${String(s).replace(/'/g, "''")}'`;
const userId = (email) => stack.sql(`SELECT id FROM users WHERE email = ${sqlStr(email.toLowerCase())}`);

test('a saved key is sealed in the database, shown only as a hint, never logged', async () => {
  const put = await bob.request('PUT', '/api/settings/ai/openai', { json: { api_key: KEY, model_identifier: 'gpt-4o-mini', is_enabled: true } });
  assert.equal(put.status, 200, put.text);
  assert.ok(!put.text.includes(KEY) && !put.text.includes('PLAINTEXT'));
  assert.equal(put.json().config.key_hint, '••••wxyz');
  assert.equal(put.json().config.model_identifier, 'gpt-4o-mini');

  const stored = stack.sql(`SELECT id || '|' || api_key FROM user_ai_configs WHERE user_id = ${sqlStr(userId(bob.email))}`);
  const [, sealed] = stored.split('|');
  assert.match(sealed, /^v1:/);
  assert.ok(!sealed.includes('PLAINTEXT'), 'the plaintext is not in the row');

  const get = await bob.get('/api/settings/ai');
  assert.equal(get.status, 200);
  assert.ok(!get.text.includes(KEY) && !get.text.includes(sealed), 'GET returns neither the key nor its ciphertext');
  const openai = get.json().providers.find((p) => p.code === 'openai');
  assert.equal(openai.config.key_hint, '••••wxyz');
  assert.equal(openai.config.has_key, true);
  assert.equal(openai.config.verified, false);
  assert.ok(!('api_key' in openai.config));

  // the page shows the hint and never refills the field
  const page = await bob.get('/settings/ai');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('••••wxyz'));
  assert.ok(!page.text.includes('PLAINTEXT'));
  assert.match(page.text, /name="api_key" type="password" autocomplete="off" value=""/);

  // an update without api_key keeps the stored key
  const upd = await bob.request('PUT', '/api/settings/ai/openai', { json: { model_identifier: 'gpt-4o', is_enabled: false } });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json().config.model_identifier, 'gpt-4o');
  assert.equal(upd.json().config.is_enabled, false);
  assert.equal(stack.sql(`SELECT api_key FROM user_ai_configs WHERE id = ${stored.split('|')[0]}`), sealed);

  const log = stack.appLogs() + stack.nginxAccessLog();
  assert.ok(!log.includes('PLAINTEXT'), 'the key appears in no log');
});

test('another user can neither see nor change a configuration', async () => {
  const other = await admin.get('/api/settings/ai');
  assert.equal(other.status, 200);
  for (const p of other.json().providers) assert.equal(p.config, null, `admin sees no config for ${p.code}`);
  // the admin saves its own openai config: a separate row; bob's stays as it was
  const before = stack.sql(`SELECT api_key FROM user_ai_configs WHERE user_id = ${sqlStr(userId(bob.email))}`);
  const put = await admin.request('PUT', '/api/settings/ai/openai', { json: { model_identifier: 'gpt-4o-mini' } });
  assert.equal(put.status, 422, 'a first save needs a key');
  const put2 = await admin.request('PUT', '/api/settings/ai/openai', { json: { api_key: 'sk-admin-key-000000000000' } });
  assert.equal(put2.status, 200);
  assert.equal(stack.sql(`SELECT api_key FROM user_ai_configs WHERE user_id = ${sqlStr(userId(bob.email))}`), before);
  assert.equal(stack.sql('SELECT count(*) FROM user_ai_configs'), '2');
  // bob's ciphertext moved into the admin's row does not open there (row bound as associated data)
  // — checked through the test endpoint's 'cannot be opened' answer
  stack.sql(`UPDATE user_ai_configs SET api_key = (SELECT api_key FROM user_ai_configs WHERE user_id = ${sqlStr(userId(bob.email))})
             WHERE user_id = ${sqlStr(userId(admin.email))}`);
  const t = await admin.request('POST', '/api/settings/ai/openai/test');
  if (t.status === 200) {
    assert.equal(t.json().ok, false);
    assert.match(t.json().message, /cannot be opened/);
  } else {
    assert.equal(t.status, 501);  // no provider client linked: still never the key
  }
  assert.ok(!t.text.includes('PLAINTEXT'));
});

test('settings API validation: unknown provider 404, bad bodies 422, CSRF required', async () => {
  assert.equal((await bob.request('PUT', '/api/settings/ai/nope', { json: { api_key: 'sk-xxxxxxxxxxxxxxxx' } })).status, 404);
  assert.equal((await bob.request('PUT', '/api/settings/ai/openai', { json: { api_key: 'has space in it' } })).status, 422);
  assert.equal((await bob.request('PUT', '/api/settings/ai/openai', { json: { model_identifier: 'gemini-1.5-pro' } })).status, 422);
  assert.equal((await bob.request('PUT', '/api/settings/ai/openai', { json: { is_enabled: 'yes' } })).status, 422);
  assert.equal((await bob.request('PUT', '/api/settings/ai/openai', { json: [1] })).status, 422);
  assert.equal((await bob.request('PUT', '/api/settings/ai/openai', { json: { api_key: KEY }, headers: { 'X-CSRF-Token': 'wrong' } })).status, 403);
});

test('admin APIs: 404 for others, create/update, validation, 404 for unknown providers', async () => {
  assert.equal((await bob.request('PUT', '/api/admin/providers/ollama', { json: { name: 'Ollama', base_url: 'http://127.0.0.1:11434/v1', is_active: true } })).status, 404);
  assert.equal((await bob.request('PUT', '/api/admin/models/openai/gpt-4o', { json: { display_name: 'x' } })).status, 404);
  assert.equal((await bob.get('/admin')).status, 404);
  assert.equal((await bob.get('/admin/usage')).status, 404);
  assert.equal((await bob.get('/admin/usage.csv')).status, 404);

  const created = await admin.request('PUT', '/api/admin/providers/ollama', { json: { name: 'Ollama', base_url: 'http://127.0.0.1:11434/v1', is_active: true } });
  assert.equal(created.status, 201, created.text);
  const updated = await admin.request('PUT', '/api/admin/providers/ollama', { json: { name: 'Local Ollama', base_url: 'https://llm.example.test/v1', is_active: false } });
  assert.equal(updated.status, 200);
  assert.equal(stack.sql("SELECT name || '|' || base_url || '|' || is_active || '|' || wire FROM ai_providers WHERE code = 'ollama'"),
    'Local Ollama|https://llm.example.test/v1|false|openai');
  for (const bad of [{ name: 'x', base_url: 'ftp://example.test' }, { name: 'x', base_url: 'javascript:alert(1)' },
    { name: '', base_url: 'https://a.test' }, { name: 'x', is_active: 'yes' }, { name: 'x', wire: 'soap' }]) {
    assert.equal((await admin.request('PUT', '/api/admin/providers/ollama', { json: bad })).status, 422, JSON.stringify(bad));
  }
  assert.equal((await admin.request('PUT', '/api/admin/providers/Bad%20Code', { json: { name: 'x' } })).status, 422);

  const m = await admin.request('PUT', '/api/admin/models/ollama/llama3.1:8b', { json: { display_name: 'Llama 3.1 8B', context_window: 131072, is_active: true, input_price: 0, output_price: '0.05' } });
  assert.equal(m.status, 201, m.text);
  const m2 = await admin.request('PUT', '/api/admin/models/openai/gpt-4o-mini', { json: { input_price: 0.2, output_price: '0.8' } });
  assert.equal(m2.status, 200, m2.text);
  assert.equal(stack.sql("SELECT input_price || '|' || output_price || '|' || display_name FROM ai_models WHERE model_identifier = 'gpt-4o-mini'"),
    '0.200000|0.800000|GPT-4o Mini (Fast)');
  assert.equal((await admin.request('PUT', '/api/admin/models/nope/x', { json: { display_name: 'x' } })).status, 404);
  for (const bad of [{ input_price: -1 }, { input_price: '1.1234567' }, { context_window: -5 }, { context_window: 'big' }, { display_name: 7 }]) {
    assert.equal((await admin.request('PUT', '/api/admin/models/openai/gpt-4o-mini', { json: bad })).status, 422, JSON.stringify(bad));
  }
  const page = await admin.get('/admin');
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('Local Ollama') && page.text.includes('llama3.1:8b'));
  // the settings page lists the new provider's model to users
  const s = await bob.get('/api/settings/ai');
  assert.ok(s.json().providers.find((p) => p.code === 'ollama').models.some((x) => x.model_identifier === 'llama3.1:8b'));
});

test('limits: over a per-user hourly request limit → not allowed with a retry time; budget too', async () => {
  const bobId = userId(bob.email);
  assert.deepEqual((await bob.get('/api/ai/limits')).json(), { allowed: true, retry_after: 0 });
  const lim = await admin.request('PUT', `/api/admin/users/${bobId}/limits`, { json: { requests_per_hour: 2, tokens_per_day: null } });
  assert.equal(lim.status, 200, lim.text);
  assert.equal((await bob.request('PUT', `/api/admin/users/${bobId}/limits`, { json: { requests_per_hour: 100 } })).status, 404);
  stack.sql(`INSERT INTO ai_usage (user_id, provider_code, model_identifier, input_tokens, output_tokens, cost, created_at)
             VALUES (${sqlStr(bobId)}, 'openai', 'gpt-4o', 10, 20, 0.001, (now() AT TIME ZONE 'UTC') - interval '50 minutes'),
                    (${sqlStr(bobId)}, 'openai', 'gpt-4o', 10, 20, 0.001, (now() AT TIME ZONE 'UTC') - interval '30 minutes')`);
  const over = (await bob.get('/api/ai/limits')).json();
  assert.equal(over.allowed, false);
  assert.ok(over.retry_after > 540 && over.retry_after <= 601, `retry in about 10 minutes, got ${over.retry_after}`);
  // the admin's own limits are the defaults: unaffected
  assert.equal((await admin.get('/api/ai/limits')).json().allowed, true);
  // instance budget: spent ≥ budget → everyone waits until next month
  assert.equal((await admin.request('PUT', '/api/admin/limits', { json: { monthly_budget: '0.001' } })).status, 200);
  const b = (await admin.get('/api/ai/limits')).json();
  assert.equal(b.allowed, false);
  assert.ok(b.retry_after >= 1 && b.retry_after <= 31 * 86400);
  assert.equal((await admin.request('PUT', '/api/admin/limits', { json: { monthly_budget: 'lots' } })).status, 422);
  assert.equal((await admin.request('PUT', '/api/admin/limits', { json: { monthly_budget: null } })).status, 200);
  assert.equal((await admin.get('/api/ai/limits')).json().allowed, true);
});

test('usage page, chart and CSV for an admin', async () => {
  const bobId = userId(bob.email);
  stack.sql(`INSERT INTO ai_usage (user_id, provider_code, model_identifier, input_tokens, output_tokens, cost, estimated)
             VALUES (${sqlStr(bobId)}, 'gemini', 'gemini-1.5-flash', 1000, 2000, 0.12345678, true)`);
  const page = await admin.get('/admin/usage');
  assert.equal(page.status, 200);
  assert.match(page.text, /<svg class="usage-chart"[^>]*role="img"/);
  assert.match(page.text, /<rect class="bar"/);
  assert.ok(page.text.includes(bob.email.toLowerCase()));
  assert.ok(page.text.includes('gemini/gemini-1.5-flash'));
  assert.ok(page.text.includes('0.12345678'));
  const csv = await admin.get('/admin/usage.csv?days=7');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'day,user,provider,model,requests,input_tokens,output_tokens,cost_usd,estimated');
  const row = lines.find((l) => l.includes('gemini-1.5-flash'));
  assert.ok(row, csv.text);
  assert.match(row, new RegExp(`^\\d{4}-\\d\\d-\\d\\d,${bob.email.toLowerCase().replace(/\./g, '\\.')},gemini,gemini-1\\.5-flash,1,1000,2000,0\\.12345678,true$`));
  assert.equal((await admin.get('/admin/usage?days=0')).status, 422);
  // a user sees their own usage rows only (row-level security), an admin all
  const own = stack.psqlAs('card_app', `SELECT set_config('app.user_id', ${sqlStr(bobId)}, false); SELECT count(*) FROM ai_usage`);
  assert.equal(own.split('\n').pop(), stack.sql(`SELECT count(*) FROM ai_usage WHERE user_id = ${sqlStr(bobId)}`));
});

test('settings page forms: rules per view, prompts with exactly one default', async () => {
  const page = await bob.get('/settings/ai');
  assert.ok(page.text.includes('snake_case'), 'the ERD default rules are seeded');
  assert.equal((await bob.postForm('/settings/ai/rules', { content_erd: 'Use UUID keys.', enabled_erd: '1', content_notes: 'Be brief.', content_flowchart: 'x' })).status, 303);
  const bobId = userId(bob.email);
  assert.equal(stack.sql(`SELECT content || '|' || is_enabled FROM user_ai_rules WHERE user_id = ${sqlStr(bobId)} AND view_type = 'erd'`), 'Use UUID keys.|true');
  assert.equal(stack.sql(`SELECT is_enabled FROM user_ai_rules WHERE user_id = ${sqlStr(bobId)} AND view_type = 'notes'`), 'f');
  assert.equal((await bob.postForm('/settings/ai/prompts', { name: 'Terse', content: 'Answer in one line.', is_default: '1' })).status, 303);
  assert.equal((await bob.postForm('/settings/ai/prompts', { name: 'Verbose', content: 'Explain.', is_default: '1' })).status, 303);
  assert.equal(stack.sql(`SELECT string_agg(name, ',') FROM ai_system_prompts WHERE user_id = ${sqlStr(bobId)} AND is_default`), 'Verbose');
  assert.equal(stack.sql("SELECT is_default FROM ai_system_prompts WHERE id = 'builtin-default'"), 't');
  const builtin = await bob.postForm('/settings/ai/prompts/builtin-default', { name: 'mine now', content: 'evil' });
  assert.equal(builtin.status, 404, 'built-in prompts are read-only');
  assert.equal((await bob.postForm('/settings/ai/prompts/default', { default: 'builtin' })).status, 303);
  assert.equal(stack.sql(`SELECT count(*) FROM ai_system_prompts WHERE user_id = ${sqlStr(bobId)} AND is_default`), '0');
  assert.equal((await bob.postForm('/settings/ai/prompts', { name: '', content: 'x' })).status, 422);
});

test('plaintext keys another writer left are sealed when the master starts', async () => {
  const adminId = userId(admin.email);
  const gid = stack.sql("SELECT id FROM ai_providers WHERE code = 'gemini'");
  stack.sql(`INSERT INTO user_ai_configs (user_id, provider_id, api_key, is_enabled) VALUES (${sqlStr(adminId)}, ${gid}, 'AIza-LEFT-IN-PLAINTEXT-1234', true)`);
  const master = stack.masterPid();
  process.kill(master, 'SIGTERM');
  await stack.waitGone([master]);
  stack.instanceStart(0);
  const key = stack.sql(`SELECT api_key || '|' || api_key_hint FROM user_ai_configs WHERE provider_id = ${gid}`);
  assert.match(key, /^v1:/);
  assert.ok(!key.includes('LEFT-IN-PLAINTEXT'));
  assert.ok(key.endsWith('|••••1234'));
  const s = await admin.get('/api/settings/ai');
  assert.equal(s.status, 200);
  assert.equal(s.json().providers.find((p) => p.code === 'gemini').config.key_hint, '••••1234');
  assert.ok(!stack.appLogs().includes('LEFT-IN-PLAINTEXT'));
});
