// tests/fake_ai/server.js — a fake AI provider on loopback for the tests and `make bench`: it
// speaks OpenAI Chat Completions (POST …/chat/completions, stream: true, usage in a last chunk
// with empty choices, then data: [DONE]) and Gemini (POST …/models/{model}:streamGenerateContent
// ?alt=sse: each frame a whole response, usageMetadata and finishReason in the last, no [DONE]).
// The behaviour comes from the model name ("fake-slow", "gemini-fake-401" …: the word after the
// last "fake-") or the X-Fake-Behaviour header:
//   normal     four pieces, 5 ms apart            slow      a piece every 50 ms (20 pieces)
//   long       a piece every 50 ms (400 pieces)   401 / 429 / 500 / 404   that status, JSON error
//   malformed  two pieces, then a chunk that is not JSON        cut  three pieces, then the
//   connection is destroyed (no usage, no end)    utf8  multi-byte characters, one frame split
//   inside a character across two writes          usage  the usage-only last chunk comes alone
//   after a pause (OpenAI), or in a frame without text (Gemini)
//   sql        an answer with a ```sql block creating the table "invoices" (references users)
//   flow       an answer with a ```json block of {nodes, edges}: node "ai-check" and edge
//              "ai-e1" from "ai-check" to "1" (the default chart's first node)
//   md         a Markdown answer (a heading, bold text and a list) for a note
//   select     an answer with a ```sql block reading the Chinook artists (SELECT … FROM artist)
//   late       the normal answer after a 1 s pause (a provider slow to its first token)
// GET /_stats answers {requests, log: [{path, model, behaviour, auth, key_header, closed,
// finished, usage, started, ended}]}; POST /_reset clears it.  Usage reported: prompt tokens =
// ceil(request body bytes / 4), completion tokens = the pieces sent.
// Run: node server.js [port]; prints {"port": N} on its first line.
'use strict';
const http = require('http');

const log = [];
const PIECES = {
  normal: ['Hello', ', ', 'world', '!'],
  sql: ['Add an invoices table:\n\n```sql\n', 'CREATE TABLE invoices (\n  id serial PRIMARY KEY,\n',
    '  user_id integer REFERENCES users (id),\n  total numeric(12,2) NOT NULL\n);\n', '```\n'],
  flow: ['Add a check step:\n\n```json\n', '{"nodes": [{"id": "ai-check", "type": "custom", "position": {"x": 300, "y": 40}, ',
    '"data": {"label": "Check input", "shape": "diamond"}}],\n "edges": [{"id": "ai-e1", "source": "ai-check", "target": "1"}]}\n', '```\n'],
  md: ['## Summary\n\n', 'This is **important**.\n\n', '- one\n- two\n'],
  select: ['Here is the query:\n\n```sql\n', 'SELECT name FROM artist\n', 'ORDER BY name LIMIT 10;\n', '```\n'],
  utf8: ['h\u00e9llo ', 'w\u00f6rld ', '\u{1F600} ', '\u65e5\u672c'],
};

function behaviourOf(req, model) {
  const h = req.headers['x-fake-behaviour'];
  if (h) return h;
  const m = /fake-([a-z0-9]+)$/.exec(model || '');
  return m ? m[1] : 'normal';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pieces(b) {
  if (b === 'slow') return Array.from({ length: 20 }, (_, i) => `tok${i} `);
  if (b === 'long') return Array.from({ length: 400 }, (_, i) => `tok${i} `);
  if (PIECES[b]) return PIECES[b];
  return PIECES.normal;
}

const delayOf = (b) => (b === 'slow' || b === 'long' ? 50 : 5);

function openaiChunk(text) {
  return { id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] };
}
function geminiFrame(text, usage) {
  const f = { candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] };
  if (usage) { f.candidates[0].finishReason = 'STOP'; f.usageMetadata = usage; }
  return f;
}

async function stream(req, res, entry, wire, b, promptTokens) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  const list = pieces(b);
  if (b === 'late') await sleep(1000);
  const send = (obj) => { if (!entry.closed) res.write(`data: ${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n\n`); };
  let sent = 0;
  for (let i = 0; i < list.length; i++) {
    if (entry.closed) return;
    if (b === 'malformed' && i === 2) { send('{"choices": [ this is not json'); await sleep(20); res.end(); entry.finished = 'malformed'; return; }
    if (b === 'cut' && i === 3) { entry.finished = 'cut'; res.socket.destroy(); return; }
    const last = wire === 'gemini' && i === list.length - 1 && b !== 'usage';
    const usage = { promptTokenCount: promptTokens, candidatesTokenCount: list.length, totalTokenCount: promptTokens + list.length };
    const frame = wire === 'gemini' ? geminiFrame(list[i], last ? usage : null) : openaiChunk(list[i]);
    if (b === 'utf8' && i === 1) {            // split this frame inside a multi-byte character
      const bytes = Buffer.from(`data: ${JSON.stringify(frame)}\n\n`, 'utf8');
      const at = bytes.indexOf(0xc3) + 1;     // between the two bytes of "ö"
      res.write(bytes.subarray(0, at));
      await sleep(30);
      res.write(bytes.subarray(at));
    } else {
      send(frame);
    }
    sent++;
    if (last) entry.usage = { input: promptTokens, output: list.length };
    await sleep(delayOf(b));
  }
  if (entry.closed) return;
  if (b === 'usage') await sleep(100);
  if (wire === 'gemini') {
    if (b === 'usage') {
      send({ candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: promptTokens, candidatesTokenCount: sent, totalTokenCount: promptTokens + sent } });
      entry.usage = { input: promptTokens, output: sent };
    }
  } else {
    send({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [],
      usage: { prompt_tokens: promptTokens, completion_tokens: sent, total_tokens: promptTokens + sent } });
    entry.usage = { input: promptTokens, output: sent };
    send('[DONE]');
  }
  entry.finished = 'complete';
  res.end();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'GET' && url.pathname === '/_stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ requests: log.length, log }));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/_reset') { log.length = 0; res.end('{}'); return; }
  const chunks = [];
  req.on('data', (d) => chunks.push(d));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let json = {};
    try { json = JSON.parse(body.toString('utf8')); } catch (_) { /* answered below */ }
    const gem = /\/models\/([^/:]+):streamGenerateContent$/.exec(url.pathname);
    const wire = gem ? 'gemini' : 'openai';
    const model = gem ? decodeURIComponent(gem[1]) : json.model;
    const b = behaviourOf(req, model);
    const entry = {
      path: url.pathname + url.search, model, behaviour: b, wire,
      auth: req.headers.authorization || null, key_header: req.headers['x-goog-api-key'] || null,
      messages: json.messages || json.contents || null, system: json.systemInstruction || null,
      closed: false, closedAt: null, finished: null, usage: null, started: Date.now(), ended: null,
    };
    log.push(entry);
    res.on('close', () => {
      entry.ended = Date.now();
      if (!res.writableFinished) { entry.closed = true; entry.closedAt = Date.now(); }
    });
    if (!gem && !/\/chat\/completions$/.test(url.pathname)) { res.writeHead(404); res.end('{"error":{"message":"no such route"}}'); return; }
    const status = { 401: 401, 404: 404, 429: 429, 500: 500 }[b];
    if (status) {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake ${status}; key was ${entry.auth || entry.key_header}`, code: status } }));
      entry.finished = String(status);
      return;
    }
    stream(req, res, entry, wire, b, Math.ceil(body.length / 4)).catch(() => {});
  });
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
