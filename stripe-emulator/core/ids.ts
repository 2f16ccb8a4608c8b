import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric string (62-symbol alphabet, rejection-free modulo bias is acceptable here). */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return out;
}

/** A Stripe-like object id: `prefix_` + 24 random alphanumerics (Stripe uses 14–24). */
export function newId(prefix: string): string {
  return `${prefix}_${randomAlphanumeric(24)}`;
}

export function newRequestId(): string {
  return `req_${randomAlphanumeric(14)}`;
}

/** Deterministic account id for an API key, so one key always maps to one account. */
export function accountIdForKey(secretKey: string): string {
  const digest = createHash('sha256').update(secretKey).digest();
  let out = '';
  for (let i = 0; i < 16; i++) out += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return `acct_${out}`;
}

/** Client secret in Stripe's `<id>_secret_<random>` form. */
export function clientSecretFor(id: string): string {
  return `${id}_secret_${randomAlphanumeric(25)}`;
}

/** Fingerprint derived from a card/account number so the same number gives the same fingerprint. */
export function fingerprintFor(value: string): string {
  const digest = createHash('sha256').update(`fp:${value}`).digest();
  let out = '';
  for (let i = 0; i < 16; i++) out += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return out;
}
