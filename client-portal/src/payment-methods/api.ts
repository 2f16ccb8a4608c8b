import { useResource } from '../../../ui-kit/use-resource';
import { api } from '../api';
import type {
  AutopayRequest,
  AutopayResponse,
  PaymentMethodResponse,
  PaymentMethodsResponse,
  PaymentMethodType,
  SetupResponse,
  VerifyRequest,
} from './types';

const path = (id: string) => `/payment-methods/${encodeURIComponent(id)}`;

export const paymentMethodsApi = {
  list: (signal?: AbortSignal) => api.get<PaymentMethodsResponse>('/payment-methods', { signal }),
  setup: (type: PaymentMethodType) =>
    api.post<SetupResponse>('/payment-methods/setup', type === 'us_bank_account' ? { type, acceptMandate: true } : { type }),
  refresh: (id: string) => api.post<PaymentMethodResponse>(`${path(id)}/refresh`),
  verify: (id: string, body: VerifyRequest) => api.post<PaymentMethodResponse>(`${path(id)}/verify`, body),
  makeDefault: (id: string) => api.post<PaymentMethodResponse>(`${path(id)}/default`),
  remove: (id: string) => api.delete(path(id)),
  autopay: (signal?: AbortSignal) => api.get<AutopayResponse>('/autopay', { signal }),
  saveAutopay: (body: AutopayRequest) => api.request<AutopayResponse>('PUT', '/autopay', { body }),
};

export function usePaymentMethods() {
  return useResource('payment-methods', (signal) => paymentMethodsApi.list(signal), { keepPreviousData: true });
}

export function useAutopay() {
  return useResource('autopay', (signal) => paymentMethodsApi.autopay(signal), { keepPreviousData: true });
}
