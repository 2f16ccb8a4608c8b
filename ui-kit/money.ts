/**
 * Money formatting for integer minor units (Stripe's convention: 1999 USD = $19.99, 500 JPY = ¥500,
 * 1000 KWD = KD 1.000). The number of minor-unit digits comes from `Intl` itself, so zero- and
 * three-decimal currencies are handled without a hand-kept table.
 */

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Number of decimal digits a currency's minor unit has (USD 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  try {
    return formatterFor(currency.toUpperCase(), 'en-US').resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Formats an integer amount of minor units, e.g. `formatMoney(123456, 'usd')` → `$1,234.56`.
 * An unknown currency code never throws: it falls back to `1,234.56 XYZ`.
 */
export function formatMoney(amountMinor: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase();
  let formatter: Intl.NumberFormat;
  try {
    formatter = formatterFor(code, locale);
  } catch {
    const fallback = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return `${fallback.format(amountMinor / 100)} ${code}`;
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountMinor / 10 ** digits);
}
