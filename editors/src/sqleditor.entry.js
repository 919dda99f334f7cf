// sqleditor.entry.js — the SQL editor island of a project's databases page (bundled by
// editors/build.mjs into static/build/sqleditor.js + .css). It mounts on #sqleditor
// (data-conn, data-dialect "postgres"|"mysql"|"sqlite", data-read-only) in
// templates/databases.mustache, hides the server-rendered query form (#sql-form-view, which
// works without JavaScript) and gives: CodeMirror 6 with the dialect's SQL highlighting and
// completion of table and column names (GET /api/connections/{uid}/schema), run all or the
// selection (Ctrl/Cmd+Enter), statements split here (sqleditor/split.js) and sent one at a time
// with one result tab each, statements that write confirmed first, the error position marked
// in the editor, a virtualized results grid (sqleditor/grid.js) with copy and CSV/JSON export,
// explain, saved queries with folders, the table explorer (sqleditor/explorer.js), and "Ask AI":
// a request in plain words sent to POST /api/connections/{uid}/ai-sql whose SQL replaces the
// editor's text (never run by itself; a statement that writes is flagged, and confirmed as any
// other when it is run).
import { EditorView, basicSetup } from 'codemirror';
import { keymap } from '@codemirror/view';
import { Prec, Compartment } from '@codemirror/state';
import { setDiagnostics } from '@codemirror/lint';
import { sql, PostgreSQL, MySQL, MariaSQL, SQLite } from '@codemirror/lang-sql';
import { h } from '../../static/js/lib/dom.js';
import { request } from '../../static/js/lib/request.js';
import { splitStatements, isWrite } from './sqleditor/split.js';
import { ResultGrid, toCSV, toJSON, download } from './sqleditor/grid.js';
import { Explorer } from './sqleditor/explorer.js';
import './sqleditor.css';

const DIALECTS = { postgres: PostgreSQL, mysql: MariaSQL, mariadb: MariaSQL, mysql8: MySQL, sqlite: SQLite };

