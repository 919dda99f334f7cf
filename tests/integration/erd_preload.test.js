// tests/integration/erd_preload.test.js — the diagram page preloads exactly the modules its
// scripts import (templates/diagram.mustache's <link rel="modulepreload"> list, kept by hand so
// the editor's modules arrive in one round instead of three): every module reachable by static
// imports from the page's module scripts is preloaded, and nothing else is.  No stack needed.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const STATIC = path.join(ROOT, 'static');

/** imports: the relative modules a file imports statically (import … from '…' / import '…'). */
function imports(file) {
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"`;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    out.push(path.resolve(path.dirname(file), m[1] || m[2]));
  }
  return out;
}

test('the diagram page preloads exactly the modules its scripts import', () => {
  const tpl = fs.readFileSync(path.join(ROOT, 'templates', 'diagram.mustache'), 'utf8');
  const preloaded = new Set([...tpl.matchAll(/<link rel="modulepreload" href="\{\{static_url\}\}(\/[^"]+)">/g)]
    .map((m) => path.join(STATIC, m[1])));
  const scripts = [...tpl.matchAll(/<script type="module" src="\{\{static_url\}\}(\/[^"]+)">/g)].map((m) => path.join(STATIC, m[1]));
  assert.ok(scripts.length >= 1, 'the page has module scripts');
  const seen = new Set();
  const walk = (f) => {
    if (seen.has(f)) return;
    assert.ok(fs.existsSync(f), `${path.relative(STATIC, f)} exists`);
    seen.add(f);
    imports(f).forEach(walk);
  };
  scripts.forEach(walk);
  const rel = (s) => [...s].map((f) => path.relative(STATIC, f)).sort();
  assert.deepEqual(rel(preloaded), rel(seen));
});
