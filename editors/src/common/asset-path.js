// common/asset-path.js — where Excalidraw finds its fonts: our own copy in static/build/fonts/
// (editors/build.mjs copies it), never its CDN fallback. Imported before Excalidraw so the path
// is set when its first font loads. The folder is the one this bundle was served from.
const script = document.querySelector('script[src*="/build/drawing.js"]');
const here = script ? script.src : import.meta.url;
window.EXCALIDRAW_ASSET_PATH = here.replace(/\/build\/.*$/, '/build/');
