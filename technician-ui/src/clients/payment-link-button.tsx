import { useState } from 'react';
import { ApiError } from '../../../ui-kit/api-client';
import { api } from '../api';

/**
 * "Copy payment link" for one invoice: asks the server for the invoice's link (the same link until
 * it is revoked) and copies it; where the clipboard is not available the link is shown to copy by
 * hand. Only for invoices someone can still pay.
 */
export function PaymentLinkButton({ invoiceId, invoiceNumber }: { invoiceId: string; invoiceNumber: string }) {
  const [state, setState] = useState<{ kind: 'idle' | 'busy' | 'copied' } | { kind: 'manual'; url: string } | { kind: 'error'; message: string }>({ kind: 'idle' });

  async function copy() {
    setState({ kind: 'busy' });
    try {
      const { url } = await api.get<{ url: string }>(`/invoices/${invoiceId}/payment-link`);
      try {
        await navigator.clipboard.writeText(url);
        setState({ kind: 'copied' });
        setTimeout(() => setState({ kind: 'idle' }), 2500);
      } catch {
        setState({ kind: 'manual', url });
      }
    } catch (err) {
      setState({ kind: 'error', message: err instanceof ApiError ? err.message : 'Could not get the payment link.' });
    }
  }

  return (
    <span className="payment-link">
      <button type="button" className="btn btn--sm btn--secondary" onClick={copy} disabled={state.kind === 'busy'} aria-label={`Copy payment link for ${invoiceNumber}`}>
        {state.kind === 'copied' ? 'Link copied' : 'Copy pay link'}
      </button>
      <span role="status" aria-live="polite" className="payment-link__status">
        {state.kind === 'manual' && (
          <input className="input payment-link__url" readOnly value={state.url} aria-label={`Payment link for ${invoiceNumber}`} onFocus={(e) => e.currentTarget.select()} autoFocus />
        )}
        {state.kind === 'error' && <span className="field__error">{state.message}</span>}
      </span>
    </span>
  );
}
