// The payment-methods and autopay API's shapes (docs/portal.md, server/portal-payment-methods/).
// Money is integer minor units plus an ISO currency.

import type { PaymentMethodView } from '../../../server/portal-payment-methods/payment-method-view';
import type { AutopayView, ScheduledCharge } from '../../../server/portal-payment-methods/autopay';

// The server's own view types (type-only imports: nothing of the server is bundled), so the compiler
// checks both sides of the contract.
export type { AutopayView, PaymentMethodView, ScheduledCharge };
export type PaymentMethodType = PaymentMethodView['type'];
export type PaymentMethodStatus = PaymentMethodView['status'];
export type Verification = NonNullable<PaymentMethodView['verification']>;
export type MicrodepositType = Verification['microdepositType'];

export interface PaymentMethodsResponse {
  methods: PaymentMethodView[];
  achMandateText: string;
}

export interface PaymentMethodResponse {
  paymentMethod: PaymentMethodView;
}

export interface SetupResponse {
  paymentMethod: PaymentMethodView;
  clientSecret: string;
}

export type VerifyRequest = { amounts: [number, number] } | { descriptorCode: string };

export interface AutopayResponse {
  autopay: AutopayView;
}

export type AutopayRequest = { enabled: true; paymentMethodId: string; acceptConsent: true } | { enabled: false };
