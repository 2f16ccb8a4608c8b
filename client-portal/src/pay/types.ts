// The paying API's shapes as docs/portal.md describes them (server/portal-payments/,
// server/portal-payment-methods/, server/payment-links/). Money is integer minor units + currency.
import type { InvoiceStatus } from '../../../ui-kit/types';
import type { StripeConfig } from '../../../ui-kit/stripe';

// Type-only imports of the server's own response shapes (as ui-kit/types.ts does): the compiler
// checks both sides of the contract, and nothing from the server is bundled.
import type { PaymentView } from '../../../server/portal-payments/payment-view';
import type { PaymentMethodView } from '../../../server/portal-payment-methods/payment-method-view';

export type { PaymentView, PaymentMethodView };
export type { PaymentStatus } from '../../../server/payments/map-payment-intent-status';
export type { InvoicePaymentInfo } from '../../../server/portal-payments/invoice-payment-info';
export type { ReceiptView as Receipt } from '../../../server/portal-payments/receipt';

export type MethodType = 'card' | 'us_bank_account';

export interface CreatePaymentRequest {
  invoiceIds: string[];
  amounts?: Record<string, number>;
  paymentMethodId?: string;
  methodType?: MethodType;
}

export interface CreatePaymentResponse {
  payment: PaymentView;
  clientSecret: string | null;
}

export interface PaymentResponse {
  payment: PaymentView;
}

export interface PaymentMethodsResponse {
  methods: PaymentMethodView[];
  achMandateText: string;
}

export interface PaymentLinkInvoice {
  number: string;
  issuedAt: string;
  dueDate: string;
  total: number;
  amountRemaining: number;
  currency: string;
  status: InvoiceStatus;
}

export interface PaymentLinkResponse {
  invoice: PaymentLinkInvoice;
  mspName: string;
  stripe: StripeConfig;
  payment: PaymentView | null;
}

/** One invoice as the pay dialog shows it (from the invoice list or detail the server sent). */
export interface PayableInvoice {
  id: string;
  number: string;
  currency: string;
  amountRemaining: number;
  dueDate: string;
}
