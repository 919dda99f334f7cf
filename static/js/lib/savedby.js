// lib/savedby.js — relative times and the "Saved by Ana 2 minutes ago" label that the server
// draws on every editor page (templates/partials/saved_by.mustache, #saved-by). Contract:
//   relativeTime(iso, now = Date.now())  "just now", "1 minute ago", "3 hours ago", "yesterday",
//     "5 days ago", then the date ("Mar  4, 2026") — the same words as the server's view_ago;
//     '' for a time that cannot be read;
//   showSavedBy(info, el = #saved-by)  redraws the label from a save API answer or a conflict's
//     current document: {updated_by_name (null: unknown, shown without a name), updated_at};
//     does nothing without updated_at or without the element;
//   refreshTimes(root = document)  rewrites each <time data-relative> / #saved-by time's text
//     (the label's time is refreshed every 30 s once this module is loaded).
import { h } from './dom.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function relativeTime(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (!iso || Number.isNaN(t)) return '';
  const d = Math.max(0, (now - t) / 1000);
  if (d < 60) return 'just now';
  const steps = [[3600, 60, '1 minute ago', 'minutes ago'], [86400, 3600, '1 hour ago', 'hours ago'], [86400 * 30, 86400, 'yesterday', 'days ago']];
  for (const [limit, unit, one, many] of steps) {
    if (d < limit) {
      const n = Math.floor(d / unit);
      return n <= 1 ? one : `${n} ${many}`;
    }
  }
  const date = new Date(t);
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')}, ${date.getUTCFullYear()}`;
}

export function showSavedBy(info, el = document.getElementById('saved-by')) {
  if (!el || !info || !info.updated_at) return;
  const name = typeof info.updated_by_name === 'string' && info.updated_by_name ? info.updated_by_name : null;
  el.replaceChildren('Saved', ...(name ? [' by ', h('span', { class: 'saved-by-name', text: name })] : []), ' ',
    h('time', { datetime: info.updated_at, text: relativeTime(info.updated_at) }));
  el.dataset.savedBy = name || '';
}

export function refreshTimes(root = document) {
  for (const t of root.querySelectorAll('#saved-by time[datetime], time[data-relative]')) {
    const text = relativeTime(t.getAttribute('datetime'));
    if (text) t.textContent = text;
  }
}

if (typeof document !== 'undefined' && typeof setInterval === 'function') setInterval(() => refreshTimes(), 30000);
