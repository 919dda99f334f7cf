// tests/bench/extra/docs-setup.js — data for the notes, drawings, flowcharts and share-page rows
// of `make bench` (issues 9, 10, 11): in the bench's busy project, a 50-page note (TipTap HTML:
// headings, paragraphs with marks and links, bullet/ordered/task lists, quotes, code, tables), a
// 5,000-element drawing (every drawn element type), a 500-node flowchart (every shape, 600
// edges) and a 100-table diagram, each shared publicly; prints shell variables for docs.sh.
// Usage: node docs-setup.js BASE_URL PROJECT_UID COOKIE CSRF
'use strict';
const { Client } = require('../../lib/client.js');

/** notePage: one printed page of a TipTap note (~3.5 KB of HTML), page n. */
function notePage(n) {
  const p = (i) => `<p>Section ${n}.${i}: the <strong>orders</strong> service writes each <em>order</em> row ` +
    `once, then <s>updates</s> appends <code>order_events</code>; see <a target="_blank" rel="noopener noreferrer nofollow" ` +
    `href="https://example.com/docs/${n}/${i}">the design notes</a> and <span style="color: #dc2626">the open ` +
    `questions</span> before changing the schema. Retention is ninety days, after which rows move to cold storage.</p>`;
  const li = (i) => `<li><p>Item ${i} of page ${n}: a customer may hold several addresses</p></li>`;
  const task = (i) => `<li data-checked="${i % 2 ? 'true' : 'false'}" data-type="taskItem"><label><input type="checkbox"` +
    `${i % 2 ? ' checked="checked"' : ''}><span></span></label><div><p>Task ${i} on page ${n}</p></div></li>`;
  const cell = (tag, r, c) => `<${tag} colspan="1" rowspan="1"><p>${tag === 'th' ? 'Column' : 'value'} ${r}.${c}</p></${tag}>`;
  const row = (tag, r) => `<tr>${[0, 1, 2, 3].map((c) => cell(tag, r, c)).join('')}</tr>`;
  return `<h2>Page ${n}</h2>${p(1)}${p(2)}<h3>Details</h3>${p(3)}` +
    `<ul>${[1, 2, 3, 4, 5].map(li).join('')}</ul>` +
    `<ol>${[1, 2, 3].map(li).join('')}</ol>` +
    `<ul data-type="taskList">${[1, 2, 3, 4].map(task).join('')}</ul>` +
    `<blockquote><p>Quoted decision ${n}: keep the audit trail.</p></blockquote>` +
    `<pre><code class="language-sql">SELECT id, total FROM orders WHERE id = ${n};</code></pre>` +
    `<table style="min-width: 100px"><colgroup><col><col><col><col></colgroup><tbody>${row('th', 0)}` +
    `${[1, 2, 3, 4, 5].map((r) => row('td', r)).join('')}</tbody></table>${p(4)}<hr>`;
}

/** drawing: n Excalidraw 0.18 elements of every drawn type, laid out on a grid. */
function drawing(n) {
  const types = ['rectangle', 'ellipse', 'diamond', 'line', 'arrow', 'freedraw', 'text'];
  const elements = [];
  for (let i = 0; i < n; i++) {
    const type = types[i % types.length];
    const x = (i % 70) * 160;
    const y = Math.floor(i / 70) * 140;
    const e = {
      id: `el${i}`, type, x, y, width: 120, height: 80, angle: i % 11 === 0 ? 0.3 : 0,
      strokeColor: '#1e1e1e', backgroundColor: i % 3 ? 'transparent' : '#a5d8ff', fillStyle: 'solid',
      strokeWidth: 2, strokeStyle: i % 5 === 0 ? 'dashed' : 'solid', roughness: 1, opacity: 100,
      groupIds: [], frameId: null, roundness: type === 'rectangle' ? { type: 3 } : null, seed: i + 1,
      version: 1, versionNonce: i + 7, isDeleted: false, boundElements: null, updated: 1700000000000,
      link: null, locked: false,
    };
    if (type === 'line' || type === 'arrow') {
      e.points = [[0, 0], [60, 40], [120, 80]];
      e.startArrowhead = null;
      e.endArrowhead = type === 'arrow' ? 'arrow' : null;
    } else if (type === 'freedraw') {
      e.points = Array.from({ length: 24 }, (_, k) => [k * 5, Math.round(30 * Math.sin(k / 3))]);
      e.pressures = [];
      e.simulatePressure = true;
    } else if (type === 'text') {
      Object.assign(e, { text: `Label ${i} <&>`, originalText: `Label ${i} <&>`, fontSize: 20, fontFamily: 5,
        textAlign: 'left', verticalAlign: 'top', containerId: null, lineHeight: 1.25, autoResize: true });
    }
    elements.push(e);
  }
  return { elements, appState: { viewBackgroundColor: '#ffffff', gridSize: 20 }, files: {} };
}

