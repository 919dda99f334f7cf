// tests/lib/client.js — a small cookie-keeping HTTP client for integration tests: it signs
// up (and then in), keeps the CSRF token of the last page it saw, and posts forms and JSON
// like a browser.
'use strict';
const http = require('http');

/** fromAddress: one HTTP exchange whose TCP connection starts at localAddress (any 127.0.0.x
 *  reaches the stack on Linux), answered like fetch: {status, headers: Headers, text}. */
function fromAddress(localAddress, url, { method, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve({ status: res.statusCode, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

class Client {
  /** opts.localAddress: send every request from this client address (e.g. '127.0.0.2'). */
  constructor(baseUrl, opts = {}) {
    this.baseUrl = baseUrl;
    this.localAddress = opts.localAddress || null;
    this.cookies = new Map();
    this.csrf = null;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keepCookies(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i).trim();
      const v = pair.slice(i + 1).trim();
      if (/max-age=0/i.test(c) || v === '') this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
  }

  /** request: {status, headers, text, json()}; never follows redirects. */
  async request(method, path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.cookies.size && !('Cookie' in headers)) headers.Cookie = this.cookieHeader();
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      if (!('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET' && method !== 'HEAD' && this.csrf && !('X-CSRF-Token' in headers)) {
      headers['X-CSRF-Token'] = this.csrf;
    }
    for (const k of Object.keys(headers)) if (headers[k] === null) delete headers[k];
    let res, text;
    if (this.localAddress) {
      res = await fromAddress(this.localAddress, this.baseUrl + path, { method, headers, body });
      text = res.text;
    } else {
      res = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual', signal: opts.signal });
      text = await res.text();
    }
    this.keepCookies(res);
    const m = /<meta name="csrf-token" content="([^"]*)"/.exec(text);
    if (m && m[1]) this.csrf = m[1];
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  get(path, opts) { return this.request('GET', path, opts); }

  /** postForm: urlencoded POST; csrf_token added unless fields.csrf_token === null. */
  async postForm(path, fields, opts = {}) {
    const f = { ...fields };
    if (!('csrf_token' in f)) f.csrf_token = this.csrf;
    if (f.csrf_token === null) delete f.csrf_token;
    const body = new URLSearchParams(f).toString();
    return this.request('POST', path, {
      ...opts,
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': null, ...(opts.headers || {}) },
    });
  }

  async signup(opts = {}) {
    Client.counter = (Client.counter || 0) + 1;
    const email = opts.email || `u${Date.now()}-${process.pid}-${Client.counter}@example.com`;
    const password = opts.password || 'correct horse battery';
    await this.get('/signup');
    const res = await this.postForm('/signup', { name: opts.name || `User ${Client.counter}`, email, password });
    if (res.status !== 303) throw new Error(`signup failed: ${res.status} ${res.text.slice(0, 300)}`);
    // A sign-up never signs in (a taken address would answer differently): sign in next.
    const login = await this.login(email, password);
    if (login.status !== 303) throw new Error(`sign-in after signup failed: ${login.status} ${login.text.slice(0, 300)}`);
    this.email = email;
    this.password = password;
    return { email, password };
  }

  async login(email, password) {
    await this.get('/login');
    const res = await this.postForm('/login', { email, password });
    if (res.status === 303) await this.get('/dashboard');
    return res;
  }

  async createProject(name, color = '#6366f1') {
    const res = await this.postForm('/projects', { name, color });
    if (res.status !== 303) throw new Error(`create project failed: ${res.status}`);
    const uid = res.headers.get('location').split('/').pop();
    await this.get(`/projects/${uid}`);
    return uid;
  }

  async createFile(projectUid, kind, title) {
    const res = await this.postForm(`/projects/${projectUid}/files`, { kind, title });
    if (res.status !== 303) throw new Error(`create file failed: ${res.status}`);
    return res.headers.get('location').split('/').pop();
  }
}

module.exports = { Client };
