// note/slash.js — the slash menu: typing "/" at the start of a line or after a space opens a
// list of blocks under the cursor; typing filters it, ↑/↓ move, Enter or Tab inserts, Escape
// closes (the "/" stays as text). Contract:
//   new SlashMenu(editor, items)  items: [{id, label, hint, keywords, run(chain)}] where run adds
//     its block to a TipTap chain (the "/query" text is already deleted); the menu listens to
//     the editor's transactions itself.
//   keyDown(event) → true when the menu consumed the key (call it from editorProps.handleKeyDown).
//   open / close(), el (the listbox element, role="listbox").
import { h } from '../../../static/js/lib/dom.js';

const TRIGGER = /(?:^|\s)\/([\w-]{0,20})$/;

export class SlashMenu {
  constructor(editor, items) {
    this.editor = editor; this.items = items;
    this.open = false; this.matches = []; this.active = 0; this.range = null; this.dismissedAt = -1;
    this.el = h('ul', { class: 'note-slash', id: 'note-slash', role: 'listbox', 'aria-label': 'Insert block', 'data-testid': 'slash-menu', hidden: true });
    document.body.append(this.el);
    this.el.addEventListener('mousedown', (e) => e.preventDefault()); // keep the editor's selection
    this.el.addEventListener('click', (e) => {
      const li = e.target.closest('li[data-index]');
      if (li) this.choose(+li.dataset.index);
    });
    editor.on('transaction', () => this.update());
    editor.on('blur', () => this.close());
  }

  /** The "/query" before the cursor, or null. */
  trigger() {
    const { state } = this.editor;
    const sel = state.selection;
    if (!sel.empty || !sel.$from.parent.isTextblock || sel.$from.parent.type.spec.code) return null;
    const $from = sel.$from;
    const before = $from.parent.textBetween(0, $from.parentOffset, undefined, '\ufffc');
    const m = TRIGGER.exec(before);
    if (!m) return null;
    return { query: m[1].toLowerCase(), from: $from.pos - m[1].length - 1, to: $from.pos };
  }

  update() {
    const t = this.editor.isEditable ? this.trigger() : null;
    if (!t || t.from === this.dismissedAt) { this.close(); if (!t) this.dismissedAt = -1; return; }
    const q = t.query;
    const matches = this.items.filter((it) => !q || it.label.toLowerCase().includes(q) || it.keywords.some((k) => k.startsWith(q)));
    if (!matches.length) { this.close(); return; }
    const changed = !this.open || matches.length !== this.matches.length || matches.some((m, i) => m !== this.matches[i]);
    this.range = { from: t.from, to: t.to };
    this.matches = matches;
    if (changed) this.active = 0;
    this.render();
    this.place();
  }

  render() {
    this.el.textContent = '';
    this.matches.forEach((it, i) => this.el.append(h('li', {
      id: `note-slash-${it.id}`, role: 'option', class: 'note-slash-item', 'data-index': i, 'data-id': it.id,
      'aria-selected': i === this.active ? 'true' : 'false',
    }, h('span', { class: 'note-slash-label', text: it.label }), h('span', { class: 'note-slash-hint', text: it.hint }))));
    this.el.hidden = false;
    this.open = true;
    const dom = this.editor.view.dom;
    dom.setAttribute('aria-controls', this.el.id);
    dom.setAttribute('aria-activedescendant', `note-slash-${this.matches[this.active].id}`);
    this.el.children[this.active]?.scrollIntoView({ block: 'nearest' });
  }

  place() {
    const c = this.editor.view.coordsAtPos(this.range.from);
    const below = c.bottom + 6, room = window.innerHeight - below;
    this.el.style.left = `${Math.max(8, Math.min(c.left, window.innerWidth - 280))}px`;
    if (room < 220 && c.top > room) { this.el.style.top = ''; this.el.style.bottom = `${window.innerHeight - c.top + 6}px`; } else { this.el.style.bottom = ''; this.el.style.top = `${below}px`; }
  }

  close() {
    if (!this.open) return;
    this.open = false;
    this.el.hidden = true;
    const dom = this.editor.view.dom;
    dom.removeAttribute('aria-activedescendant');
    dom.removeAttribute('aria-controls');
  }

  keyDown(e) {
    if (!this.open) return false;
    const n = this.matches.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.render();
      return true;
    }
    if (e.key === 'Enter' || e.key === 'Tab') { this.choose(this.active); return true; }
    if (e.key === 'Escape') { this.dismissedAt = this.range.from; this.close(); return true; }
    return false;
  }

  choose(i) {
    const it = this.matches[i];
    if (!it || !this.range) return;
    const range = this.range;
    this.close();
    it.run(this.editor.chain().focus().deleteRange(range)).run();
  }
}
