// task.js — the live task page (templates/task.mustache): polls GET /api/tasks/{uid} every
// second while the task is queued or running and updates the progress bar, the status, the
// log and the result links in place; the cancel button posts to the API instead of reloading.
import { request } from './lib/request.js';

const root = document.getElementById('task');
if (root && root.dataset.live === '1') {
  const api = root.dataset.api;
  const bar = document.getElementById('task-progress');
  const pct = document.getElementById('task-percent');
  const status = document.getElementById('task-status');
  const log = document.getElementById('task-log');
  const links = document.getElementById('task-links');
  const cancel = document.getElementById('task-cancel');

  const link = (href, text) => {
    const a = document.createElement('a');
    a.className = 'btn btn-primary';
    a.href = href;
    a.textContent = text;
    return a;
  };
  const render = (t) => {
    bar.value = t.progress;
    bar.textContent = `${t.progress}%`;
    pct.textContent = String(t.progress);
    status.textContent = t.status;
    status.dataset.status = t.status;
    log.replaceChildren(...t.log.map((l) => {
      const li = document.createElement('li');
      li.className = `task-log-${l.level}`;
      const time = document.createElement('time');
      time.textContent = l.at;
      li.append(time, ` ${l.message}`);
      return li;
    }));
    const done = t.status !== 'queued' && t.status !== 'running';
    if (done) {
      if (cancel) cancel.remove();
      links.replaceChildren();
      if (t.result && t.result.download_url) links.append(link(t.result.download_url, 'Download the backup'));
      if (t.result && t.result.project_url) links.append(link(t.result.project_url, 'Open the restored project'));
      if (t.error) {
        const p = document.createElement('p');
        p.className = 'alert alert-error';
        p.setAttribute('role', 'alert');
        p.textContent = t.error;
        links.before(p);
      }
    }
    return done;
  };
  const poll = async () => {
    try {
      const { status: code, data } = await request('GET', api);
      if (code === 200 && render(data)) return;
    } catch (_) { /* offline for a moment: try again */ }
    setTimeout(poll, 1000);
  };
  if (cancel) {
    cancel.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      await request('POST', `${api}/cancel`);
    });
  }
  setTimeout(poll, 1000);
}
