import type { ReactNode } from 'react';

interface StatCardProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: 'default' | 'danger' | 'success';
}

/** A headline figure, e.g. "Total due  $4,210.00  3 unpaid invoices". */
export function StatCard({ label, value, hint, tone = 'default' }: StatCardProps) {
  return (
    <section className={`stat stat--${tone}`} aria-label={label}>
      <h2 className="stat__label">{label}</h2>
      <p className="stat__value">{value}</p>
      {hint && <p className="stat__hint">{hint}</p>}
    </section>
  );
}
