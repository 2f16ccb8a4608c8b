import { afterEach, describe, expect, it } from 'vitest';
import { formatDate, formatTimestamp, parseCalendarDate } from './dates';

const originalTz = process.env.TZ;

afterEach(() => {
  process.env.TZ = originalTz;
});

describe('formatDate', () => {
  it('formats a calendar date', () => {
    expect(formatDate('2025-03-01', 'en-US')).toBe('Mar 1, 2025');
    expect(formatDate('2025-12-31', 'en-US', 'long')).toBe('December 31, 2025');
    expect(formatDate('2025-03-01', 'en-GB')).toBe('1 Mar 2025');
  });

  it.each(['America/Los_Angeles', 'Pacific/Honolulu', 'Pacific/Kiritimati', 'Asia/Tokyo', 'UTC'])(
    'shows the same day in %s',
    (timeZone) => {
      process.env.TZ = timeZone;
      expect(formatDate('2025-01-01', 'en-US')).toBe('Jan 1, 2025');
      expect(formatDate('2024-02-29', 'en-US')).toBe('Feb 29, 2024');
    },
  );

  it('returns input that is not a calendar date unchanged', () => {
    expect(formatDate('', 'en-US')).toBe('');
    expect(formatDate('not a date', 'en-US')).toBe('not a date');
    expect(formatDate('2025-02-30', 'en-US')).toBe('2025-02-30');
    expect(formatDate('2025-3-1', 'en-US')).toBe('2025-3-1');
  });
});

describe('parseCalendarDate', () => {
  it('returns UTC midnight', () => {
    expect(parseCalendarDate('2025-03-01')?.toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });

  it('rejects impossible dates', () => {
    expect(parseCalendarDate('2023-02-29')).toBeNull();
    expect(parseCalendarDate('2025-13-01')).toBeNull();
  });
});

describe('formatTimestamp', () => {
  it('formats an instant in the given time zone', () => {
    expect(formatTimestamp('2025-03-01T14:05:00Z', 'en-US', 'UTC')).toBe('Mar 1, 2025, 2:05 PM');
    expect(formatTimestamp('2025-03-01T14:05:00Z', 'en-US', 'America/New_York')).toBe('Mar 1, 2025, 9:05 AM');
  });

  it('returns an unparseable value unchanged', () => {
    expect(formatTimestamp('yesterday', 'en-US')).toBe('yesterday');
  });
});
