import type { ReactNode } from 'react';
import type { Tone } from '../invoice-status';

interface BadgeProps {
  tone: Tone;
  children: ReactNode;
  /** Longer explanation, shown as a tooltip. */
  title?: string;
}

/** A status pill: colour plus a dot plus text, so it never relies on colour alone. */
export function Badge({ tone, children, title }: BadgeProps) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}
