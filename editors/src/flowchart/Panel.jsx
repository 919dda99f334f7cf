// flowchart/Panel.jsx — the properties of the one selected step (label, shape, colour from ERD
// Builder Pro's eight, delete) or connection (label, solid/dashed line, arrowheads, delete).
// Contract: <Panel node|edge onNode(id, patch, key) onEdge(id, fn, key) onDelete() />; patches
// are merged into node.data, edge changes are a function of the edge (model.with*).
import { SHAPES, COLORS, COLOR_NAMES, ARROWS, arrowOf, isDashed, withArrow, withDash, withLabel } from './model.js';

function NodePanel({ node, onNode, onDelete }) {
  const d = node.data || {};
  return (
    <form className="fc-panel" aria-label="Step properties" data-testid="node-panel" onSubmit={(e) => e.preventDefault()}>
      <h2 className="fc-panel-title">Step</h2>
      <label className="fc-field"><span>Label</span>
        <textarea rows={2} value={typeof d.label === 'string' ? d.label : ''} data-testid="node-label"
          onChange={(e) => onNode(node.id, { label: e.target.value }, `label:${node.id}`)} />
      </label>
      <label className="fc-field"><span>Shape</span>
        <select value={SHAPES[d.shape] ? d.shape : 'rectangle'} data-testid="node-shape" onChange={(e) => onNode(node.id, { shape: e.target.value })}>
          {Object.entries(SHAPES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select>
      </label>
      <fieldset className="fc-field fc-colors"><legend>Colour</legend>
        {COLORS.map((c, i) => (
          <label key={c} className="fc-swatch" title={COLOR_NAMES[i]}>
            <input type="radio" name="fc-color" value={c} checked={d.color === c} data-testid={`color-${c.slice(1)}`}
              onChange={() => onNode(node.id, { color: c })} />
            <span className="fc-swatch-chip" style={{ background: c }} aria-hidden="true" />
            <span className="visually-hidden">{COLOR_NAMES[i]}</span>
          </label>
        ))}
      </fieldset>
      <button type="button" className="btn btn-danger fc-delete" data-testid="delete-selection" onClick={onDelete}>Delete step</button>
    </form>
  );
}

function EdgePanel({ edge, onEdge, onDelete }) {
  return (
    <form className="fc-panel" aria-label="Connection properties" data-testid="edge-panel" onSubmit={(e) => e.preventDefault()}>
      <h2 className="fc-panel-title">Connection</h2>
      <label className="fc-field"><span>Label</span>
        <input type="text" value={typeof edge.label === 'string' ? edge.label : ''} placeholder="e.g. Yes, No" data-testid="edge-label"
          onChange={(e) => { const v = e.target.value; onEdge(edge.id, (x) => withLabel(x, v), `elabel:${edge.id}`); }} />
      </label>
      <label className="fc-field"><span>Line</span>
        <select value={isDashed(edge) ? 'dashed' : 'solid'} data-testid="edge-line" onChange={(e) => { const v = e.target.value; onEdge(edge.id, (x) => withDash(x, v === 'dashed')); }}>
          <option value="solid">Solid line</option>
          <option value="dashed">Dashed line</option>
        </select>
      </label>
      <label className="fc-field"><span>Arrows</span>
        <select value={arrowOf(edge)} data-testid="edge-arrow" onChange={(e) => { const v = e.target.value; onEdge(edge.id, (x) => withArrow(x, v)); }}>
          {Object.entries(ARROWS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select>
      </label>
      <button type="button" className="btn btn-danger fc-delete" data-testid="delete-selection" onClick={onDelete}>Delete connection</button>
    </form>
  );
}

export function Panel({ node, edge, onNode, onEdge, onDelete }) {
  if (node) return <NodePanel node={node} onNode={onNode} onDelete={onDelete} />;
  if (edge) return <EdgePanel edge={edge} onEdge={onEdge} onDelete={onDelete} />;
  return (
    <div className="fc-panel fc-panel-empty" data-testid="panel-empty">
      <p>Select a step or a connection to edit it. Drag from a handle on a step’s side to another step to connect them; double-click a step (or press Enter) to rename it.</p>
    </div>
  );
}
