// note/images.js — images in notes are attachments, never inline base64. Contract:
//   IMAGE_TYPES  the MIME types the server accepts (PNG, JPEG, GIF, WebP);
//   imageFiles(dataTransfer)  the image Files of a paste or drop (possibly empty);
//   uploadImage(api, file) → {url} on success or {error: message}: POSTs the raw bytes to
//     `${api}/attachments` (Content-Type: the file's type, X-CSRF-Token) and reads the 201
//     {uid, url, mime, size}; never rejects.
//   insertImages(editor, api, files, announce)  uploads each file in turn and inserts
//     <img src="/attachments/…" alt="name"> at the selection; announce(text) reports progress
//     and errors to the user.
import { request } from '../../../static/js/lib/request.js';

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const MAX_BYTES = 5 * 1024 * 1024;

export function imageFiles(dt) {
  if (!dt || !dt.files) return [];
  return [...dt.files].filter((f) => f.type.startsWith('image/'));
}

export async function uploadImage(api, file) {
  if (!IMAGE_TYPES.includes(file.type)) return { error: `${file.name || 'this image'}: only PNG, JPEG, GIF and WebP images can be added` };
  if (file.size > MAX_BYTES) return { error: `${file.name || 'this image'} is larger than 5 MB` };
  let res;
  try {
    res = await request('POST', `${api}/attachments`, file, file.type);
  } catch {
    return { error: 'the image could not be uploaded (offline?)' };
  }
  if (res.status === 201 && res.data && typeof res.data.url === 'string' && res.data.url.startsWith('/attachments/')) return { url: res.data.url };
  if (res.status === 413) return { error: 'the image is larger than 5 MB' };
  return { error: (res.data && res.data.message) || `the image could not be uploaded (HTTP ${res.status})` };
}

export async function insertImages(editor, api, files, announce) {
  for (const file of files) {
    announce(`Uploading ${file.name || 'image'}…`);
    const r = await uploadImage(api, file);
    if (r.error) { announce(`Image not added: ${r.error}`); continue; }
    const alt = (file.name || '').replace(/\.[a-z0-9]+$/i, '');
    editor.chain().focus().setImage({ src: r.url, alt }).run();
    announce('Image added');
  }
}
