import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { describeError, ErrorState } from '../../../ui-kit/components/error-state';
import { Loading } from '../../../ui-kit/components/loading';
import { formatMoney, parseMoneyInput } from '../../../ui-kit/money';
import { formatTimestamp } from '../../../ui-kit/dates';
import { api } from '../api';
import { describedBy, Field } from './form-dialog';
import { DisputeStatusBadge, EvidenceDue, PaymentStatusBadge } from './payment-status';
import { RecordPaymentDialog } from './record-payment-dialog';
import type { ClientLedgerView } from './types';
import { useClientLedger } from './use-ledger';
import './ledger.css';

function ApplyCreditForm({ clientId, ledger, onApplied }: { clientId: string; ledger: ClientLedgerView; onApplied: (text: string) => void }) {
  const id = useId();
  const [invoiceId, setInvoiceId] = useState(ledger.openInvoices[0]?.id ?? '');
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const currency = ledger.credit.currency;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = amount.trim() ? parseMoneyInput(amount, currency) : null;
    if (parsed && !parsed.ok) return setError(parsed.message);
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.post<{ applied: number }>(`/clients/${clientId}/credit/apply`, { invoiceId, ...(parsed?.ok ? { amount: parsed.amountMinor } : {}) });
      const number = ledger.openInvoices.find((i) => i.id === invoiceId)?.number ?? 'the invoice';
      setAmount('');
      onApplied(`Applied ${formatMoney(result.applied, currency)} of credit to ${number}.`);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Apply credit to an invoice">
      <Field id={`${id}-invoice`} label="Apply to invoice">
        <select id={`${id}-invoice`} className="input" value={invoiceId} onChange={(e) => setInvoiceId(e.target.value)}>
          {ledger.openInvoices.map((i) => (
            <option key={i.id} value={i.id}>
              {i.number} — {formatMoney(i.amountRemaining, currency)} open
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-amount`} label="Amount (optional)" error={error}>
        <input id={`${id}-amount`} className="input" inputMode="decimal" placeholder="As much as possible" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={Boolean(error)} aria-describedby={describedBy(`${id}-amount`, false, error)} />
      </Field>
      <button type="submit" className="btn btn--secondary" aria-disabled={busy}>
        {busy ? 'Applying…' : 'Apply credit'}
      </button>
    </form>
  );
}

// The client page reloads (and remounts this card) after a change, so the confirmation survives the
// remount here, shown once.
const flash = new Map<string, string>();

/** On the client page: credit balance (apply to an invoice), record an offline payment, recent payments and disputes. */
export function ClientLedgerCard({ clientId, clientName, onChange }: { clientId: string; clientName: string; onChange?: () => void }) {
  const { data, error, reload } = useClientLedger(clientId);
  const [recording, setRecording] = useState(false);
  const [notice, setNoticeState] = useState<string | null>(() => {
    const text = flash.get(clientId) ?? null;
    flash.delete(clientId);
    return text;
  });
  const setNotice = (text: string) => {
    setNoticeState(text);
    if (onChange) flash.set(clientId, text);
  };

  return (
    <section className="section" aria-labelledby="ledger-title">
      <div className="ledger-exception__head">
        <h2 className="section__title" id="ledger-title">
          Payments and credit
        </h2>
        <button type="button" className="btn btn--primary btn--sm" onClick={() => setRecording(true)} disabled={!data}>
          Record a payment…
        </button>
      </div>
      {notice && (
        <p className="alert alert--success" role="status">
          {notice}
        </p>
      )}
      {error ? (
        <div className="card"><ErrorState error={error} title="We couldn’t load payments" onRetry={reload} /></div>
      ) : !data ? (
        <Loading label="Loading payments…" />
      ) : (
        <div className="ledger-card-grid">
          <div className="card">
            <div className="card__body ledger-credit">
              <div>
                <p className="stat__label">Credit balance</p>
                <p className="ledger-credit__balance">{formatMoney(data.credit.balance, data.credit.currency)}</p>
                <p className="ledger-note">Overpayments and money not applied to an invoice.</p>
              </div>
              {data.credit.balance > 0 && data.openInvoices.length > 0 && (
                <ApplyCreditForm
                  clientId={clientId}
                  ledger={data}
                  onApplied={(text) => {
                    setNotice(text);
                    reload();
                    onChange?.();
                  }}
                />
              )}
            </div>
          </div>
          {data.payments.length > 0 && (
            <div className="table-region">
              <table className="table" aria-label="Recent payments">
                <thead><tr><th scope="col">Received</th><th scope="col">How</th><th scope="col" className="is-numeric">Amount</th><th scope="col">Invoices</th><th scope="col">Status</th></tr></thead>
                <tbody>
                  {data.payments.map((p) => (
                    <tr key={p.id}>
                      <td>{p.receivedAt ? formatTimestamp(p.receivedAt) : '—'}</td>
                      <td><Link to={`/payments/${p.id}`}>{p.methodLabel ?? p.source.replaceAll('_', ' ')}</Link></td>
                      <td className="is-numeric">{formatMoney(p.amount, p.currency)}</td>
                      <td>{p.invoiceNumbers.join(', ') || '—'}</td>
                      <td><PaymentStatusBadge payment={{ id: p.id, displayStatus: p.displayStatus, methodType: null, amount: p.amount, currency: p.currency, receivedAt: p.receivedAt }} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.disputes.length > 0 && (
            <div className="table-region">
              <table className="table" aria-label="Disputes">
                <thead><tr><th scope="col" className="is-numeric">Amount</th><th scope="col">Status</th><th scope="col">Evidence due</th><th scope="col">Payment</th></tr></thead>
                <tbody>
                  {data.disputes.map((d) => (
                    <tr key={d.id}><td className="is-numeric">{formatMoney(d.amount, d.currency)}</td><td><DisputeStatusBadge dispute={d} /></td><td><EvidenceDue dispute={d} /></td><td><Link to={`/payments/${d.paymentId}`}>Open</Link></td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <RecordPaymentDialog
            open={recording}
            clientId={clientId}
            clientName={clientName}
            currency={data.credit.currency}
            invoices={data.openInvoices}
            onClose={() => setRecording(false)}
            onRecorded={({ outcome, payment }) => {
              setRecording(false);
              setNotice(
                outcome === 'exception'
                  ? `Recorded ${formatMoney(payment.amount, payment.currency)}. Settle wasn’t sure where it goes, so it waits in the exceptions queue.`
                  : `Recorded ${formatMoney(payment.amount, payment.currency)}${payment.credit > 0 ? `; ${formatMoney(payment.credit, payment.currency)} went to credit` : ''}.`,
              );
              reload();
              onChange?.();
            }}
          />
        </div>
      )}
    </section>
  );
}
