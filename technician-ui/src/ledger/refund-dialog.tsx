import { useId, useState } from 'react';
import { isApiError } from '../../../ui-kit/api-client';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatMoney, formatMoneyInput, parseMoneyInput } from '../../../ui-kit/money';
import { api } from '../api';
import { describedBy, Field, FormDialog } from './form-dialog';
import type { PaymentDetailView, RefundView } from './types';
import { newRequestId } from './use-ledger';

interface Props {
  open: boolean;
  payment: PaymentDetailView;
  onClose: () => void;
  onRefunded: (result: { refund: RefundView; payment: PaymentDetailView }) => void;
}

function timing(payment: PaymentDetailView): string {
  if (payment.source === 'offline') return 'Settle records the refund; give the money back the way it came (a check, a transfer).';
  if (payment.methodType === 'us_bank_account')
    return 'Bank (ACH) refunds take up to 4 business days. The refund shows as pending until the bank confirms; the invoices reopen now.';
  return 'Card refunds are sent at once and reach the cardholder in 5–10 business days.';
}

/** Refund all or part of a payment, with the reason and how long the money takes to arrive. */
export function RefundDialog({ open, payment, onClose, onRefunded }: Props) {
  const id = useId();
  const [requestId, setRequestId] = useState(newRequestId);
  const [amount, setAmount] = useState(() => formatMoneyInput(payment.refundable, payment.currency));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ amount?: string | undefined; reason?: string | undefined }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    const parsed = parseMoneyInput(amount, payment.currency);
    const next: typeof errors = {};
    if (!parsed.ok) next.amount = parsed.message;
    else if (parsed.amountMinor <= 0) next.amount = 'Enter an amount above zero.';
    else if (parsed.amountMinor > payment.refundable) next.amount = `At most ${formatMoney(payment.refundable, payment.currency)} can be refunded.`;
    if (reason.trim().length < 3) next.reason = 'Say why you are refunding.';
    setErrors(next);
    if (next.amount || next.reason || !parsed.ok) {
      document.getElementById(`${id}-${next.amount ? 'amount' : 'reason'}`)?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const result = await api.post<{ refund: RefundView; payment: PaymentDetailView }>(`/payments/${payment.id}/refunds`, { requestId, amount: parsed.amountMinor, reason: reason.trim() });
      setRequestId(newRequestId());
      setReason('');
      onRefunded(result);
    } catch (error) {
      if (isApiError(error)) setErrors({ amount: error.fieldMessage('amount'), reason: error.fieldMessage('reason') });
      // A lost answer from Stripe keeps the same request id, so trying again cannot refund twice.
      if (!(isApiError(error) && error.code === 'STRIPE_UNAVAILABLE')) setRequestId(newRequestId());
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormDialog
      open={open}
      title="Refund payment"
      description={`${formatMoney(payment.refundable, payment.currency)} of ${formatMoney(payment.amount, payment.currency)} can still be refunded.`}
      submitLabel="Refund"
      busyLabel="Refunding…"
      busy={busy}
      error={failure}
      tone="danger"
      onSubmit={() => void submit()}
      onCancel={onClose}
    >
      <Field id={`${id}-amount`} label={`Amount (${payment.currency})`} error={errors.amount}>
        <input id={`${id}-amount`} className="input" inputMode="decimal" value={amount} onChange={(e) => {
            setAmount(e.target.value);
            setErrors({ ...errors, amount: undefined });
          }} aria-invalid={Boolean(errors.amount)} aria-describedby={describedBy(`${id}-amount`, false, errors.amount)} />
      </Field>
      <Field id={`${id}-reason`} label="Reason" hint="Kept in the audit log and shown on the payment." error={errors.reason}>
        <textarea id={`${id}-reason`} className="input" rows={3} maxLength={500} value={reason} onChange={(e) => {
            setReason(e.target.value);
            setErrors({ ...errors, reason: undefined });
          }} aria-invalid={Boolean(errors.reason)} aria-describedby={describedBy(`${id}-reason`, true, errors.reason)} />
      </Field>
      <p className="alert alert--info">{timing(payment)} Money goes back from the client’s credit first, then from the most recent invoice.</p>
    </FormDialog>
  );
}
