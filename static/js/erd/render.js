// render.js — draws the model as one interactive SVG: table groups (coloured header, column rows
// with the server drawing's PK/U/FK markers, type, nullable marker and a relationship handle) and
// relationship paths with crow's-foot ends. sync() is a keyed diff (only changed tables are rebuilt); moveTable() and
// updateRels() are the cheap per-frame updates used while dragging. Box geometry (header and row
// heights, width limits) is the server drawing's (fcgi/erd_geometry.h), read by main.js from the
// page, so a table has the same size in the editor as in the server-drawn SVG and exports.

import { svgEl } from '../lib/dom.js';
import { duplicateNames, fkColumns } from './model.js';
import { lodFor, labelPx, buildShell, addLabel, MOTION_RELS } from './lod.js';

const PAD = 12;
const PLAIN = /^[\x20-\x7e]*$/; // see measure
const LABEL_DEFER_TABLES = 150, LABEL_REST = 150; // see labelSize
const PREVIEW_REST = 120; // ms without a zoom step before the view is redrawn (see previewViewport)
// px drawn beyond each edge of the canvas (the <svg> overflows its box, erd.css): a pan moves
// the drawing already painted by a CSS transform (previewViewport) and redraws only once it
// went this far, so a pan frame is composited, not repainted
const PAN_MARGIN = 400;

/** geometryFrom: {headH, rowH, minW, maxW} from the editor root's data-box-* attributes. */
export function geometryFrom(el) {
  const d = el.dataset;
  const g = { headH: +d.boxHeaderH, rowH: +d.boxRowH, minW: +d.boxMinW, maxW: +d.boxMaxW };
  for (const k in g) if (!(g[k] > 0)) throw new Error(`editor page lacks the box geometry (${k})`);
  return g;
}

function textColorFor(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || '');
  if (!m) return '#fff';
  const n = parseInt(m[1], 16), r = n >> 16, g = (n >> 8) & 255, b = n & 255;
  return (0.299 * r + 0.587 * g + 0.114 * b) > 160 ? '#111318' : '#ffffff';
}

export class Renderer {
  constructor(host, ed, geometry) {
    this.ed = ed; this.host = host;
    ({ headH: this.HEAD_H, rowH: this.ROW_H, minW: this.MIN_W, maxW: this.MAX_W } = geometry);
    host.textContent = '';
    // The <svg> is no Tab stop of its own (Chromium makes it one): the canvas host and the tables are.
    this.svg = svgEl('svg', { class: 'erd-svg', 'data-testid': 'erd-svg', width: '100%', height: '100%', role: 'group', 'aria-label': 'Tables', tabindex: '-1' }, host);
    this.vp = svgEl('g', { class: 'erd-viewport' }, this.svg);
    this.relLayer = svgEl('g', { class: 'erd-rels' }, this.vp);
    this.tableLayer = svgEl('g', { class: 'erd-tables' }, this.vp);
    this.preview = svgEl('path', { class: 'erd-link-preview', d: '' }, this.vp);
    this.rubber = svgEl('rect', { class: 'erd-rubber', x: 0, y: 0, width: 0, height: 0, visibility: 'hidden' }, this.svg);
    this.tables = new Map(); // id -> {g, sig, x, y, w, h, rows: Map(colId -> index)}
    this.rels = new Map();   // id -> {g, line, hit, label, d, lx, ly, text}
    this.relsOf = new Map(); // entity id -> Set(rel id)
    const cs = getComputedStyle(host);
    this.fontSans = cs.getPropertyValue('--font').trim() || 'system-ui, sans-serif';
    this.fontMono = cs.getPropertyValue('--mono').trim() || 'monospace';
    this.ctxs = new Map(); // font -> a 2D context set to it (setting a context's font parses it: costly per call)
    this.textColorFor = textColorFor;
    this.lod = 0;
    this.widthCache = new Map();
    // Host size cached (read before the SVG fills up) so culling never forces a layout.
    this.size = { w: host.clientWidth || window.innerWidth, h: host.clientHeight || window.innerHeight };
    if (window.ResizeObserver) new ResizeObserver(([en]) => { this.size = { w: en.contentRect.width, h: en.contentRect.height }; this.cull(); }).observe(host);
    // Tooltips are created on first hover (thousands of <title> elements would slow big diagrams).
    this.svg.addEventListener('pointerover', (e) => {
      const n = e.target.closest && e.target.closest('[data-tip]');
      if (n && !n.querySelector(':scope > title')) svgEl('title', null, n).textContent = n.dataset.tip;
    });
  }

