// tests/browser/notes.test.js — the note editor (editors/src/note.entry.js) in headless Chromium
// against the real stack: write with Markdown shortcuts and keys (heading, bold, list, task
// list), a table from the toolbar and from the slash menu, a link, an image pasted from the
// clipboard and one uploaded with the button (both stored as attachments, never base64),
// autosave, reload and see it all, and the stored HTML through GET /api/notes/{uid}; unsent edits
// kept in localStorage and restored in a new tab; a save conflict resolved both ways. No script
// dialog, no CSP violation, no page error.
//
// Selectors (stable; defined by templates/note.mustache and editors/src/note/*.js):
//   #note-editor (data-uid, data-ready="true" once mounted), #note-view (the server's view, hidden)
//   [data-testid="note-content"]   the editable TipTap content (.ProseMirror)
//   [data-testid="note-title-input"]   the title input (inside the page's h1[data-testid="note-title"])
//   [data-testid="note-<cmd>"]     toolbar buttons: bold italic underline strike code color link bullet
//                                  ordered task quote codeblock hr table rowBefore rowAfter rowDelete
//                                  colBefore colAfter colDelete tableDelete image undo redo;
//                                  [data-testid="note-style"] the text-style select
//   [data-testid="note-image-input"] the file input behind the image button
//   [data-testid="slash-menu"] > li[role="option"][data-id]   the slash menu
//   [data-testid="save-status"]    data-state = saved | saving | dirty | offline | error | conflict
//   [data-testid="note-toc"], [data-testid="note-words"]   contents and word count (page, kept live)
//   [data-testid="note-restore-banner"] [data-testid="note-restore"]   unsent edits from before
//   [data-testid="conflict-dialog"] [data-testid="conflict-keep-mine"|"conflict-theirs-btn"]
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startStack, newBrowser, signUp } = require('../lib/stack.js');

let stack, browser;
test.before(async () => { stack = await startStack(); browser = await newBrowser(); });
test.after(async () => { if (browser) await browser.close(); if (stack) stack.stop(); });

