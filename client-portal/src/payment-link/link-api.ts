// The public payment link API (/api/pay/:token): no session, no CSRF token — the token is the
// only credential, and it shows one invoice and pays it, nothing else.
import { ApiClient } from '../../../ui-kit/api-client';
import type { CreatePaymentResponse, MethodType, PaymentLinkResponse, PaymentResponse, PaymentView } from '../pay/types';

const payApi = new ApiClient({ basePath: '/api/pay' });
const linkPath = (token: string) => `/${encodeURIComponent(token)}`;

export function getPaymentLink(token: string, signal?: AbortSignal): Promise<PaymentLinkResponse> {
  return payApi.get<PaymentLinkResponse>(linkPath(token), { signal });
}

export function createLinkPayment(token: string, methodType: MethodType): Promise<CreatePaymentResponse> {
  return payApi.post<CreatePaymentResponse>(`${linkPath(token)}/payments`, { methodType });
}

export async function refreshLinkPayment(token: string, paymentId: string): Promise<PaymentView> {
  return (await payApi.post<PaymentResponse>(`${linkPath(token)}/payments/${encodeURIComponent(paymentId)}/refresh`)).payment;
}
