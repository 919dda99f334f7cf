// flowchart/model.js — ERD Builder Pro's flowchart format, React Flow's {nodes, edges}: nodes of
// type `custom` with data {label, shape, color}, edges of type `smoothstep`. Contract:
//   SHAPES, COLORS, ARROWS   the eight shapes (name → label), the eight colours, arrow choices;
//   defaultChart()           ERD Builder Pro's chart for a new flowchart (a fresh copy);
//   readStored(data)         {nodes, edges} from the API's data (null or empty → the default chart);
//   savedData(nodes, edges)  what to save: React Flow's objects without interaction state
//                            (selected, dragging, resizing); every other field kept as it is;
//   newNode(shape, position, id), newEdge(connection)   objects as ERD Builder Pro makes them;
//   arrowOf(edge) / withArrow(edge, arrow), isDashed(edge) / withDash(edge, dashed),
//   withLabel(edge, text)    edge properties as ERD Builder Pro stores them;
//   describe(a, b)           lines saying what changed between two saved data values.

export const SHAPES = {
  rectangle: 'Rectangle (Process)', oval: 'Oval (Start/End)', diamond: 'Diamond (Decision)',
  parallelogram: 'Parallelogram (Input/Output)', database: 'Cylinder (Database)', document: 'Document',
  cloud: 'Cloud (External System)', circle: 'Circle (Connector)',
};
export const SHORT = { rectangle: 'Process', oval: 'Start/End', diamond: 'Decision', parallelogram: 'Input/Output',
  database: 'Database', document: 'Document', cloud: 'External', circle: 'Connector' };
export const COLORS = ['#6366f1', '#8b5cf6', '#ef4444', '#eab308', '#22c55e', '#a855f7', '#ec4899', '#0ea5e9'];
export const COLOR_NAMES = ['Indigo', 'Violet', 'Red', 'Yellow', 'Green', 'Purple', 'Pink', 'Sky'];
export const ARROWS = { end: 'Arrow at end', start: 'Arrow at start', both: 'Arrows at both ends', none: 'No arrows' };
export const EDGE_GREY = '#b1b1b7';
const DASH = '5,5';

const marker = (color = EDGE_GREY) => ({ type: 'arrowclosed', color });
const edge = (id, source, target, sourceHandle, targetHandle, extra = {}) => ({
  id, source, target, sourceHandle, targetHandle, ...extra, markerEnd: marker(), style: { stroke: EDGE_GREY },
});
const node = (id, label, shape, color, x, y) => ({ id, type: 'custom', data: { label, shape, color }, position: { x, y } });
const yesNo = (label) => ({ label, labelBgStyle: { fill: '#1e1e24' }, labelStyle: { fill: '#fff' } });

export function defaultChart() {
  return {
    nodes: [
      node('1', 'Start Setup', 'oval', '#6366f1', 250, 50),
      node('2', 'Initialize App', 'rectangle', '#8b5cf6', 250, 200),
      node('3', 'Database Connected?', 'diamond', '#eab308', 250, 350),
      node('4', 'Fetch Data', 'parallelogram', '#8b5cf6', 100, 550),
      node('5', 'Show Error', 'rectangle', '#ef4444', 400, 550),
      node('6', 'End', 'oval', '#6366f1', 250, 750),
    ],
    edges: [
      edge('e1-2', '1', '2', 'bottom', 'top', { animated: false }),
      edge('e2-3', '2', '3', 'bottom', 'top'),
      edge('e3-4', '3', '4', 'left', 'top', yesNo('Yes')),
      edge('e3-5', '3', '5', 'right', 'top', yesNo('No')),
      edge('e4-6', '4', '6', 'bottom', 'left', { animated: false }),
      edge('e5-6', '5', '6', 'bottom', 'right', { animated: false }),
    ],
  };
}

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

