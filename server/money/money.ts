// Money is an integer number of minor units with an ISO 4217 currency. Never floats.

export interface Money {
  amount: number;
  currency: string;
}

export function assertMinorUnits(amount: number): void {
  if (!Number.isSafeInteger(amount)) throw new Error(`not an integer amount of minor units: ${amount}`);
}

/** Minor-unit exponent of a currency (USD 2, JPY 0, KWD 3), from the platform's ICU data. */
export function currencyExponent(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** For logs and emails; UIs format with Intl.NumberFormat themselves. */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  assertMinorUnits(amount);
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount / 10 ** exponent);
}
