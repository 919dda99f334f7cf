// interact.js — mouse, touch and keyboard on the canvas: select (click, shift-click, rubber-band),
// move tables (rAF-batched, one commit on release), draw relationships from a column handle, pan
// (background drag, space+drag, wheel), zoom (ctrl+wheel, pinch — lib/panzoom.js) and the
// editor's shortcuts.

import { PanZoom, panned } from '../lib/panzoom.js';
import * as M from './model.js';

const isTyping = (t) => t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

export class Interact {
  constructor(ed) {
    this.ed = ed;
    this.r = ed.render;
    this.svg = this.r.svg;
    this.host = this.r.host;
    this.drag = null;
    this.space = false;
    this.frame = 0;
    this.panzoom = new PanZoom({
      host: this.host, surface: this.svg, get: () => ed.doc.viewport,
      set: (v) => ed.setViewport(v, false), save: () => ed.saveViewport(),
      preview: (v) => ed.previewViewport(v), rect: () => this.r.rect(),
    });
    this.svg.addEventListener('pointerdown', (e) => this.down(e));
    this.svg.addEventListener('pointermove', (e) => this.move(e));
    this.svg.addEventListener('pointerup', (e) => this.up(e));
    this.svg.addEventListener('pointercancel', (e) => this.up(e, true));
    this.svg.addEventListener('dblclick', (e) => this.dblclick(e));
    this.svg.addEventListener('focusin', (e) => {
      const t = e.target.closest && e.target.closest('.erd-table');
      if (t && !this.drag && !ed.sel.ents.has(t.dataset.id)) ed.select([t.dataset.id]);
    });
    document.addEventListener('keydown', (e) => this.key(e));
    document.addEventListener('keyup', (e) => { if (e.code === 'Space') { this.space = false; this.host.classList.remove('is-panning-ready'); } });
    window.addEventListener('blur', () => { this.space = false; });
  }

  world(e) {
    const b = this.r.rect(), v = this.ed.doc.viewport;
    return { x: (e.clientX - b.left - v.x) / v.zoom, y: (e.clientY - b.top - v.y) / v.zoom, sx: e.clientX - b.left, sy: e.clientY - b.top };
  }

  down(e) {
    if (this.panzoom.pointerDown(e)) { this.cancelDrag(); return; }
    this.r.settle(); // a zoom gesture's preview ends with any other gesture
    const p = this.world(e);
    const tableEl = e.target.closest('.erd-table');
    if (e.button === 1 || (e.button === 0 && this.space)) return this.begin(e, { kind: 'pan', sx: e.clientX, sy: e.clientY, vp: { ...this.ed.doc.viewport } });
    if (e.button !== 0) return;
    const handle = e.target.closest('.erd-handle');
    if (handle && tableEl) {
      const row = handle.closest('.erd-col');
      return this.begin(e, { kind: 'link', from: tableEl.dataset.id, col: row.dataset.col, start: p });
    }
    if (tableEl) {
      const id = tableEl.dataset.id;
      const sel = this.ed.sel;
      if (e.shiftKey || e.metaKey || e.ctrlKey) {
        const next = new Set(sel.ents);
        if (next.has(id)) next.delete(id); else next.add(id);
        this.ed.select([...next]);
        if (!next.has(id)) return;
      } else if (!sel.ents.has(id)) this.ed.select([id]);
      tableEl.focus({ preventScroll: true });
      const ids = [...this.ed.sel.ents];
      const orig = new Map(ids.map((i) => { const t = this.r.tables.get(i); return [i, { x: t.x, y: t.y }]; }));
      return this.begin(e, { kind: 'move', start: p, ids, orig, dx: 0, dy: 0 });
    }
    const relEl = e.target.closest('.erd-rel');
    if (relEl) { this.ed.selectRel(relEl.dataset.id); e.preventDefault(); return; }
    if (e.shiftKey) return this.begin(e, { kind: 'rubber', start: p, base: new Set(this.ed.sel.ents) });
    this.begin(e, { kind: 'pan', sx: e.clientX, sy: e.clientY, vp: { ...this.ed.doc.viewport }, clear: true });
  }

  begin(e, drag) {
    e.preventDefault();
    this.drag = { ...drag, pointer: e.pointerId, moved: false, last: e };
    this.svg.setPointerCapture(e.pointerId);
    this.host.classList.add(`is-${drag.kind}`);
    if (!this.host.contains(document.activeElement)) this.host.focus({ preventScroll: true });
  }

  move(e) {
    if (this.panzoom.pointerMove(e)) return;
    const d = this.drag;
    if (!d || e.pointerId !== d.pointer) return;
    d.last = e;
    if (!d.moved && Math.hypot(e.clientX - (d.sx ?? e.clientX), e.clientY - (d.sy ?? e.clientY)) < 3 && d.kind === 'pan') return;
    d.moved = true;
    this.schedule();
  }

