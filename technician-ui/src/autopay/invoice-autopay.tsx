import { useId, useState, useSyncExternalStore } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { EmptyState } from '../../../ui-kit/components/empty-state';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { TableRegion } from '../../../ui-kit/components/table-region';
import { formatDate, formatTimestamp } from '../../../ui-kit/dates';
import { formatMoney } from '../../../ui-kit/money';
import { api } from '../api';
import type { InvoiceExtensionProps } from '../extensions';
import { OutcomeBadge, PlanBadge } from './autopay-badges';
import { autopayChanged, useInvoiceAutopay, type AttemptView, type InvoiceAutopayView } from './use-autopay';
import './autopay.css';

// The result of the last action, kept across the section's reloads (one per invoice).
const notices = new Map<string, { tone: 'success' | 'error' | 'warning'; text: string }>();
const listeners = new Set<() => void>();
function setNotice(invoiceId: string, notice: { tone: 'success' | 'error' | 'warning'; text: string }) {
  notices.set(invoiceId, notice);
  for (const l of listeners) l();
}

const KIND: Record<string, string> = { soft: 'Soft decline — retried on schedule', hard: 'Hard decline — never retried', authentication_required: 'Needs the cardholder’s authentication' };

function AttemptsTable({ attempts }: { attempts: AttemptView[] }) {
  return (
    <TableRegion label="Autopay attempts">
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">How</th>
            <th scope="col" className="is-numeric">
              Amount
            </th>
            <th scope="col">Outcome</th>
            <th scope="col">Why / next</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.id}>
              <td className="is-primary">
                {formatTimestamp(a.startedAt)}
                <div className="muted">Attempt {a.attemptNo}</div>
              </td>
              <td data-label="How">
                {a.trigger === 'charge_now' ? 'Charge now' : 'Autopay'}
                <div className="muted">{a.method ?? '—'}</div>
              </td>
              <td className="is-numeric" data-label="Amount">
                {a.paymentId ? <Link to={`/payments/${encodeURIComponent(a.paymentId)}`}>{formatMoney(a.amount, a.currency)}</Link> : formatMoney(a.amount, a.currency)}
              </td>
              <td data-label="Outcome">
                <OutcomeBadge outcome={a.outcome} />
              </td>
              <td data-label="Why / next">
                <div className="autopay-reason">
                  {a.reason && <span>{a.reason}</span>}
                  {a.declineKind && (
                    <small>
                      {KIND[a.declineKind]} · <span className="mono">{a.declineCode ?? a.failureCode}</span>
                    </small>
                  )}
                  <small>{a.nextRetryAt ? `Next retry ${formatTimestamp(a.nextRetryAt)}` : a.next}</small>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function useNotice(invoiceId: string) {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => notices.get(invoiceId),
  );
}

function Plan({ view }: { view: InvoiceAutopayView }) {
  return (
    <div className="autopay-plan">
      <PlanBadge state={view.plan.state} />
      <span className="autopay-plan__note">
        {view.plan.state === 'skipped' && view.skipped
          ? `Autopay leaves this invoice alone: skipped ${formatTimestamp(view.skipped.at)}${view.skipped.by ? ` by ${view.skipped.by}` : ''}${view.skipped.reason ? ` — “${view.skipped.reason}”` : '.'}`
          : view.plan.note.replace(/\d{4}-\d{2}-\d{2}/g, (d) => formatDate(d))}
      </span>
    </div>
  );
}

/** Invoice page section: what autopay does next with this invoice and every attempt so far. */
export function InvoiceAutopaySection({ invoice }: InvoiceExtensionProps) {
  const { data, error, reload } = useInvoiceAutopay(invoice.id);
  const notice = useNotice(invoice.id);
  if (error && !data) return <div className="card"><ErrorState error={error} title="We couldn’t load autopay" onRetry={reload} /></div>;
  if (!data) return <div className="card"><Loading label="Loading autopay…" /></div>;
  return (
    <>
      {notice && (
        <p className={`alert alert--${notice.tone} autopay-notice`} role="status">
          {notice.text}
        </p>
      )}
      <div className="card">
        <Plan view={data} />
      </div>
      {data.attempts.length === 0 ? (
        <div className="card" style={{ marginTop: 12 }}>
          <EmptyState title="No autopay attempts yet">Each automatic charge and each “Charge now” appears here with its outcome.</EmptyState>
        </div>
      ) : (
        <div style={{ marginTop: 12 }}>
          <AttemptsTable attempts={data.attempts} />
        </div>
      )}
    </>
  );
}

