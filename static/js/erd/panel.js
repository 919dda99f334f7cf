// panel.js — the side panel: an accessible form for the selected table (name, colour, comment,
// columns with type, PK/nullable/unique, default, enum values, comment; add/delete/reorder), the
// selected relationship (kind, label, on delete/update, swap, delete), a multi-selection or the diagram.

import { h, svgIcon } from '../lib/dom.js';
import * as M from './model.js';

let uid = 0;

function field(label, input, hint) {
  const id = input.id || (input.id = `erd-f${++uid}`);
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input, hint ? h('p', { class: 'erd-hint', text: hint }) : null);
}

/** fkType: the type a foreign-key column gets for a referenced column (serials become their integer). */
export function fkType(type) {
  const t = (type || 'text').toLowerCase();
  return { serial: 'integer', bigserial: 'bigint', smallserial: 'smallint', serial4: 'integer', serial8: 'bigint' }[t] || type || 'text';
}

const ICON = {
  up: 'M12 19V5M5 12l7-7 7 7', down: 'M12 5v14M19 12l-7 7-7-7', del: 'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4.5A1.5 1.5 0 0 1 10.5 3h3A1.5 1.5 0 0 1 15 4.5V7',
};
const icon = (name) => svgIcon(ICON[name]);

export class Panel {
  constructor(ed, el) {
    this.ed = ed; this.el = el; this.key = null;
    el.addEventListener('input', (e) => this.onInput(e));
    el.addEventListener('change', (e) => this.onInput(e, true));
    el.addEventListener('click', (e) => this.onClick(e));
    el.addEventListener('submit', (e) => e.preventDefault());
  }

  /** structure key: the panel is rebuilt only when this changes; otherwise values are refreshed in place. */
  structure() {
    const { ed } = this, s = ed.sel;
    if (s.rel) { const r = M.relationship(ed.doc, s.rel); return r ? `rel:${r.id}:${r.source_entity_id}:${r.target_entity_id}` : 'none'; }
    if (s.ents.size === 1) {
      const e = M.entity(ed.doc, [...s.ents][0]);
      return e ? `ent:${e.id}:${ed.doc.entities.length}:${e.columns.map((c) => c.id + (c.is_pk ? 'k' : '')).join(',')}` : 'none';
    }
    if (s.ents.size > 1) return `multi:${s.ents.size}`;
    return `doc:${ed.doc.entities.length}:${ed.doc.relationships.length}`;
  }

  sync() {
    const key = this.structure();
    if (key !== this.key) { this.key = key; this.build(); return; }
    this.refresh();
  }

  build() {
    const { ed } = this, s = ed.sel;
    const hadFocus = this.el.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    this.el.textContent = '';
    if (s.rel) this.el.append(this.relForm(M.relationship(ed.doc, s.rel)));
    else if (s.ents.size === 1) this.el.append(this.tableForm(M.entity(ed.doc, [...s.ents][0])));
    else if (s.ents.size > 1) this.el.append(this.multiForm(s.ents.size));
    else this.el.append(this.docForm());
    if (hadFocus) this.el.querySelector(`[data-focus-key="${CSS.escape(hadFocus)}"]`)?.focus();
    this.syncWarning();
  }

  /** syncFkNames: the FK form's options keep the current table and column names. */
  syncFkNames() {
    const doc = this.ed.doc, e = M.entity(doc, [...this.ed.sel.ents][0]);
    const form = this.el.querySelector('[data-testid="fk-form"]');
    if (!form || !e) return;
    const label = (o, text) => { if (o.textContent !== text) o.textContent = text; };
    for (const o of form.querySelectorAll('[data-fk="col"] option')) { const c = M.column(e, o.value); if (c) label(o, c.name); }
    for (const o of form.querySelectorAll('[data-fk="table"] option')) { const t = M.entity(doc, o.value); if (t) label(o, t.id === e.id ? `${t.name} (this table)` : t.name); }
    const rt = M.entity(doc, form.querySelector('[data-fk="table"]').value);
    for (const o of form.querySelectorAll('[data-fk="ref-col"] option')) { const c = M.column(rt, o.value); if (c) label(o, `${c.name} (${c.type})`); }
  }

