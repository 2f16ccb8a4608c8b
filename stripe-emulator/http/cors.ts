import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Stripe-Account, Stripe-Version, X-Stripe-Client-User-Agent';

/**
 * Stripe's API answers browsers from any origin (Stripe.js calls it with a publishable key), so
 * the emulator does too. Sets the headers on `res`; answers a preflight and returns true.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', 'Request-Id, Stripe-Version, Idempotency-Key, Idempotent-Replayed');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': (req.headers['access-control-request-headers'] as string | undefined) ?? ALLOW_HEADERS,
    'Access-Control-Max-Age': '600',
  });
  res.end();
  return true;
}
