import type { AccountState, CustomerRecord, PaymentMethodRecord } from '../../core/account-state.js';
import type { Emulator } from '../../core/emulator.js';
import { StripeError, invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';
import { deactivateMandates } from '../mandates/create-mandate.js';
import { CARD_DECLINES, declinesOnAttach } from './test-behaviors.js';

export function liveCustomer(account: AccountState, id: string, param = 'customer'): CustomerRecord {
  const rec = account.customers.get(id);
  if (!rec || rec.meta.deleted) throw resourceMissing('customer', id, param);
  return rec;
}

/**
 * Attaches a PaymentMethod to a customer (emits `payment_method.attached`). Idempotent for the
 * same customer; cards whose validation declines (e.g. 4000000000009995) are refused with a 402.
 */
export function attachPaymentMethod(em: Emulator, account: AccountState, pm: PaymentMethodRecord, customerId: string): void {
  const customer = liveCustomer(account, customerId);
  const current = pm.object.customer;
  if (current === customer.object.id) return;
  if (current !== null) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', { param: 'payment_method' });
  }
  const behavior = pm.meta.behavior;
  if (behavior.kind === 'card' && declinesOnAttach(behavior.outcome)) {
    const decline = CARD_DECLINES[behavior.outcome];
    if (decline) throw new StripeError(402, { type: 'card_error', ...decline, param: '' });
  }
  pm.object.customer = customer.object.id;
  emitEvent(em, account, 'payment_method.attached', pm.object);
}

/** Detaches a PaymentMethod (emits `payment_method.detached`); clears it as the customer's default. */
export function detachPaymentMethod(em: Emulator, account: AccountState, pm: PaymentMethodRecord): void {
  const customerId = typeof pm.object.customer === 'string' ? pm.object.customer : (pm.object.customer?.id ?? null);
  if (!customerId) {
    throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', { param: 'payment_method' });
  }
  const before = structuredClone(pm.object);
  pm.object.customer = null;
  emitEvent(em, account, 'payment_method.detached', pm.object, before);
  deactivateMandates(em, account, pm.object.id);
  const customer = account.customers.get(customerId);
  if (customer && customer.object.invoice_settings.default_payment_method === pm.object.id) {
    const prev = structuredClone(customer.object);
    customer.object.invoice_settings.default_payment_method = null;
    emitEvent(em, account, 'customer.updated', customer.object, prev);
  }
}
