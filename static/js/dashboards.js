// dashboards.js — the dashboard page's small script (templates/dashboard_view.mustache): drag a
// widget by its header and resize it by its corner on the 12-column grid, saving positions with
// PUT /api/dashboards/{uid} {layout}; auto-refresh every data-refresh seconds (the server's
// effective interval, never below its floor) while the page is visible, replacing each widget's
// body with the server-drawn HTML that POST /api/dashboards/{uid}/refresh answers. Without it the
// page works as is (forms).
import { request } from './lib/request.js';

const grid = document.getElementById('dashboard-grid');
const COLS = 12;
const ROWS = 60;
const H_MAX = 12;

function place(el, x, y, w, h) {
  for (const c of [...el.classList]) if (/^g[xywh]-\d+$/.test(c)) el.classList.remove(c);
  el.classList.add(`gx-${x}`, `gw-${w}`, `gy-${y}`, `gh-${h}`);
  Object.assign(el.dataset, { x, y, w, h });
}

/** cell: the grid cell under a pointer (column, row). */
function cell(ev) {
  const r = grid.getBoundingClientRect();
  const style = getComputedStyle(grid);
  const gap = parseFloat(style.columnGap) || 12;
  const colW = (r.width - gap * (COLS - 1)) / COLS;
  const rowH = parseFloat(style.gridAutoRows) || 60;
  return {
    col: Math.max(0, Math.min(COLS - 1, Math.floor((ev.clientX - r.left) / (colW + gap)))),
    row: Math.max(0, Math.min(ROWS - 1, Math.floor((ev.clientY - r.top) / (rowH + gap)))),
  };
}

async function saveLayout() {
  const layout = [...grid.querySelectorAll('.dash-widget')].map((el) => ({
    uid: el.dataset.uid, x: +el.dataset.x, y: +el.dataset.y, w: +el.dataset.w, h: +el.dataset.h,
  }));
  const res = await request('PUT', grid.dataset.api, { layout });
  if (res.status !== 200) console.warn('layout not saved', res.status, res.data);
}

function drag(el, handle, resize) {
  handle.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || ev.target.closest('a, button')) return;
    ev.preventDefault();
    handle.setPointerCapture(ev.pointerId);
    const start = cell(ev);
    const orig = { x: +el.dataset.x, y: +el.dataset.y, w: +el.dataset.w, h: +el.dataset.h };
    el.classList.add('dragging');
    const move = (e) => {
      const c = cell(e);
      const dx = c.col - start.col;
      const dy = c.row - start.row;
      if (resize) {
        const w = Math.max(1, Math.min(COLS - orig.x, orig.w + dx));
        const h = Math.max(1, Math.min(H_MAX, orig.h + dy));
        place(el, orig.x, orig.y, w, h);
      } else {
        place(el, Math.max(0, Math.min(COLS - orig.w, orig.x + dx)), Math.max(0, Math.min(ROWS - 1, orig.y + dy)), orig.w, orig.h);
      }
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      el.classList.remove('dragging');
      if (['x', 'y', 'w', 'h'].some((k) => +el.dataset[k] !== orig[k])) saveLayout();
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up, { once: true });
    handle.addEventListener('pointercancel', up, { once: true });
  });
}

async function refresh() {
  if (document.hidden) return;
  const res = await request('POST', `${grid.dataset.api}/refresh`, {});
  if (res.status !== 200) return;
  for (const w of res.data.widgets) {
    const el = document.getElementById(`widget-${w.uid}`);
    if (!el) continue;
    el.querySelector('[data-widget-body]').innerHTML = w.html;   // server-drawn, escaped HTML
    const meta = el.querySelector('.dash-widget-meta');
    if (meta && w.fetched_at) {
      const t = document.createElement('time');
      t.dateTime = w.fetched_at;
      t.textContent = w.fetched_at;
      meta.replaceChildren(t);
    }
  }
}

if (grid) {
  for (const el of grid.querySelectorAll('.dash-widget')) {
    const header = el.querySelector('.dash-widget-header');
    header.classList.add('dash-move');
    header.title = 'Drag to move';
    const corner = document.createElement('span');
    corner.className = 'dash-resize';
    corner.title = 'Drag to resize';
    el.append(corner);
    drag(el, header, false);
    drag(el, corner, true);
  }
  const every = +grid.dataset.refresh;
  if (every > 0) setInterval(refresh, every * 1000);
}
