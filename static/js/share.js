// share.js — enhances every share dialog (templates/partials/share_dialog.mustache) on the page:
// saves through the JSON API (POST /api/<kind>s/:uid/share, lib/request.js) instead of
// reloading the page, shows the expiry in the user's time zone (a datetime-local field,
// converted to UTC here), and copies links. Without JavaScript the same form posts to the page
// route and comes back with the link shown.
import { request } from './lib/request.js';

/** localValue: an ISO UTC time as the value of a datetime-local input, in this time zone. */
function localValue(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** show: fill the dialog from the API's answer. */
function show(form, s) {
  const result = form.querySelector('.share-result');
  result.hidden = !s.share_url;
  form.querySelector('[data-testid="share-url"]').value = s.share_url || '';
  form.querySelector('[data-testid="share-regenerate"]').hidden = !s.share_url;
  for (const [key, name] of [['svg_url', 'svg'], ['sql_url', 'sql'], ['md_url', 'md'], ['embed_html', 'embed']]) {
    for (const el of form.querySelectorAll(`[data-snippet="${name}"]`)) {
      el.hidden = !s[key];
      if (el.tagName === 'INPUT') el.value = s[key] || '';
    }
  }
  const expired = form.querySelector('[data-testid="share-expired"]');
  if (expired) expired.hidden = !s.expired;
  const badge = form.closest('details').querySelector('[data-testid="share-badge"]');
  if (badge) badge.hidden = !s.is_public;
  form.querySelector('.share-expiry-utc').value = s.expiry_date || '';
  form.querySelector('.share-expiry-local').value = localValue(s.expiry_date);
}

function enhance(details) {
  const form = details.querySelector('form.share-form');
  const utc = form.querySelector('.share-expiry-utc');
  const status = form.querySelector('[data-testid="share-status"]');
  // The expiry in this time zone (a datetime-local field; the UTC text field stays as the
  // submitted value), made when the dialog first opens: the first datetime-local field and
  // Intl call load the locale's date and time-zone data (60–400 ms of main thread), which
  // would otherwise delay every page with a share dialog.
  let local = null;
  const ready = () => {
    if (local) return;
    local = document.createElement('input');
    local.type = 'datetime-local';
    local.className = 'input share-expiry-local';
    local.id = `${utc.id}-local`;
    local.value = localValue(utc.value);
    local.setAttribute('data-testid', 'share-expiry-local');
    utc.hidden = true;
    utc.after(local);
    const label = form.querySelector(`label[for="${utc.id}"]`);
    if (label) label.htmlFor = local.id;
    const hint = form.querySelector('.field-hint');
    if (hint) hint.textContent = `In your time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone}). Empty: never.`;
  };
  details.addEventListener('toggle', () => { if (details.open) ready(); });
  if (details.open) ready();
  for (const btn of form.querySelectorAll('.share-js')) btn.hidden = false;

  async function save(regenerate) {
    ready();
    const when = local.value ? new Date(local.value) : null;
    if (when && Number.isNaN(when.getTime())) { status.textContent = 'Enter a valid date and time.'; return; }
    const body = {
      is_public: form.querySelector('[data-testid="share-public"]').checked,
      expiry_date: when ? when.toISOString() : null,
      regenerate,
    };
    status.textContent = 'Saving…';
    let res;
    try { res = await request('POST', details.dataset.api, body); } catch { status.textContent = 'Offline: not saved.'; return; }
    if (res.status !== 200) { status.textContent = (res.data && res.data.message) || `Not saved (${res.status}).`; return; }
    show(form, res.data);
    status.textContent = res.data.is_public ? (regenerate ? 'New link made; the old one no longer works.' : 'Saved. Anyone with the link can view.') : 'Saved. The file is private.';
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save(Boolean(ev.submitter && ev.submitter.name === 'regenerate'));
  });
  form.addEventListener('click', async (ev) => {
    const btn = ev.target.closest('[data-copy-from]');
    if (!btn) return;
    const input = document.getElementById(btn.dataset.copyFrom);
    try { await navigator.clipboard.writeText(input.value); status.textContent = 'Link copied.'; } catch { input.select(); status.textContent = 'Press Ctrl+C to copy.'; }
  });
  form.addEventListener('focusin', (ev) => { if (ev.target.readOnly) ev.target.select(); });
}

for (const d of document.querySelectorAll('details.share-dialog')) enhance(d);
