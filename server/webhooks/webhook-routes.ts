// POST /webhooks/stripe/:installationId — Stripe's deliveries. Mounted before any JSON parser: the
// signature covers the raw bytes. Thin: verify + store (receiveStripeEvent), answer 200 at once;
// processing happens in workers.
import express, { Router } from 'express';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { receiveStripeEvent } from './receive-stripe-event';
import { wakeEventProcessor } from './wake-event-processor';

/** Stripe events are usually a few kB; a large invoice-like object stays far below this. */
export const WEBHOOK_BODY_LIMIT = '1mb';

export function stripeWebhookRoutes(ctx: AppContext, options: { isDraining?: () => boolean } = {}): Router {
  const router = Router();
  router.post('/stripe/:installationId', express.raw({ type: 'application/json', limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!Buffer.isBuffer(req.body)) throw new AppError('WEBHOOK_PAYLOAD_INVALID');
    const received = await receiveStripeEvent(ctx, { installationId: String(req.params.installationId), payload: req.body, signature: req.get('stripe-signature') });
    res.status(200).json({ received: true });
    if (received.stored && received.status === 'pending') wakeEventProcessor(ctx, { isStopping: options.isDraining });
  });
  return router;
}