  measure(text, font) {
    const k = font + '\u0000' + text;
    let w = this.widthCache.get(k);
    if (w === undefined) {
      let ctx = this.ctxs.get(font);
      if (!ctx) { ctx = document.createElement('canvas').getContext('2d'); ctx.font = font; ctx.fontKerning = 'none'; ctx.chars = new Map(); this.ctxs.set(font, ctx); }
      if (PLAIN.test(text)) {
        // Printable ASCII (names as a diagram usually has them): the sum of the characters'
        // advances, each measured once per font; shaping each new string costs 50–150 µs,
        // most of the start-up of a 1,000-table diagram. (Kerning is off for both ways.)
        w = 0;
        for (let i = 0; i < text.length; i++) {
          const ch = text[i];
          let cw = ctx.chars.get(ch);
          if (cw === undefined) ctx.chars.set(ch, (cw = ctx.measureText(ch).width));
          w += cw;
        }
      } else w = ctx.measureText(text).width;
      if (this.widthCache.size > 20000) this.widthCache.clear();
      this.widthCache.set(k, w);
    }
    return w;
  }

  tableWidth(e) {
    const pre = this.preW ? this.preW.get(e.id) : undefined;
    if (pre !== undefined) return pre;
    let w = this.measure(e.name || ' ', `600 14px ${this.fontSans}`) + 2 * PAD + 12;
    for (const c of e.columns) {
      w = Math.max(w, 34 + this.measure(c.name, `13px ${this.fontSans}`) + 24 + this.measure(c.type, `12px ${this.fontMono}`) + 34);
    }
    return Math.min(this.MAX_W, Math.max(this.MIN_W, Math.ceil(w / 10) * 10));
  }

  /** rect: the <svg>'s box on the page as laid out (a preview's CSS transform aside). */
  rect() { return this.gesture ? this.gesture.rect : this.svg.getBoundingClientRect(); }

  /** previewViewport: show viewport v during a zoom or pan gesture without redrawing: the <svg> (its own
   *  composited layer, erd.css) is scaled and moved by a CSS transform from the viewport last
   *  drawn to v, which the compositor applies; no culling, level of detail, label or
   *  background change until the gesture has rested PREVIEW_REST ms (settle; held: a pan with
   *  the pointer down, settled when it is released). A zoom step on
   *  a big diagram otherwise restyles, lays out and repaints every visible table. */
  previewViewport(v, held = false) {
    const s = this.shown;
    const k = s ? v.zoom / s.zoom : 0;
    if (!s || (k === 1 && (Math.abs(v.x - s.x) > PAN_MARGIN || Math.abs(v.y - s.y) > PAN_MARGIN))) {
      this.setViewport(v); // a pan past the margin drawn: draw it here (and the next margin)
      return;
    }
    if (!this.gesture) this.gesture = { rect: this.svg.getBoundingClientRect() };
    this.svg.style.transform = `translate(${v.x - s.x * k}px, ${v.y - s.y * k}px) scale(${k})`;
    clearTimeout(this.settleTimer);
    if (!held) this.settleTimer = setTimeout(() => this.settle(), PREVIEW_REST);
  }

  /** settle: end a zoom preview: draw the viewport the editor now has. */
  settle() {
    if (this.gesture) this.setViewport(this.ed.doc.viewport, true);
  }

