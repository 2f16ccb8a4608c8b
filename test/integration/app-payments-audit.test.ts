// Payments across clients (filters, paging, CSV export), the technician's invoice page, and the
// audit log's filters — all scoped to the viewer's installation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../server/audit/record-audit';
import { ManualClock } from '../../server/clock';
import { csvCell, decimalAmount } from '../../server/staff-payments/export-payments-csv';
import { makeClient, makeInstallation, makeInvoice, makeStaffUser } from '../support/factories';
import { Agent } from '../support/http-agent';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
const clock = new ManualClock(new Date('2026-12-10T15:00:00Z'));

beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.close());

/** Splits RFC 4180 CSV (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('money and CSV cells', () => {
  it('formats minor units as decimal strings and quotes cells', () => {
    expect(decimalAmount(123_45, 'USD')).toBe('123.45');
    expect(decimalAmount(5, 'USD')).toBe('0.05');
    expect(decimalAmount(0, 'USD')).toBe('0.00');
    expect(decimalAmount(1_500, 'JPY')).toBe('1500');
    expect(decimalAmount(1_234, 'KWD')).toBe('1.234');
    expect(decimalAmount(-250, 'EUR')).toBe('-2.50');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe('');
  });
});

describe('payments list, CSV, invoice page and audit log', () => {
  it('filters payments, exports the same rows as CSV, and shows an invoice’s money and trail', async () => {
    const knex = app.db.database.knex;
    const inst = await makeInstallation(knex);
    const other = await makeInstallation(knex);
    const tech = await makeStaffUser(inst.scope);
    const acme = await makeClient(inst.scope, { name: 'Acme, "The" Dental' });
    const bolt = await makeClient(inst.scope, { name: 'Bolt Legal' });
    const otherClient = await makeClient(other.scope);
    const inv = await makeInvoice(inst.scope, acme.id, { number: 'INV-77', total: 30_000 });
    const pay = async (clientId: string, fields: Record<string, unknown>) =>
      ((await (clientId === otherClient.id ? other : inst).scope
        .insert('payments', { client_id: clientId, source: 'portal', status: 'succeeded', amount: 10_000, currency: 'USD', method_type: 'card', ...fields })
        .returning('id')) as Array<{ id: string }>)[0]!.id;
    const card = await pay(acme.id, { amount: 12_345, succeeded_at: new Date('2026-12-09T18:00:00Z'), reference: '=cmd|calc', method_label: 'Visa •••• 4242' });
    const ach = await pay(acme.id, { status: 'processing', method_type: 'us_bank_account', source: 'autopay', created_at: new Date('2026-12-08T12:00:00Z') });
    const failed = await pay(bolt.id, { status: 'failed', failure_code: 'card_declined', decline_code: 'insufficient_funds', created_at: new Date('2026-11-20T12:00:00Z') });
    const disputed = await pay(bolt.id, { amount: 4_000, dispute_status: 'needs_response', succeeded_at: new Date('2026-10-01T12:00:00Z'), amount_refunded: 1_000 });
    await pay(otherClient.id, { amount: 99_999, succeeded_at: new Date('2026-12-09T18:00:00Z') });
    await inst.scope.insert('allocations', { payment_id: card, invoice_id: inv.id, amount: 12_345, currency: 'USD', rule: 'metadata' });
    await inst.scope.insert('charge_attempts', { invoice_id: inv.id, client_id: acme.id, attempt_no: 1, scheduled_for: new Date('2026-12-08T12:00:00Z'), idempotency_key: `autopay:${inv.id}:1`, payment_id: ach, amount: 10_000, currency: 'USD', status: 'processing' });
    await inst.scope.insert('refunds', { payment_id: card, amount: 2_000, currency: 'USD', status: 'succeeded', reason: 'requested_by_customer' });
    await inst.scope.insert('disputes', { payment_id: card, stripe_dispute_id: 'dp_test_1', amount: 12_345, currency: 'USD', status: 'needs_response', evidence_due_by: new Date('2026-12-20T00:00:00Z') });
    await recordAudit(inst.scope, { actor: { type: 'staff', id: tech.id, label: tech.email }, action: 'payment_link.issued', subjectType: 'invoice', subjectId: inv.id, clientId: acme.id }, clock);
    await recordAudit(inst.scope, { actor: { type: 'system', id: null, label: 'autopay' }, action: 'autopay.charge_started', subjectType: 'invoice', subjectId: inv.id, clientId: acme.id }, clock);
    await recordAudit(inst.scope, { actor: { type: 'staff', id: tech.id, label: tech.email }, action: 'api_key.created', subjectType: 'api_key', subjectId: 'k1' }, clock);
    await recordAudit(other.scope, { actor: { type: 'system', id: null, label: 'x' }, action: 'payment_link.issued', subjectType: 'invoice', subjectId: inv.id }, clock);

    const agent = new Agent(app.url);
    await agent.login('app', tech.email, tech.password);
    const ids = async (q = '') => {
      const res = await agent.get(`/api/app/payments${q ? `?${q}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.payments as Array<{ id: string }>).map((p) => p.id);
    };
    expect(await ids()).toEqual([card, ach, failed, disputed]); // newest first, own tenant only
    expect(await ids('status=processing')).toEqual([ach]);
    expect(await ids('status=failed')).toEqual([failed]);
    expect(await ids('status=disputed')).toEqual([disputed]);
    expect(await ids('status=refunded')).toEqual([disputed]);
    expect(await ids('method=us_bank_account')).toEqual([ach]);
    expect(await ids('source=autopay')).toEqual([ach]);
    expect(await ids('from=2026-12-09&to=2026-12-09')).toEqual([card]); // 13:00 on Dec 9 in New York
    expect(await ids('from=2026-11-01&to=2026-11-30')).toEqual([failed]);
    expect(await ids(`clientId=${bolt.id}`)).toEqual([failed, disputed]);
    const first = (await agent.get('/api/app/payments?pageSize=2&page=2')).body;
    expect(first.total).toBe(4);
    expect(first.payments.map((p: { id: string }) => p.id)).toEqual([failed, disputed]);
    const row = (await agent.get('/api/app/payments')).body.payments[0];
    expect(row).toMatchObject({ client: { id: acme.id, name: 'Acme, "The" Dental' }, displayStatus: 'succeeded', invoices: [{ number: 'INV-77', amount: 12_345, state: 'applied' }] });
    for (const bad of ['status=paid', 'from=yesterday', 'method=cash', 'clientId=nope', 'extra=1']) expect((await agent.get(`/api/app/payments?${bad}`)).status, bad).toBe(400);

    // CSV: the same rows, stable columns, decimals, quoting and defused formulas.
    const csv = await agent.get('/api/app/payments/export.csv?from=2026-10-01');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="settle-payments-2026-12-10\.csv"/);
    const rows = parseCsv(csv.body as unknown as string);
    expect(rows[0]).toEqual(['payment_id', 'date', 'status', 'display_status', 'amount', 'amount_refunded', 'currency', 'method', 'method_label', 'source', 'client_name', 'client_psa_ref', 'invoices', 'reference', 'failure_code', 'decline_code', 'dispute_status', 'stripe_payment_intent_id']);
    expect(rows.slice(1).map((r) => r[0])).toEqual([card, ach, failed, disputed]);
    expect(rows[1]!.slice(2, 14)).toEqual(['succeeded', 'succeeded', '123.45', '0.00', 'USD', 'card', 'Visa •••• 4242', 'portal', 'Acme, "The" Dental', expect.any(String), 'INV-77 (123.45)', "'=cmd|calc"]);
    expect(rows[4]!.slice(3, 6)).toEqual(['disputed', '40.00', '10.00']);
    expect((csv.body as unknown as string).split('\r\n')[1]).toContain('"Acme, ""The"" Dental"');

    // Many rows stream in chunks and all arrive, once each.
    await inst.scope.insert('payments', Array.from({ length: 1_205 }, (_, i) => ({ client_id: bolt.id, source: 'offline', status: 'succeeded', amount: 100 + i, currency: 'USD', succeeded_at: new Date(Date.UTC(2026, 8, 1, 0, 0, i)) })));
    const big = parseCsv((await agent.get('/api/app/payments/export.csv?source=offline')).body as unknown as string);
    expect(big).toHaveLength(1_206);
    expect(new Set(big.slice(1).map((r) => r[0])).size).toBe(1_205);

    // The invoice page: allocations, payments (applied and in flight), refunds, disputes, audit trail.
    const page = await agent.get(`/api/app/invoices/${inv.id}`);
    expect(page.status).toBe(200);
    expect(page.body.invoice).toMatchObject({ number: 'INV-77', client: { id: acme.id } });
    expect(page.body.allocations).toEqual([expect.objectContaining({ paymentId: card, amount: 12_345, state: 'applied', rule: 'metadata' })]);
    expect(page.body.payments.map((p: { id: string }) => p.id).sort()).toEqual([card, ach].sort());
    expect(page.body.refunds).toEqual([expect.objectContaining({ paymentId: card, amount: 2_000, status: 'succeeded' })]);
    expect(page.body.disputes).toEqual([expect.objectContaining({ status: 'needs_response', evidenceDueBy: '2026-12-20T00:00:00.000Z' })]);
    expect(page.body.audit.map((e: { action: string }) => e.action).sort()).toEqual(['autopay.charge_started', 'payment_link.issued']);
    const foreignInvoice = await makeInvoice(other.scope, otherClient.id);
    expect((await agent.get(`/api/app/invoices/${foreignInvoice.id}`)).status).toBe(404);
    expect((await agent.get('/api/app/invoices/not-a-uuid')).status).toBe(404);

    // Audit log filters.
    const actions = async (q = '') => ((await agent.get(`/api/app/audit${q ? `?${q}` : ''}`)).body.entries as Array<{ action: string }>).map((e) => e.action);
    expect((await actions()).sort()).toEqual(['api_key.created', 'autopay.charge_started', 'auth.login', 'payment_link.issued'].sort());
    expect(await actions('action=payment_link.issued')).toEqual(['payment_link.issued']);
    expect((await actions('action=api_key.*'))).toEqual(['api_key.created']);
    expect((await actions(`actor=${tech.id}`)).sort()).toEqual(['api_key.created', 'auth.login', 'payment_link.issued']);
    expect(await actions('actor=system')).toEqual(['autopay.charge_started']);
    expect((await actions(`clientId=${acme.id}`)).sort()).toEqual(['autopay.charge_started', 'payment_link.issued']);
    expect(await actions('from=2026-12-11')).toEqual([]);
    expect((await actions('from=2026-12-10&to=2026-12-10')).length).toBe(4);
    const filters = (await agent.get('/api/app/audit/filters')).body;
    expect(filters.actions).toContain('payment_link.issued');
    expect(filters.actors).toEqual([{ id: tech.id, type: 'staff', label: tech.email }]);
    for (const bad of ['action=DROP TABLE', 'actor=bob', 'from=12/01/2026', 'pageSize=1000']) expect((await agent.get(`/api/app/audit?${bad}`)).status, bad).toBe(400);
  });
});
