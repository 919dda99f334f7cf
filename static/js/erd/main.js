// main.js — boots the ERD editor on /diagrams/{uid}: reads the model from #erd-model, replaces the
// server-drawn SVG with the interactive one and wires renderer, interaction, side panel, dialogs,
// history and autosave together through the Editor object (the one place that changes the model).

import { History } from '../lib/history.js';
import { request } from '../lib/request.js';
import { Saver } from '../lib/saver.js';
import { clampZoom, zoomAbout, fitBox, centreOn } from '../lib/panzoom.js';
import * as M from './model.js';
import { Renderer, geometryFrom } from './render.js';
import { Interact } from './interact.js';
import { Panel } from './panel.js';
import { Dialogs } from './dialogs.js';
import { merge3 } from './merge.js';
import { autoLayout } from './layout.js';
import { ViewSaver } from './viewsave.js';
import { Minimap } from './minimap.js';

const CLIP_KEY = 'cardinality.erd.clipboard';

class Editor {
  constructor(root) {
    this.root = root;
    this.uid = root.dataset.uid;
    let raw = {};
    try { raw = JSON.parse(document.getElementById('erd-model').textContent || '{}'); } catch { raw = {}; }
    this.doc = M.normalize(raw);
    const hadViewport = !!raw.viewport;
    this.sel = { ents: new Set(), rel: null };
    this.history = new History();
    this.pasteCount = 0;
    this.announcer = root.querySelector('.erd-announce');
    this.zoomOut = root.querySelector('.erd-zoom');
    const host = root.querySelector('.erd-canvas');
    host.classList.add('is-live');
    root.classList.add('is-live');
    const dl = root.querySelector('#erd-types');
    for (const t of M.SQL_TYPES) { const o = document.createElement('option'); o.value = t; dl.append(o); }

    this.render = new Renderer(host, this, geometryFrom(root));
    this.minimap = new Minimap(this, host);
    this.panel = new Panel(this, root.querySelector('.erd-panel'));
    this.dialogs = new Dialogs(this, root);
    this.saver = new Saver({
      url: () => `/api/diagrams/${encodeURIComponent(this.uid)}`,
      body: () => { const d = this.doc; return { name: d.name, entities: d.entities, relationships: d.relationships }; },
      version: raw._version ?? +root.dataset.version ?? 0,
      statusEl: root.querySelector('.erd-status'),
      onConflict: (theirs) => this.resolveConflict(theirs),
      noun: 'diagram',
      lazyBase: true, // copied before the first change (record), not on the way to interactive
    });
    this.viewSaver = new ViewSaver(() => `/api/diagrams/${encodeURIComponent(this.uid)}/viewport`, root);
    this.interact = new Interact(this);
    // The opening viewport is settled before anything is drawn (bounds and visibility come from
    // the model while no table is drawn), so each table is built once, at the right level of
    // detail, and the first layout is the only one. Fit on open when no viewport was saved, on a
    // phone (a desktop viewport does not suit it) or when the saved viewport shows no table.
    this.render.setViewport(this.doc.viewport);
    const phone = window.matchMedia('(max-width: 600px)').matches;
    if (this.doc.entities.length && (phone || !hadViewport || (raw.viewport.x === 0 && raw.viewport.y === 0 && raw.viewport.zoom === 1) || !this.render.anyVisible())) this.fit(false);
    this.render.sync();
    this.minimap.draw();
    this.showZoom();
    this.panel.sync();
    this.updateButtons();

    root.querySelector('.erd-toolbar').addEventListener('click', (e) => {
      const b = e.target.closest('[data-cmd]');
      if (!b || b.disabled) return;
      const cmd = b.dataset.cmd;
      if (cmd === 'add-table') this.addTable();
      else if (cmd === 'undo') this.undo();
      else if (cmd === 'redo') this.redo();
      else if (cmd === 'zoom-in') this.zoomBy(1.2);
      else if (cmd === 'zoom-out') this.zoomBy(1 / 1.2);
      else if (cmd === 'fit') this.fit();
      else if (cmd === 'layout') this.autoLayout();
      else if (cmd === 'search') this.dialogs.openSearch();
      else if (cmd === 'import') this.dialogs.openImport();
      else if (cmd === 'help') this.dialogs.openHelp();
      // A pointer click leaves focus on the button, where single-key shortcuts would not reach
      // the canvas: hand it back (keyboard activation, detail 0, keeps focus for tabbing on).
      if (e.detail > 0 && document.activeElement === b) this.render.host.focus({ preventScroll: true });
      b.closest('details')?.removeAttribute('open');
    });
    // The export menu is a <details>: close it on outside click and Escape.
    const exp = root.querySelector('.erd-export');
    document.addEventListener('click', (e) => { if (exp.open && !exp.contains(e.target)) exp.open = false; });
    exp.addEventListener('keydown', (e) => { if (e.key === 'Escape' && exp.open) { exp.open = false; exp.querySelector('summary').focus(); } });
    window.addEventListener('resize', () => this.render.setViewport(this.doc.viewport));
  }

