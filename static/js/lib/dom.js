// lib/dom.js — building DOM and SVG nodes in one call. Contract:
//   h(tag, attrs, ...kids)  an HTML element; attrs: class → className, text → textContent,
//     value/checked set the property, true → empty attribute, null/undefined/false skipped;
//     kids (nested arrays flattened) are nodes or strings, null/undefined/false skipped.
//   svgEl(tag, attrs, parent)  an SVG element with attrs set (null/undefined skipped), appended
//     to parent when given.
//   svgIcon(d)  a 24×24 aria-hidden <svg> with one <path d>.

const SVG_NS = 'http://www.w3.org/2000/svg';

export function h(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  if (attrs) for (const k in attrs) {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else if (k === 'value') n.value = v;
    else if (k === 'checked') n.checked = !!v;
    else n.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined && c !== false) n.append(c);
  return n;
}

export function svgEl(tag, attrs, parent) {
  const n = document.createElementNS(SVG_NS, tag);
  if (attrs) for (const k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) n.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(n);
  return n;
}

export function svgIcon(d) {
  const s = svgEl('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' });
  svgEl('path', { d }, s);
  return s;
}
