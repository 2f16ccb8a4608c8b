import { describe, expect, it } from 'vitest';
import { describeInvoiceStatus, isInvoicePaid } from './invoice-status';
import type { InvoiceStatus } from './types';

const ALL: InvoiceStatus[] = ['open', 'processing', 'partially_paid', 'paid', 'overpaid', 'void'];

describe('describeInvoiceStatus', () => {
  it.each([
    ['open', false, 'Unpaid'],
    ['open', true, 'Overdue'],
    ['partially_paid', false, 'Partially paid'],
    ['partially_paid', true, 'Overdue'],
    ['processing', false, 'Processing'],
    ['processing', true, 'Processing'],
    ['paid', false, 'Paid'],
    ['overpaid', false, 'Overpaid'],
    ['void', false, 'Void'],
  ] as const)('%s (overdue %s) reads %s', (status, overdue, label) => {
    expect(describeInvoiceStatus({ status, overdue }).label).toBe(label);
  });

  it('says processing is not paid yet', () => {
    const display = describeInvoiceStatus({ status: 'processing', overdue: false });
    expect(display.description).toMatch(/4 business days/);
    expect(display.description).toMatch(/not paid/);
  });

  it('only reads as paid for paid and overpaid', () => {
    for (const status of ALL) {
      for (const overdue of [false, true]) {
        const { label, tone } = describeInvoiceStatus({ status, overdue });
        const looksPaid = tone === 'success' || /paid/i.test(label.replace(/unpaid|partially paid/i, ''));
        expect(looksPaid, `${status}/${overdue}`).toBe(isInvoicePaid(status));
      }
    }
  });

  it('fails closed on a status it does not know', () => {
    const display = describeInvoiceStatus({ status: 'refunded' as InvoiceStatus, overdue: false });
    expect(display.label).toBe('Unknown');
    expect(display.tone).toBe('neutral');
  });
});
