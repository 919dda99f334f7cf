// note/toolbar.js — the note editor's toolbar: a role="toolbar" with one tab stop (arrow keys,
// Home and End move between its controls), a text-style select, mark and block toggles
// (aria-pressed follows the selection), the colour menu with ERD Builder Pro's palette, link,
// table (insert, then add/remove rows and columns and delete, shown while the cursor is in a
// table), image upload and undo/redo. Contract:
//   buildToolbar(editor, { onLink, onImage }) → {el, refresh()}: el is the toolbar element (not yet
//     in the page); refresh() is called on every transaction to update states. onLink() opens
//     the link dialog, onImage() the file chooser.
import { h, svgEl } from '../../../static/js/lib/dom.js';
import { PALETTE } from './extensions.js';

/** icon: a 24×24 stroke icon from path data (several paths separated by '|'). */
function icon(paths) {
  const s = svgEl('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true', class: 'note-icon' });
  for (const d of paths.split('|')) svgEl('path', { d }, s);
  return s;
}

const I = {
  bold: 'M7 5h6a3.5 3.5 0 0 1 0 7H7z|M7 12h7a3.5 3.5 0 0 1 0 7H7z',
  italic: 'M14 5h-4M14 19h-4M14 5l-4 14',
  underline: 'M7 4v7a5 5 0 0 0 10 0V4|M5 20h14',
  strike: 'M5 12h14|M16 7a4 3 0 0 0-8 0c0 3 8 2 8 6a4 3 0 0 1-8 0',
  code: 'm9 8-4 4 4 4|m15 8 4 4-4 4',
  color: 'M6 19 12 4l6 15|M8.5 13h7',
  bullet: 'M9 6h11M9 12h11M9 18h11|M4.5 6h.01M4.5 12h.01M4.5 18h.01',
  ordered: 'M10 6h10M10 12h10M10 18h10|M4 4.5h1.5V9|M3.8 14.5a1.5 1.5 0 1 1 2 2L4 19h2.5',
  task: 'M3 5h5v5H3z|m4 17 2 2 3-4|M12 7.5h9M12 17h9',
  quote: 'M6 17h3l1-5V7H5v5h3|M15 17h3l1-5V7h-5v5h3',
  codeblock: 'M4 4h16v16H4z|m10 9-2 3 2 3|m14 9 2 3-2 3',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1|M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  hr: 'M4 12h16|M8 7h8M8 17h8',
  table: 'M4 5h16v14H4z|M4 10h16M4 14.5h16M10 5v14',
  image: 'M4 5h16v14H4z|m4 16 5-5 4 4 2-2 5 5|M15.5 9h.01',
  undo: 'M9 14 4 9l5-5|M4 9h10.5a5.5 5.5 0 0 1 0 11H11',
  redo: 'm15 14 5-5-5-5|M20 9H9.5a5.5 5.5 0 0 0 0 11H13',
  rowBefore: 'M4 11h16v9H4z|M12 3v6M9 6h6',
  rowAfter: 'M4 4h16v9H4z|M12 15v6M9 18h6',
  rowDelete: 'M4 8h16v8H4z|m9 10 6 4M15 10l-6 4',
  colBefore: 'M11 4h9v16h-9z|M3 12h6M6 9v6',
  colAfter: 'M4 4h9v16H4z|M15 12h6M18 9v6',
  colDelete: 'M8 4h8v16H8z|m10 9 4 6M14 9l-4 6',
  tableDelete: 'M4 5h16v14H4z|m9 9 6 6M15 9l-6 6',
};

