import { Link } from 'react-router-dom';
import { useSession } from '../auth/session';
import './setup.css';

/** "Finish setting up Settle" while Stripe is not connected; nothing once it is. */
export function SetupBanner() {
  const session = useSession();
  if (session.stripe.connected) return null;
  const isAdmin = session.user.role === 'admin';
  return (
    <div className="callout callout--info setup-banner">
      <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M10 9v5M10 6.5v.5" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <p>
        <strong>Stripe isn’t connected yet,</strong> so clients can’t pay through Settle.{' '}
        {isAdmin ? (
          <Link to="/setup">Finish setting up Settle</Link>
        ) : (
          'An admin needs to finish setting up Settle.'
        )}
      </p>
    </div>
  );
}
