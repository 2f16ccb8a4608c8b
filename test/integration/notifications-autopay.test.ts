// Notifications about automatic charges, found from autopay's own records by the notifier job,
// against the Stripe emulator through the real SDK: a soft decline tells the client why and when the
// next try is; a hard decline tells them they must act and tells staff autopay gave up; a charge that
// needs authentication sends the confirmation link; successes (autopay and charge now) send one
// receipt; disputes reach staff with the evidence deadline; upcoming charges are announced N days
// ahead exactly as the portal's autopay page schedules them. Each exactly once, even when two
// notifier runs race or a webhook arrives twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargeInvoice } from '../../server/autopay/charge-invoice';
import { runAutopay, selectDueInvoices } from '../../server/autopay/run-autopay';
import { ManualClock } from '../../server/clock';
import { sendNotificationsJob } from '../../server/notifications/notifications-job';
import { runNotifications } from '../../server/notifications/run-notifications';
import { processStripeEvents } from '../../server/webhooks/process-stripe-events';
import { ensureWebhookEndpoint } from '../../server/webhooks/ensure-webhook-endpoint';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { makePayingClient, saveCard, saveVerifiedBankAccount } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventPayload, postWebhook, signedHeader, webhookSecretOf } from '../support/webhook-fixtures';

let app: TestApp;
const clock = new ManualClock('2026-12-01T15:00:00Z'); // 10:00 in New York, after the 09:00 run time

beforeAll(async () => {
  // Bank debits settle only when a test moves the emulator's clock (deterministic on a slow machine).
  app = await startTestApp({ clock, realPublicUrl: true, stripeEmulator: { bankSettlementDelayMs: 60_000 } });
});
afterAll(() => app?.close());

const knex = () => app.db.database.knex;
const ctx = () => app.runtime.ctx;
const flat = (text: string) => text.replace(/\s+/g, ' ');

interface Email {
  dedupe_key: string;
  payload: { to: string; subject: string; text: string; html: string; kind: string; clientId: string | null; listUnsubscribeUrl: string | null };
}
const emails = async (installationId: string, keyPrefix: string) =>
  (await knex()('outbox').where({ installation_id: installationId, kind: 'email' }).where('dedupe_key', 'like', `${keyPrefix}%`).orderBy('dedupe_key').select('dedupe_key', 'payload')) as Email[];

async function autopayOn(p: Awaited<ReturnType<typeof makePayingClient>>, token = 'pm_card_visa') {
  const method = token === 'bank' || token.startsWith('000') ? await saveVerifiedBankAccount(p, token === 'bank' ? undefined : token) : await saveCard(p, token);
  await knex()('clients').where({ id: p.client.id }).update({ autopay_enabled: true, autopay_payment_method_id: method.id });
  return method;
}

/** Two notifier runs at once, as two processes would: each notice still goes out once. */
async function notifyTwiceConcurrently() {
  await Promise.all([runNotifications(ctx()), runNotifications(ctx())]);
  await sendNotificationsJob.run(ctx(), {});
}

