// Write-back, step 2: deliver due PSA webhooks from the outbox. Each delivery is claimed (status
// `sending`, attempts + 1, a lease) and committed before the request goes out, so a process dying
// mid-request leaves a lease that expires and the delivery is tried again — delivery is at least
// once; the PSA dedupes on the payload `id`. Failures back off exponentially (1 min, doubling, capped
// at 6 h); after MAX_ATTEMPTS the delivery is `dead` until someone retries it from the UI.
import type { AppContext } from '../http/context';
import { sendWebhookRequest } from './send-webhook-request';
import { SIGNATURE_HEADER, signPsaPayload } from './sign-psa-payload';
import { vetWebhookUrl, type HostResolver } from './ssrf-guard';
import { openPsaWebhookSecret } from './psa-webhook-settings';

export const MAX_ATTEMPTS = 10;
const LEASE_MS = 5 * 60_000;
const CLAIM_BATCH = 10;

/** Wait after the n-th failed attempt (n ≥ 1): 1 min, 2, 4, … capped at 6 h. */
export function retryDelayMs(attempt: number): number {
  return Math.min(60_000 * 2 ** (attempt - 1), 6 * 3600_000);
}

export interface DeliverPsaWebhooksOptions {
  /** At most this many deliveries per run (the next tick takes the rest). */
  limit?: number;
  timeoutMs?: number;
  /** DNS for the SSRF re-check; tests inject one. */
  resolve?: HostResolver;
}

export interface DeliveryRunSummary {
  sent: number;
  retrying: number;
  dead: number;
}

interface OutboxRow {
  id: string;
  installation_id: string;
  attempts: number;
  payload: unknown;
}

type Outcome = { ok: true; status: number } | { ok: false; error: string; status: number | null };

/**
 * Sends due `psa_webhook` deliveries (all installations — this is the system job), each isolated:
 * one failing delivery never stops the others. Safe to run concurrently in several processes
 * (claims use SKIP LOCKED).
 */
export async function deliverPsaWebhooks(ctx: AppContext, options: DeliverPsaWebhooksOptions = {}): Promise<DeliveryRunSummary> {
  const summary: DeliveryRunSummary = { sent: 0, retrying: 0, dead: 0 };
  const limit = options.limit ?? 100;
  let handled = 0;
  while (handled < limit) {
    const claimed = await claimDue(ctx, Math.min(CLAIM_BATCH, limit - handled));
    if (claimed.length === 0) break;
    handled += claimed.length;
    for (const row of claimed) {
      let outcome: Outcome;
      try {
        outcome = await attempt(ctx, row, options);
      } catch (err) {
        ctx.logger.error({ err, outboxId: row.id }, 'PSA webhook delivery failed unexpectedly');
        outcome = { ok: false, error: 'Internal error while sending.', status: null };
      }
      summary[await record(ctx, row, outcome)] += 1;
    }
  }
  return summary;
}

async function claimDue(ctx: AppContext, n: number): Promise<OutboxRow[]> {
  const now = ctx.clock.now();
  // A system job across installations: the claim is the one query not made through a tenant scope;
  // each claimed row is then handled with its own installation's settings.
  return ctx.db.transaction(async (trx) => {
    const due = (await trx('outbox')
      .where('kind', 'psa_webhook')
      .andWhere((w) => w.where((p) => p.where('status', 'pending').andWhere('next_attempt_at', '<=', now)).orWhere((s) => s.where('status', 'sending').andWhere('locked_until', '<', now)))
      .orderBy('next_attempt_at')
      .limit(n)
      .forUpdate()
      .skipLocked()
      .pluck('id')) as string[];
    if (due.length === 0) return [];
    return (await trx('outbox')
      .whereIn('id', due)
      .update({ status: 'sending', attempts: trx.raw('attempts + 1'), locked_until: new Date(now.getTime() + LEASE_MS), last_attempt_at: now, updated_at: now })
      .returning(['id', 'installation_id', 'attempts', 'payload'])) as OutboxRow[];
  });
}

async function attempt(ctx: AppContext, row: OutboxRow, options: DeliverPsaWebhooksOptions): Promise<Outcome> {
  const inst = (await ctx.db('installations').where({ id: row.installation_id }).first('psa_webhook_url', 'psa_webhook_secret_enc', 'status')) as
    | { psa_webhook_url: string | null; psa_webhook_secret_enc: string | null; status: string }
    | undefined;
  if (!inst || inst.status !== 'active') return { ok: false, error: 'The installation is not active.', status: null };
  if (!inst.psa_webhook_url || !inst.psa_webhook_secret_enc) return { ok: false, error: 'No PSA webhook URL is configured.', status: null };
  let target;
  try {
    target = await vetWebhookUrl(inst.psa_webhook_url, { demoMode: ctx.config.demoMode, ...(options.resolve ? { resolve: options.resolve } : {}) });
  } catch (err) {
    return { ok: false, error: (err as Error).message, status: null };
  }
  const secret = openPsaWebhookSecret(ctx, row.installation_id, inst.psa_webhook_secret_enc);
  const body = typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload);
  const eventType = (JSON.parse(body) as { type?: string }).type ?? 'payment.updated';
  try {
    const res = await sendWebhookRequest({
      target,
      body,
      timeoutMs: options.timeoutMs ?? 10_000,
      headers: {
        [SIGNATURE_HEADER]: signPsaPayload(body, secret, ctx.clock.now()),
        'Settle-Delivery': row.id,
        'Settle-Event': eventType,
        'User-Agent': 'Settle-Webhooks/1',
      },
    });
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}${res.excerpt ? `: ${res.excerpt}` : ''}`.slice(0, 500) };
  } catch (err) {
    return { ok: false, status: null, error: `Could not deliver: ${(err as Error).message}`.slice(0, 500) };
  }
}

async function record(ctx: AppContext, row: OutboxRow, outcome: Outcome): Promise<keyof DeliveryRunSummary> {
  const now = ctx.clock.now();
  const mine = () => ctx.db('outbox').where({ id: row.id, status: 'sending' });
  if (outcome.ok) {
    await mine().update({ status: 'sent', sent_at: now, locked_until: null, last_error: null, last_response_status: outcome.status, updated_at: now });
    return 'sent';
  }
  const dead = row.attempts >= MAX_ATTEMPTS;
  await mine().update({
    status: dead ? 'dead' : 'pending',
    next_attempt_at: dead ? now : new Date(now.getTime() + retryDelayMs(row.attempts)),
    locked_until: null,
    last_error: outcome.error,
    last_response_status: outcome.status,
    updated_at: now,
  });
  if (dead) ctx.logger.warn({ outboxId: row.id, installationId: row.installation_id, attempts: row.attempts }, 'PSA webhook delivery dead-lettered');
  return dead ? 'dead' : 'retrying';
}
