// note/draft.js — unsent edits of a note kept in localStorage, so they survive a reload or a
// crash while the server is unreachable. One key per note and server version the edits were
// based on: "cardinality:note-draft:<uid>:<version>" → {title, content, version, at}.
// Contract:
//   new Drafts(uid)
//   keep(version, {title, content})  remember the current unsent state (replaces older drafts of
//                                     this note);
//   clear()                           forget every draft of this note (after a successful save);
//   find()                            the newest draft {title, content, version, at} or null.
// Storage errors (quota, private mode) are ignored: drafts are a safety net, never required.
const PREFIX = 'cardinality:note-draft:';

export class Drafts {
  constructor(uid) { this.prefix = `${PREFIX}${uid}:`; }

  keys() {
    const out = [];
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (k && k.startsWith(this.prefix)) out.push(k);
      }
    } catch { /* storage unavailable */ }
    return out;
  }

  keep(version, doc) {
    try {
      const key = this.prefix + version;
      for (const k of this.keys()) if (k !== key) localStorage.removeItem(k);
      localStorage.setItem(key, JSON.stringify({ title: doc.title, content: doc.content, version, at: Date.now() }));
    } catch { /* storage full or unavailable */ }
  }

  clear() {
    try { for (const k of this.keys()) localStorage.removeItem(k); } catch { /* unavailable */ }
  }

  find() {
    let best = null;
    for (const k of this.keys()) {
      try {
        const d = JSON.parse(localStorage.getItem(k));
        if (d && typeof d.content === 'string' && (!best || d.at > best.at)) best = d;
      } catch { /* a damaged entry: skip */ }
    }
    return best;
  }
}
