import type Stripe from 'stripe';
import type { AccountState } from '../../core/account-state.js';
import type { Emulator } from '../../core/emulator.js';
import { newId } from '../../core/ids.js';
import { invalidRequest } from '../../core/stripe-error.js';
import { emitEvent } from '../events/emit-event.js';

export interface MandateDataInput {
  customer_acceptance: {
    type: 'online' | 'offline';
    accepted_at?: number | undefined;
    online?: { ip_address?: string | undefined; user_agent?: string | undefined; infer_from_client?: boolean | undefined } | undefined;
  };
}

export interface ClientInfo {
  ipAddress: string;
  userAgent: string;
}

/**
 * Turns `mandate_data` into a stored-acceptance record; null when not given. Stripe.js sends
 * `online[infer_from_client]=true` and Stripe takes the IP and user agent from the request.
 */
export function acceptanceFrom(em: Emulator, input: MandateDataInput | '' | undefined, client?: ClientInfo): Stripe.Mandate.CustomerAcceptance | null {
  if (!input) return null;
  const a = input.customer_acceptance;
  if (a.type === 'online' && a.online?.infer_from_client && client) {
    a.online = { ip_address: a.online.ip_address ?? client.ipAddress, user_agent: a.online.user_agent ?? (client.userAgent || 'unknown') };
  }
  if (a.type === 'online' && (!a.online?.ip_address || !a.online.user_agent)) {
    throw invalidRequest('Missing required param: mandate_data[customer_acceptance][online].', {
      param: 'mandate_data[customer_acceptance][online]',
      code: 'parameter_missing',
    });
  }
  return {
    accepted_at: a.accepted_at ?? em.clock.nowSeconds(),
    offline: a.type === 'offline' ? {} : undefined,
    online: a.type === 'online' ? { ip_address: a.online?.ip_address ?? '', user_agent: a.online?.user_agent ?? '' } : undefined,
    type: a.type,
  };
}

/**
 * With a publishable key (Stripe.js) Stripe accepts only online acceptances (its client-key
 * `mandate_data` has `type: online` alone): a mandate accepted offline — on the phone, on paper — is
 * confirmed from the server with a secret key.
 */
export function refuseOfflineWithPublishableKey(publishable: boolean, input: MandateDataInput | '' | undefined): void {
  if (publishable && input && input.customer_acceptance.type !== 'online') {
    throw invalidRequest('mandate_data[customer_acceptance][type] must be online when using a publishable key. Confirm offline acceptances from your server with a secret key.', {
      param: 'mandate_data[customer_acceptance][type]',
    });
  }
}

/** Creates an active multi-use ACH mandate for a PaymentMethod. */
export function createMandate(em: Emulator, account: AccountState, paymentMethodId: string, acceptance: Stripe.Mandate.CustomerAcceptance): Stripe.Mandate {
  const mandate: Stripe.Mandate = {
    id: newId('mandate'),
    object: 'mandate',
    customer_acceptance: acceptance,
    livemode: false,
    multi_use: {},
    payment_method: paymentMethodId,
    payment_method_details: { type: 'us_bank_account', us_bank_account: { collection_method: 'paper' } },
    status: 'active',
    type: 'multi_use',
  };
  account.mandates.set(mandate.id, { object: mandate, meta: {} });
  em.changed();
  return mandate;
}

export function activeMandateFor(account: AccountState, paymentMethodId: string): Stripe.Mandate | null {
  for (const rec of account.mandates.values()) {
    if (rec.object.payment_method === paymentMethodId && rec.object.status === 'active') return rec.object;
  }
  return null;
}

/**
 * Makes every active mandate of a PaymentMethod inactive (ACH dispute, detach) and emits
 * `mandate.updated` for each. Idempotent: inactive mandates are left alone.
 */
export function deactivateMandates(em: Emulator, account: AccountState, paymentMethodId: string): Stripe.Mandate[] {
  const changed: Stripe.Mandate[] = [];
  for (const rec of account.mandates.values()) {
    const mandate = rec.object;
    if (mandate.payment_method !== paymentMethodId || mandate.status !== 'active') continue;
    const before = structuredClone(mandate);
    mandate.status = 'inactive';
    emitEvent(em, account, 'mandate.updated', mandate, before);
    changed.push(mandate);
  }
  return changed;
}
