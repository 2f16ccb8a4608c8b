import { useState } from 'react';
import { ConfirmDialog } from '../../../ui-kit/components/confirm-dialog';
import { describeError } from '../../../ui-kit/components/error-state';
import { formatMoney } from '../../../ui-kit/money';
import { api } from '../api';
import type { StaffPayment } from './use-payments';

/** "Resend receipt" for a payment that succeeded (confirmed first; the server audits it). */
export function ResendReceiptButton({ payment }: { payment: StaffPayment }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string[] | null>(null);
  if (payment.status !== 'succeeded') return null;
  async function send() {
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ sentTo: string[] }>(`/payments/${encodeURIComponent(payment.id)}/resend-receipt`, {});
      setSent(result.sentTo);
      setOpen(false);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  const amount = formatMoney(payment.amount, payment.currency);
  return (
    <>
      <button type="button" className="btn btn--ghost btn--sm" onClick={() => setOpen(true)} aria-label={`Resend the receipt for ${amount}`}>
        Resend receipt
      </button>
      <span role="status" className="cell-stack__sub">
        {sent ? `Sent to ${sent.join(', ')}` : ''}
      </span>
      <ConfirmDialog open={open} title="Resend the receipt?" confirmLabel="Resend" busyLabel="Sending…" busy={busy} error={error} tone="primary" onConfirm={() => void send()} onCancel={() => setOpen(false)}>
        <p>The receipt for {amount} goes to the client’s billing contacts again.</p>
      </ConfirmDialog>
    </>
  );
}
