// tests/bench/ai_setup.js — the AI benches' common set-up (ai_relay.js, ai_streams.js): the fake
// provider (tests/fake_ai) on loopback as the openai_compatible provider's base URL, a new user
// with a project and that provider enabled with the fake model `model` ("fake-normal",
// "fake-long": the behaviour is the word after "fake-").
'use strict';
const { execFileSync } = require('child_process');
const { Client } = require('../lib/client.js');
const { startFake } = require('../fake_ai/index.js');

/** setupFakeAI: {fake, client, project}; the caller stops fake. */
async function setupFakeAI(base, sock, model, projectName) {
  const sql = (text) => execFileSync('psql', ['-X', '-q', '-At', '-h', sock, '-U', 'postgres', '-d', 'cardinality',
    '-v', 'ON_ERROR_STOP=1', '-c', text]).toString().trim();
  const fake = await startFake();
  try {
    const client = new Client(base);
    await client.signup();
    const project = await client.createProject(projectName);
    const user = sql(`SELECT id FROM users WHERE email = '${client.email}'`);
    sql(`UPDATE ai_providers SET base_url = '${fake.url}/v1' WHERE code = 'openai_compatible';
      INSERT INTO ai_models (provider_id, model_identifier, display_name, is_active)
        SELECT id, '${model}', 'fake', true FROM ai_providers p WHERE code = 'openai_compatible'
          AND NOT EXISTS (SELECT 1 FROM ai_models m WHERE m.provider_id = p.id AND m.model_identifier = '${model}');
      INSERT INTO user_ai_configs (user_id, provider_id, selected_model_id, api_key, is_enabled)
        SELECT '${user}', p.id, m.id, 'sk-bench', true FROM ai_providers p JOIN ai_models m ON m.provider_id = p.id
         WHERE p.code = 'openai_compatible' AND m.model_identifier = '${model}';`);
    return { fake, client, project };
  } catch (e) {
    fake.stop();
    throw e;
  }
}

module.exports = { setupFakeAI };
