import { Link, Outlet } from 'react-router-dom';
import { AppShell } from '../../../ui-kit/components/app-shell';
import { Brand } from '../../../ui-kit/components/brand';
import { useSession, useSessionContext } from '../auth/session';

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
