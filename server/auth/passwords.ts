import argon2 from 'argon2';

// argon2id with the library's defaults (64 MiB, 3 passes). A fixed dummy hash lets a failed lookup
// cost as much as a wrong password, so response time does not reveal which emails exist.
let dummyHash: Promise<string> | null = null;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** Constant-work check: pass `null` when no account matched and this still takes a full verify. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('settle-dummy-password');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export const PASSWORD_MIN_LENGTH = 10;
