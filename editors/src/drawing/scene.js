// drawing/scene.js — ERD Builder Pro's stored drawing format, {elements, appState, files}, on
// the way in and out of Excalidraw. Contract:
//   readStored(data)   {elements, appState, files} from what the API holds: the object form, a
//                      bare element array (older data) or null;
//   liveAppState(st)   the stored app state Excalidraw may load (no collaborators, nothing volatile);
//   sceneData(stored, elements, appState, urls)   the data to save: live elements without
//                      deleted ones (Excalidraw keeps every field of an element, known or not),
//                      the stored app state with the persistent live settings on top, and the
//                      stored files plus uploaded ones — each file's dataURL a stored URL, never
//                      base64 (urls: file id → {file, url} of the images uploaded so far);
//   describe(a, b)     lines saying what changed between two saved data values.

// App-state keys that describe a moment of interaction, not the drawing: never saved or loaded.
const VOLATILE = new Set(['collaborators', 'cursorButton', 'openMenu', 'openPopup', 'openSidebar', 'openDialog',
  'selectedElementIds', 'previousSelectedElementIds', 'selectedGroupIds', 'editingGroupId', 'selectedLinearElement',
  'editingTextElement', 'editingLinearElement', 'newElement', 'resizingElement', 'multiElement', 'selectionElement',
  'isResizing', 'isRotating', 'isLoading', 'errorMessage', 'toast', 'contextMenu', 'pasteDialog', 'activeEmbeddable',
  'lastPointerDownWith', 'scrolledOutside', 'shouldCacheIgnoreZoom', 'draggingElement', 'startBoundElement',
  'suggestedBindings', 'frameToHighlight', 'elementsToHighlight', 'hoveredElementIds', 'snapLines', 'originSnapOffset',
  'userToFollow', 'followedBy', 'searchMatches', 'croppingElementId', 'isCropping', 'showHyperlinkPopup',
  'activeLockedId', 'fileHandle', 'width', 'height', 'offsetTop', 'offsetLeft', 'isBindingEnabled', 'viewModeEnabled',
  'penDetected', 'stats', 'activeTool']);

// Live settings worth keeping with the drawing (what a user chose, not what they are doing).
const KEEP = ['viewBackgroundColor', 'gridModeEnabled', 'gridSize', 'gridStep', 'zenModeEnabled', 'objectsSnapModeEnabled',
  'scrollX', 'scrollY', 'zoom', 'name', 'exportBackground', 'exportEmbedScene', 'exportWithDarkMode', 'exportScale',
  'currentItemStrokeColor', 'currentItemBackgroundColor', 'currentItemFillStyle', 'currentItemStrokeWidth',
  'currentItemStrokeStyle', 'currentItemRoughness', 'currentItemOpacity', 'currentItemFontFamily', 'currentItemFontSize',
  'currentItemTextAlign', 'currentItemStartArrowhead', 'currentItemEndArrowhead', 'currentItemRoundness',
  'currentItemArrowType'];

const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

export function readStored(data) {
  if (Array.isArray(data)) return { elements: data, appState: {}, files: {} };
  if (!isObject(data)) return { elements: [], appState: {}, files: {} };
  return {
    elements: Array.isArray(data.elements) ? data.elements : [],
    appState: isObject(data.appState) ? data.appState : {},
    files: isObject(data.files) ? data.files : {},
  };
}

function withoutVolatile(st) {
  const out = {};
  for (const k of Object.keys(st)) if (!VOLATILE.has(k)) out[k] = st[k];
  return out;
}

/** liveAppState: the stored app state to load (the page, not the drawing, picks the theme). */
export function liveAppState(st) {
  const { theme, ...rest } = withoutVolatile(st);
  return rest;
}

export const isDataUrl = (u) => typeof u === 'string' && u.startsWith('data:');

export function sceneData(stored, elements, appState, urls) {
  const st = withoutVolatile(stored.appState);
  if (appState) for (const k of KEEP) if (appState[k] !== undefined) st[k] = appState[k];
  const files = {};
  for (const [id, f] of Object.entries(stored.files)) if (isObject(f) && !isDataUrl(f.dataURL)) files[id] = f;
  for (const [id, { file, url }] of urls) if (!files[id]) files[id] = { ...file, dataURL: url };
  return { elements: elements.filter((e) => !e.isDeleted), appState: st, files };
}

const NAMES = { rectangle: 'rectangle', ellipse: 'ellipse', diamond: 'diamond', arrow: 'arrow', line: 'line',
  freedraw: 'freehand stroke', text: 'text', image: 'image', frame: 'frame', embeddable: 'embed' };
const name = (e) => (e.type === 'text' && e.text ? `text “${String(e.text).slice(0, 40)}”` : NAMES[e.type] || e.type);

export function describe(a, b) {
  const before = new Map(readStored(a).elements.map((e) => [e.id, e]));
  const after = new Map(readStored(b).elements.map((e) => [e.id, e]));
  const lines = [];
  const list = (xs) => xs.slice(0, 5).map(name).join(', ') + (xs.length > 5 ? `, … (${xs.length} in all)` : '');
  const added = [...after.values()].filter((e) => !before.has(e.id));
  const removed = [...before.values()].filter((e) => !after.has(e.id));
  const changed = [...after.values()].filter((e) => before.has(e.id) && JSON.stringify(before.get(e.id)) !== JSON.stringify(e));
  if (added.length) lines.push(`Added ${list(added)}`);
  if (changed.length) lines.push(`Changed ${list(changed)}`);
  if (removed.length) lines.push(`Removed ${list(removed)}`);
  return lines;
}
