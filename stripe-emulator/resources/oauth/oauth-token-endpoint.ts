import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../../core/emulator.js';
import { StripeError } from '../../core/stripe-error.js';
import { authenticate } from '../../http/authenticate.js';
import { parseForm } from '../../http/parse-form.js';
import { OAuthError, deauthorize, redeemAuthorizationCode, refreshAccessToken } from './oauth-grants.js';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function str(form: Record<string, unknown>, key: string): string | undefined {
  const v = form[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * `POST /oauth/token` and `POST /oauth/deauthorize` (also under `/v1/`). stripe-node sends these
 * to the `connect` host, which is the configured `host`/`port` once `host` is overridden, so
 * `stripe.oauth.token(...)` reaches the emulator with no extra option. The platform authenticates
 * with its secret key (Authorization header or `client_secret`); errors are Stripe's OAuth shape.
 */
export function oauthTokenEndpoint(em: Emulator) {
  return (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    const m = /^(?:\/v1)?\/oauth\/(token|deauthorize)$/.exec(url.pathname);
    if (!m) return false;
    if (req.method !== 'POST') {
      json(res, 405, { error: 'invalid_request', error_description: `Use POST for ${url.pathname}.` });
      return true;
    }
    const form = parseForm(body, parseForm(url.search.slice(1))) as Record<string, unknown>;
    try {
      const secret = str(form, 'client_secret');
      const authorization = secret ? `Bearer ${secret}` : req.headers.authorization;
      if (!authorization) {
        throw new OAuthError('invalid_client', 'No authentication was provided. Send your secret API key using the Authorization header, or as a client_secret POST parameter.');
      }
      let platform;
      try {
        const auth = authenticate(em, authorization, undefined);
        if (auth.publishable) throw new OAuthError('invalid_client', 'A publishable key cannot be used here; use your secret API key.');
        platform = auth.account;
      } catch (err) {
        if (err instanceof StripeError) throw new OAuthError('invalid_client', err.fields.message);
        throw err;
      }
      if (m[1] === 'deauthorize') {
        const clientId = str(form, 'client_id');
        const accountId = str(form, 'stripe_user_id');
        if (!clientId || !accountId) throw new OAuthError('invalid_request', `Missing required param: ${clientId ? 'stripe_user_id' : 'client_id'}.`);
        json(res, 200, deauthorize(em, platform, clientId, accountId));
        return true;
      }
      const grantType = str(form, 'grant_type');
      if (grantType === 'authorization_code') {
        const code = str(form, 'code');
        if (!code) throw new OAuthError('invalid_request', 'No authorization code provided');
        json(res, 200, redeemAuthorizationCode(em, platform, code));
      } else if (grantType === 'refresh_token') {
        const refresh = str(form, 'refresh_token');
        if (!refresh) throw new OAuthError('invalid_request', 'No refresh token provided');
        json(res, 200, refreshAccessToken(em, platform, refresh));
      } else if (grantType === undefined) {
        throw new OAuthError('invalid_request', 'No grant type specified');
      } else {
        throw new OAuthError('unsupported_grant_type', `Unsupported grant type: ${grantType}`);
      }
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      json(res, err.status, { error: err.error, error_description: err.description });
    }
    return true;
  };
}
