// sqleditor/explorer.js — the table explorer: pick a table, browse it a page at a time (GET
// …/tables/{t}/rows: sort by a column header click, filters per column, full-row search),
// hide and reorder columns; the view is remembered per user and table (PUT …/state). Cell
// edits (double-click or Enter), new rows and deletions queue up as changes; "Review" shows
// the SQL the server will run (preview) and "Apply" runs it in one transaction. Read-only
// connections and tables without a primary key are browse-only. Contract:
//   new Explorer(parent, {conn, tables, readOnly, status}) — tables from GET …/schema.
import { h } from '../../../static/js/lib/dom.js';
import { request } from '../../../static/js/lib/request.js';
import { ResultGrid } from './grid.js';

const OPS = [['=', '='], ['<>', '≠'], ['<', '<'], ['>', '>'], ['contains', 'contains'], ['starts_with', 'starts with'],
  ['is_null', 'is null'], ['not_null', 'is not null'], ['in', 'in (a, b, …)']];

export class Explorer {
  constructor(parent, { conn, tables, readOnly, status }) {
    this.conn = conn;
    this.readOnly = readOnly;
    this.status = status;
    this.state = {};
    this.changes = [];
    this.tableSel = h('select', { class: 'select', id: 'sq-ex-table', 'aria-label': 'Table' },
      h('option', { value: '', text: 'Choose a table…' }), tables.map((t) => h('option', { value: t.name, text: t.name })));
    this.search = h('input', { class: 'input', type: 'search', id: 'sq-ex-search', placeholder: 'Search all columns', 'aria-label': 'Search all columns' });
    this.filtersEl = h('div', { class: 'sq-ex-filters', id: 'sq-ex-filters' });
    this.addFilterBtn = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Add filter' });
    this.columnsBtn = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Columns', 'aria-expanded': 'false' });
    this.columnsEl = h('div', { class: 'sq-ex-columns', hidden: true });
    this.pager = h('div', { class: 'sq-ex-pager' });
    this.gridEl = h('div', { class: 'sq-ex-grid' });
    this.insertBtn = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Insert row', id: 'sq-ex-insert' });
    this.deleteBtn = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Delete row', id: 'sq-ex-delete' });
    this.pendingEl = h('div', { class: 'sq-ex-pending', id: 'sq-ex-pending', 'aria-live': 'polite' });
    this.note = h('p', { class: 'item-meta sq-ex-note' });
    parent.append(h('div', { class: 'sq-ex-toolbar' }, this.tableSel, this.search, this.addFilterBtn, this.columnsBtn,
      this.insertBtn, this.deleteBtn), this.filtersEl, this.columnsEl, this.note, this.gridEl, this.pager, this.pendingEl);
    this.tableSel.addEventListener('change', () => this.open(this.tableSel.value));
    let t = null;
    this.search.addEventListener('input', () => { clearTimeout(t); t = setTimeout(() => { this.state.q = this.search.value; this.state.page = 1; this.changed(); }, 300); });
    this.addFilterBtn.addEventListener('click', () => { (this.state.filters ||= []).push({ column: this.columns?.[0]?.name, op: '=', value: '' }); this.drawFilters(); });
    this.columnsBtn.addEventListener('click', () => {
      this.columnsEl.hidden = !this.columnsEl.hidden;
      this.columnsBtn.setAttribute('aria-expanded', String(!this.columnsEl.hidden));
    });
    this.insertBtn.addEventListener('click', () => this.insertRow());
    this.deleteBtn.addEventListener('click', () => this.deleteRow());
    this.enable(false);
  }

  base() { return `/api/connections/${this.conn}/tables/${encodeURIComponent(this.table)}`; }

  enable(on) {
    for (const b of [this.search, this.addFilterBtn, this.columnsBtn]) b.disabled = !on;
    const edit = on && this.editable;
    this.insertBtn.disabled = !edit;
    this.deleteBtn.disabled = !edit;
  }

  async open(table) {
    this.table = table;
    this.changes = [];
    this.drawPending();
    if (!table) { this.gridEl.replaceChildren(); this.enable(false); return; }
    const got = await request('GET', `${this.base()}/state`);
    this.state = got.status === 200 ? got.data.state || {} : {};
    this.search.value = this.state.q || '';
    await this.load();
    this.drawFilters();
  }

  /** changed: the view changed — remember it and reload. */
  changed() {
    request('PUT', `${this.base()}/state`, { state: this.state });
    this.load();
  }

  async load() {
    const s = this.state;
    const p = new URLSearchParams({ page: String(s.page || 1), page_size: String(s.page_size || 50) });
    if (s.sort) { p.set('sort', s.sort); p.set('dir', s.dir || 'asc'); }
    if (s.q) p.set('q', s.q);
    const filters = (s.filters || []).filter((f) => f.column && (f.op === 'is_null' || f.op === 'not_null' || (f.value ?? '') !== ''))
      .map((f) => (f.op === 'in' ? { column: f.column, op: 'in', values: String(f.value).split(',').map((v) => v.trim()) } : f));
    if (filters.length) p.set('filters', JSON.stringify(filters));
    const res = await request('GET', `${this.base()}/rows?${p}`);
    if (res.status !== 200) { this.status(res.data?.message || 'The rows could not be read.', true); return; }
    this.data = res.data;
    this.columns = res.data.columns;
    this.editable = res.data.editable;
    this.enable(true);
    this.note.textContent = res.data.read_only ? 'Read-only connection: browse only.'
      : this.editable ? 'Double-click a cell to edit it; changes are applied together after you review their SQL.'
        : 'This table has no primary key: browse only.';
    this.draw();
  }

