// Identifying the client behind a payment that came without one: bank-cut names, clients that share
// a name, evidence that separates them, and the guard that keeps rule 5 for certain clients.
import { describe, expect, it } from 'vitest';
import { identifyClient, reconcile, type ReconcileInput } from './reconcile';
import { CLIENTS, input, inv, pay } from './test-fixtures';

const twins: ReconcileInput['clients'] = [
  { id: 'h1', name: 'Harbor Dental Co', email: 'ap@harbordentalco.com' },
  { id: 'h2', name: 'Harbor Dental LLC', email: 'ap@harbordental.com' },
  { id: 'h3', name: 'Harbor Dental Group Partners', email: 'office@harbordentalgroup.com' },
];
const twinBook = [inv('a1', 'h1', 'INV-2001', 49_500, 1), inv('a2', 'h2', 'INV-2002', 62_500, 2), inv('a3', 'h3', 'INV-2003', 77_700, 3)];
const anon = (amount: number, fields: Parameters<typeof pay>[1]) => pay(amount, { client_id: null, ...fields });
const applied = (data: ReconcileInput) => {
  const out = reconcile(data);
  return { exceptions: out.exceptions.map((e) => e.reason), allocations: out.allocations.map((a) => [a.invoice_id, a.amount, a.rule]) };
};

describe('identifyClient: names as banks print them', () => {
  it.each<[string, string, string | null]>([
    ['CONTOSO DENTAL GRO', 'certain', 'c1'], // cut inside a word at 18 characters
    ['NORTHWIND TRADERS', 'certain', 'c2'],
  ])('%s → %s %s', (name, status, clientId) => {
    const result = identifyClient({ name, email: null }, CLIENTS);
    expect([result.status, result.client_id]).toEqual([status, clientId]);
  });

  it('a cut needs 15+ characters: a short name that starts a client’s name is only similar', () => {
    expect(identifyClient({ name: 'Contoso Dental', email: null }, CLIENTS).status).toBe('uncertain');
  });

  it('a cut inside a word names the one client it fits, even next to a client with the whole shorter name', () => {
    expect(identifyClient({ name: 'HARBOR DENTAL GROU', email: null }, twins).client_id).toBe('h3');
  });

  it('names are normalized word by word exactly as whole (punctuation, accents, odd spaces, a "the" inside)', () => {
    const odd: ReconcileInput['clients'] = [
      { id: 'o1', name: 'X The-Harbor Works', email: null },
      { id: 'o2', name: 'Café Zoë\u00a0GmbH', email: null },
      { id: 'o3', name: "O'Brien–Family Dentistry, P.C.", email: null },
    ];
    expect(identifyClient({ name: 'x the harbor works', email: null }, odd).client_id).toBe('o1');
    expect(identifyClient({ name: 'CAFE ZOE', email: null }, odd).client_id).toBe('o2');
    expect(identifyClient({ name: 'OBRIEN FAMILY DENTISTRY', email: null }, odd).client_id).toBe('o3');
    expect(identifyClient({ name: 'OBRIEN FAMILY DENT', email: null }, odd).client_id).toBe('o3'); // a bank cut
  });

  it('two clients whose names differ only by a legal word are ambiguous from the name alone', () => {
    expect(identifyClient({ name: 'HARBOR DENTAL, INC.', email: null }, twins).status).toBe('ambiguous');
  });
});

