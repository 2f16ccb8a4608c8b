import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Brand } from '../../../ui-kit/components/brand';
import './access.css';

function KeyIcon() {
  return (
    <svg className="auth__badge-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="7.5" cy="12" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.7" />
      <path d="M12 12h10M18 12v4M21.5 12v3" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
    </svg>
  );
}

/**
 * The frame of the signed-out access pages (invite, forgot password, reset password): the MSP's
 * name when known, one card with a heading, and a way back to sign-in.
 */
export function AccessCard({
  mspName,
  title,
  subtitle,
  children,
  showSignInLink = true,
}: {
  mspName?: string | null;
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  showSignInLink?: boolean;
}) {
  return (
    <div className="auth">
      <div className="auth__inner">
        <div className="auth__brand">
          {mspName ? (
            <Brand name={mspName} initialMark size="lg" />
          ) : (
            <span className="auth__badge">
              <KeyIcon />
            </span>
          )}
        </div>
        <main className="auth__card" id="main">
          <h1 className="auth__title">{title}</h1>
          {subtitle && <p className="auth__subtitle">{subtitle}</p>}
          {children}
        </main>
        <div className="auth__footer">
          {showSignInLink && (
            <p>
              Already have a password? <Link to="/login">Sign in</Link>
            </p>
          )}
          <span className="auth__powered">Secure billing by Settle</span>
        </div>
      </div>
    </div>
  );
}
