import { accountIdForKey } from './ids.js';
import { createAccountState, type AccountState } from './account-state.js';

/**
 * Every account the emulator knows, keyed by `acct_…`. Platform accounts come from API keys
 * (deterministically); connected accounts are reached with the `Stripe-Account` header.
 */
export interface EmulatorState {
  accounts: Map<string, AccountState>;
}

export function createEmulatorState(): EmulatorState {
  return { accounts: new Map() };
}

export function accountForKey(state: EmulatorState, secretKey: string): AccountState {
  const id = accountIdForKey(secretKey);
  let account = state.accounts.get(id);
  if (!account) {
    account = createAccountState(id);
    state.accounts.set(id, account);
  }
  return account;
}

/** Connects `accountId` (created if new) to `platformId`; idempotent. */
export function connectAccount(state: EmulatorState, platformId: string, accountId: string): AccountState {
  let account = state.accounts.get(accountId);
  if (!account) {
    account = createAccountState(accountId, platformId);
    state.accounts.set(accountId, account);
  } else if (account.platformId === null && account.id !== platformId) {
    account.platformId = platformId;
  }
  return account;
}
