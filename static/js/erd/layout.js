// layout.js — deterministic auto-layout: tables in layers by relationships (parents left of
// children, longest-path ranking, barycentre ordering), unrelated tables in a grid below.

/** autoLayout: {id: {x, y}} for every entity; sizeOf(id) gives {w, h}. */
export function autoLayout(doc, sizeOf) {
  const ents = [...doc.entities].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  const ids = new Set(ents.map((e) => e.id));
  const parents = new Map(ents.map((e) => [e.id, []]));
  const children = new Map(ents.map((e) => [e.id, []]));
  for (const r of doc.relationships) {
    if (r.source_entity_id === r.target_entity_id || !ids.has(r.source_entity_id) || !ids.has(r.target_entity_id)) continue;
    // source holds the foreign key (the child), target is the referenced table (the parent)
    parents.get(r.source_entity_id).push(r.target_entity_id);
    children.get(r.target_entity_id).push(r.source_entity_id);
  }
  // Longest-path rank from the roots; cycles are broken by the DFS "on stack" check.
  const rank = new Map(), state = new Map();
  const visit = (id) => {
    if (state.get(id) === 2) return rank.get(id);
    if (state.get(id) === 1) return 0;
    state.set(id, 1);
    let r = 0;
    for (const p of parents.get(id)) if (state.get(p) !== 1) r = Math.max(r, visit(p) + 1);
    state.set(id, 2); rank.set(id, r);
    return r;
  };
  const connected = ents.filter((e) => parents.get(e.id).length || children.get(e.id).length);
  const loose = ents.filter((e) => !parents.get(e.id).length && !children.get(e.id).length);
  connected.forEach((e) => visit(e.id));
  const layers = [];
  for (const e of connected) (layers[rank.get(e.id)] ||= []).push(e.id);
  const pos = {};
  const GAP_X = 120, GAP_Y = 48, X0 = 40, Y0 = 40;
  let x = X0, maxBottom = Y0;
  const order = new Map();
  layers.forEach((layer, li) => {
    if (li > 0) {
      const bary = (id) => { const ps = parents.get(id).filter((p) => order.has(p)); return ps.length ? ps.reduce((s, p) => s + order.get(p), 0) / ps.length : 1e9; };
      layer.sort((a, b) => bary(a) - bary(b) || (a < b ? -1 : 1));
    }
    layer.forEach((id, i) => order.set(id, i));
    // Long layers wrap into several sub-columns so wide trees stay roughly square.
    const perCol = Math.max(6, Math.ceil(Math.sqrt(connected.length) * 1.2));
    for (let start = 0; start < layer.length; start += perCol) {
      let y = Y0, w = 0;
      for (const id of layer.slice(start, start + perCol)) {
        const s = sizeOf(id);
        pos[id] = { x, y };
        y += s.h + GAP_Y; w = Math.max(w, s.w);
      }
      maxBottom = Math.max(maxBottom, y);
      x += w + (start + perCol < layer.length ? GAP_X / 2 : GAP_X);
    }
  });
  // Unrelated tables: a grid under (or instead of) the layered part.
  const cols = Math.max(1, Math.ceil(Math.sqrt(loose.length)));
  let gy = connected.length ? maxBottom + GAP_Y : Y0, gx = X0, rowH = 0;
  loose.forEach((e, i) => {
    if (i && i % cols === 0) { gy += rowH + GAP_Y; gx = X0; rowH = 0; }
    const s = sizeOf(e.id);
    pos[e.id] = { x: gx, y: gy };
    gx += s.w + 60; rowH = Math.max(rowH, s.h);
  });
  for (const id in pos) { pos[id].x = Math.round(pos[id].x); pos[id].y = Math.round(pos[id].y); }
  return pos;
}