function mount(root) {
  const conn = root.dataset.conn;
  const dialect = root.dataset.dialect || 'postgres';
  const readOnly = root.dataset.readOnly === '1';
  const api = `/api/connections/${conn}`;
  const view0 = document.getElementById('sql-form-view');
  const initial = view0?.querySelector('textarea')?.value || '';
  if (view0) view0.hidden = true;

  const statusEl = h('p', { class: 'sq-status', role: 'status', id: 'sq-status' });
  const status = (text, bad) => { statusEl.textContent = text; statusEl.classList.toggle('sq-bad', !!bad); };
  const runAll = h('button', { class: 'btn btn-primary', type: 'button', text: 'Run', id: 'sq-run', title: 'Ctrl+Enter: the selection, or everything' });
  const explainBtn = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Explain', id: 'sq-explain' });
  const cancelBtn = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Cancel', id: 'sq-cancel', disabled: true });
  const saveName = h('input', { class: 'input', id: 'sq-save-name', placeholder: 'Name', 'aria-label': 'Saved query name' });
  const saveFolder = h('input', { class: 'input', id: 'sq-save-folder', placeholder: 'Folder', 'aria-label': 'Saved query folder' });
  const saveBtn = h('button', { class: 'btn btn-secondary', type: 'button', text: 'Save query', id: 'sq-save' });
  const savedEl = h('div', { class: 'sq-saved', id: 'sq-saved' });
  const aiInput = h('input', { class: 'input', id: 'sq-ai-prompt', type: 'text', maxlength: '4000',
    placeholder: 'e.g. the ten customers with the most invoices', 'aria-describedby': 'sq-ai-note' });
  const aiBtn = h('button', { class: 'btn btn-secondary', type: 'submit', text: 'Generate SQL', id: 'sq-ai-run' });
  const aiNote = h('p', { class: 'sq-ai-note', id: 'sq-ai-note', role: 'status' });
  const aiForm = h('form', { class: 'sq-ai', id: 'sq-ai' },
    h('label', { for: 'sq-ai-prompt', text: 'Ask AI for SQL' }), aiInput, aiBtn, aiNote);
  const editorEl = h('div', { class: 'sq-editor', id: 'sq-editor' });
  const tabsEl = h('div', { class: 'sq-tabs', role: 'tablist', 'aria-label': 'Results' });
  const panelEl = h('div', { class: 'sq-panel', id: 'sq-results' });
  const explorerEl = h('section', { class: 'sq-explorer', id: 'sq-explorer', 'aria-label': 'Table explorer' },
    h('h3', { class: 'section-title', text: 'Table explorer' }));
  root.append(
    h('div', { class: 'sq-layout' },
      h('div', { class: 'sq-main' }, aiForm, editorEl,
        h('div', { class: 'sq-actions' }, runAll, explainBtn, cancelBtn, statusEl),
        tabsEl, panelEl),
      h('aside', { class: 'sq-side', 'aria-label': 'Saved queries' },
        h('h3', { class: 'section-title', text: 'Saved queries' }),
        h('div', { class: 'sq-save-form' }, saveName, saveFolder, saveBtn), savedEl)),
    explorerEl);

  const langConf = { dialect: DIALECTS[dialect] || PostgreSQL, upperCaseKeywords: true };
  const langCompartment = new Compartment();
  const language = (schema) => sql({ ...langConf, schema });
  let view;

  const run = async (onlySelection) => {
    const st = view.state;
    const sel = st.selection.main;
    const text = onlySelection && !sel.empty ? st.sliceDoc(sel.from, sel.to) : st.doc.toString();
    const offset = onlySelection && !sel.empty ? sel.from : 0;
    const stmts = splitStatements(text, dialect);
    if (!stmts.length) { status('Nothing to run.', true); return; }
    const writes = stmts.filter((s) => isWrite(s.text));
    if (writes.length && !window.confirm(readOnly
      ? `${writes.length} statement(s) would change the database; this connection is read-only, so they will fail. Run anyway?`
      : `${writes.length} statement(s) will change the database:\n\n${writes.map((s) => s.text.slice(0, 200)).join('\n')}\n\nRun?`)) {
      status('Not run.');
      return;
    }
    view.dispatch(setDiagnostics(view.state, []));
    tabsEl.replaceChildren();
    panelEl.replaceChildren();
    cancelBtn.disabled = false;
    const results = [];
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      status(`Running ${i + 1} of ${stmts.length}…`);
      const res = await request('POST', `${api}/query`, { sql: s.text });
      results.push({ stmt: s, res });
      addTab(i, s, res);
      if (res.status !== 200) {
        const pos = res.data?.position;
        const from = offset + s.from + (pos ? pos - 1 : 0);
        const word = /^[\w$."`]+/.exec(view.state.sliceDoc(from, Math.min(view.state.doc.length, from + 80)));
        const to = pos ? from + Math.max(1, word ? word[0].length : 1) : offset + s.to;
        view.dispatch(setDiagnostics(view.state, [{ from, to: Math.min(to, view.state.doc.length), severity: 'error', message: res.data?.message || 'error' }]));
        break;
      }
    }
    cancelBtn.disabled = true;
    const ok = results.filter((r) => r.res.status === 200).length;
    status(ok === results.length ? `${ok} statement(s) ran.` : `Statement ${results.length} failed: ${results.at(-1).res.data?.message || ''}`, ok !== results.length);
    showTab(results.length - 1);
  };

  const tabs = [];
  function addTab(i, s, res) {
    const tab = h('button', { class: 'sq-tab', role: 'tab', type: 'button', id: `sq-tab-${i}`, 'aria-selected': 'false',
      text: `${i + 1}: ${s.text.replace(/\s+/g, ' ').slice(0, 30)}${res.status === 200 ? '' : ' ⚠'}` });
    tab.addEventListener('click', () => showTab(i));
    tabsEl.append(tab);
    tabs[i] = { tab, s, res };
  }
  function showTab(i) {
    tabs.forEach((t, k) => t && t.tab.setAttribute('aria-selected', String(k === i)));
    const t = tabs[i];
    panelEl.replaceChildren();
    if (!t) return;
    const d = t.res.data || {};
    if (t.res.status !== 200) {
      panelEl.append(h('p', { class: 'sq-error', role: 'alert', text: `${d.message || 'Error'}${d.position ? ` (at character ${d.position})` : ''}` }));
      return;
    }
    const meta = `${d.row_count} row${d.row_count === 1 ? '' : 's'} · ${Math.round(d.duration_ms * 10) / 10} ms${d.truncated ? ` · truncated at ${d.row_limit} rows` : ''}`;
    const copyCell = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Copy cell' });
    const copyRow = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Copy row' });
    const csv = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Export CSV' });
    const json = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Export JSON' });
    panelEl.append(h('div', { class: 'sq-result-bar' }, h('span', { class: 'item-meta', id: 'sq-meta', text: meta }), copyCell, copyRow, csv, json));
    if (!d.columns || !d.columns.length) return;
    const grid = new ResultGrid(panelEl, { columns: d.columns, rows: d.rows });
    copyCell.addEventListener('click', () => status(grid.selected ? 'Cell copied.' : 'Select a cell first.', !grid.selected) || grid.copy('cell'));
    copyRow.addEventListener('click', () => status(grid.selected ? 'Row copied.' : 'Select a cell first.', !grid.selected) || grid.copy('row'));
    csv.addEventListener('click', () => download('result.csv', 'text/csv', toCSV(d.columns, d.rows)));
    json.addEventListener('click', () => download('result.json', 'application/json', toJSON(d.columns, d.rows)));
  }

  const explain = async () => {
    const st = view.state;
    const sel = st.selection.main;
    const text = sel.empty ? st.doc.toString() : st.sliceDoc(sel.from, sel.to);
    const stmts = splitStatements(text, dialect);
    if (stmts.length !== 1) { status('Explain one statement: select it first.', true); return; }
    const res = await request('POST', `${api}/explain`, { sql: stmts[0].text });
    tabsEl.replaceChildren();
    panelEl.replaceChildren(res.status === 200
      ? h('pre', { class: 'sq-plan', id: 'sq-plan', text: res.data.plan })
      : h('p', { class: 'sq-error', role: 'alert', text: res.data?.message || 'Explain failed.' }));
    status(res.status === 200 ? 'Plan shown.' : 'Explain failed.', res.status !== 200);
  };

  async function loadSaved() {
    const res = await request('GET', `${api}/saved-queries`);
    if (res.status !== 200) return;
    const byFolder = new Map();
    for (const q of res.data.saved_queries) {
      const f = q.folder || '';
      if (!byFolder.has(f)) byFolder.set(f, []);
      byFolder.get(f).push(q);
    }
    savedEl.replaceChildren(...[...byFolder].map(([folder, list]) => h('details', { open: true },
      h('summary', { text: folder || 'No folder' }),
      h('ul', { class: 'sq-saved-list' }, list.map((q) => {
        const open = h('button', { class: 'btn btn-link btn-sm', type: 'button', text: q.name, title: q.sql });
        const del = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: '×', 'aria-label': `Delete ${q.name}` });
        open.addEventListener('click', () => {
          view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: q.sql } });
          saveName.value = q.name;
          saveFolder.value = q.folder || '';
        });
        del.addEventListener('click', async () => {
          if (!window.confirm(`Delete the saved query “${q.name}”?`)) return;
          await request('DELETE', `${api}/saved-queries/${q.uid}`);
          loadSaved();
        });
        return h('li', null, open, del);
      })))));
  }
  saveBtn.addEventListener('click', async () => {
    const res = await request('POST', `${api}/saved-queries`, { name: saveName.value.trim(), folder: saveFolder.value.trim() || null, sql: view.state.doc.toString() });
    status(res.status === 201 || res.status === 200 ? 'Saved.' : res.data?.message || 'Not saved.', !(res.status === 201 || res.status === 200));
    loadSaved();
  });

  const runKeys = Prec.highest(keymap.of([
    { key: 'Mod-Enter', run: () => { run(true); return true; } },
    { key: 'Shift-Mod-Enter', run: () => { run(false); return true; } },
  ]));
  // In a shadow root, CodeMirror's generated styles are adopted stylesheets rather than
  // inline <style> elements, which the page's policy (style-src 'self') refuses.
  const shadow = editorEl.attachShadow({ mode: 'open' });
  const theme = EditorView.theme({
    '&': { minHeight: '10rem', maxHeight: '28rem', fontSize: '0.9rem' },
    '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', overflow: 'auto' },
    '&.cm-focused': { outline: '2px solid #6366f1' },
  });
  view = new EditorView({
    doc: initial,
    root: shadow,
    parent: shadow,
    extensions: [basicSetup, runKeys, theme, langCompartment.of(language({})), EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': 'SQL', spellcheck: 'false' })],
  });
  aiForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const prompt = aiInput.value.trim();
    const note = (text, bad) => { aiNote.textContent = text; aiNote.classList.toggle('sq-bad', !!bad); };
    if (!prompt) { note('Describe the query you want first.', true); return; }
    aiBtn.disabled = true;
    note('Asking the AI…');
    let res;
    try {
      res = await request('POST', `${api}/ai-sql`, { prompt });
    } catch (_) {
      res = { status: 0, data: { message: 'The network is unavailable.' } };
    }
    aiBtn.disabled = false;
    if (res.status !== 200) { note(res.data?.message || `The AI request failed (${res.status}).`, true); return; }
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: res.data.sql } });
    const writes = splitStatements(res.data.sql, dialect).filter((s) => isWrite(s.text)).length;
    note(writes || res.data.writes
      ? `Generated by ${res.data.model}. Careful: ${Math.max(writes, res.data.write_count)} statement(s) would change the database; you will be asked to confirm before they run.`
      : `Generated by ${res.data.model}: review it, then run it.`, !!(writes || res.data.writes));
    view.focus();
  });
  runAll.addEventListener('click', () => run(true));
  explainBtn.addEventListener('click', explain);
  cancelBtn.addEventListener('click', () => request('POST', `${api}/cancel`));
  loadSaved();

  request('GET', `${api}/schema`).then((res) => {
    if (res.status !== 200) return;
    const schema = {};
    for (const t of res.data.tables) schema[t.name] = t.columns.map((c) => c.name);
    view.dispatch({ effects: langCompartment.reconfigure(language(schema)) });
    new Explorer(explorerEl, { conn, tables: res.data.tables, readOnly, status });
  });
  root.dataset.ready = '1';
}

const root = document.getElementById('sqleditor');
if (root) mount(root);
