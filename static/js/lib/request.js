// lib/request.js — same-origin JSON calls for every editor. Contract: request(method, url, body,
// contentType) sends credentials, `Accept: application/json`, the page's CSRF token (from
// <meta name="csrf-token">) as `X-CSRF-Token` on every non-GET, and the body as JSON (or as is for
// another contentType); it resolves to {status, data} where data is the parsed JSON reply, null
// for an empty one, or {message} holding the start of a non-JSON reply. It rejects only when the
// network fails (offline, connection reset), never on an HTTP error status.

/** csrfToken: the token the server put in the page ('' when there is none). */
export function csrfToken() {
  const m = document.querySelector('meta[name="csrf-token"]');
  return m ? m.content : '';
}

/** request: {status, data} (data parsed JSON or null); throws only on network failure. */
export async function request(method, url, body, contentType = 'application/json') {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  let payload;
  if (body !== undefined) { headers['Content-Type'] = contentType; payload = contentType === 'application/json' ? JSON.stringify(body) : body; }
  const res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text.slice(0, 200) }; }
  return { status: res.status, data };
}