/** png: a real w×h RGB PNG (IHDR, one zlib IDAT of unfiltered rows, IEND) in the given colour. */
function png(w, h, [r, g, b]) {
  const zlib = require('zlib');
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf) => { let c = 0xffffffff; for (const x of buf) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'ascii');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [r, g, b]).flat())]);
  const idat = zlib.deflateSync(Buffer.concat(Array.from({ length: h }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = png(24, 16, [79, 70, 229]);

async function newPage(context) {
  const page = await (context || browser).newPage({ viewport: { width: 1300, height: 900 } });
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    // Script errors count; the browser's own network lines ("Failed to load resource: … 409") do not.
    else if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

/** A fresh user, project and note; the page ends in the editor. Returns the note's uid. */
async function openNewNote(page, title = 'Meeting notes') {
  await signUp(page, stack.baseUrl);
  await page.fill('form[action="/projects"] input[name="name"]', 'Docs');
  await Promise.all([page.waitForURL(/\/projects\//), page.click('form[action="/projects"] button[type="submit"]')]);
  const form = page.locator('form:has(select[name="kind"])');
  await form.locator('select[name="kind"]').selectOption('note');
  await form.locator('input[name="title"]').fill(title);
  await Promise.all([page.waitForURL(/\/notes\//), form.locator('button[type="submit"]').click()]);
  await page.waitForSelector('#note-editor[data-ready="true"] [data-testid="note-content"]');
  return new URL(page.url()).pathname.split('/').pop();
}

const saved = (page) => page.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: 15000 });
const content = (page) => page.locator('[data-testid="note-content"]');
const apiNote = async (page, uid) => {
  const res = await page.request.get(`${stack.baseUrl}/api/notes/${uid}`);
  assert.equal(res.status(), 200);
  return res.json();
};

/** pasteImage: a paste event carrying a PNG file, as the clipboard gives it after copying an image. */
async function pasteImage(page, name) {
  await page.evaluate(({ b64, name }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'image/png' }));
    const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    document.querySelector('[data-testid="note-content"]').dispatchEvent(ev);
  }, { b64: PNG.toString('base64'), name });
}

test('write with shortcuts, a table, a link and images; autosave survives a reload', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewNote(page);
  assert.equal(await page.isVisible('#note-view'), false, 'the server view is hidden once the editor runs');
  assert.equal(await page.inputValue('[data-testid="note-title-input"]'), 'Meeting notes');

  await content(page).click();
  await page.keyboard.type('# Agenda\n');                        // Markdown heading
  await page.keyboard.type('We ship on ');
  await page.keyboard.press('Control+b');                         // bold by key
  await page.keyboard.type('Friday');
  await page.keyboard.press('Control+b');
  await page.keyboard.type(' and **celebrate** after.\n');      // bold by Markdown
  await page.keyboard.type('- first point\nsecond point\n\n');    // bullet list, left by an empty item
  await page.keyboard.type('[ ] write the docs\nreview\n\n');     // task list
  await page.keyboard.press('Control+Alt+2');                     // heading 2 by key
  await page.keyboard.type('Numbers\n');
  const p = content(page);
  assert.equal(await p.locator('h1').textContent(), 'Agenda');
  assert.equal(await p.locator('h2').textContent(), 'Numbers');
  assert.deepEqual(await p.locator('strong').allTextContents(), ['Friday', 'celebrate']);
  assert.deepEqual(await p.locator('ul:not([data-type]) > li').allTextContents(), ['first point', 'second point']);
  assert.deepEqual(await p.locator('ul[data-type="taskList"] > li > div').allTextContents(), ['write the docs', 'review']);
  await p.locator('ul[data-type="taskList"] > li').first().locator('input[type="checkbox"]').check();

  // A table from the toolbar: 3×3 with a header row; then one more row.
  await page.click('[data-testid="note-table"]');
  await page.keyboard.type('Metric');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Value');
  await page.click('[data-testid="note-rowAfter"]');
  assert.equal(await p.locator('table tr').count(), 4);
  assert.equal(await p.locator('table th').first().textContent(), 'Metric');

  // Leave the table, link some text with the dialog (Ctrl+K).
  await p.locator('h2').click();
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Control+k');
  await page.fill('[data-testid="note-link-url"]', 'example.com/numbers');
  await page.click('[data-testid="note-link-save"]');
  assert.equal(await p.locator('h2 a').getAttribute('href'), 'https://example.com/numbers');

  // An image pasted from the clipboard, then one from the upload button.
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await pasteImage(page, 'pasted.png');
  await p.locator('img[src^="/attachments/"]').first().waitFor();
  await page.setInputFiles('[data-testid="note-image-input"]', { name: 'chosen.png', mimeType: 'image/png', buffer: PNG });
  await p.locator('img[src^="/attachments/"]').nth(1).waitFor();
  // The attachment is really served to its owner (the image decodes).
  const decoded = () => p.locator('img[src^="/attachments/"]').evaluateAll((l) => l.map((i) => i.complete && i.naturalWidth));
  for (let i = 0; i < 50 && (await decoded()).some((w) => w !== 24); i++) await page.waitForTimeout(100);
  assert.deepEqual(await decoded(), [24, 24]);

  assert.match(await page.textContent('[data-testid="note-toc"]'), /Agenda[\s\S]*Numbers/);
  await saved(page);

  await page.reload();
  await page.waitForSelector('#note-editor[data-ready="true"] [data-testid="note-content"]');
  const r = content(page);
  assert.equal(await r.locator('h1').textContent(), 'Agenda');
  assert.deepEqual(await r.locator('strong').allTextContents(), ['Friday', 'celebrate']);
  assert.equal(await r.locator('ul[data-type="taskList"] > li[data-checked="true"]').count(), 1);
  assert.equal(await r.locator('table tr').count(), 4);
  assert.equal(await r.locator('img[src^="/attachments/"]').count(), 2);
  assert.equal(await r.locator('h2 a[href="https://example.com/numbers"]').count(), 1);
  assert.match(await page.textContent('[data-testid="note-toc"]'), /Agenda[\s\S]*Numbers/);
  assert.match(await page.textContent('[data-testid="note-words"]'), /^\d+ words?$/);

  const doc = await apiNote(page, uid);
  assert.equal(doc.title, 'Meeting notes');
  assert.match(doc.content, /<h1[^>]*>Agenda<\/h1>/);
  assert.match(doc.content, /<strong>Friday<\/strong>/);
  assert.match(doc.content, /<table/);
  assert.match(doc.content, /<th[^>]*>\s*<p>Metric<\/p>/);
  assert.match(doc.content, /data-type="taskList"/);
  assert.match(doc.content, /data-checked="true"/);
  assert.match(doc.content, /<img[^>]* src="\/attachments\/[^"]+"/);
  assert.doesNotMatch(doc.content, /data:image|base64/);
  assert.deepEqual(problems, []);
});

test('the slash menu filters, moves with the arrow keys and inserts; the title saves with the note', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewNote(page, 'Slash');
  await content(page).click();
  await page.keyboard.type('/');
  const menu = page.locator('[data-testid="slash-menu"]');
  await menu.waitFor({ state: 'visible' });
  assert.ok(await menu.locator('li[role="option"]').count() > 5);
  await page.keyboard.type('list');
  assert.deepEqual(await menu.locator('li[role="option"]').evaluateAll((l) => l.map((x) => x.dataset.id)), ['bullet', 'ordered', 'task']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await menu.locator('li[aria-selected="true"]').getAttribute('data-id'), 'task');
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden' });
  await page.keyboard.type('from the menu');
  assert.equal(await content(page).locator('ul[data-type="taskList"] li > div').textContent(), 'from the menu');
  assert.doesNotMatch(await content(page).textContent(), /\/list/, 'the "/list" text is gone');
  // Escape closes the menu and keeps the typed slash.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('a/b /');
  await menu.waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  assert.equal(await content(page).locator(':scope > p').first().textContent(), 'a/b /');

  await page.fill('[data-testid="note-title-input"]', 'Renamed inline');
  await saved(page);
  const doc = await apiNote(page, uid);
  assert.equal(doc.title, 'Renamed inline');
  assert.match(doc.content, /data-type="taskList"/);
  assert.match(await page.title(), /^Renamed inline/);
  assert.deepEqual(problems, []);
});

test('unsent edits survive when the server is unreachable and are restored in a new tab', async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await newPage(context);
    const uid = await openNewNote(page, 'Offline');
    await page.route('**/api/notes/*', (route) => (route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue()));
    await content(page).click();
    await page.keyboard.type('written while offline');
    await page.waitForSelector('[data-testid="save-status"][data-state="offline"]', { timeout: 15000 });
    assert.doesNotMatch((await apiNote(page, uid)).content, /offline/);
    const { page: again, problems: problems2 } = await newPage(context);
    await page.close(); // the tab goes away with the edit unsent
    await again.goto(`${stack.baseUrl}/notes/${uid}`);
    await again.waitForSelector('#note-editor[data-ready="true"]');
    await again.click('[data-testid="note-restore"]');
    assert.equal(await content(again).textContent(), 'written while offline');
    await saved(again);
    assert.match((await apiNote(again, uid)).content, /written while offline/);
    await again.reload();
    await again.waitForSelector('#note-editor[data-ready="true"]');
    assert.equal(await again.locator('[data-testid="note-restore-banner"]').count(), 0, 'a saved draft is forgotten');
    assert.deepEqual([...problems, ...problems2], []);
  } finally {
    await context.close();
  }
});

test('a save conflict shows both versions side by side: "Take theirs" and "Keep mine"', async () => {
  const { page, problems } = await newPage();
  const uid = await openNewNote(page, 'Shared');
  await content(page).click();
  await page.keyboard.type('my first words');
  await saved(page);
  const api = `${stack.baseUrl}/api/notes/${uid}`;
  const csrf = await page.getAttribute('meta[name="csrf-token"]', 'content');
  const theyWrite = async (text) => {
    const current = await apiNote(page, uid);
    const res = await page.request.put(api, {
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      data: JSON.stringify({ _version: current._version, title: 'Shared', content: `<p>${text}</p>` }),
    });
    assert.equal(res.status(), 200);
  };

  await theyWrite('their edit');
  await page.keyboard.type(' and more');
  const dialog = page.locator('[data-testid="conflict-dialog"]');
  await dialog.waitFor({ state: 'visible', timeout: 15000 });
  assert.match(await dialog.locator('[data-testid="conflict-theirs"]').textContent(), /their edit/);
  assert.match(await dialog.locator('[data-testid="conflict-mine"]').textContent(), /my first words and more/);
  await dialog.locator('[data-testid="conflict-theirs-btn"]').click();
  await dialog.waitFor({ state: 'hidden' });
  // the editor takes their version once the dialog's choice is read (after it closes): wait for
  // it, then check it is theirs exactly
  await page.waitForFunction(() => document.querySelector('[data-testid="note-content"]').textContent === 'their edit',
    null, { timeout: 5000 }).catch(() => {});
  assert.equal(await content(page).textContent(), 'their edit');
  await saved(page);

  await theyWrite('their second edit');
  await content(page).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' — mine wins');
  await dialog.waitFor({ state: 'visible', timeout: 15000 });
  await dialog.locator('[data-testid="conflict-keep-mine"]').click();
  await dialog.waitFor({ state: 'hidden' });
  await saved(page);
  assert.match((await apiNote(page, uid)).content, /their edit — mine wins/);
  assert.deepEqual(problems, []);
});
