// lib/task.js — following a background task (GET /api/tasks/{uid}) from an editor: watchTask polls
// it once a second, reports each state to onUpdate (status, progress 0–100, the last log line) and
// resolves to the finished task ({status: 'succeeded'|'failed'|'cancelled', result, error}).
// Network hiccups are retried; it rejects only when the task cannot be read at all (404, 5 failures).
import { request } from './request.js';

const POLL_MS = 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** watchTask: the finished task; onUpdate(task, lastLogMessage) after every poll. */
export async function watchTask(uid, onUpdate = () => {}) {
  let failures = 0;
  for (;;) {
    let res = null;
    try { res = await request('GET', `/api/tasks/${encodeURIComponent(uid)}`); } catch { res = null; }
    if (!res || res.status !== 200) {
      if ((res && res.status === 404) || ++failures >= 5) throw new Error((res && res.data && res.data.message) || 'The task could not be read.');
    } else {
      failures = 0;
      const t = res.data;
      const log = Array.isArray(t.log) ? t.log : [];
      onUpdate(t, log.length ? log[log.length - 1].message : '');
      if (!['queued', 'running'].includes(t.status)) return t;
    }
    await sleep(POLL_MS);
  }
}
