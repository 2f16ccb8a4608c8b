import type { ReactNode } from 'react';

interface EmptyStateProps {
  title: string;
  children?: ReactNode;
  /** A button or link, e.g. "Clear search". */
  action?: ReactNode;
}

/** Shown where a list has nothing to show; says why and what to do next. */
export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <div className="state">
      <svg className="state__icon state__icon--muted" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <rect x="4" y="3" width="16" height="18" rx="2.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M8 8h8M8 12h8M8 16h5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
      <h2 className="state__title">{title}</h2>
      {children && <div className="state__text">{children}</div>}
      {action}
    </div>
  );
}