describe('failed automatic charges', () => {
  it('a soft decline emails the client the reason, the retry date and the update-method link — once; staff hear nothing yet', async () => {
    const p = await makePayingClient(app);
    const staff = await makeStaffUser(p.inst.scope);
    await knex()('installations').where({ id: p.inst.id }).update({ name: 'Northwind IT' });
    await autopayOn(p, 'pm_card_chargeCustomerFail');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 9_900, dueDate: '2026-11-30', number: 'INV-SOFT' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ failed: 1 });
    const attempt = await knex()('charge_attempts').where({ invoice_id: inv.id }).first('id', 'next_retry_at');

    await notifyTwiceConcurrently();
    const sent = await emails(p.inst.id, `attempt:${attempt.id}:`);
    expect(sent.map((e) => e.dedupe_key)).toEqual([`attempt:${attempt.id}:failed:${p.user.email.toLowerCase()}`]);
    const { payload } = sent[0]!;
    expect(payload).toMatchObject({ to: p.user.email, kind: 'transactional', clientId: p.client.id, listUnsubscribeUrl: null });
    expect(payload.subject).toBe('Action needed: automatic payment for invoice INV-SOFT failed');
    const text = flat(payload.text);
    expect(text).toContain('The automatic payment of $99.00 to Northwind IT for invoice INV-SOFT with Visa •••• 0341 did not go through');
    expect(text).toContain('Why: The card was declined by its bank.');
    expect(text).toContain('We will try Visa •••• 0341 again on Friday, December 4, 2026.');
    expect(text).toContain(`${app.url}/portal/payment-methods`);
    expect(text).toContain(`${app.url}/portal/invoices/${inv.id}`);
    expect(text).not.toMatch(/Stop these emails/);
    expect(payload.html).toContain('Update payment method');
    expect(payload.html).toContain('Northwind IT');
    // A retry is scheduled: not a final failure, nothing to staff.
    expect(await emails(p.inst.id, `attempt:${attempt.id}:final`)).toEqual([]);
    expect((await knex()('outbox').where({ installation_id: p.inst.id, kind: 'email' }).select('payload')).map((r: Email) => r.payload.to)).not.toContain(staff.email);
    expect(await knex()('notifications').where({ installation_id: p.inst.id, event_key: `attempt:${attempt.id}:failed` }).select('category', 'recipients')).toEqual([{ category: 'autopay_failed', recipients: 1 }]);
  });

  it('a hard decline (closed bank account) tells the client they must act and tells staff autopay gave up', async () => {
    const p = await makePayingClient(app);
    const admin = await makeStaffUser(p.inst.scope, { role: 'admin' });
    const tech = await makeStaffUser(p.inst.scope);
    const gone = await makeStaffUser(p.inst.scope);
    await knex()('staff_users').where({ id: gone.id }).update({ disabled_at: clock.now() });
    await autopayOn(p, '000111111113');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 2_000, dueDate: '2026-12-01', number: 'INV-HARD' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ processing: 1 });
    // Still processing: nothing to say yet.
    await runNotifications(ctx());
    expect(await emails(p.inst.id, 'attempt:')).toEqual([]);
    app.emulator!.control.advanceTime(120); // the bank returns the debit
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ resolved: 1 });
    const attempt = await knex()('charge_attempts').where({ invoice_id: inv.id }).first('id', 'status', 'next_retry_at');
    expect(attempt).toMatchObject({ status: 'failed', next_retry_at: null });

    await notifyTwiceConcurrently();
    const client = await emails(p.inst.id, `attempt:${attempt.id}:failed`);
    expect(client).toHaveLength(1);
    const text = flat(client[0]!.payload.text);
    expect(text).toContain('Why: The bank account is closed.');
    expect(text).toContain('What to do next: Add a different bank account or pay by card.');
    expect(text).toContain('We will not try STRIPE TEST BANK •••• 1113 again automatically.');

    const staff = await emails(p.inst.id, `attempt:${attempt.id}:final`);
    expect(staff.map((e) => e.payload.to).sort()).toEqual([admin.email, tech.email].sort());
    expect(staff[0]!.payload.subject).toMatch(/^Autopay failed for good: .+, invoice INV-HARD \(\$20\.00\)$/);
    expect(flat(staff[0]!.payload.text)).toContain(`${app.url}/app/clients/${p.client.id}`);
    expect(flat(staff[0]!.payload.text)).toContain('asked to update their payment method');
  });

  it('a card that needs authentication emails the link to the confirmation page, and never a plain failure notice', async () => {
    const p = await makePayingClient(app);
    await autopayOn(p, 'pm_card_authenticationRequired');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 15_000, dueDate: '2026-11-30', number: 'INV-3DS' });
    await runAutopay(ctx(), p.inst.id);
    const attempt = await knex()('charge_attempts').where({ invoice_id: inv.id }).first('id', 'payment_id', 'failure_code', 'status');
    expect(attempt.status === 'requires_action' || attempt.failure_code === 'authentication_required').toBe(true);

    await notifyTwiceConcurrently();
    const sent = await emails(p.inst.id, `attempt:${attempt.id}:failed`);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload.subject).toMatch(/^Confirm your payment of \$150\.00 to /);
    expect(flat(sent[0]!.payload.text)).toContain(`${app.url}/portal/authenticate/${attempt.payment_id}`);
    expect(flat(sent[0]!.payload.text)).toContain('Nothing has been charged yet.');
    expect((await knex()('notifications').where({ event_key: `attempt:${attempt.id}:failed` }).first('category')).category).toBe('authentication_required');
  });
});

