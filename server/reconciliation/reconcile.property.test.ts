// Properties of the engine over random small books: look-alike invoice numbers, shared amounts,
// paid invoices, two currencies, unknown payers, references naming several or wrong invoices.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcile, type ReconcileInput, type ReconcileOutput } from './reconcile';

const NUMBERS = ['INV-1043', 'INV-1034', 'INV-10430', 'INV-001044', '1045', 'SO-77', 'INV-2024-0042'];
const AMOUNTS = [500, 1_000, 1_500, 2_500, 9_900, 10_000, 10_015, 19_800];
const NAMES = ['Contoso Dental Group LLC', 'Contoso Legal', 'Northwind Traders', 'Fabrikam, Inc.'];
const EMAILS = ['ap@contoso.example', 'legal@contoso.example', 'billing@northwind.example', 'fab@gmail.com', null];
const REFERENCES = [null, 'INV-1043', 'inv 1034', '#10430', 'INV 1043 1044', 'Invoices 1045, 1043', 'INV-9999', 'PO 1043', 'INV-1O43', 'on account', 'thanks'];
const DAYS = ['2025-01-01', '2025-01-15', '2025-02-01', '2025-02-01T12:00:00Z'];

const world = fc
  .record({
    clients: fc.integer({ min: 1, max: 4 }),
    invoices: fc.array(
      fc.record({
        client: fc.nat(3),
        number: fc.constantFrom(...NUMBERS),
        currency: fc.constantFrom('USD', 'USD', 'USD', 'EUR'),
        amount: fc.oneof(fc.constantFrom(...AMOUNTS), fc.integer({ min: 0, max: 30_000 })),
        day: fc.constantFrom(...DAYS),
      }),
      { maxLength: 12 },
    ),
    payments: fc.array(
      fc.record({
        client: fc.option(fc.nat(3), { nil: null }),
        name: fc.option(fc.constantFrom(...NAMES, 'CONTOSO DENTAL GRO', 'Jane Doe'), { nil: null }),
        email: fc.constantFrom(...EMAILS, 'jane@gmail.com', 'x@contoso.example'),
        currency: fc.constantFrom('USD', 'USD', 'EUR'),
        amount: fc.oneof(fc.constantFrom(...AMOUNTS, 11_000, 20_000, 12_000), fc.integer({ min: 1, max: 40_000 })),
        day: fc.constantFrom(...DAYS),
        reference: fc.constantFrom(...REFERENCES),
      }),
      { maxLength: 10 },
    ),
    tolerance: fc.constantFrom(0, 25, 100),
  })
  .map(({ clients, invoices, payments, tolerance }): ReconcileInput => ({
    clients: Array.from({ length: clients }, (_, i) => ({ id: `c${i}`, name: NAMES[i]!, email: EMAILS[i] ?? null })),
    invoices: invoices.map((inv, i) => ({
      id: `i${i}`,
      client_id: `c${inv.client % clients}`,
      number: inv.number,
      currency: inv.currency,
      amount_due: inv.amount,
      issued_at: inv.day,
      due_date: '2025-03-01',
    })),
    payments: payments.map((p, i) => ({
      id: `p${i}`,
      client_id: p.client === null ? null : `c${p.client % clients}`,
      payer_name: p.name,
      payer_email: p.email,
      currency: p.currency,
      amount: p.amount,
      received_at: p.day,
      reference: p.reference,
    })),
    settings: { underpayment_tolerance: tolerance },
  }));

const sumBy = <T>(rows: T[], key: (r: T) => string, value: (r: T) => number) => {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
};

/** The invoices as the run leaves them: reduced by its allocations and write-offs. */
function leftBy(input: ReconcileInput, out: ReconcileOutput): ReconcileInput['invoices'] {
  const taken = sumBy([...out.allocations, ...out.write_offs], (r) => String(r.invoice_id), (r) => r.amount);
  return input.invoices.map((inv) => ({ ...inv, amount_due: inv.amount_due - (taken.get(String(inv.id)) ?? 0) }));
}

function shuffle<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 16_807) % 2_147_483_647;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const RUNS = { numRuns: 400 };