  setViewport(v, settled = false) {
    if (this.gesture) { clearTimeout(this.settleTimer); this.gesture = null; this.svg.style.transform = ''; }
    this.shown = { x: v.x, y: v.y, zoom: v.zoom };
    this.vp.setAttribute('transform', `translate(${v.x} ${v.y}) scale(${v.zoom})`);
    const lod = lodFor(v.zoom);
    if (lod !== this.lod) {
      this.lod = lod;
      this.svg.classList.toggle('erd-lod-1', lod >= 1);
      this.svg.classList.toggle('erd-lod-2', lod >= 2);
    }
    this.labelSize(lod >= 2 ? labelPx(v.zoom) : 14, settled);
    this.motion(!settled && lod >= 2 && this.rels.size > MOTION_RELS);
    this.cull();
    let g = 20 * v.zoom;
    while (g < 10) g *= 5;
    this.svg.style.backgroundSize = `${g}px ${g}px`; // the grid is the <svg>'s background: a
    this.svg.style.backgroundPosition = `${v.x}px ${v.y}px`; // pan preview moves it along
  }

  /** labelSize: set the LOD-2 labels' font size (--erd-label). A change lays out every label
   *  (the largest cost of a zoom step at LOD 2), so on a big diagram it waits until the view has
   *  rested for LABEL_REST ms: while a zoom moves, the labels scale with the view. */
  labelSize(px, now = false) {
    clearTimeout(this.labelTimer);
    if (px === this.labelPx) return;
    const set = () => { this.labelPx = px; this.svg.style.setProperty('--erd-label', px); };
    if (now || this.labelPx === undefined || this.tables.size <= LABEL_DEFER_TABLES) set();
    else this.labelTimer = setTimeout(set, LABEL_REST);
  }

  /** motion: while the view moves (on), hide the relationship layer; shown 200 ms after the
   *  last move, or at once when off. */
  motion(on) {
    clearTimeout(this.motionTimer);
    if (on) {
      if (!this.moving) { this.moving = true; this.relLayer.style.display = 'none'; }
      this.motionTimer = setTimeout(() => this.motion(false), 200);
    } else if (this.moving) { this.moving = false; this.relLayer.style.display = ''; }
  }

  /** sync: bring the SVG in line with the document, touching only what changed. */
  sync() {
    const doc = this.ed.doc;
    this.computeView();
    this.ents = new Map(doc.entities.map((e) => [e.id, e]));
    this.fk = fkColumns(doc);
    const seen = new Set();
    let prev = null;
    for (const e of doc.entities) {
      seen.add(e.id);
      const sig = JSON.stringify([e.name, e.color, e.comment, e.columns, e.columns.map((c) => this.fk.has(c.id))]);
      let t = this.tables.get(e.id);
      if (!t || t.sig !== sig) {
        const nt = this.build(e, sig);
        if (t) t.g.replaceWith(nt.g); else this.tableLayer.appendChild(nt.g);
        this.tables.set(e.id, nt);
        t = nt;
      }
      if (t.x !== e.x || t.y !== e.y) this.moveTable(e.id, e.x, e.y);
      // Keep document order = paint order (later tables on top).
      if (prev ? prev.nextSibling !== t.g : this.tableLayer.firstChild !== t.g) {
        if (prev) prev.after(t.g); else this.tableLayer.prepend(t.g);
      }
      prev = t.g;
    }
    for (const [id, t] of this.tables) if (!seen.has(id)) { t.g.remove(); this.tables.delete(id); }
    this.markDuplicates(doc);
    this.relsOf.clear();
    this.relIndex = new Map(doc.relationships.map((r) => [r.id, r]));
    const rseen = new Set();
    for (const r of doc.relationships) {
      rseen.add(r.id);
      for (const eid of [r.source_entity_id, r.target_entity_id]) {
        let s = this.relsOf.get(eid);
        if (!s) this.relsOf.set(eid, (s = new Set()));
        s.add(r.id);
      }
      let v = this.rels.get(r.id);
      if (!v) { v = this.buildRel(r); this.rels.set(r.id, v); this.relLayer.appendChild(v.g); }
      this.drawRel(r, v);
    }
    for (const [id, v] of this.rels) if (!rseen.has(id)) { v.g.remove(); this.rels.delete(id); }
    this.preBoxes = this.preW = null;
    this.cull();
    this.upgradeVisible();
    this.updateSelection();
  }

