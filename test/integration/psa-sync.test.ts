// PSA sync API: batch upserts of clients and invoices with a result per record. Invalid records get
// field-level errors while valid ones in the same batch apply; a malformed batch applies nothing;
// re-sending a batch changes nothing and writes no audit entries; the ledger stays truthful.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCount } from '../../server/db/database';
import { makeClient, makeInstallation, makeInvoice, makePortalUser } from '../support/factories';
import { allocate, makeApiKey, makePayment, PsaClient } from '../support/psa-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { usingPostgres } from '../support/test-database';

let app: TestApp;
let inst: Awaited<ReturnType<typeof makeInstallation>>;
let psa: PsaClient;

beforeAll(async () => {
  app = await startTestApp();
  inst = await makeInstallation(app.db.database.knex);
  psa = new PsaClient(app.url, await makeApiKey(inst.scope));
});
afterAll(() => app?.close());

const db = () => app.db.database.knex;
const count = async (table: string, where: Record<string, unknown> = {}) =>
  toCount(((await db()(table).where({ installation_id: inst.id, ...where }).count({ n: '*' }).first()) as { n: unknown }).n);
const auditCount = () => count('audit_log');

describe('POST /api/psa/clients', () => {
  it('applies the valid records of a mixed batch and reports field errors for the others', async () => {
    const res = await psa.post('/api/psa/clients', {
      clients: [
        { psaRef: 'C-1', name: 'Contoso', billingEmail: 'AP@Contoso.example', contacts: [{ email: 'dana@contoso.example', name: 'Dana', isBilling: true }] },
        { psaRef: 'C-2', name: '' },
        { psaRef: 'C-3', name: 'Fabrikam', billingEmail: 'not-an-email' },
        { psaRef: 'C-4', name: 'Tailspin', color: 'blue' },
        'not a record',
        { psaRef: 'C-5', name: 'Dup A' },
        { psaRef: 'C-5', name: 'Dup B' },
        { psaRef: 'C-6', name: 'Woodgrove', contacts: [{ email: 'a@w.example', name: 'A' }, { email: 'A@w.example', name: 'A again' }] },
        { psaRef: 'C-7', name: 'Adatum' },
      ],
    });
    expect(res.status).toBe(200);
    const byIndex = res.body.results;
    expect(byIndex.map((r: any) => r.status)).toEqual(['created', 'error', 'error', 'error', 'error', 'error', 'error', 'error', 'created']);
    expect(byIndex[1]).toMatchObject({ index: 1, psaRef: 'C-2', errors: [{ path: 'name', code: 'VALIDATION_FAILED' }] });
    expect(byIndex[2].errors[0]).toMatchObject({ path: 'billingEmail', code: 'VALIDATION_FAILED' });
    expect(byIndex[3].errors[0]).toMatchObject({ path: 'color', message: 'Unknown field.' });
    expect(byIndex[4]).toMatchObject({ psaRef: null, status: 'error' });
    expect(byIndex[5].errors[0]).toMatchObject({ path: 'psaRef', code: 'DUPLICATE_PSA_REF' });
    expect(byIndex[7].errors[0]).toMatchObject({ path: 'contacts.1.email' });
    expect(res.body.summary).toEqual({ created: 2, updated: 0, unchanged: 0, error: 7 });

    const rows = await db()('clients').where({ installation_id: inst.id }).orderBy('psa_ref').select('psa_ref', 'name', 'email');
    expect(rows).toEqual([
      { psa_ref: 'C-1', name: 'Contoso', email: 'ap@contoso.example' },
      { psa_ref: 'C-7', name: 'Adatum', email: null },
    ]);
    const contacts = await db()('client_contacts').where({ installation_id: inst.id }).select('email', 'is_billing');
    expect(contacts).toEqual([{ email: 'dana@contoso.example', is_billing: true }]);
    const audit = await db()('audit_log').where({ installation_id: inst.id, action: 'client.created' }).select('actor_type', 'subject_id');
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => a.actor_type === 'api_key')).toBe(true);
  });

  it('is idempotent: the same batch again is all unchanged and writes no audit entries', async () => {
    const batch = { clients: [{ psaRef: 'C-1', name: 'Contoso', billingEmail: 'ap@contoso.example', contacts: [{ email: 'dana@contoso.example', name: 'Dana', isBilling: true }] }, { psaRef: 'C-7', name: 'Adatum' }] };
    const before = await auditCount();
    const res = await psa.post('/api/psa/clients', batch);
    expect(res.body.summary).toEqual({ created: 0, updated: 0, unchanged: 2, error: 0 });
    expect(await auditCount()).toBe(before);
  });

  it('updates changed fields, keeps fields left out, and audits the change with the API key as actor', async () => {
    const res = await psa.post('/api/psa/clients', { clients: [{ psaRef: 'C-1', name: 'Contoso Dental' }] });
    expect(res.body.results[0].status).toBe('updated');
    const row = await db()('clients').where({ installation_id: inst.id, psa_ref: 'C-1' }).first('name', 'email');
    expect(row).toEqual({ name: 'Contoso Dental', email: 'ap@contoso.example' });
    const entry = await db()('audit_log').where({ installation_id: inst.id, action: 'client.updated' }).orderBy('id', 'desc').first();
    expect(entry.actor_type).toBe('api_key');
    expect(entry.details.changes).toEqual({ name: { from: 'Contoso', to: 'Contoso Dental' } });
  });

  it('upserts contacts by email; a contact the PSA drops is kept, no longer billing, and its portal user untouched', async () => {
    const [client] = await db()('clients').where({ installation_id: inst.id, psa_ref: 'C-7' }).select('id');
    const portal = await makePortalUser(inst.scope, client.id);
    const contacts = [
      { email: 'pay@adatum.example', name: 'Payables', isBilling: true },
      { email: portal.email, name: 'Pat Contact', isBilling: true },
    ];
    let res = await psa.post('/api/psa/clients', { clients: [{ psaRef: 'C-7', name: 'Adatum', contacts }] });
    expect(res.body.results[0].status).toBe('updated');
    expect(await count('client_contacts', { client_id: client.id })).toBe(2);

    res = await psa.post('/api/psa/clients', { clients: [{ psaRef: 'C-7', name: 'Adatum', contacts: [{ ...contacts[0], name: 'Accounts Payable' }] }] });
    expect(res.body.results[0].status).toBe('updated');
    const rows = await db()('client_contacts').where({ client_id: client.id }).orderBy('email').select('email', 'name', 'is_billing', 'removed_from_psa_at');
    const dropped = rows.find((r) => r.email === portal.email)!;
    expect(dropped.is_billing).toBe(false);
    expect(dropped.removed_from_psa_at).toBeInstanceOf(Date);
    expect(rows.find((r) => r.email === 'pay@adatum.example')).toMatchObject({ name: 'Accounts Payable', is_billing: true, removed_from_psa_at: null });
    expect(await db()('portal_users').where({ id: portal.id }).first('disabled_at')).toEqual({ disabled_at: null });

    const again = await psa.post('/api/psa/clients', { clients: [{ psaRef: 'C-7', name: 'Adatum', contacts: [{ ...contacts[0], name: 'Accounts Payable' }] }] });
    expect(again.body.results[0].status).toBe('unchanged');

    res = await psa.post('/api/psa/clients', { clients: [{ psaRef: 'C-7', name: 'Adatum', contacts: [{ ...contacts[0], name: 'Accounts Payable' }, contacts[1]] }] });
    expect(res.body.results[0].status).toBe('updated');
    expect(await db()('client_contacts').where({ client_id: client.id, email: portal.email }).first('is_billing', 'removed_from_psa_at')).toEqual({ is_billing: true, removed_from_psa_at: null });
  });

  it('refuses a malformed batch as a whole and applies nothing', async () => {
    const before = { clients: await count('clients'), audit: await auditCount() };
    const notArray = await psa.post('/api/psa/clients', { clients: { psaRef: 'X', name: 'X' } });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: 'clients' }] });
    const bare = await psa.post('/api/psa/clients', [{ psaRef: 'X', name: 'X' }]);
    expect(bare.status).toBe(400);
    const extra = await psa.post('/api/psa/clients', { clients: [], invoices: [] });
    expect(extra.body.error.code).toBe('VALIDATION_FAILED');
    const tooMany = await psa.post('/api/psa/clients', { clients: Array.from({ length: 1001 }, (_, i) => ({ psaRef: `BIG-${i}`, name: `Big ${i}` })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('PSA_BATCH_TOO_LARGE');
    const broken = await psa.request('POST', '/api/psa/clients', undefined, '{"clients": [');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
    expect({ clients: await count('clients'), audit: await auditCount() }).toEqual(before);
  });

  it('requires a valid API key', async () => {
    const res = await new PsaClient(app.url, 'stk_nope').post('/api/psa/clients', { clients: [] });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_INVALID_API_KEY');
  });

  it('applies 1,000 records in one request, and re-sends them as unchanged', async () => {
    const clients = Array.from({ length: 1000 }, (_, i) => ({
      psaRef: `BULK-${i}`,
      name: `Bulk client ${i}`,
      billingEmail: `billing${i}@bulk.example`,
      contacts: [{ email: `ap${i}@bulk.example`, name: `AP ${i}`, isBilling: true }],
    }));
    let started = performance.now();
    const created = await psa.post('/api/psa/clients', { clients });
    const createMs = performance.now() - started;
    expect(created.body.summary.created).toBe(1000);
    started = performance.now();
    const unchanged = await psa.post('/api/psa/clients', { clients });
    const unchangedMs = performance.now() - started;
    expect(unchanged.body.summary.unchanged).toBe(1000);
    started = performance.now();
    const renamed = await psa.post('/api/psa/clients', { clients: clients.map((c) => ({ ...c, name: `${c.name} (renamed)` })) });
    const updateMs = performance.now() - started;
    expect(renamed.body.summary.updated).toBe(1000);
    console.log(`PSA clients batch of 1,000 on ${usingPostgres() ? 'PostgreSQL' : 'PGlite'}: create ${createMs.toFixed(0)} ms, unchanged ${unchangedMs.toFixed(0)} ms, update ${updateMs.toFixed(0)} ms`);
  });
});

