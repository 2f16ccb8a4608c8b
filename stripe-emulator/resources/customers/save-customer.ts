import type Stripe from 'stripe';
import type { AccountState, CustomerRecord } from '../../core/account-state.js';
import type { Emulator } from '../../core/emulator.js';
import { newId, randomAlphanumeric } from '../../core/ids.js';
import { invalidRequest, resourceMissing } from '../../core/stripe-error.js';
import { applyMetadata } from '../../http/params.js';
import { emitEvent } from '../events/emit-event.js';
import { attachPaymentMethod } from '../payment-methods/attach-payment-method.js';
import { resolvePaymentMethod } from '../payment-methods/create-payment-method.js';
import type { CustomerCreateInput, CustomerUpdateInput } from './customer-params.js';

function address(input: Partial<Stripe.Address> | '' | undefined, current: Stripe.Address | null): Stripe.Address | null {
  if (input === undefined) return current;
  if (input === '') return null;
  return {
    city: input.city ?? null,
    country: input.country ?? null,
    line1: input.line1 ?? null,
    line2: input.line2 ?? null,
    postal_code: input.postal_code ?? null,
    state: input.state ?? null,
  };
}

function applyCommon(em: Emulator, account: AccountState, c: Stripe.Customer, input: CustomerCreateInput | CustomerUpdateInput): void {
  c.address = address(input.address, c.address ?? null);
  if (input.balance !== undefined) c.balance = input.balance;
  if (input.business_name !== undefined) c.business_name = input.business_name;
  if (input.individual_name !== undefined) c.individual_name = input.individual_name;
  if (input.description !== undefined) c.description = input.description || null;
  if (input.email !== undefined) c.email = input.email || null;
  if (input.name !== undefined) c.name = input.name || null;
  if (input.phone !== undefined) c.phone = input.phone || null;
  if (input.invoice_prefix !== undefined) c.invoice_prefix = input.invoice_prefix;
  if (input.next_invoice_sequence !== undefined) c.next_invoice_sequence = input.next_invoice_sequence;
  if (input.preferred_locales !== undefined) c.preferred_locales = input.preferred_locales;
  if (input.tax_exempt !== undefined) c.tax_exempt = input.tax_exempt || 'none';
  if (input.shipping !== undefined) {
    c.shipping =
      input.shipping === ''
        ? null
        : { address: address(input.shipping.address, null) ?? undefined, name: input.shipping.name, phone: input.shipping.phone ?? null };
  }
  c.metadata = applyMetadata(c.metadata, input.metadata);
  const defaultPm = input.invoice_settings?.default_payment_method;
  if (defaultPm !== undefined) {
    if (defaultPm === '') {
      c.invoice_settings.default_payment_method = null;
    } else {
      const pm = account.paymentMethods.get(defaultPm);
      if (!pm || pm.object.customer !== c.id) {
        throw invalidRequest(
          `The customer does not have a payment method with the ID ${defaultPm}. The payment method must be attached to the customer.`,
          { param: 'invoice_settings[default_payment_method]', code: 'resource_missing' },
        );
      }
      c.invoice_settings.default_payment_method = pm.object.id;
    }
  }
  if (input.invoice_settings?.footer !== undefined) c.invoice_settings.footer = input.invoice_settings.footer || null;
  void em;
}

/** Creates a customer (emits `customer.created`). Not idempotent without an Idempotency-Key. */
export function createCustomer(em: Emulator, account: AccountState, input: CustomerCreateInput): Stripe.Customer {
  let createdMs = em.clock.nowMs();
  let testClock: string | null = null;
  if (input.test_clock !== undefined) {
    const clock = account.testClocks.get(input.test_clock);
    if (!clock) throw resourceMissing('test_clock', input.test_clock, 'test_clock');
    testClock = clock.object.id;
    createdMs = clock.object.frozen_time * 1000;
  }
  const customer: Stripe.Customer = {
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: Math.floor(createdMs / 1000),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomAlphanumeric(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: testClock,
  };
  const rec: CustomerRecord = { object: customer, meta: { deleted: false } };
  const { invoice_settings: settings, ...rest } = input;
  const pendingDefault = settings?.default_payment_method;
  applyCommon(em, account, customer, { ...rest, invoice_settings: settings ? { ...settings, default_payment_method: undefined } : undefined });
  account.customers.set(customer.id, rec);
  emitEvent(em, account, 'customer.created', customer);
  if (input.payment_method !== undefined) {
    const pm = resolvePaymentMethod(em, account, input.payment_method);
    attachPaymentMethod(em, account, pm, customer.id);
  }
  if (pendingDefault) {
    const pm = account.paymentMethods.get(pendingDefault);
    if (!pm || pm.object.customer !== customer.id) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${pendingDefault}. The payment method must be attached to the customer.`,
        { param: 'invoice_settings[default_payment_method]', code: 'resource_missing' },
      );
    }
    customer.invoice_settings.default_payment_method = pm.object.id;
  }
  return customer;
}

/** Updates a customer (emits `customer.updated` with `previous_attributes` when anything changed). */
export function updateCustomer(em: Emulator, account: AccountState, rec: CustomerRecord, input: CustomerUpdateInput): Stripe.Customer {
  const before = structuredClone(rec.object);
  const draft = structuredClone(rec.object);
  applyCommon(em, account, draft, input);
  rec.object = draft;
  if (JSON.stringify(before) !== JSON.stringify(draft)) emitEvent(em, account, 'customer.updated', draft, before);
  return draft;
}

/** Deletes a customer (emits `customer.deleted`); its payment methods are detached silently. */
export function deleteCustomer(em: Emulator, account: AccountState, rec: CustomerRecord): Stripe.DeletedCustomer {
  rec.meta.deleted = true;
  for (const pm of account.paymentMethods.values()) if (pm.object.customer === rec.object.id) pm.object.customer = null;
  emitEvent(em, account, 'customer.deleted', rec.object);
  return { id: rec.object.id, object: 'customer', deleted: true };
}