  /** markDuplicates: flag (class is-duplicate, aria-invalid) tables whose name another table
   *  also has; DDL export refuses such a diagram. */
  markDuplicates(doc) {
    const dups = duplicateNames(doc);
    for (const e of doc.entities) {
      const t = this.tables.get(e.id), dup = dups.has((e.name || '').toLowerCase());
      if (t && t.dup !== dup) {
        t.dup = dup;
        t.g.classList.toggle('is-duplicate', dup);
        if (dup) t.g.setAttribute('aria-invalid', 'true'); else t.g.removeAttribute('aria-invalid');
      }
    }
  }

  /** build: the drawing of table e — a shell (lod.js) unless it is on screen at a zoom that shows columns. */
  build(e, sig) {
    let t;
    if (this.lod >= 2) t = buildShell(this, e, sig);
    else {
      const w = this.tableWidth(e), h = this.HEAD_H + Math.max(1, e.columns.length) * this.ROW_H, v = this.view;
      const vis = !v || (e.x < v.x2 && e.x + w > v.x1 && e.y < v.y2 && e.y + h > v.y1);
      t = vis ? this.buildTable(e, sig) : buildShell(this, e, sig);
    }
    addLabel(this, t, e);
    return t;
  }

  /** upgradeVisible: replace the shells now on screen by full drawings (when columns show). */
  upgradeVisible(max = Infinity) {
    if (this.lod >= 2 || !this.ents) return false;
    let n = 0, more = false;
    for (const [id, t] of this.tables) {
      if (!t.shell || !t.vis) continue;
      if (n >= max) { more = true; break; }
      const e = this.ents.get(id);
      if (!e) continue;
      const full = this.buildTable(e, t.sig);
      addLabel(this, full, e);
      full.x = t.x; full.y = t.y; full.vis = true;
      full.g.setAttribute('transform', `translate(${t.x} ${t.y})`);
      const focused = t.g.contains(document.activeElement);
      t.g.replaceWith(full.g);
      this.tables.set(id, full);
      if (focused) full.g.focus({ preventScroll: true });
      n++;
    }
    if (n) { this.markDuplicates(this.ed.doc); this.updateSelection(); }
    return more;
  }

