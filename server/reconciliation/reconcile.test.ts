import { describe, expect, it } from 'vitest';
import { EXCEPTION_REASONS, reconcile, type ReconcileInput } from './reconcile';
import { CLIENTS, input, inv, pay } from './test-fixtures';

type Row = [invoice: string, amount: number, rule: string];

interface Case {
  why: string;
  data: ReconcileInput;
  allocations?: Row[];
  credit?: number;
  writeOffs?: Array<[invoice: string, amount: number]>;
  exception?: string;
  /** Allocation confidences, in order, when the case is about them. */
  confidence?: number[];
}

function check(c: Case) {
  const out = reconcile(c.data);
  if (c.exception) {
    expect(out.exceptions.map((e) => e.reason)).toEqual([c.exception]);
    expect(out.allocations).toEqual([]);
    expect(out.credits).toEqual([]);
    return out;
  }
  expect(out.exceptions).toEqual([]);
  expect(out.allocations.map((a) => [a.invoice_id, a.amount, a.rule])).toEqual(c.allocations ?? []);
  expect(out.credits.reduce((s, x) => s + x.amount, 0)).toBe(c.credit ?? 0);
  expect(out.write_offs.map((w) => [w.invoice_id, w.amount])).toEqual(c.writeOffs ?? []);
  if (c.confidence) expect(out.allocations.map((a) => a.confidence)).toEqual(c.confidence);
  return out;
}

const three = [inv('i1043', 'c1', 'INV-1043', 50_000, 1), inv('i1044', 'c1', 'INV-1044', 30_000, 2), inv('i1045', 'c1', 'INV-1045', 20_000, 3)];
const lookalikes = [inv('a', 'c1', 'INV-1043', 50_000, 1), inv('b', 'c1', 'INV-10430', 70_000, 2), inv('c', 'c1', 'INV-1034', 90_000, 3)];

describe('rule 1: invoice numbers in the reference', () => {
  it.each<Case>([
    { why: 'a clean reference names the invoice, amount equal', data: input(three, [pay(50_000, { reference: 'INV-1043' })]), allocations: [['i1043', 50_000, 'invoice_number']], confidence: [1] },
    ...['inv 1043', '#1043', 'INV1043', 'Invoice no. 001043', 'payment for invoice: 1043 thanks'].map((reference) => ({
      why: `formatting does not matter: "${reference}"`,
      data: input(three, [pay(50_000, { reference })]),
      allocations: [['i1043', 50_000, 'invoice_number']] as Row[],
    })),
    { why: 'several numbers in one memo pay several invoices', data: input(three, [pay(100_000, { reference: 'Invoices 1043, 1044 & 1045' })]), allocations: [['i1043', 50_000, 'invoice_number'], ['i1044', 30_000, 'invoice_number'], ['i1045', 20_000, 'invoice_number']] },
    { why: 'a list without separators continues the marker', data: input(three, [pay(80_000, { reference: 'INV 1043 1044' })]), allocations: [['i1043', 50_000, 'invoice_number'], ['i1044', 30_000, 'invoice_number']] },
    { why: 'look-alike numbers are not confused: 10430 is not 1043 nor 1034', data: input(lookalikes, [pay(70_000, { reference: 'INV-10430' })]), allocations: [['b', 70_000, 'invoice_number']] },
    { why: 'OCR-like letters are read as digits, with lower confidence', data: input(three, [pay(50_000, { reference: 'INV-1O43' })]), allocations: [['i1043', 50_000, 'invoice_number']], confidence: [0.9] },
    { why: 'a bare number counts for the known client, with lower confidence', data: input(three, [pay(30_000, { reference: 'ACH PMT 1044' })]), allocations: [['i1044', 30_000, 'invoice_number']], confidence: [0.9] },
    { why: 'an overpayment pays the named invoice and the rest goes to credit', data: input(three, [pay(65_000, { reference: 'INV-1043' })]), allocations: [['i1043', 50_000, 'invoice_number']], credit: 15_000 },
    { why: 'a rest that fits another open invoice exactly pays it (rule 2 on the rest)', data: input(three, [pay(70_000, { reference: 'INV-1043' })]), allocations: [['i1043', 50_000, 'invoice_number'], ['i1045', 20_000, 'exact_amount']] },
    { why: 'less than the named invoice is a partial payment on it', data: input(three, [pay(12_000, { reference: 'INV-1043' })]), allocations: [['i1043', 12_000, 'invoice_number']], confidence: [0.9] },
    { why: 'a partial payment of two named invoices funds the oldest first', data: input(three, [pay(60_000, { reference: 'INV-1044, INV-1043' })]), allocations: [['i1043', 50_000, 'invoice_number'], ['i1044', 10_000, 'invoice_number']] },
    { why: 'a named invoice short by a bank fee within tolerance is paid with a write-off', data: input(three, [pay(49_985, { reference: 'INV-1043' })], 25), allocations: [['i1043', 49_985, 'tolerance']], writeOffs: [['i1043', 15]] },
    { why: 'an amount or date in the memo is not an invoice number', data: input([inv('x', 'c1', '2025', 10_000, 1), inv('y', 'c1', 'INV-0777', 20_000, 2)], [pay(20_000, { reference: 'paid 2025-03-01 $2025.00 INV 777' })]), allocations: [['y', 20_000, 'invoice_number']] },
  ])('$why', (c) => {
    check(c);
  });
});

