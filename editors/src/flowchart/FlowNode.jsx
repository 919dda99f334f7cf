// flowchart/FlowNode.jsx — the `custom` node: one of the eight shapes drawn in SVG (stretched to
// the node's box, strokes not scaled), its label, and a handle on each side (top/right/bottom/
// left, each both a source and a target, as ERD Builder Pro's nodes have). Double-click or Enter
// edits the label (Enter saves, Shift+Enter breaks the line, Escape cancels); which node is being
// edited comes from the editor through EditingContext, so nothing about it enters node data.
// Rectangle, oval and circle are a bordered box (rounded as needed), the others SVG paths.
import { memo, useEffect, useRef } from 'react';
import { Handle, Position, NodeResizer } from '@xyflow/react';
import { useContext } from 'react';
import { EditingContext } from './context.js';

const PATHS = {
  diamond: [['M50,2 L98,50 L50,98 L2,50 Z']],
  parallelogram: [['M20,2 L98,2 L80,98 L2,98 Z']],
  database: [['M2,15 L2,85 C2,95 98,95 98,85 L98,15'], ['M2,15 C2,5 98,5 98,15 C98,25 2,25 2,15 Z', 'cap'], ['M2,50 C2,60 98,60 98,50', 'line']],
  document: [['M2,2 L70,2 L98,30 L98,85 C98,93 90,98 85,98 L15,98 C7,98 2,93 2,85 Z'], ['M70,2 V30 H98', 'line']],
  cloud: [['M20,80 C5,80 5,60 15,50 C10,20 40,15 55,25 C65,5 95,10 95,40 C105,50 105,80 80,80 Z']],
};

function Shape({ shape, color }) {
  const fill = `${color}26`;
  const stroke = color;
  if (shape === 'oval' || shape === 'circle' || !PATHS[shape]) {
    return <div className="fc-shape fc-box" style={{ background: fill, borderColor: stroke }} aria-hidden="true" />;
  }
  return (
    <svg className="fc-shape" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
      {PATHS[shape].map(([d, part], i) => (
        <path key={i} d={d} fill={part === 'line' ? 'none' : part === 'cap' ? `${color}40` : fill} stroke={stroke}
          strokeWidth="2" vectorEffect="non-scaling-stroke" strokeLinejoin="round" opacity={part === 'line' && shape === 'database' ? 0.35 : 1} />
      ))}
    </svg>
  );
}

function LabelEditor({ id, label }) {
  const { finishEdit } = useContext(EditingContext);
  const ref = useRef(null);
  useEffect(() => { const t = ref.current; if (t) { t.focus(); t.select(); } }, []);
  return (
    <textarea ref={ref} className="fc-label-input nodrag nowheel" defaultValue={label} aria-label="Step label" data-testid="node-label-input"
      rows={Math.min(4, String(label).split('\n').length)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); finishEdit(id, e.currentTarget.value); }
        if (e.key === 'Escape') { e.preventDefault(); finishEdit(id, null); }
      }}
      onBlur={(e) => finishEdit(id, e.currentTarget.value)} />
  );
}

const SIDES = [['top', Position.Top], ['right', Position.Right], ['bottom', Position.Bottom], ['left', Position.Left]];

function FlowNode({ id, data, selected }) {
  const { editingId, startEdit } = useContext(EditingContext);
  const shape = typeof data.shape === 'string' ? data.shape : 'rectangle';
  const color = /^#[0-9a-fA-F]{6}$/.test(data.color) ? data.color : '#8b5cf6';
  const label = typeof data.label === 'string' ? data.label : '';
  return (
    <div className="fc-node" data-shape={shape} data-testid="fc-node" data-label={label} onDoubleClick={() => startEdit(id)}>
      <NodeResizer isVisible={selected} keepAspectRatio={shape === 'circle'} minWidth={shape === 'circle' ? 80 : 100}
        minHeight={shape === 'diamond' ? 100 : shape === 'circle' ? 80 : 60} color={color} />
      <Shape shape={shape} color={color} />
      {SIDES.map(([side, pos]) => [
        <Handle key={`${side}-t`} id={side} type="target" position={pos} className="fc-handle" />,
        <Handle key={`${side}-s`} id={side} type="source" position={pos} className="fc-handle" data-testid={`handle-${side}`} />,
      ])}
      {editingId === id ? <LabelEditor id={id} label={label} /> : <div className="fc-label">{label}</div>}
    </div>
  );
}

export default memo(FlowNode);
