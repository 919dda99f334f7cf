// note/extensions.js — the TipTap extension set of the note editor: exactly the schema ERD Builder
// Pro's editor (src/components/TiptapEditor.tsx) writes — StarterKit 3 (with its Link and
// Underline), nested task lists, resizable tables, images, text colour, text alignment and a
// placeholder — so notes it wrote open unchanged and notes saved here stay valid TipTap HTML.
// Contract: noteExtensions({ placeholder }) → the array to pass to new Editor({ extensions }).
import StarterKit from '@tiptap/starter-kit';
import TaskList from '@tiptap/extension-task-list';
import TaskItem from '@tiptap/extension-task-item';
import { Table, TableRow, TableHeader, TableCell } from '@tiptap/extension-table';
import Image from '@tiptap/extension-image';
import { TextStyle, Color } from '@tiptap/extension-text-style';
import TextAlign from '@tiptap/extension-text-align';
import Placeholder from '@tiptap/extension-placeholder';

/** The colours of the colour picker: ERD Builder Pro's palette ('' = the default text colour). */
export const PALETTE = [
  { name: 'Default', value: '' },
  { name: 'Indigo', value: '#6366f1' },
  { name: 'Purple', value: '#8b5cf6' },
  { name: 'Pink', value: '#ec4899' },
  { name: 'Blue', value: '#3b82f6' },
  { name: 'Green', value: '#10b981' },
  { name: 'Orange', value: '#f59e0b' },
  { name: 'Red', value: '#ef4444' },
];

export function noteExtensions({ placeholder = 'Write something, or type / for blocks…' } = {}) {
  return [
    StarterKit.configure({
      link: { openOnClick: false, autolink: true, defaultProtocol: 'https', protocols: ['mailto'] },
    }),
    TextStyle,
    Color,
    TextAlign.configure({ types: ['heading', 'paragraph'] }),
    TaskList,
    TaskItem.configure({ nested: true }),
    Table.configure({ resizable: true }),
    TableRow,
    TableHeader,
    TableCell,
    // Never inline base64: images are uploaded as attachments and referenced by URL.
    Image.configure({ inline: true, allowBase64: false }),
    Placeholder.configure({ placeholder }),
  ];
}
