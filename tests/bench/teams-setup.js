// tests/bench/teams-setup.js — data for the teams bench row (tests/bench/extra/teams.sh, issue 12):
// an owner makes an organization with 10 teams of 100 projects each (1,000 projects, every one
// moved into its team through PUT /api/projects/{uid}/team) and adds a member to all 10 teams as
// a viewer; prints TEAMS_COOKIE for the member's session (shell syntax).
// Usage: node tests/bench/teams-setup.js BASE_URL
'use strict';
const { Client } = require('../lib/client.js');

const TEAMS = 10;
const PROJECTS_PER_TEAM = 100;

async function ok(res, what) {
  if (res.status >= 400) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
  return res;
}

async function main() {
  const [baseUrl] = process.argv.slice(2);
  const owner = new Client(baseUrl);
  await owner.signup();
  const member = new Client(baseUrl);
  const { email } = await member.signup();
  const org = (await ok(await owner.request('POST', '/api/orgs', { json: { name: 'Bench org' } }), 'org')).json().uid;
  for (let t = 0; t < TEAMS; t++) {
    const team = (await ok(await owner.request('POST', `/api/orgs/${org}/teams`, { json: { name: `Team ${t}` } }), 'team')).json().uid;
    await ok(await owner.request('PUT', `/api/teams/${team}/members/${encodeURIComponent(email)}`, { json: { role: 'viewer' } }), 'member');
    const made = [];
    for (let p = 0; p < PROJECTS_PER_TEAM; p++) {
      const res = await ok(await owner.postForm('/projects', { name: `T${t} project ${p}`, color: '#0ea5e9' }), 'project');
      made.push(res.headers.get('location').split('/').pop());
    }
    await Promise.all(made.map(async (uid) => ok(await owner.request('PUT', `/api/projects/${uid}/team`, { json: { team_uid: team } }), 'move')));
    process.stderr.write(`bench: teams — team ${t + 1}/${TEAMS} with ${PROJECTS_PER_TEAM} projects\n`);
  }
  const dash = await member.get('/dashboard');
  const shown = (dash.text.match(/href="\/projects\/[0-9a-f-]{36}"/g) || []).length;
  process.stderr.write(`bench: teams — the member's dashboard answered ${dash.status} listing ${shown} project links\n`);
  console.log(`TEAMS_COOKIE='sid=${member.cookies.get('sid')}'`);
}

main().catch((e) => { console.error(e); process.exit(1); });
