// restore.js — the restore form of /backups (templates/backups.mustache): sends the chosen
// archive as the raw body of POST /api/backups/restore (Content-Type application/gzip; the
// server parses no multipart forms) and opens the task page it answers with.
import { request } from './lib/request.js';

const form = document.getElementById('restore-form');
if (form) {
  const input = document.getElementById('restore-file');
  const status = document.getElementById('restore-status');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = input.files && input.files[0];
    if (!file) { status.textContent = 'Choose a backup archive first.'; return; }
    status.textContent = 'Uploading…';
    try {
      const { status: code, data } = await request('POST', '/api/backups/restore', file, 'application/gzip');
      if (code === 202 && data && data.task_uid) {
        window.location.assign(`/tasks/${data.task_uid}`);
      } else {
        status.textContent = (data && data.message) || `The upload failed (${code}).`;
      }
    } catch (_) {
      status.textContent = 'The upload failed: the network is unavailable.';
    }
  });
}