const can = (e) => e.can().chain();
// Each button: id (data-cmd and data-testid "note-<id>"), label, keys (aria-keyshortcuts), icon, run, and
// active (pressed state) or enabled.
const MARKS = [
  { id: 'bold', label: 'Bold', keys: 'Control+B', run: (c) => c.toggleBold(), active: (e) => e.isActive('bold') },
  { id: 'italic', label: 'Italic', keys: 'Control+I', run: (c) => c.toggleItalic(), active: (e) => e.isActive('italic') },
  { id: 'underline', label: 'Underline', keys: 'Control+U', run: (c) => c.toggleUnderline(), active: (e) => e.isActive('underline') },
  { id: 'strike', label: 'Strikethrough', keys: 'Control+Shift+S', run: (c) => c.toggleStrike(), active: (e) => e.isActive('strike') },
  { id: 'code', label: 'Inline code', keys: 'Control+E', run: (c) => c.toggleCode(), active: (e) => e.isActive('code') },
];
const BLOCKS = [
  { id: 'bullet', label: 'Bulleted list', keys: 'Control+Shift+8', run: (c) => c.toggleBulletList(), active: (e) => e.isActive('bulletList') },
  { id: 'ordered', label: 'Numbered list', keys: 'Control+Shift+7', run: (c) => c.toggleOrderedList(), active: (e) => e.isActive('orderedList') },
  { id: 'task', label: 'Task list', keys: 'Control+Shift+9', run: (c) => c.toggleTaskList(), active: (e) => e.isActive('taskList') },
  { id: 'quote', label: 'Quote', keys: 'Control+Shift+B', run: (c) => c.toggleBlockquote(), active: (e) => e.isActive('blockquote') },
  { id: 'codeblock', label: 'Code block', keys: 'Control+Alt+C', run: (c) => c.toggleCodeBlock(), active: (e) => e.isActive('codeBlock') },
  { id: 'hr', label: 'Horizontal rule', run: (c) => c.setHorizontalRule() },
];
const TABLE = [
  { id: 'rowBefore', label: 'Add row above', run: (c) => c.addRowBefore() },
  { id: 'rowAfter', label: 'Add row below', run: (c) => c.addRowAfter() },
  { id: 'rowDelete', label: 'Delete row', run: (c) => c.deleteRow() },
  { id: 'colBefore', label: 'Add column before', run: (c) => c.addColumnBefore() },
  { id: 'colAfter', label: 'Add column after', run: (c) => c.addColumnAfter() },
  { id: 'colDelete', label: 'Delete column', run: (c) => c.deleteColumn() },
  { id: 'tableDelete', label: 'Delete table', run: (c) => c.deleteTable() },
];
const HISTORY = [
  { id: 'undo', label: 'Undo', keys: 'Control+Z', run: (c) => c.undo() },
  { id: 'redo', label: 'Redo', keys: 'Control+Shift+Z', run: (c) => c.redo() },
];
const STYLES = [
  { value: 'p', label: 'Paragraph' },
  { value: '1', label: 'Heading 1' },
  { value: '2', label: 'Heading 2' },
  { value: '3', label: 'Heading 3' },
  { value: '4', label: 'Heading 4' },
];

function button(cmd, onClick) {
  const b = h('button', {
    type: 'button', class: 'note-tool', 'data-cmd': cmd.id, 'data-testid': `note-${cmd.id}`, 'aria-label': cmd.label,
    title: cmd.keys ? `${cmd.label} (${cmd.keys.split(' ')[0].replace('Control', 'Ctrl')})` : cmd.label,
    'aria-keyshortcuts': cmd.keys || null, 'aria-pressed': cmd.active ? 'false' : null, tabindex: '-1',
  }, icon(I[cmd.id] || I.hr));
  b.addEventListener('mousedown', (e) => e.preventDefault()); // the editor keeps its selection
  b.addEventListener('click', onClick);
  return b;
}

const sep = () => h('span', { class: 'note-sep', 'aria-hidden': 'true' });

