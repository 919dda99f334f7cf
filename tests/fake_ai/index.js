// tests/fake_ai/index.js — start the fake provider (server.js) for a test: startFake() →
// {port, url, stats(), reset(), stop()}.
'use strict';
const path = require('path');
const { spawn } = require('child_process');

function startFake() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const { port } = JSON.parse(buf.slice(0, nl));
      const url = `http://127.0.0.1:${port}`;
      resolve({
        port, url,
        async stats() { return (await fetch(`${url}/_stats`)).json(); },
        async reset() { await fetch(`${url}/_reset`, { method: 'POST' }); },
        stop() { child.kill('SIGTERM'); },
      });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`fake provider exited (${code})`)));
  });
}

module.exports = { startFake };
