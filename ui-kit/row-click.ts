import type { MouseEvent } from 'react';

/**
 * Lets a click anywhere on a table row open it (a convenience for mouse users; the row's own link
 * stays the keyboard and screen-reader path), without hijacking links, buttons or text selection.
 */
export function openRowOnClick(event: MouseEvent<HTMLElement>, open: () => void): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  if ((event.target as HTMLElement).closest('a, button, input, select, textarea')) return;
  if (window.getSelection()?.toString()) return;
  open();
}
