// api.js — same-origin JSON calls with the CSRF header, and the autosaver: PUT ~800 ms after the
// last change with the _version it started from, visible status (aria-live), back-off retries when
// offline, a beforeunload guard, and 409 conflicts handed to the editor's conflict dialog.

export function csrfToken() {
  const m = document.querySelector('meta[name="csrf-token"]');
  return m ? m.content : '';
}

/** request: {status, data} (data parsed JSON or null); throws only on network failure. */
export async function request(method, url, body, contentType = 'application/json') {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  let payload;
  if (body !== undefined) { headers['Content-Type'] = contentType; payload = contentType === 'application/json' ? JSON.stringify(body) : body; }
  const res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text.slice(0, 200) }; }
  return { status: res.status, data };
}

const STATUS = {
  saved: 'Saved', saving: 'Saving…', dirty: 'Unsaved changes', offline: 'Offline — retrying', error: 'Not saved', conflict: 'Conflict — choose a version',
};

export class Saver {
  constructor(ed, uid, version, statusEl) {
    this.ed = ed; this.uid = uid; this.version = version; this.statusEl = statusEl;
    this.base = JSON.parse(JSON.stringify(ed.doc)); // last state known to be on the server (for diff/merge)
    this.dirty = false; this.inflight = false; this.timer = 0; this.attempt = 0; this.paused = false;
    this.delay = 800;
    this.set('saved');
    window.addEventListener('beforeunload', (e) => {
      if (this.dirty || this.inflight) { e.preventDefault(); e.returnValue = ''; }
    });
    window.addEventListener('online', () => { if (this.dirty && !this.inflight) this.schedule(0); });
  }

  set(state, detail) {
    this.state = state;
    const el = this.statusEl;
    if (!el) return;
    el.dataset.state = state;
    el.textContent = detail ? `${STATUS[state]}: ${detail}` : STATUS[state];
    el.title = state === 'saved' ? `Saved (version ${this.version})` : el.textContent;
  }

  markDirty() {
    this.dirty = true;
    if (!this.inflight && this.state !== 'offline' && this.state !== 'conflict') this.set('dirty');
    if (this.state !== 'offline') this.schedule(this.delay);
  }

  schedule(ms) {
    clearTimeout(this.timer);
    if (this.paused) return;
    this.timer = setTimeout(() => this.save(), ms);
  }

  body() {
    const d = this.ed.doc;
    return { _version: this.version, name: d.name, viewport: d.viewport, entities: d.entities, relationships: d.relationships };
  }

  async save() {
    clearTimeout(this.timer);
    if (this.inflight || this.paused || !this.dirty) return;
    this.inflight = true; this.dirty = false;
    this.set('saving');
    const body = this.body();
    const snapshot = JSON.stringify({ name: body.name, viewport: body.viewport, entities: body.entities, relationships: body.relationships });
    let res;
    try {
      res = await request('PUT', `/api/diagrams/${encodeURIComponent(this.uid)}`, body);
    } catch (err) {
      res = null;
    }
    this.inflight = false;
    if (!res || res.status >= 500 || res.status === 0 || res.status === 429) {
      this.dirty = true;
      this.attempt++;
      const wait = Math.min(30000, 1000 * 2 ** Math.min(this.attempt - 1, 5));
      this.set('offline');
      this.schedule(wait);
      return;
    }
    this.attempt = 0;
    if (res.status === 200) {
      if (res.data && res.data._version !== undefined) this.version = res.data._version;
      this.base = JSON.parse(snapshot);
      if (this.dirty) { this.set('dirty'); this.schedule(this.delay); } else this.set('saved');
      return;
    }
    this.dirty = true;
    if (res.status === 409) {
      this.paused = true;
      this.set('conflict');
      const theirs = res.data && res.data.current;
      if (!theirs) { this.paused = false; this.set('error', 'conflict without the current version'); return; }
      this.ed.resolveConflict(theirs);
      return;
    }
    if (res.status === 422) { this.set('error', (res.data && res.data.message) || 'invalid diagram'); return; }
    if (res.status === 413) { this.set('error', 'the diagram is too big'); return; }
    if (res.status === 401 || res.status === 403) { this.set('error', 'signed out or no permission — reload the page'); return; }
    this.set('error', `HTTP ${res.status}`);
  }

  /** resume: after a conflict was resolved; version is the server's current one. */
  resume(version, base, dirty) {
    this.version = version;
    this.base = JSON.parse(JSON.stringify(base));
    this.paused = false;
    this.dirty = dirty;
    if (dirty) { this.set('dirty'); this.schedule(0); } else this.set('saved');
  }

  /** adopt: the server replaced the diagram (import); take its version as the new base. */
  adopt(model) { this.version = model._version; this.base = JSON.parse(JSON.stringify(this.ed.doc)); this.dirty = false; clearTimeout(this.timer); this.set('saved'); }
}
