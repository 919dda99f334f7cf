// lib/history.js — undo/redo for any editor whose document is plain JSON: a bounded stack of JSON
// snapshots. Contract: call record(doc, key) just before each change (doc as it was); undo(doc) /
// redo(doc) take the current document and return the one to switch to (a fresh copy) or null.
// Consecutive records with the same non-null key within 1.5 s (typing in one field, arrow-key
// nudges) merge into one step; breakMerge() ends such a run (e.g. when the selection changes).

export class History {
  constructor(limit = 200) { this.limit = limit; this.undoStack = []; this.redoStack = []; this.lastKey = null; this.lastAt = 0; }

  /** record: remember doc as it is before a change. */
  record(doc, key = null) {
    const now = Date.now();
    if (key && key === this.lastKey && now - this.lastAt < 1500) { this.lastAt = now; this.redoStack = []; return; }
    this.undoStack.push(JSON.stringify(doc));
    if (this.undoStack.length > this.limit) this.undoStack.shift();
    this.redoStack = [];
    this.lastKey = key; this.lastAt = now;
  }

  /** undo/redo: the document to switch to (or null); doc is the current one. */
  undo(doc) { return this.step(this.undoStack, this.redoStack, doc); }
  redo(doc) { return this.step(this.redoStack, this.undoStack, doc); }
  step(from, to, doc) {
    if (!from.length) return null;
    to.push(JSON.stringify(doc));
    this.lastKey = null;
    return JSON.parse(from.pop());
  }
  /** last: the latest snapshot recorded (JSON text), or null. */
  get last() { return this.undoStack.length ? this.undoStack[this.undoStack.length - 1] : null; }
  get canUndo() { return this.undoStack.length > 0; }
  get canRedo() { return this.redoStack.length > 0; }
  breakMerge() { this.lastKey = null; }
}
