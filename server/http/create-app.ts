// The Express app factory. No listen() here: tests mount the app on an ephemeral port, main.ts
// wraps it in an http.Server with graceful shutdown.
import cookieParser from 'cookie-parser';
import type { RequestListener } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { createPassport } from '../auth/passport-setup';
import { appRoutes, clientListKey } from '../clients/app-routes';
import { clientListQuery } from '../clients/list-clients';
import { dashboardRoutes } from '../dashboard/dashboard-routes';
import { auditRoutes } from '../audit/audit-routes';
import { autopayActionRoutes } from '../autopay/actions/autopay-action-routes';
import { staffPaymentRoutes } from '../staff-payments/staff-payment-routes';
import { clientActionRoutes } from '../clients/client-action-routes';
import { staffPaymentMethodRoutes } from '../staff-payment-methods/staff-payment-method-routes';
import { setupLinkPublicRoutes } from '../clients/setup-link-routes';
import { createLiveHub, type LiveHub } from '../live/live-hub';
import { liveRoutes } from '../live/live-routes';
import { portalInvoiceListKey, portalInvoiceListQuery, portalRoutes } from '../invoices/portal-routes';
import { marketplaceRoutes } from '../installations/marketplace-routes';
import { setupRoutes } from '../installations/setup-routes';
import { ensureWebhookEndpoint } from '../webhooks/ensure-webhook-endpoint';
import { oauthRoutes } from '../stripe/oauth-routes';
import { outboxRoutes } from '../outbox/outbox-routes';
import { portalAccessAppRoutes, redactLinkTokens } from '../portal-access/access-routes';
import { psaRoutes } from '../psa/psa-routes';
import { emailPreferenceRoutes, notificationAppRoutes, paymentAuthenticationRoutes, redactUnsubscribeTokens } from '../notifications/notification-routes';
import { webhookAppRoutes } from '../webhooks/webhook-app-routes';
import { ledgerRoutes } from '../ledger/ledger-routes';
import { payoutRoutes } from '../payouts/payout-routes';
import { registerLedgerHooks } from '../portal-payments/apply-payment-transition';
import { paymentLinkAppRoutes, paymentLinkPsaRoutes, paymentLinkPublicRoutes } from '../payment-links/payment-link-routes';
import { stripeWebhookRoutes } from '../webhooks/webhook-routes';
import { apiDocsRoutes } from './api-docs';
import { AppError } from './app-error';
import type { AppContext } from './context';
import { apiNotFound, errorHandler } from './error-handler';
import { createReadCache } from './read-cache';
import { createRequestLog } from './request-log';
import { hotReads } from './hot-reads';
import { securityHeaders } from './security-headers';
import { staticApps } from './static-apps';

export interface CreateAppOptions {
  /** Where the built apps live (dist/ at the repo root by default). */
  webRoot: string;
  /** Extra origins the pages may load Stripe.js from and talk to (the emulator's, in emulator mode). */
  stripeOrigins?: string[];
  /** True once shutdown began: new requests get 503 and `Connection: close`. */
  isDraining?: () => boolean;
  /** Live updates (server-sent events); the runtime passes one it closes at shutdown. */
  live?: LiveHub;
}

function sameOriginWrites(): RequestHandler {
  // Browsers send Origin on cross-site POSTs; a mismatch is a cross-site request (CSRF), refused
  // before any session is looked at. Requests without Origin (server-to-server) pass to the
  // session-bound CSRF token check.
  return (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const origin = req.get('origin');
    if (origin && origin !== 'null') {
      let host: string;
      try {
        host = new URL(origin).host;
      } catch {
        return next(new AppError('AUTH_CSRF_FAILED'));
      }
      if (host !== req.get('host')) return next(new AppError('AUTH_CSRF_FAILED'));
    } else if (origin === 'null') {
      return next(new AppError('AUTH_CSRF_FAILED'));
    }
    next();
  };
}

function jsonOnly(): RequestHandler {
  return (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) return next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
    next();
  };
}

export interface SettleHttp {
  /** The Express application (every route). */
  app: Express;
  /** What the HTTP server runs: cached hot reads first (hot-reads.ts), everything else to `app`. */
  listener: RequestListener;
  /** How many requests the hot path answered itself (tests). */
  hotReads: { readonly answered: number };
}

export function createApp(ctx: AppContext, options: CreateAppOptions): Express {
  return createHttp(ctx, options).app;
}

