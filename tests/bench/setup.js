// tests/bench/setup.js — data for `make bench`: a user with 100 projects (one of them holding
// 50 files of every kind: 20 small diagrams, 10 notes, 10 drawings, 10 flowcharts), a 500-table /
// 5,000-column diagram, the server time of each kind of save, and a 3,000-table DDL file; prints
// shell variables for bench.sh (times are plain numbers of milliseconds).
'use strict';
const fs = require('fs');
const { Client } = require('../lib/client.js');

// bigModel: ids are unique across diagrams, so each diagram gets its own prefix.
function bigModel(tables, colsPer, p = 'b') {
  const entities = [];
  const relationships = [];
  for (let t = 0; t < tables; t++) {
    const columns = [];
    for (let c = 0; c < colsPer; c++) {
      columns.push({ id: `c_${p}${t}_${c}`, name: c === 0 ? 'id' : `col_${c}`, type: c === 0 ? 'bigserial' : 'varchar(160)',
        is_pk: c === 0, is_nullable: c !== 0, is_unique: false, default: null, comment: null, enum_values: [] });
    }
    entities.push({ id: `e_${p}${t}`, name: `table_${t}`, x: (t % 25) * 300, y: Math.floor(t / 25) * 360, color: '#6366f1', comment: null, columns });
    if (t > 0) {
      relationships.push({ id: `r_${p}${t}`, source_entity_id: `e_${p}${t}`, target_entity_id: `e_${p}${Math.floor(t / 2)}`,
        source_column_id: `c_${p}${t}_1`, target_column_id: `c_${p}${Math.floor(t / 2)}_0`, source_handle: null, target_handle: null,
        type: 'one-to-many', label: null, on_delete: null, on_update: null });
    }
  }
  return { entities, relationships };
}

async function main() {
  const [baseUrl, outDir] = process.argv.slice(2);
  const c = new Client(baseUrl);
  await c.signup();
  let first;
  for (let i = 0; i < 99; i++) {   // 99 here + the busy one below: 100
    const uid = await c.createProject(`Project ${i}`);
    if (!first) first = uid;
  }
  // The project page's case: 50 files, the small diagrams with a few tables each.
  const busy = await c.createProject('Busy project');
  const mix = [['diagram', 20], ['note', 10], ['drawing', 10], ['flowchart', 10]];
  for (const [kind, n] of mix) {
    for (let i = 0; i < n; i++) {
      const uid = await c.createFile(busy, kind, `${kind} ${i}`);
      if (kind !== 'diagram') continue;
      const d = (await c.get(`/api/diagrams/${uid}`)).json();
      const r = await c.request('PUT', `/api/diagrams/${uid}`, { json: { _version: d._version, name: `diagram ${i}`, viewport: { x: 0, y: 0, zoom: 1 }, ...bigModel(8, 5, `s${i}_`) } });
      if (r.status !== 200) throw new Error(`small diagram save: ${r.status} ${r.text.slice(0, 300)}`);
    }
  }
  const diagram = await c.createFile(first, 'diagram', 'Big diagram');
  const cur = (await c.get(`/api/diagrams/${diagram}`)).json();
  const model = bigModel(500, 10);
  const t0 = Date.now();
  const put = await c.request('PUT', `/api/diagrams/${diagram}`, { json: { _version: cur._version, name: 'Big diagram', viewport: { x: 0, y: 0, zoom: 1 }, ...model } });
  const firstSave = Date.now() - t0;
  if (put.status !== 200) throw new Error(`big diagram save: ${put.status} ${put.text.slice(0, 300)}`);
  let version = put.status === 200 ? put.json()._version : cur._version;
  // Server time of each kind of save, from the app's log (median of the runs).
  const log = `${outDir}/log/app.log`;
  const saveTimes = async (runs, edit) => {
    const mark = fs.readFileSync(log, 'utf8').split('\n').length;
    for (let i = 0; i < runs && put.status === 200; i++) {
      const m = structuredClone(model);
      edit(m, i);
      const r = await c.request('PUT', `/api/diagrams/${diagram}`, { json: { _version: version, name: 'Big diagram', viewport: { x: 0, y: 0, zoom: 1 }, ...m } });
      if (r.status !== 200) throw new Error(`save: ${r.status} ${r.text.slice(0, 200)}`);
      version = r.json()._version;
    }
    const ms = fs.readFileSync(log, 'utf8').split('\n').slice(mark - 1)
      .filter((l) => l.includes(` PUT /api/diagrams/${diagram} 200 `))
      .map((l) => parseFloat(l.split(' ')[5])).sort((a, b) => a - b);
    return ms.length ? ms[Math.floor(ms.length / 2)].toFixed(1) : '-';
  };
  // Warm the connections first (each prepares the statements; PostgreSQL settles on a plan
  // after five runs), as on a server that has been up a while.
  const warm = Number(process.env.CARD_WORKERS || 2) * Number(process.env.CARD_THREADS || 16) * 6;
  await saveTimes(warm, (m, i) => { m.entities[3].x += i; m.entities[5].columns[2].name = `warm_${i}`; });
  const unchanged = await saveTimes(10, () => {});
  const oneTable = await saveTimes(10, (m, i) => {
    m.entities[7].x += 10 * (i + 1);
    m.entities[42].columns[3].name = `renamed_${i}`;
  });
  const allTables = await saveTimes(5, (m, i) => {
    for (const e of m.entities) e.columns[2].name = `all_${i}`;
  });
  let ddl = '';
  for (let t = 0; t < 3000; t++) {
    ddl += `CREATE TABLE t_${t} (\n  id bigserial PRIMARY KEY,\n  name varchar(120) NOT NULL,\n  created_at timestamptz DEFAULT now()` +
      (t > 0 ? `,\n  parent_id bigint REFERENCES t_${Math.floor(t / 3)}(id)` : '') + '\n);\n';
  }
  fs.writeFileSync(`${outDir}/ddl3000.sql`, ddl);
  const imp = await c.createFile(first, 'diagram', 'Import target');
  console.log(`COOKIE='sid=${c.cookies.get('sid')}'`);
  console.log(`CSRF='${c.csrf}'`);
  console.log(`DIAGRAM='${diagram}'`);
  console.log(`PROJECT='${busy}'`);
  console.log(`IMPORT_DIAGRAM='${imp}'`);
  console.log(`PUT_STATUS='${put.status}'`);
  console.log(`SAVE_FIRST_MS='${firstSave}'`);
  console.log(`SAVE_UNCHANGED_MS='${unchanged}'`);
  console.log(`SAVE_ONE_TABLE_MS='${oneTable}'`);
  console.log(`SAVE_ALL_TABLES_MS='${allTables}'`);
}
main().catch((e) => { console.error(e); process.exit(1); });
