import { readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { COLLECTION_NAMES, createAccountState, type AccountState, type Rec } from '../core/account-state.js';
import { createOAuthState, type AuthorizationCode, type EmulatorState, type OAuthGrant } from '../core/emulator-state.js';
import type { ScheduledTask } from '../core/scheduler.js';

interface SnapshotV1 {
  version: 1;
  clockOffsetMs: number;
  accounts: { id: string; platformId: string | null; collections: Record<string, [string, unknown][]> }[];
  tasks: ScheduledTask[];
  oauth?: { codes: AuthorizationCode[]; grants: OAuthGrant[]; accessTokens: [string, string | null][] };
}

export interface SnapshotData {
  state: EmulatorState;
  clockOffsetMs: number;
  tasks: ScheduledTask[];
}

export function serializeSnapshot(data: SnapshotData): string {
  const snapshot: SnapshotV1 = {
    version: 1,
    clockOffsetMs: data.clockOffsetMs,
    accounts: [...data.state.accounts.values()].map((a) => ({
      id: a.id,
      platformId: a.platformId,
      collections: Object.fromEntries(COLLECTION_NAMES.map((n) => [n, [...(a[n] as Map<string, unknown>).entries()]])),
    })),
    tasks: data.tasks,
    oauth: {
      codes: [...data.state.oauth.codes.values()],
      grants: [...data.state.oauth.grants.values()],
      accessTokens: [...data.state.oauth.accessTokens.entries()],
    },
  };
  return JSON.stringify(snapshot);
}

export function deserializeSnapshot(text: string): SnapshotData {
  const snapshot = JSON.parse(text) as SnapshotV1;
  if (snapshot.version !== 1) throw new Error(`unsupported snapshot version ${String(snapshot.version)}`);
  const accounts = new Map<string, AccountState>();
  for (const a of snapshot.accounts) {
    const account = createAccountState(a.id, a.platformId);
    for (const name of COLLECTION_NAMES) {
      const entries = a.collections[name] ?? [];
      const map = account[name] as Map<string, Rec<unknown>>;
      for (const [id, rec] of entries) map.set(id, rec as Rec<unknown>);
    }
    accounts.set(a.id, account);
  }
  const oauth = createOAuthState();
  for (const c of snapshot.oauth?.codes ?? []) oauth.codes.set(c.code, c);
  for (const g of snapshot.oauth?.grants ?? []) oauth.grants.set(g.refreshToken, g);
  for (const [token, grant] of snapshot.oauth?.accessTokens ?? []) oauth.accessTokens.set(token, grant);
  return { state: { accounts, oauth }, clockOffsetMs: snapshot.clockOffsetMs, tasks: snapshot.tasks };
}

export async function loadSnapshot(file: string): Promise<SnapshotData | null> {
  if (!existsSync(file)) return null;
  return deserializeSnapshot(await readFile(file, 'utf8'));
}

/** Writes atomically (temp file + rename) so a crash never leaves a half-written snapshot. */
export async function saveSnapshot(file: string, data: SnapshotData): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, serializeSnapshot(data));
  await rename(tmp, file);
}
