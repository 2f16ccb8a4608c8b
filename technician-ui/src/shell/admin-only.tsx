import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { useSession } from '../auth/session';

/**
 * Pages only admins may use (Stripe connection, settings, client mapping, API keys, integrations).
 * A technician who follows a link here is told why, instead of meeting a failed request; the server
 * refuses these routes to technicians regardless (403 AUTH_FORBIDDEN).
 */
export function AdminOnly({ title, what, children }: { title: string; what: string; children: ReactNode }) {
  const session = useSession();
  if (session.user.role === 'admin') return <>{children}</>;
  return (
    <>
      <title>{`${title} · Settle`}</title>
      <PageHeader title={title} />
      <div className="card">
        <EmptyState
          title={`Only admins can ${what}`}
          action={
            <Link className="btn btn--secondary" to="/">
              Back to the dashboard
            </Link>
          }
        >
          You are signed in as a technician. Ask an admin of {session.installation.name} if this needs changing.
        </EmptyState>
      </div>
    </>
  );
}
