// Calls for paying from the signed-in portal (/api/portal/payments…, /api/portal/payment-methods).
import { api } from '../api';
import type { CreatePaymentRequest, CreatePaymentResponse, PayableInvoice, PaymentMethodsResponse, PaymentResponse, PaymentView } from './types';

const paymentPath = (id: string) => `/payments/${encodeURIComponent(id)}`;

export function createPayment(body: CreatePaymentRequest): Promise<CreatePaymentResponse> {
  return api.post<CreatePaymentResponse>('/payments', body);
}

export async function refreshPayment(id: string): Promise<PaymentView> {
  return (await api.post<PaymentResponse>(`${paymentPath(id)}/refresh`)).payment;
}

export async function cancelPayment(id: string): Promise<PaymentView> {
  return (await api.post<PaymentResponse>(`${paymentPath(id)}/cancel`)).payment;
}

export async function getPayment(id: string, signal?: AbortSignal): Promise<PaymentView> {
  return (await api.get<PaymentResponse>(paymentPath(id), { signal })).payment;
}

export function listPaymentMethods(signal?: AbortSignal): Promise<PaymentMethodsResponse> {
  return api.get<PaymentMethodsResponse>('/payment-methods', { signal });
}

/**
 * Best effort when the page itself goes away (tab closed, reload) with a payment that was never
 * submitted: `keepalive` lets the request outlive the page, so the invoice is released at once
 * instead of staying "in progress".
 */
export function cancelPaymentOnUnload(id: string, csrfToken: string): void {
  void fetch(`/api/portal${paymentPath(id)}/cancel`, {
    method: 'POST',
    keepalive: true,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrfToken },
  }).catch(() => undefined);
}

const UNDER_WAY: ReadonlySet<PaymentView['status']> = new Set(['processing', 'requires_action']);

/** For each invoice (the first 10), the payment under way on it, if any — to explain a PAYMENT_IN_FLIGHT. */
export async function paymentsInFlight(invoices: PayableInvoice[]): Promise<Array<{ invoice: PayableInvoice; payment: PaymentView }>> {
  const found = await Promise.all(
    invoices.slice(0, 10).map(async (invoice) => {
      try {
        const { payments } = await api.get<{ payments: PaymentView[] }>('/payments', { query: { invoiceId: invoice.id } });
        const payment = payments.find((candidate) => UNDER_WAY.has(candidate.status));
        return payment ? { invoice, payment } : null;
      } catch {
        return null;
      }
    }),
  );
  return found.filter((entry) => entry !== null);
}
