// note.entry.js — the note editor island (bundled by editors/build.mjs into static/build/note.js
// + note.css). It mounts on the page contract of templates/note.mustache: the GET API document
// in <script type="application/json" id="note-doc">, the mount point #note-editor (data-uid,
// data-api), the server-rendered read-only view #note-view (hidden once the editor runs) and,
// when the page has them, the side panel's #note-toc and #note-words (otherwise the island adds
// its own panel). TipTap 3 with ERD Builder Pro's extensions (note/extensions.js); autosave of
// {title, content} through the shared Saver with a status pill, unsent edits kept in
// localStorage (note/draft.js) and offered back after a reload, a side-by-side conflict dialog,
// image upload/paste/drop as attachments (note/images.js), a slash menu (note/slash.js), a live
// table of contents and word count (note/outline.js).
import { Editor } from '@tiptap/core';
import { h } from '../../static/js/lib/dom.js';
import { Saver } from '../../static/js/lib/saver.js';
import { noteExtensions } from './note/extensions.js';
import { buildToolbar } from './note/toolbar.js';
import { SlashMenu } from './note/slash.js';
import { Outline } from './note/outline.js';
import { Drafts } from './note/draft.js';
import { IMAGE_TYPES, imageFiles, insertImages } from './note/images.js';
import { linkDialog, conflictDialog, blockLines, restoreBanner } from './note/dialogs.js';
import './note.css';

const TITLE_MAX = 200; // FILE_NAME_MAX (fcgi/files.h)

/** NoteSaver: the shared Saver that also tells the editor about each state change. */
class NoteSaver extends Saver {
  set(state, detail) { super.set(state, detail); if (this.onState) this.onState(state); }
}

/** htmlHasText: whether pasted HTML carries text (then it is pasted as HTML even when the
 *  clipboard also holds a picture of it, as Word and some browsers add). */
function htmlHasText(html) {
  if (!html) return false;
  const body = new window.DOMParser().parseFromString(html, 'text/html').body;
  return body.textContent.trim().length > 0;
}

function slashItems(openImage) {
  return [
    { id: 'text', label: 'Text', hint: 'Plain paragraph', keywords: ['paragraph', 'plain'], run: (c) => c.setParagraph() },
    { id: 'h1', label: 'Heading 1', hint: '#', keywords: ['h1', 'title', 'heading'], run: (c) => c.setHeading({ level: 1 }) },
    { id: 'h2', label: 'Heading 2', hint: '##', keywords: ['h2', 'subtitle', 'heading'], run: (c) => c.setHeading({ level: 2 }) },
    { id: 'h3', label: 'Heading 3', hint: '###', keywords: ['h3', 'heading'], run: (c) => c.setHeading({ level: 3 }) },
    { id: 'bullet', label: 'Bulleted list', hint: '-', keywords: ['ul', 'unordered', 'list', 'bullet'], run: (c) => c.toggleBulletList() },
    { id: 'ordered', label: 'Numbered list', hint: '1.', keywords: ['ol', 'ordered', 'list', 'number'], run: (c) => c.toggleOrderedList() },
    { id: 'task', label: 'Task list', hint: '[ ]', keywords: ['todo', 'checkbox', 'check', 'task'], run: (c) => c.toggleTaskList() },
    { id: 'quote', label: 'Quote', hint: '>', keywords: ['blockquote', 'citation'], run: (c) => c.setBlockquote() },
    { id: 'code', label: 'Code block', hint: '```', keywords: ['pre', 'snippet', 'code'], run: (c) => c.setCodeBlock() },
    { id: 'table', label: 'Table', hint: '3 × 3', keywords: ['grid', 'table'], run: (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }) },
    { id: 'divider', label: 'Divider', hint: '---', keywords: ['hr', 'rule', 'separator', 'line'], run: (c) => c.setHorizontalRule() },
    { id: 'image', label: 'Image', hint: 'Upload', keywords: ['picture', 'photo', 'img'], run: (c) => { setTimeout(openImage, 0); return c; } },
  ];
}

