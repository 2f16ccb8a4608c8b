import { intentFromSecret, type Api, type ApiError, type IntentLike, type Params } from './api.js';
import { authenticateInFrame } from './modal.js';

export type IntentResult = { setupIntent?: IntentLike; paymentIntent?: IntentLike; error?: ApiError };

const ONLINE_MANDATE = { customer_acceptance: { type: 'online', online: { infer_from_client: true } } };

export function wrap(intent: IntentLike): IntentResult {
  return intent.object === 'setup_intent' ? { setupIntent: intent } : { paymentIntent: intent };
}

/** An API error as Stripe.js returns it: `{error}` with the intent inside when the API sent one. */
export function failure(error: ApiError): IntentResult {
  return { error };
}

async function retrieve(api: Api, clientSecret: string): Promise<IntentResult> {
  const { path } = intentFromSecret(clientSecret);
  const result = await api.request<IntentLike>('GET', path, { client_secret: clientSecret });
  return result.ok ? wrap(result.body) : failure(result.error);
}

/**
 * Runs the intent's `next_action` if it is 3-D Secure (modal frame), then re-reads the intent.
 * An authentication failure becomes `{error}` with the intent's last error, like Stripe.js.
 */
export async function handleNextAction(api: Api, intent: IntentLike, clientSecret: string): Promise<IntentResult> {
  const action = intent.next_action;
  if (intent.status !== 'requires_action' || !action) return wrap(intent);
  if (action.type === 'redirect_to_url' && action.redirect_to_url) {
    window.location.assign(action.redirect_to_url.url);
    return new Promise(() => undefined);
  }
  if (action.type !== 'use_stripe_sdk' || !action.use_stripe_sdk?.stripe_js) return wrap(intent);
  await authenticateInFrame(action.use_stripe_sdk.stripe_js, intent.id);
  const after = await retrieve(api, clientSecret);
  const updated = after.setupIntent ?? after.paymentIntent;
  const lastError = updated?.last_setup_error ?? updated?.last_payment_error;
  if (updated && updated.status === 'requires_payment_method' && lastError) {
    return failure({ ...lastError, [updated.object]: updated });
  }
  return after;
}

export interface ConfirmOptions {
  clientSecret: string;
  paymentMethod?: string;
  paymentMethodData?: Params;
  returnUrl?: string;
  redirect?: 'always' | 'if_required';
  /** A bank-account confirmation: send an online mandate inferred from the browser. */
  bank?: boolean;
  extra?: Params;
}

/**
 * Confirms an intent with the publishable key and `client_secret` (as Stripe.js does), adding
 * an online mandate inferred from the browser for bank accounts, then handles 3-D Secure.
 * With `redirect: 'always'` and a `return_url`, navigates there like Stripe.js.
 */
export async function confirmIntent(api: Api, o: ConfirmOptions): Promise<IntentResult> {
  const { path } = intentFromSecret(o.clientSecret);
  const params: Params = { client_secret: o.clientSecret, use_stripe_sdk: true, ...(o.extra ?? {}) };
  if (o.returnUrl) params.return_url = o.returnUrl;
  if (o.paymentMethod) params.payment_method = o.paymentMethod;
  if (o.paymentMethodData) params.payment_method_data = o.paymentMethodData;
  const bank = o.paymentMethodData?.type === 'us_bank_account' || o.bank === true;
  if (bank && !params.mandate_data) params.mandate_data = ONLINE_MANDATE;
  const result = await api.request<IntentLike>('POST', `${path}/confirm`, params);
  if (!result.ok) return failure(result.error);
  const handled = await handleNextAction(api, result.body, o.clientSecret);
  const intent = handled.setupIntent ?? handled.paymentIntent;
  if (!handled.error && intent && o.redirect !== 'if_required' && o.returnUrl) {
    const url = new URL(o.returnUrl, window.location.href);
    url.searchParams.set(intent.object, intent.id);
    url.searchParams.set(`${intent.object}_client_secret`, o.clientSecret);
    url.searchParams.set('redirect_status', intent.status === 'succeeded' || intent.status === 'processing' ? 'succeeded' : intent.status);
    window.location.assign(url.toString());
    return new Promise(() => undefined);
  }
  return handled;
}

export { retrieve as retrieveIntent, ONLINE_MANDATE };
