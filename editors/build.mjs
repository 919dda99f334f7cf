// editors/build.mjs — bundles each editor (editors/src/<name>.entry.js or .jsx) with esbuild into
// static/build/<name>.js (+ its CSS, fonts and lazy chunks), an ignored folder nginx serves under
// /static/<build id>/build/.  Our own editor code stays plain ES modules in static/js/; only the
// npm libraries (TipTap, Excalidraw, React Flow) and the small islands that mount them live here.
// Usage: node editors/build.mjs [OUT_DIR]   (default: static/build next to this folder)
import { build } from 'esbuild';
import { readdirSync, rmSync, mkdirSync, existsSync, cpSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, '..', 'static', 'build');
const src = join(here, 'src');
const entries = readdirSync(src).filter((f) => /\.entry\.jsx?$/.test(f)).map((f) => join(src, f));

// Excalidraw lists a CDN (esm.sh) after window.EXCALIDRAW_ASSET_PATH as a second source of each
// font; the browser then asks the CDN for fonts the page never draws, which our CSP refuses with
// an error each. Our copy is the only source: the fallback URL is dropped when bundling.
const FALLBACK = /(\w+)\.push\(new URL\(\w+,\w+\.ASSETS_FALLBACK_URL\)\)/g;
const noFontCdn = {
  name: 'excalidraw-no-font-cdn',
  setup(b) {
    b.onLoad({ filter: /@excalidraw[\/]excalidraw[\/]dist[\/]prod[\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return { contents: text.replace(FALLBACK, 'void 0'), loader: 'js' };
    });
  },
};

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
    plugins: [noFontCdn],
  });
}
// Excalidraw loads its fonts from window.EXCALIDRAW_ASSET_PATH + "fonts/…": ship our own copy
// (offline, and under our CSP a CDN would fail).
const fonts = join(here, 'node_modules', '@excalidraw', 'excalidraw', 'dist', 'prod', 'fonts');
if (entries.some((f) => /drawing/.test(f)) && existsSync(fonts)) cpSync(fonts, join(out, 'fonts'), { recursive: true });
console.log(`editors: ${entries.length} bundle(s) in ${out}`);
