import type Stripe from 'stripe';
import type { AccountState, WebhookEndpointRecord } from '../core/account-state.js';
import type { EmulatorState } from '../core/emulator-state.js';
import { signPayload } from './sign-payload.js';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookDeliveryConfig } from './webhook-config.js';

interface Delivery {
  accountId: string;
  endpointAccountId: string;
  endpointId: string;
  event: Stripe.Event;
  attempt: number;
  generation: number;
}

export interface DeliveryAttempt {
  eventId: string;
  endpointId: string;
  attempt: number;
  status: number | null;
  error: string | null;
}

export function endpointWants(endpoint: Stripe.WebhookEndpoint, type: string): boolean {
  if (endpoint.status !== 'enabled') return false;
  return endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(type);
}

/**
 * Delivers events to webhook endpoints at least once: signed like Stripe, retried with
 * exponential backoff on non-2xx, network error or timeout. In chaos mode it gathers events for
 * a short window, sends them shuffled, and repeats some.
 */
export class WebhookDispatcher {
  config: WebhookDeliveryConfig;
  readonly attempts: DeliveryAttempt[] = [];
  private inFlight = 0;
  private timers = new Set<NodeJS.Timeout>();
  private batch: Delivery[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private generation = 0;

  constructor(
    private readonly state: () => EmulatorState,
    config: Partial<WebhookDeliveryConfig> = {},
  ) {
    this.config = { ...DEFAULT_WEBHOOK_CONFIG, ...config };
  }

  update(partial: Partial<WebhookDeliveryConfig>): WebhookDeliveryConfig {
    this.config = { ...this.config, ...partial };
    return this.config;
  }

  /** Endpoints of the event's account, plus the platform's Connect endpoints for connected accounts. */
  private endpointsFor(account: AccountState, type: string): { rec: WebhookEndpointRecord; owner: AccountState }[] {
    const out: { rec: WebhookEndpointRecord; owner: AccountState }[] = [];
    for (const rec of account.webhookEndpoints.values()) if (!rec.meta.connect && endpointWants(rec.object, type)) out.push({ rec, owner: account });
    const platform = account.platformId ? this.state().accounts.get(account.platformId) : undefined;
    if (platform) {
      for (const rec of platform.webhookEndpoints.values()) if (rec.meta.connect && endpointWants(rec.object, type)) out.push({ rec, owner: platform });
    }
    return out;
  }

  enqueue(account: AccountState, event: Stripe.Event): void {
    if (this.closed) return;
    const targets = this.endpointsFor(account, event.type);
    event.pending_webhooks = targets.length;
    for (const { rec, owner } of targets) {
      const delivery: Delivery = { accountId: account.id, endpointAccountId: owner.id, endpointId: rec.object.id, event, attempt: 0, generation: this.generation };
      this.inFlight++;
      if (this.config.outOfOrder || this.config.duplicateRate > 0) this.addToBatch(delivery);
      else this.later(0, () => void this.send(delivery, true));
    }
  }

  private addToBatch(delivery: Delivery): void {
    this.batch.push(delivery);
    if (this.batchTimer) return;
    this.batchTimer = setTimeout(() => {
      this.batchTimer = null;
      const batch = this.batch;
      this.batch = [];
      if (this.config.outOfOrder && batch.length > 1) {
        const original = batch.slice();
        for (let i = batch.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [batch[i], batch[j]] = [batch[j] as Delivery, batch[i] as Delivery];
        }
        if (batch.every((d, i) => d === original[i])) batch.reverse();
      }
      for (const d of batch) {
        void this.send(d, true);
        if (Math.random() < this.config.duplicateRate) void this.send({ ...d }, false);
      }
    }, this.config.batchWindowMs);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** `tracked` deliveries count toward idleness and retries; duplicates are fire-and-forget. */
  private async send(delivery: Delivery, tracked: boolean): Promise<void> {
    if (this.closed || delivery.generation !== this.generation) return;
    const owner = this.state().accounts.get(delivery.endpointAccountId);
    const endpoint = owner?.webhookEndpoints.get(delivery.endpointId);
    if (!endpoint) return this.finish(tracked && delivery.generation === this.generation);
    delivery.attempt++;
    const payload = JSON.stringify(delivery.event, null, 2);
    const signature = signPayload(payload, endpoint.meta.secret, Math.floor(Date.now() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.object.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Stripe-Signature': signature,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    this.attempts.push({ eventId: delivery.event.id, endpointId: delivery.endpointId, attempt: delivery.attempt, status, error });
    if (this.attempts.length > 10_000) this.attempts.splice(0, 5_000);
    const ok = status !== null && status >= 200 && status < 300;
    if (!tracked || delivery.generation !== this.generation) return;
    if (ok) {
      delivery.event.pending_webhooks = Math.max(0, delivery.event.pending_webhooks - 1);
      return this.finish(true);
    }
    if (delivery.attempt >= this.config.maxAttempts || this.closed) return this.finish(true);
    const delay = Math.min(this.config.retryInitialDelayMs * 2 ** (delivery.attempt - 1), this.config.retryMaxDelayMs);
    this.later(delay, () => void this.send(delivery, true));
  }

  private finish(tracked: boolean): void {
    if (!tracked) return;
    this.inFlight--;
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Resolves when every queued delivery has succeeded or given up. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops queued deliveries and retries (used by reset and close). */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.batch = [];
    this.inFlight = 0;
    this.generation++;
    this.attempts.length = 0;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  close(): void {
    this.closed = true;
    this.clear();
  }
}
