// restore.js — the restore form of /backups (templates/backups.mustache).  A small archive
// (up to 8 MiB) goes as the raw body of POST /api/backups/restore (Content-Type
// application/gzip); a larger one in parts (fcgi/api_upload.c): POST /api/backups/uploads
// {size, name} → {uid, part_size, parts}, each part PUT to …/parts/{n} with a <progress> bar,
// a failed part retried 3 times; when it still fails the upload is remembered (sessionStorage,
// by the file's name, size and date) and the next submit of the same file resumes it, sending
// only the parts GET /api/backups/uploads/{uid} says are missing; then POST …/restore → the
// task page.  Without JavaScript the form posts multipart to /backups/restore (small archives).
import { request } from './lib/request.js';

const SINGLE_MAX = 8 * 1024 * 1024;
const RETRIES = 3;

const form = document.getElementById('restore-form');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** sendPart: PUT one part, retried RETRIES times on a network error or a 5xx; {status, data}. */
async function sendPart(uid, n, blob) {
  let last = null;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt) await sleep(300 * attempt);
    try {
      last = await request('PUT', `/api/backups/uploads/${uid}/parts/${n}`, blob, 'application/octet-stream');
      if (last.status < 500) return last;
    } catch (_) {
      last = null;
    }
  }
  return last || { status: 0, data: { message: 'the network is unavailable' } };
}

if (form) {
  const input = document.getElementById('restore-file');
  const status = document.getElementById('restore-status');
  const bar = document.getElementById('restore-progress');
  const button = form.querySelector('button[type="submit"]');
  const show = (done, total) => { bar.hidden = false; bar.max = total; bar.value = done; };

  async function chunked(file) {
    const key = `restore-upload:${file.name}:${file.size}:${file.lastModified}`;
    let up = null;
    const saved = sessionStorage.getItem(key);
    let missing = null;
    if (saved) {
      const { status: code, data } = await request('GET', `/api/backups/uploads/${saved}`);
      if (code === 200 && !data.task_uid) { up = data; missing = data.missing; }
    }
    if (!up) {
      const { status: code, data } = await request('POST', '/api/backups/uploads', { size: file.size, name: file.name });
      if (code !== 201) { status.textContent = (data && data.message) || `The upload could not begin (${code}).`; return; }
      up = data;
      missing = Array.from({ length: up.parts }, (_, i) => i);
      sessionStorage.setItem(key, up.uid);
    }
    let done = file.size - missing.reduce((s, n) => s + Math.min(up.part_size, file.size - n * up.part_size), 0);
    show(done, file.size);
    status.textContent = missing.length < up.parts ? 'Resuming the upload…' : 'Uploading…';
    for (const n of missing) {
      const blob = file.slice(n * up.part_size, Math.min(file.size, (n + 1) * up.part_size));
      const res = await sendPart(up.uid, n, blob);
      if (res.status !== 200) {
        status.textContent = res.status === 0 || res.status >= 500
          ? `The upload stopped at part ${n + 1} of ${up.parts} (${(res.data && res.data.message) || 'network error'}). Press “Restore” again with the same file to resume.`
          : (res.data && res.data.message) || `Part ${n + 1} was refused (${res.status}).`;
        return;
      }
      done += blob.size;
      show(done, file.size);
      status.textContent = `Uploaded ${Math.round((100 * done) / file.size)}%…`;
    }
    const { status: code, data } = await request('POST', `/api/backups/uploads/${up.uid}/restore`);
    if (code === 202 && data && data.task_uid) {
      sessionStorage.removeItem(key);
      window.location.assign(`/tasks/${data.task_uid}`);
    } else {
      status.textContent = (data && data.message) || `The restore could not start (${code}).`;
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = input.files && input.files[0];
    if (!file) { status.textContent = 'Choose a backup archive first.'; return; }
    button.disabled = true;
    try {
      if (file.size > SINGLE_MAX) {
        await chunked(file);
      } else {
        status.textContent = 'Uploading…';
        const { status: code, data } = await request('POST', '/api/backups/restore', file, 'application/gzip');
        if (code === 202 && data && data.task_uid) {
          window.location.assign(`/tasks/${data.task_uid}`);
        } else {
          status.textContent = (data && data.message) || `The upload failed (${code}).`;
        }
      }
    } catch (_) {
      status.textContent = 'The upload failed: the network is unavailable. Press “Restore” again to resume.';
    } finally {
      button.disabled = false;
    }
  });
}
