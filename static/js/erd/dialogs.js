// dialogs.js — the editor's <dialog>s: help, find-a-table (zooms to it), SQL import with preview
// and replace, and the save-conflict dialog (what changed on each side; keep mine / take theirs /
// merge, lib/conflict.js). Focus returns to where it was when a dialog closes; Escape closes
// (except the conflict).

import { request } from '../lib/request.js';
import { watchTask } from '../lib/task.js';
import { h } from '../lib/dom.js';
import { modal, openModal } from '../lib/dialog.js';
import { ConflictDialog } from '../lib/conflict.js';
import { diff, describe } from './merge.js';

/** Imports larger than this go through the task runner with a progress bar (the server's
 * synchronous budget, CARD_IMPORT_SECONDS, stays for the small ones). */
const ASYNC_IMPORT_BYTES = 256 * 1024;

export class Dialogs {
  constructor(ed, root) {
    this.ed = ed;
    this.help = root.querySelector('#erd-help');
    this.search = root.querySelector('#erd-search');
    this.imp = root.querySelector('#erd-import');
    this.conflict = root.querySelector('#erd-conflict');
    this.searchInput = root.querySelector('#erd-search-input');
    this.results = root.querySelector('#erd-search-results');
    const fallbackFocus = () => ed.render.host;
    for (const d of [this.help, this.search, this.imp]) modal(d, { fallbackFocus });
    this.conflictDialog = new ConflictDialog(this.conflict, fallbackFocus);
    this.initSearch();
    this.initImport();
  }

  open(d) { openModal(d); }

  openHelp() { this.open(this.help); }

