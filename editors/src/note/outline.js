// note/outline.js — the side panel's table of contents and word count, kept live as the note
// changes. Contract:
//   headings(doc) → [{level, text, pos}] of the ProseMirror document (pos: inside the heading);
//   wordCount(doc) → the number of words (runs of non-space characters) in its text;
//   wordLabel(n) → "1 word" / "n words";
//   new Outline(editor, tocEl, wordsEl)  on every document change re-renders the list in tocEl
//     (its <ol>, replaced by one of buttons that move the cursor to a heading and scroll it into
//     view; the rest of tocEl, e.g. its title, stays; tocEl is hidden while there is no heading)
//     and the text of wordsEl ("n words"); either element may be null.
import { h } from '../../../static/js/lib/dom.js';

export function headings(doc) {
  const out = [];
  doc.descendants((node, pos) => {
    if (node.type.name === 'heading') { out.push({ level: node.attrs.level, text: node.textContent.trim(), pos: pos + 1 }); return false; }
    return true;
  });
  return out;
}

export function wordCount(doc) {
  const text = doc.textBetween(0, doc.content.size, ' ', ' ');
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

export const wordLabel = (n) => `${n.toLocaleString('en')} word${n === 1 ? '' : 's'}`;

export class Outline {
  constructor(editor, tocEl, wordsEl) {
    this.editor = editor; this.tocEl = tocEl; this.wordsEl = wordsEl;
    this.lastToc = null; this.frame = 0;
    editor.on('update', () => this.schedule());
    this.render();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  render() {
    const doc = this.editor.state.doc;
    if (this.wordsEl) this.wordsEl.textContent = wordLabel(wordCount(doc));
    if (!this.tocEl) return;
    const list = headings(doc);
    const key = JSON.stringify(list.map((x) => [x.level, x.text]));
    if (key === this.lastToc) return;
    this.lastToc = key;
    this.tocEl.querySelector('ol')?.remove();
    this.tocEl.hidden = !list.length;
    const ol = h('ol', { class: 'note-toc-list' });
    list.forEach((x, i) => ol.append(h('li', { class: `note-toc-item note-toc-h${x.level}`, 'data-level': x.level },
      h('button', { type: 'button', class: 'note-toc-link', 'data-index': i, text: x.text || 'Untitled heading' }))));
    ol.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-index]');
      if (!b) return;
      const x = headings(this.editor.state.doc)[+b.dataset.index];
      if (!x) return;
      this.editor.chain().focus().setTextSelection(x.pos).run();
      const dom = this.editor.view.nodeDOM(x.pos - 1);
      if (dom && dom.scrollIntoView) dom.scrollIntoView({ block: 'start', behavior: 'smooth' });
    });
    this.tocEl.append(ol);
  }
}
