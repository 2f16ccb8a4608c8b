// Email, step 2: deliver queued emails (outbox kind 'email'). With SMTP_URL set each due message is
// claimed (status `sending`, attempts + 1, a lease) and committed before it goes out, so a process
// dying mid-send leaves a lease that expires and the message is tried again (at least once; the
// Message-ID is the outbox id, so a repeat is recognisable). Failures back off (1 min, doubling,
// capped at 6 h); after MAX_ATTEMPTS, or when the server refuses the recipient outright, the message
// is `dead` until someone retries it. Without SMTP_URL messages become `stored`: kept, shown in the
// demo mailbox, never sent and never lost.
import nodemailer from 'nodemailer';
import type { AppContext } from '../http/context';
import { MAX_ATTEMPTS, retryDelayMs } from '../outbox/deliver-outbox';
import type { EmailPayload } from './enqueue-email';

const LEASE_MS = 5 * 60_000;
const CLAIM_BATCH = 10;

/** What delivery needs from a mail transport (nodemailer's, or a test double). */
export interface MailTransport {
  sendMail(message: {
    from: { name: string; address: string };
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
    headers: Record<string, string>;
  }): Promise<unknown>;
}

export interface DeliverEmailsOptions {
  /** At most this many messages per run (the next tick takes the rest). */
  limit?: number;
  /** Overrides the SMTP transport built from SMTP_URL (tests). */
  transport?: MailTransport | null;
}

export interface EmailRunSummary {
  sent: number;
  stored: number;
  retrying: number;
  dead: number;
}

interface EmailRow {
  id: string;
  installation_id: string;
  attempts: number;
  payload: unknown;
}

type Outcome = { ok: true } | { ok: false; error: string; permanent: boolean; status: number | null };

const transports = new Map<string, MailTransport>();

/** One pooled transport per SMTP URL for the life of the process. The URL (with its password) is never logged. */
function smtpTransport(url: string): MailTransport {
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url, {}) as unknown as MailTransport;
    transports.set(url, transport);
  }
  return transport;
}

/** `Name <addr>` or `addr` → the address part. */
export function senderAddress(from: string): string {
  const match = /<([^<>]+)>\s*$/.exec(from);
  return (match?.[1] ?? from).trim();
}

/**
 * Sends (or, without SMTP, stores) due emails of every installation — a system job. Each message is
 * isolated: one failing never stops the others. Safe to run concurrently (claims use SKIP LOCKED).
 */
export async function deliverEmails(ctx: AppContext, options: DeliverEmailsOptions = {}): Promise<EmailRunSummary> {
  const summary: EmailRunSummary = { sent: 0, stored: 0, retrying: 0, dead: 0 };
  const limit = options.limit ?? 100;
  const transport = options.transport !== undefined ? options.transport : ctx.config.mail.smtpUrl ? smtpTransport(ctx.config.mail.smtpUrl) : null;
  if (!transport) {
    summary.stored = await storeDue(ctx, limit);
    return summary;
  }
  let handled = 0;
  const names = new Map<string, string>();
  while (handled < limit) {
    const claimed = await claimDue(ctx, Math.min(CLAIM_BATCH, limit - handled));
    if (claimed.length === 0) break;
    handled += claimed.length;
    for (const row of claimed) {
      let outcome: Outcome;
      try {
        outcome = await send(ctx, transport, row, names);
      } catch (err) {
        ctx.logger.error({ err, outboxId: row.id }, 'email delivery failed unexpectedly');
        outcome = { ok: false, error: 'Internal error while sending.', permanent: false, status: null };
      }
      summary[await record(ctx, row, outcome)] += 1;
    }
  }
  return summary;
}

/** No SMTP: every pending email (due or not) is kept as `stored`. Bounded per run. */
async function storeDue(ctx: AppContext, limit: number): Promise<number> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (trx) => {
    const ids = (await trx('outbox')
      .where({ kind: 'email', status: 'pending' })
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .pluck('id')) as string[];
    if (ids.length === 0) return 0;
    const stored: number = await trx('outbox').whereIn('id', ids).update({ status: 'stored', locked_until: null, updated_at: now });
    return stored;
  });
}

