/** Time is a dependency: domain code asks a Clock, tests pass a fixed or advancing one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand; it never moves on its own. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-11-23T15:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
}
