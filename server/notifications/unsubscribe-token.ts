// Unsubscribe links: `<installationId>.<category>.<base64url(email)>.<signature>`, where the
// signature is HMAC-SHA256 over the first three parts with a key derived from ENCRYPTION_KEY. Nothing
// is stored: the link proves itself, works without signing in, and cannot be forged or pointed at
// another address or category. Previous encryption keys still verify, so rotating the key does not
// break links already in inboxes. Links never expire: an old email must still be able to stop mail.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUnsubscribable, type UnsubscribableCategory } from './notification-categories';

export interface UnsubscribeSubject {
  installationId: string;
  email: string;
  category: UnsubscribableCategory;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

function macKey(encryptionKey: Buffer): Buffer {
  // A key of its own (domain separation): the encryption key itself never signs anything.
  return createHmac('sha256', encryptionKey).update('settle:unsubscribe-link:v1').digest();
}

function sign(key: Buffer, body: string): string {
  return createHmac('sha256', macKey(key)).update(body).digest('base64url');
}

/** Pure: the same subject and key always give the same token. */
export function signUnsubscribeToken(keys: readonly Buffer[], subject: UnsubscribeSubject): string {
  const body = `${subject.installationId}.${subject.category}.${Buffer.from(subject.email.trim().toLowerCase()).toString('base64url')}`;
  return `${body}.${sign(keys[0]!, body)}`;
}

/** The subject a token names, or null when it is malformed or its signature does not verify. */
export function verifyUnsubscribeToken(keys: readonly Buffer[], token: string): UnsubscribeSubject | null {
  if (token.length > 600) return null;
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [installationId, category, emailPart, signature] = parts as [string, string, string, string];
  if (!UUID.test(installationId) || !isUnsubscribable(category) || !B64URL.test(emailPart) || !B64URL.test(signature)) return null;
  const body = `${installationId}.${category}.${emailPart}`;
  const given = Buffer.from(signature, 'base64url');
  const valid = keys.some((key) => {
    const expected = Buffer.from(sign(key, body), 'base64url');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return null;
  const email = Buffer.from(emailPart, 'base64url').toString('utf8');
  if (!email.includes('@') || email !== email.toLowerCase()) return null;
  return { installationId, email, category };
}
