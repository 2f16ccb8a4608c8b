import { describe, expect, it } from 'vitest';
import type { AutopayCandidate } from './charge-invoice';
import { inCreditOrder } from './run-autopay';

const candidate = (invoiceId: string, clientId: string, hasCredit: boolean) => ({ invoiceId, clientId, hasCredit }) as AutopayCandidate;
const ids = (units: AutopayCandidate[][]) => units.map((u) => u.map((c) => c.invoiceId));

describe('inCreditOrder', () => {
  it('keeps a client holding credit in one unit, in due order, so its credit goes to the invoice due first', () => {
    const due = [candidate('a1', 'A', true), candidate('b1', 'B', false), candidate('a2', 'A', true), candidate('b2', 'B', false), candidate('c1', 'C', true), candidate('a3', 'A', true)];
    expect(ids(inCreditOrder(due))).toEqual([['a1', 'a2', 'a3'], ['b1'], ['b2'], ['c1']]);
  });

  it('leaves every invoice of clients without credit on its own (charged concurrently)', () => {
    expect(ids(inCreditOrder([candidate('x', 'X', false), candidate('y', 'X', false)]))).toEqual([['x'], ['y']]);
    expect(inCreditOrder([])).toEqual([]);
  });
});