/** flowchart: n React Flow nodes in ERD Builder Pro's eight shapes, a tree of edges plus cross links. */
function flowchart(n) {
  const shapes = ['rectangle', 'oval', 'diamond', 'parallelogram', 'database', 'document', 'cloud', 'circle'];
  const colors = ['#6366f1', '#10b981', '#f59e0b', '#ef4444', '#3b82f6', '#8b5cf6', '#ec4899', '#64748b'];
  const nodes = [];
  const edges = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ id: `n${i}`, type: 'custom', position: { x: (i % 25) * 220, y: Math.floor(i / 25) * 160 },
      data: { label: `Step ${i} <check>`, shape: shapes[i % 8], color: colors[i % 8] }, width: 150, height: 60 });
    if (i > 0) {
      edges.push({ id: `e${i}`, source: `n${Math.floor((i - 1) / 2)}`, target: `n${i}`, sourceHandle: 'bottom',
        targetHandle: 'top', type: 'smoothstep', label: i % 4 ? undefined : `yes ${i}`,
        style: i % 3 ? undefined : { strokeDasharray: '5,5' }, markerEnd: { type: 'arrowclosed' } });
    }
    if (i % 5 === 4 && i + 7 < n) {
      edges.push({ id: `x${i}`, source: `n${i}`, target: `n${i + 7}`, sourceHandle: 'right', targetHandle: 'left',
        type: 'smoothstep', markerEnd: { type: 'arrowclosed' }, markerStart: { type: 'arrowclosed' } });
    }
  }
  return { nodes, edges };
}

/** diagram: tables × 8 columns, each table linked to an earlier one. */
function diagram(tables) {
  const entities = [];
  const relationships = [];
  for (let t = 0; t < tables; t++) {
    const columns = [];
    for (let c = 0; c < 8; c++) {
      columns.push({ id: `c_d${t}_${c}`, name: c === 0 ? 'id' : `col_${c}`, type: c === 0 ? 'bigserial' : 'varchar(160)',
        is_pk: c === 0, is_nullable: c !== 0, is_unique: false, default: null, comment: null, enum_values: [] });
    }
    entities.push({ id: `e_d${t}`, name: `table_${t}`, x: (t % 10) * 300, y: Math.floor(t / 10) * 320, color: '#6366f1', comment: null, columns });
    if (t > 0) {
      relationships.push({ id: `r_d${t}`, source_entity_id: `e_d${t}`, target_entity_id: `e_d${Math.floor(t / 2)}`,
        source_column_id: `c_d${t}_1`, target_column_id: `c_d${Math.floor(t / 2)}_0`, source_handle: null, target_handle: null,
        type: 'one-to-many', label: null, on_delete: null, on_update: null });
    }
  }
  return { entities, relationships };
}

async function put(c, path, body) {
  const cur = (await c.get(path)).json();
  const r = await c.request('PUT', path, { json: { ...body, _version: cur._version } });
  if (r.status !== 200) throw new Error(`PUT ${path}: ${r.status} ${r.text.slice(0, 300)}`);
}

async function share(c, kind, uid) {
  const r = await c.request('POST', `/api/${kind}s/${uid}/share`, { json: { is_public: true, expiry_date: null, regenerate: false } });
  if (r.status !== 200) throw new Error(`share ${kind}: ${r.status} ${r.text.slice(0, 300)}`);
  return new URL(r.json().share_url, c.baseUrl).pathname;
}

async function main() {
  const [base, project, cookie, csrf] = process.argv.slice(2);
  const c = new Client(base);
  const [k, v] = cookie.split('=');
  c.cookies.set(k, v);
  c.csrf = csrf;
  const out = {};
  const note = await c.createFile(project, 'note', 'Bench note, 50 pages');
  let html = '';
  for (let n = 1; n <= 50; n++) html += notePage(n);
  await put(c, `/api/notes/${note}`, { title: 'Bench note, 50 pages', content: html });
  out.NOTE50 = note;
  out.NOTE50_BYTES = html.length;
  const draw = await c.createFile(project, 'drawing', 'Bench drawing, 5000 elements');
  const dd = drawing(5000);
  await put(c, `/api/drawings/${draw}`, { title: 'Bench drawing, 5000 elements', data: dd });
  out.DRAW5000 = draw;
  out.DRAW5000_BYTES = JSON.stringify(dd).length;
  const flow = await c.createFile(project, 'flowchart', 'Bench flowchart, 500 nodes');
  const fd = flowchart(500);
  await put(c, `/api/flowcharts/${flow}`, { title: 'Bench flowchart, 500 nodes', data: fd });
  out.FLOW500 = flow;
  out.FLOW500_EDGES = fd.edges.length;
  const dia = await c.createFile(project, 'diagram', 'Bench diagram, 100 tables');
  await put(c, `/api/diagrams/${dia}`, { name: 'Bench diagram, 100 tables', viewport: { x: 0, y: 0, zoom: 1 }, ...diagram(100) });
  out.DIAGRAM100 = dia;
  out.SHARE_DIAGRAM100 = await share(c, 'diagram', dia);
  out.SHARE_NOTE50 = await share(c, 'note', note);
  out.SHARE_DRAW5000 = await share(c, 'drawing', draw);
  out.SHARE_FLOW500 = await share(c, 'flowchart', flow);
  for (const [name, val] of Object.entries(out)) console.log(`${name}='${val}'`);
}
main().catch((e) => { console.error(e); process.exit(1); });