  /** order: the visible columns' indexes, in the remembered order. */
  order() {
    const names = this.columns.map((c) => c.name);
    const ordered = (this.state.order || []).filter((n) => names.includes(n));
    for (const n of names) if (!ordered.includes(n)) ordered.push(n);
    const hidden = new Set(this.state.hidden || []);
    return ordered.filter((n) => !hidden.has(n)).map((n) => names.indexOf(n));
  }

  draw() {
    const idx = this.order();
    const cols = idx.map((i) => this.columns[i]);
    const pending = new Map(this.changes.filter((c) => c.op === 'update').map((c) => [JSON.stringify(c.key), c.values]));
    const rows = this.data.rows.map((r) => {
      const edits = pending.get(JSON.stringify(this.keyOf(r))) || {};
      return idx.map((i) => (this.columns[i].name in edits ? edits[this.columns[i].name] : r[i]));
    });
    this.visible = idx;
    this.gridEl.replaceChildren();
    this.grid = new ResultGrid(this.gridEl, {
      columns: cols.map((c) => ({ name: c.name + (this.state.sort === c.name ? (this.state.dir === 'desc' ? ' ▼' : ' ▲') : ''), type: c.type + (c.is_pk ? ' · key' : '') })),
      rows,
      onEdit: this.editable ? (r, c, node) => this.editCell(r, c, node) : null,
      cellClass: (r, c) => {
        const edits = pending.get(JSON.stringify(this.keyOf(this.data.rows[r])));
        return edits && cols[c].name in edits ? 'sq-edited' : '';
      },
    });
    this.grid.head.querySelectorAll('.sq-grid-th').forEach((th, k) => {
      th.tabIndex = 0;
      th.setAttribute('aria-sort', this.state.sort === cols[k].name ? (this.state.dir === 'desc' ? 'descending' : 'ascending') : 'none');
      const sort = () => {
        const name = cols[k].name;
        this.state.dir = this.state.sort === name && this.state.dir !== 'desc' ? 'desc' : 'asc';
        this.state.sort = name;
        this.changed();
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter') sort(); });
    });
    const d = this.data;
    const pages = Math.max(1, Math.ceil(d.total / d.page_size));
    const go = (n) => { this.state.page = n; this.changed(); };
    const prev = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Previous', disabled: d.page <= 1 });
    const next = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Next', disabled: d.page >= pages });
    prev.addEventListener('click', () => go(d.page - 1));
    next.addEventListener('click', () => go(d.page + 1));
    const size = h('select', { class: 'select', 'aria-label': 'Rows per page' }, [25, 50, 100, 500].map((n) => h('option', { value: String(n), text: `${n} / page`, selected: n === d.page_size })));
    size.addEventListener('change', () => { this.state.page_size = Number(size.value); this.state.page = 1; this.changed(); });
    this.pager.replaceChildren(prev, h('span', { class: 'item-meta', id: 'sq-ex-count', text: `Page ${d.page} of ${pages} · ${d.total} rows · ${Math.round(d.duration_ms)} ms` }), next, size);
    this.drawColumns();
  }

  drawFilters() {
    const list = this.state.filters || [];
    this.filtersEl.replaceChildren(...list.map((f, i) => {
      const col = h('select', { class: 'select', 'aria-label': 'Column' }, (this.columns || []).map((c) => h('option', { value: c.name, text: c.name, selected: c.name === f.column })));
      const op = h('select', { class: 'select', 'aria-label': 'Operator' }, OPS.map(([v, t]) => h('option', { value: v, text: t, selected: v === f.op })));
      const val = h('input', { class: 'input', 'aria-label': 'Value', value: f.value ?? '' });
      const rm = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Remove' });
      const upd = () => { f.column = col.value; f.op = op.value; f.value = val.value; val.hidden = f.op === 'is_null' || f.op === 'not_null'; this.state.page = 1; this.changed(); };
      val.hidden = f.op === 'is_null' || f.op === 'not_null';
      col.addEventListener('change', upd);
      op.addEventListener('change', upd);
      val.addEventListener('change', upd);
      rm.addEventListener('click', () => { list.splice(i, 1); this.drawFilters(); this.changed(); });
      return h('div', { class: 'sq-ex-filter' }, col, op, val, rm);
    }));
  }

  drawColumns() {
    const names = this.columns.map((c) => c.name);
    const ordered = (this.state.order || []).filter((n) => names.includes(n));
    for (const n of names) if (!ordered.includes(n)) ordered.push(n);
    const hidden = new Set(this.state.hidden || []);
    this.columnsEl.replaceChildren(h('ul', { class: 'sq-ex-collist' }, ordered.map((n, i) => {
      const box = h('input', { type: 'checkbox', checked: !hidden.has(n), 'aria-label': `Show ${n}` });
      const up = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: '↑', 'aria-label': `Move ${n} left`, disabled: i === 0 });
      box.addEventListener('change', () => { if (box.checked) hidden.delete(n); else hidden.add(n); this.state.hidden = [...hidden]; this.changed(); });
      up.addEventListener('click', () => { ordered.splice(i - 1, 0, ordered.splice(i, 1)[0]); this.state.order = ordered; this.changed(); });
      return h('li', null, h('label', null, box, ` ${n} `), up);
    })));
  }

  keyOf(row) {
    const key = {};
    this.columns.forEach((c, i) => { if (c.is_pk) key[c.name] = row[i]; });
    return key;
  }

  editCell(r, c, node) {
    if (!node) return;
    const col = this.columns[this.visible[c]];
    const row = this.data.rows[r];
    const input = h('input', { class: 'input sq-cell-input', 'aria-label': `New value of ${col.name}`, value: this.grid.rows[r][c] ?? '' });
    const nullBox = h('label', { class: 'sq-cell-null' }, h('input', { type: 'checkbox', checked: this.grid.rows[r][c] === null }), ' NULL');
    node.replaceChildren(input, nullBox);
    input.focus();
    input.select();
    const done = (keep) => {
      if (keep) {
        const value = nullBox.firstChild.checked ? null : input.value;
        const key = this.keyOf(row);
        let ch = this.changes.find((x) => x.op === 'update' && JSON.stringify(x.key) === JSON.stringify(key));
        if (!ch) this.changes.push(ch = { op: 'update', key, values: {} });
        ch.values[col.name] = value;
        this.drawPending();
      }
      this.draw();
      this.grid.select(r, c);
      this.grid.scroller.focus();
    };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') { e.preventDefault(); done(true); } else if (e.key === 'Escape') { e.preventDefault(); done(false); }
    });
  }

  insertRow() {
    const values = {};
    const fields = this.columns.map((c) => {
      const input = h('input', { class: 'input', 'aria-label': c.name, placeholder: c.is_nullable ? 'NULL' : '' });
      return [c, input];
    });
    const form = h('form', { class: 'sq-ex-insert' }, fields.map(([c, i]) => h('label', { class: 'field' }, h('span', { text: `${c.name} (${c.type})` }), i)),
      h('button', { class: 'btn btn-primary btn-sm', type: 'submit', text: 'Add to changes' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      for (const [c, i] of fields) if (i.value !== '') values[c.name] = i.value;
      this.changes.push({ op: 'insert', values });
      form.remove();
      this.drawPending();
    });
    this.pendingEl.before(form);
    fields[0]?.[1].focus();
  }

  deleteRow() {
    const s = this.grid?.selected;
    if (!s) { this.status('Select a row to delete first.', true); return; }
    this.changes.push({ op: 'delete', key: this.keyOf(this.data.rows[s.row]) });
    this.drawPending();
  }

  async drawPending() {
    if (!this.changes.length) { this.pendingEl.replaceChildren(); return; }
    const review = h('button', { class: 'btn btn-primary btn-sm', type: 'button', text: `Review ${this.changes.length} change${this.changes.length > 1 ? 's' : ''}`, id: 'sq-ex-review' });
    const discard = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Discard' });
    discard.addEventListener('click', () => { this.changes = []; this.drawPending(); this.draw(); });
    review.addEventListener('click', () => this.review());
    this.pendingEl.replaceChildren(review, discard);
  }

  async review() {
    const res = await request('POST', `${this.base()}/rows/apply`, { changes: this.changes, preview: true });
    if (res.status !== 200) { this.status(res.data?.message || 'The changes were refused.', true); return; }
    const sql = res.data.statements.map((s) => `${s.sql};  -- ${JSON.stringify(s.params)}`).join('\n');
    const apply = h('button', { class: 'btn btn-danger btn-sm', type: 'button', text: 'Apply in one transaction', id: 'sq-ex-apply' });
    const back = h('button', { class: 'btn btn-secondary btn-sm', type: 'button', text: 'Back' });
    back.addEventListener('click', () => this.drawPending());
    apply.addEventListener('click', async () => {
      const done = await request('POST', `${this.base()}/rows/apply`, { changes: this.changes });
      if (done.status !== 200) {
        const which = done.data?.failed_change >= 0 ? ` (change ${done.data.failed_change + 1}; nothing was applied)` : '';
        this.status(`${done.data?.message || 'The changes failed.'}${which}`, true);
        return;
      }
      this.status(`Applied ${this.changes.length} change(s).`);
      this.changes = [];
      this.drawPending();
      this.load();
    });
    this.pendingEl.replaceChildren(h('p', { class: 'item-meta', text: 'These statements will run in one transaction:' }),
      h('pre', { class: 'sq-sql', id: 'sq-ex-sql', text: sql }), apply, back);
  }
}
