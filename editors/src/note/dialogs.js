// note/dialogs.js — the note editor's dialogs, built in the page by the island:
//   linkDialog(editor) → open(): edit the link at the selection (URL; Save, Remove link, Cancel).
//     Only http(s), mailto and relative URLs are accepted (a bare "example.com" becomes https://);
//     an empty URL removes the link.
//   conflictDialog(fallbackFocus) → ConflictDialog (lib/conflict.js): "Changed elsewhere" and
//     "Your version" side by side, with "Take theirs" and "Keep mine".
//   blockLines(html, schema) → the text of each block of a note's HTML (parsed through the
//     editor's schema in an inert document: nothing in it runs or loads).
//   restoreBanner(at, onRestore, onDiscard) → an element offering to restore unsent edits.
import { DOMParser as PMParser } from '@tiptap/pm/model';
import { h } from '../../../static/js/lib/dom.js';
import { modal, openModal } from '../../../static/js/lib/dialog.js';
import { ConflictDialog } from '../../../static/js/lib/conflict.js';

/** safeHref: the URL to store for what the user typed, or null when it is not allowed. */
export function safeHref(input) {
  const v = input.trim();
  if (!v) return '';
  if (/^(https?:|mailto:)/i.test(v)) return v;
  if (/^[/#?.]/.test(v)) return v;
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return null; // another scheme (javascript:, data:, …)
  return `https://${v}`;
}

export function linkDialog(editor) {
  const input = h('input', { id: 'note-link-url', class: 'input', type: 'text', inputmode: 'url', autocomplete: 'off', placeholder: 'https://example.com', 'data-testid': 'note-link-url' });
  const error = h('p', { class: 'note-field-error', role: 'alert', hidden: true });
  const remove = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'note-link-remove', text: 'Remove link' });
  const d = h('dialog', { class: 'note-dialog', 'aria-labelledby': 'note-link-title', 'data-testid': 'note-link-dialog' },
    h('form', { method: 'dialog', class: 'note-dialog-inner' },
      h('h2', { id: 'note-link-title', class: 'note-dialog-title', text: 'Link' }),
      h('div', { class: 'field' }, h('label', { for: 'note-link-url', text: 'URL' }), input, error),
      h('div', { class: 'note-dialog-actions' }, remove,
        h('button', { class: 'btn btn-secondary', value: 'cancel', text: 'Cancel' }),
        h('button', { class: 'btn btn-primary', value: 'save', 'data-testid': 'note-link-save', text: 'Save' }))));
  document.body.append(d);
  modal(d, { fallbackFocus: () => editor.view.dom });
  d.querySelector('form').addEventListener('submit', (e) => {
    if (e.submitter && e.submitter.value !== 'save') return;
    const href = safeHref(input.value);
    if (href === null) { e.preventDefault(); error.textContent = 'Use an http, https or mailto link.'; error.hidden = false; input.focus(); return; }
    const c = editor.chain().focus().extendMarkRange('link');
    if (!href) c.unsetLink().run();
    else if (editor.state.selection.empty && !editor.isActive('link')) c.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run();
    else c.setLink({ href }).run();
  });
  remove.addEventListener('click', () => { editor.chain().focus().extendMarkRange('link').unsetLink().run(); d.close('remove'); });
  return {
    open() {
      input.value = editor.getAttributes('link').href || '';
      remove.hidden = !editor.isActive('link');
      error.hidden = true;
      openModal(d);
      input.select();
    },
  };
}

export function conflictDialog(fallbackFocus) {
  const d = h('dialog', { class: 'note-dialog note-dialog-wide', 'aria-labelledby': 'note-conflict-title', 'aria-describedby': 'note-conflict-intro', 'data-testid': 'conflict-dialog' },
    h('form', { method: 'dialog', class: 'note-dialog-inner' },
      h('h2', { id: 'note-conflict-title', class: 'note-dialog-title', text: 'This note was changed elsewhere' }),
      h('p', { id: 'note-conflict-intro', class: 'note-hint', text: 'Someone (or another tab) saved a newer version while you were editing. Nothing has been overwritten yet — choose which version to keep.' }),
      h('div', { class: 'note-conflict-cols' },
        h('section', null, h('h3', { text: 'Changed elsewhere' }), h('ul', { class: 'note-conflict-text', 'data-side': 'theirs', 'data-testid': 'conflict-theirs' })),
        h('section', null, h('h3', { text: 'Your version' }), h('ul', { class: 'note-conflict-text', 'data-side': 'mine', 'data-testid': 'conflict-mine' }))),
      h('div', { class: 'note-dialog-actions' },
        h('button', { class: 'btn btn-secondary', value: 'theirs', 'data-testid': 'conflict-theirs-btn', title: 'Discard your changes and load the other version', text: 'Take theirs' }),
        h('button', { class: 'btn btn-primary', value: 'mine', 'data-testid': 'conflict-keep-mine', title: 'Save your version on top of theirs', autofocus: true, text: 'Keep mine' }))));
  document.body.append(d);
  return new ConflictDialog(d, fallbackFocus);
}

export function blockLines(title, html, schema) {
  const body = new window.DOMParser().parseFromString(`<body>${html || ''}</body>`, 'text/html').body;
  const doc = PMParser.fromSchema(schema).parse(body);
  const lines = [`Title: ${title}`];
  doc.descendants((node) => {
    if (node.isTextblock) { const t = node.textContent.trim(); if (t) lines.push(t); return false; }
    if (node.type.name === 'image') lines.push('[image]');
    if (node.type.name === 'horizontalRule') lines.push('———');
    return true;
  });
  return lines;
}

export function restoreBanner(at, onRestore, onDiscard) {
  const when = new Date(at).toLocaleString();
  const restore = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'note-restore', text: 'Restore' });
  const discard = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-testid': 'note-discard', text: 'Discard' });
  const el = h('div', { class: 'note-banner', role: 'region', 'aria-label': 'Unsaved changes', 'data-testid': 'note-restore-banner' },
    h('p', { text: `This note has changes from ${when} that never reached the server.` }), restore, discard);
  restore.addEventListener('click', () => { el.remove(); onRestore(); });
  discard.addEventListener('click', () => { el.remove(); onDiscard(); });
  return el;
}
