// flowchart.entry.jsx — the flowchart editor island: React Flow 12 on the page contract of
// common/island.js, editing ERD Builder Pro's {nodes, edges} (flowchart/model.js): a palette of
// the eight shapes, labels and colours, connections between side handles with label, dash and
// arrowheads, delete, undo/redo (lib/history.js), dagre auto-layout, minimap and controls;
// autosaved through common/docsaver.js. globalThis.cardinalityFlowchart exposes the React Flow
// instance (tests and debugging).
import '@xyflow/react/dist/style.css';
import './flowchart.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { createRoot } from 'react-dom/client';
import {
  ReactFlow, ReactFlowProvider, MiniMap, Controls, Background, SmoothStepEdge,
  applyNodeChanges, applyEdgeChanges, useReactFlow,
} from '@xyflow/react';
import { History } from '../../static/js/lib/history.js';
import { openIsland } from './common/island.js';
import { DocSaver } from './common/docsaver.js';
import FlowNode from './flowchart/FlowNode.jsx';
import { EditingContext } from './flowchart/context.js';
import { Panel } from './flowchart/Panel.jsx';
import { layoutTopDown } from './flowchart/layout.js';
import { SHAPES, SHORT, readStored, savedData, newNode, newEdge, describe } from './flowchart/model.js';