export function buildToolbar(editor, { onLink, onImage }) {
  const el = h('div', { class: 'note-toolbar', role: 'toolbar', 'aria-label': 'Formatting', 'data-testid': 'note-toolbar' });
  const all = []; // [cmd, button]
  const add = (cmd, onClick) => { const b = button(cmd, onClick || (() => cmd.run(editor.chain().focus()).run())); all.push([cmd, b]); return b; };

  const style = h('select', { class: 'note-style select', 'aria-label': 'Text style', 'data-testid': 'note-style', tabindex: '-1' },
    STYLES.map((s) => h('option', { value: s.value, text: s.label })));
  style.addEventListener('change', () => {
    const c = editor.chain().focus();
    (style.value === 'p' ? c.setParagraph() : c.setHeading({ level: +style.value })).run();
  });

  // Colour: a menu button with the palette as menuitemradio buttons.
  const colorBtn = button({ id: 'color', label: 'Text colour' }, () => toggleMenu());
  colorBtn.setAttribute('aria-haspopup', 'menu');
  colorBtn.setAttribute('aria-expanded', 'false');
  const swatch = h('span', { class: 'note-color-bar', 'aria-hidden': 'true' });
  colorBtn.append(swatch);
  const menu = h('div', { class: 'note-menu', role: 'menu', 'aria-label': 'Text colour', 'data-testid': 'note-color-menu', hidden: true },
    PALETTE.map((p) => h('button', {
      type: 'button', role: 'menuitemradio', class: 'note-menu-item', 'data-color': p.value, 'aria-checked': 'false', tabindex: '-1',
    }, h('span', { class: `note-swatch${p.value ? '' : ' note-swatch-default'}`, 'aria-hidden': 'true' }), p.name)));
  for (const b of menu.children) {
    if (b.dataset.color) b.firstChild.style.background = b.dataset.color; // CSSOM: allowed by the CSP
    b.addEventListener('mousedown', (e) => e.preventDefault());
    b.addEventListener('click', () => {
      const v = b.dataset.color;
      (v ? editor.chain().focus().setColor(v) : editor.chain().focus().unsetColor()).run();
      closeMenu(false);
    });
  }
  const colorWrap = h('div', { class: 'note-color' }, colorBtn, menu);
  function toggleMenu() { if (menu.hidden) openMenu(); else closeMenu(true); }
  function openMenu() {
    menu.hidden = false; colorBtn.setAttribute('aria-expanded', 'true');
    const current = menu.querySelector('[aria-checked="true"]') || menu.firstChild;
    current.focus();
  }
  function closeMenu(refocus) {
    if (menu.hidden) return;
    menu.hidden = true; colorBtn.setAttribute('aria-expanded', 'false');
    if (refocus) colorBtn.focus();
  }
  menu.addEventListener('keydown', (e) => {
    const items = [...menu.children], i = items.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') { e.preventDefault(); items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus(); }
    else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closeMenu(true); }
    else if (e.key === 'Tab') closeMenu(false);
  });
  document.addEventListener('mousedown', (e) => { if (!colorWrap.contains(e.target)) closeMenu(false); });

  const tableGroup = h('div', { class: 'note-group note-table-tools', role: 'group', 'aria-label': 'Table', hidden: true }, TABLE.map((c) => add(c)));
  el.append(
    style, sep(),
    ...MARKS.map((c) => add(c)), colorWrap,
    add({ id: 'link', label: 'Link', keys: 'Control+K', active: (e) => e.isActive('link') }, onLink), sep(),
    ...BLOCKS.map((c) => add(c)), sep(),
    add({ id: 'table', label: 'Insert table', run: (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }) }),
    tableGroup,
    add({ id: 'image', label: 'Insert image' }, onImage), sep(),
    ...HISTORY.map((c) => add(c)),
  );

  // One tab stop: the last focused control; arrows move along the visible ones.
  const controls = () => [...el.querySelectorAll('button.note-tool, select')].filter((c) => !c.closest('[hidden]') && !c.disabled);
  let current = style;
  style.tabIndex = 0;
  el.addEventListener('focusin', (e) => {
    if (!controls().includes(e.target)) return;
    current.tabIndex = -1; current = e.target; current.tabIndex = 0;
  });
  el.addEventListener('keydown', (e) => {
    if (menu.contains(e.target)) return;
    const list = controls(), i = list.indexOf(e.target);
    if (i < 0) return;
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % list.length;
    else if (e.key === 'ArrowLeft') j = (i + list.length - 1) % list.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = list.length - 1;
    if (j < 0 || (e.target === style && (e.key === 'Home' || e.key === 'End'))) return;
    e.preventDefault();
    list[j].focus();
  });

  function refresh() {
    for (const [cmd, b] of all) {
      if (cmd.active) b.setAttribute('aria-pressed', cmd.active(editor) ? 'true' : 'false');
      if (cmd.run) b.disabled = !cmd.run(can(editor)).run();
    }
    const inTable = editor.isActive('table');
    tableGroup.hidden = !inTable;
    if (!controls().includes(current)) { current = style; style.tabIndex = 0; }
    const level = [1, 2, 3, 4].find((l) => editor.isActive('heading', { level: l }));
    style.value = level ? String(level) : 'p';
    const color = editor.getAttributes('textStyle').color || '';
    for (const b of menu.children) b.setAttribute('aria-checked', (b.dataset.color || '') === color ? 'true' : 'false');
    if (color) swatch.style.background = color; else swatch.style.removeProperty('background');
  }
  return { el, refresh };
}
