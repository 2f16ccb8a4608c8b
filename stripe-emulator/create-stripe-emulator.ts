import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from './core/clock.js';
import type { Emulator } from './core/emulator.js';
import { createEmulatorState } from './core/emulator-state.js';
import { Scheduler } from './core/scheduler.js';
import { createControl, type EmulatorControl } from './control/control-api.js';
import { handleControlRequest } from './control/handle-control-request.js';
import { FaultInjector } from './faults/fault-injector.js';
import { handleApiRequest } from './http/handle-api-request.js';
import { IdempotencyStore } from './http/idempotency.js';
import { resolveOptions, type StripeEmulatorOptions } from './options.js';
import { buildRouter, runScheduledTask, extraControlHandlers } from './resources/register.js';
import { loadSnapshot, saveSnapshot } from './snapshot/snapshot-file.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { applyCors } from './http/cors.js';
import { authorizePage } from './resources/oauth/authorize-page.js';
import { oauthTokenEndpoint } from './resources/oauth/oauth-token-endpoint.js';
import { serveStripeJs } from './stripe-js/serve-stripe-js.js';

export interface StripeEmulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  control: EmulatorControl;
  /** Stops accepting requests, stops webhook deliveries and writes the snapshot (if any). */
  close(): Promise<void>;
}

/**
 * Starts a stateful Stripe API emulator that the unmodified `stripe` SDK can talk to:
 * `new Stripe(key, {host: '127.0.0.1', port, protocol: 'http'})`.
 */
export async function createStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const resolved = resolveOptions(options);
  const clock = createClock();
  let state = createEmulatorState();
  const scheduler = new Scheduler(clock);
  const snapshot = resolved.snapshotFile ? await loadSnapshot(resolved.snapshotFile) : null;
  if (snapshot) {
    state = snapshot.state;
    clock.setOffset(snapshot.clockOffsetMs);
  }
  let saveTimer: NodeJS.Timeout | null = null;
  let saving: Promise<void> = Promise.resolve();
  const save = async (): Promise<void> => {
    if (!resolved.snapshotFile) return;
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const file = resolved.snapshotFile;
    saving = saving.then(() => saveSnapshot(file, { state: em.state, clockOffsetMs: clock.offsetMs, tasks: scheduler.list() }));
    await saving;
  };
  const em: Emulator = {
    options: resolved,
    state,
    clock,
    scheduler,
    faults: new FaultInjector(options.faults),
    webhooks: new WebhookDispatcher(() => em.state, options.webhooks),
    baseUrl: '',
    activeRequest: null,
    changed() {
      if (!resolved.snapshotFile || saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = null;
        save().catch((err: unknown) => console.error('stripe-emulator: snapshot save failed', err));
      }, resolved.snapshotDebounceMs);
      saveTimer.unref();
    },
  };
  scheduler.setRunner((task) => runScheduledTask(em, task));
  if (snapshot) scheduler.load(snapshot.tasks);
  const router = buildRouter();
  const idempotency = new IdempotencyStore();
  const control = createControl(em, idempotency, save);
  const extra = extraControlHandlers(em);

  const oauthToken = oauthTokenEndpoint(em);
  const authorize = authorizePage(em);

  const onRequest = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const api = url.pathname.startsWith('/v1/') || url.pathname.startsWith('/oauth/');
    if (api && applyCors(req, res)) return;
    if (oauthToken(req, res, url, body) || authorize(req, res, url, body) || serveStripeJs(req, res, url)) return;
    if (url.pathname.startsWith('/v1/')) {
      handleApiRequest({ em, router, idempotency }, req, res, url, body).catch((err: unknown) => {
        console.error('stripe-emulator: unhandled', err);
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else if (url.pathname.startsWith('/_emulator/')) {
      handleControlRequest(control, extra, req, res, url, body);
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'Not found' } }));
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => onRequest(req, res, chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  em.baseUrl = `http://${resolved.host}:${port}`;

  let closed = false;
  return {
    url: em.baseUrl,
    port,
    control,
    async close() {
      if (closed) return;
      closed = true;
      em.webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await save();
      scheduler.clear();
    },
  };
}
