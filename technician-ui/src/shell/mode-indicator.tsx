import { Link } from 'react-router-dom';
import type { StaffSession } from '../auth/session';
import './mode-indicator.css';

type StripeMode = 'not_connected' | 'test' | 'live';

export function stripeModeOf(stripe: StaffSession['stripe']): StripeMode {
  if (!stripe.connected) return 'not_connected';
  // Unknown mode is shown as test: claiming "live" is the one mistake this indicator must not make.
  return stripe.livemode === true ? 'live' : 'test';
}

/**
 * The full-width bar above the top bar: amber and unmissable in test mode, absent when live (the
 * top-bar badge says so quietly) and absent when not connected (the badge and setup banner say so).
 */
export function ModeBanner({ stripe }: { stripe: StaffSession['stripe'] }) {
  if (stripeModeOf(stripe) !== 'test') return null;
  return (
    <div className="mode-bar" role="note" aria-label="Stripe test mode">
      <svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <path d="M6 2.5h4M7 2.5v4L3.2 12.6a1 1 0 0 0 .85 1.4h7.9a1 1 0 0 0 .85-1.4L9 6.5v-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span>
        <strong>Test mode</strong> — no real money moves. Payments use Stripe test cards and bank accounts.
      </span>
    </div>
  );
}

/** The compact indicator in the top bar, which stays in view while scrolling. */
export function ModeBadge({ stripe, isAdmin }: { stripe: StaffSession['stripe']; isAdmin: boolean }) {
  const mode = stripeModeOf(stripe);
  switch (mode) {
    case 'test':
      return (
        <span className="mode-badge mode-badge--test" title="Stripe test mode: no real money moves">
          <span className="mode-badge__long">Test mode</span>
          <span className="mode-badge__short">Test</span>
        </span>
      );
    case 'live':
      return (
        <span className="mode-badge mode-badge--live" title={`Live mode: real payments${stripe.accountId ? ` (${stripe.accountId})` : ''}`}>
          Live
        </span>
      );
    case 'not_connected':
      return isAdmin ? (
        <Link className="mode-badge mode-badge--off" to="/setup" title="Connect Stripe in the setup wizard">
          <span className="mode-badge__long">Stripe not connected</span>
          <span className="mode-badge__short">No Stripe</span>
        </Link>
      ) : (
        <span className="mode-badge mode-badge--off" title="An admin needs to connect Stripe">
          <span className="mode-badge__long">Stripe not connected</span>
          <span className="mode-badge__short">No Stripe</span>
        </span>
      );
    default: {
      const unknown: never = mode;
      return unknown;
    }
  }
}
