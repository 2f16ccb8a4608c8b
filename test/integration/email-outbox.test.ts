// Email through the outbox: queued in the caller's transaction, deduplicated by key, kept as
// `stored` without SMTP, sent over real SMTP when configured (a tiny in-test SMTP server), retried
// with backoff, dead-lettered; templates escape whatever names the PSA sends.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import type { Database } from '../../server/db/database';
import type { InstallationScope } from '../../server/db/tenant-scope';
import { deliverEmails, type MailTransport } from '../../server/email/deliver-email';
import { renderEmail } from '../../server/email/email-layout';
import { enqueueEmail } from '../../server/email/enqueue-email';
import {
  achProcessingEmail,
  passwordResetEmail,
  paymentFailedEmail,
  paymentReceiptEmail,
  portalInviteEmail,
  verificationReminderEmail,
} from '../../server/email/templates';
import type { AppContext } from '../../server/http/context';
import { MAX_ATTEMPTS } from '../../server/outbox/deliver-outbox';
import { makeInstallation } from '../support/factories';
import { testContext } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
let database: Database;
let clock: ManualClock;
let ctx: AppContext;
let inst: { id: string; scope: InstallationScope };

const message = (n: string, extra: Partial<Parameters<typeof enqueueEmail>[1]> = {}) => ({
  to: `person-${n}@client.example`,
  subject: `Subject ${n}`,
  text: `Text ${n}`,
  html: `<p>Html ${n}</p>`,
  kind: 'transactional' as const,
  dedupeKey: `test:${n}`,
  ...extra,
});

const row = (id: string) => database.knex('outbox').where({ id }).first() as Promise<Record<string, any>>;

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = tdb.database;
  clock = new ManualClock('2026-11-23T15:00:00Z');
  ctx = testContext(database, { clock });
  inst = await makeInstallation(database.knex, { name: 'Acme IT & Co' });
});
afterAll(() => tdb?.drop());

