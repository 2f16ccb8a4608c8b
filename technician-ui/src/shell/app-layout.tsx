import { NavLink, Outlet } from 'react-router-dom';
import { AppShell } from '../../../ui-kit/components/app-shell';
import { Brand } from '../../../ui-kit/components/brand';
import { roleLabel, useSession, useSessionContext } from '../auth/session';
import { LiveProvider } from '../live/live-context';
import { LiveIndicator } from '../live/live-indicator';
import { ModeBadge, ModeBanner } from './mode-indicator';
import { NAV_ITEMS, type NavItem } from './nav-items';

function NavList({ items, labelledBy }: { items: NavItem[]; labelledBy?: string }) {
  return (
    <ul className="sidenav__list" aria-labelledby={labelledBy}>
      {items.map((item) => (
        <li key={item.to}>
          <NavLink className="sidenav__link" to={item.to} end={item.end ?? false}>
            {item.icon}
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/** Signed-in frame of the technician UI: top bar, navigation (settings for admins only), live updates, page. */
export function AppLayout() {
  const session = useSession();
  const { signOut } = useSessionContext();
  const isAdmin = session.user.role === 'admin';
  const visible = NAV_ITEMS.filter((item) => isAdmin || !item.adminOnly);
  const settings = visible.filter((item) => item.section === 'settings');

  const nav = (
    <div className="sidenav__inner">
      <div className="sidenav__section">
        <NavList items={visible.filter((item) => item.section === 'main')} />
      </div>
      {settings.length > 0 && (
        <div className="sidenav__section">
          <h2 className="sidenav__heading" id="nav-settings">
            Settings
          </h2>
          <NavList items={settings} labelledBy="nav-settings" />
        </div>
      )}
    </div>
  );

  return (
    <LiveProvider>
      <AppShell
        brand={<Brand />}
        context={session.installation.name}
        user={{ name: session.user.name, detail: roleLabel(session.user.role) }}
        onSignOut={signOut}
        nav={nav}
        banner={<ModeBanner stripe={session.stripe} />}
        status={
          <>
            <LiveIndicator />
            <ModeBadge stripe={session.stripe} isAdmin={isAdmin} />
          </>
        }
      >
        <Outlet />
      </AppShell>
    </LiveProvider>
  );
}
