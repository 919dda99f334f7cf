// lib/saver.js — autosave for any editor that saves a whole JSON document with optimistic
// versioning. Contract:
//   const s = new Saver({ url, body, version, statusEl, onConflict, noun, method = 'PUT', delay = 800 });
//   url        string, or function returning the URL to send to;
//   body()     the document to save (plain JSON, without _version) — the Saver sends
//              {_version, ...body()} and the server answers 200 {_version} or 409 {current};
//   onConflict(current)  called on 409 with the server's current document (saving pauses until
//              resume() is called); a 409 without `current` shows an error instead;
//   noun       what the document is called in error messages ('document': "the document is too big");
//   statusEl   the element showing the state: data-state and text saved | saving | dirty |
//              offline | error | conflict (it should be aria-live);
//   savedByEl  the "Saved by <name> <time>" label (default: the page's #saved-by, see
//              lib/savedby.js): redrawn from each 200 {updated_by_name, updated_at} and from a
//              409's current document (who saved the version that won).
//   lazyBase   (default false) do not copy body() as `base` when constructed (a deep copy of a
//              big document on the page's critical path): the caller promises to call
//              keepBase() before its first change; until then base is copied from body() when
//              first read.
// markDirty() after each change schedules a save `delay` ms after the last one; network failures,
// 5xx and 429 retry with back-off (1 s doubling to 30 s) and on `online`; leaving the page with
// unsaved changes asks first. `base` is the last document known to be on the server (for diffs
// and merges); `version` the server version it was saved as.
import { request } from './request.js';
import { showSavedBy } from './savedby.js';

const STATUS = {
  saved: 'Saved', saving: 'Saving…', dirty: 'Unsaved changes', offline: 'Offline — retrying', error: 'Not saved', conflict: 'Conflict — choose a version',
};

const copy = (x) => JSON.parse(JSON.stringify(x));

export class Saver {
  constructor({ url, body, version = 0, statusEl = null, savedByEl = document.getElementById('saved-by'), onConflict, noun = 'document', method = 'PUT', delay = 800, lazyBase = false }) {
    this.url = url; this.body = body; this.version = version; this.statusEl = statusEl; this.savedByEl = savedByEl;
    this.onConflict = onConflict; this.noun = noun; this.method = method; this.delay = delay;
    this.kept = lazyBase ? null : copy(body()); // last state known to be on the server (for diff/merge)
    this.dirty = false; this.inflight = false; this.timer = 0; this.attempt = 0; this.paused = false;
    this.set('saved');
    window.addEventListener('beforeunload', (e) => {
      if (this.dirty || this.inflight) { e.preventDefault(); e.returnValue = ''; }
    });
    window.addEventListener('online', () => { if (this.dirty && !this.inflight) this.schedule(0); });
  }

  /** base: the last document known to be on the server (for diffs and merges). */
  get base() { this.keepBase(); return this.kept; }
  set base(doc) { this.kept = doc; }

  /** keepBase: with lazyBase, take the copy of the loaded document now (before a change);
   *  make(), when given, returns such a copy made otherwise (e.g. from an undo snapshot). */
  keepBase(make) { if (!this.kept) this.kept = make ? make() : copy(this.body()); }

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

  async save() {
    clearTimeout(this.timer);
    if (this.inflight || this.paused || !this.dirty) return;
    this.inflight = true; this.dirty = false;
    this.set('saving');
    const doc = this.body();
    const snapshot = JSON.stringify(doc);
    let res;
    try {
      res = await request(this.method, typeof this.url === 'function' ? this.url() : this.url, { _version: this.version, ...doc });
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
      showSavedBy(res.data, this.savedByEl);
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
      showSavedBy(theirs.updated_at ? theirs : res.data, this.savedByEl);
      this.onConflict(theirs);
      return;
    }
    if (res.status === 422) { this.set('error', (res.data && res.data.message) || `invalid ${this.noun}`); return; }
    if (res.status === 413) { this.set('error', `the ${this.noun} is too big`); return; }
    if (res.status === 401 || res.status === 403) { this.set('error', 'signed out or no permission — reload the page'); return; }
    this.set('error', `HTTP ${res.status}`);
  }

  /** resume: after a conflict was resolved; version is the server's current one, base its document. */
  resume(version, base, dirty) {
    this.version = version;
    this.base = copy(base);
    this.paused = false;
    this.dirty = dirty;
    if (dirty) { this.set('dirty'); this.schedule(0); } else this.set('saved');
  }

  /** adopt: the server replaced the document (e.g. an import) at version; what body() gives now is on the server. */
  adopt(version) { this.version = version; this.base = copy(this.body()); this.dirty = false; clearTimeout(this.timer); this.set('saved'); }
}
