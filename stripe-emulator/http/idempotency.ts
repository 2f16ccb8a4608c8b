import { StripeError } from '../core/stripe-error.js';

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

interface Entry {
  fingerprint: string;
  expiresAtMs: number;
  response: StoredResponse | null;
  waiters: ((response: StoredResponse | null) => void)[];
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyLookup =
  | { kind: 'execute'; complete: (response: StoredResponse | null) => void }
  | { kind: 'replay'; response: StoredResponse };

/**
 * Idempotency keys scoped per account, kept 24 h of emulator time. A key in flight makes later
 * requests with it wait for the first to finish; a first request whose result must not be saved
 * (validation failure, dropped connection) releases the key for the next caller.
 */
export class IdempotencyStore {
  private entries = new Map<string, Entry>();
  private inserts = 0;

  async begin(scope: string, key: string, fingerprint: string, nowMs: number): Promise<IdempotencyLookup> {
    if (key.length > 255) {
      throw new StripeError(
        400,
        { type: 'idempotency_error', message: `Invalid idempotency key: must be at most 255 characters long.` },
        { replayable: false },
      );
    }
    const id = `${scope}\u0000${key}`;
    for (;;) {
      const entry = this.entries.get(id);
      if (entry && entry.expiresAtMs <= nowMs && entry.response) this.entries.delete(id);
      const live = this.entries.get(id);
      if (!live) break;
      if (live.fingerprint !== fingerprint) {
        throw new StripeError(
          400,
          {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
          { replayable: false },
        );
      }
      if (live.response) return { kind: 'replay', response: live.response };
      const result = await new Promise<StoredResponse | null>((resolve) => live.waiters.push(resolve));
      if (result) return { kind: 'replay', response: result };
    }
    const fresh: Entry = { fingerprint, expiresAtMs: nowMs + IDEMPOTENCY_TTL_MS, response: null, waiters: [] };
    this.entries.set(id, fresh);
    if (++this.inserts % 1000 === 0) this.sweep(nowMs);
    return {
      kind: 'execute',
      complete: (response) => {
        const waiters = fresh.waiters.splice(0);
        if (response) fresh.response = response;
        else this.entries.delete(id);
        for (const w of waiters) w(response);
      },
    };
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(nowMs: number): void {
    for (const [id, e] of this.entries) if (e.response && e.expiresAtMs <= nowMs) this.entries.delete(id);
  }
}