  buildTable(e, sig) {
    const { HEAD_H, ROW_H } = this;
    const w = this.tableWidth(e);
    const n = e.columns.length;
    const h = HEAD_H + Math.max(1, n) * ROW_H;
    const g = svgEl('g', {
      class: 'erd-table', 'data-id': e.id, 'data-name': e.name, 'data-testid': 'erd-table', tabindex: '0',
      role: 'group', 'aria-roledescription': 'table', 'aria-label': `Table ${e.name}, ${n} column${n === 1 ? '' : 's'}`,
    });
    svgEl('rect', { class: 'erd-table-shadow', x: 1, y: 2, width: w, height: h, rx: 9 }, g);
    svgEl('rect', { class: 'erd-table-box', width: w, height: h, rx: 9 }, g);
    svgEl('path', { class: 'erd-table-head', d: `M0 9a9 9 0 0 1 9-9h${w - 18}a9 9 0 0 1 9 9v${HEAD_H - 9}h-${w}z`, fill: e.color }, g);
    const title = svgEl('text', { class: 'erd-table-name', x: PAD, y: HEAD_H / 2 + 5, fill: textColorFor(e.color) }, g);
    title.textContent = this.fit(e.name, w - 2 * PAD, `600 14px ${this.fontSans}`);
    if (e.comment) svgEl('title', null, g).textContent = e.comment;
    const rows = new Map();
    e.columns.forEach((c, i) => {
      rows.set(c.id, i);
      const y = HEAD_H + i * ROW_H;
      const row = svgEl('g', {
        class: 'erd-col' + (c.is_pk ? ' is-pk' : ''), 'data-col': c.id, 'data-name': c.name, 'data-testid': 'erd-column',
        transform: `translate(0 ${y})`,
      }, g);
      svgEl('rect', { class: 'erd-col-bg', x: 1, y: 1, width: w - 2, height: ROW_H - 1 }, row);
      // The server drawing's markers (svg_erd.c column_row): PK or U, then FK; name at 42.
      const fk = this.fk && this.fk.has(c.id);
      if (c.is_pk) svgEl('text', { class: 'erd-pk', x: 6, y: 18, 'data-tip': 'Primary key' }, row).textContent = 'PK';
      else if (c.is_unique) svgEl('text', { class: 'erd-uq', x: 6, y: 18, 'data-tip': 'Unique' }, row).textContent = 'U';
      if (fk) svgEl('text', { class: 'erd-fk', x: c.is_pk || c.is_unique ? 22 : 6, y: 18, 'data-tip': 'Foreign key' }, row).textContent = 'FK';
      const name = svgEl('text', { class: 'erd-col-name', x: 42, y: ROW_H / 2 + 4.5 }, row);
      name.textContent = this.fit(c.name, w * 0.55, `13px ${this.fontSans}`);
      // the type whole unless the box (at its maximum width) leaves too little room
      const nameW = Math.min(this.measure(name.textContent, `13px ${this.fontSans}`), w * 0.55);
      const type = svgEl('text', { class: 'erd-col-type', x: w - 26, y: ROW_H / 2 + 4, 'text-anchor': 'end' }, row);
      type.textContent = this.fit(c.type, w - 26 - 42 - nameW - 16, `12px ${this.fontMono}`);
      if (c.is_nullable) {
        svgEl('text', { class: 'erd-null', x: w - 18, y: ROW_H / 2 + 4, 'data-tip': 'Nullable' }, row).textContent = '?';
      }
      svgEl('circle', { class: 'erd-handle', 'data-testid': 'erd-col-handle', cx: w, cy: ROW_H / 2, r: 5.5, 'data-tip': `Drag from a foreign-key column to the column it references: ${e.name} (this table) holds the key, the “many” side; the table you drop on is the referenced one, the “one” side (one-to-many).` }, row);
    });
    if (!n) {
      const t = svgEl('text', { class: 'erd-empty', x: PAD, y: HEAD_H + ROW_H / 2 + 4 }, g);
      t.textContent = 'No columns';
    }
    svgEl('rect', { class: 'erd-table-sel', x: -3, y: -3, width: w + 6, height: h + 6, rx: 11 }, g);
    return { g, sig, x: NaN, y: NaN, w, h, rows };
  }

  fit(text, max, font) {
    if (this.measure(text, font) <= max) return text;
    let s = text;
    while (s.length > 1 && this.measure(s + '…', font) > max) s = s.slice(0, -1);
    return s + '…';
  }

  moveTable(id, x, y) {
    const t = this.tables.get(id);
    if (!t) return;
    t.x = x; t.y = y;
    t.g.setAttribute('transform', `translate(${x} ${y})`);
    if (this.view) this.cullOne(t, this.view);
  }

  /** cull: hide (display:none) tables and relationships outside the visible area, so painting
   *  cost follows what is on screen rather than the size of the diagram. */
  computeView() {
    const v = this.ed.doc.viewport, W = this.size.w || 2000, H = this.size.h || 2000;
    const m = (60 + PAN_MARGIN) / v.zoom;
    this.view = { x1: -v.x / v.zoom - m, y1: -v.y / v.zoom - m, x2: (W - v.x) / v.zoom + m, y2: (H - v.y) / v.zoom + m };
  }

  cull() {
    this.computeView();
    for (const t of this.tables.values()) this.cullOne(t, this.view);
    for (const r of this.rels.values()) this.cullOne(r, this.view);
    this.scheduleUpgrade();
  }

