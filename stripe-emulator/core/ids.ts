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

function checksum(salt: string, value: string): string {
  const digest = createHash('sha256').update(`${salt}:${value}`).digest();
  let out = '';
  for (let i = 0; i < 8; i++) out += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return out;
}

function encodeAccount(prefix: string, salt: string, accountId: string): string {
  const suffix = accountId.slice('acct_'.length);
  return `${prefix}${suffix}${checksum(salt, suffix)}`;
}

function decodeAccount(prefix: string, salt: string, value: string): string | null {
  if (!value.startsWith(prefix) || value.length < prefix.length + 9) return null;
  const body = value.slice(prefix.length);
  const suffix = body.slice(0, -8);
  if (!/^[A-Za-z0-9]+$/.test(suffix) || checksum(salt, suffix) !== body.slice(-8)) return null;
  return `acct_${suffix}`;
}

/**
 * The publishable key of an account: `pk_test_51<account suffix><checksum>`. Derived, so it needs
 * no storage and survives snapshots; the checksum makes made-up keys fail authentication.
 */
export function publishableKeyFor(accountId: string): string {
  return encodeAccount('pk_test_51', 'pk', accountId);
}

export function accountIdForPublishableKey(key: string): string | null {
  return decodeAccount('pk_test_51', 'pk', key);
}

/** The Connect/Apps OAuth client id of a platform account: `ca_<account suffix><checksum>`. */
export function clientIdFor(accountId: string): string {
  return encodeAccount('ca_', 'ca', accountId);
}

export function accountIdForClientId(clientId: string): string | null {
  return decodeAccount('ca_', 'ca', clientId);
}
