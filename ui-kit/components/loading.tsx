interface LoadingProps {
  /** What is loading, read by screen readers and shown beside the spinner, e.g. "Loading invoices…". */
  label?: string;
  /** Centre in the whole viewport (before the app shell exists). */
  fullPage?: boolean;
}

/** Spinner with a text label. Appears after a short delay, so fast loads do not flicker. */
export function Loading({ label = 'Loading…', fullPage = false }: LoadingProps) {
  return (
    <div className={fullPage ? 'loading loading--page' : 'loading'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span className="loading__label">{label}</span>
    </div>
  );
}
