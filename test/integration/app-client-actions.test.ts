// Client page actions that are not autopay's or the ledger's, against the Stripe emulator: the
// client's saved methods, a secure setup link (emailed or copied; single use; expiring; lands the
// contact in the portal's add-method pages), resync from Stripe (a missed webhook repaired), resend a
// receipt; each audited; technicians refused the admin-only route groups with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock';
import { makeClient, makeInstallation, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { addPayingClient, saveCard } from '../support/payment-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { connectInstallationToEmulator } from '../support/webhook-fixtures';

let app: TestApp;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true, clock });
});
afterAll(() => app?.close());

const auditCount = async (app: TestApp, action: string) =>
  Number(((await app.db.database.knex('audit_log').where({ action }).count({ n: '*' }).first()) as { n: unknown }).n);

describe('client actions', () => {
  it('setup link: copied or emailed, opens the portal’s add-method page once, expires', async () => {
    const ctx = app.runtime.ctx;
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    const paying = await addPayingClient(app, inst, { name: 'Setup Link Co' });
    const tech = await makeStaffUser(inst.scope);
    const contact = (await inst.scope.forClient(paying.client.id).from('client_contacts').first('id', 'email')) as { id: string; email: string };
    const newContact = (await inst.scope.forClient(paying.client.id).insert('client_contacts', { name: 'Nia New', email: `nia-${Date.now()}@client.example` }).returning(['id', 'email'])) as Array<{ id: string; email: string }>;
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);

    // Copy: a link to hand over, nothing emailed.
    const copied = await agent.post(`/api/app/clients/${paying.client.id}/setup-links`, { contactId: contact.id, delivery: 'copy' });
    expect(copied.status, JSON.stringify(copied.body)).toBe(201);
    const url = new URL(copied.body.setupLink.url);
    expect(url.pathname).toMatch(/^\/setup\/[A-Za-z0-9_-]{32,}$/);
    const token = url.pathname.split('/')[2]!;
    expect(JSON.stringify(await app.db.database.knex('setup_links').select())).not.toContain(token); // only the hash is stored

    // The landing page names who asks; a GET never uses the link.
    const landing = await fetch(`${app.url}${url.pathname}`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Setup Link Co');
    expect((await fetch(`${app.url}${url.pathname}`)).status).toBe(200);

    // Continue: a portal session for that contact, on the portal's payment methods page.
    const opened = await fetch(`${app.url}${url.pathname}`, { method: 'POST', redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/portal/payment-methods');
    const portalCookie = opened.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c?.startsWith('settle_portal_sid='))!;
    const methods = await fetch(`${app.url}/api/portal/payment-methods`, { headers: { cookie: portalCookie } });
    expect(methods.status).toBe(200);
    const session = await (await fetch(`${app.url}/api/portal/session`, { headers: { cookie: portalCookie } })).json();
    expect(session.user.email.toLowerCase()).toBe(contact.email.toLowerCase());
    // Single use.
    expect((await fetch(`${app.url}${url.pathname}`, { method: 'POST', redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${app.url}${url.pathname}`)).status).toBe(404);

    // Email: to a contact with no portal account yet; the outbox holds the link; it expires after 72 h.
    const emailed = await agent.post(`/api/app/clients/${paying.client.id}/setup-links`, { contactId: newContact[0]!.id, delivery: 'email' });
    expect(emailed.status).toBe(201);
    const mail = (await inst.scope.from('outbox').where({ kind: 'email' }).whereRaw("payload->>'to' = ?", [newContact[0]!.email]).first('payload')) as { payload: { text: string } };
    expect(mail.payload.text).toContain(emailed.body.setupLink.url);
    clock.advance(73 * 3_600_000);
    expect((await fetch(emailed.body.setupLink.url.replace(ctx.config.publicUrl, app.url), { method: 'POST', redirect: 'manual' })).status).toBe(404);
    clock.advance(-73 * 3_600_000);
    expect(await auditCount(app, 'setup_link.created')).toBeGreaterThanOrEqual(1);
    expect(await auditCount(app, 'setup_link.sent')).toBeGreaterThanOrEqual(1);
    expect(await auditCount(app, 'setup_link.opened')).toBeGreaterThanOrEqual(1);

    // Refusals change nothing.
    const before = await app.db.database.knex('setup_links').count({ n: '*' }).first();
    const unmapped = await makeClient(inst.scope);
    const foreign = await makeClient((await makeInstallation(app.db.database.knex)).scope);
    expect((await agent.post(`/api/app/clients/${unmapped.id}/setup-links`, { contactId: contact.id, delivery: 'copy' })).body.error.code).toBe('CLIENT_NOT_MAPPED');
    expect((await agent.post(`/api/app/clients/${paying.client.id}/setup-links`, { contactId: newContact[0]!.id.replace(/.$/, '0'), delivery: 'copy' })).status).toBe(404);
    expect((await agent.post(`/api/app/clients/${foreign.id}/setup-links`, { contactId: contact.id, delivery: 'copy' })).status).toBe(404);
    expect((await agent.post(`/api/app/clients/${paying.client.id}/setup-links`, { contactId: contact.id, delivery: 'fax' })).status).toBe(400);
    expect(await app.db.database.knex('setup_links').count({ n: '*' }).first()).toEqual(before);
  });

  it('lists the client’s methods, resyncs from Stripe and resends a receipt', async () => {
    const ctx = app.runtime.ctx;
    const inst = await connectInstallationToEmulator(ctx.db, ctx.secrets, app.emulator!);
    const paying = await addPayingClient(app, inst, { name: 'Resync Co' });
    const tech = await makeStaffUser(inst.scope);
    const card = await saveCard(paying);
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);

    const listed = await agent.get(`/api/app/clients/${paying.client.id}/payment-methods`);
    expect(listed.status).toBe(200);
    expect(listed.body.methods).toEqual([expect.objectContaining({ id: card.id, type: 'card', last4: '4242' })]);

    // A payment Stripe settled while Settle missed the webhook, and a card whose details drifted.
    const pi = await paying.stripe.paymentIntents.create({ amount: 4_200, currency: 'usd', customer: paying.customer.id, payment_method: card.stripeId, confirm: true, off_session: true, allowed_payment_method_types: ['card'] } as never);
    expect(pi.status).toBe('succeeded');
    const [payment] = (await inst.scope.insert('payments', { client_id: paying.client.id, source: 'technician', status: 'processing', amount: 4_200, currency: 'USD', method_type: 'card', stripe_payment_intent_id: pi.id }).returning('id')) as Array<{ id: string }>;
    await inst.scope.from('payment_methods').where({ id: card.id }).update({ last4: '0000' });

    const resync = await agent.post(`/api/app/clients/${paying.client.id}/resync`);
    expect(resync.status, JSON.stringify(resync.body)).toBe(200);
    expect(resync.body.resync).toMatchObject({ customer: 'unchanged', paymentMethods: 1, payments: 1, updated: 2 });
    expect((await inst.scope.from('payments').where({ id: payment!.id }).first('status')).status).toBe('succeeded');
    expect((await inst.scope.from('payment_methods').where({ id: card.id }).first('last4')).last4).toBe('4242');
    expect((await agent.post(`/api/app/clients/${paying.client.id}/resync`)).body.resync.updated).toBe(0); // converged
    expect(await auditCount(app, 'client.resynced')).toBeGreaterThanOrEqual(2);
    expect((await agent.post(`/api/app/clients/${(await makeClient(inst.scope)).id}/resync`)).body.error.code).toBe('CLIENT_NOT_MAPPED');

    // Resend the receipt: queued to the billing contacts, once per minute however many clicks.
    const emails = async () => Number(((await inst.scope.from('outbox').where({ kind: 'email' }).where('dedupe_key', 'like', `receipt-resend:${payment!.id}:%`).count({ n: '*' }).first()) as { n: unknown }).n);
    const resent = await agent.post(`/api/app/payments/${payment!.id}/resend-receipt`, {});
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body.sentTo).toEqual([paying.user.email.toLowerCase()]);
    await agent.post(`/api/app/payments/${payment!.id}/resend-receipt`, {});
    expect(await emails()).toBe(1);
    expect((await agent.post(`/api/app/payments/${payment!.id}/resend-receipt`, { to: 'ap@elsewhere.example' })).body.sentTo).toEqual(['ap@elsewhere.example']);
    const [failed] = (await inst.scope.insert('payments', { client_id: paying.client.id, source: 'portal', status: 'processing', amount: 100, currency: 'USD' }).returning('id')) as Array<{ id: string }>;
    expect((await agent.post(`/api/app/payments/${failed!.id}/resend-receipt`, {})).body.error.code).toBe('RECEIPT_NOT_AVAILABLE');
    expect(await auditCount(app, 'receipt.resent')).toBeGreaterThanOrEqual(3);
  });

  it('refuses technicians the admin-only route groups and changes nothing', async () => {
    const inst = await makeInstallation(app.db.database.knex);
    const tech = await makeStaffUser(inst.scope, { role: 'technician' });
    const client = await makeClient(inst.scope);
    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const settingsBefore = await app.db.database.knex('installations').where({ id: inst.id }).first('settings');
    const refused: Array<[string, string, unknown?]> = [
      ['PUT', '/api/app/settings', { paymentMethods: { card: false, usBankAccount: false } }],
      ['POST', '/api/app/stripe/connection/restricted-key', { secretKey: 'rk_test_x' }],
      ['POST', '/api/app/stripe/oauth/start', {}],
      ['DELETE', '/api/app/stripe/connection'],
      ['GET', '/api/app/mapping/clients'],
      ['POST', `/api/app/mapping/clients/${client.id}/ignore`, {}],
      ['POST', '/api/app/mapping/import', {}],
      ['GET', '/api/app/api-keys'],
      ['POST', '/api/app/api-keys', { name: 'x' }],
      ['PUT', '/api/app/settings/psa-webhook', { url: 'https://psa.example/hook' }],
      ['GET', '/api/app/webhooks/health'],
    ];
    for (const [method, path, json] of refused) {
      const res = await agent.request(method, path, json === undefined ? {} : { json });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('AUTH_FORBIDDEN');
    }
    expect(await app.db.database.knex('installations').where({ id: inst.id }).first('settings')).toEqual(settingsBefore);
    expect((await inst.scope.from('clients').where({ id: client.id }).first('mapping_status')).mapping_status).toBe('unmapped');
    expect(Number(((await inst.scope.from('api_keys').count({ n: '*' }).first()) as { n: unknown }).n)).toBe(0);
  });
});
