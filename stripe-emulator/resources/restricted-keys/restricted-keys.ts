// Restricted API keys with Stripe's permission model. An emulator restricted key names its account
// and its permissions (`rk_test_rak_<account>_<hex mask>`), so it needs no state and survives resets
// and snapshots; keys made any other way (`rk_test_anything`) stay unrestricted. Requests outside
// the key's permissions get Stripe's 403: "The provided key '…' does not have the required
// permissions for this endpoint on account 'acct_…'. Having the 'rak_…' permission would allow this
// request to continue." Write implies read, as in Stripe.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../../core/emulator.js';
import { StripeError } from '../../core/stripe-error.js';
import { authenticate, redact } from '../../http/authenticate.js';

export const RESOURCE_PERMISSIONS = [
  'customer',
  'payment_method',
  'setup_intent',
  'payment_intent',
  'charge',
  'dispute',
  'mandate',
  'webhook',
  'event',
  'account',
  'test_clock',
  'payout',
  'balance',
] as const;
type Resource = (typeof RESOURCE_PERMISSIONS)[number];

/** First path segment after /v1 → the permission that guards it. */
const RESOURCE_BY_PATH: Record<string, Resource> = {
  customers: 'customer',
  payment_methods: 'payment_method',
  setup_intents: 'setup_intent',
  payment_intents: 'payment_intent',
  charges: 'charge',
  refunds: 'charge',
  disputes: 'dispute',
  mandates: 'mandate',
  webhook_endpoints: 'webhook',
  events: 'event',
  account: 'account',
  test_helpers: 'test_clock',
  payouts: 'payout',
  balance_transactions: 'balance',
  balance: 'balance',
};

const KEY = /^rk_test_rak_([A-Za-z0-9]+)_([0-9a-f]+)$/;

/** Bits: 2i = read, 2i+1 = write, for RESOURCE_PERMISSIONS[i]. */
export function makeRestrictedKey(accountId: string, permissions: readonly string[]): string {
  let mask = 0n;
  for (const p of permissions) {
    const m = /^rak_([a-z_]+)_(read|write)$/.exec(p);
    const index = m ? RESOURCE_PERMISSIONS.indexOf(m[1] as Resource) : -1;
    if (!m || index < 0) throw new Error(`unknown permission ${p}`);
    mask |= 1n << BigInt(index * 2 + (m[2] === 'write' ? 1 : 0));
  }
  return `rk_test_rak_${accountId.replace(/^acct_/, '')}_${mask.toString(16)}`;
}

export function parseRestrictedKey(key: string): { accountId: string; mask: bigint } | null {
  const m = KEY.exec(key);
  return m ? { accountId: `acct_${m[1]}`, mask: BigInt(`0x${m[2]}`) } : null;
}

/** Throws Stripe's 403 when `key` is an emulator restricted key without the needed permission. */
export function assertRestrictedKeyAllows(key: string | null, method: string, pathname: string, accountId: string): void {
  const parsed = key ? parseRestrictedKey(key) : null;
  if (!parsed || !key) return;
  const segment = pathname.split('/')[2] ?? '';
  const resource = RESOURCE_BY_PATH[segment];
  const write = method !== 'GET';
  const index = resource ? RESOURCE_PERMISSIONS.indexOf(resource) : -1;
  const allowed =
    index >= 0 && ((parsed.mask >> BigInt(index * 2 + 1)) & 1n || (!write && (parsed.mask >> BigInt(index * 2)) & 1n));
  if (allowed) return;
  const needed = resource ? `rak_${resource}_${write ? 'write' : 'read'}` : 'rak_unknown';
  throw new StripeError(
    403,
    {
      type: 'invalid_request_error',
      message: `The provided key '${redact(key)}' does not have the required permissions for this endpoint on account '${accountId}'. Having the '${needed}' permission would allow this request to continue.`,
    },
    { replayable: false },
  );
}

/**
 * `POST /_emulator/restricted_keys {permissions: ['rak_customer_write', …]}`, authenticated with the
 * account's secret key: returns `{key}`, a restricted key of that account with exactly those permissions.
 */
export function restrictedKeyHandler(em: Emulator) {
  return (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    if (req.method !== 'POST' || url.pathname !== '/_emulator/restricted_keys') return false;
    const reply = (status: number, payload: unknown) => {
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
    };
    try {
      const { account } = authenticate(em, req.headers.authorization, undefined);
      const input = JSON.parse(body || '{}') as { permissions?: unknown };
      if (!Array.isArray(input.permissions) || !input.permissions.every((p) => typeof p === 'string')) {
        reply(400, { error: { message: 'permissions must be an array of permission names like rak_customer_write' } });
        return true;
      }
      reply(200, { key: makeRestrictedKey(account.id, input.permissions as string[]), account: account.id });
    } catch (err) {
      if (err instanceof StripeError) reply(err.status, err.toBody());
      else reply(400, { error: { message: err instanceof Error ? err.message : String(err) } });
    }
    return true;
  };
}
