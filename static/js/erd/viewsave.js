// viewsave.js — saves the editor's viewport (pan and zoom) on its own: PUT
// /api/diagrams/{uid}/viewport {x, y, zoom}, which writes no _version and never conflicts, so
// scrolling is not an edit (the model's autosave, lib/saver.js, no longer carries it).
// Contract: new ViewSaver(url, el, delay = 500); save(v) schedules a write of viewport v `delay`
// ms after the last call (one write in flight at a time, failures retried once later); flush()
// writes a pending one now with keepalive (page hide). el.dataset.viewport is 'pending' while a
// write is due or in flight and 'saved' once the server has the latest viewport.
import { csrfToken } from '../lib/request.js';

export class ViewSaver {
  constructor(url, el, delay = 500) {
    this.url = url; this.el = el; this.delay = delay;
    this.pending = null; this.timer = 0; this.inflight = false;
    el.dataset.viewport = 'saved';
    window.addEventListener('pagehide', () => this.flush());
  }

  save(v) {
    this.pending = { x: v.x, y: v.y, zoom: v.zoom };
    this.el.dataset.viewport = 'pending';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.send(false), this.delay);
  }

  flush() { if (this.pending) { clearTimeout(this.timer); this.send(true); } }

  async send(keepalive) {
    if (this.inflight && !keepalive) { this.timer = setTimeout(() => this.send(false), this.delay); return; }
    const body = this.pending;
    if (!body) return;
    this.pending = null; this.inflight = true;
    let ok = false;
    try {
      const res = await fetch(this.url(), {
        method: 'PUT', keepalive, credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
        body: JSON.stringify(body),
      });
      ok = res.ok;
    } catch { ok = false; }
    this.inflight = false;
    if (!ok && !this.pending) { this.pending = body; this.timer = setTimeout(() => this.send(false), 5000); return; }
    if (!this.pending) this.el.dataset.viewport = 'saved';
  }
}
