import { describe, expect, it } from 'vitest';
import { currencyDigits, formatMoney, formatMoneyInput, parseMoneyInput } from './money';

describe('formatMoney', () => {
  it.each([
    [123456, 'USD', '$1,234.56'],
    [0, 'USD', '$0.00'],
    [5, 'USD', '$0.05'],
    [-2500, 'USD', '-$25.00'],
    [1999, 'usd', '$19.99'],
    [500, 'JPY', '¥500'],
    [123456, 'jpy', '¥123,456'],
    [1000, 'KWD', 'KWD 1.000'],
    [150000, 'EUR', '€1,500.00'],
  ])('formats %i %s as %s (en-US)', (amount, currency, expected) => {
    expect(formatMoney(amount, currency, 'en-US').replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it('uses the locale for separators', () => {
    expect(formatMoney(123456, 'EUR', 'de-DE').replace(/\u00a0/g, ' ')).toBe('1.234,56 €');
  });

  it('does not throw on an unknown currency code', () => {
    expect(formatMoney(123456, 'NOT-A-CODE', 'en-US')).toBe('1,234.56 NOT-A-CODE');
  });

  it('keeps exact cents for large amounts', () => {
    expect(formatMoney(9_007_199_254_740_9, 'USD', 'en-US')).toBe('$900,719,925,474.09');
  });
});

describe('currencyDigits', () => {
  it.each([
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
  ])('%s has %i minor-unit digits', (currency, digits) => {
    expect(currencyDigits(currency)).toBe(digits);
  });
});

describe('parseMoneyInput', () => {
  it.each([
    ['5000', 'USD', 500000],
    ['5,000.00', 'USD', 500000],
    ['$5,000.5', 'USD', 500050],
    ['0.29', 'USD', 29],
    ['1.005', 'KWD', 1005],
    ['.5', 'usd', 50],
    ['5.', 'USD', 500],
    ['0', 'USD', 0],
    ['500', 'JPY', 500],
    [' 12.34 ', 'EUR', 1234],
    ['90071992547409.91', 'USD', 9007199254740991],
  ])('reads %s %s as %i minor units', (text, currency, expected) => {
    expect(parseMoneyInput(text, currency)).toEqual({ ok: true, amountMinor: expected });
  });

  it.each([
    ['', 'USD'],
    ['-5', 'USD'],
    ['5.001', 'USD'],
    ['5.5', 'JPY'],
    ['1,00', 'USD'],
    ['abc', 'USD'],
    ['1.2.3', 'USD'],
    ['.', 'USD'],
    ['99999999999999999', 'USD'],
  ])('refuses %j in %s', (text, currency) => {
    expect(parseMoneyInput(text, currency).ok).toBe(false);
  });
});

describe('formatMoneyInput', () => {
  it.each([
    [500000, 'USD', '5,000.00'],
    [5, 'USD', '0.05'],
    [99999, 'USD', '999.99'],
    [123456789, 'USD', '1,234,567.89'],
    [500, 'JPY', '500'],
    [1234567, 'JPY', '1,234,567'],
    [1005, 'KWD', '1.005'],
  ])('writes %i %s as %s, which reads back exactly', (amount, currency, expected) => {
    expect(formatMoneyInput(amount, currency)).toBe(expected);
    expect(parseMoneyInput(expected, currency)).toEqual({ ok: true, amountMinor: amount });
  });
});
