import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../../core/emulator.js';
import { StripeError } from '../../core/stripe-error.js';
import { parseForm } from '../../http/parse-form.js';
import { escapeHtml, sendPage } from '../html-page.js';
import { completeAuthentication, findAuthenticatingIntent } from './complete-authentication.js';

function returnTo(returnUrl: string, intent: { id: string; object: string; client_secret: string | null; status: string }): string {
  const url = new URL(returnUrl);
  url.searchParams.set(intent.object, intent.id);
  url.searchParams.set(`${intent.object}_client_secret`, intent.client_secret ?? '');
  url.searchParams.set('redirect_status', intent.status === 'succeeded' || intent.status === 'processing' ? 'succeeded' : 'failed');
  return url.toString();
}

/**
 * `/_emulator/3ds/:intentId` — the emulator's 3-D Secure challenge (like Stripe's test page):
 * "Complete authentication" or "Fail authentication". In `mode=sdk` (inside the Stripe.js
 * stand-in's frame) the result page posts `{type: 'stripe-emulator-3ds'}` to the parent window;
 * otherwise it redirects to the intent's `return_url` with Stripe's query parameters.
 */
export function threeDSecurePage(em: Emulator) {
  return (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    const m = /^\/_emulator\/3ds\/((?:pi|seti)_[A-Za-z0-9]+)$/.exec(url.pathname);
    if (!m) return false;
    const found = findAuthenticatingIntent(em, m[1] ?? '');
    if (!found) {
      sendPage(res, 404, 'Authentication', '<h1>Unknown authentication request</h1>');
      return true;
    }
    const { account, intent } = found;
    const obj = intent.rec.object;
    const sdk = url.searchParams.get('mode') === 'sdk';
    if (req.method === 'POST') {
      const action = parseForm(body).action === 'fail' ? 'fail' : 'complete';
      let message = action === 'complete' ? 'Authentication complete.' : 'Authentication failed.';
      try {
        completeAuthentication(em, account, intent, action);
        em.changed();
      } catch (err) {
        message = err instanceof StripeError ? err.fields.message : 'Authentication could not be processed.';
      }
      const returnUrl = intent.rec.meta.returnUrl;
      if (!sdk && returnUrl) {
        res.writeHead(302, { Location: returnTo(returnUrl, obj) }).end();
        return true;
      }
      const notify = `<script>window.parent.postMessage({type:'stripe-emulator-3ds',intent:${JSON.stringify(obj.id)},status:${JSON.stringify(obj.status)}},'*')</script>`;
      sendPage(res, 200, 'Authentication', `<h1 id="result">${escapeHtml(message)}</h1><p class="muted">Status: ${escapeHtml(obj.status)}</p>${notify}`);
      return true;
    }
    const amount = intent.kind === 'payment_intent' ? `${(intent.rec.object.amount / 100).toFixed(2)} ${intent.rec.object.currency.toUpperCase()}` : 'Card set-up (no charge)';
    const action = `${url.pathname}${sdk ? '?mode=sdk' : ''}`;
    sendPage(
      res,
      200,
      '3D Secure authentication',
      `<h1>3D Secure test authentication</h1><p class="muted">Stripe emulator — this stands in for the card issuer's challenge.</p>
<dl><dt>Intent</dt><dd>${escapeHtml(obj.id)}</dd><dt>Amount</dt><dd>${escapeHtml(amount)}</dd><dt>Status</dt><dd>${escapeHtml(obj.status)}</dd></dl>
<form method="post" action="${escapeHtml(action)}" class="actions"><button class="primary" name="action" value="complete">Complete authentication</button><button name="action" value="fail">Fail authentication</button></form>`,
    );
    return true;
  };
}
