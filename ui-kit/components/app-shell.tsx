import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { describeError } from './error-state';

export interface ShellUser {
  name: string;
  /** Second line under the name, e.g. the role or the client's name. */
  detail?: string;
}

interface AppShellProps {
  /** Product or MSP name at the top left. */
  brand: ReactNode;
  /** What this account belongs to, e.g. the installation or client name. */
  context?: ReactNode;
  user: ShellUser;
  onSignOut: () => Promise<void>;
  /** Section navigation; rendered as a sidebar on wide screens and a scrolling bar on narrow ones. */
  nav?: ReactNode;
  /** Accessible name of the navigation landmark. */
  navLabel?: string;
  footer?: ReactNode;
  /** A full-width bar above the top bar, e.g. the technician UI's "Test mode" notice. */
  banner?: ReactNode;
  /** A compact indicator in the top bar, left of the user, that stays visible while scrolling. */
  status?: ReactNode;
  children: ReactNode;
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((part) => part?.charAt(0).toUpperCase() ?? '').join('') || '?';
}

/**
 * The signed-in frame: skip link, top bar (brand, context, user, "Sign out"), optional navigation
 * and the main landmark. After each in-app navigation, focus moves to the main region so screen
 * reader and keyboard users start at the new page's content.
 */
export function AppShell({ brand, context, user, onSignOut, nav, navLabel = 'Main', footer, banner, status, children }: AppShellProps) {
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const previousPath = useRef(pathname);

  useEffect(() => {
    if (previousPath.current === pathname) return;
    previousPath.current = pathname;
    window.scrollTo(0, 0);
    mainRef.current?.focus({ preventScroll: true });
  }, [pathname]);

  async function handleSignOut() {
    if (signingOut) return;
    setSigningOut(true);
    setSignOutError(null);
    try {
      await onSignOut();
    } catch (error) {
      setSigningOut(false);
      setSignOutError(`We couldn’t sign you out. ${describeError(error)}`);
    }
  }

  return (
    <div className={nav ? 'shell shell--with-nav' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      {banner}
      <header className="topbar">
        <div className="topbar__start">
          <div className="topbar__brand">{brand}</div>
          {context && (
            <>
              <span className="topbar__divider" aria-hidden="true" />
              <div className="topbar__context">{context}</div>
            </>
          )}
        </div>
        <div className="topbar__end">
          {status}
          <div className="user">
            <span className="user__avatar" aria-hidden="true">
              {initials(user.name)}
            </span>
            <span className="user__text">
              <span className="user__name">{user.name}</span>
              {user.detail && <span className="user__detail">{user.detail}</span>}
            </span>
          </div>
          <button type="button" className="btn btn--ghost btn--sm" onClick={handleSignOut} aria-disabled={signingOut}>
            <svg className="btn__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
              <path
                d="M6 2.75H3.75a1 1 0 0 0-1 1v8.5a1 1 0 0 0 1 1H6M10.5 11 13.5 8l-3-3M13.25 8H6.5"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.5"
                strokeLinecap="round"
                strokeLinejoin="round"
              />
            </svg>
            Sign out
          </button>
        </div>
      </header>
      <div className="shell__body">
        {nav && (
          <nav className="sidenav" aria-label={navLabel}>
            {nav}
          </nav>
        )}
        <main className="shell__main" id="main" tabIndex={-1} ref={mainRef}>
          {signOutError && (
            <div className="alert alert--error" role="alert">
              {signOutError}
            </div>
          )}
          {children}
        </main>
      </div>
      {footer && <footer className="shell__footer">{footer}</footer>}
    </div>
  );
}
