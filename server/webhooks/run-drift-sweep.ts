// The drift sweep: a missed or dead-lettered webhook must never leave a payment or a bank account
// verification stuck. Periodically re-sync the open intents Settle is waiting on, least recently
// synced first, in bounded batches, each item's failure isolated; and drain events left pending or
// abandoned mid-processing (a crash between storing and processing).
import type Stripe from 'stripe';
import { InstallationScope } from '../db/tenant-scope';
import type { AppContext } from '../http/context';
import { syncSetupIntent } from '../payment-methods/sync-setup-intent';
import { syncPaymentIntent } from '../payments/sync-payment-intent';
import { processStripeEvents, type ProcessStripeEventsResult } from './process-stripe-events';

export interface RunDriftSweepOptions {
  /** Most intents of each kind re-synced per run. */
  batchSize?: number;
}

export interface DriftSweepResult {
  paymentIntents: { synced: number; changed: number; failed: number };
  setupIntents: { synced: number; changed: number; failed: number };
  events: ProcessStripeEventsResult;
}

const OPEN_PAYMENT_STATUSES = ['pending', 'processing', 'requires_action'];

interface Item {
  installation_id: string;
  object_id: string;
}

/**
 * Re-syncs open PaymentIntents (payments pending/processing/requires_action) and pending SetupIntents
 * (payment methods awaiting verification) of connected installations, then drains stuck events.
 * Idempotent (it only calls the convergent sync functions). Never creates, confirms or cancels
 * anything in Stripe; one item failing (Stripe down for one account) never stops the others.
 */
export async function runDriftSweep(ctx: AppContext, options: RunDriftSweepOptions = {}): Promise<DriftSweepResult> {
  const limit = options.batchSize ?? 100;
  const payments = (await ctx
    .db('payments as p')
    .join('stripe_connections as c', function () {
      this.on('c.installation_id', 'p.installation_id').andOnVal('c.status', '<>', 'disconnected');
    })
    .leftJoin('stripe_object_syncs as s', function () {
      this.on('s.installation_id', 'p.installation_id').andOn('s.object_id', 'p.stripe_payment_intent_id');
    })
    .whereIn('p.status', OPEN_PAYMENT_STATUSES)
    .whereNotNull('p.stripe_payment_intent_id')
    .orderByRaw('s.synced_at asc nulls first, p.updated_at asc')
    .limit(limit)
    .select({ installation_id: 'p.installation_id', object_id: 'p.stripe_payment_intent_id' })) as Item[];
  const methods = (await ctx
    .db('payment_methods as m')
    .join('stripe_connections as c', function () {
      this.on('c.installation_id', 'm.installation_id').andOnVal('c.status', '<>', 'disconnected');
    })
    .leftJoin('stripe_object_syncs as s', function () {
      this.on('s.installation_id', 'm.installation_id').andOn('s.object_id', 'm.setup_intent_id');
    })
    .where('m.status', 'pending_verification')
    .whereNotNull('m.setup_intent_id')
    .orderByRaw('s.synced_at asc nulls first, m.updated_at asc')
    .limit(limit)
    .select({ installation_id: 'm.installation_id', object_id: 'm.setup_intent_id' })) as Item[];

  const clients = new Map<string, Promise<Stripe>>();
  const clientFor = (installationId: string) => {
    let c = clients.get(installationId);
    if (!c) {
      c = ctx.stripe.forInstallation(ctx.db, installationId).then((r) => r.stripe);
      clients.set(installationId, c);
    }
    return c;
  };
  const sweep = async (items: Item[], sync: (o: { scope: InstallationScope; stripe: Stripe; id: string }) => Promise<{ outcome: string }>) => {
    const tally = { synced: 0, changed: 0, failed: 0 };
    for (const item of items) {
      try {
        const stripe = await clientFor(item.installation_id);
        const { outcome } = await sync({ scope: new InstallationScope(ctx.db, item.installation_id), stripe, id: item.object_id });
        tally.synced++;
        if (outcome === 'updated') tally.changed++;
      } catch (err) {
        tally.failed++;
        ctx.logger.warn({ err, installationId: item.installation_id, objectId: item.object_id }, 'drift sweep could not sync an intent');
      }
    }
    return tally;
  };
  const base = { clock: ctx.clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl };
  const paymentIntents = await sweep(payments, (o) => syncPaymentIntent({ ...base, scope: o.scope, stripe: o.stripe, paymentIntentId: o.id }));
  const setupIntents = await sweep(methods, (o) => syncSetupIntent({ ...base, scope: o.scope, stripe: o.stripe, setupIntentId: o.id }));
  const events = await processStripeEvents(ctx, { budgetMs: 20_000 });
  if (paymentIntents.changed || setupIntents.changed) ctx.logger.info({ paymentIntents, setupIntents }, 'drift sweep corrected intents a webhook did not');
  return { paymentIntents, setupIntents, events };
}
