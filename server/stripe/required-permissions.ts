// The restricted-key permissions Settle needs, each with a harmless probe. Write probes update an id
// that cannot exist: with the permission Stripe answers 404, without it 403 (StripePermissionError),
// so nothing is ever created or changed by checking.
import type Stripe from 'stripe';

export interface RequiredPermission {
  /** Stripe's permission name, as in its 403 messages. */
  id: string;
  /** As the Stripe dashboard labels it when creating a restricted key. */
  label: string;
  why: string;
  probe(stripe: Stripe): Promise<unknown>;
}

const PROBE_ID = 'settle_permission_probe';

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  { id: 'rak_customer_write', label: 'Customers: Write', why: 'create Stripe customers for your clients and keep them in sync', probe: (s) => s.customers.update(`cus_${PROBE_ID}`, {}) },
  { id: 'rak_payment_method_write', label: 'PaymentMethods: Write', why: 'save, list and remove cards and bank accounts', probe: (s) => s.paymentMethods.update(`pm_${PROBE_ID}`, {}) },
  { id: 'rak_setup_intent_write', label: 'SetupIntents: Write', why: 'save payment details and verify bank accounts', probe: (s) => s.setupIntents.update(`seti_${PROBE_ID}`, {}) },
  { id: 'rak_payment_intent_write', label: 'PaymentIntents: Write', why: 'charge invoices, including autopay', probe: (s) => s.paymentIntents.update(`pi_${PROBE_ID}`, {}) },
  { id: 'rak_charge_write', label: 'Charges and Refunds: Write', why: 'read payment outcomes and refund payments', probe: (s) => s.refunds.update(`re_${PROBE_ID}`, {}) },
  { id: 'rak_dispute_read', label: 'Disputes: Read', why: 'track disputes and their evidence due dates', probe: (s) => s.disputes.list({ limit: 1 }) },
  { id: 'rak_mandate_read', label: 'Mandates: Read', why: 'know whether an ACH debit authorization is still valid', probe: (s) => s.mandates.retrieve(`mandate_${PROBE_ID}`) },
  { id: 'rak_webhook_write', label: 'Webhook Endpoints: Write', why: 'create the webhook endpoint that tells Settle about payments', probe: (s) => s.webhookEndpoints.update(`we_${PROBE_ID}`, {}) },
  { id: 'rak_event_read', label: 'Events: Read', why: 'catch up on payment events if a webhook is missed', probe: (s) => s.events.list({ limit: 1 }) },
];