describe('rules 2–5: by amount, for a known client', () => {
  it.each<Case>([
    { why: 'rule 2: one open invoice of exactly the amount', data: input(three, [pay(30_000)]), allocations: [['i1044', 30_000, 'exact_amount']], confidence: [0.95] },
    { why: 'rule 2: of several equal invoices, the oldest', data: input([inv('new', 'c1', '2', 9_900, 9), inv('old', 'c1', '1', 9_900, 2)], [pay(9_900)]), allocations: [['old', 9_900, 'exact_amount']], confidence: [0.9] },
    { why: 'rule 3: a group summing to the amount', data: input(three, [pay(70_000)]), allocations: [['i1043', 50_000, 'group'], ['i1045', 20_000, 'group']] },
    { why: 'rule 3: the smallest group wins over a larger one', data: input([...three, inv('i1046', 'c1', 'INV-1046', 100_000, 4)], [pay(100_000)]), allocations: [['i1046', 100_000, 'exact_amount']] },
    { why: 'rule 3: equal amounts inside a group are taken oldest first', data: input([inv('a', 'c1', '1', 500, 1), inv('b', 'c1', '2', 500, 2), inv('c', 'c1', '3', 700, 3)], [pay(1_200)]), allocations: [['a', 500, 'group'], ['c', 700, 'group']] },
    { why: 'rule 4: an underpayment within tolerance, difference written off', data: input(three, [pay(29_980)], 25), allocations: [['i1044', 29_980, 'tolerance']], writeOffs: [['i1044', 20]] },
    { why: 'rule 4: a group short by a fee within tolerance', data: input(three, [pay(79_975)], 25), allocations: [['i1043', 50_000, 'tolerance'], ['i1044', 29_975, 'tolerance']], writeOffs: [['i1044', 25]] },
    { why: 'rule 4 is for bank fees: a shortfall over a tenth of the invoice is a partial payment, not a write-off', data: input([inv('r', 'c1', '1', 4_000, 1)], [pay(1_851)], 2_500), credit: 1_851 },
    { why: 'rule 4 at a tenth exactly still writes off', data: input([inv('r', 'c1', '1', 25_000, 1)], [pay(22_500)], 2_500), allocations: [['r', 22_500, 'tolerance']], writeOffs: [['r', 2_500]] },
    { why: 'rule 5: oldest invoices fully funded, the rest to credit', data: input(three, [pay(60_000)]), allocations: [['i1043', 50_000, 'oldest_first']], credit: 10_000, confidence: [0.7] },
    { why: 'rule 5: less than the oldest invoice all goes to credit', data: input(three, [pay(1_000)]), credit: 1_000 },
    { why: 'an "on account" memo goes to rule 5 even when an invoice has the amount', data: input(three, [pay(30_000, { reference: 'Payment on account' })]), credit: 30_000 },
    { why: 'a mistyped number that is another client’s invoice is set aside when the amount fits one own invoice', data: input([...three, inv('n1', 'c2', 'INV-1054', 99_999, 1)], [pay(30_000, { reference: 'INV-1054' })]), allocations: [['i1044', 30_000, 'exact_amount']], confidence: [0.8] },
    { why: 'payments run in received_at order against what is still open', data: input([inv('a', 'c1', '1', 5_000, 1)], [pay(5_000, { id: 'late' }, 30), pay(5_000, { id: 'early' }, 10)]), exception: undefined, allocations: [['a', 5_000, 'exact_amount']] },
  ])('$why', (c) => {
    if (c.why.startsWith('payments run')) {
      const out = reconcile(c.data);
      expect(out.allocations.map((a) => a.payment_id)).toEqual(['early']);
      expect(out.exceptions.map((e) => [e.payment_id, e.reason])).toEqual([['late', 'no_open_invoices']]);
      return;
    }
    check(c);
  });
});

describe('who paid: a payment without a client', () => {
  const anon = (fields: Parameters<typeof pay>[1]) => pay(30_000, { client_id: null, ...fields });
  it.each<Case>([
    { why: 'the client’s email', data: input(three, [anon({ payer_email: 'AP@ContosoDental.com' })]), allocations: [['i1044', 30_000, 'exact_amount']] },
    { why: 'the company name with another suffix and punctuation', data: input(three, [anon({ payer_name: 'CONTOSO DENTAL GROUP, L.L.C.' })]), allocations: [['i1044', 30_000, 'exact_amount']] },
    { why: 'a colleague on the client’s own domain', data: input(three, [anon({ payer_email: 'jane@contosodental.com', payer_name: 'Jane Roe' })]), allocations: [['i1044', 30_000, 'exact_amount']] },
    { why: 'an invoice number that belongs to one client, from a free-mail payer', data: input(three, [anon({ payer_email: 'jane@gmail.com', reference: 'INV-1044' })]), allocations: [['i1044', 30_000, 'invoice_number']], confidence: [0.97] },
    { why: 'a similar name and an exact amount together', data: input(three, [anon({ payer_name: 'Contoso Dental' })]), allocations: [['i1044', 30_000, 'exact_amount']] },
  ])('$why', (c) => {
    check(c);
  });
});

