import { useId, useState } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatMoney, parseMoneyInput } from '../../../ui-kit/money';
import { api } from '../api';
import { ClientPicker } from './client-picker';
import { FormDialog } from './form-dialog';
import type { ExceptionView } from './types';
import { useClientLedger } from './use-ledger';

export type ExceptionActionKind = 'split' | 'credit' | 'assign';

const TEXT: Record<ExceptionActionKind, { title: string; submit: string; busy: string; description: string }> = {
  split: { title: 'Split across invoices', submit: 'Apply split', busy: 'Applying…', description: 'Enter what goes to each invoice. The rest goes to the client’s credit balance.' },
  credit: { title: 'Move to credit', submit: 'Move to credit', busy: 'Moving…', description: 'The whole payment goes to the client’s credit balance; you can apply it to an invoice later.' },
  assign: { title: 'Assign to a client', submit: 'Assign and match', busy: 'Matching…', description: 'Settle runs its matching rules again for that client. If it is sure, the payment is applied; otherwise it stays here with the client set.' },
};

function SplitInputs({ clientId, currency, values, onChange, errors }: { clientId: string; currency: string; values: Record<string, string>; onChange: (v: Record<string, string>) => void; errors: Record<string, string | undefined> }) {
  const id = useId();
  const { data } = useClientLedger(clientId);
  if (!data) return <p className="ledger-note">Loading the client’s open invoices…</p>;
  if (data.openInvoices.length === 0) return <p className="ledger-note">This client has no open invoices. Move the payment to credit instead.</p>;
  return (
    <div className="ledger-splits">
      {data.openInvoices.map((inv) => (
        <div className="ledger-split" key={inv.id}>
          <label className="ledger-split__label" htmlFor={`${id}-${inv.id}`}>
            {inv.number}
            <small>{formatMoney(inv.amountRemaining, currency)} open · due {inv.dueDate}</small>
          </label>
          <div>
            <input id={`${id}-${inv.id}`} data-invoice={inv.id} className="input" inputMode="decimal" placeholder="0.00" value={values[inv.id] ?? ''} onChange={(e) => onChange({ ...values, [inv.id]: e.target.value })} aria-invalid={Boolean(errors[inv.id])} aria-describedby={errors[inv.id] ? `${id}-${inv.id}-error` : undefined} />
            {errors[inv.id] && <p className="field__error" id={`${id}-${inv.id}-error`}>{errors[inv.id]}</p>}
          </div>
        </div>
      ))}
    </div>
  );
}

/** The split / credit / assign actions of one exception, each in a dialog. */
export function ExceptionActionDialog({ kind, exception, onClose, onDone }: { kind: ExceptionActionKind | null; exception: ExceptionView; onClose: () => void; onDone: (text: string) => void }) {
  const id = useId();
  const [clientId, setClientId] = useState(exception.payment.clientId ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const currency = exception.payment.currency;
  const text = TEXT[kind ?? 'split'];
  const needsClient = kind === 'assign' || !exception.payment.clientId;

  async function submit() {
    if (!kind) return;
    const next: Record<string, string | undefined> = {};
    if (needsClient && !clientId) next.client = 'Choose the client who paid.';
    const splits: Array<{ invoiceId: string; amount: number }> = [];
    if (kind === 'split') {
      for (const [invoiceId, raw] of Object.entries(values)) {
        if (!raw.trim()) continue;
        const parsed = parseMoneyInput(raw, currency);
        if (!parsed.ok) next[invoiceId] = parsed.message;
        else if (parsed.amountMinor > 0) splits.push({ invoiceId, amount: parsed.amountMinor });
      }
      if (splits.length === 0 && !Object.values(next).some(Boolean)) next.form = 'Enter an amount for at least one invoice.';
      if (splits.reduce((s, x) => s + x.amount, 0) > exception.payment.unapplied) next.form = `The split adds up to more than the ${formatMoney(exception.payment.unapplied, currency)} to place.`;
    }
    setErrors(next);
    if (Object.values(next).some(Boolean)) {
      setFailure(next.form ?? null);
      return;
    }
    setBusy(true);
    setFailure(null);
    const client = needsClient ? { clientId } : {};
    try {
      const body = kind === 'split' ? { ...client, splits } : kind === 'credit' ? client : { clientId };
      const result = await api.post<{ status: 'open' | 'resolved' }>(`/exceptions/${exception.id}/${kind}`, body);
      onDone(
        kind === 'assign' && result.status === 'open'
          ? 'Client assigned. Settle still isn’t sure which invoices it pays — choose below.'
          : kind === 'credit'
            ? `Moved ${formatMoney(exception.payment.unapplied, currency)} to the client’s credit.`
            : 'Payment applied.',
      );
    } catch (error) {
      if (isApiError(error) && error.fields.length) {
        const fieldErrors: Record<string, string | undefined> = {};
        for (const f of error.fields) {
          const m = /^splits\.(\d+)\.amount$/.exec(f.path);
          if (m) fieldErrors[splits[Number(m[1])]!.invoiceId] = f.message;
        }
        setErrors(fieldErrors);
      }
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormDialog open={kind !== null} wide={kind === 'split'} title={text.title} description={`${formatMoney(exception.payment.unapplied, currency)} to place. ${text.description}`} submitLabel={text.submit} busyLabel={text.busy} busy={busy} error={failure} onSubmit={() => void submit()} onCancel={onClose}>
      {needsClient && <ClientPicker id={`${id}-client`} value={clientId} onChange={setClientId} error={errors.client} />}
      {kind === 'split' && clientId && <SplitInputs clientId={clientId} currency={currency} values={values} onChange={setValues} errors={errors} />}
    </FormDialog>
  );
}