  /** syncWarning: show, beside the table's name, that another table has the same name. */
  syncWarning() {
    const w = this.el.querySelector('[data-testid="duplicate-warning"]');
    if (!w) return;
    const e = M.entity(this.ed.doc, w.dataset.ent);
    const dup = !!e && M.duplicateNames(this.ed.doc).has((e.name || '').toLowerCase());
    const text = dup ? `Another table is also named “${e.name}”: rename one, or the SQL export will refuse the diagram.` : '';
    if (w.textContent !== text) w.textContent = text;
    w.hidden = !dup;
    w.previousElementSibling?.setAttribute('aria-invalid', dup ? 'true' : 'false');
  }

  refresh() {
    this.syncWarning();
    this.syncFkNames();
    const target = this.target();
    for (const inp of this.el.querySelectorAll('[data-f]')) {
      if (inp === document.activeElement) continue;
      const obj = this.objFor(inp, target);
      if (!obj) continue;
      const v = this.read(obj, inp.dataset.f);
      if (inp.type === 'checkbox') inp.checked = !!v;
      else if (inp.type === 'radio') inp.checked = inp.value === v;
      else if (inp.value !== v) inp.value = v;
    }
  }

  target() {
    const { ed } = this, s = ed.sel;
    if (s.rel) return M.relationship(ed.doc, s.rel);
    if (s.ents.size === 1) return M.entity(ed.doc, [...s.ents][0]);
    return ed.doc;
  }

  objFor(inp, target) {
    const li = inp.closest('[data-col]');
    return li ? M.column(target, li.dataset.col) : target;
  }

  read(obj, f) {
    const v = obj[f];
    if (f === 'enum_values') return (v || []).join(', ');
    if (typeof v === 'boolean') return v;
    return v ?? '';
  }

  onInput(e, isChange) {
    const inp = e.target;
    const f = inp.dataset.f;
    if (!f) return;
    if (isChange && inp.type !== 'checkbox' && inp.type !== 'radio' && inp.tagName !== 'SELECT') { this.ed.history.breakMerge(); return; }
    if (!isChange && (inp.type === 'checkbox' || inp.type === 'radio' || inp.tagName === 'SELECT')) return;
    const ed = this.ed;
    const li = inp.closest('[data-col]');
    const s = ed.sel;
    const kind = s.rel ? 'rel' : s.ents.size === 1 ? 'ent' : 'doc';
    const tid = s.rel || [...s.ents][0] || 'doc';
    let value = inp.type === 'checkbox' ? inp.checked : inp.value;
    ed.commit(`${tid}:${li ? li.dataset.col : ''}:${f}`, (doc) => {
      const t = kind === 'rel' ? M.relationship(doc, tid) : kind === 'ent' ? M.entity(doc, tid) : doc;
      const obj = li ? M.column(t, li.dataset.col) : t;
      if (!obj) return;
      if (f === 'enum_values') value = value.split(',').map((x) => x.trim()).filter(Boolean);
      else if (['default', 'comment', 'label', 'on_delete', 'on_update', 'constraint_name'].includes(f)) value = value === '' ? null : value;
      // a label that was the kind's own text follows the kind, as ERD Builder Pro's does
      if (f === 'type' && obj.label === M.TYPE_LABELS[obj.type]) obj.label = M.TYPE_LABELS[value] || obj.label;
      obj[f] = value;
      if (f === 'is_pk' && value) obj.is_nullable = false;
      if (f === 'is_nullable' && value) obj.is_pk = false;
    });
  }

