// tests/integration/static_version.test.js — the whole static/ tree is versioned, not just the
// page's entry script: pages name assets /static/<build id>/… where the id is the content hash
// `make` writes to static.env; nginx serves that prefix (immutable) from static/, so an ES
// module's relative imports carry the id too. Edit one imported module in a copy of static/,
// rebuild the id, restart the stack: the page names the new id and the module under it has the
// new bytes. The unversioned /static/… keeps working (revalidated, not immutable).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { startStack, root } = require('../lib/stack.js');
const { Client } = require('../lib/client.js');

let stack, tmp;
test.after(() => {
  if (stack) stack.stop();
  if (tmp && !process.env.KEEP_TEST_DIRS) fs.rmSync(tmp, { recursive: true, force: true });
});

/** buildId: run the Makefile rule for static.env over the copy; the id it wrote. */
function buildId() {
  const env = path.join(tmp, 'build', 'static.env');
  execFileSync('make', ['-s', '-C', root, `BUILD=${path.join(tmp, 'build')}`, `STATIC_DIR=${path.join(tmp, 'static')}`, env], { stdio: 'inherit' });
  const m = /^CARD_ASSET_VERSION=([0-9a-f]+)$/m.exec(fs.readFileSync(env, 'utf8'));
  assert.ok(m, 'static.env names the id');
  return m[1];
}

/** moduleUrl: the src of the page's module script. */
function moduleUrl(html) {
  const m = /<script type="module" src="([^"]+)"/.exec(html);
  assert.ok(m, 'the page has a module script');
  return m[1];
}

test('a changed module gets a new URL prefix after rebuild and restart', async () => {
  tmp = fs.mkdtempSync('/tmp/card-static-');
  fs.chmodSync(tmp, 0o755);
  fs.cpSync(path.join(root, 'static'), path.join(tmp, 'static'), { recursive: true });
  const id1 = buildId();
  assert.match(id1, /^[0-9a-f]{16}$/);
  stack = await startStack({ env: { STATIC_DIR: path.join(tmp, 'static'), STATIC_ENV: path.join(tmp, 'build', 'static.env') } });
  const alice = new Client(stack.baseUrl);
  await alice.signup();
  const diagram = await alice.createFile(await alice.createProject('Versions'), 'diagram', 'D');

  let page = await alice.get(`/diagrams/${diagram}`);
  assert.equal(page.status, 200);
  assert.equal(moduleUrl(page.text), `/static/${id1}/js/erd/main.js`);
  assert.match(page.text, new RegExp(`<link rel="stylesheet" href="/static/${id1}/css/app.css">`));
  assert.doesNotMatch(page.text, /\?v=/, 'no asset is versioned by a query string alone');
  // The entry module and a module it imports relatively, both under the prefix, immutable.
  const main = await alice.get(moduleUrl(page.text));
  assert.equal(main.status, 200);
  assert.match(main.headers.get('cache-control'), /immutable/);
  assert.match(main.text, /from '\.\.\/lib\/saver\.js'/);
  const saverUrl = new URL('../lib/saver.js', stack.baseUrl + moduleUrl(page.text)).pathname;
  assert.equal(saverUrl, `/static/${id1}/js/lib/saver.js`);
  const saverFile = path.join(tmp, 'static', 'js', 'lib', 'saver.js');
  const saver1 = await alice.get(saverUrl);
  assert.equal(saver1.status, 200);
  assert.equal(saver1.text, fs.readFileSync(saverFile, 'utf8'));

  // An upgrade that changes only an imported module: rebuild, restart.
  const marker = `// changed by the static version test ${Date.now()}`;
  fs.appendFileSync(saverFile, `${marker}\n`);
  const id2 = buildId();
  assert.notEqual(id2, id1, 'the id follows an imported module');
  const sh = path.join(root, 'scripts', 'stack.sh');
  execFileSync(sh, ['stop'], { env: stack.env, stdio: 'ignore' });
  execFileSync(sh, ['start'], { env: stack.env, stdio: ['ignore', 'ignore', 'inherit'] });
  // Let fetch see that the old nginx closed its kept-alive connection (the event loop was
  // blocked while the stack restarted) rather than reuse it.
  await new Promise((r) => setTimeout(r, 100));

  page = await alice.get(`/diagrams/${diagram}`);
  assert.equal(page.status, 200);
  assert.equal(moduleUrl(page.text), `/static/${id2}/js/erd/main.js`);
  const saver2 = await alice.get(`/static/${id2}/js/lib/saver.js`);
  assert.equal(saver2.status, 200);
  assert.match(saver2.headers.get('cache-control'), /immutable/);
  assert.ok(saver2.text.includes(marker), 'the module under the new id has the new content');

  // The unversioned path still serves the files, but is never cached as immutable.
  const plain = await alice.get('/static/js/lib/saver.js');
  assert.equal(plain.status, 200);
  assert.ok(plain.text.includes(marker));
  assert.doesNotMatch(plain.headers.get('cache-control'), /immutable/);
  // Only hex ids name a version: a folder name is not taken for one.
  assert.equal((await alice.get('/static/css/app.css')).status, 200);
  assert.equal((await alice.get(`/static/${id2}/css/nope.css`)).status, 404);
});
