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

export type ParsedMoney = { ok: true; amountMinor: number } | { ok: false; message: string };

/**
 * Parses what a person typed into a money field (`5000`, `5,000.00`, `$5,000.5`) into integer minor
 * units without going through floating point: the decimal string's digits are joined and read as an
 * integer, so `0.29` is exactly 29 cents. Thousands separators must be commas in groups of three.
 */
export function parseMoneyInput(text: string, currency: string): ParsedMoney {
  const digits = currencyDigits(currency);
  const cleaned = text.trim().replace(/^[^\d.,-]+/, '').replace(/\s/g, '');
  if (cleaned === '') return { ok: false, message: 'Enter an amount.' };
  if (cleaned.startsWith('-')) return { ok: false, message: 'Enter an amount of zero or more.' };
  const match = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/.exec(cleaned);
  const whole = match?.[1] ?? '';
  const fraction = match?.[2] ?? '';
  if (!match || (whole === '' && fraction === '')) return { ok: false, message: 'Enter an amount like 1,250.00.' };
  if (fraction.length > digits) {
    return {
      ok: false,
      message: digits === 0 ? `${currency.toUpperCase()} amounts have no decimal places.` : `Use at most ${digits} decimal places.`,
    };
  }
  const minorText = `${whole.replace(/,/g, '')}${fraction.padEnd(digits, '0')}`.replace(/^0+(?=\d)/, '');
  const amountMinor = Number(minorText === '' ? '0' : minorText);
  if (!Number.isSafeInteger(amountMinor)) return { ok: false, message: 'That amount is too large.' };
  return { ok: true, amountMinor };
}

/**
 * Minor units as text for an input that `parseMoneyInput` reads back exactly, e.g. `500000` USD →
 * `5,000.00` (no symbol; comma thousands, dot decimals).
 */
export function formatMoneyInput(amountMinor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const text = String(Math.abs(Math.trunc(amountMinor))).padStart(digits + 1, '0');
  const sign = amountMinor < 0 ? '-' : '';
  const whole = (digits === 0 ? text : text.slice(0, -digits)).replace(/\B(?=(\d{3})+$)/g, ',');
  return digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${text.slice(-digits)}`;
}
