import { Link } from 'react-router-dom';
import { ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { StatCard } from '../../../ui-kit/components/stat-card';
import type { MappingCountsResponse } from './types';
import type { useMappingCounts } from './use-setup';

export function MappingCounts({ counts }: { counts: MappingCountsResponse['counts'] }) {
  return (
    <div className="stats setup-stats">
      <StatCard label="Mapped" value={counts.mapped} hint="Linked to a Stripe customer" tone={counts.mapped > 0 ? 'success' : 'default'} />
      <StatCard label="Unmapped" value={counts.unmapped} hint="Can’t pay or use autopay yet" tone={counts.unmapped > 0 ? 'danger' : 'default'} />
      <StatCard label="Ignored" value={counts.ignored} hint="Not billed through Settle" />
    </div>
  );
}

interface MappingStepProps {
  isAdmin: boolean;
  connected: boolean;
  mapping: ReturnType<typeof useMappingCounts>;
  onBack: () => void;
  onContinue: () => void;
}

/** Step 3: how many PSA clients are linked to Stripe customers, and the way to the mapping page. */
export function MappingStep({ isAdmin, connected, mapping, onBack, onContinue }: MappingStepProps) {
  let body;
  if (!isAdmin) {
    body = (
      <div className="callout callout--neutral">
        <p>
          An admin links each PSA client to a Stripe customer. You can see every client’s mapping status in the{' '}
          <Link to="/clients">clients list</Link>.
        </p>
      </div>
    );
  } else if (mapping.error) {
    body = <ErrorState error={mapping.error} title="We couldn’t load the mapping status" onRetry={mapping.reload} />;
  } else if (!mapping.data) {
    body = <Loading label="Loading mapping status…" />;
  } else {
    const { counts } = mapping.data;
    const total = counts.mapped + counts.unmapped + counts.ignored;
    body = (
      <div className="stack setup-stack-sm">
        {total === 0 ? (
          <div className="callout callout--info">
            <p>
              No clients yet. They appear as soon as your PSA sends them to Settle (create an API key for it under
              Settings → API keys); then map them here.
            </p>
          </div>
        ) : (
          <MappingCounts counts={counts} />
        )}
        {!connected && (
          <div className="callout callout--warning">
            <p>Connect Stripe first: Settle suggests matches from the customers already in your Stripe account.</p>
          </div>
        )}
        <p>
          Settle imports your Stripe customers, suggests a match for each PSA client by name, email and domain, and lets you
          accept the confident ones in one go. Clients without a match can get a new Stripe customer.
        </p>
        <div>
          <Link className="btn btn--secondary" to="/mapping">
            Open client mapping
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className="stack">
      <section className="card">
        <div className="card__body">{body}</div>
      </section>
      <div className="setup-actions">
        <button type="button" className="btn btn--secondary" onClick={onBack}>
          Back
        </button>
        <button type="button" className="btn btn--primary" onClick={onContinue}>
          {isAdmin && mapping.data && mapping.data.counts.unmapped > 0 ? 'Finish mapping later' : 'Continue'}
        </button>
      </div>
    </div>
  );
}
