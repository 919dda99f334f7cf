// static/js/ai/chat.js — the AI chat panel (templates/partials/ai_chat.mustache) beside an
// editor or on the project page: the chats of this file (or project), send, the answer
// streamed in as text (textContent: never HTML), stop, copy, regenerate, thumbs up/down; the
// chat's rename, delete and public link; applying an answer to the file (./apply.js) and, on an
// empty diagram, "Generate a diagram from a description".  POST /api/ai/chat
// answers Server-Sent Events (fcgi/ai_chat.c): start, delta…, then done or error; a stream that
// ends without either is shown as failed, never as complete.
import { actionsFor, generatePrompt } from './apply.js';

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
  const tools = box.querySelector('.ai-chat-session-tools');
  const publicBox = box.querySelector('.ai-chat-public');
  const link = box.querySelector('.ai-chat-link');
  const generateBtn = box.querySelector('.ai-chat-generate');
  const actions = actionsFor(entityType);
  let sessionUid = null, live = null, lastUserText = null, sessionTitle = '';

  const json = (method, url, body) => fetch(url, {
    method, credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, data: await res.json().catch(() => ({})) }));

  function showLink(isPublic, url) {
    publicBox.checked = !!isPublic;
    link.hidden = !(isPublic && url);
    if (url) { link.href = url; link.textContent = 'Share link'; }
  }

  /** vote buttons on an answer: one press sets it, pressing the same again clears it. */
  function addVotes(li, id, vote) {
    const wrap = el('span', 'ai-msg-votes');
    const set = (v) => {
      li.dataset.vote = v || '';
      for (const b of wrap.children) b.setAttribute('aria-pressed', String(b.dataset.vote === v));
    };
    for (const [v, text, label] of [['up', '\u{1F44D}', 'Good answer'], ['down', '\u{1F44E}', 'Bad answer']]) {
      const b = el('button', 'btn btn-small ai-msg-vote', text);
      b.type = 'button';
      b.dataset.vote = v;
      b.dataset.testid = `ai-vote-${v}`;
      b.setAttribute('aria-label', label);
      b.addEventListener('click', async () => {
        const next = li.dataset.vote === v ? null : v;
        const { status } = await json('PUT', `/api/ai/messages/${id}/vote`, { vote: next });
        if (status === 200) set(next);
      });
      wrap.append(b);
    }
    set(vote || null);
    li.append(wrap);
  }

  /** the apply buttons this view offers for an answer's text, and where their result shows. */
  function addActions(li, text) {
    const usable = actions.filter((a) => a.when(text));
    if (!usable.length || !entityUid) return;
    const bar = el('div', 'ai-msg-apply');
    const out = el('div', 'ai-msg-apply-result');
    out.dataset.testid = 'ai-apply-result';
    out.setAttribute('role', 'status');
    for (const a of usable) {
      const b = el('button', 'btn btn-small', a.label);
      b.type = 'button';
      b.dataset.testid = a.testid;
      b.addEventListener('click', async () => {
        b.disabled = true;
        const r = await a.run(entityUid, text).catch((e) => ({ ok: false, message: String(e.message || e) }));
        b.disabled = false;
        out.replaceChildren(el('p', r.ok ? 'ai-apply-ok' : 'ai-apply-error', r.message));
        out.dataset.state = r.ok ? 'ok' : 'error';
        if (r.preview) {
          const ul = el('ul', 'ai-apply-diff');
          ul.dataset.testid = 'ai-apply-diff';
          for (const line of r.preview.lines) ul.append(el('li', '', line));
          const pre = el('pre', 'ai-apply-sql', r.preview.sql);
          pre.dataset.testid = 'ai-apply-sql';
          out.append(ul, pre);
        }
        if (r.ok && r.reload) setTimeout(() => location.reload(), 600);
      });
      bar.append(b);
    }
    li.append(bar, out);
  }

  /** finishAnswer: an answer that is whole — votes (when stored) and apply buttons. */
  function finishAnswer(li, id, vote) {
    if (li.dataset.finished) return;
    li.dataset.finished = '1';
    if (id) { li.dataset.messageId = id; addVotes(li, id, vote); }
    if (li.dataset.status === 'complete') addActions(li, li.querySelector('.ai-msg-text').textContent);
  }

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
    tools.hidden = !sessionUid;
  }

  async function openSession(uid) {
    sessionUid = uid || null;
    log.replaceChildren();
    tools.hidden = !uid;
    if (!uid) return;
    const res = await fetch(`/api/ai/sessions/${encodeURIComponent(uid)}`);
    if (!res.ok) return;
    const chat = await res.json();
    sessionTitle = chat.title;
    showLink(chat.is_public, chat.share_url);
    for (const m of chat.messages) {
      const li = addMessage(m.role, m.content, m.role === 'assistant' ? m.status || 'failed' : null);
      if (m.role === 'assistant') finishAnswer(li, m.id, m.vote);
      if (m.role === 'user') lastUserText = m.content;
    }
    regenBtn.hidden = !lastUserText;
  }

  async function send(text, afterDone) {
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
          finishAnswer(li, data.message_id, null);
          if (afterDone && data.status === 'complete') afterDone(li);
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
  box.querySelector('.ai-chat-rename').addEventListener('click', async () => {
    const title = window.prompt('Name this chat', sessionTitle || '');
    if (!title || !sessionUid) return;
    const { status, data } = await json('PATCH', `/api/ai/sessions/${encodeURIComponent(sessionUid)}`, { title });
    if (status === 200) { sessionTitle = data.title; loadSessions(); }
  });
  box.querySelector('.ai-chat-delete').addEventListener('click', async () => {
    if (!sessionUid || !window.confirm('Delete this chat and its messages?')) return;
    const { status } = await json('DELETE', `/api/ai/sessions/${encodeURIComponent(sessionUid)}`);
    if (status === 200) { await openSession(null); loadSessions(); }
  });
  publicBox.addEventListener('change', async () => {
    if (!sessionUid) return;
    const { status, data } = await json('PATCH', `/api/ai/sessions/${encodeURIComponent(sessionUid)}`, { is_public: publicBox.checked });
    if (status === 200) showLink(data.is_public, data.share_url); else publicBox.checked = !publicBox.checked;
  });
  // An empty diagram: the description in the box becomes a request for PostgreSQL DDL, and
  // the answer's SQL is previewed at once (Apply imports it).
  if (entityType === 'diagram') {
    let empty = false;
    try { empty = !(JSON.parse(document.getElementById('erd-model')?.textContent || '{}').entities || []).length; } catch { /* not a diagram page */ }
    generateBtn.hidden = !empty;
    generateBtn.addEventListener('click', () => {
      const desc = input.value.trim();
      if (!desc) { input.placeholder = 'Describe the database to generate, then press Generate'; input.focus(); return; }
      input.value = '';
      send(generatePrompt(desc), (li) => li.querySelector('[data-testid="ai-apply-preview"]')?.click());
    });
  }
  box.hidden = false;
  loadSessions();
}

if (root) {
  const box = root.querySelector('.ai-chat-box');
  if (box) setup(box);
}
