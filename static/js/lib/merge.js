// lib/merge.js — the generic part of comparing and merging versions of a JSON document whose
// lists hold objects with an `id`. Contract:
//   same(a, b)     deep equality by JSON text;
//   byId(list)     Map id → item (an absent list is empty);
//   mergeFields(base, mine, theirs, fields)  a copy of mine where each field only theirs changed
//                  (relative to base) takes their value — mine wins where both changed it;
//   mergeList(base, mine, theirs, mergeItem) 3-way merge of id-keyed lists: items on both sides
//                  are merged by mergeItem(base, mine, theirs) (or mine when added on both);
//                  deleted on one side and unchanged on the other → gone; deleted by me and
//                  changed by them → gone (mine wins); order: mine's, then theirs' additions.
//   listChanges(a, b) {added, removed, changed: [item…]} between two id-keyed lists (changed and
//                  added items from b, removed from a).

export const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
export const byId = (list) => new Map((list || []).map((x) => [x.id, x]));

export function mergeFields(base, mine, theirs, fields) {
  const out = { ...mine };
  for (const f of fields) if (same(mine[f], base[f]) && !same(theirs[f], base[f])) out[f] = theirs[f];
  return out;
}

export function mergeList(base, mine, theirs, mergeItem) {
  const b = byId(base), m = byId(mine), t = byId(theirs);
  const out = [];
  const seen = new Set();
  const take = (id) => {
    if (seen.has(id)) return;
    seen.add(id);
    const bi = b.get(id), mi = m.get(id), ti = t.get(id);
    if (mi && ti) out.push(bi ? mergeItem(bi, mi, ti) : mi); // both have it (added on both sides: mine)
    else if (mi && !ti) { if (!bi || !same(bi, mi)) out.push(mi); } // they deleted it: keep only if I changed/added it
    else if (!mi && ti) { if (!bi) out.push(ti); else if (!same(bi, ti)) { /* I deleted, they changed: mine wins (deleted) */ } }
  };
  for (const x of mine) take(x.id);
  for (const x of theirs) take(x.id);
  return out;
}

export function listChanges(a, b) {
  const ma = byId(a), mb = byId(b);
  const out = { added: [], removed: [], changed: [] };
  for (const [id, x] of mb) {
    const o = ma.get(id);
    if (!o) out.added.push(x);
    else if (!same(o, x)) out.changed.push(x);
  }
  for (const [id, x] of ma) if (!mb.has(id)) out.removed.push(x);
  return out;
}
