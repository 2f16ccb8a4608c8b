// How often a failing event is retried, and how long apart, before it is dead-lettered (status
// `dead`, shown in the webhook health panel with a retry button). Eight attempts over about four
// hours: long enough to ride out a Stripe or database outage, short enough that a person hears of a
// real bug the same day. The drift sweep re-syncs open intents meanwhile, so a dead event never
// leaves a payment stuck.
export const MAX_EVENT_ATTEMPTS = 8;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 2 * 60 * 60_000;

/** Delay before the next attempt after `attempts` failed ones (30 s, 1 min, 2 min, … capped at 2 h). */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
}

/** How long a claimed event is leased to its worker; after that another worker may take it over. */
export const EVENT_LEASE_MS = 2 * 60_000;