  // ---- search ------------------------------------------------------------------------------
  initSearch() {
    this.searchInput.addEventListener('input', () => this.renderResults());
    this.searchInput.addEventListener('keydown', (e) => {
      const items = [...this.results.children];
      let i = items.findIndex((li) => li.getAttribute('aria-selected') === 'true');
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        i = Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
        this.activate(items, i);
      } else if (e.key === 'Enter') {
        e.preventDefault();
        if (items[i]) this.pick(items[i].dataset.id);
      }
    });
    this.results.addEventListener('click', (e) => { const li = e.target.closest('[data-id]'); if (li) this.pick(li.dataset.id); });
  }

  openSearch() {
    this.searchInput.value = '';
    this.renderResults();
    this.open(this.search);
    this.searchInput.focus();
  }

  renderResults() {
    const q = this.searchInput.value.trim().toLowerCase();
    const ents = this.ed.doc.entities;
    let hits = ents.filter((e) => e.name.toLowerCase().includes(q) || e.columns.some((c) => q && c.name.toLowerCase() === q));
    hits.sort((a, b) => (a.name.toLowerCase().startsWith(q) ? 0 : 1) - (b.name.toLowerCase().startsWith(q) ? 0 : 1) || a.name.localeCompare(b.name));
    const total = hits.length;
    hits = hits.slice(0, 50);
    this.results.textContent = '';
    hits.forEach((e, i) => this.results.append(h('li', { id: `erd-sr-${i}`, role: 'option', 'data-id': e.id, 'aria-selected': 'false', 'data-testid': 'search-result' },
      h('span', { class: 'erd-sr-name', text: e.name }), h('span', { class: 'erd-sr-meta', text: `${e.columns.length} columns` }))));
    if (!hits.length) this.results.append(h('li', { class: 'erd-sr-empty', role: 'option', 'aria-disabled': 'true', text: ents.length ? 'No table matches' : 'No tables yet' }));
    else if (total > hits.length) this.results.append(h('li', { class: 'erd-sr-empty', role: 'option', 'aria-disabled': 'true', text: `…and ${total - hits.length} more` }));
    this.activate([...this.results.children], hits.length ? 0 : -1);
  }

  activate(items, i) {
    items.forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (items[i] && items[i].dataset.id) { this.searchInput.setAttribute('aria-activedescendant', items[i].id); items[i].scrollIntoView({ block: 'nearest' }); }
    else this.searchInput.removeAttribute('aria-activedescendant');
  }

  pick(id) {
    this.search._returnFocus = null;
    this.search.close();
    this.ed.select([id]);
    this.ed.zoomTo(id);
    const t = this.ed.render.tables.get(id);
    if (t) t.g.focus({ preventScroll: true });
  }

  // ---- import ------------------------------------------------------------------------------
  initImport() {
    const d = this.imp;
    this.sql = d.querySelector('#erd-import-sql');
    this.dialect = d.querySelector('#erd-import-dialect');
    this.mode = d.querySelector('#erd-import-mode');
    this.result = d.querySelector('#erd-import-result');
    this.replaceBtn = d.querySelector('[data-act="replace"]');
    const file = d.querySelector('#erd-import-file');
    file.addEventListener('change', async () => {
      const f = file.files && file.files[0];
      if (!f) return;
      this.sql.value = await f.text();
      if (/mysql/i.test(f.name)) this.dialect.value = 'mysql';
      else if (/sqlite/i.test(f.name)) this.dialect.value = 'sqlite';
      else if (/\.dbml$/i.test(f.name)) this.dialect.value = 'dbml';
      else if (/\.json$/i.test(f.name)) this.dialect.value = 'json';
      this.invalidate();
    });
    this.sql.addEventListener('input', () => this.invalidate());
    this.dialect.addEventListener('change', () => this.invalidate());
    this.mode.addEventListener('change', () => { this.invalidate(); this.replaceBtn.textContent = this.mode.value === 'merge' ? 'Add to diagram' : 'Replace diagram'; });
    d.querySelector('[data-act="preview"]').addEventListener('click', () => this.runImport(true));
    this.replaceBtn.addEventListener('click', () => this.runImport(false));
  }

  invalidate() { this.replaceBtn.disabled = true; this.result.textContent = ''; this.result.dataset.state = ''; }

  openImport() { this.invalidate(); this.open(this.imp); this.sql.focus(); }

  async runImport(preview) {
    const sql = this.sql.value;
    if (!sql.trim()) { this.showResult('error', ['Paste some text or choose a file first.']); this.sql.focus(); return; }
    const merge = this.mode.value === 'merge', json = this.dialect.value === 'json';
    const url = `/api/diagrams/${encodeURIComponent(this.ed.uid)}/import?dialect=${encodeURIComponent(this.dialect.value)}&mode=${merge ? 'merge' : 'replace'}${preview ? '&preview=1' : ''}`;
    if (!preview && sql.length > ASYNC_IMPORT_BYTES) { await this.runImportTask(url, sql, json, merge); return; }
    this.showResult('busy', [preview ? 'Reading it…' : merge ? 'Adding to the diagram…' : 'Replacing the diagram…']);
    let res;
    try { res = await request('POST', url, sql, json ? 'application/json' : 'application/sql'); } catch { this.showResult('error', ['Network error — try again.']); return; }
    const data = res.data || {};
    if (res.status === 422) {
      this.showResult('error', [`${data.line ? `Line ${data.line}${data.column ? `, column ${data.column}` : ''}: ` : ''}${data.message || 'syntax error'}`]);
      return;
    }
    if (res.status !== 200) { this.showResult('error', [data.message || `Import failed (HTTP ${res.status}).`]); return; }
    const lines = [data.diff && data.diff.summary ? data.diff.summary : 'No changes.'];
    const t = (data.diff && data.diff.tables) || {};
    const list = (label, xs) => { if (xs && xs.length) lines.push(`${label}: ${xs.map((x) => (typeof x === 'string' ? x : x.name || JSON.stringify(x))).join(', ')}`); };
    list('Tables added', t.added); list('Tables changed', t.changed);
    if (data.skipped) lines.push(`${data.skipped} statement${data.skipped === 1 ? '' : 's'} skipped (not tables or keys).`);
    if (preview) {
      this.showResult('ok', lines);
      if (t.removed && t.removed.length) {
        const names = t.removed.map((x) => (typeof x === 'string' ? x : x.name)).join(', ');
        this.result.append(h('p', { class: 'erd-warning', 'data-testid': 'import-removed', text: `Warning: replacing removes ${t.removed.length} table${t.removed.length === 1 ? '' : 's'} and their relationships: ${names}.` }));
      }
      this.replaceBtn.disabled = false;
      this.replaceBtn.focus();
      return;
    }
    const { skipped, diff: _d, ...model } = data;
    this.ed.adoptServerModel(model);
    this.imp.close();
    this.ed.announce(`${merge ? 'Imported into the diagram' : 'Diagram replaced'}. ${lines[0]}`);
  }

  /** runImportTask: a large import through the task runner (…&async=1 → 202 {task_uid}), with a
   * progress bar fed by the task until it ends; then the stored model is loaded. */
  async runImportTask(url, sql, json, merge) {
    this.showResult('busy', ['Uploading…']);
    let res;
    try { res = await request('POST', `${url}&async=1`, sql, json ? 'application/json' : 'application/sql'); } catch { this.showResult('error', ['Network error — try again.']); return; }
    if (res.status !== 202) { this.showResult('error', [(res.data && res.data.message) || `Import failed (HTTP ${res.status}).`]); return; }
    const taskUid = res.data.task_uid;
    const bar = h('progress', { class: 'task-progress', max: '100', value: '0', 'aria-label': 'Import progress', 'data-testid': 'import-progress' });
    const line = h('p', { text: 'Queued…' });
    this.showResult('busy', []);
    this.result.append(bar, line, h('p', {}, h('a', { href: `/tasks/${encodeURIComponent(taskUid)}`, target: '_blank', text: 'Open the task (log, cancel)' })));
    let task;
    try {
      task = await watchTask(taskUid, (t, msg) => { bar.value = t.progress || 0; line.textContent = msg || t.status; });
    } catch (e) { this.showResult('error', [e.message]); return; }
    if (task.status !== 'succeeded') { this.showResult('error', [task.status === 'cancelled' ? 'The import was cancelled; the diagram is unchanged.' : `${task.error || 'The import failed'}. The diagram is unchanged.`]); return; }
    const model = await request('GET', `/api/diagrams/${encodeURIComponent(this.ed.uid)}`);
    if (model.status !== 200) { this.showResult('error', ['The import finished; reload the page to see it.']); return; }
    this.ed.adoptServerModel(model.data);
    this.imp.close();
    this.ed.announce(`${merge ? 'Imported into the diagram' : 'Diagram replaced'}. ${(task.result && task.result.summary) || ''}`);
  }

  showResult(state, lines) {
    this.result.dataset.state = state;
    this.result.textContent = '';
    for (const l of lines) this.result.append(h('p', { text: l }));
  }

  // ---- conflict ----------------------------------------------------------------------------
  /** askConflict: resolves to 'mine' | 'theirs' | 'merge'. */
  askConflict(base, mine, theirs) {
    return this.conflictDialog.ask(describe(diff(base, theirs)), describe(diff(base, mine)));
  }
}
