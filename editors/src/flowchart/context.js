// flowchart/context.js — what a node needs from the editor while it draws: which node's label is
// being edited, and how to start and finish that (finishEdit(id, text) — text null cancels).
import { createContext } from 'react';

export const EditingContext = createContext({ editingId: null, startEdit() {}, finishEdit() {} });