  onClick(e) {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const ed = this.ed, act = b.dataset.act;
    const li = b.closest('[data-col]');
    const eid = [...ed.sel.ents][0];
    const focusAfter = (sel) => requestAnimationFrame(() => this.el.querySelector(sel)?.focus());
    if (act === 'add-col') {
      let col;
      ed.commit(null, (doc) => { const t = M.entity(doc, eid); col = M.makeColumn({ name: M.uniqueName(t.columns.map((c) => c.name), 'column') }); t.columns.push(col); });
      focusAfter(`[data-col="${col.id}"] [data-f="name"]`);
      ed.announce('Column added');
    } else if (act === 'del-col') {
      const next = li.nextElementSibling || li.previousElementSibling;
      ed.commit(null, (doc) => { M.deleteColumn(doc, M.entity(doc, eid), li.dataset.col); });
      focusAfter(next ? `[data-col="${next.dataset.col}"] [data-f="name"]` : '[data-act="add-col"]');
      ed.announce('Column deleted');
    } else if (act === 'up' || act === 'down') {
      const id = li.dataset.col;
      ed.commit(null, (doc) => { M.moveColumn(M.entity(doc, eid), id, act === 'up' ? -1 : 1); });
      focusAfter(`[data-col="${id}"] [data-act="${act}"]:not([disabled])`);
      ed.announce(`Column moved ${act}`);
    } else if (act === 'del-table' || act === 'del-sel') ed.deleteSelection();
    else if (act === 'dup') ed.duplicate();
    else if (act === 'swap') { ed.commit(null, (doc) => M.swapRelationship(M.relationship(doc, ed.sel.rel))); ed.announce('Direction swapped'); }
    else if (act === 'del-rel') ed.deleteSelection();
    else if (act === 'zoom-to') ed.zoomTo(eid);
    else if (act === 'add-fk') this.addFk(b.closest('fieldset'));
  }

