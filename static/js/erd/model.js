// model.js — the ERD model in the browser: ids, normalisation, lookups and the operations the
// editor applies to it (shape defined in fcgi/erd_model.h). Operations mutate the document passed in;
// lib/history.js snapshots it before every change.

export const PALETTE = ['#6366f1', '#0ea5e9', '#14b8a6', '#22c55e', '#eab308', '#f97316', '#ef4444', '#ec4899', '#a855f7', '#64748b'];
export const PALETTE_NAMES = ['Indigo', 'Sky', 'Teal', 'Green', 'Yellow', 'Orange', 'Red', 'Pink', 'Purple', 'Slate'];
export const SQL_TYPES = ['bigint', 'bigserial', 'boolean', 'bytea', 'char(1)', 'date', 'decimal(10,2)', 'double precision',
  'enum', 'float', 'int', 'integer', 'interval', 'json', 'jsonb', 'numeric(10,2)', 'real', 'serial', 'smallint', 'text',
  'time', 'timestamp', 'timestamptz', 'uuid', 'varchar(255)', 'varchar(64)', 'blob', 'datetime', 'tinyint'];
export const REL_KINDS = [['one-to-one', 'One to one'], ['one-to-many', 'One to many'], ['many-to-many', 'Many to many']];
export const FK_ACTIONS = ['CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION', 'SET DEFAULT'];

/** newId: prefix + 32 random hex characters (crypto.randomUUID, or getRandomValues outside secure contexts). */
export function newId(prefix) {
  let hex;
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') hex = crypto.randomUUID().replace(/-/g, '');
  else hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return (prefix + hex).slice(0, 64);
}

export const clone = (x) => JSON.parse(JSON.stringify(x));

function normColumn(c) {
  return {
    id: c.id || newId('c_'), name: c.name ?? '', type: c.type || 'text',
    is_pk: !!c.is_pk, is_nullable: c.is_nullable === undefined ? !c.is_pk : !!c.is_nullable,
    is_unique: !!c.is_unique, default: c.default ?? null, comment: c.comment ?? null,
    enum_values: Array.isArray(c.enum_values) ? c.enum_values.slice() : [],
  };
}

/** normalize: a complete document {name, viewport, entities, relationships} from whatever the server sent. */
export function normalize(m) {
  m = m || {};
  const vp = m.viewport || {};
  return {
    name: m.name || 'Untitled diagram',
    viewport: { x: +vp.x || 0, y: +vp.y || 0, zoom: +vp.zoom > 0 ? +vp.zoom : 1 },
    entities: (m.entities || []).map((e, i) => ({
      id: e.id || newId('e_'), name: e.name ?? '', x: Number.isFinite(+e.x) ? +e.x : 40 + (i % 10) * 260,
      y: Number.isFinite(+e.y) ? +e.y : 40 + Math.floor(i / 10) * 260, color: e.color || PALETTE[0],
      comment: e.comment ?? null, columns: (e.columns || []).map(normColumn),
    })),
    relationships: (m.relationships || []).map((r) => ({
      id: r.id || newId('r_'), source_entity_id: r.source_entity_id, target_entity_id: r.target_entity_id,
      source_column_id: r.source_column_id ?? null, target_column_id: r.target_column_id ?? null,
      source_handle: r.source_handle ?? null, target_handle: r.target_handle ?? null,
      type: r.type || 'one-to-many', label: r.label ?? null, on_delete: r.on_delete ?? null, on_update: r.on_update ?? null,
      constraint_name: r.constraint_name ?? null,
    })),
  };
}

export const entity = (doc, id) => doc.entities.find((e) => e.id === id) || null;
export const relationship = (doc, id) => doc.relationships.find((r) => r.id === id) || null;
export const column = (ent, id) => (ent ? ent.columns.find((c) => c.id === id) || null : null);