describe('receipts for automatic charges', () => {
  it('autopay and charge-now successes each send one receipt, however often the notifier runs', async () => {
    const p = await makePayingClient(app);
    await autopayOn(p);
    const due = await makeInvoice(p.inst.scope, p.client.id, { total: 4_200, dueDate: '2026-11-30' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ succeeded: 1 });
    const autopayPayment = (await knex()('charge_attempts').where({ invoice_id: due.id }).first('payment_id')).payment_id as string;

    const later = await makeInvoice(p.inst.scope, p.client.id, { total: 3_100, dueDate: '2026-12-20' });
    await knex()('invoices').where({ id: later.id }).update({ due_date: '2026-11-29' });
    const [candidate] = await selectDueInvoices(ctx(), p.inst.scope);
    const { stripe } = await ctx().stripe.forInstallation(ctx().db, p.inst.id);
    expect(await chargeInvoice(ctx(), p.inst.scope, stripe, candidate!, { retryScheduleDays: [3, 5, 7], achMaxRetries: 1 }, 'charge_now')).toBe('succeeded');
    const chargeNowPayment = (await knex()('charge_attempts').where({ invoice_id: later.id }).first('payment_id')).payment_id as string;

    await notifyTwiceConcurrently();
    for (const paymentId of [autopayPayment, chargeNowPayment]) {
      const receipts = await emails(p.inst.id, `receipt:${paymentId}:`);
      expect(receipts).toHaveLength(1);
      expect(receipts[0]!.payload.subject).toMatch(/^Receipt: \$(42|31)\.00 paid to /);
    }
    // A success is not a failure: no failure notice for either attempt.
    expect(await emails(p.inst.id, 'attempt:')).toEqual([]);
  });
});

describe('disputes', () => {
  it('tells staff about a new dispute with the evidence deadline, once, although the webhook arrived twice', async () => {
    const p = await makePayingClient(app);
    await knex()('installations').where({ id: p.inst.id }).update({ timezone: 'America/Chicago' });
    const admin = await makeStaffUser(p.inst.scope, { role: 'admin' });
    await ensureWebhookEndpoint(ctx(), p.inst.id);
    await autopayOn(p, 'pm_card_createDispute');
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 25_000, dueDate: '2026-11-30', number: 'INV-DSP' });
    expect(await runAutopay(ctx(), p.inst.id)).toMatchObject({ succeeded: 1 });
    const [dispute] = (await p.stripe.disputes.list({ limit: 10 })).data;
    expect(dispute).toBeDefined();
    const secret = await webhookSecretOf(ctx().db, ctx().secrets, p.inst.id);
    const payload = eventPayload('charge.dispute.created', { id: dispute!.id, object: 'dispute' });
    for (let i = 0; i < 2; i++) expect((await postWebhook(app.url, p.inst.id, payload, signedHeader(payload, secret, Math.floor(clock.now().getTime() / 1000)))).status).toBe(200);
    await processStripeEvents(ctx());
    expect(await knex()('disputes').where({ installation_id: p.inst.id })).toHaveLength(1);

    await notifyTwiceConcurrently();
    const sent = await emails(p.inst.id, 'dispute:');
    expect(sent.map((e) => e.payload.to)).toEqual([admin.email]);
    const due = new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone: 'America/Chicago' }).format(new Date(dispute!.evidence_details.due_by! * 1000));
    expect(sent[0]!.payload.subject).toBe(`Dispute: $250.00 from ${p.client.name} — evidence due ${due}`);
    const text = flat(sent[0]!.payload.text);
    expect(text).toContain('for invoice INV-DSP was disputed: the cardholder says they did not make this payment.');
    expect(text).toContain(`Respond with evidence in your Stripe Dashboard by ${due}.`);
    expect(inv.id).toBeTruthy();
  });
});

