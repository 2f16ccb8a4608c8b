// Unsubscribing from non-essential mail: a signed per-recipient link that works without signing in,
// RFC 8058 one-click POST, a stored preference per installation + email + category that suppresses
// later mail of that category only — essential mail (failures, receipts) still goes out. Tampered
// links get 404 UNSUBSCRIBE_LINK_INVALID and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { autopayFailedEmail } from '../../server/email/notification-templates';
import { verificationReminderEmail } from '../../server/email/templates';
import { sendNotice, unsubscribeUrls } from '../../server/notifications/send-notice';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../server/notifications/unsubscribe-token';
import { makeClient, makeInstallation, makePortalUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock('2026-12-01T15:00:00Z');
const KEY = Buffer.from(TEST_ENCRYPTION_KEY, 'base64');

beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const env = () => ({ publicUrl: app.url, encryptionKeys: [KEY] });
const tokenOf = (url: string) => url.split('/').pop()!;
const counts = async () => ({
  preferences: Number((await knex()('email_preferences').count({ n: '*' }))[0]!.n),
  audits: Number((await knex()('audit_log').whereIn('action', ['email.unsubscribed', 'email.resubscribed']).count({ n: '*' }))[0]!.n),
});

/** An essential email (an autopay failure) for the notices below. */
const failureEmail = (clientName: string) =>
  autopayFailedEmail({ mspName: 'Northwind IT', clientName, invoiceNumber: 'INV-1', amount: 100, currency: 'USD', methodLabel: 'Visa •••• 4242', reason: 'r', nextStep: 'n', retryAt: null, timezone: 'UTC', updateMethodUrl: `${app.url}/portal/payment-methods`, invoiceUrl: `${app.url}/portal/invoices/x` });

async function setup() {
  const inst = await makeInstallation(knex(), { name: 'Northwind IT' });
  const client = await makeClient(inst.scope);
  const user = await makePortalUser(inst.scope, client.id);
  return { inst, client, user };
}

/** A verification reminder (non-essential) and an autopay failure (essential) to the same person. */
async function sendBoth(s: Awaited<ReturnType<typeof setup>>, n: string) {
  return s.inst.scope.transaction(async (scope) => {
    const reminder = await sendNotice(
      scope,
      {
        eventKey: `verification-reminder:test-${n}`,
        category: 'verification_reminder',
        clientId: s.client.id,
        subjectType: 'payment_method',
        subjectId: n,
        recipients: [s.user.email],
        render: (unsubscribeUrl) =>
          verificationReminderEmail({ mspName: 'Northwind IT', clientName: s.client.name, bankLabel: 'STRIPE TEST BANK •••• 6789', deadline: clock.now(), timezone: 'UTC', verifyUrl: `${app.url}/portal/payment-methods`, unsubscribeUrl }),
      },
      env(),
      clock,
    );
    const failure = await sendNotice(
      scope,
      {
        eventKey: `attempt:test-${n}:failed`,
        category: 'autopay_failed',
        clientId: s.client.id,
        subjectType: 'charge_attempt',
        subjectId: n,
        recipients: [s.user.email],
        render: () =>
          failureEmail(s.client.name),
      },
      env(),
      clock,
    );
    return { reminder, failure };
  });
}

const outboxFor = async (installationId: string, key: string) =>
  (await knex()('outbox').where({ installation_id: installationId, kind: 'email' }).where('dedupe_key', 'like', `${key}%`).select('payload')) as Array<{ payload: { text: string; html: string; listUnsubscribeUrl: string | null } }>;

describe('unsubscribe links', () => {
  it('one-click POST (RFC 8058) unsubscribes without a login; later reminders are suppressed, essential mail still goes out', async () => {
    const s = await setup();
    expect(await sendBoth(s, 'a')).toEqual({ reminder: { queued: 1, suppressed: 0 }, failure: { queued: 1, suppressed: 0 } });
    const [reminder] = await outboxFor(s.inst.id, 'verification-reminder:test-a');
    const [failure] = await outboxFor(s.inst.id, 'attempt:test-a');
    expect(failure!.payload.listUnsubscribeUrl).toBeNull();
    expect(failure!.payload.text).not.toContain('unsubscribe');
    const oneClick = reminder!.payload.listUnsubscribeUrl!;
    const page = unsubscribeUrls(env(), s.inst.id, s.user.email, 'verification_reminder').page;
    expect(reminder!.payload.text).toContain(`Stop these emails: ${page}`);
    expect(reminder!.payload.html).toContain(`href="${page}"`);
    expect(tokenOf(oneClick)).toBe(tokenOf(page));

    // Opening the page (or a link scanner fetching it) changes nothing.
    const anonymous = new Agent(app.url);
    const before = await anonymous.get(`/api/email/unsubscribe/${tokenOf(page)}`);
    expect(before.status).toBe(200);
    expect(before.body.preference).toEqual({ mspName: 'Northwind IT', email: `${s.user.email[0]}•••@client.example`, category: 'verification_reminder', categoryLabel: 'reminders to verify a bank account', subscribed: true });

    // What a mail provider sends: form-encoded, no cookie, no CSRF token, no Origin.
    const res = await fetch(oneClick, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { preference: { subscribed: boolean } }).preference.subscribed).toBe(false);
    expect(await knex()('email_preferences').where({ installation_id: s.inst.id })).toEqual([
      { installation_id: s.inst.id, email: s.user.email.toLowerCase(), category: 'verification_reminder', unsubscribed: true, updated_at: clock.now() },
    ]);
    const audit = await knex()('audit_log').where({ installation_id: s.inst.id, action: 'email.unsubscribed' }).select('details', 'actor_type');
    expect(audit).toEqual([{ actor_type: 'system', details: { category: 'verification_reminder', oneClick: true } }]);

    // Repeating it is a no-op (no second audit entry).
    const again = await counts();
    expect((await anonymous.post(`/api/email/unsubscribe/${tokenOf(page)}`)).status).toBe(200);
    expect(await counts()).toEqual(again);

    expect(await sendBoth(s, 'b')).toEqual({ reminder: { queued: 0, suppressed: 1 }, failure: { queued: 1, suppressed: 0 } });
    expect(await outboxFor(s.inst.id, 'verification-reminder:test-b')).toEqual([]);
    expect(await outboxFor(s.inst.id, 'attempt:test-b')).toHaveLength(1);
    expect(await knex()('notifications').where({ installation_id: s.inst.id, event_key: 'verification-reminder:test-b' }).first('recipients', 'suppressed')).toEqual({ recipients: 0, suppressed: 1 });

    // The same address in another installation is unaffected.
    const other = await setup();
    expect(await sendBoth({ ...other, user: s.user }, 'other')).toEqual({ reminder: { queued: 1, suppressed: 0 }, failure: { queued: 1, suppressed: 0 } });
    // Resubscribe from the page: reminders come back.
    const resub = await anonymous.post(`/api/email/unsubscribe/${tokenOf(page)}/resubscribe`);
    expect(resub.status).toBe(200);
    expect(resub.body.preference.subscribed).toBe(true);
    expect(await sendBoth(s, 'c')).toEqual({ reminder: { queued: 1, suppressed: 0 }, failure: { queued: 1, suppressed: 0 } });
    expect((await knex()('audit_log').where({ installation_id: s.inst.id }).whereIn('action', ['email.unsubscribed', 'email.resubscribed']).orderBy('id').pluck('action'))).toEqual(['email.unsubscribed', 'email.resubscribed']);
  });

  it('refuses tampered, foreign and malformed tokens with 404 UNSUBSCRIBE_LINK_INVALID and changes nothing', async () => {
    const s = await setup();
    const good = signUnsubscribeToken([KEY], { installationId: s.inst.id, email: s.user.email, category: 'autopay_upcoming' });
    const [inst, category, email, sig] = good.split('.') as [string, string, string, string];
    const flip = (v: string) => (v[0] === 'A' ? 'B' : 'A') + v.slice(1);
    const otherInst = await makeInstallation(knex());
    const bad = [
      `${inst}.${category}.${email}.${flip(sig)}`, // forged signature
      `${inst}.${category}.${Buffer.from('someone-else@client.example').toString('base64url')}.${sig}`, // another address
      `${inst}.verification_reminder.${email}.${sig}`, // another category
      `${inst}.autopay_failed.${email}.${sig}`, // essential mail cannot be unsubscribed
      `${otherInst.id}.${category}.${email}.${sig}`, // another installation
      signUnsubscribeToken([Buffer.alloc(32, 9)], { installationId: s.inst.id, email: s.user.email, category: 'autopay_upcoming' }), // another key
      signUnsubscribeToken([KEY], { installationId: '00000000-0000-4000-8000-000000000000', email: s.user.email, category: 'autopay_upcoming' }), // no such installation
      `${inst}.${category}.${email}`,
      'not-a-token',
      'x'.repeat(700),
      `${good}.extra`,
    ];
    const before = await counts();
    const anonymous = new Agent(app.url);
    for (const token of bad) {
      for (const [method, path] of [
        ['GET', `/api/email/unsubscribe/${encodeURIComponent(token)}`],
        ['POST', `/api/email/unsubscribe/${encodeURIComponent(token)}`],
        ['POST', `/api/email/unsubscribe/${encodeURIComponent(token)}/resubscribe`],
      ] as const) {
        const res = await anonymous.request(method, path);
        expect(res.status, `${method} ${token}`).toBe(404);
        expect(res.body.error.code).toBe('UNSUBSCRIBE_LINK_INVALID');
      }
    }
    expect(await counts()).toEqual(before);
    // The genuine link still works, and an oversized one-click body is refused.
    expect((await anonymous.get(`/api/email/unsubscribe/${good}`)).status).toBe(200);
    const huge = await fetch(`${app.url}/api/email/unsubscribe/${good}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `List-Unsubscribe=One-Click&pad=${'x'.repeat(5000)}` });
    expect(huge.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('links keep working after the encryption key rotates (the old key still verifies)', () => {
    const oldKey = Buffer.alloc(32, 1);
    const token = signUnsubscribeToken([oldKey], { installationId: '11111111-1111-4111-8111-111111111111', email: 'Dana@Contoso.example', category: 'autopay_upcoming' });
    expect(verifyUnsubscribeToken([KEY, oldKey], token)).toEqual({ installationId: '11111111-1111-4111-8111-111111111111', email: 'dana@contoso.example', category: 'autopay_upcoming' });
    expect(verifyUnsubscribeToken([KEY], token)).toBeNull();
  });

  it('keeps tokens out of the request log', async () => {
    const s = await setup();
    const token = signUnsubscribeToken([KEY], { installationId: s.inst.id, email: s.user.email, category: 'autopay_upcoming' });
    await new Agent(app.url).get(`/api/email/unsubscribe/${token}`);
    expect(app.logs.join('\n')).not.toContain(token);
    expect(app.logs.join('\n')).toContain('/api/email/unsubscribe/[token]');
  });
});

describe('sendNotice', () => {
  it('skips an address the PSA typed wrong instead of failing the whole event, and records the event once', async () => {
    const s = await setup();
    const notice = (recipients: string[]) =>
      s.inst.scope.transaction((scope) =>
        sendNotice(
          scope,
          {
            eventKey: 'attempt:typo:failed',
            category: 'autopay_failed',
            clientId: s.client.id,
            subjectType: 'charge_attempt',
            subjectId: 'typo',
            recipients,
            render: () =>
              failureEmail(s.client.name),
          },
          env(),
          clock,
        ),
      );
    expect(await notice([s.user.email, 'ap@contoso.example; billing@contoso.example', 'Accounts <ap@contoso.example>'])).toEqual({ queued: 1, suppressed: 0 });
    expect(await notice([s.user.email, 'someone-else@contoso.example'])).toBeNull();
    expect(await outboxFor(s.inst.id, 'attempt:typo:failed')).toHaveLength(1);
  });
});