export function createHttp(ctx: AppContext, options: CreateAppOptions): SettleHttp {
  registerLedgerHooks();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('query parser', 'simple');

  // Stripe webhooks first: raw body (the signature covers the exact bytes) before any JSON parser,
  // and none of the browser-facing middleware — a machine endpoint taking 1,000+ deliveries a second
  // logs its failures, not every acknowledgement.
  app.use(stripeWebhookRoutes(ctx, { isDraining: () => options.isDraining?.() ?? false }));

  const requestLog = createRequestLog(ctx.logger, {
    ignore: (url) => url.startsWith('/portal/assets') || url.startsWith('/app/assets'),
    redactPath: (path) => redactUnsubscribeTokens(redactLinkTokens(path)) ?? path,
  });
  const stripeOrigins = options.stripeOrigins ?? [];
  const security = securityHeaders({ stripeOrigins, secure: ctx.config.secureCookies });
  // Hot reads (lists, GET sessions) are answered from a cache that this process's writes and the
  // live feed drop (read-cache.ts); without a runtime's hub, only this process's writes and the TTL.
  const readCache = createReadCache(ctx.db, options.live ?? null);
  // The cached ones go out before Express (see `listener` below and hot-reads.ts).
  const hot = hotReads(
    [
      {
        path: '/api/portal/invoices',
        kind: 'portal',
        key: (principal, query, now) => {
          const parsed = portalInvoiceListQuery.safeParse(query);
          return principal.kind === 'portal' && parsed.success ? { installationId: principal.installationId, key: portalInvoiceListKey(principal.clientId, parsed.data, now) } : null;
        },
      },
      {
        path: '/api/app/clients',
        kind: 'staff',
        key: (principal, query, now) => {
          const parsed = clientListQuery.safeParse(query);
          return principal.kind === 'staff' && parsed.success ? { installationId: principal.installationId, key: clientListKey(parsed.data, now) } : null;
        },
      },
    ],
    { cache: readCache, clock: ctx.clock, log: requestLog, headers: security.fixed, isDraining: () => options.isDraining?.() ?? false },
  );
  app.use(requestLog.middleware);
  app.use(security.middleware);

  app.use((_req, res, next) => {
    if (options.isDraining?.()) {
      res.setHeader('Connection', 'close');
      return next(new AppError('SERVICE_SHUTTING_DOWN', { headers: { 'Retry-After': '5' } }));
    }
    next();
  });

  app.get('/api/health', async (_req, res) => {
    await ctx.db.raw('select 1');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });

  const passport = createPassport(ctx, readCache);
  // After Stripe is connected: create Settle's webhook endpoint there. A failure does not undo the
  // connection; it is logged, shown by the webhook health panel, and can be retried.
  const setupHooks = {
    afterConnect: async (c: AppContext, installationId: string) => {
      try {
        await ensureWebhookEndpoint(c, installationId);
      } catch (err) {
        c.logger.error({ err, installationId }, 'could not create the Stripe webhook endpoint');
      }
    },
  };
  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(sameOriginWrites());
  // Unsubscribe links: public, and RFC 8058 one-click POSTs are form-encoded (before the JSON-only rule).
  api.use('/email', emailPreferenceRoutes(ctx));
  api.use(jsonOnly());
  // /api/psa parses its own (larger) bodies, after the API key is checked.
  const json = express.json({ limit: ctx.config.bodyLimit, strict: true, type: 'application/json' });
  api.use((req, res, next) => (req.path.startsWith('/psa/') ? next() : json(req, res, next)));
  api.use(cookieParser());
  api.use('/app', appRoutes(ctx, passport, readCache));
  api.use('/app', setupRoutes(ctx, passport, setupHooks));
  api.use('/portal', portalRoutes(ctx, passport, readCache));
  api.use('/pay', paymentLinkPublicRoutes(ctx));
  api.use('/psa', paymentLinkPsaRoutes(ctx, passport));
  api.use('/app', paymentLinkAppRoutes(ctx, passport));
  api.use('/app', outboxRoutes(ctx, passport));
  api.use('/app', portalAccessAppRoutes(ctx, passport));
  api.use('/app', webhookAppRoutes(ctx, passport));
  api.use('/portal', paymentAuthenticationRoutes(ctx, passport));
  api.use('/app', notificationAppRoutes(ctx, passport));
  // The payments list and its CSV (/payments, /payments/export.csv) before the ledger's /payments/:paymentId.
  api.use('/app', staffPaymentRoutes(ctx, passport));
  api.use('/app', ledgerRoutes(ctx, passport));
  api.use('/app', payoutRoutes(ctx, passport));
  api.use('/app', dashboardRoutes(ctx, passport));
  api.use('/app', auditRoutes(ctx, passport));
  api.use('/app', staffPaymentMethodRoutes(ctx, passport));
  api.use('/app', clientActionRoutes(ctx, passport));
  api.use('/app', autopayActionRoutes(ctx, passport));
  api.use('/app', liveRoutes(passport, options.live ?? createLiveHub({ knex: ctx.db, kind: 'pglite', url: null }, ctx.logger)));
  api.use('/psa', psaRoutes(ctx, passport));
  api.use('/docs', apiDocsRoutes());
  api.use(apiNotFound);
  app.use('/api', api);

  app.use('/marketplace', marketplaceRoutes(ctx));
  app.use('/stripe/oauth', oauthRoutes(ctx, passport, setupHooks));
  app.use('/setup', cookieParser(), setupLinkPublicRoutes(ctx));
  app.use(staticApps(options.webRoot, { stripeJsUrl: stripeOrigins[0] ? `${stripeOrigins[0]}/js/stripe.js` : null }));
  app.get('/', (_req, res) => res.redirect(302, '/portal/'));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  app.use(errorHandler);
  return { app, listener: (req, res) => hot(req, res, () => app(req, res)), hotReads: hot };
}
