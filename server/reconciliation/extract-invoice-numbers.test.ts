import { describe, expect, it } from 'vitest';
import { extractInvoiceNumbers, invoiceNumberKey } from './extract-invoice-numbers';
import { identifyClient } from './identify-client';
import { findInvoiceGroup } from './find-invoice-group';
import { CLIENTS } from './test-fixtures';

const KNOWN = ['INV-1043', 'INV-10430', 'INV-1034', 'INV-001044', '2024-0042', 'SO-7781', 'INV-0015'];

describe('invoiceNumberKey', () => {
  it.each([
    ['INV-001043', '1043'],
    ['1043', '1043'],
    ['2024-0042', '2024-42'],
    ['INV-0', '0'],
    ['DRAFT', null],
  ])('%s → %s', (number, key) => expect(invoiceNumberKey(number)).toBe(key));
});

describe('extractInvoiceNumbers', () => {
  it.each<[string, string[], string]>([
    ['INV-1043', ['INV-1043'], 'the plain form'],
    ['inv 1043', ['INV-1043'], 'lowercase with a space'],
    ['#1043', ['INV-1043'], 'a hash sign'],
    ['INV1043', ['INV-1043'], 'no separator'],
    ['Invoice No. 01043', ['INV-1043'], 'leading zeros and "No."'],
    ['INV 10430', ['INV-10430'], '10430 is not 1043'],
    ['inv 1034', ['INV-1034'], '1034 is not 1043'],
    ['Invoices 1043, 1044 and 1034', ['INV-1043', 'INV-001044', 'INV-1034'], 'a list after one marker'],
    ['1043/1044', ['INV-1043', 'INV-001044'], 'a slash between two numbers'],
    ['INV 2024-0042', ['2024-0042'], 'a composite number is one number'],
    ['SO 7781', ['SO-7781'], 'a known letter prefix is a marker'],
    ['INV-1O43', ['INV-1043'], 'an OCR-like O for 0'],
    ['PO 1043 thank you', ['INV-1043'], 'a bare number still counts (weakly)'],
    ['$1043.00 received', [], 'an amount is not an invoice number'],
    ['paid 2024-10-15', [], 'a date is not an invoice number'],
    ['ref 15', [], 'a bare short number says nothing'],
    ['INV 15', ['INV-0015'], 'a short number with a marker does'],
    ['Q1 2025 services', [], 'no invoice mentioned'],
  ])('%s (%s)', (reference, numbers, why) => {
    void why;
    expect(extractInvoiceNumbers(reference, KNOWN).map((m) => m.number)).toEqual(numbers);
  });

  it('flags weak and OCR mentions', () => {
    expect(extractInvoiceNumbers('PO 1043', KNOWN)).toEqual([{ number: 'INV-1043', strong: false, ocr: false }]);
    expect(extractInvoiceNumbers('INV 1O43', KNOWN)).toEqual([{ number: 'INV-1043', strong: true, ocr: true }]);
  });
});

describe('identifyClient', () => {
  it.each<[string | null, string | null, string, string | null]>([
    ['Jane Roe', 'ap@contosodental.com', 'certain', 'c1'],
    ['NORTHWIND TRADERS LTD.', null, 'certain', 'c2'],
    ['Fabrikam', 'someone@gmail.com', 'certain', 'c3'],
    ['Jane Roe', 'jane@gmail.com', 'unknown', null],
    ['Contoso Dental', null, 'uncertain', null],
  ])('%s <%s> → %s %s', (name, email, status, clientId) => {
    const result = identifyClient({ name, email }, CLIENTS);
    expect(result.status).toBe(status);
    expect(result.client_id).toBe(clientId);
  });
});

describe('findInvoiceGroup', () => {
  const budget = () => ({ left: 10_000 });
  it('finds the smallest group, oldest among equal amounts', () => {
    expect(findInvoiceGroup([500, 300, 500, 200], 700, 700, budget())).toEqual({ kind: 'found', members: [0, 3] });
    expect(findInvoiceGroup([500, 300, 500, 200], 1_000, 1_000, budget())).toEqual({ kind: 'found', members: [0, 2] });
  });
  it('reports two different groups as ambiguous and nothing as none', () => {
    expect(findInvoiceGroup([100, 400, 200, 300], 500, 500, budget()).kind).toBe('ambiguous');
    expect(findInvoiceGroup([100, 400], 1_000, 1_000, budget()).kind).toBe('none');
  });
  it('finds a range (underpayment within tolerance)', () => {
    expect(findInvoiceGroup([1_000, 2_000], 2_990, 3_010, budget())).toEqual({ kind: 'found', members: [0, 1] });
  });
  it('stops at the budget', () => {
    const amounts = Array.from({ length: 300 }, (_, i) => 10_007 + i * 131);
    expect(findInvoiceGroup(amounts, 1, 1, { left: 10 }).kind).toBe('none'); // pruned before any work
    expect(findInvoiceGroup(amounts, 200_001, 200_001, { left: 1_000 }).kind).toBe('limit');
  });
});