  /** scheduleUpgrade: draw the visible shells in full once the view has been still for a moment
   *  (never in the middle of a pan or zoom), a batch per animation frame. */
  scheduleUpgrade() {
    clearTimeout(this.upgradeTimer);
    if (this.lod >= 2) return;
    this.upgradeTimer = setTimeout(() => {
      const step = () => { if (this.upgradeVisible(40)) this.upgradeTimer = requestAnimationFrame(step); };
      step();
    }, 120);
  }

  cullOne(t, w) {
    const vis = t.x < w.x2 && t.x + t.w > w.x1 && t.y < w.y2 && t.y + t.h > w.y1;
    if (vis !== t.vis) { t.vis = vis; t.g.style.display = vis ? '' : 'none'; }
  }

  /** anchor: y of a column row's centre (header centre when no column). */
  anchor(t, colId) {
    const { HEAD_H, ROW_H } = this;
    const i = colId != null ? t.rows.get(colId) : undefined;
    return t.y + (i === undefined ? HEAD_H / 2 : HEAD_H + i * ROW_H + ROW_H / 2);
  }

  buildRel(r) {
    if (!this.relProto) {
      this.relProto = svgEl('g', { class: 'erd-rel', 'data-testid': 'erd-relationship' });
      for (const a of [{ class: 'erd-rel-hit' }, { class: 'erd-rel-line' }]) svgEl('path', a, this.relProto);
    }
    const g = this.relProto.cloneNode(true); // a clone: cheaper than building each element
    g.setAttribute('data-id', r.id);
    const [hit, line] = g.children;
    // the label's <text> only once the relationship has a label (most have none)
    return { g, hit, line, label: null, lx: 0, ly: 0, d: '', text: '', type: null, x: 0, y: 0, w: 0, h: 0 };
  }

  drawRel(r, v) {
    const a = this.tables.get(r.source_entity_id), b = this.tables.get(r.target_entity_id);
    if (!a || !b) return;
    const sy = this.anchor(a, r.source_column_id), ty = this.anchor(b, r.target_column_id);
    let sx, sd, tx, td;
    if (a !== b && b.x > a.x + a.w + 24) { sx = a.x + a.w; sd = 1; tx = b.x; td = -1; }
    else if (a !== b && a.x > b.x + b.w + 24) { sx = a.x; sd = -1; tx = b.x + b.w; td = 1; }
    else if (a !== b && a.x + a.w / 2 > b.x + b.w / 2) { sx = a.x; sd = -1; tx = b.x; td = -1; }
    else { sx = a.x + a.w; sd = 1; tx = b.x + b.w; td = 1; }
    const S = 16;
    const x1 = sx + sd * S, x2 = tx + td * S;
    const c = Math.max(40, Math.abs(x2 - x1) / 2);
    const c1 = x1 + sd * c, c2 = x2 + td * c;
    const many = (x, y, d) => `M${x} ${y - 7}L${x + d * 14} ${y}M${x} ${y + 7}L${x + d * 14} ${y}`;
    const one = (x, y, d) => `M${x + d * 9} ${y - 7}V${y + 7}`;
    const kind = r.type || 'one-to-many';
    // source = the table holding the foreign key: the "many" end unless one-to-one; target =
    // the referenced table: the "one" end unless many-to-many (ERD Builder Pro's direction)
    const srcEnd = kind === 'one-to-one' ? one(sx, sy, sd) : many(sx, sy, sd);
    const tgtEnd = kind === 'many-to-many' ? many(tx, ty, td) : one(tx, ty, td);
    const d = `M${sx} ${sy}H${x1}C${c1} ${sy} ${c2} ${ty} ${x2} ${ty}H${tx}${srcEnd}${tgtEnd}`;
    if (d !== v.d) {
      v.d = d;
      v.x = Math.min(sx, tx, c1, c2) - 20; v.y = Math.min(sy, ty) - 20;
      v.w = Math.max(sx, tx, c1, c2) + 20 - v.x; v.h = Math.max(sy, ty) + 20 - v.y;
      if (this.view) this.cullOne(v, this.view);
      v.line.setAttribute('d', d);
      v.hit.setAttribute('d', `M${sx} ${sy}H${x1}C${c1} ${sy} ${c2} ${ty} ${x2} ${ty}H${tx}`);
      v.lx = (x1 + 3 * c1 + 3 * c2 + x2) / 8; v.ly = (sy + ty) / 2 - 6;
      if (v.label) { v.label.setAttribute('x', v.lx); v.label.setAttribute('y', v.ly); }
    }
    const text = r.label || '';
    if (text && !v.label) v.label = svgEl('text', { class: 'erd-rel-label', 'text-anchor': 'middle', x: v.lx, y: v.ly }, v.g);
    if (text !== v.text) { v.text = text; v.label.textContent = text; }
    if (kind !== v.type) {
      v.type = kind;
      v.g.setAttribute('aria-label', `Relationship ${kind}${text ? ': ' + text : ''}`);
    }
  }

