// minimap.js — the overview in the canvas' corner: every table as a small rectangle in its
// colour and the visible area as a frame; pressing or dragging on it moves the view there (the
// zoom is kept). It is a pointer shortcut only (aria-hidden): keyboard users have Find (Ctrl+K),
// fit (F) and the arrow keys. Contract: new Minimap(ed, host) adds a <canvas> to host;
// draw() redraws at the next animation frame (call after any change of model or viewport).

import { centreOn } from '../lib/panzoom.js';

const W = 180, H = 120, PAD = 6;

export class Minimap {
  constructor(ed, host) {
    this.ed = ed;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'erd-minimap';
    this.canvas.dataset.testid = 'minimap';
    this.canvas.setAttribute('aria-hidden', 'true');
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    this.canvas.width = W * dpr; this.canvas.height = H * dpr;
    this.ctx = this.canvas.getContext('2d');
    this.ctx.scale(dpr, dpr);
    host.append(this.canvas);
    // the frame colour, read once before the diagram is drawn (a style read per paint forces a
    // style recalculation of the whole diagram in the middle of a pan or zoom)
    this.frameColor = getComputedStyle(this.canvas).color || '#111';
    this.frame = 0; this.map = null; this.dragging = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      e.preventDefault(); e.stopPropagation();
      this.dragging = this.map; // the mapping stays fixed while dragging
      this.canvas.setPointerCapture(e.pointerId);
      this.moveTo(e);
    });
    this.canvas.addEventListener('pointermove', (e) => { if (this.dragging) this.moveTo(e); });
    const end = () => { if (this.dragging) { this.dragging = null; this.ed.saveViewport(); } };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  /** moveTo: centre the view on the world point under the pointer. */
  moveTo(e) {
    const m = this.dragging;
    if (!m) return;
    const r = this.canvas.getBoundingClientRect();
    const px = (e.clientX - r.left) * W / r.width, py = (e.clientY - r.top) * H / r.height;
    const wx = (px - m.ox) / m.k, wy = (py - m.oy) / m.k;
    const size = this.ed.render.size;
    this.ed.setViewport(centreOn({ x: wx, y: wy, w: 0, h: 0 }, size.w, size.h, this.ed.doc.viewport.zoom), false);
  }

  draw() { if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.paint(); }); }

  paint() {
    const r = this.ed.render, ctx = this.ctx, v = this.ed.doc.viewport, size = r.size;
    ctx.clearRect(0, 0, W, H);
    const b = r.bounds();
    this.canvas.hidden = !b;
    if (!b) return;
    const k = Math.min((W - 2 * PAD) / Math.max(b.w, 1), (H - 2 * PAD) / Math.max(b.h, 1));
    const ox = (W - b.w * k) / 2 - b.x * k, oy = (H - b.h * k) / 2 - b.y * k;
    if (!this.dragging) this.map = { k, ox, oy };
    const m = this.dragging || this.map;
    for (const [id, t] of r.tables) {
      const e = r.ents && r.ents.get(id);
      ctx.fillStyle = (e && e.color) || '#64748b';
      ctx.fillRect(m.ox + t.x * m.k, m.oy + t.y * m.k, Math.max(1, t.w * m.k), Math.max(1, t.h * m.k));
    }
    const vx = m.ox + (-v.x / v.zoom) * m.k, vy = m.oy + (-v.y / v.zoom) * m.k;
    ctx.strokeStyle = this.frameColor;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(vx, vy, (size.w / v.zoom) * m.k, (size.h / v.zoom) * m.k);
  }
}