describe('exceptions: a person decides', () => {
  const sharedDomain = [...CLIENTS, { id: 'c4', name: 'Contoso Orthodontics', email: 'ortho@contosodental.com' }];
  it.each<Case>([
    { why: 'unknown_client: a person on free mail, no reference', data: input(three, [pay(30_000, { client_id: null, payer_name: 'Jane Doe', payer_email: 'jane.doe@gmail.com' })]), exception: 'unknown_client' },
    { why: 'ambiguous_client: a domain two clients share', data: input(three, [pay(12_345, { client_id: null, payer_email: 'pay@contosodental.com' })], 0, sharedDomain), exception: 'ambiguous_client' },
    { why: 'uncertain_client: a similar name alone, amount fits nothing', data: input(three, [pay(12_345, { client_id: null, payer_name: 'Contoso Dental Grp' })]), exception: 'uncertain_client' },
    { why: 'currency_mismatch: only USD open, EUR received', data: input(three, [pay(30_000, { currency: 'EUR' })]), exception: 'currency_mismatch' },
    { why: 'currency_mismatch: the named invoice is in another currency', data: input(three, [pay(50_000, { currency: 'EUR', reference: 'INV-1043' })]), exception: 'currency_mismatch' },
    { why: 'no_open_invoices: nothing is open', data: input([inv('a', 'c1', '1', 0, 1)], [pay(30_000)]), exception: 'no_open_invoices' },
    { why: 'invoice_already_paid: the named invoice is paid (a duplicate?)', data: input([...three, inv('paid', 'c1', 'INV-1000', 0, 1)], [pay(40_000, { reference: 'INV-1000' })]), exception: 'invoice_already_paid' },
    { why: 'unknown_invoice: a marked number nobody has, amount fits nothing', data: input(three, [pay(12_345, { reference: 'INV-9999' })]), exception: 'unknown_invoice' },
    { why: 'reference_conflict: another client’s invoice', data: input([...three, inv('n1', 'c2', 'INV-2001', 30_000, 1)], [pay(30_000, { reference: 'INV-2001' })]), exception: 'reference_conflict' },
    { why: 'reference_conflict: a look-alike number whose amount does not fit, while another invoice fits exactly', data: input(lookalikes, [pay(50_000, { reference: 'INV-1034' })]), exception: 'reference_conflict' },
    { why: 'ambiguous_match: two different pairs sum to the amount', data: input([inv('a', 'c1', '1', 100, 1), inv('b', 'c1', '2', 400, 2), inv('c', 'c1', '3', 200, 3), inv('d', 'c1', '4', 300, 4)], [pay(500)]), exception: 'ambiguous_match' },
    { why: 'underpayment_beyond_tolerance: 3 % short with no tolerance', data: input(three, [pay(29_100)]), exception: 'underpayment_beyond_tolerance' },
  ])('$why', (c) => {
    check(c);
  });

  it('search_limit: too many open invoices to search, and nothing smaller fits', () => {
    const many = Array.from({ length: 400 }, (_, i) => inv(`m${i}`, 'c1', `M-${i}`, 100_003 + i * 7_919, 1 + (i % 28)));
    check({ why: '', data: input(many, [pay(2_000_001)]), exception: 'search_limit' });
  });

  it('every reason has a test above and a description', () => {
    expect([...EXCEPTION_REASONS].sort()).toEqual(
      ['unknown_client', 'ambiguous_client', 'uncertain_client', 'currency_mismatch', 'no_open_invoices', 'invoice_already_paid', 'unknown_invoice', 'reference_conflict', 'ambiguous_match', 'underpayment_beyond_tolerance', 'search_limit'].sort(),
    );
  });

  it('suggestions name likely clients with the invoices the rules would pick', () => {
    const out = reconcile(input(three, [pay(12_345, { client_id: null, payer_name: 'Contoso Dental Grp' })]));
    expect(out.exceptions[0]!.suggestions[0]).toMatchObject({ client_id: 'c1' });
    const sameAmount = reconcile(input([...three, inv('n1', 'c2', 'N-1', 30_000, 1)], [pay(30_000, { client_id: null, payer_email: 'x@gmail.com' })]));
    // Both only because of the amount: equal scores, the older invoice first.
    expect(sameAmount.exceptions[0]!.suggestions.map((s) => [s.client_id, s.invoice_ids, s.score])).toEqual([['c2', ['n1'], 0.2], ['c1', ['i1044'], 0.2]]);
  });

  it('a typo in a marked number is forgiven when the amount fits one invoice exactly', () => {
    check({ why: '', data: input(three, [pay(30_000, { reference: 'INV-1404' })]), allocations: [['i1044', 30_000, 'exact_amount']], confidence: [0.8] });
  });
});
