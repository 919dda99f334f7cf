// lod.js — level of detail for big diagrams. A table is first drawn as a *shell*: its box,
// coloured header and name, with the column rows' positions known (for relationship anchors)
// but no row elements; render.js upgrades a shell to the full drawing (Renderer.buildTable) only
// when it is on screen at a zoom that shows columns, so opening a 1,000-table diagram zoomed out
// builds a few thousand elements instead of tens of thousands. Zoomed far out (LOD 2) every table
// shows only a centred name label whose font grows as the zoom shrinks (the --erd-label custom
// property on the <svg>, in steps), capped per table (--cap) so a name stays about its box's width.
// Contract:
//   lodFor(zoom)               0 full, 1 no types/markers, 2 name boxes only;
//   buildShell(r, e, sig)      a shell table {g, sig, x, y, w, h, rows, shell: true} for Renderer r;
//   addLabel(r, t, e)          add the LOD-2 centred name label to table drawing t (shell or full);
//   labelPx(zoom)              the label's font size in world px at this zoom;
//   MOTION_RELS                relationships above which they are hidden while a LOD-2 view moves.

import { svgEl } from '../lib/dom.js';

export const LOD_COLUMNS = 0.3; // below this zoom: name boxes only
export const LOD_TYPES = 0.55;  // below this zoom: no types, markers or handles

export const lodFor = (zoom) => (zoom < LOD_COLUMNS ? 2 : zoom < LOD_TYPES ? 1 : 0);

/** labelPx: about 12 screen px (9 to 13), in steps of 1.5× so zooming restyles the labels
 *  (a font change lays out every label) only every few wheel steps. */
export function labelPx(zoom) {
  const step = Math.round(Math.log(11 / 14 / zoom) / Math.log(1.5));
  return Math.max(14, Math.round(14 * 1.5 ** step));
}

/** MOTION_RELS: above this many relationships, they are hidden while the view moves at LOD 2
 *  (a hairball at that zoom, and most of the painting) and shown again when it rests. */
export const MOTION_RELS = 400;

// Shells and labels are clones of prototypes (built once per renderer) with only their own
// attributes set: at 1,000 tables that is a third of the DOM work of creating each element.
let labelProto = null;

export function addLabel(r, t, e) {
  const name = e.name || ' ';
  const natural = r.measure(name, `600 14px ${r.fontSans}`) || 1;
  // the largest size at which the name is at most the box's width plus most of a layout gap (140 px,
  // layout.js / erd_layout) so neighbouring labels do not run into each other
  const cap = Math.max(14, 14 * (t.w + 120) / natural);
  labelProto ||= svgEl('text', { class: 'erd-lod-label', 'text-anchor': 'middle', 'dominant-baseline': 'central', 'aria-hidden': 'true' });
  const label = labelProto.cloneNode(false);
  label.setAttribute('x', t.w / 2);
  label.setAttribute('y', t.h / 2);
  label.style.setProperty('--cap', cap.toFixed(1));
  label.textContent = name;
  t.g.appendChild(label);
}

function shellProto(r) {
  if (r.shellProto) return r.shellProto;
  const g = svgEl('g', { class: 'erd-table is-shell', 'data-testid': 'erd-table', tabindex: '0', role: 'group', 'aria-roledescription': 'table' });
  svgEl('rect', { class: 'erd-table-box', rx: 9 }, g);
  svgEl('path', { class: 'erd-table-head' }, g);
  svgEl('text', { class: 'erd-table-name', x: 12, y: r.HEAD_H / 2 + 5 }, g);
  svgEl('rect', { class: 'erd-table-sel', x: -3, y: -3, rx: 11 }, g);
  return (r.shellProto = g);
}

export function buildShell(r, e, sig) {
  const { HEAD_H, ROW_H } = r;
  const w = r.tableWidth(e);
  const n = e.columns.length;
  const h = HEAD_H + Math.max(1, n) * ROW_H;
  const g = shellProto(r).cloneNode(true);
  g.setAttribute('data-id', e.id);
  g.setAttribute('data-name', e.name);
  g.setAttribute('aria-label', `Table ${e.name}, ${n} column${n === 1 ? '' : 's'}`);
  const [box, head, title, sel] = g.children;
  box.setAttribute('width', w); box.setAttribute('height', h);
  head.setAttribute('d', `M0 9a9 9 0 0 1 9-9h${w - 18}a9 9 0 0 1 9 9v${HEAD_H - 9}h-${w}z`);
  head.setAttribute('fill', e.color);
  title.setAttribute('fill', r.textColorFor(e.color));
  title.textContent = r.fit(e.name, w - 24, `600 14px ${r.fontSans}`);
  sel.setAttribute('width', w + 6); sel.setAttribute('height', h + 6);
  const rows = new Map(e.columns.map((c, i) => [c.id, i]));
  return { g, sig, x: NaN, y: NaN, w, h, rows, shell: true };
}
