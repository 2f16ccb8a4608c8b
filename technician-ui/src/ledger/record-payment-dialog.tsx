import { useId, useState } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatMoney, parseMoneyInput } from '../../../ui-kit/money';
import { api } from '../api';
import { describedBy, Field, FormDialog } from './form-dialog';
import type { ClientLedgerView, PaymentDetailView } from './types';
import { newRequestId } from './use-ledger';

type Method = 'check' | 'wire' | 'cash' | 'other';
const METHODS: Array<{ value: Method; label: string }> = [
  { value: 'check', label: 'Check' },
  { value: 'wire', label: 'Wire transfer' },
  { value: 'cash', label: 'Cash' },
  { value: 'other', label: 'Other' },
];

interface Props {
  open: boolean;
  clientId: string;
  clientName: string;
  currency: string;
  invoices: ClientLedgerView['openInvoices'];
  onClose: () => void;
  onRecorded: (result: { outcome: string; payment: PaymentDetailView }) => void;
}

const today = () => new Date().toISOString().slice(0, 10);

/** Record a check, wire or cash payment, split by hand across open invoices or matched by Settle. */
export function RecordPaymentDialog({ open, clientId, clientName, currency, invoices, onClose, onRecorded }: Props) {
  const id = useId();
  const [requestId, setRequestId] = useState(newRequestId);
  const [method, setMethod] = useState<Method>('check');
  const [amount, setAmount] = useState('');
  const [receivedOn, setReceivedOn] = useState(today);
  const [reference, setReference] = useState('');
  const [mode, setMode] = useState<'auto' | 'manual'>('manual');
  const [splits, setSplits] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const parsedAmount = parseMoneyInput(amount, currency);
  const parsedSplits = invoices.map((inv) => ({ inv, text: splits[inv.id] ?? '', parsed: (splits[inv.id] ?? '').trim() === '' ? null : parseMoneyInput(splits[inv.id]!, currency) }));
  const splitTotal = parsedSplits.reduce((s, x) => s + (x.parsed?.ok ? x.parsed.amountMinor : 0), 0);
  const toCredit = parsedAmount.ok ? parsedAmount.amountMinor - splitTotal : 0;

  function reset() {
    setRequestId(newRequestId());
    setAmount('');
    setReference('');
    setSplits({});
    setErrors({});
    setFailure(null);
  }

  async function submit() {
    const next: Record<string, string | undefined> = {};
    if (!parsedAmount.ok) next.amount = parsedAmount.message;
    else if (parsedAmount.amountMinor <= 0) next.amount = 'Enter an amount above zero.';
    if (!receivedOn) next.receivedOn = 'Enter the date the money arrived.';
    if (mode === 'manual') {
      for (const s of parsedSplits) {
        if (s.parsed && !s.parsed.ok) next[`split-${s.inv.id}`] = s.parsed.message;
        else if (s.parsed?.ok && s.parsed.amountMinor > s.inv.amountRemaining) next[`split-${s.inv.id}`] = `At most ${formatMoney(s.inv.amountRemaining, currency)} is open.`;
      }
      if (parsedAmount.ok && splitTotal > parsedAmount.amountMinor) next.splits = 'The split adds up to more than the payment.';
    }
    setErrors(next);
    if (Object.values(next).some(Boolean) || !parsedAmount.ok) {
      const first = Object.keys(next).find((k) => next[k]);
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const allocation =
        mode === 'auto'
          ? { mode: 'auto' as const }
          : { mode: 'manual' as const, splits: parsedSplits.flatMap((s) => (s.parsed?.ok && s.parsed.amountMinor > 0 ? [{ invoiceId: s.inv.id, amount: s.parsed.amountMinor }] : [])) };
      const result = await api.post<{ outcome: string; payment: PaymentDetailView }>('/payments/offline', {
        requestId, clientId, method, amount: parsedAmount.amountMinor, receivedOn, ...(reference.trim() ? { reference: reference.trim() } : {}), allocation,
      });
      reset();
      onRecorded(result);
    } catch (error) {
      if (isApiError(error) && error.fields.length) {
        setErrors(Object.fromEntries(error.fields.map((f) => [f.path.startsWith('allocation.splits') ? 'splits' : f.path, f.message])));
      }
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  const f = (name: string) => `${id}-${name}`;
  return (
    <FormDialog
      open={open}
      wide
      title="Record a payment"
      description={`Money ${clientName} paid outside Stripe. It is recorded as received and applied at once.`}
      submitLabel="Record payment"
      busyLabel="Recording…"
      busy={busy}
      error={failure}
      onSubmit={() => void submit()}
      onCancel={() => {
        reset();
        onClose();
      }}
    >
      <div className="ledger-row">
        <Field id={f('method')} label="How it was paid">
          <select id={f('method')} className="input" value={method} onChange={(e) => setMethod(e.target.value as Method)}>
            {METHODS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id={f('amount')} label={`Amount (${currency})`} error={errors.amount}>
          <input id={f('amount')} className="input" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => {
            setAmount(e.target.value);
            setErrors({ ...errors, amount: undefined, splits: undefined });
          }} aria-invalid={Boolean(errors.amount)} aria-describedby={describedBy(f('amount'), false, errors.amount)} />
        </Field>
      </div>
      <div className="ledger-row">
        <Field id={f('receivedOn')} label="Received on" error={errors.receivedOn}>
          <input id={f('receivedOn')} className="input" type="date" value={receivedOn} max={today()} onChange={(e) => setReceivedOn(e.target.value)} aria-invalid={Boolean(errors.receivedOn)} aria-describedby={describedBy(f('receivedOn'), false, errors.receivedOn)} />
        </Field>
        <Field id={f('reference')} label="Reference (optional)" hint="Check number, wire memo…">
          <input id={f('reference')} className="input" value={reference} maxLength={200} onChange={(e) => setReference(e.target.value)} aria-describedby={`${f('reference')}-hint`} />
        </Field>
      </div>
      <fieldset className="ledger-choice">
        <legend>Apply it to</legend>
        <label>
          <input type="radio" name={f('mode')} checked={mode === 'manual'} onChange={() => setMode('manual')} />
          <span className="ledger-choice__text">
            Invoices I choose
            <span className="ledger-choice__hint">Anything not split goes to {clientName}’s credit balance.</span>
          </span>
        </label>
        <label>
          <input type="radio" name={f('mode')} checked={mode === 'auto'} onChange={() => setMode('auto')} />
          <span className="ledger-choice__text">
            Let Settle match it
            <span className="ledger-choice__hint">By the invoice numbers in the reference, then the amount. If Settle isn’t sure, it waits in the exceptions queue.</span>
          </span>
        </label>
      </fieldset>
      {mode === 'manual' && (
        <div className="ledger-splits" role="group" aria-labelledby={f('splits-title')}>
          <span className="field__label" id={f('splits-title')}>
            Split across open invoices
          </span>
          {invoices.length === 0 && <p className="ledger-note">No open invoices: the whole payment goes to credit.</p>}
          {parsedSplits.map(({ inv, text }) => (
            <div className="ledger-split" key={inv.id}>
              <label className="ledger-split__label" htmlFor={f(`split-${inv.id}`)}>
                {inv.number}
                <small>
                  {formatMoney(inv.amountRemaining, currency)} open · due {inv.dueDate}
                </small>
              </label>
              <div>
                <input
                  id={f(`split-${inv.id}`)}
                  className="input"
                  inputMode="decimal"
                  placeholder="0.00"
                  value={text}
                  onChange={(e) => {
                    setSplits({ ...splits, [inv.id]: e.target.value });
                    setErrors({ ...errors, [`split-${inv.id}`]: undefined, splits: undefined });
                  }}
                  aria-invalid={Boolean(errors[`split-${inv.id}`])}
                  aria-describedby={errors[`split-${inv.id}`] ? `${f(`split-${inv.id}`)}-error` : undefined}
                />
                {errors[`split-${inv.id}`] && (
                  <p className="field__error" id={`${f(`split-${inv.id}`)}-error`}>
                    {errors[`split-${inv.id}`]}
                  </p>
                )}
              </div>
            </div>
          ))}
          {errors.splits && (
            <p className="field__error" id={f('splits')} tabIndex={-1}>
              {errors.splits}
            </p>
          )}
          <div className="ledger-sum" aria-live="polite">
            <span>
              Applied <strong>{formatMoney(splitTotal, currency)}</strong>
            </span>
            <span>
              To credit <strong>{formatMoney(Math.max(toCredit, 0), currency)}</strong>
            </span>
          </div>
        </div>
      )}
    </FormDialog>
  );
}
