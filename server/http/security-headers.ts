// The security headers every browser-facing response carries (helmet's, with a Content-Security-
// Policy that lets Stripe.js — or the emulator's stand-in — load, frame and connect).
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeaders {
  middleware: RequestHandler;
  /** The headers as a constant list (what the middleware sets), or null if they vary by request. */
  fixed: ReadonlyArray<readonly [string, string]> | null;
}

export function securityHeaders(options: { stripeOrigins: string[]; secure: boolean }): SecurityHeaders {
  const { stripeOrigins, secure } = options;
  return fixedHeaders(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'", 'https://js.stripe.com', ...stripeOrigins],
          'frame-src': ["'self'", 'https://js.stripe.com', 'https://hooks.stripe.com', ...stripeOrigins],
          'connect-src': ["'self'", 'https://api.stripe.com', 'https://m.stripe.network', ...stripeOrigins],
          'img-src': ["'self'", 'data:', 'https://*.stripe.com', ...stripeOrigins],
          'style-src': ["'self'", "'unsafe-inline'"],
          'font-src': ["'self'", 'data:'],
          'form-action': ["'self'", ...stripeOrigins],
          'upgrade-insecure-requests': secure ? [] : null,
        },
      },
      strictTransportSecurity: secure ? undefined : false,
    }),
  );
}

/**
 * helmet rebuilds its Content-Security-Policy string on every request although every directive here
 * is a constant: run it once against a recorder and set what it set. A middleware that looks at the
 * request, or answers asynchronously, is kept as it is.
 */
function fixedHeaders(middleware: RequestHandler): SecurityHeaders {
  const set: Array<[string, string]> = [];
  let synchronous = false;
  let inspectedRequest = false;
  const probe = new Proxy({}, { get: () => ((inspectedRequest = true), undefined) });
  const recorder = {
    setHeader: (name: string, value: unknown) => set.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  middleware(probe as never, recorder as never, (err?: unknown) => {
    synchronous = err === undefined;
  });
  if (!synchronous || inspectedRequest) return { middleware, fixed: null };
  return {
    fixed: set,
    middleware: (_req, res, next) => {
      for (const [name, value] of set) res.setHeader(name, value);
      next();
    },
  };
}
