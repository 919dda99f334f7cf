// common/island.js — the page contract every editor island mounts on (CONTRACTS.md): the server
// page holds <div id="<kind>-editor" data-uid data-api>, the GET API document as JSON in
// <script type="application/json" id="<kind>-doc"> and a server-drawn read-only view in
// #<kind>-view. Contract: openIsland(kind) returns null when the page is not this editor's, else
// { root, doc, uid, api, bar, status, mount }: the view is hidden, root holds a bar (its status
// line, aria-live, data-state as lib/saver.js sets it) and `mount`, the element React renders in.
import { h } from '../../../static/js/lib/dom.js';

export function openIsland(kind) {
  const root = document.getElementById(`${kind}-editor`);
  const docEl = document.getElementById(`${kind}-doc`);
  if (!root || !docEl) return null;
  let doc;
  try { doc = JSON.parse(docEl.textContent); } catch { return null; }
  const uid = root.dataset.uid || doc.uid;
  const api = root.dataset.api || `/api/${kind}s/${uid}`;
  const view = document.getElementById(`${kind}-view`);
  if (view) view.hidden = true;
  const status = h('p', { class: 'island-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'save-status', 'data-state': 'saved', text: 'Saved' });
  const note = h('p', { class: 'island-note', role: 'alert', 'data-testid': 'island-note', hidden: true });
  const bar = h('div', { class: 'island-bar' }, h('div', { class: 'island-tools' }), note, status);
  const mount = h('div', { class: 'island-mount' });
  root.classList.add('island', `island-${kind}`);
  root.append(bar, mount);
  return { root, doc, uid, api, bar, tools: bar.firstChild, status, note, mount };
}

/** showNote: a short message in the island's bar (empty text hides it). */
export function showNote(island, text) {
  island.note.textContent = text || '';
  island.note.hidden = !text;
}
