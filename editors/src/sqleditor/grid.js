// sqleditor/grid.js — the results grid: only the rows in view are in the DOM (a spacer gives
// the scroll height), column names with their types, NULL drawn apart from the text 'NULL',
// a selected cell (click, arrow keys), copy of the cell or row (buttons, Ctrl+C), export of
// the whole result as CSV or JSON (client-side, from the result). Contract:
//   new ResultGrid(parent, {columns, rows, onEdit?, cellClass?}) draws it; grid.selected →
//     {row, col} or null; grid.setRows(rows) redraws; onEdit(rowIndex, colIndex, cell) runs on
//     a double-click or Enter (the explorer edits cells through it).
//   toCSV(columns, rows) / toJSON(columns, rows): the export texts.
import { h } from '../../../static/js/lib/dom.js';

export const ROW_H = 28;
const OVERSCAN = 8;

export function cellText(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function toCSV(columns, rows) {
  const q = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [columns.map((c) => q(c.name)).join(',')];
  for (const r of rows) lines.push(r.map((v) => q(cellText(v))).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function toJSON(columns, rows) {
  return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i] ?? null]))), null, 2);
}

export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export class ResultGrid {
  constructor(parent, { columns, rows, onEdit, cellClass, height = 360 }) {
    this.columns = columns;
    this.rows = rows;
    this.onEdit = onEdit;
    this.cellClass = cellClass;
    this.selected = null;
    const template = `repeat(${columns.length}, minmax(8rem, 1fr))`;
    this.head = h('div', { class: 'sq-grid-head', role: 'row' },
      columns.map((c, i) => h('div', { class: 'sq-grid-th', role: 'columnheader', 'data-col': String(i) },
        h('span', { class: 'sq-col-name', text: c.name }), h('span', { class: 'sq-col-type', text: c.type || '' }))));
    this.head.style.gridTemplateColumns = template;
    this.spacer = h('div', { class: 'sq-grid-spacer' });
    this.body = h('div', { class: 'sq-grid-body', role: 'rowgroup' });
    this.scroller = h('div', { class: 'sq-grid', role: 'grid', tabindex: '0', 'aria-rowcount': String(rows.length + 1),
      'aria-colcount': String(columns.length) }, this.head, this.spacer);
    this.spacer.append(this.body);
    this.scroller.style.maxHeight = `${height}px`;
    this.head.style.minWidth = `${columns.length * 8}rem`;
    this.spacer.style.minWidth = `${columns.length * 8}rem`;
    this.template = template;
    parent.append(this.scroller);
    this.scroller.addEventListener('scroll', () => this.draw());
    this.scroller.addEventListener('click', (e) => this.pick(e.target));
    this.scroller.addEventListener('dblclick', (e) => { if (this.pick(e.target) && this.onEdit) this.edit(); });
    this.scroller.addEventListener('keydown', (e) => this.key(e));
    this.setRows(rows);
  }

  setRows(rows) {
    this.rows = rows;
    this.spacer.style.height = `${rows.length * ROW_H}px`;
    this.scroller.setAttribute('aria-rowcount', String(rows.length + 1));
    this.drawn = null;
    this.draw();
  }

  draw() {
    const top = this.scroller.scrollTop;
    const view = this.scroller.clientHeight || 360;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + view) / ROW_H) + OVERSCAN);
    const key = `${first}:${last}`;
    if (this.drawn === key) return;
    this.drawn = key;
    const frag = [];
    for (let r = first; r < last; r++) {
      const row = this.rows[r];
      const line = h('div', { class: 'sq-grid-row', role: 'row', 'aria-rowindex': String(r + 2), 'data-row': String(r) },
        row.map((v, c) => {
          const sel = this.selected && this.selected.row === r && this.selected.col === c;
          const cls = `sq-grid-td${sel ? ' sq-selected' : ''}${this.cellClass ? ` ${this.cellClass(r, c) || ''}` : ''}`;
          return h('div', { class: cls, role: 'gridcell', 'data-col': String(c), 'aria-selected': sel ? 'true' : null },
            v === null || v === undefined ? h('span', { class: 'sq-null', text: 'NULL' }) : cellText(v));
        }));
      line.style.gridTemplateColumns = this.template;
      line.style.transform = `translateY(${r * ROW_H}px)`;
      frag.push(line);
    }
    this.body.replaceChildren(...frag);
  }

  pick(target) {
    const cell = target.closest && target.closest('.sq-grid-td');
    if (!cell) return false;
    const row = Number(cell.parentNode.dataset.row);
    this.select(row, Number(cell.dataset.col));
    return true;
  }

  /** select: mark the cell in place (no redraw: a double-click's target must stay attached). */
  select(row, col) {
    const old = this.cellNode();
    if (old) { old.classList.remove('sq-selected'); old.removeAttribute('aria-selected'); }
    this.selected = { row, col };
    const now = this.cellNode();
    if (now) { now.classList.add('sq-selected'); now.setAttribute('aria-selected', 'true'); }
    if (this.onSelect) this.onSelect(this.selected);
  }

  cellNode() {
    if (!this.selected) return null;
    return this.body.querySelector(`[data-row="${this.selected.row}"] [data-col="${this.selected.col}"]`);
  }

  edit() {
    if (this.onEdit && this.selected) this.onEdit(this.selected.row, this.selected.col, this.cellNode());
  }

  key(e) {
    const s = this.selected;
    if ((e.ctrlKey || e.metaKey) && e.key === 'c' && s) {
      e.preventDefault();
      this.copy(e.shiftKey ? 'row' : 'cell');
      return;
    }
    if (!s) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      const row = Math.min(this.rows.length - 1, Math.max(0, s.row + moves[e.key][0]));
      const col = Math.min(this.columns.length - 1, Math.max(0, s.col + moves[e.key][1]));
      this.select(row, col);
      const y = row * ROW_H;
      if (y < this.scroller.scrollTop + ROW_H) this.scroller.scrollTop = Math.max(0, y - ROW_H);
      else if (y > this.scroller.scrollTop + this.scroller.clientHeight - 2 * ROW_H) this.scroller.scrollTop = y - this.scroller.clientHeight + 2 * ROW_H;
    } else if (e.key === 'Enter' && this.onEdit) {
      e.preventDefault();
      this.edit();
    }
  }

  /** copy: the selected cell's text, or its row as tab-separated text. */
  copy(what) {
    const s = this.selected;
    if (!s) return '';
    const row = this.rows[s.row];
    const text = what === 'row' ? row.map(cellText).join('\t') : cellText(row[s.col]);
    if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
    return text;
  }
}
