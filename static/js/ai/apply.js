// static/js/ai/apply.js — applying an AI chat answer to the file in view (issue 13, "Apply"),
// for static/js/ai/chat.js.  Contract: codeBlock(text, langs) is the first fenced block of one
// of those languages (or null); actionsFor(entityType) lists what an answer can do there:
//   diagram    a ```sql block: preview (POST /api/diagrams/{uid}/import?dialect=postgres&preview=1
//              &mode=merge → {diff, migration_sql}) and apply (the same without preview: a new
//              version, the import snapshots the one before it in history, so it can be undone)
//   note       the answer's Markdown → sanitized HTML (POST /api/ai/markdown), handed to the note
//              editor as a 'card-ai-insert' CustomEvent {html, mode: 'insert'|'replace'}
//   flowchart  a ```json block of {nodes, edges}: merged by id into the stored chart and saved
//              through PUT /api/flowcharts/{uid} with its _version (the server validates it;
//              a 409 opens the conflict dialog: keep the proposal on top of theirs, or cancel).
// Each action resolves to {ok, message, preview?}; none throws on an HTTP error.
import { request } from '../lib/request.js';
import { h } from '../lib/dom.js';
import { ConflictDialog } from '../lib/conflict.js';

/** codeBlock: the body of the first ``` block whose language is in langs, else null. */
export function codeBlock(text, langs) {
  const re = /```([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)```/g;
  for (let m; (m = re.exec(text || ''));) if (langs.includes(m[1].toLowerCase())) return m[2];
  return null;
}

const importUrl = (uid, preview) =>
  `/api/diagrams/${encodeURIComponent(uid)}/import?dialect=postgres&mode=merge${preview ? '&preview=1' : ''}`;

/** diffLines: the import diff ({tables, columns, relationships}) as readable lines. */
export function diffLines(diff) {
  if (!diff) return [];
  const out = [];
  const name = (x) => (typeof x === 'string' ? x : x.column ? `${x.table}.${x.column}` : x.name || x.table || JSON.stringify(x));
  for (const part of ['tables', 'columns', 'relationships']) {
    for (const kind of ['added', 'changed', 'removed']) {
      for (const x of (diff[part] && diff[part][kind]) || []) out.push(`${kind[0].toUpperCase()}${kind.slice(1)} ${part.replace(/s$/, '')}: ${name(x)}`);
    }
  }
  return out;
}

async function previewSql(uid, sql) {
  const { status, data } = await request('POST', importUrl(uid, true), sql, 'text/plain');
  if (status !== 200) return { ok: false, message: data?.message || `HTTP ${status}` };
  return { ok: true, message: data.diff?.summary || 'No changes.', preview: { lines: diffLines(data.diff), sql: data.migration_sql || '' } };
}

/** applySql: previewed first; when the import would remove tables or columns (an import that
 * replaces the diagram, or an answer that drops them) the user confirms before it is stored. */
async function applySql(uid, sql) {
  const pre = await request('POST', importUrl(uid, true), sql, 'text/plain');
  if (pre.status !== 200) return { ok: false, message: pre.data?.message || `HTTP ${pre.status}` };
  const removed = [...(pre.data.diff?.tables?.removed || []), ...(pre.data.diff?.columns?.removed || [])];
  if (removed.length && !window.confirm(`Applying this removes ${removed.length} table(s) or column(s) from the diagram: ${pre.data.diff.summary}. Apply anyway? (History can undo it.)`)) {
    return { ok: false, message: 'Not applied.' };
  }
  const { status, data } = await request('POST', importUrl(uid, false), sql, 'text/plain');
  if (status !== 200) return { ok: false, message: data?.message || `HTTP ${status}` };
  return { ok: true, reload: true, message: `Applied as version ${data.version ?? data._version ?? ''}. Undo it from the diagram's history.` };
}

async function noteInsert(text, mode) {
  const res = await fetch('/api/ai/markdown', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'text/markdown', 'X-CSRF-Token': document.querySelector('meta[name="csrf-token"]')?.content || '' },
    body: text,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) return { ok: false, message: data.message || `HTTP ${res.status}` };
  document.dispatchEvent(new CustomEvent('card-ai-insert', { detail: { html: data.html, mode } }));
  return { ok: true, message: mode === 'replace' ? 'Replaced the selection.' : 'Inserted into the note.' };
}

/** mergeFlow: data with the proposal's nodes and edges merged in by id (a proposed item
 * replaces the stored one with its id; the others are added). */
