// flowchart/layout.js — auto-layout top to bottom with dagre. Contract: layoutTopDown(nodes,
// edges) returns the nodes (new objects) with positions from dagre's layered layout, each
// node's size taken from what React Flow measured (or its stored width/height, or a default).
import dagre from '@dagrejs/dagre';

const size = (n) => ({
  width: (n.measured && n.measured.width) || n.width || 150,
  height: (n.measured && n.measured.height) || n.height || 80,
});

export function layoutTopDown(nodes, edges) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, size(n));
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    const { width, height } = size(n);
    return { ...n, position: { x: Math.round(p.x - width / 2), y: Math.round(p.y - height / 2) } };
  });
}