function mount(root) {
  const docEl = document.getElementById('note-doc');
  const note = JSON.parse(docEl.textContent);
  const uid = root.dataset.uid || note.uid;
  const api = root.dataset.api || `/api/notes/${uid}`;
  const readOnly = root.dataset.readonly === 'true';
  const view = document.getElementById('note-view');

  // Layout: toolbar, banner slot, the page (title + content). The title is edited in place of the
  // page's own heading when it has one; the contents and word count update the page's side panel
  // (#note-toc / #note-words, or [data-testid] of those names), or a panel of our own when it has none.
  const find = (name) => document.getElementById(name) || document.querySelector(`[data-testid="${name}"]`);
  const status = h('p', { class: 'note-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'save-status', 'data-state': 'saved', text: 'Saved' });
  const announce = h('p', { class: 'note-announce', 'aria-live': 'polite', 'data-testid': 'note-announce' });
  const title = h('input', {
    class: 'note-title-input', type: 'text', value: note.title || '', maxlength: TITLE_MAX, 'aria-label': 'Title', placeholder: 'Untitled', 'data-testid': 'note-title-input', readonly: readOnly,
  });
  const content = h('div', { class: 'note-content' });
  const banners = h('div', { class: 'note-banners' });
  const paper = h('div', { class: 'note-paper' }, content);
  const heading = document.querySelector('h1[data-testid="note-title"]');
  if (heading) { heading.textContent = ''; heading.append(title); heading.classList.add('note-title-heading'); } else paper.prepend(title);
  let toc = find('note-toc');
  let words = find('note-words');
  const shell = h('div', { class: 'note-shell' }, banners, paper);
  root.textContent = '';
  root.append(shell);
  const layout = root.closest('.note-layout');
  if (!toc && layout) {
    toc = h('nav', { id: 'note-toc', class: 'note-toc', 'aria-label': 'Table of contents', 'data-testid': 'note-toc', hidden: true }, h('h2', { class: 'note-toc-title', text: 'Contents' }));
    layout.prepend(toc);
  }
  if (!toc || !words) {
    const side = h('aside', { class: 'note-side', 'aria-label': 'Outline' });
    if (!toc) { toc = h('nav', { id: 'note-toc', class: 'note-toc', 'aria-label': 'Table of contents', 'data-testid': 'note-toc' }, h('h2', { class: 'note-toc-title', text: 'Contents' })); side.append(toc); }
    if (!words) { words = h('p', { id: 'note-words', class: 'note-words', 'data-testid': 'note-words' }); side.append(words); }
    root.append(side);
    root.classList.add('note-has-side');
  }

  let slash = null, link = null;
  const fileInput = h('input', { type: 'file', accept: IMAGE_TYPES.join(','), multiple: true, hidden: true, 'data-testid': 'note-image-input' });
  const say = (text) => { announce.textContent = text; };
  const editor = new Editor({
    element: content,
    extensions: noteExtensions(),
    content: note.content || '',
    editable: !readOnly,
    injectCSS: false, // our CSP has no inline <style>: the base styles are in note.css
    editorProps: {
      attributes: { class: 'note-prose', 'aria-label': 'Note content', 'aria-multiline': 'true', role: 'textbox', 'data-testid': 'note-content' },
      handleKeyDown: (_view, e) => {
        if (slash && slash.keyDown(e)) return true;
        if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'k' && link) { e.preventDefault(); link.open(); return true; }
        return false;
      },
      handlePaste: (_view, e) => {
        const files = imageFiles(e.clipboardData);
        if (!files.length || htmlHasText(e.clipboardData.getData('text/html'))) return false;
        e.preventDefault();
        insertImages(editor, api, files, say);
        return true;
      },
      handleDrop: (v, e, _slice, moved) => {
        const files = moved ? [] : imageFiles(e.dataTransfer);
        if (!files.length) return false;
        e.preventDefault();
        const at = v.posAtCoords({ left: e.clientX, top: e.clientY });
        if (at) editor.commands.setTextSelection(at.pos);
        insertImages(editor, api, files, say);
        return true;
      },
    },
  });
  if (view) view.hidden = true;
  root.dataset.ready = 'true';

  const outline = new Outline(editor, toc, words);
  void outline;
  if (readOnly) return;

  // Toolbar, slash menu, link dialog, image chooser.
  const openImage = () => fileInput.click();
  link = linkDialog(editor);
  const toolbar = buildToolbar(editor, { onLink: () => link.open(), onImage: openImage });
  shell.prepend(h('div', { class: 'note-bar' }, toolbar.el, h('div', { class: 'note-bar-end' }, announce, status)), fileInput);
  fileInput.addEventListener('change', () => {
    const files = [...fileInput.files];
    fileInput.value = '';
    if (files.length) insertImages(editor, api, files, say);
  });
  slash = new SlashMenu(editor, slashItems(openImage));
  editor.on('transaction', () => toolbar.refresh());
  toolbar.refresh();

  // Saving: the Saver sends {title, content}; unsent states are kept as drafts.
  const drafts = new Drafts(uid);
  const currentTitle = () => title.value.trim() || 'Untitled';
  const body = () => ({ title: currentTitle(), content: editor.getHTML() });
  const saver = new NoteSaver({ url: api, body, version: note._version, statusEl: status, onConflict: (c) => resolve(c), noun: 'note' });
  let draftTimer = 0;
  const keepDraft = () => { clearTimeout(draftTimer); draftTimer = setTimeout(() => drafts.keep(saver.version, body()), 250); };
  saver.onState = (state) => {
    if (state === 'saved' && !saver.dirty) { clearTimeout(draftTimer); drafts.clear(); }
    else if (state === 'dirty' || state === 'offline') keepDraft();
  };
  const changed = () => { saver.markDirty(); keepDraft(); };
  editor.on('update', changed);
  const showTitle = () => {
    document.title = document.title.replace(/^.*?( · Cardinality)?$/, (_m, tail) => `${currentTitle()}${tail || ''}`);
    const crumb = document.querySelector('.breadcrumb [aria-current="page"]');
    if (crumb) crumb.textContent = currentTitle();
  };
  title.addEventListener('input', () => { changed(); showTitle(); });
  title.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || (e.key === 'ArrowDown' && title.selectionStart === title.value.length)) { e.preventDefault(); editor.commands.focus('start'); }
  });

  // A save conflict: both versions side by side; keep mine (save on top) or take theirs.
  const conflict = conflictDialog(() => editor.view.dom);
  async function resolve(current) {
    const schema = editor.schema;
    const choice = await conflict.ask(blockLines(current.title, current.content, schema), blockLines(currentTitle(), editor.getHTML(), schema));
    if (choice === 'theirs') {
      editor.commands.setContent(current.content || '', { emitUpdate: false });
      title.value = current.title || '';
      showTitle();
      saver.resume(current._version, body(), false);
      drafts.clear();
    } else {
      saver.resume(current._version, { title: current.title, content: current.content }, true);
    }
  }

  // Unsent edits from an earlier visit (offline, crash, closed tab): offer them back.
  const draft = drafts.find();
  if (draft) {
    const same = draft.content === editor.getHTML() && draft.title === currentTitle();
    if (same) drafts.clear();
    else {
      banners.append(restoreBanner(draft.at, () => {
        editor.commands.setContent(draft.content, { emitUpdate: false });
        title.value = draft.title;
        showTitle();
        saver.version = draft.version; // a newer version on the server makes this a conflict
        changed();
      }, () => drafts.clear()));
    }
  }
  // An AI chat answer (static/js/ai/chat.js): its sanitized HTML inserted after the selection
  // ({mode: 'insert'}) or in place of it ({mode: 'replace'}); the update saves it as any edit.
  document.addEventListener('card-ai-insert', (e) => {
    const { html, mode } = e.detail || {};
    if (readOnly || typeof html !== 'string' || !html) return;
    const chain = editor.chain().focus();
    if (mode !== 'replace') chain.setTextSelection(editor.state.selection.to);
    chain.insertContent(html).run();
  });
  window.cardinalityNote = { editor, saver }; // for debugging and tests
}

const root = document.getElementById('note-editor');
if (root && document.getElementById('note-doc')) mount(root);