export function uniqueName(names, base) {
  const taken = new Set(names);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** duplicateNames: the table names (lower case) that more than one table has — DDL export refuses
 *  them, as the server compares names ignoring letter case (MySQL and SQLite do). */
export function duplicateNames(doc) {
  const seen = new Set(), dup = new Set();
  for (const e of doc.entities) { const k = (e.name || '').toLowerCase(); if (seen.has(k)) dup.add(k); else seen.add(k); }
  return dup;
}

/** FK_END: which end of a stored relationship holds the foreign key ('target': the child is the
 *  target, the referenced table the source) — the one place the editor's FK markers and the
 *  keyboard/drop paths (addForeignKey) read the direction convention from. */
export const FK_END = 'source';

/** addForeignKey: a one-to-many relationship between the foreign-key column fkCol of table
 *  fkEnt and the column refCol of table refEnt it references, stored in FK_END's direction. */
export function addForeignKey(doc, fkEnt, fkCol, refEnt, refCol) {
  return FK_END === 'target' ? addRelationship(doc, refEnt, refCol, fkEnt, fkCol) : addRelationship(doc, fkEnt, fkCol, refEnt, refCol);
}

/** fkColumns: the ids of the columns that hold a foreign key (not of many-to-many links). */
export function fkColumns(doc) {
  const out = new Set();
  for (const r of doc.relationships) {
    if (r.type === 'many-to-many') continue;
    const c = FK_END === 'target' ? r.target_column_id : r.source_column_id;
    if (c) out.add(c);
  }
  return out;
}

export function makeColumn(partial = {}) { return normColumn({ name: 'column', type: 'text', ...partial, id: newId('c_') }); }

/** addEntity: a new table with an id column at (x, y); returns it. */
export function addEntity(doc, x, y, name) {
  const e = {
    id: newId('e_'), name: uniqueName(doc.entities.map((t) => t.name), name || 'table'),
    x: Math.round(x), y: Math.round(y), color: PALETTE[doc.entities.length % PALETTE.length], comment: null,
    columns: [makeColumn({ name: 'id', type: 'bigserial', is_pk: true, is_nullable: false })],
  };
  doc.entities.push(e);
  return e;
}

/** prune: drop relationships whose tables or columns no longer exist. */
export function prune(doc) {
  const ents = new Map(doc.entities.map((e) => [e.id, e]));
  doc.relationships = doc.relationships.filter((r) => {
    const s = ents.get(r.source_entity_id), t = ents.get(r.target_entity_id);
    if (!s || !t) return false;
    if (r.source_column_id && !column(s, r.source_column_id)) return false;
    if (r.target_column_id && !column(t, r.target_column_id)) return false;
    return true;
  });
}

export function deleteEntities(doc, ids) {
  const set = new Set(ids);
  doc.entities = doc.entities.filter((e) => !set.has(e.id));
  prune(doc);
}

export function deleteColumn(doc, ent, colId) {
  ent.columns = ent.columns.filter((c) => c.id !== colId);
  prune(doc);
}

export function moveColumn(ent, colId, delta) {
  const i = ent.columns.findIndex((c) => c.id === colId), j = i + delta;
  if (i < 0 || j < 0 || j >= ent.columns.length) return false;
  const [c] = ent.columns.splice(i, 1);
  ent.columns.splice(j, 0, c);
  return true;
}

/** TYPE_LABELS: the text ERD Builder Pro shows on an edge of each kind. */
export const TYPE_LABELS = { 'one-to-one': '1:1', 'one-to-many': '1:N', 'many-to-many': 'N:M' };

/** addRelationship: a one-to-many relationship as ERD Builder Pro stores one — source = the
 * table holding the foreign key (srcCol the key column), target = the referenced table (tgtCol
 * the referenced column), labelled "1:N". */
export function addRelationship(doc, srcEnt, srcCol, tgtEnt, tgtCol) {
  const r = {
    id: newId('r_'), source_entity_id: srcEnt, target_entity_id: tgtEnt, source_column_id: srcCol, target_column_id: tgtCol,
    source_handle: null, target_handle: null, type: 'one-to-many', label: TYPE_LABELS['one-to-many'], on_delete: null, on_update: null,
    constraint_name: null,
  };
  doc.relationships.push(r);
  return r;
}

export function swapRelationship(r) {
  [r.source_entity_id, r.target_entity_id] = [r.target_entity_id, r.source_entity_id];
  [r.source_column_id, r.target_column_id] = [r.target_column_id, r.source_column_id];
  [r.source_handle, r.target_handle] = [r.target_handle, r.source_handle];
}

/** copy: the selected tables and the relationships among them, as a detached clip. */
export function copy(doc, ids) {
  const set = new Set(ids);
  return clone({
    entities: doc.entities.filter((e) => set.has(e.id)),
    relationships: doc.relationships.filter((r) => set.has(r.source_entity_id) && set.has(r.target_entity_id)),
  });
}

/** paste: insert a clip with fresh ids and names, shifted by (dx, dy); returns the new table ids. */
export function paste(doc, clip, dx, dy) {
  const map = new Map();
  const names = doc.entities.map((e) => e.name);
  const added = [];
  for (const src of clip.entities || []) {
    const e = clone(src);
    map.set(e.id, e.id = newId('e_'));
    e.name = uniqueName(names, src.name.replace(/_copy(_\d+)?$/, '') + '_copy');
    names.push(e.name);
    e.x = Math.round((+e.x || 0) + dx); e.y = Math.round((+e.y || 0) + dy);
    e.columns = e.columns.map((c) => { const n = normColumn(c); map.set(c.id, n.id = newId('c_')); return n; });
    doc.entities.push(e);
    added.push(e.id);
  }
  for (const src of clip.relationships || []) {
    if (!map.has(src.source_entity_id) || !map.has(src.target_entity_id)) continue;
    const r = clone(src);
    r.id = newId('r_');
    r.source_entity_id = map.get(r.source_entity_id); r.target_entity_id = map.get(r.target_entity_id);
    r.source_column_id = r.source_column_id ? map.get(r.source_column_id) || null : null;
    r.target_column_id = r.target_column_id ? map.get(r.target_column_id) || null : null;
    doc.relationships.push(r);
  }
  return added;
}
