import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../core/emulator.js';
import { API_VERSION } from '../core/emulator.js';
import { newRequestId } from '../core/ids.js';
import { StripeError } from '../core/stripe-error.js';
import { authenticate, keyFromHeader } from './authenticate.js';
import { assertRestrictedKeyAllows } from '../resources/restricted-keys/restricted-keys.js';
import { applyExpand } from './expand.js';
import type { IdempotencyStore, StoredResponse } from './idempotency.js';
import { parseForm, type FormObject } from './parse-form.js';
import type { Router } from './router.js';

export interface ApiDeps {
  em: Emulator;
  router: Router;
  idempotency: IdempotencyStore;
}

function send(res: ServerResponse, response: StoredResponse, extra: Record<string, string>): void {
  if (res.destroyed) return;
  res.writeHead(response.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(response.body),
    'Request-Id': response.requestId,
    'Stripe-Version': API_VERSION,
    ...extra,
  });
  res.end(response.body);
}

function errorResponse(err: unknown, requestId: string): { response: StoredResponse; error: StripeError } {
  const error =
    err instanceof StripeError ? err : new StripeError(500, { type: 'api_error', message: 'An unknown error occurred' });
  if (!(err instanceof StripeError)) console.error('stripe-emulator: internal error', err);
  return { response: { status: error.status, body: JSON.stringify(error.toBody()), requestId }, error };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function expandList(params: FormObject): string[] {
  const raw = params.expand;
  delete params.expand;
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * One `/v1` request: auth → faults (latency, rate limit) → routing → idempotency → faults
 * (drop, 500) → handler → expand → response. Every response carries `Request-Id`.
 */
export async function handleApiRequest(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
  const { em, router, idempotency } = deps;
  const requestId = newRequestId();
  const method = req.method ?? 'GET';
  const idempotencyKey = method === 'POST' ? ((req.headers['idempotency-key'] as string | undefined) ?? null) : null;
  const extra: Record<string, string> = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};
  let complete: ((r: StoredResponse | null) => void) | null = null;
  try {
    if (em.faults.active) {
      const latency = em.faults.latency();
      if (latency > 0) await sleep(latency);
    }
    const { account, publishable } = authenticate(em, req.headers.authorization, req.headers['stripe-account'] as string | undefined);
    em.faults.checkRateLimit(account.id);
    assertRestrictedKeyAllows(keyFromHeader(req.headers.authorization), method, url.pathname, account.id);
    const params = parseForm(url.search.slice(1));
    const contentType = req.headers['content-type'] ?? '';
    if (body && !contentType.includes('json')) parseForm(body, params);
    const matched = router.match(method, url.pathname);
    if (!matched) {
      throw new StripeError(
        404,
        {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        },
        { replayable: false },
      );
    }
    if (publishable && !matched.route.publishable) {
      throw new StripeError(
        401,
        {
          type: 'invalid_request_error',
          message: 'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
        },
        { replayable: false },
      );
    }
    if (idempotencyKey) {
      const fingerprint = `${method} ${url.pathname} ${JSON.stringify(params)}`;
      const lookup = await idempotency.begin(account.id, idempotencyKey, fingerprint, em.clock.nowMs());
      if (lookup.kind === 'replay') {
        send(res, { ...lookup.response, requestId }, { ...extra, 'Idempotent-Replayed': 'true', 'Original-Request': lookup.response.requestId });
        return;
      }
      complete = lookup.complete;
    }
    if (em.faults.shouldDrop()) {
      complete?.(null);
      complete = null;
      req.socket.destroy();
      return;
    }
    em.faults.maybeServerError();
    const expand = expandList(params);
    em.activeRequest = { id: requestId, idempotencyKey };
    let result: object;
    try {
      const client = { ipAddress: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? '' };
      result = matched.route.handler({ em, account, params, path: matched.path, url: url.pathname, publishable, client });
    } finally {
      em.activeRequest = null;
    }
    if (expand.length > 0) result = applyExpand(account, result, expand);
    const response: StoredResponse = { status: 200, body: JSON.stringify(result), requestId };
    complete?.(response);
    send(res, response, extra);
  } catch (err) {
    const { response, error } = errorResponse(err, requestId);
    if (complete) complete(error.replayable ? response : null);
    send(res, response, { ...extra, ...error.headers });
  }
}
