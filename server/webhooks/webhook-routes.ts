// POST /webhooks/stripe/:installationId — Stripe's deliveries. Mounted before any JSON parser: the
// signature covers the raw bytes. Thin: verify + store (receiveStripeEvent), answer 200 at once;
// processing happens in workers.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { noteDelivery } from './ack-priority';
import { receiveStripeEvent } from './receive-stripe-event';
import { wakeEventProcessor } from './wake-event-processor';

/** Stripe events are usually a few kB; a large invoice-like object stays far below this. */
export const WEBHOOK_BODY_LIMIT = '1mb';

export function stripeWebhookRoutes(ctx: AppContext, options: { isDraining?: () => boolean } = {}): Router {
  const router = Router();
  router.use((_req, res, next) => {
    if (!options.isDraining?.()) return next();
    res.setHeader('Connection', 'close');
    next(new AppError('SERVICE_SHUTTING_DOWN', { headers: { 'Retry-After': '5' } })); // Stripe retries
  });
  router.post('/stripe/:installationId', express.raw({ type: 'application/json', limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!Buffer.isBuffer(req.body)) throw new AppError('WEBHOOK_PAYLOAD_INVALID');
    noteDelivery(ctx);
    const received = await receiveStripeEvent(ctx, { installationId: String(req.params.installationId), payload: req.body, signature: req.get('stripe-signature') });
    res.status(200).json({ received: true });
    if (received.stored && received.status === 'pending') wakeEventProcessor(ctx, { isStopping: options.isDraining });
  });
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const appError = err instanceof AppError ? err : (err as { type?: string }).type === 'entity.too.large' ? new AppError('PAYLOAD_TOO_LARGE') : null;
    if (appError) {
      if (appError.code !== 'SERVICE_SHUTTING_DOWN') ctx.logger.warn({ code: appError.code, path: req.path }, 'webhook delivery refused');
      for (const [k, v] of Object.entries(appError.headers)) res.setHeader(k, v);
      res.status(appError.status).json(appError.toBody());
      return;
    }
    ctx.logger.error({ err, path: req.path }, 'webhook delivery failed');
    res.status(500).json(new AppError('INTERNAL_ERROR').toBody());
  });
  return router;
}
