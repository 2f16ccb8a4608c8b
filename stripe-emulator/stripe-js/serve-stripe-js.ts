import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'browser', 'index.ts');
export const STRIPE_JS_PATHS = ['/js/stripe.js', '/v3', '/v3/', '/endive/stripe.js'];

let cached: Promise<string> | null = null;

/**
 * The Stripe.js stand-in as one classic browser script. Its source is TypeScript under
 * `stripe-js/browser/` (type-checked and linted with the rest of the emulator); esbuild bundles
 * it on first request (~50 ms) and the result is kept for the life of the process.
 */
export function buildStripeJs(): Promise<string> {
  cached ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    banner: { js: '/* Stripe.js stand-in served by the Settle Stripe emulator: test mode only. */' },
  }).then((result) => result.outputFiles[0]?.text ?? '', (err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}

/** `GET /js/stripe.js` (and Stripe's own paths `/v3/`, `/endive/stripe.js`): the stand-in, CORS-open. */
export function serveStripeJs(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  if (!STRIPE_JS_PATHS.includes(url.pathname) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  buildStripeJs().then(
    (js) => {
      res.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Length': Buffer.byteLength(js),
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : js);
    },
    (err: unknown) => {
      console.error('stripe-emulator: building stripe.js failed', err);
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('stripe.js build failed');
    },
  );
  return true;
}