describe('enqueueEmail', () => {
  it('stores an outbox row of kind email with the payload, in the caller’s transaction', async () => {
    const queued = await inst.scope.transaction((trx) => enqueueEmail(trx, message('a', { clientId: null }), clock));
    expect(queued?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await row(queued!.id)).toMatchObject({
      installation_id: inst.id,
      kind: 'email',
      status: 'pending',
      dedupe_key: 'test:a',
      attempts: 0,
      payload: { to: 'person-a@client.example', subject: 'Subject a', text: 'Text a', html: '<p>Html a</p>', kind: 'transactional', clientId: null },
    });
    // Rolled back with the change it belongs to.
    await expect(
      inst.scope.transaction(async (trx) => {
        await enqueueEmail(trx, message('rolled-back'), clock);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await inst.scope.from('outbox').where({ dedupe_key: 'test:rolled-back' }).first()).toBeUndefined();
  });

  it('dedupes by key per installation: a second enqueue is a no-op returning null', async () => {
    const first = await enqueueEmail(inst.scope, message('dup'), clock);
    const second = await enqueueEmail(inst.scope, message('dup', { subject: 'Changed' }), clock);
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    const rows = await inst.scope.from('outbox').where({ kind: 'email', dedupe_key: 'test:dup' }).select('payload');
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.subject).toBe('Subject dup');
    const other = await makeInstallation(database.knex);
    expect(await enqueueEmail(other.scope, message('dup'), clock)).not.toBeNull();
  });

  it('refuses a malformed recipient or a multi-line subject (header injection)', async () => {
    await expect(enqueueEmail(inst.scope, message('bad1', { to: 'a@b.example, c@d.example' }), clock)).rejects.toThrow(/recipient/);
    await expect(enqueueEmail(inst.scope, message('bad2', { subject: 'Hi\r\nBcc: x@y.example' }), clock)).rejects.toThrow(/subject/);
  });
});

describe('delivery without SMTP', () => {
  it('keeps every pending email as stored, never sends and never loses one', async () => {
    const ids = [];
    for (const n of ['s1', 's2', 's3']) ids.push((await enqueueEmail(inst.scope, message(n), clock))!.id);
    const summary = await deliverEmails(ctx);
    expect(summary.stored).toBeGreaterThanOrEqual(3);
    expect(summary.sent).toBe(0);
    for (const id of ids) expect(await row(id)).toMatchObject({ status: 'stored', attempts: 0, sent_at: null });
    expect((await deliverEmails(ctx)).stored).toBe(0);
  });
});

/** A minimal SMTP server: accepts everything, keeps what it was sent. */
async function fakeSmtp(options: { rejectRcpt?: string } = {}): Promise<{ url: string; messages: Array<{ from: string; to: string[]; data: string }>; close(): Promise<void> }> {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    socket.write('220 fake.smtp ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          messages.push(current);
          current = { from: '', to: [], data: '' };
          inData = false;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-fake.smtp\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') {
          current.from = line;
          socket.write('250 2.1.0 ok\r\n');
        } else if (verb === 'RCPT') {
          if (options.rejectRcpt && line.includes(options.rejectRcpt)) socket.write('550 5.1.1 no such mailbox\r\n');
          else {
            current.to.push(line);
            socket.write('250 2.1.5 ok\r\n');
          }
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('delivery through SMTP', () => {
  it('sends pending emails over SMTP with the MSP as sender name, text and HTML parts', async () => {
    const smtp = await fakeSmtp();
    try {
      const smtpCtx = testContext(database, { clock, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Billing <billing@settle.example>' } });
      const invite = portalInviteEmail({ mspName: 'Acme IT & Co', clientName: 'Contoso', inviteeName: 'Dana', inviteUrl: 'https://pay.example/portal/invite/abc', expiresInDays: 7 });
      const queued = await enqueueEmail(inst.scope, { ...invite, to: 'dana@contoso.example', dedupeKey: 'smtp:1' }, clock);
      const summary = await deliverEmails(smtpCtx);
      expect(summary).toMatchObject({ sent: 1, dead: 0, retrying: 0 });
      expect(await row(queued!.id)).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
      expect((await row(queued!.id)).sent_at).toEqual(clock.now());
      expect(smtp.messages).toHaveLength(1);
      const [sent] = smtp.messages;
      expect(sent!.from).toContain('<billing@settle.example>');
      expect(sent!.to[0]).toContain('<dana@contoso.example>');
      expect(sent!.data).toMatch(/^From: "Acme IT & Co via Settle" <billing@settle\.example>/m);
      expect(sent!.data).toMatch(/^Subject: Acme IT & Co invited you to pay invoices online/m);
      expect(sent!.data).toMatch(new RegExp(`^Message-ID: <${queued!.id}@settle\\.example>`, 'mi'));
      expect(sent!.data).toContain('Content-Type: text/plain');
      expect(sent!.data).toContain('Content-Type: text/html');
      // Sent once: the next run has nothing to do.
      expect(await deliverEmails(smtpCtx)).toMatchObject({ sent: 0 });
    } finally {
      await smtp.close();
    }
  });

  it('dead-letters at once when the server refuses the recipient (550)', async () => {
    const smtp = await fakeSmtp({ rejectRcpt: 'gone@' });
    try {
      const smtpCtx = testContext(database, { clock, env: { SMTP_URL: smtp.url } });
      const queued = await enqueueEmail(inst.scope, message('refused', { to: 'gone@client.example' }), clock);
      expect(await deliverEmails(smtpCtx)).toMatchObject({ dead: 1, sent: 0 });
      const r = await row(queued!.id);
      expect(r).toMatchObject({ status: 'dead', attempts: 1, last_response_status: 550 });
      expect(r.last_error).toMatch(/no such mailbox/);
    } finally {
      await smtp.close();
    }
  });

  it('retries failures with backoff (1 min, 2 min, …) and gives up after the last attempt', async () => {
    let calls = 0;
    const failing: MailTransport = {
      sendMail: async () => {
        calls += 1;
        throw Object.assign(new Error('Connection refused'), { code: 'ECONNECTION' });
      },
    };
    const queued = await enqueueEmail(inst.scope, message('flaky'), clock);
    await deliverEmails(ctx, { transport: failing });
    let r = await row(queued!.id);
    expect(r).toMatchObject({ status: 'pending', attempts: 1, last_error: 'ECONNECTION: Connection refused' });
    expect(r.next_attempt_at.getTime() - clock.now().getTime()).toBe(60_000);
    // Not due yet: nothing is attempted.
    await deliverEmails(ctx, { transport: failing });
    expect(calls).toBe(1);
    clock.advance(60_000);
    await deliverEmails(ctx, { transport: failing });
    r = await row(queued!.id);
    expect(r).toMatchObject({ status: 'pending', attempts: 2 });
    expect(r.next_attempt_at.getTime() - clock.now().getTime()).toBe(120_000);
    for (let i = 3; i <= MAX_ATTEMPTS; i++) {
      clock.advance(6 * 3600_000);
      await deliverEmails(ctx, { transport: failing });
    }
    expect(await row(queued!.id)).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS });
    expect(calls).toBe(MAX_ATTEMPTS);

    // A later success after a failure is recorded as sent.
    const later = await enqueueEmail(inst.scope, message('recovers'), clock);
    let fail = true;
    const recovering: MailTransport = {
      sendMail: async () => {
        if (fail) throw new Error('timeout');
        return {};
      },
    };
    await deliverEmails(ctx, { transport: recovering });
    fail = false;
    clock.advance(60_000);
    expect(await deliverEmails(ctx, { transport: recovering })).toMatchObject({ sent: 1 });
    expect(await row(later!.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });
});

describe('templates and layout', () => {
  /** Plain text is wrapped at 72 columns; compare sentences across line breaks. */
  const flat = (text: string) => text.replace(/\s+/g, ' ');
  const hostile = '<script>alert("x")</script> & "Sons"';

  it('escapes names in HTML (a client called <script> shows as text) and keeps them readable in text', () => {
    const email = portalInviteEmail({ mspName: hostile, clientName: `<img src=x onerror=alert(1)>`, inviteeName: hostile, inviteUrl: 'https://pay.example/portal/invite/tok"en', expiresInDays: 7 });
    expect(email.html).not.toMatch(/<script|<img/i);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Sons&quot;');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('href="https://pay.example/portal/invite/tok%22en"');
    expect(email.text).toContain(hostile);
    expect(email.text).toContain('https://pay.example/portal/invite/tok%22en');
    expect(email.subject).toBe(`${hostile} invited you to pay invoices online`);
    expect(portalInviteEmail({ mspName: 'A\r\nBcc: x@y', clientName: 'c', inviteeName: 'n', inviteUrl: 'https://x.example/', expiresInDays: 7 }).subject).not.toMatch(/[\r\n]/);
  });

  it('renders an accessible, self-contained HTML document and refuses non-http links', () => {
    const { html, text } = renderEmail({ mspName: 'Acme', preheader: 'Preview line', heading: 'Hello', paragraphs: ['One', 'Two'], action: { label: 'Go', url: 'https://a.example/x' }, unsubscribeUrl: 'https://a.example/u' });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Hello</title>');
    expect(html).toContain('<h1 ');
    expect(html).toContain('role="presentation"');
    expect(html).not.toMatch(/<script|<link|<style/i);
    expect(html).toContain('Stop these emails');
    expect(text).toContain('Go:\nhttps://a.example/x');
    expect(text).toContain('Stop these emails: https://a.example/u');
    expect(() => renderEmail({ mspName: 'A', heading: 'H', paragraphs: [], action: { label: 'x', url: 'javascript:alert(1)' } })).toThrow(/http/);
  });

  it('formats money, methods, invoice lists, deadlines and next steps in plain words', () => {
    const base = { mspName: 'Acme IT', clientName: 'Contoso', amount: 123456, currency: 'USD', methodLabel: 'Visa •••• 4242', invoiceNumbers: ['INV-1', 'INV-2'] };
    const receipt = paymentReceiptEmail({ ...base, receiptUrl: 'https://pay.example/portal/receipts/p1' });
    expect(receipt.subject).toBe('Receipt: $1,234.56 paid to Acme IT');
    expect(flat(receipt.text)).toContain('received $1,234.56 from Contoso for invoices INV-1 and INV-2');
    expect(flat(receipt.text)).toContain('Paid with Visa •••• 4242.');
    expect(receipt.kind).toBe('transactional');

    const failed = paymentFailedEmail({ ...base, invoiceNumbers: ['INV-9'], reason: 'Your bank declined the card.', paymentUrl: 'https://pay.example/portal/invoices/i9' });
    expect(flat(failed.text)).toContain('Why: Your bank declined the card.');
    expect(flat(failed.text)).toContain('What to do next: Try again with another card');
    expect(flat(failed.text)).toContain('invoice INV-9 is still unpaid');

    const ach = achProcessingEmail({ ...base, methodLabel: 'STRIPE TEST BANK •••• 6789', paymentUrl: 'https://pay.example/portal' });
    expect(flat(ach.text)).toContain('usually take 4 business days');
    expect(flat(ach.text)).not.toMatch(/receipt:/i);

    const reminder = verificationReminderEmail({ mspName: 'Acme IT', clientName: 'Contoso', bankLabel: 'STRIPE TEST BANK •••• 6789', deadline: new Date('2026-12-03T03:00:00Z'), timezone: 'America/New_York', verifyUrl: 'https://pay.example/portal/payment-methods' });
    expect(reminder.subject).toBe('Reminder: verify your bank account by Wednesday, December 2, 2026');
    expect(reminder.kind).toBe('notification');

    const eur = paymentReceiptEmail({ ...base, amount: 5000, currency: 'JPY', receiptUrl: 'https://pay.example/r' });
    expect(eur.subject).toBe('Receipt: ¥5,000 paid to Acme IT');

    const reset = passwordResetEmail({ mspName: 'Acme IT', name: 'Dana', resetUrl: 'https://pay.example/portal/reset-password/t', expiresInMinutes: 60 });
    expect(flat(reset.text)).toContain('expires in 1 hour');
  });
});
