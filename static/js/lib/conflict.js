// lib/conflict.js — the save-conflict dialog every editor shows when the server has a newer
// version (Saver's onConflict). Contract: new ConflictDialog(d, fallbackFocus) takes a <dialog>
// holding a <form method="dialog"> with two lists, [data-side="theirs"] and [data-side="mine"],
// and buttons whose values are 'theirs', 'merge' and 'mine'; it wires it as a required modal
// (no Escape, no backdrop close, focus returned on close). ask(theirLines, myLines) fills the
// lists (a neutral line when a side changed nothing but the view), opens it and resolves to
// 'mine' | 'theirs' | 'merge' ('mine' when closed without a choice).
import { h } from './dom.js';
import { modal, openModal } from './dialog.js';

export class ConflictDialog {
  constructor(d, fallbackFocus) {
    this.d = modal(d, { fallbackFocus, backdropCloses: false, required: true });
  }

  fill(side, lines, empty) {
    const ul = this.d.querySelector(`[data-side="${side}"]`);
    ul.textContent = '';
    if (!lines.length) lines = [empty];
    for (const l of lines) ul.append(h('li', { text: l }));
  }

  ask(theirLines, myLines) {
    this.fill('theirs', theirLines, 'Only the view or ordering changed.');
    this.fill('mine', myLines, 'Only the view (zoom, scroll) changed.');
    this.d.returnValue = '';
    openModal(this.d);
    return new Promise((resolve) => {
      const onClose = () => {
        this.d.removeEventListener('close', onClose);
        resolve(this.d.returnValue || 'mine');
      };
      this.d.addEventListener('close', onClose);
    });
  }
}