function outcomeNotice(outcome: string, view: InvoiceAutopayView): { tone: 'success' | 'error' | 'warning'; text: string } {
  const money = formatMoney(view.attempts[0]?.amount ?? view.invoice.amountRemaining, view.invoice.currency);
  switch (outcome) {
    case 'succeeded':
      return { tone: 'success', text: `Charged ${money} to ${view.attempts[0]?.method ?? 'the autopay method'}.` };
    case 'processing':
      return { tone: 'success', text: `Debit of ${money} started; the bank settles it in a few business days.` };
    case 'requires_action':
      return { tone: 'warning', text: 'The bank asked the cardholder to confirm this payment; they were emailed a link.' };
    case 'failed':
      return { tone: 'error', text: `The charge was declined: ${view.attempts[0]?.reason ?? 'the payment did not go through.'}` };
    default:
      return { tone: 'warning', text: 'Stripe did not answer in time. Settle checks the outcome before anything else is charged.' };
  }
}

/** Invoice header buttons: Charge now, Skip / Unskip autopay. */
export function InvoiceAutopayActions({ invoice }: InvoiceExtensionProps) {
  const { data } = useInvoiceAutopay(invoice.id);
  const reasonId = useId();
  const [dialog, setDialog] = useState<'charge' | 'skip' | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!data) return null;
  const close = () => {
    setDialog(null);
    setError(null);
  };

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setDialog(null);
      setReason('');
      autopayChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  const base = `/invoices/${encodeURIComponent(invoice.id)}/autopay`;
  const chargeNow = () =>
    run(async () => {
      const result = await api.post<{ outcome: string; autopay: InvoiceAutopayView }>(`${base}/charge-now`);
      setNotice(invoice.id, outcomeNotice(result.outcome, result.autopay));
    });
  const skip = () =>
    run(async () => {
      await api.post(`${base}/skip`, reason.trim() ? { reason } : {});
      setNotice(invoice.id, { tone: 'success', text: `Autopay will not charge ${invoice.number} until you unskip it.` });
    });
  const unskip = () =>
    run(async () => {
      await api.delete(`${base}/skip`);
      setNotice(invoice.id, { tone: 'success', text: `Autopay charges ${invoice.number} again when it is due.` });
    });
  const charge = data.actions.chargeNow;
  const method = data.method;

  return (
    <>
      {(charge.allowed || data.plan.state !== 'not_payable') && (
        <button type="button" className="btn btn--primary" onClick={() => setDialog('charge')} disabled={!charge.allowed} title={charge.reason ?? undefined}>
          Charge now
        </button>
      )}
      {data.actions.skip && (
        <button type="button" className="btn btn--secondary" onClick={() => setDialog('skip')}>
          Skip autopay
        </button>
      )}
      {data.actions.unskip && (
        <button type="button" className="btn btn--secondary" onClick={() => void unskip()} disabled={busy}>
          Unskip autopay
        </button>
      )}
      <ConfirmDialog open={dialog === 'charge'} title={`Charge ${formatMoney(data.invoice.amountRemaining, data.invoice.currency)} now?`} confirmLabel="Charge now" busyLabel="Charging…" busy={busy} error={error} tone="primary" onConfirm={() => void chargeNow()} onCancel={close}>
        <p>
          Settle charges the remaining {formatMoney(data.invoice.amountRemaining, data.invoice.currency)} of invoice {data.invoice.number} to {method ?? 'the client’s autopay method'}, under the authorization they gave for autopay. The client gets the usual receipt or failure email.
        </p>
      </ConfirmDialog>
      <ConfirmDialog open={dialog === 'skip'} title={`Skip ${invoice.number} in autopay?`} confirmLabel="Skip autopay" busyLabel="Skipping…" busy={busy} error={error} tone="primary" onConfirm={() => void skip()} onCancel={close}>
        <div className="stack">
          <p>Autopay will not charge this invoice, even when it is due, until you unskip it. The client can still pay it themselves.</p>
          <div className="field">
            <label className="field__label" htmlFor={reasonId}>
              Note for your team (optional)
            </label>
            <textarea id={reasonId} className="input" rows={2} maxLength={300} value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </div>
      </ConfirmDialog>
    </>
  );
}