  /** updateRels: redraw the relationships touching the given tables (used while dragging). */
  updateRels(entityIds) {
    const done = new Set();
    for (const id of entityIds) {
      const s = this.relsOf.get(id);
      if (!s) continue;
      for (const rid of s) {
        if (done.has(rid)) continue;
        done.add(rid);
        const r = this.relIndex.get(rid), v = this.rels.get(rid);
        if (r && v) this.drawRel(r, v);
      }
    }
  }

  updateSelection() {
    const sel = this.ed.sel;
    for (const [id, t] of this.tables) {
      const on = sel.ents.has(id);
      if (t.selected !== on) { t.selected = on; t.g.classList.toggle('is-selected', on); t.g.setAttribute('aria-selected', on ? 'true' : 'false'); }
    }
    for (const [id, v] of this.rels) {
      const on = sel.rel === id;
      if (v.selected !== on) { v.selected = on; v.g.classList.toggle('is-selected', on); }
    }
    // only the relationships marked last time are unmarked (not every one, each time)
    const related = new Set();
    if (sel.ents.size && sel.ents.size < 50) for (const id of sel.ents) for (const rid of this.relsOf.get(id) || []) related.add(rid);
    for (const rid of this.related || []) if (!related.has(rid)) this.rels.get(rid)?.g.classList.remove('is-related');
    for (const rid of related) this.rels.get(rid)?.g.classList.add('is-related');
    this.related = related;
  }

  /** boxes: id -> {x, y, w, h} of every table as drawn or, before the first sync, as it will be
   *  drawn (from the model), so the opening viewport can be chosen before building anything. */
  boxes() {
    if (this.tables.size || !this.ed.doc.entities.length) return this.tables;
    if (this.preBoxes) return this.preBoxes;
    const m = new Map();
    for (const e of this.ed.doc.entities) m.set(e.id, { x: e.x, y: e.y, w: this.tableWidth(e), h: this.HEAD_H + Math.max(1, e.columns.length) * this.ROW_H });
    // Before the first sync (start-up: fit, anyVisible, then sync) the model cannot change:
    // keep the boxes and widths for those calls and the first build.
    if (!this.ents) { this.preBoxes = m; this.preW = new Map([...m].map(([id, b]) => [id, b.w])); }
    return m;
  }

  /** anyVisible: whether some table is inside the visible area. */
  anyVisible() {
    this.computeView();
    for (const t of this.boxes().values()) if (t.x < this.view.x2 && t.x + t.w > this.view.x1 && t.y < this.view.y2 && t.y + t.h > this.view.y1) return true;
    return false;
  }

  /** size of a table as drawn (for layout, fit, search). */
  sizeOf(id) { const t = this.tables.get(id); return t ? { w: t.w, h: t.h } : { w: this.MIN_W, h: this.HEAD_H + this.ROW_H }; }

  /** world bounding box of some tables (all when ids is empty). */
  bounds(ids) {
    let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    for (const [id, t] of this.boxes()) {
      if (ids && ids.size && !ids.has(id)) continue;
      x1 = Math.min(x1, t.x); y1 = Math.min(y1, t.y); x2 = Math.max(x2, t.x + t.w); y2 = Math.max(y2, t.y + t.h);
    }
    return x1 === Infinity ? null : { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
  }
}