describe('POST /api/psa/invoices', () => {
  const invoice = (overrides: Record<string, unknown> = {}) => ({
    psaRef: 'I-1', clientPsaRef: 'C-1', number: 'INV-1', currency: 'USD', total: 10_000, issuedAt: '2026-11-01', dueDate: '2026-12-01', status: 'open', ...overrides,
  });
  const row = (psaRef: string) => db()('invoices').where({ installation_id: inst.id, psa_ref: psaRef }).first('id', 'total', 'amount_paid', 'amount_remaining', 'status', 'voided_at', 'client_id');

  it('applies valid records and reports currency, client and field errors per record', async () => {
    const res = await psa.post('/api/psa/invoices', {
      invoices: [
        invoice(),
        invoice({ psaRef: 'I-2', currency: 'EUR' }),
        invoice({ psaRef: 'I-3', clientPsaRef: 'NOPE' }),
        invoice({ psaRef: 'I-4', dueDate: '2026-10-01' }),
        invoice({ psaRef: 'I-5', total: 100.5 }),
        invoice({ psaRef: 'I-6', issuedAt: '2026-02-30' }),
        invoice({ psaRef: 'I-7', number: 'INV-7', status: 'void' }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['created', 'error', 'error', 'error', 'error', 'error', 'created']);
    expect(res.body.results[1].errors[0]).toMatchObject({ path: 'currency', code: 'CURRENCY_NOT_SUPPORTED' });
    expect(res.body.results[1].errors[0].message).toContain('USD');
    expect(res.body.results[2].errors[0]).toMatchObject({ path: 'clientPsaRef', code: 'CLIENT_NOT_FOUND' });
    expect(res.body.results[3].errors[0]).toMatchObject({ path: 'dueDate' });
    expect(res.body.results[4].errors[0]).toMatchObject({ path: 'total' });
    expect(res.body.results[5].errors[0]).toMatchObject({ path: 'issuedAt' });
    expect(await row('I-1')).toMatchObject({ total: 10_000, amount_paid: 0, amount_remaining: 10_000, status: 'open' });
    expect(await row('I-7')).toMatchObject({ status: 'void', amount_remaining: 0 });
    expect(await row('I-2')).toBeUndefined();
  });

  it('recomputes remaining and status from what was paid when the total changes; never writes amount_paid', async () => {
    const i1 = await row('I-1');
    const payment = await makePayment(inst.scope, i1.client_id, 4_000);
    await allocate(inst.scope, payment, i1.id, 4_000);
    expect(await row('I-1')).toMatchObject({ amount_paid: 4_000, amount_remaining: 6_000, status: 'partially_paid' });

    let res = await psa.post('/api/psa/invoices', { invoices: [invoice({ total: 12_000 })] });
    expect(res.body.results[0].status).toBe('updated');
    expect(await row('I-1')).toMatchObject({ total: 12_000, amount_paid: 4_000, amount_remaining: 8_000, status: 'partially_paid' });

    res = await psa.post('/api/psa/invoices', { invoices: [invoice({ total: 4_000 })] });
    expect(await row('I-1')).toMatchObject({ amount_paid: 4_000, amount_remaining: 0, status: 'paid' });

    res = await psa.post('/api/psa/invoices', { invoices: [invoice({ total: 3_000 })] });
    // Overpaid: the ledger moves the excess to the client's credit balance in the same transaction.
    expect(await row('I-1')).toMatchObject({ total: 3_000, amount_paid: 3_000, amount_remaining: 0, status: 'paid' });
    expect(await db()('client_credits').where({ installation_id: inst.id, payment_id: payment }).select('amount', 'reason')).toEqual([{ amount: 1_000, reason: 'overpayment' }]);
    const entry = await db()('audit_log').where({ installation_id: inst.id, action: 'invoice.updated', subject_id: i1.id }).orderBy('id', 'desc').first();
    expect(entry.details.changes.total).toEqual({ from: 4_000, to: 3_000 });
    expect(entry.details.changes.status).toEqual({ from: 'paid', to: 'overpaid' });
  });

  it('refuses to void an invoice with payments, or to move it to another client, and changes nothing', async () => {
    const before = await row('I-1');
    const audit = await auditCount();
    const res = await psa.post('/api/psa/invoices', { invoices: [invoice({ total: 3_000, status: 'void' })] });
    expect(res.body.results[0]).toMatchObject({ status: 'error', id: before.id, errors: [{ path: 'status', code: 'INVOICE_VOID_HAS_PAYMENTS' }] });
    const moved = await psa.post('/api/psa/invoices', { invoices: [invoice({ total: 3_000, clientPsaRef: 'C-7' })] });
    expect(moved.body.results[0].errors[0]).toMatchObject({ path: 'clientPsaRef', code: 'INVOICE_CLIENT_CHANGE_REFUSED' });
    expect(await row('I-1')).toEqual(before);
    expect(await auditCount()).toBe(audit);
  });

  it('refuses to void while a charge is in flight; voids (revoking the payment link) and reopens otherwise', async () => {
    const client = await makeClient(inst.scope);
    await db()('clients').where({ id: client.id }).update({ psa_ref: 'C-8' });
    const inv = await makeInvoice(inst.scope, client.id, { total: 5_000 });
    await db()('invoices').where({ id: inv.id }).update({ psa_ref: 'I-8', number: 'INV-8' });
    const [attempt] = await inst.scope
      .insert('charge_attempts', { invoice_id: inv.id, client_id: client.id, attempt_no: 1, scheduled_for: new Date(), idempotency_key: `autopay:${inv.id}:1`, amount: 5_000, currency: 'USD', status: 'in_flight' })
      .returning('id');
    const v = invoice({ psaRef: 'I-8', clientPsaRef: 'C-8', number: 'INV-8', total: 5_000, status: 'void' });
    let res = await psa.post('/api/psa/invoices', { invoices: [v] });
    expect(res.body.results[0].errors[0].code).toBe('INVOICE_PAYMENT_IN_PROGRESS');
    await db()('charge_attempts').where({ id: attempt.id }).update({ status: 'failed' });

    res = await psa.post('/api/psa/invoices', { invoices: [v] });
    expect(res.body.results[0].status).toBe('updated');
    expect(await row('I-8')).toMatchObject({ status: 'void', amount_remaining: 0 });
    expect(await db()('invoices').where({ id: inv.id }).first('payment_link_revoked_at')).toEqual({ payment_link_revoked_at: expect.any(Date) });
    expect((await psa.post('/api/psa/invoices', { invoices: [v] })).body.results[0].status).toBe('unchanged');

    res = await psa.post('/api/psa/invoices', { invoices: [{ ...v, status: 'open' }] });
    expect(res.body.results[0].status).toBe('updated');
    expect(await row('I-8')).toMatchObject({ status: 'open', amount_remaining: 5_000, voided_at: null });
    const actions = await db()('audit_log').where({ installation_id: inst.id, subject_id: inv.id }).orderBy('id').pluck('action');
    expect(actions).toEqual(['invoice.voided', 'invoice.reopened']);
  });

  it('is idempotent for invoices too', async () => {
    const batch = { invoices: [invoice({ total: 3_000 }), invoice({ psaRef: 'I-7', number: 'INV-7', status: 'void' })] };
    const audit = await auditCount();
    const res = await psa.post('/api/psa/invoices', batch);
    expect(res.body.summary).toEqual({ created: 0, updated: 0, unchanged: 2, error: 0 });
    expect(await auditCount()).toBe(audit);
  });

  it('applies 1,000 invoices in one request', async () => {
    const invoices = Array.from({ length: 1000 }, (_, i) => invoice({ psaRef: `BULK-I-${i}`, clientPsaRef: `BULK-${i}`, number: `B-${i}`, total: 1_000 + i }));
    const started = performance.now();
    const res = await psa.post('/api/psa/invoices', { invoices });
    const ms = performance.now() - started;
    expect(res.body.summary.created).toBe(1000);
    const again = await psa.post('/api/psa/invoices', { invoices: invoices.map((i) => ({ ...i, total: (i.total as number) + 1 })) });
    expect(again.body.summary.updated).toBe(1000);
    console.log(`PSA invoices batch of 1,000 on ${usingPostgres() ? 'PostgreSQL' : 'PGlite'}: create ${ms.toFixed(0)} ms`);
  });
});
