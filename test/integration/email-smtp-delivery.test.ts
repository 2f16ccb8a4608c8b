// Notification email over real SMTP: a real SMTP server (smtp-server, in-process on an ephemeral
// port) receives what nodemailer sends from the outbox — both parts, the MSP as sender, the
// Message-ID, and the RFC 8058 unsubscribe headers on non-essential mail only. Refusals (4xx, 5xx,
// connection refused) retry with backoff and end in a dead letter; a process dying between sending
// and recording is the only way a message goes out twice, and then with the same Message-ID.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { deliverEmails, type MailTransport } from '../../server/email/deliver-email';
import { enqueueEmail } from '../../server/email/enqueue-email';
import { autopayFailedEmail, upcomingAutopayEmail } from '../../server/email/notification-templates';
import type { AppContext } from '../../server/http/context';
import { sendNotice } from '../../server/notifications/send-notice';
import { MAX_ATTEMPTS } from '../../server/outbox/deliver-outbox';
import nodemailer from 'nodemailer';
import { makeClient, makeInstallation, makePortalUser } from '../support/factories';
import { testContext, TEST_ENCRYPTION_KEY } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
const clock = new ManualClock('2026-12-01T15:00:00Z');

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(() => tdb?.drop());

const knex = () => tdb.database.knex;
const row = (id: string) => knex()('outbox').where({ id }).first() as Promise<Record<string, any>>;

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server. `refuse(stage, n)` decides, for the n-th try of a stage, whether to refuse and how. */
async function smtpServer(refuse: (stage: 'rcpt' | 'data', n: number) => { code: number; message: string } | null = () => null) {
  const received: Received[] = [];
  const tries = { rcpt: 0, data: 0 };
  const fail = (answer: { code: number; message: string }) => Object.assign(new Error(answer.message), { responseCode: answer.code });
  const options: SMTPServerOptions = {
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      const answer = refuse('rcpt', ++tries.rcpt);
      callback(answer ? fail(answer) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const answer = refuse('data', ++tries.data);
        if (answer) return callback(fail(answer));
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback(null);
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, tries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const smtpCtx = (url: string): AppContext => testContext(tdb.database, { clock, env: { SMTP_URL: url, MAIL_FROM: 'Billing <billing@settle.example>' } });
const unfold = (raw: string) => raw.replace(/\r\n[ \t]+/g, ' ');
const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(unfold(raw.split('\r\n\r\n')[0]!))?.[1] ?? null;

async function setup() {
  const inst = await makeInstallation(knex(), { name: 'Northwind IT' });
  const client = await makeClient(inst.scope, { name: 'Contoso' });
  const user = await makePortalUser(inst.scope, client.id);
  return { inst, client, user };
}

const charge = { mspName: 'Northwind IT', clientName: 'Contoso', invoiceNumber: 'INV-7', amount: 12_345, currency: 'USD', methodLabel: 'Visa •••• 4242' };

/** An upcoming-autopay notice (non-essential) and a failure notice (essential) for the same person. */
async function queueTwo(s: Awaited<ReturnType<typeof setup>>, n: string) {
  const env = { publicUrl: 'https://pay.northwind.example', encryptionKeys: [Buffer.from(TEST_ENCRYPTION_KEY, 'base64')] };
  await s.inst.scope.transaction(async (scope) => {
    await sendNotice(
      scope,
      {
        eventKey: `autopay-upcoming:${n}`,
        category: 'autopay_upcoming',
        clientId: s.client.id,
        subjectType: 'invoice',
        subjectId: n,
        recipients: [s.user.email],
        render: (unsubscribeUrl) => upcomingAutopayEmail({ ...charge, chargeDate: '2026-12-04', autopayUrl: 'https://pay.northwind.example/portal/autopay', unsubscribeUrl }),
      },
      env,
      clock,
    );
    await sendNotice(
      scope,
      {
        eventKey: `attempt:${n}:failed`,
        category: 'autopay_failed',
        clientId: s.client.id,
        subjectType: 'charge_attempt',
        subjectId: n,
        recipients: [s.user.email],
        render: () =>
          autopayFailedEmail({ ...charge, reason: 'The card was declined by its bank.', nextStep: 'Contact your bank.', retryAt: null, timezone: 'UTC', updateMethodUrl: 'https://pay.northwind.example/portal/payment-methods', invoiceUrl: 'https://pay.northwind.example/portal/invoices/1' }),
      },
      env,
      clock,
    );
  });
  return (await knex()('outbox').where({ installation_id: s.inst.id }).whereIn('dedupe_key', [`autopay-upcoming:${n}:${s.user.email.toLowerCase()}`, `attempt:${n}:failed:${s.user.email.toLowerCase()}`]).orderBy('dedupe_key').select('id', 'dedupe_key')) as Array<{ id: string; dedupe_key: string }>;
}

describe('SMTP delivery of notifications', () => {
  it('delivers both parts from the MSP, with List-Unsubscribe and one-click headers on non-essential mail only', async () => {
    const smtp = await smtpServer();
    try {
      const s = await setup();
      const [failure, upcoming] = await queueTwo(s, 'parts');
      expect(await deliverEmails(smtpCtx(smtp.url))).toMatchObject({ sent: 2, retrying: 0, dead: 0 });
      expect(smtp.received).toHaveLength(2);
      const bySubject = (re: RegExp) => smtp.received.find((m) => re.test(header(m.raw, 'Subject') ?? ''))!;
      const notice = bySubject(/will be charged on/);
      const essential = bySubject(/^Action needed/);
      for (const m of [notice, essential]) {
        expect(m.from).toBe('billing@settle.example');
        expect(m.to).toEqual([s.user.email]);
        expect(header(m.raw, 'From')).toBe('Northwind IT via Settle <billing@settle.example>');
        expect(header(m.raw, 'Content-Type')).toMatch(/^multipart\/alternative;/);
        expect(m.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
        expect(m.raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
        expect(header(m.raw, 'Auto-Submitted')).toBe('auto-generated');
      }
      expect(header(notice.raw, 'Message-ID')).toBe(`<${upcoming!.id}@settle.example>`);
      expect(header(notice.raw, 'List-Unsubscribe')).toMatch(/^<https:\/\/pay\.northwind\.example\/api\/email\/unsubscribe\/[A-Za-z0-9_.-]+>$/);
      expect(header(notice.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(header(essential.raw, 'Message-ID')).toBe(`<${failure!.id}@settle.example>`);
      expect(header(essential.raw, 'List-Unsubscribe')).toBeNull();
      expect(header(essential.raw, 'List-Unsubscribe-Post')).toBeNull();
      expect(await row(upcoming!.id)).toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      await smtp.close();
    }
  });

  it('a 451 (try later) is retried after 1, then 2 minutes, and sent once accepted', async () => {
    const smtp = await smtpServer((stage, n) => (stage === 'rcpt' && n <= 2 ? { code: 451, message: 'Greylisted, try again later' } : null));
    try {
      const s = await setup();
      const queued = await enqueueEmail(s.inst.scope, { ...autopayFailedEmail({ ...charge, reason: 'r', nextStep: 'n', retryAt: null, timezone: 'UTC', updateMethodUrl: 'https://x.example/', invoiceUrl: 'https://x.example/i' }), to: s.user.email, dedupeKey: 'greylist' }, clock);
      const ctx = smtpCtx(smtp.url);
      expect(await deliverEmails(ctx)).toMatchObject({ retrying: 1 });
      let r = await row(queued!.id);
      expect(r).toMatchObject({ status: 'pending', attempts: 1, last_response_status: 451 });
      expect(r.last_error).toMatch(/Greylisted/);
      expect(r.next_attempt_at.getTime() - clock.now().getTime()).toBe(60_000);
      expect(await deliverEmails(ctx)).toMatchObject({ sent: 0, retrying: 0 }); // not due yet
      clock.advance(60_000);
      expect(await deliverEmails(ctx)).toMatchObject({ retrying: 1 });
      r = await row(queued!.id);
      expect(r.next_attempt_at.getTime() - clock.now().getTime()).toBe(120_000);
      clock.advance(120_000);
      expect(await deliverEmails(ctx)).toMatchObject({ sent: 1 });
      expect(await row(queued!.id)).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.tries.rcpt).toBe(3);
    } finally {
      await smtp.close();
    }
  });

  it('a server that keeps refusing the message (554) or cannot be reached ends in a dead letter after the last attempt', async () => {
    const smtp = await smtpServer((stage) => (stage === 'data' ? { code: 554, message: 'Transaction failed: message rejected' } : null));
    const s = await setup();
    const content = autopayFailedEmail({ ...charge, reason: 'r', nextStep: 'n', retryAt: null, timezone: 'UTC', updateMethodUrl: 'https://x.example/', invoiceUrl: 'https://x.example/i' });
    try {
      const rejected = await enqueueEmail(s.inst.scope, { ...content, to: s.user.email, dedupeKey: 'rejected' }, clock);
      const ctx = smtpCtx(smtp.url);
      for (let i = 1; i <= MAX_ATTEMPTS; i++) {
        await deliverEmails(ctx);
        clock.advance(6 * 3600_000);
      }
      expect(await row(rejected!.id)).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, last_response_status: 554 });
      expect(smtp.tries.data).toBe(MAX_ATTEMPTS);
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
    // Connection refused: the server above is gone, its port closed.
    const refused = await enqueueEmail(s.inst.scope, { ...content, to: s.user.email, dedupeKey: 'refused' }, clock);
    const ctx = smtpCtx(smtp.url);
    expect(await deliverEmails(ctx)).toMatchObject({ retrying: 1 });
    const r = await row(refused!.id);
    expect(r).toMatchObject({ status: 'pending', attempts: 1 });
    expect(r.last_error).toMatch(/ECONNREFUSED|ECONNECTION/);
    for (let i = 2; i <= MAX_ATTEMPTS; i++) {
      clock.advance(6 * 3600_000);
      await deliverEmails(ctx);
    }
    expect(await row(refused!.id)).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS });
  });

  it('only a crash between sending and recording resends (same Message-ID); the dedupe key stops every other repeat', async () => {
    const smtp = await smtpServer();
    try {
      const s = await setup();
      const [, upcoming] = await queueTwo(s, 'crash');
      await knex()('outbox').where({ installation_id: s.inst.id }).whereNot({ id: upcoming!.id }).update({ status: 'sent' });
      const real = nodemailer.createTransport(smtp.url) as unknown as MailTransport;
      // The process "dies" right after the server accepted the message: the record is never written.
      const dying: MailTransport = { sendMail: async (message) => { await real.sendMail(message); return new Promise(() => undefined); } };
      void deliverEmails(smtpCtx(smtp.url), { transport: dying });
      const until = Date.now() + 10_000;
      while (smtp.received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(smtp.received).toHaveLength(1);
      expect(await row(upcoming!.id)).toMatchObject({ status: 'sending', attempts: 1 });

      // Another process while the lease holds: nothing is sent again.
      const ctx = smtpCtx(smtp.url);
      expect(await deliverEmails(ctx)).toMatchObject({ sent: 0 });
      // The lease expires: the message is sent again, with the same Message-ID, and recorded.
      clock.advance(5 * 60_000 + 1_000);
      expect(await deliverEmails(ctx)).toMatchObject({ sent: 1 });
      expect(smtp.received).toHaveLength(2);
      expect(header(smtp.received[1]!.raw, 'Message-ID')).toBe(header(smtp.received[0]!.raw, 'Message-ID'));
      expect(await row(upcoming!.id)).toMatchObject({ status: 'sent', attempts: 2 });

      // Everything else is a no-op: the same event noticed again, the same email queued again, another run.
      expect(await queueTwo(s, 'crash')).toHaveLength(2);
      expect(await enqueueEmail(s.inst.scope, { ...upcomingAutopayEmail({ ...charge, chargeDate: '2026-12-04', autopayUrl: 'https://x.example/' }), to: s.user.email, dedupeKey: upcoming!.dedupe_key }, clock)).toBeNull();
      expect(await deliverEmails(ctx)).toMatchObject({ sent: 0 });
      expect(smtp.received).toHaveLength(2);
      expect(await knex()('outbox').where({ installation_id: s.inst.id })).toHaveLength(2);
    } finally {
      await smtp.close();
    }
  });
});
