import { describe, expect, it } from 'vitest';
import { currencyDigits, formatMoney } from './money';

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