  tableForm(e) {
    const form = h('form', { class: 'erd-form', 'data-testid': 'table-form', 'aria-label': `Table ${e.name}` });
    const name = h('input', { class: 'input', 'data-f': 'name', 'data-focus-key': 'tname', 'data-testid': 'table-name', value: e.name, autocomplete: 'off', spellcheck: 'false', maxlength: '255' });
    name.setAttribute('aria-describedby', `erd-dup-${e.id}`);
    const nameField = field('Name', name);
    nameField.append(h('p', { class: 'erd-warning', id: `erd-dup-${e.id}`, role: 'alert', 'data-testid': 'duplicate-warning', 'data-ent': e.id, hidden: true }));
    form.append(h('h2', { class: 'erd-panel-title', text: 'Table' }), nameField);
    const pal = h('fieldset', { class: 'erd-palette' }, h('legend', { text: 'Color' }));
    const gname = `erd-color-${++uid}`;
    M.PALETTE.forEach((c, i) => {
      const id = `${gname}-${i}`;
      const r = h('input', { type: 'radio', name: gname, id, value: c, 'data-f': 'color', class: 'erd-swatch-input', checked: e.color === c });
      const l = h('label', { for: id, class: 'erd-swatch', title: M.PALETTE_NAMES[i] }, h('span', { class: 'visually-hidden', text: M.PALETTE_NAMES[i] }));
      l.style.setProperty('--swatch', c);
      pal.append(r, l);
    });
    const custom = h('input', { type: 'color', class: 'erd-color-input', 'data-f': 'color', value: /^#[0-9a-f]{6}$/i.test(e.color) ? e.color : '#6366f1', 'aria-label': 'Custom color', title: 'Custom color' });
    pal.append(custom);
    form.append(pal);
    form.append(field('Comment', h('textarea', { class: 'input erd-textarea', 'data-f': 'comment', rows: '2', value: e.comment || '' })));
    const list = h('ol', { class: 'erd-cols', 'aria-label': 'Columns' });
    e.columns.forEach((c, i) => list.append(this.columnItem(c, i, e.columns.length)));
    form.append(h('div', { class: 'erd-cols-head' }, h('h3', { text: `Columns (${e.columns.length})` }),
      h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-act': 'add-col', 'data-testid': 'add-column' }, '+ Add column')));
    form.append(list);
    form.append(this.fkForm(e));
    form.append(h('div', { class: 'erd-form-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-act': 'dup', title: 'Duplicate (Ctrl+D)' }, 'Duplicate'),
      h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-act': 'del-table', 'data-testid': 'delete-table', title: 'Delete (Delete key)' }, 'Delete table')));
    return form;
  }

  /** fkForm: the keyboard path to a relationship — one of this table's columns as the foreign
   *  key, the table and column it references (that table's primary key preselected). */
  fkForm(e) {
    const doc = this.ed.doc;
    const fs = h('fieldset', { class: 'erd-fk-form', 'data-testid': 'fk-form' }, h('legend', { text: 'Add a relationship (foreign key)' }));
    const own = h('select', { class: 'select', 'data-fk': 'col', 'data-focus-key': 'fk-col', 'data-testid': 'fk-column' },
      e.columns.map((c) => h('option', { value: c.id, text: c.name })), h('option', { value: '', text: '(new column)' }));
    const fkCol = e.columns.find((c) => !c.is_pk) || e.columns[0];
    own.value = fkCol ? fkCol.id : '';
    const tables = [...doc.entities].sort((a, b) => a.name.localeCompare(b.name));
    const ref = h('select', { class: 'select', 'data-fk': 'table', 'data-focus-key': 'fk-table', 'data-testid': 'fk-ref-table' },
      tables.map((t) => h('option', { value: t.id, text: t.id === e.id ? `${t.name} (this table)` : t.name })));
    const other = tables.find((t) => t.id !== e.id);
    ref.value = other ? other.id : e.id;
    const refCol = h('select', { class: 'select', 'data-fk': 'ref-col', 'data-focus-key': 'fk-ref-col', 'data-testid': 'fk-ref-column' });
    const fillCols = () => {
      const t = M.entity(doc, ref.value);
      refCol.replaceChildren(...(t ? t.columns : []).map((c) => h('option', { value: c.id, text: `${c.name} (${c.type})` })));
      const pk = t && t.columns.find((c) => c.is_pk);
      if (pk) refCol.value = pk.id;
    };
    fillCols();
    ref.addEventListener('change', fillCols);
    fs.append(field('Foreign-key column (this table)', own), field('References table', ref), field('Referenced column', refCol),
      h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-act': 'add-fk', 'data-testid': 'fk-add' }, 'Add relationship'));
    return fs;
  }

  /** offerForeignKey: a column (refEnt.refCol) was dropped on table tid, not on one of its
   *  columns: select tid and offer, in its foreign-key form, a column matching the name
   *  `${table}_${column}` or else a new one typed like the referenced column. */
  offerForeignKey(tid, refEnt, refCol) {
    const ed = this.ed;
    ed.select([tid]);
    const form = this.el.querySelector('[data-testid="fk-form"]');
    const t = M.entity(ed.doc, tid), rt = M.entity(ed.doc, refEnt), rc = M.column(rt, refCol);
    if (!form || !t || !rc) return;
    const want = `${rt.name}_${rc.name}`.toLowerCase();
    const match = t.columns.find((c) => c.name.toLowerCase() === want);
    form.querySelector('[data-fk="col"]').value = match ? match.id : '';
    const ref = form.querySelector('[data-fk="table"]');
    ref.value = refEnt;
    ref.dispatchEvent(new Event('change'));
    form.querySelector('[data-fk="ref-col"]').value = refCol;
    form.classList.add('is-offered');
    form.scrollIntoView({ block: 'nearest' });
    requestAnimationFrame(() => form.querySelector('[data-act="add-fk"]').focus());
    ed.announce(match ? `Link ${t.name}.${match.name} to ${rt.name}.${rc.name}? Press Add relationship.`
      : `${t.name} has no matching column: Add relationship creates ${want} (${fkType(rc.type)}).`);
  }

  /** addFk: create the relationship the FK form describes (a new column of the referenced
   *  column's type when "(new column)" is chosen) and select it. */
  addFk(form) {
    const ed = this.ed, eid = [...ed.sel.ents][0];
    const own = form.querySelector('[data-fk="col"]').value, refEnt = form.querySelector('[data-fk="table"]').value;
    const refCol = form.querySelector('[data-fk="ref-col"]').value;
    if (!refEnt || !refCol) { ed.announce('Choose the referenced table and column first'); return; }
    let rel;
    ed.commit(null, (doc) => {
      const t = M.entity(doc, eid), rt = M.entity(doc, refEnt), rc = M.column(rt, refCol);
      let colId = own;
      if (!colId) {
        const c = M.makeColumn({ name: M.uniqueName(t.columns.map((x) => x.name), `${rt.name}_${rc.name}`), type: fkType(rc.type), is_nullable: true });
        t.columns.push(c);
        colId = c.id;
      }
      rel = M.addForeignKey(doc, eid, colId, refEnt, refCol);
    });
    ed.selectRel(rel.id);
    ed.announce('Relationship created (one-to-many)');
    requestAnimationFrame(() => this.el.querySelector('[data-testid="relationship-kind"]')?.focus());
  }

  columnItem(c, i, n) {
    const li = h('li', { class: 'erd-col-item', 'data-col': c.id, 'data-testid': 'column-item' });
    const fs = h('fieldset', null, h('legend', { class: 'visually-hidden', text: `Column ${i + 1}: ${c.name}` }));
    const id = (s) => `erd-c-${c.id}-${s}`;
    const name = h('input', { id: id('n'), class: 'input input-sm', 'data-f': 'name', 'data-focus-key': `${c.id}:name`, 'data-testid': 'column-name', value: c.name, autocomplete: 'off', spellcheck: 'false' });
    const type = h('input', { id: id('t'), class: 'input input-sm erd-mono', 'data-f': 'type', 'data-focus-key': `${c.id}:type`, 'data-testid': 'column-type', list: 'erd-types', value: c.type, autocomplete: 'off', spellcheck: 'false' });
    fs.append(h('div', { class: 'erd-col-main' },
      h('label', { for: id('n'), class: 'visually-hidden', text: 'Column name' }), name,
      h('label', { for: id('t'), class: 'visually-hidden', text: 'Type' }), type));
    const check = (f, label, title) => h('label', { class: 'erd-check', title }, h('input', { type: 'checkbox', 'data-f': f, 'data-focus-key': `${c.id}:${f}`, 'data-testid': `column-${f.replace('is_', '')}`, checked: c[f] }), label);
    const btn = (act, label, ic, dis) => h('button', { type: 'button', class: 'btn btn-icon', 'data-act': act, 'data-focus-key': `${c.id}:${act}`, 'aria-label': `${label} ${c.name}`, title: label, disabled: dis }, icon(ic));
    fs.append(h('div', { class: 'erd-col-flags' },
      check('is_pk', 'PK', 'Primary key'), check('is_nullable', 'Null', 'Nullable'), check('is_unique', 'Unique', 'Unique'),
      h('span', { class: 'erd-col-btns' }, btn('up', 'Move up', 'up', i === 0), btn('down', 'Move down', 'down', i === n - 1), btn('del-col', 'Delete column', 'del'))));
    const more = h('details', { class: 'erd-col-more' }, h('summary', { text: 'More' }),
      field('Default', h('input', { id: id('d'), class: 'input input-sm erd-mono', 'data-f': 'default', 'data-focus-key': `${c.id}:default`, value: c.default || '', placeholder: 'e.g. now()' })),
      field('Enum values', h('input', { id: id('e'), class: 'input input-sm', 'data-f': 'enum_values', 'data-focus-key': `${c.id}:enum`, value: (c.enum_values || []).join(', '), placeholder: 'a, b, c' }), 'Comma separated'),
      field('Comment', h('input', { id: id('c'), class: 'input input-sm', 'data-f': 'comment', 'data-focus-key': `${c.id}:comment`, value: c.comment || '' })));
    if (c.default || (c.enum_values && c.enum_values.length) || c.comment) more.open = true;
    fs.append(more);
    li.append(fs);
    return li;
  }

  relForm(r) {
    const doc = this.ed.doc;
    const s = M.entity(doc, r.source_entity_id), t = M.entity(doc, r.target_entity_id);
    const sc = M.column(s, r.source_column_id), tc = M.column(t, r.target_column_id);
    const form = h('form', { class: 'erd-form', 'data-testid': 'relationship-form', 'aria-label': 'Relationship' });
    form.append(h('h2', { class: 'erd-panel-title', text: 'Relationship' }));
    form.append(h('p', { class: 'erd-rel-ends' },
      h('span', { class: 'erd-chip', text: `${s ? s.name : '?'}${sc ? '.' + sc.name : ''}` }), h('span', { 'aria-hidden': 'true', text: ' → ' }),
      h('span', { class: 'visually-hidden', text: ' to ' }), h('span', { class: 'erd-chip', text: `${t ? t.name : '?'}${tc ? '.' + tc.name : ''}` })));
    form.append(h('p', { class: 'erd-hint', text: `${s ? s.name : '?'} holds the foreign key (the “many” side); ${t ? t.name : '?'} is the referenced table (the “one” side).` }));
    const kind = h('select', { class: 'select', 'data-f': 'type', 'data-testid': 'relationship-kind' }, M.REL_KINDS.map(([v, l]) => h('option', { value: v, text: l })));
    kind.value = r.type;
    form.append(field('Kind', kind));
    form.append(field('Label', h('input', { class: 'input', 'data-f': 'label', 'data-focus-key': 'rlabel', 'data-testid': 'relationship-label', value: r.label || '', autocomplete: 'off' }), 'Shown on the line, as ERD Builder Pro does (1:N)'));
    form.append(field('Constraint name', h('input', { class: 'input', 'data-f': 'constraint_name', 'data-focus-key': 'rcname', 'data-testid': 'relationship-constraint', value: r.constraint_name || '', placeholder: sc && s ? `fk_${s.name.split('.').pop()}_${sc.name}`.toLowerCase() : '', autocomplete: 'off' }), 'The foreign key’s name in SQL exports'));
    const act = (f) => { const sel = h('select', { class: 'select', 'data-f': f }, h('option', { value: '', text: '(default)' }), M.FK_ACTIONS.map((a) => h('option', { value: a, text: a }))); sel.value = r[f] || ''; return sel; };
    form.append(h('div', { class: 'field-row' }, field('On delete', act('on_delete')), field('On update', act('on_update'))));
    form.append(h('div', { class: 'erd-form-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-act': 'swap', 'data-testid': 'swap-relationship' }, 'Swap direction'),
      h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-act': 'del-rel', 'data-testid': 'delete-relationship' }, 'Delete')));
    return form;
  }

  multiForm(n) {
    return h('form', { class: 'erd-form', 'aria-label': 'Selection' },
      h('h2', { class: 'erd-panel-title', text: `${n} tables selected` }),
      h('p', { class: 'erd-hint', text: 'Drag any of them to move them together; arrow keys nudge; Ctrl+C / Ctrl+V copy and paste.' }),
      h('div', { class: 'erd-form-actions' },
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-act': 'dup' }, 'Duplicate'),
        h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-act': 'del-sel', 'data-testid': 'delete-selection' }, `Delete ${n} tables`)));
  }

  docForm() {
    const d = this.ed.doc;
    return h('form', { class: 'erd-form', 'aria-label': 'Diagram' },
      h('h2', { class: 'erd-panel-title', text: 'Diagram' }),
      field('Name', h('input', { class: 'input', 'data-f': 'name', 'data-focus-key': 'dname', 'data-testid': 'diagram-name', value: d.name, autocomplete: 'off' })),
      h('p', { class: 'erd-hint', text: `${d.entities.length} tables, ${d.relationships.length} relationships.` }),
      h('ul', { class: 'erd-tips' },
        h('li', { text: 'Select a table to edit it here; double-click the canvas to add one.' }),
        h('li', { text: 'Drag from a column’s dot to a column of another table to draw a relationship.' }),
        h('li', { text: 'Press ? for all keyboard shortcuts.' })));
  }

  focusName() {
    requestAnimationFrame(() => { const n = this.el.querySelector('[data-testid="table-name"]'); if (n) { n.focus(); n.select(); } });
  }
}