describe('who paid: evidence that separates clients', () => {
  it('the amount tells two same-named clients apart when it fits only one of them', () => {
    expect(applied(input(twinBook, [anon(62_500, { payer_name: 'Harbor Dental' })], 0, twins))).toEqual({ exceptions: [], allocations: [['a2', 62_500, 'exact_amount']] });
  });

  it('an amount a longer look-alike name also has open is no evidence: "Contoso" for Contoso Dental or Contoso Dental Group', () => {
    const looks: ReconcileInput['clients'] = [
      { id: 'd1', name: 'Contoso Dental', email: null },
      { id: 'd2', name: 'Contoso Dental Group', email: null },
    ];
    const book = [inv('b1', 'd1', 'INV-1002', 25_000, 1), inv('b2', 'd2', 'INV-2001', 25_000, 2)];
    const out = reconcile(input(book, [anon(25_000, { payer_name: 'Contoso' })], 0, looks));
    expect(out.allocations).toEqual([]);
    expect(out.exceptions[0]!.reason).toBe('uncertain_client');
    expect(out.exceptions[0]!.suggestions.map((s) => s.client_id)).toEqual(expect.arrayContaining(['d1', 'd2']));
    // Alone, the same amount still tells it: only Contoso Dental has it open.
    expect(applied(input(book.slice(0, 1), [anon(25_000, { payer_name: 'Contoso' })], 0, looks)).allocations).toEqual([['b1', 25_000, 'exact_amount']]);
  });

  it('a unique amount names an anonymous person who paid, not a company that matches no client', () => {
    const book = [inv('u1', 'd1', 'INV-1003', 18_012, 1)];
    const looks: ReconcileInput['clients'] = [{ id: 'd1', name: 'Contoso Dental', email: null }];
    expect(applied(input(book, [anon(18_012, { payer_name: 'Jane Doe' })], 0, looks)).allocations).toEqual([['u1', 18_012, 'exact_amount']]);
    expect(applied(input(book, [anon(18_012, { payer_name: 'ZYX HOLDINGS LLC' })], 0, looks)).exceptions).toEqual(['unknown_client']);
    expect(applied(input(book, [anon(18_012, { payer_name: 'Fabrikam, Inc.' })], 0, looks)).exceptions).toEqual(['unknown_client']);
  });

  it('an amount both same-named clients have open leaves it to a person', () => {
    const both = [...twinBook, inv('a4', 'h2', 'INV-2004', 49_500, 4)];
    expect(applied(input(both, [anon(49_500, { payer_name: 'Harbor Dental' })], 0, twins)).exceptions).toEqual(['ambiguous_client']);
  });

  it('an invoice number of one of them separates them, however high both names score', () => {
    expect(applied(input(twinBook, [anon(49_500, { payer_name: 'HARBOR DENTAL', reference: 'INV-2001' })], 0, twins)).allocations).toEqual([['a1', 49_500, 'invoice_number']]);
  });

  it('a reference the amount does not pay says less than the payer’s own email', () => {
    // The memo names h2's invoice (a typo?), but the payer writes from h1's address and the amount is h1's invoice.
    expect(applied(input(twinBook, [anon(49_500, { payer_email: 'ap@harbordentalco.com', reference: 'INV-2002' })], 0, twins))).toEqual({
      exceptions: [],
      allocations: [['a1', 49_500, 'exact_amount']],
    });
  });

  it('an anonymous payer is identified by an amount only one client has open, unless it is in whole hundreds', () => {
    const book = [inv('x1', 'c1', 'INV-1', 123_456, 1), inv('x2', 'c2', 'INV-2', 200_000, 1), inv('x3', 'c3', 'INV-3', 99_000, 1), inv('x4', 'c1', 'INV-4', 99_000, 2)];
    const person = { payer_name: 'Jane Doe', payer_email: 'jane.doe@gmail.com' };
    const out = reconcile(input(book, [anon(123_456, person)]));
    expect(out.allocations.map((a) => [a.invoice_id, a.rule, a.confidence])).toEqual([['x1', 'exact_amount', 0.855]]);
    expect(applied(input(book, [anon(200_000, person)])).exceptions).toEqual(['unknown_client']);
    expect(applied(input(book, [anon(99_000, person)])).exceptions).toEqual(['unknown_client']); // two clients have it
  });
});

describe('rule 5 only for a client beyond doubt', () => {
  const book = [inv('o1', 'c1', 'INV-1', 40_000, 1), inv('o2', 'c1', 'INV-2', 70_000, 2)];
  it('a client identified by name alone does not get its oldest invoices funded by policy', () => {
    expect(applied(input(book, [anon(150_000, { payer_name: 'Contoso Dental Group LLC' })])).exceptions).toEqual(['uncertain_client']);
  });

  it('a client identified by its own email does', () => {
    const out = reconcile(input(book, [anon(150_000, { payer_email: 'ap@contosodental.com' })]));
    expect(out.allocations.map((a) => [a.invoice_id, a.amount, a.rule])).toEqual([['o1', 40_000, 'oldest_first'], ['o2', 70_000, 'oldest_first']]);
    expect(out.credits.map((c) => c.amount)).toEqual([40_000]);
  });
});
