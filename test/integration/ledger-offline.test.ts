// Offline payments, credit and the exceptions queue through the technician API: money placed by a
// technician's split or by the matching engine (rule and confidence recorded), the rest to credit,
// credit applied to an invoice, each exception action, refunds of offline payments with the
// technician limit — every change audited with exactly one PSA write-back, and every bad request a
// stable 4xx that changes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedgerConsistency } from '../../server/ledger/check-ledger-consistency';
import { makeClient, makeInvoice } from '../support/factories';
import { invoiceRow, ledgerCounts, ledgerSetup, writeBacks } from '../support/ledger-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());
const knex = () => app.db.database.knex;

const offline = (clientId: string | null, amount: number, allocation: unknown, extra: Record<string, unknown> = {}) => ({
  requestId: randomUUID(), clientId, method: 'check', amount, receivedOn: '2026-11-25', reference: '5521', allocation, ...extra,
});

describe('offline payments', () => {
  it('records a check split by the technician, the rest to credit, with one write-back and an audit entry', async () => {
    const s = await ledgerSetup(knex(), app.url);
    const [a, b] = s.invoices;
    const body = offline(s.client.id, 40_000, { mode: 'manual', splits: [{ invoiceId: a!.id, amount: 10_000 }, { invoiceId: b!.id, amount: 20_000 }] });
    const res = await s.tech.post('/api/app/payments/offline', body);
    expect(res.status).toBe(201);
    const p = res.body.payment;
    expect(p).toMatchObject({ source: 'offline', status: 'succeeded', amount: 40_000, applied: 30_000, credit: 10_000, unapplied: 0, methodLabel: 'Check 5521' });
    expect(p.allocations.map((x: any) => [x.invoiceNumber, x.amount, x.rule, x.confidence, x.state])).toEqual([
      ['INV-1001', 10_000, 'manual', 1, 'applied'],
      ['INV-1002', 20_000, 'manual', 1, 'applied'],
    ]);
    expect(await invoiceRow(knex(), a!.id)).toEqual({ status: 'paid', amount_paid: 10_000, amount_remaining: 0, amount_written_off: 0 });
    expect(await invoiceRow(knex(), b!.id)).toEqual({ status: 'partially_paid', amount_paid: 20_000, amount_remaining: 5_000, amount_written_off: 0 });
    expect(await writeBacks(knex(), p.id)).toBe(1);
    expect(await knex()('audit_log').where({ installation_id: s.inst.id, action: 'payment.recorded_offline', subject_id: p.id }).count({ n: '*' })).toEqual([{ n: expect.anything() }]);

    // The same dialog submitted again: the same payment, nothing new.
    const before = await ledgerCounts(knex(), s.inst.id);
    const again = await s.tech.post('/api/app/payments/offline', body);
    expect(again.status).toBe(200);
    expect(again.body.payment.id).toBe(p.id);
    expect(await ledgerCounts(knex(), s.inst.id)).toEqual(before);

    // Credit applied to the rest of INV-1002: one allocation from the check's money, rule credit.
    const applied = await s.tech.post(`/api/app/clients/${s.client.id}/credit/apply`, { invoiceId: b!.id });
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toBe(5_000);
    expect(applied.body.ledger.credit.balance).toBe(5_000);
    expect(await invoiceRow(knex(), b!.id)).toMatchObject({ status: 'paid', amount_remaining: 0 });
    expect(await writeBacks(knex(), p.id)).toBe(2);
    const consistency = await checkLedgerConsistency(s.inst.scope);
    expect(consistency).toMatchObject({ invoiceMismatches: [], paymentMismatches: [], negativeCredit: [] });
  });

  it('refuses bad input with a stable code and changes nothing', async () => {
    const s = await ledgerSetup(knex(), app.url);
    const other = await makeClient(s.inst.scope);
    const foreign = await makeInvoice(s.inst.scope, other.id, { total: 5_000 });
    const [a] = s.invoices;
    const before = await ledgerCounts(knex(), s.inst.id);
    const cases: Array<[unknown, number, string]> = [
      [offline(s.client.id, 5_000, { mode: 'manual', splits: [{ invoiceId: a!.id, amount: 6_000 }] }), 422, 'ALLOCATION_EXCEEDS_PAYMENT'],
      [offline(s.client.id, 50_000, { mode: 'manual', splits: [{ invoiceId: a!.id, amount: 10_001 }] }), 422, 'ALLOCATION_EXCEEDS_INVOICE'],
      [offline(s.client.id, 50_000, { mode: 'manual', splits: [{ invoiceId: a!.id, amount: 6_000 }, { invoiceId: a!.id, amount: 6_000 }] }), 422, 'ALLOCATION_EXCEEDS_INVOICE'],
      [offline(s.client.id, 5_000, { mode: 'manual', splits: [{ invoiceId: foreign.id, amount: 5_000 }] }), 422, 'ALLOCATION_INVOICE_INVALID'],
      [offline(null, 5_000, { mode: 'manual', splits: [] }), 400, 'VALIDATION_FAILED'],
      [offline(s.client.id, -5, { mode: 'auto' }), 400, 'VALIDATION_FAILED'],
      [offline(s.client.id, 10.5, { mode: 'auto' }), 400, 'VALIDATION_FAILED'],
      [offline(s.client.id, 100, { mode: 'auto' }, { method: 'bitcoin' }), 400, 'VALIDATION_FAILED'],
      [offline(s.client.id, 100, { mode: 'auto' }, { receivedOn: 'yesterday' }), 400, 'VALIDATION_FAILED'],
      [offline(randomUUID(), 100, { mode: 'auto' }), 404, 'CLIENT_NOT_FOUND'],
      [{ ...offline(s.client.id, 100, { mode: 'auto' }), extra: true }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await s.tech.post('/api/app/payments/offline', body);
      expect([res.status, res.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const credit = await s.tech.post(`/api/app/clients/${s.client.id}/credit/apply`, { invoiceId: a!.id, amount: 100 });
    expect([credit.status, credit.body.error.code]).toEqual([409, 'CREDIT_INSUFFICIENT']);
    const credit2 = await s.tech.post(`/api/app/clients/${s.client.id}/credit/apply`, { invoiceId: foreign.id });
    expect([credit2.status, credit2.body.error.code]).toEqual([404, 'INVOICE_NOT_FOUND']);
    expect(await ledgerCounts(knex(), s.inst.id)).toEqual(before);
  });

  it('matches automatically through the engine: invoice number in the reference, rule and confidence recorded', async () => {
    const s = await ledgerSetup(knex(), app.url);
    const res = await s.tech.post('/api/app/payments/offline', offline(s.client.id, 25_000, { mode: 'auto' }, { reference: 'payment for inv 1002' }));
    expect(res.status).toBe(201);
    expect(res.body.outcome).toBe('allocated');
    expect(res.body.payment.allocations).toEqual([expect.objectContaining({ invoiceNumber: 'INV-1002', amount: 25_000, rule: 'invoice_number', state: 'applied' })]);
    expect(res.body.payment.allocations[0].confidence).toBeGreaterThan(0.8);
    expect(await writeBacks(knex(), res.body.payment.id)).toBe(1);
  });
});

describe('exceptions queue', () => {
  async function unknownPayer(s: Awaited<ReturnType<typeof ledgerSetup>>, amount: number, extra: Record<string, unknown> = {}) {
    const res = await s.tech.post('/api/app/payments/offline', offline(null, amount, { mode: 'auto' }, { reference: 'wire 88213', payerName: 'Zyx Holdings', ...extra }));
    expect(res.body.outcome).toBe('exception');
    return res.body.payment;
  }

  it('lists an unknown payer in plain words; assign to a client re-runs the rules; a second action is refused', async () => {
    const s = await ledgerSetup(knex(), app.url);
    const payment = await unknownPayer(s, 10_000);
    const list = await s.tech.get('/api/app/exceptions');
    const ex = list.body.exceptions.find((e: any) => e.payment.id === payment.id);
    expect(ex).toMatchObject({ status: 'open', reasonCode: 'unknown_client', payment: { amount: 10_000, unapplied: 10_000, clientId: null } });
    expect(ex.reason).toMatch(/client/i);
    expect(await writeBacks(knex(), payment.id)).toBe(1);

    const res = await s.tech.post(`/api/app/exceptions/${ex.id}/assign`, { clientId: s.client.id });
    expect(res.status).toBe(200);
    // 10,000 is exactly INV-1001: certain once the client is known.
    expect(res.body.status).toBe('resolved');
    expect(res.body.payment.allocations).toEqual([expect.objectContaining({ invoiceNumber: 'INV-1001', amount: 10_000, rule: 'exact_amount' })]);
    expect(await writeBacks(knex(), payment.id)).toBe(2);
    expect(await knex()('audit_log').where({ installation_id: s.inst.id, action: 'exception.assign', subject_id: payment.id }).first('id')).toBeTruthy();

    const before = await ledgerCounts(knex(), s.inst.id);
    const again = await s.tech.post(`/api/app/exceptions/${ex.id}/credit`, {});
    expect([again.status, again.body.error.code]).toEqual([409, 'EXCEPTION_RESOLVED']);
    expect(await ledgerCounts(knex(), s.inst.id)).toEqual(before);
  });

  it('split across invoices (validated), move to credit, and apply a suggestion', async () => {
    const s = await ledgerSetup(knex(), app.url);
    const [a, b, c] = s.invoices;
    const p1 = await unknownPayer(s, 30_000);
    const ex1 = (await s.tech.get('/api/app/exceptions')).body.exceptions.find((e: any) => e.payment.id === p1.id);
    const before = await ledgerCounts(knex(), s.inst.id);
    for (const [body, status, code] of [
      [{ clientId: s.client.id, splits: [{ invoiceId: a!.id, amount: 10_000 }, { invoiceId: b!.id, amount: 25_000 }] }, 422, 'ALLOCATION_EXCEEDS_PAYMENT'],
      [{ clientId: s.client.id, splits: [{ invoiceId: a!.id, amount: 10_001 }] }, 422, 'ALLOCATION_EXCEEDS_INVOICE'],
      [{ splits: [{ invoiceId: a!.id, amount: 100 }] }, 409, 'PAYMENT_CLIENT_REQUIRED'],
      [{ clientId: s.client.id, splits: [] }, 400, 'VALIDATION_FAILED'],
    ] as const) {
      const res = await s.tech.post(`/api/app/exceptions/${ex1.id}/split`, body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    expect(await ledgerCounts(knex(), s.inst.id)).toEqual(before);
    const split = await s.tech.post(`/api/app/exceptions/${ex1.id}/split`, { clientId: s.client.id, splits: [{ invoiceId: a!.id, amount: 10_000 }, { invoiceId: c!.id, amount: 15_000 }] });
    expect(split.status).toBe(200);
    expect(split.body.payment).toMatchObject({ applied: 25_000, credit: 5_000, unapplied: 0, clientId: s.client.id });
    expect(await invoiceRow(knex(), c!.id)).toMatchObject({ status: 'partially_paid', amount_remaining: 25_000 });
    expect(await writeBacks(knex(), p1.id)).toBe(2);

    const p2 = await unknownPayer(s, 7_000, { payerName: 'Nobody Known' });
    const ex2 = (await s.tech.get('/api/app/exceptions')).body.exceptions.find((e: any) => e.payment.id === p2.id);
    const credited = await s.tech.post(`/api/app/exceptions/${ex2.id}/credit`, { clientId: s.client.id });
    expect(credited.body.payment).toMatchObject({ applied: 0, credit: 7_000, unapplied: 0 });
    expect((await s.tech.get(`/api/app/clients/${s.client.id}/ledger`)).body.credit.balance).toBe(12_000);

    // A payer that looks like the client: the engine suggests it; applying the suggestion pays its invoices.
    const group = await makeClient(s.inst.scope, { name: 'Contoso Dental Group' });
    await makeInvoice(s.inst.scope, group.id, { total: 25_000, number: 'INV-2001' });
    const p3 = await unknownPayer(s, 25_000, { payerName: 'Contoso', reference: undefined });
    const ex3 = (await s.tech.get('/api/app/exceptions')).body.exceptions.find((e: any) => e.payment.id === p3.id);
    expect(ex3.reasonCode).toBe('uncertain_client');
    {
      expect(ex3.suggestions.length).toBeGreaterThan(0);
      expect(ex3.suggestions[0]).toMatchObject({ clientId: s.client.id, clientName: 'Contoso Dental' });
      const applied = await s.tech.post(`/api/app/exceptions/${ex3.id}/apply-suggestion`, { index: 0 });
      expect(applied.status).toBe(200);
      expect(applied.body.payment.clientId).toBe(s.client.id);
      expect(applied.body.payment.unapplied).toBe(0);
      const missing = await s.tech.post(`/api/app/exceptions/${ex3.id}/apply-suggestion`, { index: 0 });
      expect(missing.body.error.code).toBe('EXCEPTION_RESOLVED');
    }
    expect(await checkLedgerConsistency(s.inst.scope)).toMatchObject({ invoiceMismatches: [], paymentMismatches: [], negativeCredit: [] });
  });
});

describe('refunds of offline payments', () => {
  it('reverses most recent invoice first, reopens it, enforces the technician limit, and refuses more than paid', async () => {
    const s = await ledgerSetup(knex(), app.url);
    const [a, b] = s.invoices;
    const rec = await s.tech.post('/api/app/payments/offline', offline(s.client.id, 35_000, { mode: 'manual', splits: [{ invoiceId: a!.id, amount: 10_000 }, { invoiceId: b!.id, amount: 25_000 }] }));
    const pid = rec.body.payment.id;
    const limit = await s.admin.request('PUT', '/api/app/ledger/settings', { json: { refundTechnicianLimit: 20_000 } });
    expect(limit.body.settings.refundTechnicianLimit).toBe(20_000);
    const techSet = await s.tech.request('PUT', '/api/app/ledger/settings', { json: { refundTechnicianLimit: null } });
    expect(techSet.status).toBe(403);

    const before = await ledgerCounts(knex(), s.inst.id);
    const tooMuch = await s.tech.post(`/api/app/payments/${pid}/refunds`, { requestId: randomUUID(), amount: 25_000, reason: 'Duplicate check' });
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([403, 'REFUND_ABOVE_TECHNICIAN_LIMIT']);
    const overPaid = await s.admin.post(`/api/app/payments/${pid}/refunds`, { requestId: randomUUID(), amount: 35_001, reason: 'Duplicate check' });
    expect([overPaid.status, overPaid.body.error.code]).toEqual([422, 'REFUND_EXCEEDS_PAID']);
    const noReason = await s.tech.post(`/api/app/payments/${pid}/refunds`, { requestId: randomUUID(), amount: 100, reason: '' });
    expect(noReason.body.error.code).toBe('VALIDATION_FAILED');
    expect(await ledgerCounts(knex(), s.inst.id)).toEqual(before);

    const partial = await s.tech.post(`/api/app/payments/${pid}/refunds`, { requestId: randomUUID(), amount: 15_000, reason: 'Service credit agreed' });
    expect(partial.status).toBe(201);
    expect(partial.body.refund).toMatchObject({ status: 'succeeded', amount: 15_000, reason: 'Service credit agreed' });
    // INV-1002 (the most recent) loses 15,000; INV-1001 stays paid.
    expect(await invoiceRow(knex(), b!.id)).toMatchObject({ status: 'partially_paid', amount_paid: 10_000, amount_remaining: 15_000 });
    expect(await invoiceRow(knex(), a!.id)).toMatchObject({ status: 'paid' });
    expect(await writeBacks(knex(), pid)).toBe(2);

    const rest = await s.admin.post(`/api/app/payments/${pid}/refunds`, { requestId: randomUUID(), amount: 20_000, reason: 'Client left' });
    expect(rest.status).toBe(201);
    expect(rest.body.payment).toMatchObject({ amountRefunded: 35_000, refundable: 0, applied: 0, displayStatus: 'refunded' });
    expect(await invoiceRow(knex(), a!.id)).toMatchObject({ status: 'open', amount_paid: 0, amount_remaining: 10_000 });
    expect(await invoiceRow(knex(), b!.id)).toMatchObject({ status: 'open', amount_paid: 0, amount_remaining: 25_000 });
    expect(await checkLedgerConsistency(s.inst.scope)).toMatchObject({ invoiceMismatches: [], paymentMismatches: [], negativeCredit: [] });
  });
});
