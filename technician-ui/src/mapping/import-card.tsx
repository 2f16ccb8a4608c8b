import { useState } from 'react';
import { describeError } from '../../../ui-kit/components/error-state';
import type { MappingRunView } from './types';
import { isRunActive, startImport } from './use-mapping';

const count = (n: number) => n.toLocaleString();

function phaseLabel(run: MappingRunView): string {
  switch (run.status) {
    case 'queued':
      return 'Waiting for a worker…';
    case 'fetching':
      return `Reading Stripe customers: ${count(run.customersFetched)}${run.estimatedCustomers ? ` of about ${count(run.estimatedCustomers)}` : ''}`;
    case 'suggesting':
      return `Comparing ${count(run.customersFetched)} customers with your clients…`;
    case 'done':
      return `Done: ${count(run.customersFetched)} Stripe customers read, ${count(run.suggestionsCount ?? 0)} suggestions for ${count(run.clientsConsidered ?? 0)} unmapped clients.`;
    case 'failed':
      return `Stopped after ${count(run.customersFetched)} customers. ${run.error ?? ''}`;
    default: {
      const never: never = run.status;
      return String(never);
    }
  }
}

function percent(run: MappingRunView): number | null {
  if (run.status === 'done' || run.status === 'suggesting') return run.status === 'done' ? 100 : 95;
  if (run.status === 'fetching' && run.estimatedCustomers) return Math.min(90, Math.round((run.customersFetched / run.estimatedCustomers) * 90));
  return null;
}

/** Start (or resume) the import of Stripe customers, with a live progress bar. */
export function ImportCard({ run, onChanged }: { run: MappingRunView | null; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const active = isRunActive(run);
  const resumable = !!run && (run.status === 'failed' || run.stale);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      await startImport();
      onChanged();
    } catch (cause) {
      setError(describeError(cause));
    } finally {
      setBusy(false);
    }
  }

  const pct = run ? percent(run) : null;
  return (
    <section className="card" aria-labelledby="import-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="import-title">
            Import Stripe customers
          </h2>
          <p className="card__description">
            Settle reads every customer in your Stripe account and suggests a match for each unmapped client. Running it
            again is safe.
          </p>
        </div>
        <button type="button" className="btn btn--primary" onClick={start} disabled={busy || active}>
          {active ? 'Importing…' : resumable ? 'Resume import' : run ? 'Import again' : 'Start import'}
        </button>
      </div>
      {(run || error) && (
        <div className="card__body mapping-progress">
          {run && (
            <>
              <div
                className="mapping-progress__bar"
                role="progressbar"
                aria-label="Import progress"
                aria-valuemin={0}
                aria-valuemax={100}
                {...(pct !== null ? { 'aria-valuenow': pct } : {})}
                aria-valuetext={phaseLabel(run)}
              >
                <div
                  className={pct === null ? 'mapping-progress__fill mapping-progress__fill--indeterminate' : 'mapping-progress__fill'}
                  style={pct === null ? undefined : { width: `${pct}%` }}
                />
              </div>
              <div className="mapping-progress__meta" aria-live="polite">
                <span>{phaseLabel(run)}</span>
                <span>{run.listCalls > 0 ? `${count(run.listCalls)} Stripe pages` : ''}</span>
              </div>
              {run.stale && (
                <p className="alert alert--warning">The import stopped responding (a server restart?). Resume it: it continues where it stopped.</p>
              )}
            </>
          )}
          {error && (
            <p className="alert alert--error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
