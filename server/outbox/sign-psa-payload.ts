// Signatures on outbound PSA webhooks, in the scheme PSAs already know from Stripe:
// `Settle-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the signing secret>`.
// The timestamp is signed so a captured delivery cannot be replayed later (receivers should refuse
// t older than 5 minutes); several v1 values may appear during a secret rotation.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Settle-Signature';

/** A new signing secret: `pswh_` + 32 random bytes, base64url. Shown to the admin once. */
export function newPsaWebhookSecret(): string {
  return `pswh_${randomBytes(32).toString('base64url')}`;
}

/** The header value for a body sent at `at`. Pure. */
export function signPsaPayload(body: string, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * What a PSA does on receipt (kept here as the reference implementation, and used by tests): true
 * when one v1 matches and t is within `toleranceSeconds` of `now`.
 */
export function verifyPsaSignature(body: string, header: string, secret: string, now: Date, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  return parts.some(([k, v]) => k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}