export function readStored(data) {
  const nodes = isObject(data) && Array.isArray(data.nodes) ? data.nodes.filter(isObject) : [];
  const edges = isObject(data) && Array.isArray(data.edges) ? data.edges.filter(isObject) : [];
  if (!nodes.length && !edges.length) return { ...defaultChart(), seeded: true };
  // React Flow draws every node through nodeTypes: a node of another type is shown as ours.
  return { nodes: nodes.map((n) => ({ ...n, data: isObject(n.data) ? n.data : {} })), edges, seeded: false };
}

const strip = (x, keys) => {
  const out = { ...x };
  for (const k of keys) delete out[k];
  return out;
};

export function savedData(nodes, edges) {
  return {
    nodes: nodes.map((n) => strip(n, ['selected', 'dragging', 'resizing'])),
    edges: edges.map((e) => strip(e, ['selected'])),
  };
}

export function newNode(shape, position, id) {
  return { id, type: 'custom', position, data: { label: SHORT[shape] || 'New Symbol', shape, color: '#8b5cf6' } };
}

export function newEdge(c, id) {
  return {
    id, source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null, targetHandle: c.targetHandle ?? null,
    type: 'smoothstep', style: { stroke: EDGE_GREY }, markerEnd: marker(), animated: false,
  };
}

export function arrowOf(e) {
  if (e.markerStart && e.markerEnd) return 'both';
  if (e.markerStart) return 'start';
  if (e.markerEnd) return 'end';
  return 'none';
}

export function withArrow(e, arrow) {
  const m = marker((e.style && e.style.stroke) || EDGE_GREY);
  const out = strip(e, ['markerStart', 'markerEnd']);
  if (arrow === 'start' || arrow === 'both') out.markerStart = m;
  if (arrow === 'end' || arrow === 'both') out.markerEnd = m;
  return out;
}

export const isDashed = (e) => e.animated === true || !!(e.style && e.style.strokeDasharray);

export function withDash(e, dashed) {
  const style = strip(e.style || {}, ['strokeDasharray']);
  if (dashed) style.strokeDasharray = DASH;
  return { ...e, animated: false, style };
}

export function withLabel(e, text) {
  if (!text.trim()) return strip(e, ['label', 'labelBgStyle', 'labelStyle']);
  return { ...e, label: text, labelBgStyle: e.labelBgStyle || { fill: '#1e1e24' }, labelStyle: e.labelStyle || { fill: '#fff' } };
}

const nodeName = (n) => `“${String((n.data && n.data.label) || n.id).slice(0, 40)}”`;
const edgeName = (e, nodes) => {
  const l = (id) => { const n = nodes.get(id); return n ? nodeName(n) : id; };
  return `${l(e.source)} → ${l(e.target)}${e.label ? ` (${e.label})` : ''}`;
};

export function describe(a, b) {
  const A = readStored(a); const B = readStored(b);
  const lines = [];
  const names = new Map([...A.nodes, ...B.nodes].map((n) => [n.id, n]));
  for (const [what, xs, ys, name] of [['step', A.nodes, B.nodes, nodeName], ['connection', A.edges, B.edges, (e) => edgeName(e, names)]]) {
    const before = new Map(xs.map((x) => [x.id, x]));
    const after = new Map(ys.map((y) => [y.id, y]));
    const list = (zs) => zs.slice(0, 5).map(name).join(', ') + (zs.length > 5 ? `, … (${zs.length} in all)` : '');
    const added = ys.filter((y) => !before.has(y.id));
    const removed = xs.filter((x) => !after.has(x.id));
    const changed = ys.filter((y) => before.has(y.id) && JSON.stringify(before.get(y.id)) !== JSON.stringify(y));
    if (added.length) lines.push(`Added ${what}${added.length > 1 ? 's' : ''} ${list(added)}`);
    if (changed.length) lines.push(`Changed ${what}${changed.length > 1 ? 's' : ''} ${list(changed)}`);
    if (removed.length) lines.push(`Removed ${what}${removed.length > 1 ? 's' : ''} ${list(removed)}`);
  }
  return lines;
}