  // ---- changes -----------------------------------------------------------------------------
  /** commit: record history (key merges consecutive edits), apply fn to the document, update everything. */
  commit(key, fn) {
    this.record(key);
    fn(this.doc);
    this.changed();
  }

  /** record: the undo snapshot before a change; the first one also becomes the Saver's base
   *  (the document as loaded), parsed from that snapshot instead of copied at start-up. */
  record(key) {
    this.history.record(this.doc, key);
    this.saver.keepBase(() => {
      const s = this.history.last, d = s ? JSON.parse(s) : JSON.parse(JSON.stringify(this.doc));
      return { name: d.name, entities: d.entities, relationships: d.relationships };
    });
  }

  changed() {
    this.cleanSelection();
    this.render.sync();
    this.minimap.draw();
    this.panel.sync();
    this.saver.markDirty();
    this.updateButtons();
    const title = this.root.querySelector('.erd-title');
    if (title.textContent !== this.doc.name) { title.textContent = this.doc.name; document.title = `${this.doc.name} · Cardinality`; }
  }

  /** replaceDoc: swap in a whole model as one undoable step (take theirs, merge). */
  replaceDoc(model) {
    this.record(null);
    const vp = this.doc.viewport;
    this.doc = M.normalize(model);
    this.doc.viewport = vp;
    this.changed();
  }

  adoptServerModel(model) {
    this.replaceDoc(model);
    this.saver.adopt(model._version);
    this.fit(false);
  }

  undo() { this.swap(this.history.undo(this.doc), 'Undone'); }
  redo() { this.swap(this.history.redo(this.doc), 'Redone'); }
  swap(d, msg) {
    if (!d) return;
    d.viewport = this.doc.viewport;
    this.doc = d;
    this.changed();
    this.announce(msg);
  }

  updateButtons() {
    const u = this.root.querySelector('[data-cmd="undo"]'), r = this.root.querySelector('[data-cmd="redo"]');
    u.disabled = !this.history.canUndo; r.disabled = !this.history.canRedo;
  }

