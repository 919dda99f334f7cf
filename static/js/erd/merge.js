// merge.js — what changed between two ERD models (tables, columns, relationships, matched by id) and
// a 3-way merge by id: non-conflicting changes from both sides are kept; on the same item, mine
// wins. The id-keyed list and field merging is lib/merge.js's; this file knows the ERD's fields.

import { same, byId, mergeFields, mergeList, listChanges } from '../lib/merge.js';

const ENTITY_FIELDS = ['name', 'x', 'y', 'color', 'comment'];
const COLUMN_FIELDS = ['name', 'type', 'is_pk', 'is_nullable', 'is_unique', 'default', 'comment', 'enum_values'];

function relName(m, r) {
  const e = byId(m.entities);
  const s = e.get(r.source_entity_id), t = e.get(r.target_entity_id);
  return `${s ? s.name : '?'} → ${t ? t.name : '?'}`;
}

/** diff: {tables, columns, relationships: {added, removed, changed}, count} from model a to model b. */
export function diff(a, b) {
  const out = { tables: { added: [], removed: [], changed: [] }, columns: { added: [], removed: [], changed: [] },
    relationships: { added: [], removed: [], changed: [] }, count: 0 };
  const ea = byId(a.entities), eb = byId(b.entities);
  for (const [id, e] of eb) {
    const o = ea.get(id);
    if (!o) { out.tables.added.push(e.name); continue; }
    const what = ENTITY_FIELDS.filter((f) => !same(o[f], e[f])).map((f) => (f === 'x' || f === 'y' ? 'position' : f));
    if (what.length) out.tables.changed.push({ name: e.name, what: [...new Set(what)], renamed_from: o.name !== e.name ? o.name : undefined });
    const ca = byId(o.columns), cb = byId(e.columns);
    for (const [cid, c] of cb) {
      const oc = ca.get(cid);
      if (!oc) out.columns.added.push({ table: e.name, column: c.name });
      else {
        const w = COLUMN_FIELDS.filter((f) => !same(oc[f], c[f]));
        if (w.length) out.columns.changed.push({ table: e.name, column: c.name, what: w });
      }
    }
    for (const [cid, c] of ca) if (!cb.has(cid)) out.columns.removed.push({ table: e.name, column: c.name });
    if (!same(o.columns.map((c) => c.id), e.columns.filter((c) => ca.has(c.id)).map((c) => c.id))
      && o.columns.every((c) => cb.has(c.id))) out.columns.changed.push({ table: e.name, column: '(order)', what: ['order'] });
  }
  for (const [id, e] of ea) if (!eb.has(id)) out.tables.removed.push(e.name);
  const rels = listChanges(a.relationships, b.relationships);
  out.relationships.added = rels.added.map((r) => relName(b, r));
  out.relationships.changed = rels.changed.map((r) => relName(b, r));
  out.relationships.removed = rels.removed.map((r) => relName(a, r));
  for (const k of ['tables', 'columns', 'relationships']) for (const l of ['added', 'removed', 'changed']) out.count += out[k][l].length;
  if (a.name !== b.name) { out.renamed = { from: a.name, to: b.name }; out.count++; }
  return out;
}

/** describe: short human lines for a diff. */
export function describe(d) {
  const lines = [];
  const col = (c) => `${c.table}.${c.column}`;
  if (d.renamed) lines.push(`Diagram renamed to “${d.renamed.to}”`);
  if (d.tables.added.length) lines.push(`Tables added: ${d.tables.added.join(', ')}`);
  if (d.tables.removed.length) lines.push(`Tables removed: ${d.tables.removed.join(', ')}`);
  if (d.tables.changed.length) lines.push(`Tables changed: ${d.tables.changed.map((t) => `${t.name} (${t.what.join(', ')})`).join(', ')}`);
  if (d.columns.added.length) lines.push(`Columns added: ${d.columns.added.map(col).join(', ')}`);
  if (d.columns.removed.length) lines.push(`Columns removed: ${d.columns.removed.map(col).join(', ')}`);
  if (d.columns.changed.length) lines.push(`Columns changed: ${d.columns.changed.map((c) => `${col(c)} (${c.what.join(', ')})`).join(', ')}`);
  if (d.relationships.added.length) lines.push(`Relationships added: ${d.relationships.added.join(', ')}`);
  if (d.relationships.removed.length) lines.push(`Relationships removed: ${d.relationships.removed.join(', ')}`);
  if (d.relationships.changed.length) lines.push(`Relationships changed: ${d.relationships.changed.join(', ')}`);
  return lines;
}

/** merge3: merged document from the common base, my version and theirs. */
export function merge3(base, mine, theirs) {
  const entities = mergeList(base.entities, mine.entities, theirs.entities, (b, m, t) => {
    const e = mergeFields(b, m, t, ENTITY_FIELDS);
    e.columns = mergeList(b.columns, m.columns, t.columns, (bc, mc, tc) => mergeFields(bc, mc, tc, COLUMN_FIELDS));
    // If only they reordered columns, follow their order.
    if (same(b.columns.map((c) => c.id), m.columns.map((c) => c.id))) {
      const order = new Map(t.columns.map((c, i) => [c.id, i]));
      e.columns.sort((x, y) => (order.get(x.id) ?? 1e9) - (order.get(y.id) ?? 1e9));
    }
    return e;
  });
  const relFields = ['source_entity_id', 'target_entity_id', 'source_column_id', 'target_column_id', 'source_handle', 'target_handle', 'type', 'label', 'on_delete', 'on_update', 'constraint_name'];
  const relationships = mergeList(base.relationships, mine.relationships, theirs.relationships, (b, m, t) => mergeFields(b, m, t, relFields));
  const name = mine.name !== base.name ? mine.name : theirs.name;
  const doc = { name, viewport: mine.viewport, entities, relationships };
  // Drop relationships left dangling by a deletion on one side.
  const ents = byId(entities);
  doc.relationships = relationships.filter((r) => {
    const s = ents.get(r.source_entity_id), t = ents.get(r.target_entity_id);
    return s && t && (!r.source_column_id || s.columns.some((c) => c.id === r.source_column_id))
      && (!r.target_column_id || t.columns.some((c) => c.id === r.target_column_id));
  });
  return doc;
}
