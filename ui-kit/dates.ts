/**
 * Date formatting. Invoice dates are calendar dates (`YYYY-MM-DD`) with no time of day: they are
 * formatted in UTC from their own parts, so a browser west of Greenwich never shows the day before.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(locale: string | undefined, style: CalendarDateStyle): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${style}`;
  let formatter = dateFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      year: 'numeric',
      month: style === 'long' ? 'long' : 'short',
      day: 'numeric',
    });
    dateFormatters.set(key, formatter);
  }
  return formatter;
}

export type CalendarDateStyle = 'medium' | 'long';

/** Parses `YYYY-MM-DD` into a UTC-midnight `Date`, or `null` when it is not a real calendar date. */
export function parseCalendarDate(value: string): Date | null {
  const match = CALENDAR_DATE.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2025-02-30 over into March; a rolled-over date is not a real one.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return date;
}

/**
 * Formats a `YYYY-MM-DD` calendar date, e.g. `2025-03-01` → `Mar 1, 2025` (en-US). The same date
 * shows in every time zone. Anything that is not a valid calendar date is returned unchanged.
 */
export function formatDate(value: string, locale?: string, style: CalendarDateStyle = 'medium'): string {
  const date = parseCalendarDate(value);
  return date ? dateFormatter(locale, style).format(date) : value;
}

/**
 * Formats an ISO 8601 timestamp (an instant, e.g. `2025-03-01T14:05:00Z`) in the viewer's time
 * zone, e.g. `Mar 1, 2025, 2:05 PM`. An unparseable value is returned unchanged.
 */
export function formatTimestamp(value: string, locale?: string, timeZone?: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}
