// tests/browser/backup_upload.test.js — restoring an archive larger than 8 MiB through /backups'
// form: static/js/restore.js uploads it in parts (fcgi/api_upload.c) with a visible <progress>
// bar, retries a part whose request failed on the network, and opens the restore task, whose
// page ends with a link to the restored project (the note and both images there).  No page
// error, no CSP violation.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const zlib = require('zlib');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => {
  stack = await startStack({});
  browser = await newBrowser();
});
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

/** tar: a ustar archive of entries [{name, data}]. */
function tar(entries) {
  const blocks = [];
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('0', 156);
    h.write('ustar\0', 257); h.write('00', 263);
    h.fill(' ', 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** bigArchive: a backup of one project with a note showing two ~4.6 MB (random) images. */
function bigArchive() {
  const note = 'n0000000-0000-0000-0000-00000000b16a';
  const atts = ['a0000000-0000-0000-0000-0000000000a1', 'a0000000-0000-0000-0000-0000000000a2'].map((uid) => ({
    uid, data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), crypto.randomBytes(4_600_000)]) }));
  const manifest = { format: 'cardinality-backup', version: 1, created_at: '2026-01-01T00:00:00Z',
    projects: [{ uid: 'p1', name: 'Big browser backup', color: '#6366f1',
      files: [{ kind: 'note', uid: note, title: 'Gallery', path: `files/note/${note}.json` }] }],
    attachments: atts.map((a) => ({ uid: a.uid, file_kind: 'note', file_uid: note, mime: 'image/png', size: a.data.length, path: `attachments/${a.uid}` })) };
  const content = `<p>Two pictures</p>${atts.map((a, i) => `<p><img src="/attachments/${a.uid}" alt="picture ${i}"></p>`).join('')}`;
  return zlib.gzipSync(tar([
    { name: 'manifest.json', data: JSON.stringify(manifest) },
    { name: `files/note/${note}.json`, data: JSON.stringify({ uid: note, title: 'Gallery', content, _version: 1 }) },
    ...atts.map((a) => ({ name: `attachments/${a.uid}`, data: a.data })),
  ]));
}

test('an archive over 8 MiB is uploaded in parts with a progress bar, a failed part retried, and restored', async () => {
  const gz = bigArchive();
  assert.ok(gz.length > 8 * 1024 * 1024, `archive ${gz.length} bytes`);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  await signUp(page, stack.baseUrl);
  // Each part waits a little (so the bar can be seen), and the first try of the last part
  // fails on the network: restore.js must retry it.
  const tries = {};
  await page.route('**/api/backups/uploads/*/parts/*', async (route) => {
    const n = route.request().url().split('/').pop();
    tries[n] = (tries[n] || 0) + 1;
    await new Promise((r) => setTimeout(r, 600));
    if (n === '1' && tries[n] === 1) return route.abort('connectionreset');
    return route.continue();
  });
  await page.goto(`${stack.baseUrl}/backups`);
  assert.match(await page.locator('#restore-hint').textContent(), /Larger archives need JavaScript/);
  assert.equal(await page.locator('#restore-progress').isVisible(), false, 'no bar before an upload');
  await page.setInputFiles('#restore-file', { name: 'big-backup.tar.gz', mimeType: 'application/gzip', buffer: gz });
  await page.click('#restore-form button[type="submit"]');
  const bar = page.locator('#restore-progress');
  await bar.waitFor({ state: 'visible', timeout: 10000 });
  let seen = 0;
  for (let i = 0; i < 100 && /\/backups$/.test(page.url()); i++) {
    const v = await bar.evaluate((el) => el.value / el.max).catch(() => seen);
    if (v > seen) seen = v;
    if (seen > 0) break;
    await page.waitForTimeout(50);
  }
  assert.ok(seen > 0 && seen < 1, `the bar showed partial progress (${seen})`);
  await page.waitForURL(/\/tasks\//, { timeout: 30000 });
  assert.equal(tries['0'], 1);
  assert.equal(tries['1'], 2, 'the failed part was sent again');
  const open = page.locator('#task-links a', { hasText: 'Open the restored project' });
  await open.waitFor({ timeout: 30000 });
  await Promise.all([page.waitForURL(/\/projects\//), open.click()]);
  assert.match(await page.locator('h1').textContent(), /Big browser backup \(restored\)/);
  assert.ok(await page.getByText('Gallery', { exact: true }).count() > 0, 'the note is there');
  assert.equal(stack.sql("SELECT count(*) FROM attachments WHERE size > 4600000"), '2', 'both images restored');
  assert.equal(stack.sql('SELECT count(*) FROM restore_uploads'), '0', 'the upload is gone');
  assert.deepEqual(problems, []);
  await ctx.close();
});