async function claimDue(ctx: AppContext, n: number): Promise<EmailRow[]> {
  const now = ctx.clock.now();
  // A system job across installations: the claim is the one query not made through a tenant scope.
  return ctx.db.transaction(async (trx) => {
    const due = (await trx('outbox')
      .where('kind', 'email')
      .andWhere((w) =>
        w.where((p) => p.where('status', 'pending').andWhere('next_attempt_at', '<=', now)).orWhere((s) => s.where('status', 'sending').andWhere('locked_until', '<', now)),
      )
      .orderBy('next_attempt_at')
      .limit(n)
      .forUpdate()
      .skipLocked()
      .pluck('id')) as string[];
    if (due.length === 0) return [];
    return (await trx('outbox')
      .whereIn('id', due)
      .update({ status: 'sending', attempts: trx.raw('attempts + 1'), locked_until: new Date(now.getTime() + LEASE_MS), last_attempt_at: now, updated_at: now })
      .returning(['id', 'installation_id', 'attempts', 'payload'])) as EmailRow[];
  });
}

async function send(ctx: AppContext, transport: MailTransport, row: EmailRow, names: Map<string, string>): Promise<Outcome> {
  const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as EmailPayload;
  let mspName = names.get(row.installation_id);
  if (mspName === undefined) {
    const inst = (await ctx.db('installations').where({ id: row.installation_id }).first('name')) as { name: string } | undefined;
    mspName = inst?.name ?? 'Settle';
    names.set(row.installation_id, mspName);
  }
  const address = senderAddress(ctx.config.mail.from);
  try {
    await transport.sendMail({
      from: { name: `${mspName.replace(/[\r\n"<>]/g, ' ').trim()} via Settle`, address },
      to: payload.to,
      subject: payload.subject,
      text: payload.text,
      html: payload.html,
      messageId: `<${row.id}@${address.split('@')[1] ?? 'settle'}>`,
      headers: {
        'Auto-Submitted': 'auto-generated',
        'X-Settle-Email-Kind': payload.kind,
        // RFC 8058 one-click unsubscribe, on non-essential mail only (the URL is only ever set there).
        ...(payload.listUnsubscribeUrl ? { 'List-Unsubscribe': `<${payload.listUnsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
      },
    });
    return { ok: true };
  } catch (err) {
    const e = err as { message?: string; responseCode?: number; code?: string };
    const status = typeof e.responseCode === 'number' ? e.responseCode : null;
    // 550–553: the server refuses this recipient for good (no such mailbox, not allowed). Retrying
    // would only repeat the refusal; everything else (network, 4xx, auth) may pass later.
    const permanent = status !== null && status >= 550 && status <= 553;
    return { ok: false, status, permanent, error: `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`.slice(0, 500) };
  }
}

async function record(ctx: AppContext, row: EmailRow, outcome: Outcome): Promise<keyof EmailRunSummary> {
  const now = ctx.clock.now();
  const mine = () => ctx.db('outbox').where({ id: row.id, status: 'sending' });
  if (outcome.ok) {
    await mine().update({ status: 'sent', sent_at: now, locked_until: null, last_error: null, last_response_status: null, updated_at: now });
    return 'sent';
  }
  const dead = outcome.permanent || row.attempts >= MAX_ATTEMPTS;
  await mine().update({
    status: dead ? 'dead' : 'pending',
    next_attempt_at: dead ? now : new Date(now.getTime() + retryDelayMs(row.attempts)),
    locked_until: null,
    last_error: outcome.error,
    last_response_status: outcome.status,
    updated_at: now,
  });
  if (dead) ctx.logger.warn({ outboxId: row.id, installationId: row.installation_id, attempts: row.attempts }, 'email dead-lettered');
  return dead ? 'dead' : 'retrying';
}