const nodeTypes = { custom: FlowNode };
// Edges saved without a type (ERD Builder Pro's default chart) are drawn like the rest: smoothstep.
const edgeTypes = { default: SmoothStepEdge };
const freshId = (p) => `${p}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
const typing = (t) => t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);

/** Chart: the document between React and the saver (getData reads the latest render). */
class Chart {
  constructor(island) {
    const s = readStored(island.doc.data);
    this.island = island; this.nodes = s.nodes; this.edges = s.edges; this.seeded = s.seeded;
    this.ready = false; this.show = null;
    this.saver = new DocSaver({
      kind: 'flowchart', uid: island.uid, api: island.api, doc: island.doc, statusEl: island.status,
      getData: () => savedData(this.nodes, this.edges),
      applyData: (d) => { const r = readStored(d); if (this.show) this.show(r.nodes, r.edges); },
      describe,
    });
  }
}

const ICONS = {
  rectangle: <rect x="3" y="6" width="18" height="12" rx="2" />,
  oval: <rect x="2" y="7" width="20" height="10" rx="5" />,
  diamond: <path d="M12 3 21 12 12 21 3 12Z" />,
  parallelogram: <path d="M7 6h14l-4 12H3Z" />,
  database: <path d="M4 6c0-3 16-3 16 0v12c0 3-16 3-16 0ZM4 6c0 3 16 3 16 0" />,
  document: <path d="M4 3h11l5 5v11a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2Z M15 3v5h5" />,
  cloud: <path d="M7 18a4 4 0 0 1-.5-8A6 6 0 0 1 18 9a4.5 4.5 0 0 1 0 9Z" />,
  circle: <circle cx="12" cy="12" r="8" />,
};
const Icon = ({ children }) => <svg viewBox="0 0 24 24" aria-hidden="true" className="fc-icon">{children}</svg>;

function Editor({ chart }) {
  const [nodes, setNodes] = useState(chart.nodes);
  const [edges, setEdges] = useState(chart.edges);
  const [editingId, setEditingId] = useState(null);
  const history = useRef(new History()).current;
  const [, setTick] = useState(0);
  const flow = useReactFlow();
  const wrap = useRef(null);
  const latest = useRef({ nodes, edges });
  latest.current = { nodes, edges };

  chart.nodes = nodes; chart.edges = edges;
  chart.show = (n, e) => { setNodes(n); setEdges(e); };
  useEffect(() => { if (chart.ready) chart.saver.changed(); }, [nodes, edges, chart]);

  const record = useCallback((key = null) => {
    history.record(savedData(latest.current.nodes, latest.current.edges), key);
    setTick((t) => t + 1);
  }, [history]);

  const step = (dir) => {
    const now = savedData(latest.current.nodes, latest.current.edges);
    const to = dir < 0 ? history.undo(now) : history.redo(now);
    if (!to) return;
    setNodes(to.nodes); setEdges(to.edges); setTick((t) => t + 1);
  };

  const onNodesChange = useCallback((changes) => {
    if (changes.some((c) => c.type === 'dimensions' && c.resizing)) record(`resize:${changes[0].id}`);
    setNodes((ns) => applyNodeChanges(changes, ns));
  }, [record]);
  const onEdgesChange = useCallback((changes) => setEdges((es) => applyEdgeChanges(changes, es)), []);
  const onConnect = useCallback((c) => {
    record();
    setEdges((es) => es.concat(newEdge(c, freshId('e'))));
  }, [record]);

  const addNode = (shape) => {
    record();
    const b = wrap.current.getBoundingClientRect();
    const p = flow.screenToFlowPosition({ x: b.left + b.width / 2, y: b.top + b.height / 2 });
    // the middle of the view, moved right and down until it covers no other step
    let at = { x: Math.round(p.x - 70), y: Math.round(p.y - 40) };
    const box = (n) => ({ x: n.position.x, y: n.position.y, w: (n.measured && n.measured.width) || n.width || 150, h: (n.measured && n.measured.height) || n.height || 80 });
    const hits = (q) => latest.current.nodes.some((n) => { const r = box(n); return q.x < r.x + r.w + 16 && r.x < q.x + 166 && q.y < r.y + r.h + 16 && r.y < q.y + 106; });
    for (let i = 0; i < 40 && hits(at); i++) at = { x: at.x + 60, y: at.y + (i % 2 ? 40 : 0) };
    const n = { ...newNode(shape, at, freshId('n')), selected: true };
    setNodes((ns) => ns.map((x) => (x.selected ? { ...x, selected: false } : x)).concat(n));
    setEdges((es) => es.map((x) => (x.selected ? { ...x, selected: false } : x)));
  };

  const selNodes = nodes.filter((n) => n.selected);
  const selEdges = edges.filter((e) => e.selected);
  const deleteSelection = () => { flow.deleteElements({ nodes: selNodes, edges: selEdges }); };

  const patchNode = (id, patch, key) => {
    record(key || null);
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
  };
  const patchEdge = (id, fn, key) => {
    record(key || null);
    setEdges((es) => es.map((e) => (e.id === id ? fn(e) : e)));
  };

  const layout = () => {
    record();
    setNodes((ns) => layoutTopDown(ns, latest.current.edges));
    requestAnimationFrame(() => requestAnimationFrame(() => flow.fitView({ padding: 0.15, duration: 200 })));
  };

  const editing = useMemo(() => ({
    editingId,
    startEdit: (id) => setEditingId(id),
    finishEdit: (id, text) => {
      setEditingId(null);
      const n = latest.current.nodes.find((x) => x.id === id);
      if (text !== null && n && text !== n.data.label) patchNode(id, { label: text });
      requestAnimationFrame(() => wrap.current && wrap.current.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"]`)?.focus());
    },
  }), [editingId]); // eslint-disable-line react-hooks/exhaustive-deps

  const onKeyDown = (e) => {
    if (typing(e.target)) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (mod && k === 'z') { e.preventDefault(); step(e.shiftKey ? 1 : -1); }
    else if (mod && k === 'y') { e.preventDefault(); step(1); }
    else if (e.key === 'Enter' && selNodes.length === 1) { e.preventDefault(); setEditingId(selNodes[0].id); }
  };

  const onInit = (instance) => {
    globalThis.cardinalityFlowchart = { flow: instance, chart };
    setTimeout(() => {
      chart.saver.rebase();
      chart.ready = true;
      if (chart.seeded) chart.saver.changed(true);
      chart.saver.restorePending();
      chart.island.root.dataset.ready = 'true';
    }, 400);
  };

  const toolbar = (
    <div className="fc-toolbar" role="toolbar" aria-label="Flowchart tools">
      <span className="fc-group" role="group" aria-label="Add a step">
        {Object.keys(SHAPES).map((s) => (
          <button key={s} type="button" className="fc-tool" data-testid={`add-${s}`} aria-label={`Add ${SHAPES[s]}`} title={`Add ${SHAPES[s]}`} onClick={() => addNode(s)}>
            <Icon>{ICONS[s]}</Icon><span className="fc-tool-text">{SHORT[s]}</span>
          </button>
        ))}
      </span>
      <span className="fc-sep" aria-hidden="true" />
      <button type="button" className="fc-tool" data-testid="undo" aria-label="Undo" title="Undo (Ctrl+Z)" aria-keyshortcuts="Control+Z" disabled={!history.canUndo} onClick={() => step(-1)}>
        <Icon><path d="M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11" /></Icon>
      </button>
      <button type="button" className="fc-tool" data-testid="redo" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" aria-keyshortcuts="Control+Shift+Z Control+Y" disabled={!history.canRedo} onClick={() => step(1)}>
        <Icon><path d="m15 14 5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13" /></Icon>
      </button>
      <button type="button" className="fc-tool" data-testid="delete" aria-label="Delete selection" title="Delete selection (Delete)" aria-keyshortcuts="Delete" disabled={!selNodes.length && !selEdges.length} onClick={deleteSelection}>
        <Icon><path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" /></Icon>
      </button>
      <span className="fc-sep" aria-hidden="true" />
      <button type="button" className="fc-tool" data-testid="auto-layout" aria-label="Auto-layout top to bottom" title="Auto-layout top to bottom" onClick={layout}>
        <Icon><path d="M9 3h6v5H9zM3 16h6v5H3zM15 16h6v5h-6zM12 8v4M6 16v-4h12v4" /></Icon><span className="fc-tool-text">Layout</span>
      </button>
      <button type="button" className="fc-tool" data-testid="fit" aria-label="Fit to screen" title="Fit to screen" onClick={() => flow.fitView({ padding: 0.15, duration: 200 })}>
        <Icon><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" /></Icon>
      </button>
    </div>
  );

  return (
    <EditingContext.Provider value={editing}>
      {createPortal(toolbar, chart.island.tools)}
      <div className="fc-body">
        <div className="fc-canvas" ref={wrap} onKeyDown={onKeyDown} data-testid="fc-canvas">
          <ReactFlow
            nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes}
            onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onConnect={onConnect}
            onNodeDragStart={() => record()} onBeforeDelete={async () => { record(); return true; }}
            onInit={onInit} fitView fitViewOptions={{ padding: 0.15 }} colorMode="system"
            deleteKeyCode={['Delete', 'Backspace']} minZoom={0.1} maxZoom={2.5}
            defaultEdgeOptions={{ type: 'smoothstep' }} zoomOnDoubleClick={false}
          >
            <MiniMap pannable zoomable nodeColor={(n) => (n.data && n.data.color) || '#8b5cf6'} ariaLabel="Minimap" />
            <Controls showInteractive={false} />
            <Background gap={24} />
          </ReactFlow>
        </div>
        <aside className="fc-side" aria-label="Properties">
          <Panel node={selNodes.length === 1 && !selEdges.length ? selNodes[0] : null}
            edge={selEdges.length === 1 && !selNodes.length ? selEdges[0] : null}
            onNode={patchNode} onEdge={patchEdge} onDelete={deleteSelection} />
        </aside>
      </div>
    </EditingContext.Provider>
  );
}

const island = openIsland('flowchart');
if (island) {
  const chart = new Chart(island);
  createRoot(island.mount).render(<ReactFlowProvider><Editor chart={chart} /></ReactFlowProvider>);
}
