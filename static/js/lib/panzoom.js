// lib/panzoom.js — panning and zooming a canvas whose view is a viewport {x, y, zoom} (screen =
// world × zoom + (x, y)). Contract:
//   clampZoom(z)                   zoom limited to 0.02 … 3 (0.02 fits about 1,000 tables);
//   zoomAbout(v, zoom, sx, sy)     the viewport at the new (clamped) zoom that keeps the world
//                                  point under screen point (sx, sy) in place;
//   panned(v, dx, dy)              v moved by (dx, dy) screen pixels;
//   fitBox(box, w, h)              the viewport showing world box {x, y, w, h} centred in a w×h
//                                  screen with 40 px margins, at most 125 % (null: nothing to fit);
//   centreOn(box, w, h, zoom)      the viewport with box's centre in the middle of the screen.
//   new PanZoom({ host, surface, get, set, save, preview, rect })  wheel and touch gestures on
//     host/surface: get() the current viewport, set(v) shows a viewport (not saved), save()
//     persists the current one; preview(v) (default set) shows a viewport in the middle of a
//     zoom or scroll gesture (cheaply: the caller settles it when the gesture stops); rect() (default the
//     surface's client rect) the surface's box as laid out (unaffected by a preview's CSS
//     transform). Wheel: scrolls pan, ctrl/⌘+wheel (and trackpad pinch) zoom about the pointer,
//     batched once per animation frame, each frame saved. Two touch pointers pinch-zoom about
//     their midpoint (saved when a finger lifts); the caller forwards pointer events:
//     pointerDown(e) → true when it started a pinch (the caller drops its own gesture),
//     pointerMove(e) / pointerUp(e) → true when the event belonged to a pinch.

export const clampZoom = (z) => Math.min(3, Math.max(0.02, z));

export function zoomAbout(v, zoom, sx, sy) {
  zoom = clampZoom(zoom);
  const wx = (sx - v.x) / v.zoom, wy = (sy - v.y) / v.zoom;
  return { x: sx - wx * zoom, y: sy - wy * zoom, zoom };
}

export const panned = (v, dx, dy) => ({ ...v, x: v.x + dx, y: v.y + dy });

export function fitBox(box, w, h) {
  if (!box || !w) return null;
  const zoom = clampZoom(Math.min(1.25, Math.min((w - 80) / box.w, (h - 80) / box.h)));
  return { x: (w - box.w * zoom) / 2 - box.x * zoom, y: (h - box.h * zoom) / 2 - box.y * zoom, zoom };
}

export const centreOn = (box, w, h, zoom) => ({ x: w / 2 - (box.x + box.w / 2) * zoom, y: h / 2 - (box.y + box.h / 2) * zoom, zoom });

export class PanZoom {
  constructor({ host, surface, get, set, save, preview = set, rect = () => surface.getBoundingClientRect() }) {
    this.host = host; this.surface = surface; this.get = get; this.set = set; this.save = save;
    this.preview = preview; this.rect = rect;
    this.touches = new Map();
    this.pinch = null;
    this.frame = 0;
    this.wheelAcc = null; this.wheelFrame = 0;
    host.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
  }

  pointerDown(e) {
    if (e.pointerType !== 'touch') return false;
    this.touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (this.touches.size !== 2) return false;
    const [a, b] = [...this.touches.values()];
    this.pinch = { dist: Math.hypot(a.x - b.x, a.y - b.y) || 1, mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, vp: { ...this.get() } };
    this.surface.setPointerCapture(e.pointerId);
    return true;
  }

  pointerMove(e) {
    if (!this.touches.has(e.pointerId)) return false;
    this.touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (!this.pinch) return false;
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.applyPinch(); });
    return true;
  }

  pointerUp(e) {
    if (!this.touches.has(e.pointerId)) return false;
    this.touches.delete(e.pointerId);
    if (!this.pinch) return false;
    if (this.touches.size < 2) {
      this.pinch = null;
      if (this.frame) { cancelAnimationFrame(this.frame); this.frame = 0; }
      this.save();
    }
    return true;
  }

  applyPinch() {
    const [a, b] = [...this.touches.values()];
    if (!this.pinch || !a || !b) return;
    const p = this.pinch, rect = this.rect();
    const zoom = clampZoom(p.vp.zoom * Math.hypot(a.x - b.x, a.y - b.y) / p.dist);
    const mx = (a.x + b.x) / 2 - rect.left, my = (a.y + b.y) / 2 - rect.top;
    const ox = p.mid.x - rect.left, oy = p.mid.y - rect.top;
    const wx = (ox - p.vp.x) / p.vp.zoom, wy = (oy - p.vp.y) / p.vp.zoom;
    this.preview({ x: mx - wx * zoom, y: my - wy * zoom, zoom });
  }

  wheel(e) {
    e.preventDefault();
    // Wheel events are accumulated and applied once per animation frame.
    const w = this.wheelAcc || (this.wheelAcc = { zoom: 1, dx: 0, dy: 0, sx: 0, sy: 0 });
    if (e.ctrlKey || e.metaKey) {
      const b = this.rect();
      w.zoom *= Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0025));
      w.sx = e.clientX - b.left; w.sy = e.clientY - b.top;
    } else {
      const k = e.deltaMode === 1 ? 16 : 1;
      w.dx += (e.shiftKey && !e.deltaX ? e.deltaY : e.deltaX) * k;
      w.dy += (e.shiftKey && !e.deltaX ? 0 : e.deltaY) * k;
    }
    if (this.wheelFrame) return;
    this.wheelFrame = requestAnimationFrame(() => {
      this.wheelFrame = 0;
      const a = this.wheelAcc; this.wheelAcc = null;
      if (a.zoom !== 1) { const v = this.get(); this.preview(zoomAbout(v, v.zoom * a.zoom, a.sx, a.sy)); this.save(); }
      if (a.dx || a.dy) { this.preview(panned(this.get(), -a.dx, -a.dy)); this.save(); }
    });
  }
}