describe('upcoming automatic charges', () => {
  it('is an admin setting (off by default, 1–14 days); bad values are refused with the field named and change nothing', async () => {
    const p = await makePayingClient(app);
    const owner = await makeStaffUser(p.inst.scope, { role: 'admin' });
    const admin = new Agent(app.url);
    await admin.login('app', owner.email, owner.password);
    const before = (await admin.get('/api/app/settings')).body.settings;
    expect(before.autopay.upcomingNoticeDays).toBeNull();
    const body = { currency: before.currency, timezone: before.timezone, paymentMethods: before.paymentMethods, autopay: { ...before.autopay }, partialPayments: before.partialPayments, underpaymentTolerance: before.underpaymentTolerance };
    for (const bad of [0, 15, 2.5, '3', -1]) {
      const res = await admin.request('PUT', '/api/app/settings', { json: { ...body, autopay: { ...body.autopay, upcomingNoticeDays: bad } } });
      expect(res.status, String(bad)).toBe(400);
      expect(res.body.error.fields.map((f: { path: string }) => f.path)).toContain('autopay.upcomingNoticeDays');
    }
    expect((await admin.get('/api/app/settings')).body.settings).toEqual(before);
    const saved = await admin.request('PUT', '/api/app/settings', { json: { ...body, autopay: { ...body.autopay, upcomingNoticeDays: 3 } } });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.autopay.upcomingNoticeDays).toBe(3);
    // A client of the form that predates the setting leaves it out: it falls back to off.
    const { upcomingNoticeDays: _omitted, ...older } = body.autopay;
    expect((await admin.request('PUT', '/api/app/settings', { json: { ...body, autopay: older } })).body.settings.autopay.upcomingNoticeDays).toBeNull();
  });

  it('is off by default, then announces each invoice N days ahead as the portal schedules it, once per due date', async () => {
    const p = await makePayingClient(app);
    await knex()('installations').where({ id: p.inst.id }).update({ name: 'Northwind IT' });
    await autopayOn(p);
    const soon = await makeInvoice(p.inst.scope, p.client.id, { total: 12_345, dueDate: '2026-12-03', number: 'INV-SOON' });
    const far = await makeInvoice(p.inst.scope, p.client.id, { total: 5_000, dueDate: '2026-12-08', number: 'INV-FAR' });
    const big = await makeInvoice(p.inst.scope, p.client.id, { total: 900_000, dueDate: '2026-12-02', number: 'INV-BIG' });

    await runNotifications(ctx());
    expect(await emails(p.inst.id, 'autopay-upcoming:')).toEqual([]);

    await knex()('installations').where({ id: p.inst.id }).update({ settings: JSON.stringify({ autopay: { upcomingNoticeDays: 3, maxAmount: 100_000 } }) });
    await notifyTwiceConcurrently();
    let sent = await emails(p.inst.id, 'autopay-upcoming:');
    expect(sent.map((e) => e.dedupe_key)).toEqual([`autopay-upcoming:${soon.id}:2026-12-03:${p.user.email.toLowerCase()}`]);
    const { payload } = sent[0]!;
    expect(payload.kind).toBe('notification');
    expect(payload.subject).toBe('$123.45 will be charged on Thursday, December 3, 2026 for invoice INV-SOON');
    expect(flat(payload.text)).toContain('Northwind IT will charge $123.45 for invoice INV-SOON to Visa •••• 4242 on Thursday, December 3, 2026');
    expect(payload.text).toMatch(new RegExp(`Stop these emails: ${app.url}/portal/unsubscribe/[A-Za-z0-9_.-]+`));
    expect(payload.listUnsubscribeUrl).toMatch(new RegExp(`^${app.url}/api/email/unsubscribe/[A-Za-z0-9_.-]+$`));
    // The portal's own schedule says the big one will not be charged (above the maximum): no notice.
    expect((await p.agent.get('/api/portal/autopay')).body.autopay.scheduled.find((s: { invoiceId: string }) => s.invoiceId === big.id).willCharge).toBe(false);

    clock.set(new Date('2026-12-05T15:00:00Z'));
    try {
      await notifyTwiceConcurrently();
      sent = await emails(p.inst.id, 'autopay-upcoming:');
      expect(sent.map((e) => e.dedupe_key.split(':')[1])).toEqual([soon.id, far.id].sort());
      // A new due date is a new charge: announced again.
      await knex()('invoices').where({ id: far.id }).update({ due_date: '2026-12-07' });
      await runNotifications(ctx());
      expect(await emails(p.inst.id, `autopay-upcoming:${far.id}:`)).toHaveLength(2);
    } finally {
      clock.set(new Date('2026-12-01T15:00:00Z'));
    }
  });
});
