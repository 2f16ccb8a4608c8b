import type { ReactNode } from 'react';

interface TableRegionProps {
  /** Names the region for screen readers, e.g. "Invoices". */
  label: string;
  /** Dim the table while a newer page loads. */
  busy?: boolean;
  children: ReactNode;
}

/**
 * Card around a data table. Tables with the `table--stack` class turn into stacked cards on narrow
 * screens; any other table scrolls sideways inside this labelled, keyboard-focusable region.
 */
export function TableRegion({ label, busy = false, children }: TableRegionProps) {
  return (
    <div className={busy ? 'table-region is-busy' : 'table-region'} role="region" aria-label={label} aria-busy={busy} tabIndex={0}>
      {children}
    </div>
  );
}
