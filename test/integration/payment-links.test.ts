// Public payment links: unguessable, revocable, pay exactly one invoice without a login, expose
// nothing else about the client, are gone once the invoice is settled, and are rate-limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { makePayingClient } from '../support/payment-fixtures';
import { makeApiKey, PsaClient } from '../support/psa-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let p: Awaited<ReturnType<typeof makePayingClient>>;
let tech: Agent;

beforeAll(async () => {
  app = await startTestApp({ stripeEmulator: true });
  p = await makePayingClient(app);
  const staff = await makeStaffUser(p.inst.scope, { role: 'technician' });
  tech = new Agent(app.url);
  await tech.login('app', staff.email, staff.password);
});
afterAll(() => app?.close());

const tokenOf = (url: string) => url.split('/portal/pay/')[1]!;
const anon = () => new Agent(app.url);

describe('payment links', () => {
  it('a technician copies the same link twice; anyone with it sees only that invoice and pays it with a new card', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 25_000, number: 'LINK-1' });
    const first = await tech.get(`/api/app/invoices/${inv.id}/payment-link`);
    expect(first.status).toBe(200);
    expect(first.body.url).toMatch(/\/portal\/pay\/pl_[A-Za-z0-9_-]{40,}$/);
    expect((await tech.get(`/api/app/invoices/${inv.id}/payment-link`)).body.url).toBe(first.body.url);
    const token = tokenOf(first.body.url);
    expect(await app.db.database.knex('invoices').where({ payment_link_token_hash: token }).first()).toBeUndefined(); // stored hashed

    const visitor = anon();
    const page = await visitor.get(`/api/pay/${token}`);
    expect(page.status).toBe(200);
    expect(page.body.invoice).toEqual({ number: 'LINK-1', issuedAt: '2026-11-01', dueDate: '2026-12-01', total: 25_000, amountRemaining: 25_000, currency: 'USD', status: 'open' });
    expect(JSON.stringify(page.body)).not.toContain(p.client.name);
    expect(JSON.stringify(page.body)).not.toContain(p.customer.id);
    expect(page.body.stripe.publishableKey).toMatch(/^pk_test_/);

    const pay = await visitor.post(`/api/pay/${token}/payments`, { methodType: 'card' });
    expect(pay.status).toBe(201);
    await p.stripe.paymentIntents.confirm(pay.body.clientSecret.split('_secret_')[0], { payment_method: 'pm_card_visa' });
    const done = await visitor.post(`/api/pay/${token}/payments/${pay.body.payment.id}/refresh`, {});
    expect(done.body.payment).toMatchObject({ status: 'succeeded', amount: 25_000 });
    expect(await app.db.database.knex('payments').where({ id: pay.body.payment.id }).first('source')).toEqual({ source: 'link' });
    // Paid: the link is gone, but its own payment can still be asked about.
    expect(await visitor.get(`/api/pay/${token}`)).toMatchObject({ status: 404, body: { error: { code: 'PAYMENT_LINK_INVALID' } } });
    expect((await visitor.post(`/api/pay/${token}/payments/${pay.body.payment.id}/refresh`, {})).body.payment.status).toBe('succeeded');
  });

  it('revoking kills the link at once; tampered and unknown tokens are 404 and change nothing', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000 });
    const { url } = (await tech.get(`/api/app/invoices/${inv.id}/payment-link`)).body;
    const token = tokenOf(url);
    const visitor = anon();
    expect((await visitor.get(`/api/pay/${token}`)).status).toBe(200);
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await visitor.get(`/api/pay/${tampered}`)).toMatchObject({ status: 404, body: { error: { code: 'PAYMENT_LINK_INVALID' } } });
    expect(await visitor.post(`/api/pay/${tampered}/payments`, { methodType: 'card' })).toMatchObject({ status: 404 });
    expect((await tech.post(`/api/app/invoices/${inv.id}/payment-link/revoke`, {})).status).toBe(204);
    expect(await visitor.get(`/api/pay/${token}`)).toMatchObject({ status: 404, body: { error: { code: 'PAYMENT_LINK_INVALID' } } });
    const fresh = (await tech.get(`/api/app/invoices/${inv.id}/payment-link`)).body.url;
    expect(fresh).not.toBe(url);
    expect((await visitor.get(`/api/pay/${tokenOf(fresh)}`)).status).toBe(200);
  });

  it('has no link for paid or void invoices, and never shows another installation’s invoice to a technician', async () => {
    const voided = await makeInvoice(p.inst.scope, p.client.id, { total: 1_000, status: 'void' });
    expect(await tech.get(`/api/app/invoices/${voided.id}/payment-link`)).toMatchObject({ status: 409, body: { error: { code: 'INVOICE_NOT_PAYABLE' } } });
    const other = await makePayingClient(app);
    const theirs = await makeInvoice(other.inst.scope, other.client.id, { total: 1_000 });
    expect(await tech.get(`/api/app/invoices/${theirs.id}/payment-link`)).toMatchObject({ status: 404, body: { error: { code: 'INVOICE_NOT_FOUND' } } });
  });

  it('gives the PSA the same link for its own invoice emails, by PSA reference (API key)', async () => {
    const inv = await makeInvoice(p.inst.scope, p.client.id, { total: 3_000 });
    const { psa_ref: psaRef } = (await app.db.database.knex('invoices').where({ id: inv.id }).first('psa_ref')) as { psa_ref: string };
    const psa = new PsaClient(app.url, await makeApiKey(p.inst.scope));
    const res = await psa.request('GET', `/api/psa/invoices/${encodeURIComponent(psaRef)}/payment-link`);
    expect(res.status).toBe(200);
    expect(res.body.url).toBe((await tech.get(`/api/app/invoices/${inv.id}/payment-link`)).body.url);
    expect((await psa.request('GET', '/api/psa/invoices/NOPE-1/payment-link')).status).toBe(404);
    expect((await new PsaClient(app.url, 'stk_nope').request('GET', `/api/psa/invoices/${psaRef}/payment-link`)).status).toBe(401);
  });

  it('rate-limits guessing: 429 with Retry-After past 60 requests a minute from one address', async () => {
    let last = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < 70; i++) {
      const res = await fetch(`${app.url}/api/pay/pl_guess${i}`);
      last = res.status;
      retryAfter = res.headers.get('retry-after');
      if (last === 429) break;
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
