// Secrets at rest (Stripe keys and tokens, webhook signing secrets, PSA webhook secrets): AES-256-GCM
// with a random 96-bit nonce. The stored form names the key it was sealed with
// (`v1.<keyId>.<nonce>.<ciphertext+tag>`, base64url), so ENCRYPTION_KEY can rotate: new values use
// the current key, old values still open with ENCRYPTION_KEYS_PREVIOUS until `needsReseal` says to
// re-encrypt them. Plaintexts never leave this module except to the caller that asked.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export class SecretBox {
  private readonly keys: ReadonlyArray<{ id: string; key: Buffer }>;

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const k of keys) if (k.length !== 32) throw new Error('encryption keys must be 32 bytes');
    this.keys = keys.map((key) => ({ id: createHash('sha256').update(key).digest('base64url').slice(0, 8), key }));
  }

  /** Encrypts with the current key. `context` (e.g. the row id) is authenticated but not stored. */
  seal(plaintext: string, context = ''): string {
    const { id, key } = this.keys[0]!;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${id}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Decrypts with whichever configured key sealed it; throws if none did or it was tampered with. */
  open(sealed: string, context = ''): string {
    const [version, keyId, nonceText, bodyText] = sealed.split('.');
    if (version !== 'v1' || !keyId || !nonceText || !bodyText) throw new Error('not a sealed secret');
    const entry = this.keys.find((k) => k.id === keyId);
    if (!entry) throw new Error('sealed with a key that is no longer configured');
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(nonceText, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }

  /** True when the value was sealed with an older key and should be re-sealed with the current one. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== this.keys[0]!.id;
  }
}
