// editors/build.mjs — bundles each editor (editors/src/<name>.entry.js or .jsx) with esbuild into
// static/build/<name>.js (+ its CSS, fonts and lazy chunks), an ignored folder nginx serves under
// /static/<build id>/build/.  Our own editor code stays plain ES modules in static/js/; only the
// npm libraries (TipTap, Excalidraw, React Flow) and the small islands that mount them live here.
// Usage: node editors/build.mjs [OUT_DIR]   (default: static/build next to this folder)
import { build } from 'esbuild';
import { readdirSync, rmSync, mkdirSync, existsSync, cpSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, '..', 'static', 'build');
const src = join(here, 'src');
const entries = readdirSync(src).filter((f) => /\.entry\.jsx?$/.test(f)).map((f) => join(src, f));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
if (entries.length) {
  await build({
    entryPoints: Object.fromEntries(entries.map((f) => [f.replace(/^.*\//, '').replace(/\.entry\.jsx?$/, ''), f])),
    outdir: out,
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    sourcemap: false,
    target: ['es2020'],
    conditions: ['production'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', 'process.env.IS_PREACT': '"false"' },
    loader: { '.woff2': 'file', '.ttf': 'file', '.woff': 'file', '.png': 'file', '.svg': 'file' },
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    logLevel: 'warning',
  });
}
// Excalidraw loads its fonts from window.EXCALIDRAW_ASSET_PATH + "fonts/…": ship our own copy
// (offline, and under our CSP a CDN would fail).
const fonts = join(here, 'node_modules', '@excalidraw', 'excalidraw', 'dist', 'prod', 'fonts');
if (entries.some((f) => /drawing/.test(f)) && existsSync(fonts)) cpSync(fonts, join(out, 'fonts'), { recursive: true });
console.log(`editors: ${entries.length} bundle(s) in ${out}`);
