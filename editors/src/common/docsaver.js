// common/docsaver.js — autosave of one island's {title, data} document: lib/saver.js (status,
// retries, conflict pause) plus an offline copy in localStorage and the keep mine / take theirs
// dialog (lib/conflict.js). Contract:
//   const ds = new DocSaver({ kind, uid, api, doc, statusEl, getData, applyData, describe });
//     getData()      the document's data as it should be saved now (plain JSON);
//     applyData(d)   replace what the editor shows with d (the other version was chosen);
//     describe(a, b) lines saying what changed from data a to data b (for the dialog).
//   ds.changed()     after any edit: saves (debounced) when getData() differs from the last
//                    saved or adopted data, and keeps an offline copy until the server has it;
//   ds.rebase()      the editor normalised what it loaded: take getData() as unchanged;
//   ds.restorePending()  after the editor shows doc.data: a copy left by an earlier visit that
//                    never reached the server is applied (same base version) or offered in the
//                    conflict dialog (the server moved on).
import { Saver } from '../../../static/js/lib/saver.js';
import { ConflictDialog } from '../../../static/js/lib/conflict.js';
import { h } from '../../../static/js/lib/dom.js';

const stashKey = (kind, uid) => `cardinality.pending.${kind}.${uid}`;

function readStash(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}

function conflictDialog(noun) {
  const d = h('dialog', { class: 'island-dialog', 'data-testid': 'conflict-dialog', 'aria-labelledby': 'island-conflict-title' },
    h('form', { method: 'dialog', class: 'island-dialog-inner' },
      h('h2', { id: 'island-conflict-title', text: `This ${noun} was changed elsewhere` }),
      h('p', { class: 'island-hint', text: 'Someone (or another tab) saved a newer version while you were editing. Nothing has been overwritten yet — choose which version to keep.' }),
      h('div', { class: 'island-conflict-cols' },
        h('section', null, h('h3', { text: 'Changed elsewhere' }), h('ul', { 'data-side': 'theirs', 'data-testid': 'conflict-theirs' })),
        h('section', null, h('h3', { text: 'Your unsaved changes' }), h('ul', { 'data-side': 'mine', 'data-testid': 'conflict-mine' }))),
      h('div', { class: 'island-dialog-actions' },
        h('button', { class: 'btn btn-secondary', value: 'theirs', 'data-testid': 'conflict-theirs-btn', title: 'Discard your changes and load the other version', text: 'Take theirs' }),
        h('button', { class: 'btn btn-primary', value: 'mine', 'data-testid': 'conflict-keep-mine', title: 'Save your version on top of theirs', autofocus: true, text: 'Keep mine' }))));
  document.body.append(d);
  return d;
}

export class DocSaver {
  constructor({ kind, uid, api, doc, statusEl, getData, applyData, describe, focusEl }) {
    this.kind = kind; this.getData = getData; this.applyData = applyData; this.describe = describe;
    this.title = doc.title || '';
    this.key = stashKey(kind, uid);
    this.serverVersion = doc._version;
    this.last = JSON.stringify(getData());
    const self = this;
    class IslandSaver extends Saver {
      set(state, detail) { super.set(state, detail); self.onState(state); }
    }
    this.saver = new IslandSaver({
      url: api, version: doc._version, statusEl, noun: kind,
      body: () => ({ title: this.title, data: this.getData() }),
      onConflict: (current) => this.resolve(current, this.getData()),
    });
    this.dialog = new ConflictDialog(conflictDialog(kind), () => focusEl);
  }

  onState(state) {
    if (state === 'saved' && this.saver && !this.saver.dirty) {
      try { localStorage.removeItem(this.key); } catch { /* storage unavailable */ }
    }
  }

  stash(data) {
    try {
      localStorage.setItem(this.key, JSON.stringify({ version: this.saver.version, title: this.title, data, at: Date.now() }));
    } catch { /* full or unavailable: the in-memory retry still holds it */ }
  }

  changed(force = false) {
    const data = this.getData();
    const text = JSON.stringify(data);
    if (!force && text === this.last) return;
    this.last = text;
    this.stash(data);
    this.saver.markDirty();
  }

  rebase() { this.last = JSON.stringify(this.getData()); if (!this.saver.dirty) this.saver.base = { title: this.title, data: this.getData() }; }

  /** restorePending: see the file comment. */
  async restorePending() {
    const s = readStash(this.key);
    if (!s || s.data === undefined) return;
    if (JSON.stringify(s.data) === this.last) { try { localStorage.removeItem(this.key); } catch { /* */ } return; }
    if (s.version === this.serverVersion) {
      this.applyData(s.data);
      this.changed(true);
      return;
    }
    const current = { title: this.title, data: JSON.parse(this.last), _version: this.serverVersion };
    this.saver.paused = true;
    this.saver.set('conflict');
    await this.resolve(current, s.data, true);
  }

  async resolve(current, mine, fromStash = false) {
    const base = fromStash ? current.data : (this.saver.base && this.saver.base.data);
    const choice = await this.dialog.ask(this.describe(base, current.data), this.describe(base, mine));
    this.title = current.title ?? this.title;
    this.serverVersion = current._version;
    if (choice === 'theirs') {
      this.applyData(current.data);
      this.last = JSON.stringify(this.getData());
      try { localStorage.removeItem(this.key); } catch { /* */ }
      this.saver.resume(current._version, { title: this.title, data: current.data }, false);
    } else {
      if (fromStash) this.applyData(mine);
      this.last = JSON.stringify(this.getData());
      this.saver.resume(current._version, { title: this.title, data: current.data }, true);
      this.stash(this.getData());
    }
  }
}
