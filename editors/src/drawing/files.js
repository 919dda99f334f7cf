// drawing/files.js — images of a drawing live in the attachments table, not in its data.
// Contract:
//   uploadFile(api, file)  POST the bytes of an Excalidraw file (its data: URL) to
//     <api>/attachments (SVG and other types the server refuses are first drawn to PNG);
//     resolves to the stored URL ("/attachments/<uid>"); rejects with an Error whose
//     `retry` is true when the network failed (try again later);
//   loadFile(file)  an Excalidraw file whose dataURL is a stored URL, with the image fetched back
//     as a data: URL (so Excalidraw can draw and export it); null when it cannot be fetched
//     (or is not one of ours: an address on another origin stays stored but is not shown).
import { request } from '../../../static/js/lib/request.js';

const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function decode(dataURL) {
  const comma = dataURL.indexOf(',');
  const head = dataURL.slice(5, comma);
  const body = dataURL.slice(comma + 1);
  const mime = head.split(';')[0];
  if (!/;base64$/.test(head)) return { mime, bytes: new TextEncoder().encode(decodeURIComponent(body)) };
  const bin = atob(body);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { mime, bytes };
}

async function toPng(dataURL) {
  const img = new Image();
  img.src = dataURL;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth || 512; c.height = img.naturalHeight || 512;
  c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
  const blob = await new Promise((resolve) => c.toBlob(resolve, 'image/png'));
  return { mime: 'image/png', bytes: new Uint8Array(await blob.arrayBuffer()) };
}

export async function uploadFile(api, file) {
  let { mime, bytes } = decode(file.dataURL);
  if (!ACCEPTED.has(mime)) ({ mime, bytes } = await toPng(file.dataURL));
  let res;
  try {
    res = await request('POST', `${api}/attachments`, bytes, mime);
  } catch {
    const e = new Error('offline'); e.retry = true; throw e;
  }
  if (res.status === 201 && res.data && typeof res.data.url === 'string') return res.data.url;
  const e = new Error((res.data && res.data.message) || `HTTP ${res.status}`);
  e.retry = res.status >= 500 || res.status === 429;
  throw e;
}

export const isOwnUrl = (u) => typeof u === 'string' && u.startsWith('/') && !u.startsWith('//');

export async function loadFile(file) {
  if (!isOwnUrl(file.dataURL)) return null; // another origin: our CSP would refuse it anyway
  try {
    const res = await fetch(file.dataURL, { credentials: 'same-origin' });
    if (!res.ok) return null;
    const blob = await res.blob();
    const dataURL = await new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(r.result);
      r.onerror = () => reject(r.error);
      r.readAsDataURL(blob);
    });
    return { ...file, dataURL, mimeType: file.mimeType || blob.type };
  } catch {
    return null;
  }
}
