import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('SecretBox', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('rk_test_secret', 'conn-1');
    expect(sealed).not.toContain('rk_test_secret');
    expect(sealed).toMatch(/^v1\./);
    expect(box.open(sealed, 'conn-1')).toBe('rk_test_secret');
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c')); // fresh nonce each time
  });

  it('refuses tampering and a different context', () => {
    const box = new SecretBox([k1]);
    const sealed = box.seal('whsec_abc', 'installation-a');
    expect(() => box.open(sealed, 'installation-b')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() => box.open([...parts.slice(0, 3), body.toString('base64url')].join('.'), 'installation-a')).toThrow();
  });

  it('rotates: old values open with a previous key and report that they need resealing', () => {
    const old = new SecretBox([k1]).seal('token');
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.open(old)).toBe('token');
    expect(rotated.needsReseal(old)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('token'))).toBe(false);
    expect(() => new SecretBox([k2]).open(old)).toThrow(/no longer configured/);
  });
});
