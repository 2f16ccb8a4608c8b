// The hook point between Stripe sync and the ledger. syncPaymentIntent calls every registered hook
// once per status transition of a payment, inside the transaction that wrote the transition, so a
// hook sees each transition exactly once (a duplicate or stale sync writes nothing and calls nothing).
//
// Allocation to invoices, invoice status, receipts and the PSA write-back belong to the ledger
// (server/portal-payments/apply-payment-transition.ts registers here at boot); this module itself
// changes the payment row and nothing else.
import type { InstallationScope } from '../db/tenant-scope';
import type { Logger } from '../logger';
import type { PaymentStatus } from './map-payment-intent-status';

export interface PaymentTransition {
  paymentId: string;
  clientId: string | null;
  stripePaymentIntentId: string;
  from: PaymentStatus;
  to: PaymentStatus;
  at: Date;
}

/** What a hook may need besides the transaction: where Settle is reachable, and a logger. */
export interface PaymentTransitionEnv {
  publicUrl: string;
  logger: Logger;
}

export type PaymentTransitionHook = (scope: InstallationScope, transition: PaymentTransition, env: PaymentTransitionEnv) => Promise<void>;

const hooks: PaymentTransitionHook[] = [];

/** Registers a hook (at boot). Returns a function that removes it (tests). */
export function registerPaymentTransitionHook(hook: PaymentTransitionHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Runs every hook for one transition, in order, inside the caller's transaction scope. */
export async function runPaymentTransitionHooks(scope: InstallationScope, transition: PaymentTransition, env: PaymentTransitionEnv): Promise<void> {
  for (const hook of hooks) await hook(scope, transition, env);
}
