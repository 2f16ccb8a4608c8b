import { useState } from 'react';
import { Link } from 'react-router-dom';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { Loading } from '../../../ui-kit/components/loading';
import { PageHeader } from '../../../ui-kit/components/page-header';
import { formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { api } from '../api';
import { ExceptionActionDialog, type ExceptionActionKind } from './exception-action-dialog';
import type { ExceptionView } from './types';
import { useExceptions } from './use-ledger';
import './ledger.css';

const SOURCE: Record<string, string> = { bank_transfer: 'Bank transfer', offline: 'Recorded payment', stripe: 'Stripe payment made elsewhere' };
const RESOLUTION: Record<string, string> = { apply_suggestion: 'Suggestion applied', split: 'Split across invoices', credit: 'Moved to credit', assign: 'Assigned and matched', matched: 'Matched' };

function ExceptionCard({ exception, onChanged }: { exception: ExceptionView; onChanged: (text: string) => void }) {
  const [action, setAction] = useState<ExceptionActionKind | null>(null);
  const [applying, setApplying] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const p = exception.payment;
  const open = exception.status === 'open';

  async function applySuggestion(index: number) {
    setApplying(index);
    setError(null);
    try {
      await api.post(`/exceptions/${exception.id}/apply-suggestion`, { index });
      onChanged('Suggestion applied.');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setApplying(null);
    }
  }

  return (
    <article className="card" aria-labelledby={`exc-${exception.id}`}>
      <div className="card__body ledger-exception">
        <div className="ledger-exception__head">
          <div>
            <h2 className="ledger-exception__amount" id={`exc-${exception.id}`}>
              {formatMoney(p.amount, p.currency)} <span className="ledger-note">{p.clientName ? `from ${p.clientName}` : 'from an unknown payer'}</span>
            </h2>
            <p className="ledger-note">
              {[SOURCE[p.source] ?? p.source, p.receivedAt ? `received ${formatTimestamp(p.receivedAt)}` : null, p.payerName ? `payer “${p.payerName}”` : null, p.reference ? `reference “${p.reference}”` : 'no reference'].filter(Boolean).join(' · ')}
            </p>
          </div>
          <Link to={`/payments/${p.id}`} className="btn btn--ghost btn--sm">
            Payment details
          </Link>
        </div>
        {open ? <p className="ledger-exception__reason">{exception.reason}</p> : <p className="ledger-note">{RESOLUTION[exception.resolution ?? ''] ?? exception.resolution} {exception.resolvedAt ? `· ${formatTimestamp(exception.resolvedAt)}` : ''}</p>}
        {open && exception.suggestions.length > 0 && (
          <div>
            <h3 className="field__label">Suggestions, most likely first</h3>
            <ul className="ledger-suggestions">
              {exception.suggestions.map((s) => (
                <li className="ledger-suggestion" key={s.index}>
                  <span className="ledger-suggestion__text">
                    <strong>{s.clientName}</strong>
                    <small>{s.invoices.length ? s.invoices.map((i) => `${i.number} (${formatMoney(i.amountRemaining, p.currency)} open)`).join(', ') : 'No open invoice: to credit'}</small>
                  </span>
                  <span className="ledger-actions">
                    <span className="ledger-score" title="How sure Settle is">{Math.round(s.score * 100)}% match</span>
                    <button type="button" className="btn btn--primary btn--sm" aria-disabled={applying !== null} onClick={() => void applySuggestion(s.index)} aria-label={`Apply suggestion: ${s.clientName}${s.invoices.length ? `, ${s.invoices.map((i) => i.number).join(', ')}` : ''}`}>
                      {applying === s.index ? 'Applying…' : 'Apply'}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {error && <p className="alert alert--error" role="alert">{error}</p>}
        {open && (
          <div className="ledger-actions">
            <button type="button" className="btn btn--secondary btn--sm" onClick={() => setAction('split')}>Split across invoices…</button>
            <button type="button" className="btn btn--secondary btn--sm" onClick={() => setAction('credit')}>Move to credit…</button>
            <button type="button" className="btn btn--secondary btn--sm" onClick={() => setAction('assign')}>{p.clientId ? 'Change client…' : 'Assign to a client…'}</button>
          </div>
        )}
        <ExceptionActionDialog
          key={action ?? 'closed'}
          kind={action}
          exception={exception}
          onClose={() => setAction(null)}
          onDone={(text) => {
            setAction(null);
            onChanged(text);
          }}
        />
      </div>
    </article>
  );
}

/** Payments Settle could not place with certainty: why, its best guesses, and what a person can do. */
export function ExceptionsPage() {
  const [tab, setTab] = useState<'open' | 'resolved'>('open');
  const { data, error, reload } = useExceptions(tab);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <title>Exceptions · Settle</title>
      <PageHeader title="Exceptions" description="Money Settle received but could not apply with certainty. Nothing here was guessed: each needs a person." />
      <div className="ledger-tabs" role="group" aria-label="Show">
        <button type="button" className={`btn btn--sm ${tab === 'open' ? 'btn--primary' : 'btn--secondary'}`} aria-pressed={tab === 'open'} onClick={() => setTab('open')}>Waiting</button>
        <button type="button" className={`btn btn--sm ${tab === 'resolved' ? 'btn--primary' : 'btn--secondary'}`} aria-pressed={tab === 'resolved'} onClick={() => setTab('resolved')}>Resolved</button>
      </div>
      {notice && (
        <div className="alert alert--success" role="status">
          {notice}
        </div>
      )}
      {error ? (
        <div className="card"><ErrorState error={error} title="We couldn’t load the exceptions" onRetry={reload} /></div>
      ) : !data ? (
        <Loading label="Loading exceptions…" />
      ) : data.exceptions.length === 0 ? (
        <div className="card"><EmptyState title={tab === 'open' ? 'Nothing waiting' : 'Nothing resolved yet'}>{tab === 'open' ? 'Every payment Settle received is applied. Bank transfers and recorded payments it cannot place show up here.' : 'Exceptions you resolve are listed here.'}</EmptyState></div>
      ) : (
        <div className="ledger-list">
          {data.exceptions.map((e) => (
            <ExceptionCard
              key={e.id}
              exception={e}
              onChanged={(text) => {
                setNotice(text);
                reload();
              }}
            />
          ))}
        </div>
      )}
    </>
  );
}
