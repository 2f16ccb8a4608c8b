// POST /webhooks/stripe/:installationId — Stripe's deliveries. A plain request handler mounted ahead
// of everything in the Express app (no router, no body-parser, no ETag): this path takes 1,000+
// deliveries a second and every microsecond here is taken from the same event loop that stores them.
// It reads the raw bytes (the signature covers them), verifies and stores (receiveStripeEvent) and
// answers 200 at once; processing happens in workers. Any other request passes through untouched.
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../http/app-error';
import type { AppContext } from '../http/context';
import { noteDelivery } from './ack-priority';
import { receiveStripeEvent } from './receive-stripe-event';
import { wakeEventProcessor } from './wake-event-processor';

/** Stripe events are usually a few kB; a large invoice-like object stays far below this. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

const PATH = /^\/webhooks\/stripe\/([^/?#]*)\/?(?:\?.*)?$/;

export type StripeWebhookHandler = (req: Request, res: Response, next: NextFunction) => void;

export function stripeWebhookRoutes(ctx: AppContext, options: { isDraining?: () => boolean } = {}): StripeWebhookHandler {
  return (req, res, next) => {
    const match = PATH.exec(req.url);
    if (!match || req.method !== 'POST') return next();
    if (options.isDraining?.()) {
      res.setHeader('Connection', 'close');
      return refuse(ctx, req, res, new AppError('SERVICE_SHUTTING_DOWN', { headers: { 'Retry-After': '5' } })); // Stripe retries
    }
    void handle(ctx, req, res, decodeURIComponentSafe(match[1]!), options).catch((err: unknown) => {
      if (err instanceof AppError) return refuse(ctx, req, res, err);
      ctx.logger.error({ err, path: req.url }, 'webhook delivery failed');
      if (!res.headersSent) send(res, 500, new AppError('INTERNAL_ERROR').toBody());
    });
  };
}

async function handle(ctx: AppContext, req: IncomingMessage, res: ServerResponse, installationId: string, options: { isDraining?: () => boolean }): Promise<void> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    req.resume();
    throw new AppError('WEBHOOK_PAYLOAD_INVALID');
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    req.resume();
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'Webhook bodies must not be compressed.' });
  }
  const payload = await readBody(req, res);
  noteDelivery(ctx);
  const received = await receiveStripeEvent(ctx, { installationId, payload, signature: header(req, 'stripe-signature') });
  send(res, 200, { received: true });
  if (received.stored && received.status === 'pending') wakeEventProcessor(ctx, { isStopping: options.isDraining });
}

/** The whole body, refused with 413 past the limit (and the connection closed: the rest is not read). */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer> {
  const tooLarge = (): AppError => {
    res.setHeader('Connection', 'close');
    return new AppError('PAYLOAD_TOO_LARGE');
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > WEBHOOK_BODY_LIMIT_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > WEBHOOK_BODY_LIMIT_BYTES) {
        cleanup();
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new AppError('WEBHOOK_PAYLOAD_INVALID', { cause: err }));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // not a UUID either way: refused as an invalid signature
  }
}

function refuse(ctx: AppContext, req: IncomingMessage, res: ServerResponse, error: AppError): void {
  if (error.code !== 'SERVICE_SHUTTING_DOWN') ctx.logger.warn({ code: error.code, path: req.url }, 'webhook delivery refused');
  for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
  send(res, error.status, error.toBody());
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json), 'Cache-Control': 'no-store' });
  res.end(json);
}
