// dbws_upload.js — the SQLite upload form of a project's databases page
// (templates/databases.mustache, #sqlite-upload): shown only with JavaScript (the server parses
// no multipart forms), it checks the size and the file's "SQLite format 3" header first, sends
// the file as the raw body of POST /api/connections/sqlite?project_uid=&name=&read_only= and
// opens the new connection; the server's refusal (422 not an SQLite file, 413 too large) is
// shown next to the file field.
import { request } from './lib/request.js';

const form = document.getElementById('sqlite-upload');
if (form) {
  form.hidden = false;
  const file = document.getElementById('u-file');
  const name = document.getElementById('u-name');
  const readOnly = document.getElementById('u-read-only');
  const error = document.getElementById('u-error');
  const max = Number(form.dataset.maxBytes) || 0;
  const show = (text) => {
    error.textContent = text;
    error.hidden = !text;
    file.setAttribute('aria-invalid', text ? 'true' : 'false');
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files && file.files[0];
    if (!f) { show('Choose an SQLite file first.'); return; }
    if (max && f.size > max) { show(`The file is larger than ${Math.floor(max / 1048576)} MB.`); return; }
    const head = new Uint8Array(await f.slice(0, 16).arrayBuffer());
    if (String.fromCharCode(...head) !== 'SQLite format 3\u0000') {
      show('This is not an SQLite 3 database file.');
      return;
    }
    show('');
    const params = new URLSearchParams({ project_uid: form.dataset.project, name: name.value.trim() || f.name,
      read_only: readOnly.checked ? '1' : '0' });
    let res;
    try {
      res = await request('POST', `/api/connections/sqlite?${params}`, f, 'application/vnd.sqlite3');
    } catch (_) {
      show('The upload failed: the network is unavailable.');
      return;
    }
    if (res.status === 201 && res.data && res.data.uid) {
      window.location.assign(`/projects/${form.dataset.project}/databases?conn=${encodeURIComponent(res.data.uid)}`);
    } else if (res.status === 413) {
      show(`The file is too large${max ? ` (at most ${Math.floor(max / 1048576)} MB)` : ''}.`);
    } else {
      show((res.data && res.data.message) || `The upload failed (${res.status}).`);
    }
  });
}
