// Data hooks for the ledger pages. Each reloads on demand after an action.
import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type { ClientLedgerView, DisputeView, ExceptionView, LedgerSettingsView, PaymentDetailView, PayoutSummaryView, PayoutTransactionView } from './types';

export function useExceptions(status: 'open' | 'resolved') {
  return useResource(`exceptions:${status}`, (signal) => api.get<{ exceptions: ExceptionView[] }>(`/exceptions?status=${status}`, { signal }), { keepPreviousData: true });
}

export function useClientLedger(clientId: string) {
  return useResource(`ledger:${clientId}`, (signal) => api.get<ClientLedgerView>(`/clients/${encodeURIComponent(clientId)}/ledger`, { signal }));
}

export function usePayment(paymentId: string) {
  return useResource(`payment:${paymentId}`, (signal) => api.get<{ payment: PaymentDetailView }>(`/payments/${encodeURIComponent(paymentId)}`, { signal }));
}

export function useDisputes(status: 'open' | 'all') {
  return useResource(`disputes:${status}`, (signal) => api.get<{ disputes: DisputeView[] }>(`/disputes?status=${status}`, { signal }), { keepPreviousData: true });
}

export function usePayouts(range: { from: string; to: string }) {
  const query = new URLSearchParams(Object.entries(range).filter(([, v]) => v !== '')).toString();
  return useResource(`payouts:${query}`, (signal) => api.get<{ payouts: PayoutSummaryView[] }>(`/payouts${query ? `?${query}` : ''}`, { signal }), { keepPreviousData: true });
}

export function usePayout(payoutId: string) {
  return useResource(`payout:${payoutId}`, (signal) => api.get<{ payout: PayoutSummaryView; transactions: PayoutTransactionView[] }>(`/payouts/${encodeURIComponent(payoutId)}`, { signal }));
}

export function useLedgerSettings() {
  return useResource('ledger-settings', (signal) => api.get<{ settings: LedgerSettingsView }>('/ledger/settings', { signal }));
}

/** A client-made id for a dialog's request, so submitting it twice is one payment or one refund. */
export function newRequestId(): string {
  return crypto.randomUUID();
}
