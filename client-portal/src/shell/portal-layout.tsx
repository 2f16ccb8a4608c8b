import { Link, NavLink, Outlet } from 'react-router-dom';
import { AppShell } from '../../../ui-kit/components/app-shell';
import { Brand } from '../../../ui-kit/components/brand';
import { useSession, useSessionContext } from '../auth/session';
import { AutopayIcon, CardIcon, InvoicesIcon } from '../payment-methods/icons';

/** Signed-in frame of the client portal, branded with the MSP's name. */
export function PortalLayout() {
  const session = useSession();
  const { signOut } = useSessionContext();

  return (
    <AppShell
      brand={
        <Link to="/invoices" className="brand-link" aria-label={`${session.msp.name} billing portal, invoices`}>
          <Brand name={session.msp.name} initialMark />
        </Link>
      }
      context={session.client.name}
      user={{ name: session.user.name, detail: session.user.email }}
      onSignOut={signOut}
      navLabel="Portal"
      nav={
        <div className="sidenav__inner">
          <ul className="sidenav__list">
            <li>
              <NavLink className="sidenav__link" to="/invoices">
                <InvoicesIcon />
                Invoices
              </NavLink>
            </li>
            <li>
              <NavLink className="sidenav__link" to="/payment-methods">
                <CardIcon />
                Payment methods
              </NavLink>
            </li>
            <li>
              <NavLink className="sidenav__link" to="/autopay">
                <AutopayIcon />
                Autopay
              </NavLink>
            </li>
          </ul>
        </div>
      }
      footer={
        <>
          <span className="shell__footer-part">Questions about an invoice? Contact {session.msp.name}.</span>
          <span className="shell__footer-sep" aria-hidden="true">
            ·
          </span>
          <span className="shell__footer-part">Secure billing by Settle</span>
        </>
      }
    >
      <Outlet />
    </AppShell>
  );
}
