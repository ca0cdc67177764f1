// Keyboard shortcuts must never eat typing: a key pressed in a text box, a text area, a
// select or anything editable belongs to that field, not to the view around it. A checkbox,
// radio or button takes no typing, so the view's keys still work from there.
const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

export function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.tagName === 'INPUT') return !NOT_TYPED.has((el as HTMLInputElement).type);
  return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}
