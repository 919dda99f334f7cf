// tests/lib/sse.js — read a text/event-stream answer with fetch as it arrives: each event
// {event, id, data (parsed JSON), t (ms since the request began)}; the tests and the bench use it.
'use strict';

/** sseRequest: fetch url with init; resolves {status, headers, events, json, ended} once the
 *  stream ends (or is aborted through opts.signal); opts.onEvent(ev, events) sees each event. */
async function sseRequest(url, init, opts = {}) {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: opts.signal });
  const type = res.headers.get('content-type') || '';
  if (!type.startsWith('text/event-stream')) {
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch (_) { /* not JSON */ }
    return { status: res.status, headers: res.headers, events: [], json, text };
  }
  const events = [];
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let aborted = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let at;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const ev = { event: 'message', id: null, data: null, t: performance.now() - t0, raw: block };
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) { ev.comment = true; continue; }
          const i = line.indexOf(':');
          const k = line.slice(0, i), v = line.slice(i + 1).replace(/^ /, '');
          if (k === 'event') ev.event = v;
          else if (k === 'id') ev.id = v;
          else if (k === 'data') data.push(v);
        }
        if (ev.comment && !data.length) continue;
        const text = data.join('\n');
        ev.data = text === '[DONE]' ? text : JSON.parse(text);   // OpenAI's end mark (the bench reads providers too)
        events.push(ev);
        if (opts.onEvent) opts.onEvent(ev, events);
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
    aborted = true;
  }
  return { status: res.status, headers: res.headers, events, aborted };
}

/** textOf: the answer text of a list of events (the deltas joined). */
const textOf = (events) => events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');

module.exports = { sseRequest, textOf };