  schedule() { if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.apply(); }); }

  /** apply: the per-frame update for the current gesture (only what changed is touched). */
  apply() {
    const d = this.drag;
    if (!d) return;
    const p = this.world(d.last);
    if (d.kind === 'pan') {
      this.ed.previewViewport(panned(d.vp, d.last.clientX - d.sx, d.last.clientY - d.sy), true);
    } else if (d.kind === 'move') {
      d.dx = Math.round(p.x - d.start.x); d.dy = Math.round(p.y - d.start.y);
      for (const id of d.ids) { const o = d.orig.get(id); this.r.moveTable(id, o.x + d.dx, o.y + d.dy); }
      this.r.updateRels(d.ids);
    } else if (d.kind === 'link') {
      const t = this.r.tables.get(d.from);
      const y = this.r.anchor(t, d.col), x = t.x + t.w;
      this.r.preview.setAttribute('d', `M${x} ${y}C${x + 60} ${y} ${p.x - 60} ${p.y} ${p.x} ${p.y}`);
      const target = this.dropTarget(d.last);
      if (this.hover !== target) { this.hover?.classList.remove('is-drop'); this.hover = target; target?.classList.add('is-drop'); }
    } else if (d.kind === 'rubber') {
      const x = Math.min(p.x, d.start.x), y = Math.min(p.y, d.start.y), w = Math.abs(p.x - d.start.x), h = Math.abs(p.y - d.start.y);
      const v = this.ed.doc.viewport;
      Object.entries({ x: x * v.zoom + v.x, y: y * v.zoom + v.y, width: w * v.zoom, height: h * v.zoom, visibility: 'visible' })
        .forEach(([k, val]) => this.r.rubber.setAttribute(k, val));
      d.rect = { x, y, w, h };
    }
  }

  dropTarget(e, d = this.drag) {
    const el = document.elementFromPoint(e.clientX, e.clientY);
    const row = el && el.closest && el.closest('.erd-col');
    if (!row) return null;
    const tid = row.closest('.erd-table').dataset.id;
    if (tid === d.from && row.dataset.col === d.col) return null;
    return row;
  }

  /** tableAt: the id of the table under the pointer (its header or body), or null. */
  tableAt(e) {
    const el = document.elementFromPoint(e.clientX, e.clientY);
    const t = el && el.closest && el.closest('.erd-table');
    return t ? t.dataset.id : null;
  }

  up(e, cancelled = false) {
    if (this.panzoom.pointerUp(e)) return;
    const d = this.drag;
    if (!d || e.pointerId !== d.pointer) return;
    d.last = e;
    if (this.frame) { cancelAnimationFrame(this.frame); this.frame = 0; if (d.moved) this.apply(); }
    this.drag = null;
    this.host.classList.remove(`is-${d.kind}`);
    if (cancelled) return this.cancelDrag(d);
    if (d.kind === 'pan') {
      if (d.moved) { this.r.settle(); this.ed.saveViewport(); }
      else if (d.clear) this.ed.select([]);
    } else if (d.kind === 'move') {
      if (d.moved && (d.dx || d.dy)) {
        this.ed.commit('move', (doc) => {
          for (const ent of doc.entities) if (d.orig.has(ent.id)) { const o = d.orig.get(ent.id); ent.x = o.x + d.dx; ent.y = o.y + d.dy; }
        });
        this.ed.announce(`Moved ${d.ids.length === 1 ? 'table' : d.ids.length + ' tables'}`);
      }
    } else if (d.kind === 'link') {
      this.r.preview.setAttribute('d', '');
      this.hover?.classList.remove('is-drop'); this.hover = null;
      const row = this.dropTarget(e, d);
      const onTable = !row && this.tableAt(e);
      if (onTable && onTable !== d.from) this.ed.panel.offerForeignKey(onTable, d.from, d.col);
      if (row) {
        const to = row.closest('.erd-table').dataset.id, col = row.dataset.col;
        let rel;
        this.ed.commit(null, (doc) => { rel = M.addRelationship(doc, d.from, d.col, to, col); });
        this.ed.selectRel(rel.id);
        this.ed.announce('Relationship created (one-to-many)');
      }
    } else if (d.kind === 'rubber') {
      this.r.rubber.setAttribute('visibility', 'hidden');
      if (d.rect) {
        const hit = new Set(d.base);
        for (const [id, t] of this.r.tables) {
          if (t.x < d.rect.x + d.rect.w && t.x + t.w > d.rect.x && t.y < d.rect.y + d.rect.h && t.y + t.h > d.rect.y) hit.add(id);
        }
        this.ed.select([...hit]);
      }
    }
  }

  cancelDrag(d = this.drag) {
    if (!d) return;
    this.drag = null;
    if (d.kind === 'move') { for (const [id, o] of d.orig) this.r.moveTable(id, o.x, o.y); this.r.updateRels(d.ids); }
    if (d.kind === 'link') this.r.preview.setAttribute('d', '');
    if (d.kind === 'rubber') this.r.rubber.setAttribute('visibility', 'hidden');
    if (d.kind === 'pan') this.ed.setViewport(d.vp, false);
    this.host.classList.remove(`is-${d.kind}`);
  }

  dblclick(e) {
    const t = e.target.closest('.erd-table');
    if (t) { this.ed.select([t.dataset.id]); this.ed.panel.focusName(); return; }
    if (!e.target.closest('.erd-rel')) { const p = this.world(e); this.ed.addTable(p.x, p.y); }
  }

  key(e) {
    const ed = this.ed;
    if (document.querySelector('dialog[open]')) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (isTyping(e.target)) {
      if (e.key === 'Escape' && ed.panel.el.contains(e.target)) { e.target.blur(); this.host.focus({ preventScroll: true }); }
      return;
    }
    const inCanvas = this.host.contains(e.target) || e.target === document.body || e.target === document.documentElement;
    if (mod && k === 'z') { e.preventDefault(); if (e.shiftKey) ed.redo(); else ed.undo(); return; }
    if (mod && k === 'y') { e.preventDefault(); ed.redo(); return; }
    if (mod && k === 'k') { e.preventDefault(); ed.dialogs.openSearch(); return; }
    // On a link or button outside the canvas, Enter, Space and arrows belong to it; other
    // single-key shortcuts still reach the editor.
    if (e.target.closest && e.target.closest('a, button, summary, details') && !this.host.contains(e.target)) {
      if (e.key === 'Enter' || e.key === ' ' || e.key.startsWith('Arrow') || e.key === 'Tab') return;
    }
    if (e.key === '?') { e.preventDefault(); ed.dialogs.openHelp(); return; }
    if (e.key === '/') { e.preventDefault(); ed.dialogs.openSearch(); return; }
    if (mod && k === 'c' && ed.sel.ents.size) { e.preventDefault(); ed.copy(); return; }
    if (mod && k === 'x' && ed.sel.ents.size) { e.preventDefault(); ed.copy(); ed.deleteSelection(); return; }
    if (mod && k === 'v') { e.preventDefault(); ed.paste(); return; }
    if (mod && k === 'd') { e.preventDefault(); ed.duplicate(); return; }
    if (mod && k === 'a' && inCanvas) { e.preventDefault(); ed.select(ed.doc.entities.map((x) => x.id)); return; }
    if (mod || e.altKey) return;
    if (e.code === 'Space' && inCanvas) { e.preventDefault(); this.space = true; this.host.classList.add('is-panning-ready'); return; }
    if ((e.key === 'Delete' || e.key === 'Backspace') && (inCanvas || ed.sel.ents.size || ed.sel.rel)) { e.preventDefault(); ed.deleteSelection(); return; }
    if (e.key === 'Escape') { this.cancelDrag(); ed.select([]); return; }
    if (k === 'n' || k === 't') { e.preventDefault(); ed.addTable(); return; }
    if (k === '+' || k === '=') { e.preventDefault(); ed.zoomBy(1.2); return; }
    if (k === '-' || k === '_') { e.preventDefault(); ed.zoomBy(1 / 1.2); return; }
    if (k === '0') { e.preventDefault(); ed.zoomBy(1 / ed.doc.viewport.zoom); return; }
    if (k === 'f' && !e.shiftKey) { e.preventDefault(); ed.fit(); return; }
    if (k === 'l' && e.shiftKey) { e.preventDefault(); ed.autoLayout(); return; }
    if (k === 'enter' && ed.sel.ents.size === 1) { e.preventDefault(); ed.panel.focusName(); return; }
    const arrows = { arrowleft: [-1, 0], arrowright: [1, 0], arrowup: [0, -1], arrowdown: [0, 1] };
    if (arrows[k] && inCanvas) {
      e.preventDefault();
      const [x, y] = arrows[k], step = e.shiftKey ? 1 : 10;
      if (ed.sel.ents.size) {
        ed.commit('arrow-move', (doc) => { for (const ent of doc.entities) if (ed.sel.ents.has(ent.id)) { ent.x += x * step; ent.y += y * step; } });
      } else {
        const v = ed.doc.viewport;
        ed.setViewport({ ...v, x: v.x - x * 40, y: v.y - y * 40 });
      }
    }
  }
}
