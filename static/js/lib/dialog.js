// lib/dialog.js — modal <dialog> behaviour shared by the editors. Contract:
//   modal(d, { fallbackFocus, backdropCloses = true, required = false }) wires d once: when it
//     closes, focus returns to the element that had it when openModal(d) ran (or to
//     fallbackFocus() when that element is gone); a click on the backdrop closes it with
//     returnValue 'cancel' unless backdropCloses is false; required: Escape does not close it
//     (a choice must be made with one of its buttons).
//   openModal(d)  showModal() remembering where focus was (no-op when already open).

export function modal(d, { fallbackFocus, backdropCloses = true, required = false } = {}) {
  d.addEventListener('close', () => {
    const back = d._returnFocus;
    d._returnFocus = null;
    if (back && back.isConnected) back.focus({ preventScroll: true });
    else if (fallbackFocus) fallbackFocus()?.focus({ preventScroll: true });
  });
  if (backdropCloses) d.addEventListener('click', (e) => { if (e.target === d) d.close('cancel'); });
  if (required) d.addEventListener('cancel', (e) => e.preventDefault());
  return d;
}

export function openModal(d) {
  if (d.open) return;
  d._returnFocus = document.activeElement;
  d.showModal();
}
