// drawing.entry.jsx — the drawing editor island: Excalidraw 0.18 (everything it offers except the
// shape library) on the page contract of common/island.js, light or dark as the page is, saving
// ERD Builder Pro's {elements, appState, files} through common/docsaver.js. Images added in the
// editor are uploaded to the attachments API and saved as their /attachments/… URLs; stored
// ones are fetched back for display. globalThis.cardinalityDrawing exposes the Excalidraw API
// (tests and debugging).
import './common/asset-path.js';
import '@excalidraw/excalidraw/index.css';
import './drawing.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Excalidraw, MainMenu, WelcomeScreen, THEME } from '@excalidraw/excalidraw';
import { openIsland, showNote } from './common/island.js';
import { DocSaver } from './common/docsaver.js';
import { readStored, liveAppState, sceneData, describe, isDataUrl } from './drawing/scene.js';
import { uploadFile, loadFile, isOwnUrl } from './drawing/files.js';

const dark = window.matchMedia('(prefers-color-scheme: dark)');

function usePageTheme() {
  const [theme, setTheme] = useState(dark.matches ? THEME.DARK : THEME.LIGHT);
  useEffect(() => {
    const on = () => setTheme(dark.matches ? THEME.DARK : THEME.LIGHT);
    dark.addEventListener('change', on);
    return () => dark.removeEventListener('change', on);
  }, []);
  return theme;
}

/** Drawing: owns the live scene (refs, not state: Excalidraw reports every pointer move). */
class Scene {
  constructor(island) {
    this.island = island;
    this.stored = readStored(island.doc.data);
    this.elements = this.stored.elements;
    this.appState = null;
    this.urls = new Map();      // file id → {file, url}: uploaded this session
    this.uploading = new Set();
    this.api = null;
    this.ready = false;
    this.timer = 0;
    for (const [id, f] of Object.entries(this.stored.files)) if (f && isOwnUrl(f.dataURL)) this.urls.set(id, { file: f, url: f.dataURL });
    this.saver = new DocSaver({
      kind: 'drawing', uid: island.uid, api: island.api, doc: island.doc, statusEl: island.status,
      getData: () => sceneData(this.stored, this.elements, this.appState, this.urls),
      applyData: (d) => this.replace(d),
      describe,
    });
  }

  /** initialData: the stored scene with its images fetched back as data: URLs. */
  async initialData() {
    const files = (await Promise.all(Object.values(this.stored.files).filter((f) => f && f.id).map(loadFile))).filter(Boolean);
    const appState = liveAppState(this.stored.appState);
    return { elements: this.stored.elements, appState, files, scrollToContent: appState.scrollX === undefined };
  }

  onChange(elements, appState, files) {
    this.elements = elements; this.appState = appState;
    if (appState.openSidebar && appState.openSidebar.tab === 'library' && this.api) {
      setTimeout(() => this.api.updateScene({ appState: { openSidebar: null } }), 0); // library off
    }
    for (const f of Object.values(files)) if (isDataUrl(f.dataURL) && !this.urls.has(f.id) && !this.uploading.has(f.id)) this.upload(f);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.ready ? this.saver.changed() : this.saver.rebase()), this.ready ? 250 : 0);
  }

  async upload(file) {
    this.uploading.add(file.id);
    try {
      const url = await uploadFile(this.island.api, file);
      this.urls.set(file.id, { file: { mimeType: file.mimeType, id: file.id, created: file.created }, url });
      showNote(this.island, '');
      this.uploading.delete(file.id);
      if (this.ready) this.saver.changed();
    } catch (e) {
      showNote(this.island, `An image could not be stored (${e.message}); it is not saved with the drawing.`);
      if (e.retry) setTimeout(() => { this.uploading.delete(file.id); this.upload(file); }, 5000);
    }
  }

  /** replace: show other saved data (the other side of a conflict, or an offline copy). */
  async replace(data) {
    this.stored = readStored(data);
    for (const [id, f] of Object.entries(this.stored.files)) if (f && isOwnUrl(f.dataURL)) this.urls.set(id, { file: f, url: f.dataURL });
    this.elements = this.stored.elements;
    if (!this.api) return;
    const init = await this.initialData();
    this.api.addFiles(init.files);
    this.api.updateScene({ elements: init.elements, appState: init.appState, captureUpdate: 'IMMEDIATELY' });
  }
}

function DrawingEditor({ scene }) {
  const theme = usePageTheme();
  const initialData = useMemo(() => scene.initialData(), [scene]);
  const readyTimer = useRef(0);
  useEffect(() => () => clearTimeout(readyTimer.current), []);
  const onApi = (api) => {
    if (scene.api) return;
    scene.api = api;
    globalThis.cardinalityDrawing = { api, scene };
    // Excalidraw normalises what it loads (restore adds default fields): the first reports
    // are the stored drawing, not edits.
    initialData.then(() => {
      readyTimer.current = setTimeout(() => {
        scene.saver.rebase();
        scene.ready = true;
        scene.saver.restorePending();
        scene.island.root.dataset.ready = 'true';
      }, 400);
    });
  };
  const uiOptions = useMemo(() => ({
    canvasActions: { toggleTheme: false, export: { saveFileToDisk: true }, loadScene: true, saveToActiveFile: false },
  }), []);
  return (
    <Excalidraw
      excalidrawAPI={onApi}
      initialData={initialData}
      onChange={(els, st, files) => scene.onChange(els, st, files)}
      theme={theme}
      UIOptions={uiOptions}
      aiEnabled={false}
      name={scene.island.doc.title || 'Drawing'}
    >
      <WelcomeScreen />
      <MainMenu>
        <MainMenu.DefaultItems.LoadScene />
        <MainMenu.DefaultItems.Export />
        <MainMenu.DefaultItems.SaveAsImage />
        <MainMenu.DefaultItems.SearchMenu />
        <MainMenu.DefaultItems.Help />
        <MainMenu.DefaultItems.ClearCanvas />
        <MainMenu.Separator />
        <MainMenu.DefaultItems.ChangeCanvasBackground />
      </MainMenu>
    </Excalidraw>
  );
}

const island = openIsland('drawing');
if (island) {
  const scene = new Scene(island);
  createRoot(island.mount).render(<DrawingEditor scene={scene} />);
}