describe('reconcile properties', () => {
  it('never allocates more than a payment brings nor more than an invoice has open, and conserves money', () => {
    fc.assert(
      fc.property(world, (input) => {
        const out = reconcile(input);
        const excepted = new Set(out.exceptions.map((e) => String(e.payment_id)));
        const allocated = sumBy(out.allocations, (a) => String(a.payment_id), (a) => a.amount);
        const credited = sumBy(out.credits, (c) => String(c.payment_id), (c) => c.amount);
        for (const row of [...out.allocations, ...out.credits, ...out.write_offs]) {
          expect(Number.isSafeInteger(row.amount) && row.amount > 0).toBe(true);
        }
        for (const p of input.payments) {
          const id = String(p.id);
          if (excepted.has(id)) continue;
          // Every payment is either an exception or fully handled: allocations + credit = amount.
          expect((allocated.get(id) ?? 0) + (credited.get(id) ?? 0)).toBe(p.amount);
        }
        for (const inv of leftBy(input, out)) expect(inv.amount_due).toBeGreaterThanOrEqual(0);
        for (const a of out.allocations) expect(a.confidence > 0 && a.confidence <= 1).toBe(true);
      }),
      RUNS,
    );
  });

  it('writes off only under the tolerance rule, on an invoice it paid, within the tolerance', () => {
    fc.assert(
      fc.property(world, (input) => {
        const out = reconcile(input);
        const perPayment = sumBy(out.write_offs, (w) => String(w.payment_id), (w) => w.amount);
        for (const w of out.write_offs) {
          const paid = out.allocations.filter((a) => a.payment_id === w.payment_id);
          expect(paid.length).toBeGreaterThan(0);
          expect(paid.every((a) => a.rule === 'tolerance')).toBe(true);
          expect(paid.some((a) => a.invoice_id === w.invoice_id)).toBe(true);
        }
        for (const total of perPayment.values()) expect(total).toBeLessThanOrEqual(input.settings.underpayment_tolerance);
      }),
      RUNS,
    );
  });

  it('an exception allocates, credits and writes off nothing, and every payment is decided once', () => {
    fc.assert(
      fc.property(world, (input) => {
        const out = reconcile(input);
        const excepted = new Set(out.exceptions.map((e) => String(e.payment_id)));
        expect(excepted.size).toBe(out.exceptions.length);
        for (const row of [...out.allocations, ...out.credits, ...out.write_offs]) expect(excepted.has(String(row.payment_id))).toBe(false);
        const handled = new Set([...out.allocations, ...out.credits].map((r) => String(r.payment_id)));
        expect(handled.size + excepted.size).toBe(input.payments.length);
        for (const e of out.exceptions) for (const s of e.suggestions) expect(s.score >= 0 && s.score <= 1).toBe(true);
      }),
      RUNS,
    );
  });

  it('gives the same output for the same input, whatever the order of its arrays', () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 1, max: 1_000_000 }), (input, seed) => {
        const out = reconcile(input);
        expect(reconcile(structuredClone(input))).toEqual(out);
        const shuffled = { ...input, clients: shuffle(input.clients, seed), invoices: shuffle(input.invoices, seed + 1), payments: shuffle(input.payments, seed + 2) };
        expect(reconcile(shuffled)).toEqual(out);
      }),
      RUNS,
    );
  });

  it('re-running on the state it left (invoices reduced, decided payments removed) allocates nothing further', () => {
    fc.assert(
      fc.property(world, (input) => {
        const out = reconcile(input);
        const decided = new Set([...out.allocations, ...out.credits].map((r) => String(r.payment_id)));
        const state = { ...input, invoices: leftBy(input, out), payments: input.payments.filter((p) => !decided.has(String(p.id))) };
        const again = reconcile(state);
        // Nothing already decided is decided again, and the book never goes negative.
        expect([...again.allocations, ...again.credits].some((r) => decided.has(String(r.payment_id)))).toBe(false);
        for (const inv of leftBy(state, again)) expect(inv.amount_due).toBeGreaterThanOrEqual(0);
        // With the payments of the queue gone too, a second run is a no-op.
        expect(reconcile({ ...state, payments: [] })).toEqual({ allocations: [], credits: [], write_offs: [], exceptions: [] });
      }),
      RUNS,
    );
  });
});