  announce(text) {
    this.announcer.textContent = '';
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => { this.announcer.textContent = text; }, 30);
  }

  // ---- selection ---------------------------------------------------------------------------
  cleanSelection() {
    const ids = new Set(this.doc.entities.map((e) => e.id));
    for (const id of [...this.sel.ents]) if (!ids.has(id)) this.sel.ents.delete(id);
    if (this.sel.rel && !M.relationship(this.doc, this.sel.rel)) this.sel.rel = null;
  }

  select(ids) {
    this.sel = { ents: new Set(ids), rel: null };
    this.history.breakMerge();
    this.render.updateSelection();
    this.panel.sync();
  }

  selectRel(id) {
    this.sel = { ents: new Set(), rel: id };
    this.history.breakMerge();
    this.render.updateSelection();
    this.panel.sync();
  }

  // ---- commands ----------------------------------------------------------------------------
  addTable(x, y) {
    if (x === undefined) {
      // Centre of the visible canvas, nudged so repeated adds don't stack exactly.
      const b = this.render.rect(), v = this.doc.viewport;
      const n = this.doc.entities.length % 8;
      x = (b.width / 2 - v.x) / v.zoom - this.render.MIN_W / 2 + n * 24;
      y = (b.height / 2 - v.y) / v.zoom - 60 + n * 24;
    }
    let e;
    this.commit(null, (doc) => { e = M.addEntity(doc, Math.round(x / 10) * 10, Math.round(y / 10) * 10); });
    this.select([e.id]);
    this.announce(`Table ${e.name} added`);
    this.panel.focusName();
    return e;
  }

  deleteSelection() {
    const s = this.sel;
    if (s.rel) { const id = s.rel; this.commit(null, (doc) => { doc.relationships = doc.relationships.filter((r) => r.id !== id); }); this.announce('Relationship deleted'); }
    else if (s.ents.size) {
      const ids = [...s.ents];
      this.commit(null, (doc) => M.deleteEntities(doc, ids));
      this.announce(`${ids.length === 1 ? 'Table' : ids.length + ' tables'} deleted`);
    } else return;
    this.select([]);
    this.render.host.focus({ preventScroll: true });
  }

  copy() {
    const clip = M.copy(this.doc, [...this.sel.ents]);
    this.clip = clip;
    this.pasteCount = 0;
    try { localStorage.setItem(CLIP_KEY, JSON.stringify(clip)); } catch { /* storage unavailable */ }
    this.announce(`Copied ${clip.entities.length} table${clip.entities.length === 1 ? '' : 's'}`);
  }

  paste(clip) {
    if (!clip) {
      try { clip = JSON.parse(localStorage.getItem(CLIP_KEY) || 'null'); } catch { clip = null; }
      clip = clip || this.clip;
    }
    if (!clip || !clip.entities || !clip.entities.length) return;
    const off = 40 * ++this.pasteCount;
    let ids;
    this.commit(null, (doc) => { ids = M.paste(doc, clip, off, off); });
    this.select(ids);
    this.announce(`Pasted ${ids.length} table${ids.length === 1 ? '' : 's'}`);
  }

  duplicate() {
    if (!this.sel.ents.size) return;
    const clip = M.copy(this.doc, [...this.sel.ents]);
    let ids;
    this.commit(null, (doc) => { ids = M.paste(doc, clip, 40, 40); });
    this.select(ids);
    this.announce('Duplicated');
  }

  /** autoLayout: the server's tidy layout (Graphviz, as imports get; POST …/layout), or the
   *  local layered one (layout.js) when the server cannot be reached; one undoable change. */
  async autoLayout() {
    let pos = null;
    try {
      const d = this.doc;
      const res = await request('POST', `/api/diagrams/${encodeURIComponent(this.uid)}/layout`, { name: d.name, entities: d.entities, relationships: d.relationships });
      if (res.status === 200 && res.data && res.data.positions) pos = res.data.positions;
    } catch { pos = null; }
    if (!pos) pos = autoLayout(this.doc, (id) => this.render.sizeOf(id));
    this.commit(null, (doc) => { for (const e of doc.entities) if (pos[e.id]) { e.x = pos[e.id].x; e.y = pos[e.id].y; } });
    this.fit();
    this.announce('Tables arranged');
  }

  // ---- viewport ----------------------------------------------------------------------------
  setViewport(v, save = true) {
    this.doc.viewport = { x: Math.round(v.x * 100) / 100, y: Math.round(v.y * 100) / 100, zoom: Math.round(clampZoom(v.zoom) * 1000) / 1000 };
    this.render.setViewport(this.doc.viewport);
    this.minimap.draw();
    this.showZoom();
    if (save) this.saveViewport();
  }

  /** previewViewport: show v in the middle of a pan or zoom gesture (drag, wheel, pinch) — the
   *  drawing is moved and scaled as it is (Renderer.previewViewport) and redrawn at the right
   *  level of detail once the gesture rests (held: a drag, once it is released). */
  previewViewport(v, held = false) {
    this.doc.viewport = { x: Math.round(v.x * 100) / 100, y: Math.round(v.y * 100) / 100, zoom: Math.round(clampZoom(v.zoom) * 1000) / 1000 };
    this.render.previewViewport(this.doc.viewport, held);
    this.minimap.draw();
    this.showZoom();
  }

  /** saveViewport: the viewport goes to its own endpoint (no version bump, never a conflict). */
  saveViewport() { this.viewSaver.save(this.doc.viewport); }

  showZoom() { this.zoomOut.textContent = `${Math.round(this.doc.viewport.zoom * 100)}%`; }

  zoomAt(zoom, sx, sy) { this.setViewport(zoomAbout(this.doc.viewport, zoom, sx, sy)); }

  zoomBy(f) {
    const b = this.render.rect();
    this.zoomAt(this.doc.viewport.zoom * f, b.width / 2, b.height / 2);
  }

  fit(save = true, ids) {
    const b = this.render.size;
    const v = fitBox(this.render.bounds(ids), b.w, b.h);
    if (v) this.setViewport(v, save);
  }

  zoomTo(id) {
    const t = this.render.tables.get(id);
    const b = this.render.rect();
    if (!t) return;
    this.setViewport(centreOn(t, b.width, b.height, Math.max(this.doc.viewport.zoom, 1)));
  }

  // ---- conflicts ---------------------------------------------------------------------------
  async resolveConflict(theirsRaw) {
    const theirs = M.normalize(theirsRaw);
    const base = this.saver.base;
    const mine = JSON.parse(JSON.stringify(this.doc));
    const choice = await this.dialogs.askConflict(base, mine, theirs);
    const version = theirsRaw._version;
    if (choice === 'theirs') {
      this.replaceDoc(theirs);
      this.saver.resume(version, theirs, false);
      this.announce('Loaded the other version; Undo brings yours back');
    } else if (choice === 'merge') {
      this.replaceDoc(merge3(base, this.doc, theirs));
      this.saver.resume(version, theirs, true);
      this.announce('Merged both versions');
    } else {
      this.saver.resume(version, theirs, true);
      this.announce('Saving your version');
    }
  }
}

const root = document.getElementById('erd');
if (root) {
  performance.mark('erd-boot'); // performance.measure 'erd-boot': the editor's own start-up (tests/bench/editor.js)
  const ed = new Editor(root);
  performance.measure('erd-boot', 'erd-boot');
  globalThis.cardinalityErd = ed; // debugging and performance measurement hook
}
