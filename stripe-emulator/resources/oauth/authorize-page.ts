import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../../core/emulator.js';
import { accountIdForClientId, randomAlphanumeric } from '../../core/ids.js';
import { parseForm } from '../../http/parse-form.js';
import { escapeHtml, sendPage } from '../html-page.js';
import { OAuthError, grantAuthorizationCode } from './oauth-grants.js';

const SCOPES = ['read_write', 'read_only'];

function redirect(res: ServerResponse, redirectUri: string, params: Record<string, string | undefined>): void {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  res.writeHead(302, { Location: url.toString(), 'Cache-Control': 'no-store' }).end();
}

function field(form: Record<string, unknown>, key: string): string | undefined {
  const v = form[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

/**
 * `/oauth/authorize` — the emulator's stand-in for `https://connect.stripe.com/oauth/authorize`.
 * GET shows which account will be connected to which platform (a new `acct_…`, or the one named
 * by the emulator-only `stripe_user_id` parameter) with "Connect" and "Deny"; the POST redirects
 * to `redirect_uri` with `code`/`scope`/`state`, or `error=access_denied`.
 */
export function authorizePage(em: Emulator) {
  return (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    if (url.pathname !== '/oauth/authorize' && url.pathname !== '/express/oauth/authorize') return false;
    const form = (req.method === 'POST' ? parseForm(body) : parseForm(url.search.slice(1))) as Record<string, unknown>;
    const clientId = field(form, 'client_id');
    const redirectUri = field(form, 'redirect_uri');
    const state = field(form, 'state');
    const scope = field(form, 'scope') ?? 'read_write';
    const platformId = clientId ? accountIdForClientId(clientId) : null;
    if (!clientId || !platformId) {
      sendPage(res, 400, 'Invalid request', `<h1>Invalid client_id</h1><p>No application matches the client_id <code>${escapeHtml(clientId ?? '(missing)')}</code>. Get yours from <code>GET /_emulator/accounts/keys</code>.</p>`);
      return true;
    }
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) {
      sendPage(res, 400, 'Invalid request', '<h1>Invalid redirect_uri</h1><p>Pass an absolute http(s) <code>redirect_uri</code>.</p>');
      return true;
    }
    if ((field(form, 'response_type') ?? 'code') !== 'code') {
      redirect(res, redirectUri, { error: 'unsupported_response_type', error_description: 'Only response_type=code is supported.', state });
      return true;
    }
    if (!SCOPES.includes(scope)) {
      redirect(res, redirectUri, { error: 'invalid_scope', error_description: `Invalid scope: ${scope}`, state });
      return true;
    }
    const accountId = field(form, 'stripe_user_id') ?? `acct_${randomAlphanumeric(16)}`;
    if (req.method === 'POST') {
      if (field(form, 'decision') !== 'allow') {
        redirect(res, redirectUri, { error: 'access_denied', error_description: 'The user denied your request', state });
        return true;
      }
      try {
        redirect(res, redirectUri, { code: grantAuthorizationCode(em, platformId, accountId, scope), scope, state });
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err;
        redirect(res, redirectUri, { error: err.error, error_description: err.description, state });
      }
      return true;
    }
    const existing = em.state.accounts.get(accountId);
    const fields = hidden('client_id', clientId) + hidden('redirect_uri', redirectUri) + hidden('state', state) + hidden('scope', scope) + hidden('response_type', 'code') + hidden('stripe_user_id', accountId);
    sendPage(
      res,
      200,
      'Connect your Stripe account',
      `<h1>Connect your Stripe account</h1><p>An application wants ${scope === 'read_only' ? 'read-only' : 'read and write'} access to your Stripe account (test mode).</p>
<dl><dt>Account</dt><dd id="account">${escapeHtml(accountId)}${existing ? '' : ' (new test account)'}</dd><dt>Application</dt><dd>${escapeHtml(clientId)}</dd><dt>Platform</dt><dd>${escapeHtml(platformId)}</dd><dt>Redirects to</dt><dd>${escapeHtml(redirectUri)}</dd></dl>
<form method="post" action="${escapeHtml(url.pathname)}" class="actions">${fields}<button class="primary" name="decision" value="allow">Connect</button><button name="decision" value="deny">Deny</button></form>
<p class="muted">Stripe emulator — no real account is involved.</p>`,
    );
    return true;
  };
}
