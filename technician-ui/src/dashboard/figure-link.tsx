import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

interface FigureLinkProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  /** The list behind the number. */
  to: string;
  /** Screen-reader text for the link, e.g. "Open invoices: 12, $4,210.00 — show clients". */
  linkLabel: string;
  tone?: 'default' | 'danger' | 'warning' | 'success' | 'info';
}

/** A headline figure that is also a link to the list it counts (the whole card is the target). */
export function FigureLink({ label, value, hint, to, linkLabel, tone = 'default' }: FigureLinkProps) {
  return (
    <Link className={`figure figure--${tone}`} to={to} aria-label={linkLabel}>
      <span className="figure__label">{label}</span>
      <span className="figure__value">{value}</span>
      {hint && <span className="figure__hint">{hint}</span>}
      <span className="figure__more" aria-hidden="true">
        View list →
      </span>
    </Link>
  );
}
