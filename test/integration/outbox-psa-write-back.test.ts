// Outbound write-back to the PSA: the webhook URL is SSRF-checked when saved and again at delivery;
// a payment change queues exactly one signed delivery; failures back off (1 min doubling, by the
// injected clock — no sleeping for business time) and dead-letter after 10 attempts; an admin can
// retry from the UI. Deliveries go to a real HTTP receiver on 127.0.0.1 (allowed in demo mode only).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../server/clock';
import type { InstallationScope } from '../../server/db/tenant-scope';
import type { AppContext } from '../../server/http/context';
import { deliverPsaWebhooks, MAX_ATTEMPTS, retryDelayMs } from '../../server/outbox/deliver-outbox';
import { enqueuePsaWriteBack } from '../../server/outbox/enqueue-psa-write-back';
import { verifyPsaSignature } from '../../server/outbox/sign-psa-payload';
import { vetWebhookUrl } from '../../server/outbox/ssrf-guard';
import { makeClient, makeInstallation, makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { allocate, makePayment } from '../support/psa-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  url: string;
}

/** A PSA stand-in: answers from a script (then 200), records every request. */
class Receiver {
  server!: Server;
  received: Received[] = [];
  script: Array<number | 'hang'> = [];
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body, url: req.url ?? '' });
        const next = this.script.shift() ?? 200;
        if (next === 'hang') return;
        if (next === 302) res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' }).end();
        else res.writeHead(next, { 'content-type': 'text/plain' }).end(next === 200 ? 'ok' : `psa says no (${next})\n${'x'.repeat(5000)}`);
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/settle/webhook?tenant=t1`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe('PSA webhook URL: SSRF guard (demo mode off)', () => {
  let app: TestApp;
  let admin: Agent;
  let inst: Awaited<ReturnType<typeof makeInstallation>>;

  beforeAll(async () => {
    app = await startTestApp();
    inst = await makeInstallation(app.db.database.knex);
    const user = await makeStaffUser(inst.scope, { role: 'admin' });
    admin = new Agent(app.url);
    expect((await admin.login('app', user.email, user.password)).status).toBe(200);
  });
  afterAll(() => app?.close());

  it.each([
    'http://127.0.0.1/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::ffff:127.0.0.1]/hook',
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://[::1]/hook',
    'https://10.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:a9fe:a9fe]/hook',
    'https://2130706433/hook',
    'https://192.168.1.10/hook',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[fe80::1]/hook',
    'https://[fd00::1]/hook',
    'https://224.0.0.1/hook',
    'https://api.localhost/hook',
    'http://93.184.216.34/hook',
    'https://user:pass@93.184.216.34/hook',
    'ftp://93.184.216.34/hook',
  ])('refuses %s and saves nothing', async (url) => {
    const res = await admin.request('PUT', '/api/app/settings/psa-webhook', { json: { url } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PSA_WEBHOOK_URL_FORBIDDEN');
    expect((await admin.get('/api/app/settings/psa-webhook')).body.psaWebhook).toEqual({ url: null, hasSecret: false, httpsRequired: true });
  });

  it('refuses a host name that resolves to a private or loopback address (any of its addresses)', async () => {
    const resolve = async (host: string) =>
      host === 'rebind.example' ? [{ address: '203.0.114.9', family: 4 as const }, { address: '127.0.0.1', family: 4 as const }] : [{ address: '::1', family: 6 as const }];
    await expect(vetWebhookUrl('https://rebind.example/hook', { demoMode: false, resolve })).rejects.toMatchObject({ code: 'PSA_WEBHOOK_URL_FORBIDDEN' });
    await expect(vetWebhookUrl('https://six.example/hook', { demoMode: false, resolve })).rejects.toMatchObject({ code: 'PSA_WEBHOOK_URL_FORBIDDEN' });
    await expect(vetWebhookUrl('https://nxdomain.example/hook', { demoMode: false, resolve: async () => [] })).rejects.toMatchObject({ code: 'PSA_WEBHOOK_URL_FORBIDDEN' });
    const ok = await vetWebhookUrl('https://psa.example/hook', { demoMode: false, resolve: async () => [{ address: '93.184.216.34', family: 4 }] });
    expect(ok.address).toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('allows http and private addresses in demo mode only', async () => {
    for (const url of ['http://127.0.0.1:9999/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://10.0.0.1/hook']) {
      await expect(vetWebhookUrl(url, { demoMode: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] })).resolves.toBeTruthy();
      await expect(vetWebhookUrl(url, { demoMode: false, resolve: async () => [{ address: '127.0.0.1', family: 4 }] })).rejects.toMatchObject({ code: 'PSA_WEBHOOK_URL_FORBIDDEN' });
    }
  });

  it('saves a public https URL, shows the signing secret once, and keeps it sealed at rest', async () => {
    const res = await admin.request('PUT', '/api/app/settings/psa-webhook', { json: { url: 'https://93.184.216.34/settle' } });
    expect(res.status).toBe(200);
    expect(res.body.psaWebhook).toEqual({ url: 'https://93.184.216.34/settle', hasSecret: true, httpsRequired: true });
    expect(res.body.secret).toMatch(/^pswh_[A-Za-z0-9_-]{43}$/);
    const row = await app.db.database.knex('installations').where({ id: inst.id }).first('psa_webhook_secret_enc');
    expect(row.psa_webhook_secret_enc).toMatch(/^v1\./);
    expect(row.psa_webhook_secret_enc).not.toContain(res.body.secret);
    expect((await admin.get('/api/app/settings/psa-webhook')).body).toEqual({ psaWebhook: { url: 'https://93.184.216.34/settle', hasSecret: true, httpsRequired: true } });

    const same = await admin.request('PUT', '/api/app/settings/psa-webhook', { json: { url: 'https://93.184.216.34/other' } });
    expect(same.body.secret).toBeNull();
    const rotated = await admin.request('PUT', '/api/app/settings/psa-webhook', { json: { url: 'https://93.184.216.34/other', rotateSecret: true } });
    expect(rotated.body.secret).toMatch(/^pswh_/);
    expect(rotated.body.secret).not.toBe(res.body.secret);
    expect(app.logs.join('\n')).not.toContain(res.body.secret);
    const audit = await app.db.database.knex('audit_log').where({ installation_id: inst.id, action: 'psa_webhook.updated' }).pluck('details');
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(audit)).not.toContain('pswh_');
  });

  it('is for admins only, and validates the body strictly', async () => {
    const tech = await makeStaffUser(inst.scope, { role: 'technician' });
    const techAgent = new Agent(app.url);
    await techAgent.login('app', tech.email, tech.password);
    expect((await techAgent.request('PUT', '/api/app/settings/psa-webhook', { json: { url: 'https://93.184.216.34/x' } })).status).toBe(403);
    const extra = await admin.request('PUT', '/api/app/settings/psa-webhook', { json: { url: 'https://93.184.216.34/x', secret: 'mine' } });
    expect(extra.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('PSA write-back delivery (demo mode, receiver on 127.0.0.1)', () => {
  let app: TestApp;
  let ctx: AppContext;
  let clock: ManualClock;
  let receiver: Receiver;
  let admin: Agent;
  let inst: Awaited<ReturnType<typeof makeInstallation>>;
  let secret: string;
  let clientId: string;
  const knex = () => app.db.database.knex;

  beforeAll(async () => {
    app = await startTestApp({ env: { DEMO_MODE: 'true' } });
    ctx = app.runtime.ctx;
    clock = app.clock as ManualClock;
    receiver = await new Receiver().start();
    inst = await makeInstallation(knex());
    clientId = (await makeClient(inst.scope)).id;
    const user = await makeStaffUser(inst.scope, { role: 'admin' });
    admin = new Agent(app.url);
    await admin.login('app', user.email, user.password);
    const res = await admin.request('PUT', '/api/app/settings/psa-webhook', { json: { url: receiver.url } });
    expect(res.status).toBe(200);
    secret = res.body.secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.close();
  });
  beforeEach(() => {
    receiver.received = [];
    receiver.script = [];
  });

  /** A payment change and its write-back, in one transaction (what the ledger will do). */
  async function changePayment(change: (trx: InstallationScope) => Promise<string>): Promise<string> {
    return inst.scope.transaction(async (trx) => {
      const paymentId = await change(trx);
      await enqueuePsaWriteBack(trx, { paymentId }, clock);
      return paymentId;
    });
  }
  const outbox = (paymentId: string) => knex()('outbox').where({ installation_id: inst.id, subject_id: paymentId }).orderBy('created_at');

  it('queues one delivery per payment version, atomically with the change', async () => {
    const paymentId = await changePayment(async (trx) => {
      const id = await makePayment(trx, clientId, 5_000);
      await enqueuePsaWriteBack(trx, { paymentId: id }, clock); // same version twice: one delivery
      return id;
    });
    expect(await outbox(paymentId)).toHaveLength(1);
    await expect(
      inst.scope.transaction(async (trx) => {
        await trx.from('payments').where({ id: paymentId }).update({ reference: 'rolled back' });
        await enqueuePsaWriteBack(trx, { paymentId }, clock);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await outbox(paymentId)).toHaveLength(1);
    await expect(enqueuePsaWriteBack(inst.scope, { paymentId }, clock)).rejects.toThrow(/inside the payment change transaction/);
    await deliverPsaWebhooks(ctx);
  });

  it('delivers a signed JSON payload once, with allocations', async () => {
    const invoice = await makeInvoice(inst.scope, clientId, { total: 7_500 });
    const paymentId = await changePayment(async (trx) => {
      const id = await makePayment(trx, clientId, 7_500, { status: 'processing', method_type: 'us_bank_account' });
      await allocate(trx, id, invoice.id, 7_500);
      return id;
    });
    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 1, retrying: 0, dead: 0 });
    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 0, retrying: 0, dead: 0 });
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.url).toBe('/settle/webhook?tenant=t1');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(verifyPsaSignature(got!.body, got!.headers['settle-signature'] as string, secret, clock.now())).toBe(true);
    expect(verifyPsaSignature(got!.body, got!.headers['settle-signature'] as string, 'pswh_wrong', clock.now())).toBe(false);
    expect(verifyPsaSignature(`${got!.body} `, got!.headers['settle-signature'] as string, secret, clock.now())).toBe(false);
    const payload = JSON.parse(got!.body);
    const [row] = await outbox(paymentId);
    expect(got!.headers['settle-delivery']).toBe(row.id);
    expect(payload).toMatchObject({
      id: row.id,
      type: 'payment.updated',
      installationId: inst.id,
      payment: { id: paymentId, version: 2, status: 'processing', amount: 7_500, currency: 'USD', methodType: 'us_bank_account', clientId, allocations: [{ invoiceId: invoice.id, invoiceNumber: invoice.number, amount: 7_500 }] },
    });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_response_status: 200, last_error: null });

    await changePayment(async (trx) => {
      await trx.from('payments').where({ id: paymentId }).update({ status: 'succeeded', succeeded_at: clock.now() });
      return paymentId;
    });
    await deliverPsaWebhooks(ctx);
    expect(receiver.received).toHaveLength(2);
    expect(JSON.parse(receiver.received[1]!.body).payment).toMatchObject({ status: 'succeeded', version: 3 });
  });

  it('retries with exponential backoff by the clock, then delivers', async () => {
    receiver.script = [500, 503];
    const paymentId = await changePayment((trx) => makePayment(trx, clientId, 1_200));
    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 0, retrying: 1, dead: 0 });
    let [row] = await outbox(paymentId);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_response_status: 500 });
    expect(row.last_error).toMatch(/^HTTP 500: psa says no \(500\)/);
    expect(row.last_error.length).toBeLessThanOrEqual(500);
    expect(row.next_attempt_at.getTime() - clock.now().getTime()).toBe(60_000);

    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 0, retrying: 0, dead: 0 }); // not due yet
    clock.advance(60_000);
    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 0, retrying: 1, dead: 0 });
    [row] = await outbox(paymentId);
    expect(row.next_attempt_at.getTime() - clock.now().getTime()).toBe(120_000);
    clock.advance(119_000);
    expect((await deliverPsaWebhooks(ctx)).sent).toBe(0);
    clock.advance(1_000);
    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 1, retrying: 0, dead: 0 });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['settle-delivery'])).size).toBe(1);
  });

  it('dead-letters after 10 failed attempts; the UI lists it and an admin retry delivers it', async () => {
    receiver.script = Array(MAX_ATTEMPTS).fill(500);
    const paymentId = await changePayment((trx) => makePayment(trx, clientId, 3_300));
    const delays: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const summary = await deliverPsaWebhooks(ctx);
      const [row] = await outbox(paymentId);
      if (attempt < MAX_ATTEMPTS) {
        expect(summary.retrying).toBe(1);
        delays.push(row.next_attempt_at.getTime() - clock.now().getTime());
        clock.advance(retryDelayMs(attempt));
      } else {
        expect(summary.dead).toBe(1);
        expect(row).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS });
      }
    }
    expect(delays.map((d) => d / 60_000)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(retryDelayMs(12)).toBe(6 * 3600_000);
    clock.advance(24 * 3600_000);
    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 0, retrying: 0, dead: 0 });

    const adminUser = await makeStaffUser(inst.scope, { role: 'admin' }); // a day passed: the old session expired
    admin = new Agent(app.url);
    await admin.login('app', adminUser.email, adminUser.password);
    const list = await admin.get('/api/app/outbox?filter=dead');
    expect(list.status).toBe(200);
    const [dead] = list.body.deliveries;
    expect(dead).toMatchObject({ paymentId, status: 'dead', attempts: MAX_ATTEMPTS, lastResponseStatus: 500, kind: 'psa_webhook' });
    expect(list.body.deliveries).toHaveLength(1);

    const retried = await admin.post(`/api/app/outbox/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.delivery).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await deliverPsaWebhooks(ctx)).toEqual({ sent: 1, retrying: 0, dead: 0 });
    const again = await admin.post(`/api/app/outbox/${dead.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('OUTBOX_DELIVERY_NOT_RETRYABLE');
    const audit = await knex()('audit_log').where({ installation_id: inst.id, action: 'outbox.retried', subject_id: dead.id }).first();
    expect(audit.details).toMatchObject({ previousStatus: 'dead', previousAttempts: MAX_ATTEMPTS });
    expect((await admin.post('/api/app/outbox/00000000-0000-4000-8000-000000000000/retry')).body.error.code).toBe('OUTBOX_DELIVERY_NOT_FOUND');
  });

  it('lists failing deliveries for staff; retry is for admins', async () => {
    receiver.script = [500];
    const paymentId = await changePayment((trx) => makePayment(trx, clientId, 4_400));
    await deliverPsaWebhooks(ctx);
    const tech = await makeStaffUser(inst.scope, { role: 'technician' });
    const techAgent = new Agent(app.url);
    await techAgent.login('app', tech.email, tech.password);
    const list = await techAgent.get('/api/app/outbox?filter=failing');
    expect(list.body.deliveries.map((d: any) => d.paymentId)).toEqual([paymentId]);
    expect(list.body.deliveries[0]).toMatchObject({ failing: true, status: 'pending', attempts: 1 });
    expect((await techAgent.post(`/api/app/outbox/${list.body.deliveries[0].id}/retry`)).status).toBe(403);
    clock.advance(60_000);
    await deliverPsaWebhooks(ctx);
  });

  it('does not follow redirects and gives up on a receiver that does not answer', async () => {
    receiver.script = [302, 'hang'];
    const paymentId = await changePayment((trx) => makePayment(trx, clientId, 5_500));
    await deliverPsaWebhooks(ctx, { timeoutMs: 300 });
    let [row] = await outbox(paymentId);
    expect(row).toMatchObject({ status: 'pending', last_response_status: 302 });
    expect(receiver.received).toHaveLength(1);
    clock.advance(60_000);
    await deliverPsaWebhooks(ctx, { timeoutMs: 300 });
    [row] = await outbox(paymentId);
    expect(row.last_error).toMatch(/no response within/);
    clock.advance(120_000);
    expect((await deliverPsaWebhooks(ctx)).sent).toBe(1);
  });

  it('re-checks the address at delivery time: a name that now resolves to loopback is not contacted', async () => {
    const other = await makeInstallation(knex());
    const otherClient = await makeClient(other.scope);
    await knex()('installations').where({ id: other.id }).update({ psa_webhook_url: 'https://psa.rebind.example/hook', psa_webhook_secret_enc: ctx.secrets.seal('pswh_x', `installations.psa_webhook_secret:${other.id}`) });
    const paymentId = await other.scope.transaction(async (trx) => {
      const id = await makePayment(trx, otherClient.id, 900);
      await enqueuePsaWriteBack(trx, { paymentId: id }, clock);
      return id;
    });
    const strict: AppContext = { ...ctx, config: { ...ctx.config, demoMode: false } };
    const summary = await deliverPsaWebhooks(strict, { resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(summary).toEqual({ sent: 0, retrying: 1, dead: 0 });
    const row = await knex()('outbox').where({ subject_id: paymentId }).first();
    expect(row.last_error).toMatch(/Settle only delivers to public https addresses/);
    expect(receiver.received).toHaveLength(0);
  });

  it('queues nothing when the installation has no webhook URL (the PSA can pull the feed)', async () => {
    const other = await makeInstallation(knex());
    const c = await makeClient(other.scope);
    const result = await other.scope.transaction(async (trx) => enqueuePsaWriteBack(trx, { paymentId: await makePayment(trx, c.id, 100) }, clock));
    expect(result).toBeNull();
    expect(await knex()('outbox').where({ installation_id: other.id })).toHaveLength(0);
  });
});
