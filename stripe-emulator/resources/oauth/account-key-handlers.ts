import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../../core/emulator.js';
import { clientIdFor, publishableKeyFor } from '../../core/ids.js';
import { StripeError } from '../../core/stripe-error.js';
import { authenticate } from '../../http/authenticate.js';

export interface AccountKeys {
  account: string;
  publishable_key: string;
  /** OAuth `client_id` of this account acting as a platform. */
  client_id: string;
}

/** The keys Settle needs next to a secret key or access token (account id, pk, OAuth client id). */
export function accountKeys(accountId: string): AccountKeys {
  return { account: accountId, publishable_key: publishableKeyFor(accountId), client_id: clientIdFor(accountId) };
}

/**
 * `GET /_emulator/accounts/keys` (alias `/_emulator/accounts/publishable-key`), authenticated like
 * the API (`Authorization: Bearer sk_test_…`, optional `Stripe-Account`): the account's
 * publishable key and OAuth client id. Real Stripe shows these in the Dashboard.
 */
export function accountKeyHandlers(em: Emulator) {
  return [
    (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
      if (req.method !== 'GET' || (url.pathname !== '/_emulator/accounts/keys' && url.pathname !== '/_emulator/accounts/publishable-key')) return false;
      let body: unknown;
      let status = 200;
      try {
        const auth = authenticate(em, req.headers.authorization, req.headers['stripe-account'] as string | undefined);
        em.changed();
        body = accountKeys(auth.account.id);
      } catch (err) {
        if (!(err instanceof StripeError)) throw err;
        status = err.status;
        body = err.toBody();
      }
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
      return true;
    },
  ];
}
