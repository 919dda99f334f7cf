// tests/integration/auth.test.js — what the sign-in and sign-up forms let a stranger do (issue 15):
// send a signed-in user to another origin through ?next=, learn which addresses have accounts
// from the sign-up answer, or keep an account's owner locked out by failing logins elsewhere.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack;
test.before(async () => { stack = await startStack(); });
test.after(() => stack && stack.stop());

// next= exactly as an attacker would put it in a link (already percent-encoded), and where a
// signed-in user must end up.
const nexts = [
  ['/%09/evil.example/phish', '/dashboard'],
  ['/%0a/evil.example/phish', '/dashboard'],
  ['%09//evil.example', '/dashboard'],
  ['//evil.example', '/dashboard'],
  ['/%5Cevil.example', '/dashboard'],
  ['/%5C/evil.example', '/dashboard'],
  ['/%252F%252Fevil.example', '/dashboard'],
  ['https://evil.example/', '/dashboard'],
  ['javascript:alert(1)', '/dashboard'],
  ['/caf%C3%A9', '/dashboard'],
  ['', '/dashboard'],
  ['/account%3Fdone%3Dsaved', '/account?done=saved'],
  ['/trash', '/trash'],
];

test('after sign-in, ?next= never leads to another origin', async () => {
  const c = new Client(stack.baseUrl);
  const { email, password } = await c.signup();
  for (const [next, want] of nexts) {
    const r = await c.get(`/login?next=${next}`);
    assert.equal(r.status, 303, next);
    assert.equal(r.headers.get('location'), want, `GET /login?next=${next}`);
  }
  // the same through the form a signed-out user posts
  for (const [next, want] of nexts) {
    const anon = new Client(stack.baseUrl);
    await anon.get('/login');
    const r = await anon.request('POST', '/login', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `csrf_token=${encodeURIComponent(anon.csrf)}&email=${encodeURIComponent(email)}`
        + `&password=${encodeURIComponent(password)}&next=${next}`,
    });
    assert.equal(r.status, 303, next);
    assert.equal(r.headers.get('location'), want, `POST /login next=${next}`);
  }
});

// The parts of a response a stranger can compare (Date aside).
function visible(r) {
  const headers = [...r.headers].filter(([k]) => k !== 'date');
  return { status: r.status, headers, text: r.text };
}

test('sign-up answers a taken address exactly as a new one, and signs in neither', async () => {
  const owner = new Client(stack.baseUrl);
  const { email, password } = await owner.signup();
  const fresh = `new-${Date.now()}@example.com`;
  const answers = [];
  for (const address of [email, email.toUpperCase(), fresh]) {
    const c = new Client(stack.baseUrl);
    await c.get('/signup');
    const r = await c.postForm('/signup', { name: 'Someone', email: address, password: 'another good one' });
    assert.equal(r.status, 303, address);
    assert.equal(r.headers.get('location'), '/login?done=signed-up');
    assert.deepEqual(r.headers.getSetCookie().filter((s) => /^sid=/.test(s)), [], 'no session from a sign-up');
    const page = await c.get('/login?done=signed-up');
    assert.equal(page.status, 200);
    assert.match(page.text, /If this address can be used/);
    assert.doesNotMatch(page.text + r.text, /already|exists|taken/i);
    answers.push({ signup: visible(r), page: visible(page) });
  }
  assert.deepEqual(answers[0].signup, answers[2].signup);
  assert.deepEqual(answers[1].signup, answers[2].signup);
  // The pages differ only in their per-visitor CSRF token.
  const scrub = (p) => JSON.stringify(p).replace(/[A-Za-z0-9_-]{20,}/g, 'T');
  assert.equal(scrub(answers[0].page), scrub(answers[2].page));
  // the owner's account is untouched; the new account signs in with its password
  assert.equal(stack.sql(`SELECT count(*) FROM users WHERE lower(email) = lower('${email}')`), '1');
  assert.equal((await new Client(stack.baseUrl).login(email, password)).status, 303);
  assert.equal((await new Client(stack.baseUrl).login(email, 'another good one')).status, 401);
  const newcomer = new Client(stack.baseUrl);
  assert.equal((await newcomer.login(fresh, 'another good one')).status, 303);
  assert.equal((await newcomer.get('/dashboard')).status, 200);
});

test('failures from one address do not lock the owner out from another', async () => {
  const owner = new Client(stack.baseUrl, { localAddress: '127.0.0.3' });
  const { email, password } = await owner.signup();
  const attacker = new Client(stack.baseUrl, { localAddress: '127.0.0.2' });
  await attacker.get('/login');
  const statuses = [];
  for (let i = 0; i < 7; i++) statuses.push((await attacker.postForm('/login', { email, password: `wrong guess ${i}` })).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
  // the attacker's address is slowed down, even with the right password …
  const blocked = await attacker.postForm('/login', { email, password });
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
  // … the owner's is not
  const other = new Client(stack.baseUrl, { localAddress: '127.0.0.3' });
  const r = await other.login(email, password);
  assert.equal(r.status, 303);
  assert.equal((await other.get('/dashboard')).status, 200);
  assert.match(stack.sql("SELECT string_agg(key, ' ') FROM login_throttle WHERE key LIKE 'pair:%'"), /pair:127\.0\.0\.2\|/);
});
