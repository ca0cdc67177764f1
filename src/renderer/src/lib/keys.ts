// Keyboard shortcuts must never eat typing: a key pressed in a text box, a text area, a
// select or anything editable belongs to that field, not to the view around it.
export function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}
