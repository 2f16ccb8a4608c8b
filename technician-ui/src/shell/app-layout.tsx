import { NavLink, Outlet } from 'react-router-dom';
import { AppShell } from '../../../ui-kit/components/app-shell';
import { Brand } from '../../../ui-kit/components/brand';
import { roleLabel, useSession, useSessionContext } from '../auth/session';
import { LiveProvider } from '../live/live-context';
import { ModeBadge, ModeBanner } from './mode-indicator';

function ClientsIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path
        d="M3 16.5v-1a3.5 3.5 0 0 1 3.5-3.5h3a3.5 3.5 0 0 1 3.5 3.5v1M13.5 4.2a3 3 0 0 1 0 5.6M17 16.5v-1a3.5 3.5 0 0 0-2.5-3.35M11 6.5a3 3 0 1 1-6 0 3 3 0 0 1 6 0Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function MappingIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path
        d="M4 5.5h4.5M4 14.5h4.5M11.5 5.5H16M11.5 14.5H16M8.5 5.5c1.5 0 1.5 9 3 9M8.5 14.5c1.5 0 1.5-9 3-9"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function KeyIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path
        d="M12.5 3.5a4 4 0 1 1-3.46 6L3.5 15v2h2.5v-1.5H7.5V14l1.54-1.54A4 4 0 0 1 12.5 3.5ZM13.5 7a.5.5 0 1 1-1 0 .5.5 0 0 1 1 0Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function SetupIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path
        d="M8 5.5h8M8 10h8M8 14.5h8M3.5 5.5l1 1 1.75-2M3.5 10l1 1 1.75-2M4 14.5h1.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function MailboxIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path
        d="M3 11.5 5 4.5h10l2 7M3 11.5V15a1.5 1.5 0 0 0 1.5 1.5h11A1.5 1.5 0 0 0 17 15v-3.5M3 11.5h4l1 2h4l1-2h4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function IntegrationsIcon() {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path
        d="M2.5 10h3l2-4.5 3 9 2-4.5h5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** Signed-in frame of the technician UI: top bar, navigation (API keys for admins only), page. */
export function AppLayout() {
  const session = useSession();
  const { signOut } = useSessionContext();
  const isAdmin = session.user.role === 'admin';

  const nav = (
    <div className="sidenav__inner">
      <div className="sidenav__section">
        <ul className="sidenav__list">
          <li>
            <NavLink className="sidenav__link" to="/clients">
              <ClientsIcon />
              Clients
            </NavLink>
          </li>
          {isAdmin && (
            <li>
              <NavLink className="sidenav__link" to="/mapping">
                <MappingIcon />
                Client mapping
              </NavLink>
            </li>
          )}
          <li>
            <NavLink className="sidenav__link" to="/mailbox">
              <MailboxIcon />
              Mailbox
            </NavLink>
          </li>
        </ul>
      </div>
      {isAdmin && (
        <div className="sidenav__section">
          <h2 className="sidenav__heading" id="nav-settings">
            Settings
          </h2>
          <ul className="sidenav__list" aria-labelledby="nav-settings">
            <li>
              <NavLink className="sidenav__link" to="/setup">
                <SetupIcon />
                Setup
              </NavLink>
            </li>
            <li>
              <NavLink className="sidenav__link" to="/settings/api-keys">
                <KeyIcon />
                API keys
              </NavLink>
            </li>
            <li>
              <NavLink className="sidenav__link" to="/settings/integrations">
                <IntegrationsIcon />
                Integrations health
              </NavLink>
            </li>
          </ul>
        </div>
      )}
    </div>
  );

  return (
    <AppShell
      brand={<Brand />}
      context={session.installation.name}
      user={{ name: session.user.name, detail: roleLabel(session.user.role) }}
      onSignOut={signOut}
      nav={nav}
      banner={<ModeBanner stripe={session.stripe} />}
      status={<ModeBadge stripe={session.stripe} isAdmin={isAdmin} />}
    >
      <LiveProvider>
        <Outlet />
      </LiveProvider>
    </AppShell>
  );
}
