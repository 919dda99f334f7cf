// static/js/ai/chat.js — the AI chat panel (templates/partials/ai_chat.mustache) beside an
// editor or on the project page: the chats of this file (or project), send, the answer
// streamed in as text (textContent: never HTML), stop, copy, regenerate.  POST /api/ai/chat
// answers Server-Sent Events (fcgi/ai_chat.c): start, delta…, then done or error; a stream that
// ends without either is shown as failed, never as complete.
const root = document.getElementById('ai-chat');
const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || '';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** readEvents: call onEvent({event, id, data}) for each SSE event of a fetch Response. */
async function readEvents(res, onEvent) {
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += dec.decode(value, { stream: true });
    let at;
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, at);
      buf = buf.slice(at + 2);
      const ev = { event: 'message', id: null, data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const k = line.slice(0, i), v = line.slice(i + 1).replace(/^ /, '');
        if (k === 'event') ev.event = v; else if (k === 'id') ev.id = v; else if (k === 'data') ev.data += v;
      }
      if (ev.data) onEvent({ ...ev, data: JSON.parse(ev.data) });
    }
  }
}

function setup(box) {
  const project = root.dataset.project;
  const entityType = root.dataset.entityType || null;
  const entityUid = root.dataset.entityUid || null;
  const log = box.querySelector('.ai-chat-log');
  const form = box.querySelector('.ai-chat-form');
  const input = box.querySelector('.ai-chat-input');
  const sessions = box.querySelector('.ai-chat-sessions');
  const stopBtn = box.querySelector('.ai-chat-stop');
  const regenBtn = box.querySelector('.ai-chat-regenerate');
  let sessionUid = null, live = null, lastUserText = null;

  function addMessage(role, text, status) {
    const li = el('li', `ai-msg ai-msg-${role}`);
    li.dataset.testid = `ai-msg-${role}`;
    const body = el('div', 'ai-msg-text', text);
    li.append(body);
    const meta = el('div', 'ai-msg-meta');
    li.append(meta);
    if (role === 'assistant') {
      const copy = el('button', 'btn btn-small ai-msg-copy', 'Copy');
      copy.type = 'button';
      copy.addEventListener('click', () => navigator.clipboard?.writeText(body.textContent));
      li.append(copy);
    }
    if (status) setStatus(li, status);
    log.append(li);
    li.scrollIntoView?.({ block: 'end' });
    return li;
  }

  function setStatus(li, status, detail) {
    li.dataset.status = status;
    const meta = li.querySelector('.ai-msg-meta');
    const words = { streaming: 'Answering…', complete: '', partial: 'Partial answer', failed: 'Failed' };
    meta.textContent = [words[status] ?? status, detail].filter(Boolean).join(' · ');
  }

  async function loadSessions() {
    const q = new URLSearchParams({ project_uid: project });
    if (entityUid) q.set('entity_uid', entityUid);
    const res = await fetch(`/api/ai/sessions?${q}`);
    if (!res.ok) return;
    const { sessions: list } = await res.json();
    sessions.replaceChildren(el('option', '', 'New chat'));
    sessions.firstChild.value = '';
    for (const s of list) {
      const o = el('option', '', s.title);
      o.value = s.uid;
      sessions.append(o);
    }
    sessions.value = sessionUid || '';
  }

  async function openSession(uid) {
    sessionUid = uid || null;
    log.replaceChildren();
    if (!uid) return;
    const res = await fetch(`/api/ai/sessions/${encodeURIComponent(uid)}`);
    if (!res.ok) return;
    for (const m of (await res.json()).messages) {
      addMessage(m.role, m.content, m.role === 'assistant' ? m.status || 'failed' : null);
      if (m.role === 'user') lastUserText = m.content;
    }
    regenBtn.hidden = !lastUserText;
  }

  async function send(text) {
    if (live) return;
    lastUserText = text;
    const selection = String(window.getSelection?.() || '').slice(0, 20000) || null;
    addMessage('user', text);
    const li = addMessage('assistant', '', 'streaming');
    const body = li.querySelector('.ai-msg-text');
    live = { li, id: null, ended: false };
    stopBtn.hidden = false;
    regenBtn.hidden = true;
    try {
      const res = await fetch('/api/ai/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
        body: JSON.stringify({ session_uid: sessionUid, project_uid: project, entity_type: entityType,
          entity_uid: entityUid, message: text, selection_text: selection }),
      });
      if (!(res.headers.get('content-type') || '').startsWith('text/event-stream')) {
        const j = await res.json().catch(() => ({}));
        setStatus(li, 'failed', j.message || `HTTP ${res.status}`);
        live.ended = true;
        return;
      }
      await readEvents(res, ({ event, data }) => {
        if (event === 'start') {
          live.id = data.message_id;
          if (!sessionUid) { sessionUid = data.session_uid; loadSessions(); }
        } else if (event === 'delta') {
          body.textContent += data.text;
        } else if (event === 'done') {
          live.ended = true;
          setStatus(li, data.status, `${data.usage.input_tokens} + ${data.usage.output_tokens} tokens${data.estimated ? ' (estimated)' : ''} · $${data.cost}`);
        } else if (event === 'error') {
          live.ended = true;
          setStatus(li, body.textContent ? 'partial' : 'failed', data.message);
        }
      });
    } catch (e) {
      /* the connection broke: shown as failed below */
    } finally {
      if (!live.ended) setStatus(li, 'failed', 'The answer stopped before it finished.');
      live = null;
      stopBtn.hidden = true;
      regenBtn.hidden = false;
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send(text);
  });
  stopBtn.addEventListener('click', () => {
    if (live && live.id) fetch(`/api/ai/chat/${live.id}/stop`, { method: 'POST', headers: { 'X-CSRF-Token': csrf() } });
  });
  regenBtn.addEventListener('click', () => { if (lastUserText) send(lastUserText); });
  sessions.addEventListener('change', () => openSession(sessions.value));
  box.hidden = false;
  loadSessions();
}

if (root) {
  const box = root.querySelector('.ai-chat-box');
  if (box) setup(box);
}
