/**
 * The emulator's notion of "now". Real time by default; tests and the control API can move it
 * forward (for example to expire idempotency keys) without sleeping. Test clocks keep their own
 * frozen time; see `timeForClock`.
 */
export interface EmulatorClock {
  nowMs(): number;
  nowSeconds(): number;
  /** Moves emulator time forward by `ms` (never backwards). */
  advance(ms: number): void;
  readonly offsetMs: number;
  setOffset(ms: number): void;
}

export function createClock(initialOffsetMs = 0): EmulatorClock {
  let offsetMs = initialOffsetMs;
  return {
    nowMs: () => Date.now() + offsetMs,
    nowSeconds: () => Math.floor((Date.now() + offsetMs) / 1000),
    advance(ms: number) {
      if (ms > 0) offsetMs += ms;
    },
    get offsetMs() {
      return offsetMs;
    },
    setOffset(ms: number) {
      offsetMs = ms;
    },
  };
}

const DAY = 86_400;

/** Adds `days` business days (Mon–Fri, UTC) to a unix timestamp in seconds. */
export function addBusinessDays(unixSeconds: number, days: number): number {
  let t = unixSeconds;
  let remaining = days;
  while (remaining > 0) {
    t += DAY;
    const weekday = new Date(t * 1000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) remaining--;
  }
  return t;
}

export const SECONDS_PER_DAY = DAY;