export function mergeFlow(data, proposal) {
  const merge = (list, add) => {
    const out = [...(list || [])];
    for (const x of add || []) {
      const i = out.findIndex((y) => y.id === x.id);
      if (i >= 0) out[i] = { ...out[i], ...x }; else out.push(x);
    }
    return out;
  };
  const d = data && typeof data === 'object' ? data : {};
  return { ...d, nodes: merge(d.nodes, proposal.nodes), edges: merge(d.edges, proposal.edges) };
}

let conflict = null;
function conflictDialog() {
  if (conflict) return conflict;
  const d = h('dialog', { class: 'erd-dialog', 'data-testid': 'ai-conflict-dialog' },
    h('form', { method: 'dialog', class: 'erd-dialog-inner' },
      h('h2', { class: 'erd-dialog-title', text: 'This flowchart was changed elsewhere' }),
      h('section', {}, h('h3', { text: 'Changed elsewhere' }), h('ul', { 'data-side': 'theirs' })),
      h('section', {}, h('h3', { text: 'The AI proposal' }), h('ul', { 'data-side': 'mine' })),
      h('div', { class: 'erd-dialog-actions' },
        h('button', { class: 'btn btn-secondary', value: 'theirs', text: 'Cancel: keep theirs' }),
        h('button', { class: 'btn btn-secondary', value: 'merge', text: 'Merge' }),
        h('button', { class: 'btn btn-primary', value: 'mine', text: 'Add the proposal' }))));
  document.body.append(d);
  conflict = new ConflictDialog(d, document.body);
  return conflict;
}

async function flowAdd(uid, text) {
  let proposal;
  try { proposal = JSON.parse(codeBlock(text, ['json']) || ''); } catch { return { ok: false, message: 'The answer has no readable ```json block.' }; }
  if (!proposal || !Array.isArray(proposal.nodes || []) || !Array.isArray(proposal.edges || [])) return { ok: false, message: 'The ```json block is not {nodes, edges}.' };
  const url = `/api/flowcharts/${encodeURIComponent(uid)}`;
  let { status, data: cur } = await request('GET', url);
  if (status !== 200) return { ok: false, message: cur?.message || `HTTP ${status}` };
  for (let tries = 0; tries < 3; tries++) {
    const res = await request('PUT', url, { title: cur.title, data: mergeFlow(cur.data, proposal), _version: cur._version });
    if (res.status === 200) return { ok: true, reload: true, message: `Added ${(proposal.nodes || []).length} nodes and ${(proposal.edges || []).length} edges.` };
    if (res.status !== 409) return { ok: false, message: res.data?.message || `HTTP ${res.status}` };
    const theirs = res.data.current;
    const choice = await conflictDialog().ask([`Version ${theirs._version}: ${(theirs.data?.nodes || []).length} nodes, ${(theirs.data?.edges || []).length} edges`],
      [...(proposal.nodes || []).map((n) => `Node ${n.id}: ${n.data?.label ?? ''}`), ...(proposal.edges || []).map((e) => `Edge ${e.source} → ${e.target}`)]);
    if (choice === 'theirs') return { ok: false, message: 'Not added: the flowchart changed elsewhere.' };
    cur = theirs;
  }
  return { ok: false, message: 'The flowchart keeps changing elsewhere; try again.' };
}

/** actionsFor: [{label, testid, when(text), run(uid, text)}] for an answer in this view. */
export function actionsFor(entityType) {
  const sql = (t) => codeBlock(t, ['sql', 'postgres', 'postgresql']) !== null;
  const table = {
    diagram: [
      { label: 'Preview', testid: 'ai-apply-preview', when: sql, run: (uid, t) => previewSql(uid, codeBlock(t, ['sql', 'postgres', 'postgresql'])) },
      { label: 'Apply', testid: 'ai-apply', when: sql, run: (uid, t) => applySql(uid, codeBlock(t, ['sql', 'postgres', 'postgresql'])) },
    ],
    note: [
      { label: 'Insert', testid: 'ai-insert', when: (t) => !!t.trim(), run: (_uid, t) => noteInsert(t, 'insert') },
      { label: 'Replace selection', testid: 'ai-replace', when: (t) => !!t.trim(), run: (_uid, t) => noteInsert(t, 'replace') },
    ],
    flowchart: [
      { label: 'Add to flowchart', testid: 'ai-flow-add', when: (t) => codeBlock(t, ['json']) !== null, run: flowAdd },
    ],
  };
  return table[entityType] || [];
}

/** generatePrompt: the message that asks for a diagram from a description. */
export function generatePrompt(description) {
  return 'Design a database schema for the following description. Answer with PostgreSQL DDL only: ' +
    'CREATE TABLE statements with primary keys and foreign keys (REFERENCES), in one ```sql block, ' +
    `no other text.\n\nDescription: ${description}`;
}
